"""Boxes (instances) and their life cycle.

A box is billed while it is booting, running, stopping or crashed (a crashed instance
is still up while it reboots), serves only while running, and refuses connections
otherwise. The states mirror a cloud instance's: ``booting``
(pending plus OS and app start), ``running``, ``stopping`` (graceful: finishes what it
holds, refuses new work), ``stopped`` (a resize in progress: not billed), ``crashed``
(port closed, in-flight work lost) and ``terminated``. A running box may also carry an
application fault (hang, error, slow): the failure modes a health check must tell
apart from a crash. A newly launched app may also be *cold* for a while (see
:meth:`Box.cold_multiplier`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from scaleout_tui.engine.instance import InstanceType

BoxState = Literal["booting", "running", "stopping", "stopped", "crashed", "terminated"]
Role = Literal["app+db", "web", "db", "replica", "lb", "session", "cache", "comm", "tcp-lb"]
#: the roles of balancer nodes: billed, but not counted among the boxes that do the work
BALANCER_ROLES: frozenset[str] = frozenset({"lb", "tcp-lb"})
Fault = Literal["none", "hang", "error", "slow"]

BILLED: frozenset[str] = frozenset({"booting", "running", "stopping", "crashed"})


@dataclass(slots=True)
class Box:
    """One instance. ``index`` is its row in the data plane's worker bank."""

    name: str
    role: Role
    itype: InstanceType
    index: int
    state: BoxState = "running"
    since: float = 0.0
    # An injected application fault: the box runs, but its app misbehaves.
    # hang: port open, no answer; error: fast 500s; slow: service time x slow_factor.
    fault: Fault = "none"
    slow_factor: float = 1.0
    # A just-booted app is slow for a while (cold caches, JIT, empty pools): service
    # times start at cold_factor x normal and fall linearly to normal over warm_s.
    warm_from: float = 0.0
    warm_s: float = 0.0
    cold_factor: float = 1.0
    # Deregistering: the balancer sends it no new request, whatever its health check says,
    # while it finishes what it holds for the deregistration delay (as an ELB target does).
    draining: bool = False

    def cold_multiplier(self, t: float) -> float:
        """Service time multiplier of the app at time ``t`` (1 once warm)."""
        if self.warm_s <= 0.0 or self.cold_factor == 1.0:
            return 1.0
        age = t - self.warm_from
        if age >= self.warm_s:
            return 1.0
        return 1.0 + (self.cold_factor - 1.0) * (1.0 - max(age, 0.0) / self.warm_s)

    @property
    def accepting(self) -> bool:
        return self.state == "running"

    @property
    def billed(self) -> bool:
        return self.state in BILLED

    @property
    def serves_web(self) -> bool:
        return self.role in ("app+db", "web") and self.state != "terminated"
