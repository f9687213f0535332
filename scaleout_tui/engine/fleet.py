"""Boxes (instances) and their life cycle.

A box is billed while it is booting, running, stopping or crashed (a crashed instance
is still up while it reboots), serves only while running, and refuses connections
otherwise. The states mirror a cloud instance's: ``booting``
(pending plus OS and app start), ``running``, ``stopping`` (graceful: finishes what it
holds, refuses new work), ``stopped`` (a resize in progress: not billed), ``crashed``
(port closed, in-flight work lost) and ``terminated``. A running box may also carry an
application fault (hang, error, slow): the failure modes a health check must tell
apart from a crash.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from scaleout_tui.engine.instance import InstanceType

BoxState = Literal["booting", "running", "stopping", "stopped", "crashed", "terminated"]
Role = Literal["app+db", "web", "db", "replica", "lb", "session"]
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

    @property
    def accepting(self) -> bool:
        return self.state == "running"

    @property
    def billed(self) -> bool:
        return self.state in BILLED

    @property
    def serves_web(self) -> bool:
        return self.role in ("app+db", "web") and self.state != "terminated"
