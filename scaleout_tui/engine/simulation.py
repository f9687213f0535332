"""The simulation kernel: the clock, the step, and the dispatch of commands to mechanisms.

A run is a SimPy control plane steering a NumPy data plane. Control-plane events (a box
crashes, a health probe answers, a resize finishes, a migration cuts over) are SimPy processes
with exact timing, owned by the mechanism they belong to. The data plane moves the requests of
each tick in bulk (:mod:`dataplane`). :meth:`Simulation.step` first runs every control event
before the end of the tick, then the data plane over the tick, so a state change takes effect
within one tick (0.1-0.2 s of simulated time): well below anything a real operator or health
check could notice.

The kernel knows no mechanism's rules. It builds the ones a level has, in a fixed order (the
order is part of what makes a seed reproduce a run: boxes are numbered, and SimPy processes
started, in that order), gathers the commands each one handles, and runs the world's hooks at
tick and window boundaries. Adding a mechanism means a module with its spec, state, processes and
commands, and one line here that builds it.

Player commands are applied at tick boundaries and logged with their time, which is all a replay
needs: the seed, the level, and the timed commands.
"""

from __future__ import annotations

import hashlib
from dataclasses import astuple, dataclass, field

import numpy as np
import simpy

from scaleout_tui.engine.autoscaler import AutoScaler
from scaleout_tui.engine.balancer import Balancers
from scaleout_tui.engine.box import Box
from scaleout_tui.engine.cachegate import CacheGate
from scaleout_tui.engine.cloning import Cloning
from scaleout_tui.engine.closedloop import ClosedLoopSource
from scaleout_tui.engine.commands import Command, CommandError, Handler
from scaleout_tui.engine.config import SimConfig
from scaleout_tui.engine.dataplane import DataPlane
from scaleout_tui.engine.events import LogEntry, Severity
from scaleout_tui.engine.failures import Failures
from scaleout_tui.engine.fleet import Fleet, Layout
from scaleout_tui.engine.healthcheck import HealthChecker, HealthCheckSpec
from scaleout_tui.engine.ingest import IngestTier
from scaleout_tui.engine.localdb import DataCopies
from scaleout_tui.engine.metrics import Metrics
from scaleout_tui.engine.redirects import Redirects
from scaleout_tui.engine.replication import ReplicaSet, Replication
from scaleout_tui.engine.requests import ArrivalSource
from scaleout_tui.engine.rng import stream
from scaleout_tui.engine.sessions import Sessions, SessionStore
from scaleout_tui.engine.shardrouter import ShardRouter, ShardSet
from scaleout_tui.engine.storage import FileStore
from scaleout_tui.engine.traffic import Scenarios, TrafficSource
from scaleout_tui.engine.world import Timings, World


