"""The simulation: a SimPy control plane steering a NumPy data plane.

Control-plane events (a box crashes, a resize finishes, a migration cuts over) are
SimPy processes with exact timing. The data plane moves the requests of each tick in
bulk (:mod:`dataplane`). :meth:`Simulation.step` first runs every control event
before the end of the tick, then the data plane over the tick, so a state change
takes effect within one tick (50-100 ms of simulated time): well below anything a
real operator or health check could notice.

Player commands are applied at tick boundaries and logged with their time, which is
all a replay needs: the seed, the level, and the timed commands.
"""

from __future__ import annotations

import hashlib
from collections.abc import Generator, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import simpy

from scaleout_tui.engine.dataplane import ArrivalSource, DataPlane
from scaleout_tui.engine.events import LogEntry, Severity
from scaleout_tui.engine.fleet import Box, Role
from scaleout_tui.engine.instance import InstanceType
from scaleout_tui.engine.metrics import Metrics
from scaleout_tui.engine.rng import stream
from scaleout_tui.engine.traffic import TrafficSource, TrafficSpec

Layout = Literal["single", "two-tier"]


@dataclass(frozen=True, slots=True)
class ScheduledFailure:
    """A scripted failure: ``target`` is a box name, or ``db`` / ``web`` for the box
    that currently holds that role."""

    at: float
    target: str
    repair_s: float
    kind: Literal["crash"] = "crash"


@dataclass(frozen=True, slots=True)
class FleetSpec:
    layout: Layout
    web_type: InstanceType
    db_type: InstanceType | None = None
    web_count: int = 1


@dataclass(frozen=True, slots=True)
class SimConfig:
    """Everything the engine needs; built by the content layer from a level file."""

    duration_s: float
    traffic: TrafficSpec
    fleet: FleetSpec
    catalog: Mapping[str, InstanceType]
    tick_s: float = 0.1
    window_s: float = 1.0
    timeout_s: float = 30.0
    rtt_s: float = 0.0005
    queue_limit: int = 511
    colocation_penalty: float = 1.0
    resize_downtime_s: float = 90.0
    boot_s: float = 60.0
    restart_s: float = 10.0
    dispatch: Literal["random", "round_robin"] = "random"
    failures: tuple[ScheduledFailure, ...] = ()


@dataclass(frozen=True, slots=True)
class Command:
    """A change of one setting. ``param`` is an engine parameter path:
    ``web.size``, ``db.size`` or ``layout``."""

    param: str
    value: str | float | int


class CommandError(ValueError):
    """A command the engine cannot carry out, with a reason fit to show a player."""


