"""The simulation: a SimPy control plane steering a NumPy data plane.

Control-plane events (a box crashes, a health probe answers, a resize finishes, a
migration cuts over) are SimPy processes with exact timing. The data plane moves the
requests of each tick in bulk (:mod:`dataplane`). :meth:`Simulation.step` first runs
every control event before the end of the tick, then the data plane over the tick, so
a state change takes effect within one tick (0.1-0.2 s of simulated time): well below
anything a real operator or health check could notice.

Player commands are applied at tick boundaries and logged with their time, which is
all a replay needs: the seed, the level, and the timed commands.
"""

from __future__ import annotations

import hashlib
from collections.abc import Generator, Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Literal

import numpy as np
import simpy

from scaleout_tui.engine.autoscaler import METRICS as SCALING_METRICS
from scaleout_tui.engine.autoscaler import POLICIES, AutoScaler, ScalingSpec, ScheduledAction, clock
from scaleout_tui.engine.balancer import ALGORITHMS, Balancer, BalancerSpec
from scaleout_tui.engine.closedloop import ClosedLoopSource, LoadTest
from scaleout_tui.engine.dataplane import ArrivalSource, DataPlane
from scaleout_tui.engine.events import LogEntry, Severity
from scaleout_tui.engine.fleet import Box, Role
from scaleout_tui.engine.healthcheck import KINDS as CHECK_KINDS
from scaleout_tui.engine.healthcheck import PATH_COST_S, HealthChecker, HealthCheckSpec
from scaleout_tui.engine.instance import InstanceType
from scaleout_tui.engine.localdb import DataCopies
from scaleout_tui.engine.metrics import Metrics
from scaleout_tui.engine.redirects import MODES as REDIRECT_MODES
from scaleout_tui.engine.redirects import Redirects
from scaleout_tui.engine.replication import ROUTINGS, Replication, ReplicationSpec
from scaleout_tui.engine.rng import stream
from scaleout_tui.engine.sessions import SessionSpec, SessionStore
from scaleout_tui.engine.shardrouter import KEYS as SHARD_KEYS
from scaleout_tui.engine.shardrouter import ShardingSpec, ShardRouter
from scaleout_tui.engine.storage import MODES as STORAGE_MODES
from scaleout_tui.engine.storage import FileStore, StorageSpec
from scaleout_tui.engine.traffic import Shape, TrafficSource, TrafficSpec

Layout = Literal["single", "two-tier"]

FAILURE_KINDS: tuple[str, ...] = ("crash", "hang", "error", "slow")
# Scripted happenings that are not failures a health check could find: a box starts
# redirecting to its own host name; a box is cloned from another's image.
GOTCHA_KINDS: tuple[str, ...] = ("redirect", "clone")
EVENT_KINDS: tuple[str, ...] = FAILURE_KINDS + GOTCHA_KINDS
CLONE_DATABASES: tuple[str, ...] = ("local", "shared")


@dataclass(frozen=True, slots=True)
class AppSpec:
    """How the application is configured, where cloning a server can go wrong.

    ``redirect``: ``base_url`` builds redirect URLs from each box's configured base URL
    (harmless while that is the shop's address; see :mod:`redirects`), ``relative``
    sends a path only. ``clone_database``: what a box cloned from another's image talks
    to, its image's own ``local`` database or the ``shared`` one (see :mod:`localdb`).
    """

    redirect: str = "base_url"
    clone_database: str = "local"
    pin_idle_s: float = 1_800.0


@dataclass(frozen=True, slots=True)
class ScheduledFailure:
    """A scripted failure: ``target`` is a box name, or ``db`` / ``web`` / ``lb`` /
    ``session`` for the box that currently holds that role."""

    at: float
    target: str
    repair_s: float
    kind: str = "crash"
    factor: float = 5.0  # for "slow": service time multiplier


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
    balancer: BalancerSpec | None = None
    health: HealthCheckSpec | None = None
    sessions: SessionSpec | None = None
    storage: StorageSpec | None = None
    deregistration_delay_s: float = 300.0
    aux_type: str | None = None  # instance type of balancer and session-store boxes
    replication: ReplicationSpec | None = None
    sharding: ShardingSpec | None = None
    scaling: ScalingSpec | None = None
    load_tests: tuple[LoadTest, ...] = ()  # closed-loop clients instead of the open curve
    app: AppSpec | None = None
    #: scenarios the player may switch to while the clock runs (``traffic.scenario``), by name
    scenarios: tuple[Shape, ...] = ()


@dataclass(frozen=True, slots=True)
class Command:
    """A change of one setting or an action. ``param`` is an engine parameter path
    (``web.size``, ``lb.algorithm``, ``health.interval_s``, ``inject.crash`` ...);
    ``value`` comes as text from a level's knob or a player's action."""

    param: str
    value: str | float | int


