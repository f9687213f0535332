"""Instance types: what a box costs and how much work it does.

A request is single-threaded, so a bigger box does not make one request faster; it
runs more of them at once (more workers). Per-core ``speed`` falls slightly on very
large boxes (shared caches, memory bandwidth, lock contention in the app and DB), which
is why capacity grows slower than price at the top of the range. Prices are
on-demand $/hour in the style of a general-purpose cloud family.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class InstanceType:
    """One purchasable size."""

    name: str
    vcpus: int
    memory_gb: float
    speed: float
    price_per_hour: float

    @property
    def capacity(self) -> float:
        """Work-seconds per second the whole box can do."""
        return self.vcpus * self.speed