@dataclass
class Simulation:
    """One run of one scenario. Deterministic given ``seed`` and the timed commands."""

    config: SimConfig
    seed: int
    source: ArrivalSource | None = None
    log: list[LogEntry] = field(default_factory=list)
    commands: list[tuple[float, Command]] = field(default_factory=list)

    def __post_init__(self) -> None:
        cfg = self.config
        self.env = simpy.Environment()
        self.now = 0.0
        self._tick_no = 0
        self.layout: Layout = cfg.fleet.layout
        self.boxes: list[Box] = []
        self._pending_boxes: list[Box] = []
        fl = cfg.fleet
        role: Role = "app+db" if fl.layout == "single" else "web"
        for i in range(fl.web_count):
            self.boxes.append(Box(f"web-{i + 1}", role, fl.web_type, len(self.boxes)))
        db_type = fl.db_type or fl.web_type
        self.db_type = db_type
        if fl.layout == "two-tier":
            self.boxes.append(Box("db-1", "db", db_type, len(self.boxes)))
        self.metrics = Metrics(len(self.boxes), cfg.window_s)
        src = self.source or TrafficSource(cfg.traffic, self.seed)
        self.data = DataPlane(src, self.boxes, self.metrics, cfg.queue_limit, cfg.timeout_s,
                              cfg.rtt_s, cfg.colocation_penalty, cfg.dispatch,
                              stream(self.seed, "dispatch"))
        self.data.db_box = self._db_index()
        for f in cfg.failures:
            self.env.process(self._scripted_failure(f))

    # ---- queries ---------------------------------------------------------------------
    def box(self, name: str) -> Box:
        for b in self.boxes:
            if b.name == name and b.state != "terminated":
                return b
        raise CommandError(f"no box named {name!r}")

    def _db_index(self) -> int | None:
        for b in self.boxes:
            if b.role == "db" and b.state != "terminated":
                return b.index
        return None

    def role_box(self, role: str) -> Box:
        """The live box currently doing ``role`` (``web`` or ``db``)."""
        if role == "db" and self.layout == "single":
            role = "web"
        for b in self.boxes:
            if b.state != "terminated" and (b.role == role or (role == "web" and b.role == "app+db")):
                return b
        raise CommandError(f"no box has the role {role!r}")

    @property
    def finished(self) -> bool:
        return self.now >= self.config.duration_s - 1e-9

    @property
    def live_boxes(self) -> list[Box]:
        return [b for b in self.boxes if b.state != "terminated"]

    # ---- time -----------------------------------------------------------------------
    def step(self) -> None:
        """Advance one tick (shorter at the very end of the run)."""
        t0 = self.now
        # Tick edges are k * tick_s, computed afresh each time: summing 0.2 s steps
        # drifts off the 1-s window edges within minutes.
        t1 = min(round((self._tick_no + 1) * self.config.tick_s, 9), self.config.duration_s)
        if t1 <= t0:
            return
        self._tick_no += 1
        self.env.run(until=t1)
        self.data.tick(t0, t1)
        extra = self.extra_cost_rate()
        if extra:
            self.metrics.record_cost(extra * (t1 - t0) / 3600.0)
        self.now = t1
        self.metrics.roll(t1)

    def advance(self, seconds: float) -> None:
        """Advance by ``seconds`` of simulated time, or to the end of the run."""
        end = min(self.now + seconds, self.config.duration_s)
        while self.now < end - 1e-9:
            self.step()

    def run(self) -> None:
        self.advance(self.config.duration_s)

    # ---- commands ---------------------------------------------------------------------
    def apply(self, cmd: Command) -> None:
        """Carry out a player's change now. Before the clock starts it just configures;
        afterwards it costs what it costs in reality (a stop, a boot, a restart)."""
        if cmd.param in ("web.size", "db.size"):
            itype = self.config.catalog.get(str(cmd.value))
            if itype is None:
                raise CommandError(f"unknown instance type {cmd.value!r}")
            target = self.role_box("web" if cmd.param == "web.size" else "db")
            if cmd.param == "db.size" and target.role != "db":
                self.db_type = itype
                self.commands.append((self.now, cmd))
                return
            self._resize(target, itype)
        elif cmd.param == "layout":
            if cmd.value not in ("single", "two-tier"):
                raise CommandError(f"unknown layout {cmd.value!r}")
            self._set_layout(str(cmd.value))  # type: ignore[arg-type]
        else:
            raise CommandError(f"unknown setting {cmd.param!r}")
        self.commands.append((self.now, cmd))

    def _emit(self, code: str, severity: Severity = "info", **params: str | float | int) -> None:
        self.log.append(LogEntry(self.env.now, code, severity, dict(params)))

    def _resize(self, box: Box, itype: InstanceType) -> None:
        if itype == box.itype:
            return
        if self.now == 0.0:
            box.itype = itype
            self.data.restart_box(box, 0.0)
            return
        if box.state != "running":
            raise CommandError(f"{box.name} is {box.state}; wait until it runs again")
        self.env.process(self._resize_proc(box, itype))

    def _resize_proc(self, box: Box, itype: InstanceType) -> Generator[simpy.Event, Any, None]:
        down = self.config.resize_downtime_s
        self._set_state(box, "stopping")
        self._emit("resize_start", "warn", box=box.name, old=box.itype.name, new=itype.name, down_s=down)
        yield self.env.timeout(min(15.0, down / 3))
        self._set_state(box, "stopped")
        yield self.env.timeout(down - min(15.0, down / 3))
        box.itype = itype
        self.data.restart_box(box, self.env.now)
        self._set_state(box, "running")
        self._emit("resize_done", "good", box=box.name, new=itype.name, vcpus=itype.vcpus)

    def _set_state(self, box: Box, state: str) -> None:
        box.state = state  # type: ignore[assignment]
        box.since = self.env.now
        self.data.touch()

    def _set_layout(self, layout: Layout) -> None:
        if layout == self.layout:
            return
        if self.now == 0.0:
            self._relayout(layout, 0.0)
            return
        self.env.process(self._migrate(layout))

    def _relayout(self, layout: Layout, now: float) -> None:
        web = self.role_box("web")
        if layout == "two-tier":
            web.role = "web"
            db = Box(f"db-{sum(b.role == 'db' for b in self.boxes) + 1}", "db", self.db_type,
                     len(self.boxes), "running", now)
            self.boxes.append(db)
            self.data.add_box(db, now)
        else:
            db = self.role_box("db")
            db.state = "terminated"
            web.role = "app+db"
        self.layout = layout
        self.data.db_box = self._db_index()
        self.data.touch()

    def _migrate(self, layout: Layout) -> Generator[simpy.Event, Any, None]:
        """Split or merge the database: boot a DB box (billed from boot), copy, and
        restart the app pointed at the new address: a short outage at cutover."""
        self._emit("migrate_start", "info", layout=layout, boot_s=self.config.boot_s)
        pending: Box | None = None
        if layout == "two-tier":
            pending = Box("db-new", "db", self.db_type, -1, "booting", self.env.now)
            self._pending_boxes.append(pending)
            yield self.env.timeout(self.config.boot_s)
        web = self.role_box("web")
        self._set_state(web, "stopping")
        self._emit("app_restart", "warn", box=web.name, down_s=self.config.restart_s)
        yield self.env.timeout(self.config.restart_s)
        if pending is not None:
            self._pending_boxes.remove(pending)
        self._relayout(layout, self.env.now)
        self.data.restart_box(web, self.env.now)
        self._set_state(web, "running")
        self._emit("migrate_done", "good", layout=layout)

    def _scripted_failure(self, f: ScheduledFailure) -> Generator[simpy.Event, Any, None]:
        yield self.env.timeout(f.at)
        try:
            box = self.role_box(f.target) if f.target in ("db", "web") else self.box(f.target)
        except CommandError:
            return
        if box.state not in ("running", "stopping"):
            return
        lost = self.data.kill_box(box, self.env.now)
        self._set_state(box, "crashed")
        self._emit("crash", "error", box=box.name, lost=lost, repair_s=f.repair_s)
        yield self.env.timeout(f.repair_s)
        if box.state == "crashed":  # type: ignore[comparison-overlap]  # state changes across the yield
            self.data.restart_box(box, self.env.now)
            self._set_state(box, "running")
            self._emit("recovered", "good", box=box.name)

    # ---- cost of boxes that are not yet in the fleet -------------------------------
    def extra_cost_rate(self) -> float:
        return sum(b.itype.price_per_hour for b in self._pending_boxes)

    # ---- determinism ---------------------------------------------------------------
    def digest(self) -> str:
        """A fingerprint of everything observable so far; equal runs give equal digests."""
        h = hashlib.sha256()
        m = self.metrics
        h.update(np.asarray([self.now, m.arrived, m.completed, m.latency_sum, m.cost]).tobytes())
        h.update(m.total_hist.tobytes())
        h.update(m.total_errors.tobytes())
        for b in self.boxes:
            h.update(f"{b.name}:{b.state}:{b.itype.name}".encode())
        return h.hexdigest()