class CommandError(ValueError):
    """A command the engine cannot carry out, with a reason fit to show a player."""


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
        self.failures: list[FailureRecord] = []
        fl = cfg.fleet
        role: Role = "app+db" if fl.layout == "single" else "web"
        self.web_type = fl.web_type
        for _ in range(fl.web_count):
            self._new_box("web", role, fl.web_type)
        self.db_type = fl.db_type or fl.web_type
        if fl.layout == "two-tier":
            self._new_box("db", "db", self.db_type)
        # an autoscaler's alarms may look back a whole period (up to a day): keep every window
        self.metrics = Metrics(len(self.boxes), cfg.window_s, keep_all=cfg.scaling is not None)
        if self.source is None and cfg.load_tests:
            self.source = ClosedLoopSource(cfg.load_tests, self.seed)
        src = self.source or TrafficSource(cfg.traffic, self.seed)
        self.data = DataPlane(src, self.boxes, self.metrics, cfg.queue_limit, cfg.timeout_s,
                              cfg.rtt_s, cfg.colocation_penalty, cfg.dispatch,
                              stream(self.seed, "dispatch"))
        self.data.db_box = self._role_index("db")
        users = cfg.traffic.users
        self.balancer_spec = cfg.balancer
        self.health: HealthChecker | None = None
        self.registered: list[str] = [b.name for b in self.boxes if b.serves_web]
        if cfg.balancer is not None:
            for _ in range(cfg.balancer.count):
                self._add_live_box("lb", "lb", self.aux_type)
            self.data.balancer = Balancer(cfg.balancer, users, stream(self.seed, "balancer"))
            self.data.port_ok = cfg.balancer.target_port == 8080
            self.health = HealthChecker(self, cfg.health or HealthCheckSpec(kind="none"),
                                        stream(self.seed, "healthcheck"))
            for b in self.boxes:
                if b.serves_web:
                    self.health.register(b)
            self.data.rotation_fn = self._rotation
        if cfg.sessions is not None:
            self.data.sessions = SessionStore(cfg.sessions, users)
            if cfg.sessions.store == "shared":
                box = self._add_live_box("cache", "session", self.aux_type)
                self.data.stage_box[0] = box.index
        if cfg.storage is not None:
            self.data.files = FileStore(cfg.storage, users)
        self.app = cfg.app
        self.clones: list[str] = []
        if cfg.app is not None:
            self.data.redirects = Redirects(users, cfg.app.redirect, cfg.app.pin_idle_s)
            self.data.copies = DataCopies(users)
        self.lag_ms: list[float] = []  # worst replica lag, one sample per second
        # auto scaling capacity, one sample per second: desired, in service, booting
        self.capacity: dict[str, list[float]] = {"desired": [], "in_service": [], "pending": []}
        if cfg.replication is not None and fl.layout == "two-tier":
            self.data.replication = Replication(cfg.replication, users, stream(self.seed, "replication"))
            for _ in range(cfg.replication.replicas):
                self._add_replica()
        if cfg.sharding is not None and fl.layout == "two-tier":
            router = ShardRouter(cfg.sharding, users, stream(self.seed, "shards"))
            router.add_shard(self.role_box("db").index)
            for _ in range(cfg.sharding.shards - 1):
                router.add_shard(self._add_live_box("db", "db", self.db_type).index)
            self.data.shards = router
        self._lb_failover_until = -1.0
        self.autoscaler: AutoScaler | None = None
        if cfg.scaling is not None:
            self.autoscaler = AutoScaler(self, cfg.scaling, stream(self.seed, "autoscaler"))
            self.autoscaler.start()
        for f in cfg.failures:
            self.env.process(self._scripted_failure(f))

    # ---- building the fleet ---------------------------------------------------------
    @property
    def aux_type(self) -> InstanceType:
        name = self.config.aux_type
        if name and name in self.config.catalog:
            return self.config.catalog[name]
        return min(self.config.catalog.values(), key=lambda t: t.price_per_hour)

    def _new_box(self, prefix: str, role: Role, itype: InstanceType) -> Box:
        n = sum(1 for b in self.boxes if b.name.startswith(prefix + "-")) + 1
        box = Box(f"{prefix}-{n}", role, itype, len(self.boxes), "running", self.env.now)
        self.boxes.append(box)
        return box

    def _add_live_box(self, prefix: str, role: Role, itype: InstanceType) -> Box:
        box = self._new_box(prefix, role, itype)
        if hasattr(self, "data"):
            self.data.add_box(box, self.env.now)
        return box

    # ---- queries ---------------------------------------------------------------------
    def box(self, name: str) -> Box:
        for b in self.boxes:
            if b.name == name and b.state != "terminated":
                return b
        raise CommandError(f"no box named {name!r}")

    def _role_index(self, role: str) -> int | None:
        for b in self.boxes:
            if b.role == role and b.state != "terminated":
                return b.index
        return None

    def role_box(self, role: str) -> Box:
        """The live box currently doing ``role`` (``web``, ``db``, ``lb``, ``session``)."""
        if role == "db" and self.layout == "single":
            role = "web"
        for b in self.boxes:
            if b.state != "terminated" and (b.role == role or (role == "web" and b.role == "app+db")):
                return b
        raise CommandError(f"no box has the role {role!r}")

    def _rotation(self) -> tuple[list[int], list[int]]:
        """(in rotation, registered) web boxes, as the balancer sees them."""
        reg = [b for b in self.boxes if b.name in self.registered and b.state != "terminated"]
        if self.health is None:
            return [b.index for b in reg], [b.index for b in reg]
        return [b.index for b in reg if self.health.in_rotation(b)], [b.index for b in reg]

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
        self.data.lb_up = self._lb_serving(t0)
        self.data.tick(t0, t1)
        extra = self.extra_cost_rate()
        if extra:
            self.metrics.record_cost(extra * (t1 - t0) / 3600.0)
        self.metrics.record_instances(self.instance_count())
        self.now = t1
        closed = self.metrics.closed
        self.metrics.roll(t1)
        if self.autoscaler is not None and self.metrics.closed > closed:
            cap = self.capacity
            cap["desired"].append(float(self.autoscaler.desired))
            cap["in_service"].append(float(len(self.autoscaler.in_service())))
            cap["pending"].append(float(sum(1 for b in self._pending_boxes if b.name == "web-new")))
        rep = self.data.replication
        if rep is not None and self.metrics.closed > closed:
            self.lag_ms.append(1000.0 * max(rep.lag(t1), default=0.0))
            rep.trim(t1)

    def advance(self, seconds: float) -> None:
        """Advance by ``seconds`` of simulated time, or to the end of the run."""
        end = min(self.now + seconds, self.config.duration_s)
        while self.now < end - 1e-9:
            self.step()

    def run(self) -> None:
        self.advance(self.config.duration_s)

    def _lb_serving(self, t: float) -> bool:
        lbs = [b for b in self.boxes if b.role == "lb" and b.state != "terminated"]
        if not lbs or (self.balancer_spec is not None and self.balancer_spec.algorithm == "dns"):
            return True  # with DNS round robin clients connect straight to the web boxes
        return any(b.accepting for b in lbs) and t >= self._lb_failover_until

    # ---- commands ---------------------------------------------------------------------
    def apply(self, cmd: Command) -> None:
        """Carry out a player's change now. Before the clock starts it just configures;
        afterwards it costs what it costs in reality (a stop, a boot, a restart)."""
        param, value = cmd.param, cmd.value
        group = param.split(".", 1)[0]
        handler = {
            "web": self._apply_web, "db": self._apply_db, "layout": self._apply_layout,
            "lb": self._apply_lb, "health": self._apply_health, "session": self._apply_session,
            "storage": self._apply_storage, "inject": self._apply_inject, "repair": self._apply_repair,
            "asg": self._apply_asg, "app": self._apply_app, "traffic": self._apply_traffic,
        }.get(group)
        if handler is None:
            raise CommandError(f"unknown setting {param!r}")
        handler(param, value)
        self.commands.append((self.now, cmd))

    def _apply_traffic(self, param: str, value: str | float | int) -> None:
        """Switch the scenario: the new shape begins now (at t=0 before the clock starts)."""
        if param != "traffic.scenario":
            raise CommandError(f"unknown setting {param!r}")
        shape = next((s for s in self.config.scenarios if s.name == value), None)
        if shape is None:
            raise CommandError(f"unknown traffic scenario {value!r}")
        if not isinstance(self.data.source, TrafficSource):
            raise CommandError("load tests drive this level: there is no traffic curve to shape")
        self.data.source.set_shape(shape.at(self.now))

    def _apply_web(self, param: str, value: str | float | int) -> None:
        if param == "web.size":
            itype = self._itype(value)
            self.web_type = itype
            for b in [b for b in self.boxes if b.serves_web]:
                self._resize(b, itype)
        elif param == "web.count":
            self._set_web_count(self._int(param, value, 1, 64))
        else:
            raise CommandError(f"unknown setting {param!r}")

    def _apply_db(self, param: str, value: str | float | int) -> None:
        rep = self.data.replication
        if param == "db.replicas":
            if rep is None:
                raise CommandError("this level has no replication")
            self._set_replicas(self._int(param, value, 0, 5))
            return
        if param == "db.read_routing":
            if rep is None:
                raise CommandError("this level has no replication")
            if value not in ROUTINGS:
                raise CommandError(f"unknown read routing {value!r}")
            rep.spec = replace(rep.spec, read_routing=str(value))
            return
        if param in ("db.shards", "db.shard_key"):
            self._apply_shards(param, value)
            return
        if param != "db.size":
            raise CommandError(f"unknown setting {param!r}")
        itype = self._itype(value)
        self.db_type = itype
        if self.layout == "two-tier":
            self._resize(self.role_box("db"), itype)

    def _apply_shards(self, param: str, value: str | float | int) -> None:
        router = self.data.shards
        if router is None:
            raise CommandError("this level has no sharding")
        if param == "db.shard_key":
            if value not in SHARD_KEYS:
                raise CommandError(f"unknown shard key {value!r}")
            if self.now > 0:
                raise CommandError("a new shard key means copying every record: "
                                   "choose it before the clock starts")
            router.spec = replace(router.spec, key=str(value))
            return
        n = self._int(param, value, 1, 8)
        if n < router.n:
            raise CommandError("merging shards is not supported: shards only grow")
        if n == router.n:
            return
        if self.now == 0.0:
            while router.n < n:
                router.add_shard(self._add_live_box("db", "db", self.db_type).index)
            return
        self.env.process(self._add_shards(n - router.n))

    def _add_shards(self, k: int) -> Generator[simpy.Event, Any, None]:
        """Boot the new shards, then move chunks to them while every shard pays for it."""
        router = self.data.shards
        assert router is not None
        pending = [Box("db-new", "db", self.db_type, -1, "booting", self.env.now) for _ in range(k)]
        self._pending_boxes.extend(pending)
        self._emit("shard_boot", "info", n=k, boot_s=self.config.boot_s)
        yield self.env.timeout(self.config.boot_s)
        for p in pending:
            self._pending_boxes.remove(p)
        before = router.n
        for _ in range(k):
            router.add_shard(self._add_live_box("db", "db", self.db_type).index)
        move_s = router.spec.move_s_per_shard * k
        router.moving = (self.env.now, self.env.now + move_s)
        router.moving_from = before
        self._emit("chunks_moving", "warn", shards=router.n, move_s=move_s)
        end = self.env.now + move_s
        while self.env.now < end:
            for b in router.boxes:
                box = self.boxes[b]
                if box.accepting:
                    self.data.probe(box, self.env.now, router.spec.move_load)
            yield self.env.timeout(1.0)
        router.moving = None
        self._emit("chunks_moved", "good", shards=router.n)

    def _add_replica(self) -> Box:
        rep = self.data.replication
        assert rep is not None
        box = self._add_live_box("replica", "replica", self.db_type)
        rep.add_replica(box.index, self.env.now)
        return box

    def _set_replicas(self, n: int) -> None:
        rep = self.data.replication
        assert rep is not None
        have = len(rep.replicas)
        if self.now == 0.0 or n < have:
            while len(rep.replicas) < n:
                self._add_replica()
            while len(rep.replicas) > n:
                box = self.boxes[rep.replicas[-1]]
                rep.remove_replica(box.index)
                self._set_state(box, "terminated")
            return
        for _ in range(n - have):
            self.env.process(self._launch_replica())

    def _launch_replica(self) -> Generator[simpy.Event, Any, None]:
        """A replica boots from the master's latest snapshot and then follows it."""
        pending = Box("replica-new", "replica", self.db_type, -1, "booting", self.env.now)
        self._pending_boxes.append(pending)
        self._emit("replica_boot", "info", boot_s=self.config.boot_s)
        yield self.env.timeout(self.config.boot_s)
        self._pending_boxes.remove(pending)
        box = self._add_replica()
        self._emit("replica_ready", "good", box=box.name)

    def _failover(self, master: Box, failed_at: float) -> Generator[simpy.Event, Any, None]:
        """Promote the most caught-up replica after the failover time."""
        rep = self.data.replication
        assert rep is not None
        spec = rep.spec
        self._emit("failover_wait", "warn", box=master.name, failover_s=spec.failover_s)
        yield self.env.timeout(spec.failover_s)
        best = rep.best_replica(self.env.now)
        if best is None:
            return
        lost = rep.lost_on_promotion(best, failed_at, self.env.now)
        rep.remove_replica(best)
        new = self.boxes[best]
        new.role = "db"
        self._set_state(master, "terminated")
        self.data.db_box = best
        self.data.touch()
        self._emit("promoted", "error" if lost else "good", box=new.name, old=master.name, lost=lost)

    def _apply_layout(self, param: str, value: str | float | int) -> None:
        if value not in ("single", "two-tier"):
            raise CommandError(f"unknown layout {value!r}")
        self._set_layout(str(value))  # type: ignore[arg-type]

    def _apply_lb(self, param: str, value: str | float | int) -> None:
        spec = self.balancer_spec
        if spec is None or self.data.balancer is None:
            raise CommandError("there is no load balancer in this level")
        if param == "lb.algorithm":
            if value not in ALGORITHMS:
                raise CommandError(f"unknown algorithm {value!r}")
            spec = replace(spec, algorithm=str(value))
        elif param == "lb.sticky":
            spec = replace(spec, sticky=self._flag(value))
        elif param == "lb.target_port":
            spec = replace(spec, target_port=self._int(param, value, 1, 65535))
            self.data.port_ok = spec.target_port == 8080
        elif param == "lb.count":
            spec = replace(spec, count=self._int(param, value, 1, 2))
            self._set_lb_count(spec.count)
        else:
            raise CommandError(f"unknown setting {param!r}")
        self.balancer_spec = spec
        self.data.balancer.spec = spec
        self.data.touch()

    def _apply_health(self, param: str, value: str | float | int) -> None:
        if self.health is None:
            raise CommandError("there are no health checks in this level")
        spec = self.health.spec
        key = param.split(".", 1)[1]
        if key == "kind":
            if value not in CHECK_KINDS:
                raise CommandError(f"unknown check kind {value!r}")
            spec = replace(spec, kind=str(value))
        elif key == "path":
            if value not in PATH_COST_S:
                raise CommandError(f"unknown check path {value!r}")
            spec = replace(spec, path=str(value))
        elif key == "interval_s":
            spec = replace(spec, interval_s=self._num(param, value, 1.0, 300.0))
        elif key == "timeout_s":
            spec = replace(spec, timeout_s=self._num(param, value, 1.0, 300.0))
        elif key == "healthy_threshold":
            spec = replace(spec, healthy_threshold=self._int(param, value, 1, 10))
        elif key == "unhealthy_threshold":
            spec = replace(spec, unhealthy_threshold=self._int(param, value, 1, 10))
        else:
            raise CommandError(f"unknown setting {param!r}")
        self.health.reconfigure(spec)
        self.data.touch()

    def _apply_session(self, param: str, value: str | float | int) -> None:
        store = self.data.sessions
        if store is None or param != "session.store":
            raise CommandError(f"unknown setting {param!r}")
        if value not in ("local", "shared"):
            raise CommandError(f"unknown session store {value!r}")
        if value == store.spec.store:
            return
        if value == "shared":
            self.env.process(self._provision_store())
        else:
            cache = self.data.stage_box[0]
            if cache is not None:
                self._set_state(self.boxes[cache], "terminated")
            self.data.stage_box[0] = None
            self._switch_store("local")

    def _apply_storage(self, param: str, value: str | float | int) -> None:
        files = self.data.files
        if files is None:
            raise CommandError("there is no file storage in this level")
        if param == "storage.mode":
            if value not in STORAGE_MODES:
                raise CommandError(f"unknown storage {value!r}")
            files.spec = replace(files.spec, mode=str(value))
        elif param == "storage.nfs_cache_s":
            files.spec = replace(files.spec, nfs_cache_s=self._num(param, value, 0.0, 600.0))
        else:
            raise CommandError(f"unknown setting {param!r}")

    def _apply_app(self, param: str, value: str | float | int) -> None:
        """The app's configuration on every box: a deploy, applied at once."""
        app, redirects = self.app, self.data.redirects
        if app is None or redirects is None:
            raise CommandError(f"unknown setting {param!r}")
        if param == "app.redirect":
            if value not in REDIRECT_MODES:
                raise CommandError(f"unknown redirect style {value!r}")
            redirects.mode = str(value)
            self.app = replace(app, redirect=str(value))
        elif param == "app.clone_database":
            if value not in CLONE_DATABASES:
                raise CommandError(f"unknown clone database {value!r}")
            self.app = replace(app, clone_database=str(value))
            own = value == "local"
            for box in [b for b in self.live_boxes if b.name in self.clones]:
                if (box.role == "app+db") != own:
                    self._set_clone_role(box, own)
                    if self.now > 0 and box.state == "running":
                        self.env.process(self._restart_app(box))
        else:
            raise CommandError(f"unknown setting {param!r}")

    def _set_clone_role(self, box: Box, own_database: bool) -> None:
        copies = self.data.copies
        assert copies is not None
        box.role = "app+db" if own_database else "web"
        if own_database:
            copies.own_copy.add(box.index)
        else:
            copies.own_copy.discard(box.index)
        self.data.touch()

    def _restart_app(self, box: Box) -> Generator[simpy.Event, Any, None]:
        """A configuration change needs the app restarted: a short outage on that box."""
        self._set_state(box, "stopping")
        self._emit("app_restart", "warn", box=box.name, down_s=self.config.restart_s)
        yield self.env.timeout(self.config.restart_s)
        if box.state == "stopping":
            self.data.restart_box(box, self.env.now)
            self._set_state(box, "running")

    def _apply_asg(self, param: str, value: str | float | int) -> None:
        """Auto scaling settings; like the console, a change applies at once."""
        asg = self.autoscaler
        if asg is None:
            raise CommandError("there is no auto scaling group in this level")
        key = param.split(".", 1)[1]
        spec = asg.spec
        if key == "policy":
            if value not in POLICIES:
                raise CommandError(f"unknown scaling policy {value!r}")
            asg.reconfigure(replace(spec, policy=str(value)))
        elif key in ("min_size", "max_size"):
            n = self._int(param, value, 0, 64)
            lo = n if key == "min_size" else spec.min_size
            hi = n if key == "max_size" else spec.max_size
            if lo > hi:
                raise CommandError(f"min {lo} would exceed max {hi}")
            asg.reconfigure(replace(spec, min_size=lo, max_size=hi))
        elif key == "desired":
            n = self._int(param, value, 0, 64)
            if not spec.min_size <= n <= spec.max_size:
                raise CommandError(f"desired {n} is outside min {spec.min_size}..max {spec.max_size}")
            asg.set_desired(n, "set by hand")
        elif key in ("scale_out_cpu", "scale_in_cpu", "target_cpu"):
            x = self._num(param, value, 0.0, 100.0)
            new = replace(spec, **{key: x})  # type: ignore[arg-type]
            if new.scale_in_cpu >= new.scale_out_cpu:
                raise CommandError("the scale-in threshold must stay below the scale-out threshold")
            asg.reconfigure(new)
        elif key == "metric":
            if value not in SCALING_METRICS:
                raise CommandError(f"unknown scaling metric {value!r}")
            asg.reconfigure(replace(spec, metric=str(value)))
        elif key in ("target_requests", "target_latency_ms"):
            asg.reconfigure(replace(spec, **{key: self._num(param, value, 1.0, 1e9)}))  # type: ignore[arg-type]
        elif key in ("cooldown_s", "period_s", "warmup_s"):
            x = self._num(param, value, 0.0 if key != "period_s" else 10.0, 86_400.0)
            asg.reconfigure(replace(spec, **{key: x}))  # type: ignore[arg-type]
        elif key == "schedule":
            if value == "none":
                return
            try:
                n_s, at_s = str(value).split("@")
                n, at = int(n_s), float(at_s)
            except ValueError:
                raise CommandError(f"{value!r} is not DESIRED@SECONDS") from None
            if at < self.now:
                raise CommandError(f"{clock(at)} has already passed")
            asg.add_schedule(ScheduledAction(at=at, min_size=n, desired=n))
        else:
            raise CommandError(f"unknown setting {param!r}")

    def _apply_inject(self, param: str, value: str | float | int) -> None:
        """A failure the player injects: it happens now and lasts until repaired."""
        kind = param.split(".", 1)[1]
        if kind not in FAILURE_KINDS:
            raise CommandError(f"unknown failure {kind!r}")
        box = self._target(str(value))
        if box.state != "running":
            raise CommandError(f"{box.name} is {box.state}: nothing to break")
        if box.fault != "none":
            raise CommandError(f"{box.name} is already broken ({box.fault}); repair it first")
        if kind != "crash" and not box.serves_web:
            raise CommandError(f"only a web box's app can {kind}; {box.name} can only crash")
        self._break(box, kind, None, 5.0, scripted=False)

    def _apply_repair(self, param: str, value: str | float | int) -> None:
        box = self._target(str(value))
        if box.state != "crashed" and box.fault == "none" and not self._redirects_to_self(box):
            raise CommandError(f"{box.name} is not broken")
        self._fix(box)

    # ---- parsing ----------------------------------------------------------------------
    def _itype(self, value: str | float | int) -> InstanceType:
        itype = self.config.catalog.get(str(value))
        if itype is None:
            raise CommandError(f"unknown instance type {value!r}")
        return itype

    @staticmethod
    def _num(param: str, value: str | float | int, lo: float, hi: float) -> float:
        try:
            x = float(value)
        except (TypeError, ValueError):
            raise CommandError(f"{param}: {value!r} is not a number") from None
        if not lo <= x <= hi:
            raise CommandError(f"{param}: {x:g} is outside {lo:g}..{hi:g}")
        return x

    @classmethod
    def _int(cls, param: str, value: str | float | int, lo: int, hi: int) -> int:
        x = cls._num(param, value, lo, hi)
        if x != int(x):
            raise CommandError(f"{param}: {x:g} is not a whole number")
        return int(x)

    @staticmethod
    def _flag(value: str | float | int) -> bool:
        if str(value).lower() in ("on", "true", "1", "yes"):
            return True
        if str(value).lower() in ("off", "false", "0", "no"):
            return False
        raise CommandError(f"{value!r} is not on or off")

    def _target(self, name: str) -> Box:
        return self.role_box(name) if name in ("db", "web", "lb", "session", "replica") else self.box(name)

    # ---- control-plane processes --------------------------------------------------------
    def _emit(self, code: str, severity: Severity = "info", **params: str | float | int) -> None:
        self.log.append(LogEntry(self.env.now, code, severity, dict(params)))

    def _set_state(self, box: Box, state: str) -> None:
        box.state = state  # type: ignore[assignment]
        box.since = self.env.now
        self.data.touch()

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

    def _set_layout(self, layout: Layout) -> None:
        if layout == self.layout:
            return
        if self.now == 0.0:
            self._relayout(layout, 0.0)
            return
        self.env.process(self._migrate(layout))

    def _relayout(self, layout: Layout, now: float) -> None:
        webs = [b for b in self.boxes if b.serves_web]
        if layout == "two-tier":
            for w in webs:
                w.role = "web"
            self._add_live_box("db", "db", self.db_type)
        else:
            db = self.role_box("db")
            db.state = "terminated"
            for w in webs:
                w.role = "app+db"
        self.layout = layout
        self.data.db_box = self._role_index("db")
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
        webs = [b for b in self.boxes if b.serves_web and b.state == "running"]
        for web in webs:
            self._set_state(web, "stopping")
            self._emit("app_restart", "warn", box=web.name, down_s=self.config.restart_s)
        yield self.env.timeout(self.config.restart_s)
        if pending is not None:
            self._pending_boxes.remove(pending)
        self._relayout(layout, self.env.now)
        for web in webs:
            self.data.restart_box(web, self.env.now)
            self._set_state(web, "running")
        self._emit("migrate_done", "good", layout=layout)

    def _set_web_count(self, n: int) -> None:
        live = [b for b in self.boxes if b.serves_web and b.name in self.registered]
        role: Role = "app+db" if self.layout == "single" else "web"
        if self.now == 0.0:
            while len(live) < n:
                box = self._add_live_box("web", role, self.web_type)
                self._register(box, "healthy")
                live.append(box)
            while len(live) > n:
                box = live.pop()
                self.registered.remove(box.name)
                self._set_state(box, "terminated")
            return
        for _ in range(n - len(live)):
            self.env.process(self._launch_web(role))
        for box in live[n:][::-1] if n < len(live) else []:
            self.env.process(self._drain(box))

    def _register(self, box: Box, status: str) -> None:
        self.registered.append(box.name)
        if self.health is not None:
            self.health.register(box, status)
        self.data.touch()

    def _launch_web(self, role: Role, boot_s: float | None = None) -> Generator[simpy.Event, Any, None]:
        boot = self.config.boot_s if boot_s is None else boot_s
        pending = Box("web-new", role, self.web_type, -1, "booting", self.env.now)
        self._pending_boxes.append(pending)
        self._emit("launch", "info", boot_s=boot)
        yield self.env.timeout(boot)
        self._pending_boxes.remove(pending)
        box = self._add_live_box("web", role, self.web_type)
        if self.autoscaler is not None:
            self.autoscaler.launched_at[box.name] = self.env.now
            spec = self.autoscaler.spec
            box.warm_from, box.warm_s, box.cold_factor = self.env.now, spec.app_warmup_s, spec.cold_factor
            self.data.touch()
        # a new target must pass a check before it gets traffic
        checked = self.health is not None and self.health.spec.kind != "none"
        self._register(box, "initial" if checked else "healthy")
        self._emit("launched", "good", box=box.name)

    def _drain(self, box: Box) -> Generator[simpy.Event, Any, None]:
        delay = self.config.deregistration_delay_s
        if self.health is not None and box.name in self.health.health:
            self.health.health[box.name].status = "draining"
        self.data.touch()
        self._emit("draining", "info", box=box.name, delay_s=delay)
        yield self.env.timeout(delay)
        if box.name in self.registered:
            self.registered.remove(box.name)
        self._set_state(box, "terminated")
        self._emit("terminated", "info", box=box.name)

    # ---- the auto scaling group's hands -------------------------------------------
    def emit_scaling(self, old: int, new: int, cause: str) -> None:
        self._emit("scale_out" if new > old else "scale_in", "info", old=old, new=new, cause=cause)

    def resize_fleet(self, n: int) -> None:
        """Launch or drain web boxes until ``n`` are in service or on their way."""
        assert self.autoscaler is not None
        serving = [b for b in self.autoscaler.in_service()]
        booting = sum(1 for b in self._pending_boxes if b.name == "web-new")
        current = len(serving) + booting
        role: Role = "app+db" if self.layout == "single" else "web"
        for _ in range(n - current):
            self.env.process(self._launch_web(role, self.autoscaler.boot_time()))
        if n < current:
            # newest first: the longest-running boxes keep their warm caches
            newest = sorted(serving, key=lambda b: -b.index)[: current - n]
            for box in newest:
                self.env.process(self._drain(box))

    def replace_instance(self, box: Box) -> None:
        """Terminate an unhealthy instance and launch its replacement."""
        if box.name in self.registered:
            self.registered.remove(box.name)
        self._set_state(box, "terminated")
        self._emit("replaced", "warn", box=box.name)
        assert self.autoscaler is not None
        role: Role = "app+db" if self.layout == "single" else "web"
        self.env.process(self._launch_web(role, self.autoscaler.boot_time()))

    def _set_lb_count(self, n: int) -> None:
        lbs = [b for b in self.boxes if b.role == "lb" and b.state != "terminated"]
        while len(lbs) < n:
            lbs.append(self._add_live_box("lb", "lb", self.aux_type))
        while len(lbs) > n:
            self._set_state(lbs.pop(), "terminated")

    def _provision_store(self) -> Generator[simpy.Event, Any, None]:
        boot = self.config.boot_s if self.now > 0 else 0.0
        if boot:
            pending = Box("cache-new", "session", self.aux_type, -1, "booting", self.env.now)
            self._pending_boxes.append(pending)
            self._emit("store_boot", "info", boot_s=boot)
            yield self.env.timeout(boot)
            self._pending_boxes.remove(pending)
        box = self._add_live_box("cache", "session", self.aux_type)
        self.data.stage_box[0] = box.index
        self._switch_store("shared")

    def _switch_store(self, store: str) -> None:
        """Sessions do not move between stores: everyone logged in must log in again."""
        sessions = self.data.sessions
        assert sessions is not None
        sessions.spec = replace(sessions.spec, store=store)
        had = sessions.active(self.env.now)
        sessions.owner[:] = -3 if had else -1  # DESTROYED: next request finds it gone
        self._emit("store_switched", "warn", store=store, sessions=had)

    def on_health_change(self, box: Box, healthy: bool, reason: str, count: int) -> None:
        """Called by the health checker when a target enters or leaves rotation."""
        self.data.touch()
        if healthy:
            self._emit("target_healthy", "good", box=box.name, passes=count, reason=reason)
            return
        self._emit("target_unhealthy", "error", box=box.name, fails=count, reason=reason)
        for rec in self.failures:
            if rec.box == box.name and rec.detected_at is None:
                rec.detected_at = self.env.now
                rec.requests_until_detected = int(self.data.dispatched[box.index]) - rec.dispatched_at_start

    def _scripted_failure(self, f: ScheduledFailure) -> Generator[simpy.Event, Any, None]:
        yield self.env.timeout(f.at)
        try:
            box = self._target(f.target)
        except CommandError:
            return
        if f.kind == "clone":
            self._clone(box)
        elif f.kind == "redirect":
            yield from self._misredirect(box, f.repair_s)
        else:
            yield from self._fail(box, f.kind, f.repair_s, f.factor)

    # ---- the gotchas of cloning a server ----------------------------------------------
    def _redirects_to_self(self, box: Box) -> bool:
        r = self.data.redirects
        return r is not None and box.index in r.self_redirecting

    def _misredirect(self, box: Box, repair_s: float) -> Generator[simpy.Event, Any, None]:
        """A hand-made config change gives ``box`` its own host name as base URL."""
        r = self.data.redirects
        if r is None or not box.serves_web:
            return
        r.self_redirecting.add(box.index)
        harmless = r.mode == "relative"
        self._emit("redirect_own_host_harmless" if harmless else "redirect_own_host",
                   "info" if harmless else "warn", box=box.name, repair_s=repair_s)
        yield self.env.timeout(repair_s)
        self._unredirect(box)

    def _unredirect(self, box: Box) -> None:
        """The base URL is the shop's again. Users already pinned stay on the box's host
        name until they go idle: their browsers are there now."""
        r = self.data.redirects
        if r is None or box.index not in r.self_redirecting:
            return
        r.self_redirecting.discard(box.index)
        self._emit("redirect_fixed", "good", box=box.name,
                   pinned=r.pinned_users(self.env.now).get(box.index, 0))

    def _clone(self, source: Box) -> None:
        """A web box cloned from ``source``'s disk image joins now, with whatever
        database the clone setting says; it enters rotation after a passing check."""
        if self.app is None or not source.serves_web or self.layout != "two-tier":
            return
        box = self._add_live_box("web", "web", source.itype)
        self.clones.append(box.name)
        own = self.app.clone_database == "local"
        self._set_clone_role(box, own)
        checked = self.health is not None and self.health.spec.kind != "none"
        self._register(box, "initial" if checked else "healthy")
        self._emit("clone_joined", "warn" if own else "good", box=box.name, source=source.name,
                   database="local" if own else "shared")

    def _fail(self, box: Box, kind: str, repair_s: float | None,
              factor: float) -> Generator[simpy.Event, Any, None]:
        if box.state not in ("running", "stopping"):
            return
        self._break(box, kind, repair_s, factor, scripted=True)
        if repair_s is None:
            return
        yield self.env.timeout(repair_s)
        self._fix(box)

    def _break(self, box: Box, kind: str, repair_s: float | None, factor: float, scripted: bool) -> None:
        """The failure itself, at ``env.now``: a crash closes the port and loses what the
        box held; the other kinds leave it running with a misbehaving app."""
        sent = int(self.data.dispatched[box.index])
        self.failures.append(FailureRecord(box.name, kind, self.env.now, sent, scripted=scripted))
        if kind == "crash":
            lost = self.data.kill_box(box, self.env.now)
            self._set_state(box, "crashed")
            if box.role == "lb":
                self._lb_failover_until = self.env.now + (self.balancer_spec.failover_s
                                                          if self.balancer_spec else 0.0)
            rep = self.data.replication
            if box.role == "db" and rep is not None and rep.replicas:
                self.env.process(self._failover(box, self.env.now))
            self._emit("crash", "error", box=box.name, lost=lost, repair_s=repair_s or 0)
        else:
            box.fault = kind  # type: ignore[assignment]
            box.slow_factor = factor if kind == "slow" else 1.0
            self.data.touch()
            self._emit("fault_" + kind, "error", box=box.name, repair_s=repair_s or 0, factor=factor)

    def _fix(self, box: Box) -> None:
        if self._redirects_to_self(box):
            self._unredirect(box)
            if box.state != "crashed" and box.fault == "none":
                return
        for rec in self.failures:
            if rec.box == box.name and rec.repaired_at is None:
                rec.repaired_at = self.env.now
                rec.requests_until_repaired = int(self.data.dispatched[box.index]) - rec.dispatched_at_start
        if box.state == "crashed":
            self.data.restart_box(box, self.env.now)
            self._set_state(box, "running")
            self._emit("recovered", "good", box=box.name)
        elif box.fault != "none":
            box.fault = "none"
            box.slow_factor = 1.0
            self.data.touch()
            self._emit("recovered", "good", box=box.name)

    def instance_count(self) -> int:
        """Boxes you pay for that do the work (balancer nodes are counted apart), plus
        those still booting: the number an autoscaling group would report."""
        return self.data.tables().working + len(self._pending_boxes)

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
            h.update(f"{b.name}:{b.state}:{b.itype.name}:{b.fault}".encode())
        return h.hexdigest()
