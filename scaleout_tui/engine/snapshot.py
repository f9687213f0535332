"""Frozen views of a running simulation, for the UI and the debrief.

The UI never touches live engine objects: each frame it asks for a
:class:`Snapshot`, a plain immutable value, and renders it. That keeps the engine free
to advance in another thread or process later, and makes screens testable with
hand-made snapshots.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from scaleout_tui.engine.events import LogEntry
from scaleout_tui.engine.metrics import ERROR_CAUSES, N_BUCKETS, percentile
from scaleout_tui.engine.simulation import Simulation

#: a code's parameters, frozen
Params = tuple[tuple[str, str | float | int], ...]

GAUGE_WINDOWS = 5  # gauges average the last 5 one-second windows: readable, still live


@dataclass(frozen=True, slots=True)
class BoxView:
    name: str
    role: str
    itype: str
    vcpus: int
    state: str
    since: float
    cpu_pct: float       # over the gauge span; 0 when not running
    queue: int           # requests accepted and waiting for a worker
    busy_workers: int
    price_per_hour: float
    fault: str = "none"          # hang | error | slow | none
    health: str = ""             # the balancer's view: initial | healthy | unhealthy | draining
    passes: int = 0              # consecutive health-check passes
    fails: int = 0               # consecutive health-check failures
    last_check: str = ""         # reason code of the last probe's result (``http_200``, ``timed_out`` ...)
    last_check_params: Params = ()
    lag_ms: float = 0.0          # replicas: how far behind the master
    shard_share: float = -1.0    # shards: share of inserts so far (-1: not a shard)


@dataclass(frozen=True, slots=True)
class Services:
    """The shared parts of the architecture and their current settings."""

    algorithm: str = ""          # "" = no balancer
    sticky: bool = False
    lb_serving: bool = True
    check_kind: str = ""         # "" (no balancer), none, L4, L7
    check_path: str = ""
    check_interval_s: float = 0.0
    check_timeout_s: float = 0.0
    check_healthy: int = 0       # passes to come back
    check_unhealthy: int = 0     # failures to go out
    session_store: str = ""      # "" = no sessions in this level
    sessions_active: int = 0
    storage: str = ""            # "" = no file storage in this level
    read_routing: str = ""       # "" = no replicas in this level
    shard_key: str = ""          # "" = no sharding in this level
    stale_reads: int = 0
    writes_lost: int = 0
    chunks_moving: bool = False  # a chunk move to new shards is under way (extra load)
    redirect: str = ""           # "" = the level does not model redirects; base_url | relative
    pinned_users: int = 0        # users an absolute redirect keeps off the balancer right now
    divergent_reads: int = 0     # reads served from another copy of the data than the user's last write


@dataclass(frozen=True, slots=True)
class CacheView:
    """The look-aside cache as a dashboard shows it: its box, its fill, the last closed window's
    counts (one second) and its settings."""

    box: str
    up: bool                     # False while the cache box is down (queries go to the database)
    entries: int
    capacity: int
    hit_ratio: float             # last window: hits / reads (0 without reads)
    reads: int                   # last window
    duplicate_loads: int         # last window: loads of a key already being loaded
    stale_reads: int             # last window: reads answered with an out-of-date value
    coalesced: int               # last window: reads that waited for a load in flight
    refreshes: int               # last window: background refreshes (stale-while-revalidate)
    bypassed: int                # last window: queries sent to the database while it was down
    hit_ratio_run: float         # the run so far
    load_ms: float               # the load time the cache assumes now (a miss's database trip)
    policy: str = "cache-aside"
    invalidate: bool = False
    single_flight: bool = False
    ttl_s: float = 0.0
    ttl_jitter: float = 0.0
    swr_s: float = 0.0


@dataclass(frozen=True, slots=True)
class IngestView:
    """The device-ingest tier as a dashboard shows it: where the connections are now, the last
    closed window's rates (per second), the run's totals and the settings the player can turn.
    The comm boxes' CPU and queue are in :attr:`Snapshot.boxes` like every box's."""

    servers: tuple[str, ...]         # the comm boxes, in the balancer's order
    open: tuple[int, ...]            # open connections per server now
    share: tuple[float, ...]         # each server's share of them (0 without any)
    server_messages: tuple[float, ...]  # per server, the last closed window: messages a second
    server_probes: tuple[float, ...]    # and the balancer's checks a second
    in_rotation: tuple[bool, ...]    # the active node's view of each server
    nodes: tuple[str, ...]           # the balancer nodes' boxes (tcp-lb-1 the primary)
    active_node: str                 # the node holding the virtual IP; "" during a failover
    devices: int
    connected: int                   # devices with a live connection
    booting: int                     # comm servers on their way (``ingest.comm_count``)
    # the last closed window, per second
    attempts: float
    connects: float
    refused: float                   # RST: a closed port, or no server in rotation
    backlog_full: float              # connects refused by a full accept backlog
    timeouts: float
    messages: float
    lost: float                      # messages sent on a connection that was already gone
    probes: float                    # the balancer's checks on the comm servers
    probe_cpu_ms: float              # and their CPU (ms per second, all servers)
    drops: float                     # connections ended by a failure (not by their max age)
    db_writes: float
    totals: tuple[tuple[str, int], ...]  # the run so far: the fleet's and the tier's counters
    series: dict[str, tuple[float, ...]]  # the per-window series (see ingestplane.INGEST_SERIES)
    algorithm: str
    check_interval_s: float
    standby: bool
    max_age_s: float                 # inf: connections never retire
    tls: bool
    backoff: str
    jitter: str
    base_s: float
    cap_s: float


@dataclass(frozen=True, slots=True)
class Gauges:
    """The last few seconds, as a dashboard shows them."""

    span_s: float
    rps_in: float
    rps_out: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    error_pct: float
    errors: tuple[tuple[str, int], ...]
    cost_per_hour: float


@dataclass(frozen=True, slots=True)
class Totals:
    arrived: int
    completed: int
    failed: int
    in_flight: int
    errors: tuple[tuple[str, int], ...]
    cost: float
    instances: int
    peak_instances: int


@dataclass(frozen=True, slots=True)
class Snapshot:
    t: float
    duration: float
    finished: bool
    layout: str
    boxes: tuple[BoxView, ...]
    pending: tuple[tuple[str, str], ...]  # boxes being provisioned: (name, state), e.g. ("db-new", "booting")
    gauges: Gauges
    totals: Totals
    series: dict[str, tuple[float, ...]]
    log: tuple[LogEntry, ...]
    services: Services = Services()
    # auto scaling: per-second desired / in_service / pending, and every capacity change
    capacity: dict[str, tuple[float, ...]] = field(default_factory=dict)
    scaling: tuple[ScalingChange, ...] = ()
    cache: CacheView | None = None  # None: the level has no look-aside cache
    ingest: IngestView | None = None  # None: the level has no device-ingest tier


@dataclass(frozen=True, slots=True)
class ScalingChange:
    t: float
    old: int
    new: int
    cause: str                   # a code (``simple_out``, ``hpa`` ...); the game words it
    params: Params = ()


def _nan0(x: float) -> float:
    return 0.0 if math.isnan(x) else x


def take(sim: Simulation, series_points: int = 600, log_entries: int = 200) -> Snapshot:
    """Freeze the state of ``sim`` now."""
    m = sim.metrics
    wins = m.windows[-GAUGE_WINDOWS:]
    span = sum(w.length for w in wins) or 1.0
    hist = np.zeros(N_BUCKETS, np.int64)
    errs = np.zeros(len(ERROR_CAUSES), np.int64)
    arrived = completed = 0
    cost = 0.0
    busy = np.zeros(len(sim.boxes))
    cap = np.zeros(len(sim.boxes))
    for w in wins:
        hist += w.hist
        errs += w.errors
        arrived += w.arrived
        completed += w.completed
        cost += w.cost
        busy[: w.busy.size] += w.busy
        cap[: w.capacity.size] += w.capacity
    resolved = completed + int(errs.sum())
    gauges = Gauges(
        span_s=span,
        rps_in=arrived / span,
        rps_out=completed / span,
        p50_ms=_nan0(percentile(hist, 0.50) * 1000),
        p95_ms=_nan0(percentile(hist, 0.95) * 1000),
        p99_ms=_nan0(percentile(hist, 0.99) * 1000),
        error_pct=100.0 * int(errs.sum()) / resolved if resolved else 0.0,
        errors=tuple((c, int(n)) for c, n in zip(ERROR_CAUSES, errs, strict=True)),
        cost_per_hour=cost * 3600.0 / span,
    )
    waiting = sim.data.bank.waiting(sim.now)
    busy_w = sim.data.bank.busy_workers(sim.now)
    boxes = []
    health = sim.health.health if sim.health is not None else {}
    rep = sim.replication.state if sim.replication else None
    lags = dict(zip(rep.replicas, rep.lag(sim.now), strict=True)) if rep else {}
    shards = sim.sharding.router if sim.sharding else None
    shares = dict(zip(shards.boxes, shards.share(), strict=True)) if shards and shards.n > 1 else {}
    for b in sim.boxes:
        if b.state == "terminated":
            continue
        util = busy[b.index] / cap[b.index] if cap[b.index] > 0 else 0.0
        h = health.get(b.name)
        boxes.append(BoxView(b.name, b.role, b.itype.name, b.itype.vcpus, b.state, b.since,
                             float(100.0 * min(util, 1.0)), int(waiting[b.index]) if b.accepting else 0,
                             int(busy_w[b.index]) if b.accepting else 0, b.itype.price_per_hour,
                             b.fault, h.status if h else "", h.passes if h else 0, h.fails if h else 0,
                             h.last_reason if h else "", tuple(h.last_params.items()) if h else (),
                             1000.0 * lags.get(b.index, 0.0),
                             shares.get(b.index, -1.0)))
    totals = Totals(
        arrived=m.arrived, completed=m.completed, failed=int(m.total_errors.sum()),
        in_flight=sim.data.in_flight,
        errors=tuple((c, int(n)) for c, n in zip(ERROR_CAUSES, m.total_errors, strict=True)),
        cost=m.cost, instances=sim.instance_count(),
        peak_instances=m.peak_instances,
    )
    series = {k: tuple(v[-series_points:]) for k, v in m.series.items()}
    asg = sim.autoscaler
    capacity = {k: tuple(v[-series_points:]) for k, v in asg.samples.items()} if asg else {}
    scaling = tuple(ScalingChange(c.t, c.old, c.new, c.cause, tuple(c.params.items()))
                    for c in asg.history) if asg else ()
    return Snapshot(sim.now, sim.config.duration_s, sim.finished, sim.layout, tuple(boxes),
                    tuple((b.name, b.state) for b in sim.fleet.pending), gauges, totals,
                    series, tuple(sim.log[-log_entries:]), services(sim), capacity, scaling,
                    cache_view(sim), ingest_view(sim, series_points))


def cache_view(sim: Simulation) -> CacheView | None:
    gate = sim.cache
    if gate is None:
        return None
    w, spec = gate.last, gate.spec
    return CacheView(gate.box.name, gate.box.accepting, gate.cache.size, spec.capacity, w.hit_ratio,
                     w.reads, w.duplicate_loads, w.stale_reads, w.coalesced, w.refreshes,
                     gate.last_bypassed, gate.stats.hit_ratio, 1000.0 * (gate.load_s or 0.0),
                     spec.policy, spec.invalidate, spec.single_flight, spec.ttl_s, spec.ttl_jitter,
                     spec.swr_s)


def ingest_view(sim: Simulation, series_points: int = 600) -> IngestView | None:
    tier = sim.ingest
    if tier is None:
        return None
    dev, lb, plane = tier.devices, tier.lb, tier.plane
    open_now = dev.open_connections()
    total = int(open_now.sum())
    rotation = set(lb.rotation().tolist())
    w = plane.last
    node = tier.nodes[lb.master] if lb.master >= 0 else None
    n = len(tier.servers)

    def last(name: str) -> tuple[float, ...]:
        """A per-server series' last window, with 0 for a server that joined after it closed."""
        rows = plane.per_server[name]
        row = rows[-1] if rows else ()
        return tuple(row[:n]) + (0.0,) * (n - len(row))

    return IngestView(
        servers=tuple(b.name for b in tier.servers), open=tuple(int(x) for x in open_now.tolist()),
        share=tuple(float(x) / total if total else 0.0 for x in open_now.tolist()),
        server_messages=last("messages"), server_probes=last("probes"),
        in_rotation=tuple(s in rotation for s in range(len(tier.servers))),
        nodes=tuple(b.name for b in tier.nodes if b is not None),
        active_node=node.name if node is not None else "",
        devices=dev.spec.count, connected=total, booting=tier.booting,
        attempts=w.get("attempts", 0.0), connects=w.get("connects", 0.0), refused=w.get("refused", 0.0),
        backlog_full=w.get("backlog_full", 0.0), timeouts=w.get("timeouts", 0.0),
        messages=w.get("messages", 0.0), lost=w.get("lost", 0.0), probes=w.get("probes", 0.0),
        probe_cpu_ms=w.get("probe_cpu_ms", 0.0), drops=w.get("drops", 0.0),
        db_writes=w.get("db_writes", 0.0),
        totals=tuple(sorted({**dev.totals, **plane.totals}.items())),
        series={k: tuple(v[-series_points:]) for k, v in plane.series.items()},
        algorithm=lb.spec.algorithm, check_interval_s=lb.spec.check_interval_s, standby=lb.spec.nodes > 1,
        max_age_s=dev.comm.max_age_s, tls=dev.comm.tls, backoff=dev.spec.backoff, jitter=dev.spec.jitter,
        base_s=dev.spec.base_s, cap_s=dev.spec.cap_s,
    )


