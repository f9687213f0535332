"""What every mechanism shares: the SimPy clock, the data plane, the event log and the hooks.

Why a world object: a mechanism (a balancer, a health checker, a replica set) needs the clock to
run its processes, the data plane to change what requests meet, and a way to say what happened.
It must not need the :class:`~scaleout_tui.engine.simulation.Simulation` that assembles it, or
the mechanisms would import the kernel and the kernel them: a circle. So the kernel hands each
mechanism this world, which imports nothing above the data plane.

Mechanisms that react to each other do so through hooks, not by calling one another: a crash
runs the crash hooks (a replica set starts a failover, a balancer pair fails over), a health
verdict runs the health hooks (the failure records note the detection). A hook list runs in the
order the kernel built the mechanisms, which is what keeps runs reproducible.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import simpy

from scaleout_tui.engine.box import Box
from scaleout_tui.engine.dataplane import DataPlane
from scaleout_tui.engine.events import LogEntry, Severity


@dataclass(frozen=True, slots=True)
class Timings:
    """How long the cloud's own steps take (seconds), as the level sets them."""

    boot_s: float = 60.0
    restart_s: float = 10.0
    resize_downtime_s: float = 90.0
    deregistration_delay_s: float = 300.0
    rtt_s: float = 0.0005


@dataclass
class World:
    env: simpy.Environment
    timings: Timings
    users: int
    log: list[LogEntry] = field(default_factory=list)
    #: set by the kernel once the fleet it moves requests through exists
    data: DataPlane = field(init=False)
    #: a box has just crashed (its port is closed, what it held is lost)
    crash_hooks: list[Callable[[Box], None]] = field(default_factory=list)
    #: the balancer has just taken a target out of rotation (False) or put it back (True)
    health_hooks: list[Callable[[Box, bool], None]] = field(default_factory=list)
    #: before the data plane moves a tick's requests, with the tick's start
    tick_hooks: list[Callable[[float], None]] = field(default_factory=list)
    #: after a metrics window (one second) closed, with the time it closed
    second_hooks: list[Callable[[float], None]] = field(default_factory=list)

    @property
    def now(self) -> float:
        return float(self.env.now)

    def emit(self, code: str, severity: Severity = "info", **params: str | float | int) -> None:
        """Log what happened as a code and its parameters; the game layer words it."""
        self.log.append(LogEntry(self.env.now, code, severity, dict(params)))

    def emit_at(self, t: float, code: str, severity: Severity = "info", **params: str | float | int) -> None:
        """Log something that happened at ``t`` inside the tick just run: a mechanism with its own
        timeline (the ingest tier's balancer) reports after the clock has reached the tick's end."""
        self.log.append(LogEntry(t, code, severity, dict(params)))