@dataclass
class Simulation:
    """One run of one scenario. Deterministic given ``seed`` and the timed commands."""

    config: SimConfig
    seed: int
    source: ArrivalSource | None = None
    commands: list[tuple[float, Command]] = field(default_factory=list)

    def __post_init__(self) -> None:
        cfg = self.config
        self.env = simpy.Environment()
        self.now = 0.0
        self._tick_no = 0
        users = cfg.traffic.users
        self.world = World(self.env, Timings(cfg.boot_s, cfg.restart_s, cfg.resize_downtime_s,
                                             cfg.deregistration_delay_s, cfg.rtt_s), users)
        self.fleet = Fleet(self.world, cfg.fleet, cfg.catalog, cfg.aux_type)
        # an autoscaler's alarms may look back a whole period (up to a day): keep every window
        self.metrics = Metrics(len(self.fleet.boxes), cfg.window_s, keep_all=cfg.scaling is not None)
        if self.source is None and cfg.load_tests:
            self.source = ClosedLoopSource(cfg.load_tests, self.seed)
        src = self.source or TrafficSource(cfg.traffic, self.seed)
        self.data = DataPlane(src, self.fleet.boxes, self.metrics, cfg.queue_limit, cfg.timeout_s,
                              cfg.rtt_s, cfg.colocation_penalty, cfg.dispatch, stream(self.seed, "dispatch"))
        self.world.data = self.data
        self.fleet.attach()
        self._handlers: dict[str, Handler] = {}
        self._adopt(self.fleet.commands())
        self._adopt(Scenarios(self.data.source, cfg.scenarios, lambda: self.now).commands())
        self.failures = Failures(self.world, self.fleet, cfg.failures)
        self._adopt(self.failures.commands())
        world, fleet, two_tier = self.world, self.fleet, cfg.fleet.layout == "two-tier"
        # The order below is the order boxes get their numbers and processes their turns.
        self.balancers: Balancers | None = None
        self.health: HealthChecker | None = None
        if cfg.balancer is not None:
            balancers = self.balancers = Balancers(world, fleet, cfg.balancer, stream(self.seed, "balancer"))
            self.health = HealthChecker(world, fleet, cfg.health or HealthCheckSpec(kind="none"),
                                        stream(self.seed, "healthcheck"), lambda: balancers.spec.target_port)
            self._adopt(balancers.commands(), self.health.commands())
        self.sessions = Sessions(world, fleet, cfg.sessions) if cfg.sessions is not None else None
        self.files: FileStore | None = None
        if cfg.storage is not None:
            self.files = FileStore(cfg.storage, users)
            self.data.add_gate(self.files)
        self.cloning = Cloning(world, fleet, cfg.app, self.failures) if cfg.app is not None else None
        self.replication: ReplicaSet | None = None
        if cfg.replication is not None and two_tier:
            self.replication = ReplicaSet(world, fleet, cfg.replication, stream(self.seed, "replication"))
        self.sharding: ShardSet | None = None
        if cfg.sharding is not None and two_tier:
            self.sharding = ShardSet(world, fleet, cfg.sharding, stream(self.seed, "shards"))
        self.cache: CacheGate | None = None
        if cfg.cache is not None and two_tier:
            self.cache = CacheGate(world, fleet, cfg.cache, self.seed)
        self.ingest = IngestTier(world, fleet, cfg.ingest, self.seed) if cfg.ingest is not None else None
        self.autoscaler: AutoScaler | None = None
        if cfg.scaling is not None:
            self.autoscaler = AutoScaler(world, fleet, self.metrics, self.health, cfg.scaling,
                                         stream(self.seed, "autoscaler"))
            self.autoscaler.start()
        parts = (self.sessions, self.files, self.cloning, self.replication, self.sharding, self.cache,
                 self.ingest, self.autoscaler)
        for part in parts:
            if part is not None:
                self._adopt(part.commands())
        self.failures.start()

    def _adopt(self, *tables: dict[str, Handler]) -> None:
        for table in tables:
            self._handlers.update(table)

    # ---- views --------------------------------------------------------------------------
    @property
    def log(self) -> list[LogEntry]:
        return self.world.log

    @property
    def boxes(self) -> list[Box]:
        return self.fleet.boxes

    @property
    def layout(self) -> Layout:
        return self.fleet.layout

    @property
    def live_boxes(self) -> list[Box]:
        return self.fleet.live_boxes

    def box(self, name: str) -> Box:
        return self.fleet.box(name)

    def role_box(self, role: str) -> Box:
        return self.fleet.role_box(role)

    def instance_count(self) -> int:
        return self.fleet.instance_count()

    # what the layers above read of the mechanisms' state (None: the level does not have it)
    @property
    def session_store(self) -> SessionStore | None:
        return self.sessions.store if self.sessions else None

    @property
    def replica_state(self) -> Replication | None:
        return self.replication.state if self.replication else None

    @property
    def shard_router(self) -> ShardRouter | None:
        return self.sharding.router if self.sharding else None

    @property
    def redirects(self) -> Redirects | None:
        return self.cloning.redirects if self.cloning else None

    @property
    def copies(self) -> DataCopies | None:
        return self.cloning.copies if self.cloning else None

    @property
    def lag_ms(self) -> list[float]:
        return self.replication.lag_ms if self.replication else []

    @property
    def clones(self) -> list[str]:
        return self.cloning.clones if self.cloning else []

    @property
    def finished(self) -> bool:
        return self.now >= self.config.duration_s - 1e-9

    # ---- time ---------------------------------------------------------------------------
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
        for hook in self.world.tick_hooks:
            hook(t0)
        self.data.tick(t0, t1)
        extra = self.fleet.pending_cost_rate()
        if extra:
            self.metrics.record_cost(extra * (t1 - t0) / 3600.0)
        self.metrics.record_instances(self.fleet.instance_count())
        self.now = t1
        closed = self.metrics.closed
        self.metrics.roll(t1)
        if self.metrics.closed > closed:
            for hook in self.world.second_hooks:
                hook(t1)

    def advance(self, seconds: float) -> None:
        """Advance by ``seconds`` of simulated time, or to the end of the run."""
        end = min(self.now + seconds, self.config.duration_s)
        while self.now < end - 1e-9:
            self.step()

    def run(self) -> None:
        self.advance(self.config.duration_s)

    # ---- commands -------------------------------------------------------------------------
    def apply(self, cmd: Command) -> None:
        """Carry out a command now, by the mechanism that owns its parameter. Before the clock
        starts it just configures; afterwards it costs what it costs in reality (a stop, a boot,
        a restart). Raises :class:`CommandError` (a code, no words) when it cannot."""
        handler = self._handlers.get(cmd.param)
        if handler is None:
            raise CommandError("unknown_setting", param=cmd.param)
        handler(cmd.value)
        self.commands.append((self.now, cmd))

    def emit(self, code: str, severity: Severity = "info", **params: str | float | int) -> None:
        """Log an event from above the engine (a knob the player turned) in the run's own log."""
        self.world.emit(code, severity, **params)

    # ---- determinism --------------------------------------------------------------------
    def digest(self) -> str:
        """A fingerprint of everything observable so far; equal runs give equal digests."""
        h = hashlib.sha256()
        m = self.metrics
        h.update(np.asarray([self.now, m.arrived, m.completed, m.latency_sum, m.cost]).tobytes())
        h.update(m.total_hist.tobytes())
        h.update(m.total_errors.tobytes())
        for b in self.boxes:
            h.update(f"{b.name}:{b.state}:{b.itype.name}:{b.fault}".encode())
        if self.cache is not None:  # what the cache did (levels without one hash as before)
            counts = [*astuple(self.cache.stats), self.cache.bypassed, self.cache.ops, self.cache.cache.size]
            h.update(np.asarray(counts, dtype=np.int64).tobytes())
        if self.ingest is not None:  # and the ingest tier (levels without one hash as before)
            h.update(self.ingest.fingerprint())
        return h.hexdigest()