def services(sim: Simulation) -> Services:
    lb = sim.balancers.spec if sim.balancers else None
    c = sim.health.spec if sim.health is not None else None
    store = sim.sessions.store if sim.sessions else None
    files = sim.files
    rep = sim.replication.state if sim.replication else None
    shards = sim.sharding.router if sim.sharding else None
    redirects = sim.cloning.redirects if sim.cloning else None
    copies = sim.cloning.copies if sim.cloning else None
    return Services(
        check_kind=c.kind if c else "",
        check_path=c.path if c else "",
        check_interval_s=c.interval_s if c else 0.0,
        check_timeout_s=c.probe_timeout_s if c else 0.0,
        check_healthy=c.healthy_threshold if c else 0,
        check_unhealthy=c.unhealthy_threshold if c else 0,
        algorithm=lb.algorithm if lb else "",
        sticky=bool(lb and lb.sticky),
        lb_serving=sim.data.lb_up,
        session_store=store.spec.store if store else "",
        sessions_active=store.active(sim.now) if store else 0,
        storage=files.spec.mode if files else "",
        read_routing=rep.spec.read_routing if rep else "",
        shard_key=shards.spec.key if shards else "",
        chunks_moving=bool(shards and shards.moving is not None),
        stale_reads=rep.stale_reads if rep else 0,
        writes_lost=rep.writes_lost if rep else 0,
        redirect=redirects.mode if redirects else "",
        pinned_users=sum(redirects.pinned_users(sim.now).values()) if redirects and redirects.pins else 0,
        divergent_reads=copies.divergent_reads if copies else 0,
    )
