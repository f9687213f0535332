"""Failures: a box that crashes, hangs, answers 500 to everything, or runs slow, and its repair.

The four kinds are the ones a health check must tell apart. A *crash* closes the port: every
request the box held is lost at once (``reset``) and the next connection is refused; a crashed
instance is still billed while it reboots. The others leave the box running with a misbehaving
app: a *hang* accepts connections and never answers (clients wait for their timeout), an
*error* answers a fast 500, a *slow* app serves every request ``factor`` times slower. On a
database or session-store box the same faults meet the queries that reach it: a hung database
leaves its queries to time out at the client, an erroring one makes the app answer a fast 500
(counted as ``db_down`` / ``store_down``), a slow one serves its queries ``factor`` times slower.
A balancer node can only crash.

Failures come from the level's script (at a time, on a box or on whichever box holds a role, with
a repair time) or from the player as a drill (``inject.<kind>``, lasting until ``repair``). Each
is recorded with what the balancer sent the box until it noticed, and until it was repaired: the
numbers behind "detection time" in the debrief.

Other mechanisms add scripted happenings that are not failures (the cloning gotchas) through
:attr:`Failures.scripted_kinds`, and things a ``repair`` undoes through :attr:`Failures.repairers`.
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from dataclasses import dataclass
from functools import partial
from typing import Any, Protocol

import simpy

from scaleout_tui.engine.box import Box
from scaleout_tui.engine.commands import CommandError, Handler, Value
from scaleout_tui.engine.fleet import Fleet
from scaleout_tui.engine.world import World

FAILURE_KINDS: tuple[str, ...] = ("crash", "hang", "error", "slow")
#: the roles whose box runs software requests wait on, so an app fault (hang, error, slow) acts
#: on what reaches it: web apps in the web stage, the session store and databases (master,
#: replica, shard) downstream. A balancer node is a piece of the cloud's plumbing: it can only
#: go down (a crash), and its own failover is what the game teaches.
APP_ROLES: frozenset[str] = frozenset({"app+db", "web", "db", "replica", "session"})
SLOW_FACTOR = 5.0  # a drill's slow app: service times × 5


@dataclass(frozen=True, slots=True)
class ScheduledFailure:
    """A scripted failure: ``target`` is a box name, or ``db`` / ``web`` / ``lb`` /
    ``session`` for the box that currently holds that role."""

    at: float
    target: str
    repair_s: float
    kind: str = "crash"
    factor: float = SLOW_FACTOR  # for "slow": service time multiplier


@dataclass
class FailureRecord:
    """One injected failure and how long the balancer took to notice it."""

    box: str
    kind: str
    at: float
    dispatched_at_start: int
    detected_at: float | None = None
    requests_until_detected: int | None = None
    repaired_at: float | None = None
    requests_until_repaired: int | None = None
    scripted: bool = True  # False for a failure the player injected as a drill


class Repairer(Protocol):
    """Something else wrong with a box that a ``repair`` puts right (a redirect gone astray)."""

    def broken(self, box: Box) -> bool: ...

    def fix(self, box: Box) -> None: ...


#: a scripted kind's handler: runs at the event's time; a generator when it lasts
ScriptedHandler = Callable[[Box, ScheduledFailure], Generator[simpy.Event, Any, None] | None]


class Failures:
    """Breaks and repairs boxes, and keeps the record of each failure."""

    def __init__(self, world: World, fleet: Fleet, script: tuple[ScheduledFailure, ...]) -> None:
        self.world = world
        self.fleet = fleet
        self.script = script
        self.records: list[FailureRecord] = []
        self.scripted_kinds: dict[str, ScriptedHandler] = {}
        self.repairers: list[Repairer] = []
        world.health_hooks.append(self._health_changed)

    def start(self) -> None:
        """Schedule the script: called once every mechanism has added its scripted kinds."""
        for f in self.script:
            self.world.env.process(self._scripted(f))

    def commands(self) -> dict[str, Handler]:
        handlers: dict[str, Handler] = {f"inject.{kind}": partial(self._inject, kind)
                                        for kind in FAILURE_KINDS}
        handlers["repair"] = self._repair
        return handlers

    # ---- commands -----------------------------------------------------------------------
    def _inject(self, kind: str, value: Value) -> None:
        """A failure the player injects: it happens now and lasts until repaired."""
        box = self.fleet.target(str(value))
        if box.state != "running":
            raise CommandError("box_not_running", box=box.name, state=box.state)
        if box.fault != "none":
            raise CommandError("box_already_broken", box=box.name, fault=box.fault)
        if kind != "crash" and box.role not in APP_ROLES:
            raise CommandError("no_app_to_fault", box=box.name, kind=kind)
        self.brk(box, kind, None, SLOW_FACTOR, scripted=False)

    def _repair(self, value: Value) -> None:
        box = self.fleet.target(str(value))
        if box.state != "crashed" and box.fault == "none" and not any(r.broken(box) for r in self.repairers):
            raise CommandError("box_not_broken", box=box.name)
        self.fix(box)

    # ---- the script ---------------------------------------------------------------------
    def _scripted(self, f: ScheduledFailure) -> Generator[simpy.Event, Any, None]:
        yield self.world.env.timeout(f.at)
        try:
            box = self.fleet.target(f.target)
        except CommandError:
            return  # the box is gone (terminated, or the role is not there): nothing to break
        handler = self.scripted_kinds.get(f.kind)
        if handler is not None:
            lasting = handler(box, f)
            if lasting is not None:
                yield from lasting
            return
        if box.state not in ("running", "stopping"):
            return
        self.brk(box, f.kind, f.repair_s, f.factor, scripted=True)
        yield self.world.env.timeout(f.repair_s)
        self.fix(box)

    # ---- breaking and fixing ------------------------------------------------------------
    def brk(self, box: Box, kind: str, repair_s: float | None, factor: float, scripted: bool) -> None:
        """The failure itself, at ``env.now``: a crash closes the port and loses what the
        box held; the other kinds leave it running with a misbehaving app."""
        world = self.world
        sent = int(world.data.dispatched[box.index])
        self.records.append(FailureRecord(box.name, kind, world.env.now, sent, scripted=scripted))
        if kind == "crash":
            lost = world.data.kill_box(box, world.env.now)
            self.fleet.set_state(box, "crashed")
            for hook in world.crash_hooks:
                hook(box)
            world.emit("crash", "error", box=box.name, lost=lost, repair_s=repair_s or 0)
        else:
            box.fault = "hang" if kind == "hang" else "error" if kind == "error" else "slow"
            box.slow_factor = factor if kind == "slow" else 1.0
            world.data.touch()
            world.emit("fault_" + kind, "error", box=box.name, repair_s=repair_s or 0, factor=factor)

    def fix(self, box: Box) -> None:
        for r in self.repairers:
            if r.broken(box):
                r.fix(box)
                if box.state != "crashed" and box.fault == "none":
                    return
        world = self.world
        for rec in self.records:
            if rec.box == box.name and rec.repaired_at is None:
                rec.repaired_at = world.env.now
                rec.requests_until_repaired = int(world.data.dispatched[box.index]) - rec.dispatched_at_start
        if box.state == "crashed":
            world.data.restart_box(box, world.env.now)
            self.fleet.set_state(box, "running")
            world.emit("recovered", "good", box=box.name)
        elif box.fault != "none":
            box.fault = "none"
            box.slow_factor = 1.0
            world.data.touch()
            world.emit("recovered", "good", box=box.name)

    def _health_changed(self, box: Box, healthy: bool) -> None:
        """The balancer noticed: the failures of ``box`` not yet detected are, now."""
        if healthy:
            return
        now = self.world.env.now
        for rec in self.records:
            if rec.box == box.name and rec.detected_at is None:
                rec.detected_at = now
                sent = int(self.world.data.dispatched[box.index])
                rec.requests_until_detected = sent - rec.dispatched_at_start
