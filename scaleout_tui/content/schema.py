"""The level file format, version 1, as typed msgspec Structs.

Why Structs with ``forbid_unknown_fields``: a typo in a level (``timout_s``) must fail loudly
instead of silently falling back to a default and making a level play differently from what its
designer meant. Every float is bounded on both sides, because msgspec accepts ``nan`` and
``inf`` on an unbounded float and either would poison the simulation quietly.

Fields whose value is one of a fixed set of words (``layout``, ``op``, ``metric`` ...) are plain
``str`` here and are checked in :mod:`scaleout_tui.content.loader`: msgspec stops at its first
error, whereas the semantic pass reports every problem at once and can list the allowed words.

The documentation of this format is ``docs/level-format.md``; keep both in step.
"""

from __future__ import annotations

import math
from typing import Annotated, Any, Final

from msgspec import Meta, Struct, field

FORMAT_VERSION: Final = 1

#: Every metric an objective may name. The game layer (``scaleout_tui.game.scoring``) computes
#: each of them from a finished run.
METRICS: Final[tuple[str, ...]] = (
    "latency_p50_ms",
    "latency_p95_ms",
    "latency_p99_ms",
    "latency_mean_ms",
    "error_rate_pct",
    "availability_pct",
    "cost",
    "cost_per_hour",
    "throughput_rps",
    "peak_instances",
    "outage_s",
    "sessions_lost",
    "files_not_found",
    "detection_s",
    "requests_to_unhealthy",
    "health_check_cpu_pct",
    "timeouts",
    "stale_reads",
    "writes_lost",
    "replication_lag_ms_p95",
    "max_shard_share_pct",
    "scale_out_events",
    "scale_in_events",
    "time_to_first_scale_out_s",
    "slo_violation_s",
    "divergent_read_pct",
    "requests_bypassing_lb",
    "cache_hit_ratio_pct",
    "duplicate_loads",
    "db_peak_queue",
    "messages_lost",
    "connects_refused",
    "peak_connect_attempts_per_s",
    "new_comm_share_pct",
)

#: Engine parameter paths a knob may drive (``scaleout_tui.engine.Command.param``). How each one
#: reads its choices, and which start value it must agree with, is in ``scaleout_tui.content.knobs``.
KNOB_PARAMS: Final[tuple[str, ...]] = (
    "web.size", "db.size", "layout", "web.count",
    "lb.algorithm", "lb.sticky", "lb.count", "lb.target_port",
    "health.kind", "health.path", "health.interval_s", "health.timeout_s",
    "health.healthy_threshold", "health.unhealthy_threshold",
    "session.store", "storage.mode", "storage.nfs_cache_s", "app.redirect", "app.clone_database",
    "db.replicas", "db.read_routing", "db.shards", "db.shard_key",
    "asg.policy", "asg.min_size", "asg.max_size", "asg.desired", "asg.scale_out_cpu", "asg.scale_in_cpu",
    "asg.target_cpu", "asg.cooldown_s", "asg.period_s", "asg.warmup_s", "asg.schedule",
    "asg.metric", "asg.target_requests", "asg.target_latency_ms", "traffic.scenario",
    "cache.capacity", "cache.ttl_s", "cache.ttl_jitter", "cache.policy", "cache.invalidate",
    "cache.single_flight", "cache.swr_s",
    "ingest.lb_algorithm", "ingest.check_interval_s", "ingest.standby", "ingest.tls", "ingest.max_age_s",
    "ingest.backoff", "ingest.jitter", "ingest.base_s", "ingest.cap_s", "ingest.comm_count",
)
#: Only ``choice`` in format 1; the field exists so ``number`` knobs can come without a new format.
KNOB_TYPES: Final[tuple[str, ...]] = ("choice",)
LAYOUTS: Final[tuple[str, ...]] = ("single", "two-tier")
DISPATCHES: Final[tuple[str, ...]] = ("random", "round_robin")
DISTRIBUTIONS: Final[tuple[str, ...]] = ("lognormal", "exponential")
OPS: Final[tuple[str, ...]] = ("<=", ">=")
# The engine has no constant for these two; its ``Simulation._apply_session`` and ``_flag`` accept
# these words (``_flag`` accepts more spellings, but a level offers exactly one per state).
SESSION_STORES: Final[tuple[str, ...]] = ("local", "shared")
FLAGS: Final[tuple[str, ...]] = ("on", "off")
# Event kinds, balancing algorithms, health-check kinds and paths, storage modes, read routings,
# shard keys and scaling policies are the engine's own constants (``FAILURE_KINDS``, ``ALGORITHMS``,
# ``ROUTINGS``, ``KEYS``, ``POLICIES`` ...): the loader checks against them directly, so a kind the
# engine learns is a kind levels may use.

MAX_DURATION_S: Final = 86_400.0
#: The longest knob heading the settings panel shows uncut at 80×24: its 32 columns less the focus
#: marker, the key ("[a] ") and the changed mark (" *").
HEADING_MAX: Final = 24
#: The longest objective name the play screen's objectives panel shows uncut at 80×24: its 34
#: columns less the mark, the gaps and a value and a target of common width ("10.97 %",
#: "≤ 1.00 %"). Wider numbers (a failing "2,119 ms") wrap the name rather than cut it.
OBJECTIVE_LABEL_MAX: Final = 15

# Patterns double as keys for friendlier messages in ``decode`` (see ``PATTERN_MESSAGES`` there).
LEVEL_ID_PATTERN: Final = r"^[0-9]{2}-[a-z0-9-]+$"
NAME_PATTERN: Final = r"^[a-z][a-z0-9_]*$"
NOT_BLANK_PATTERN: Final = r"\S"

Text = Annotated[str, Meta(pattern=NOT_BLANK_PATTERN)]
Name = Annotated[str, Meta(pattern=NAME_PATTERN)]
Seconds = Annotated[float, Meta(ge=0, le=MAX_DURATION_S)]
Millis = Annotated[float, Meta(ge=0, le=60_000)]
# Objective thresholds only need to be finite; the bound is far beyond any real metric.
Threshold = Annotated[float, Meta(ge=-1e15, le=1e15)]
Port = Annotated[int, Meta(ge=1, le=65_535)]
#: a CPU utilisation in percent, as a cloud monitor reports it
Percent = Annotated[float, Meta(ge=0, le=100.0)]
#: an auto scaling group's size; 64 is the largest fleet a level may have (``topology.web_count``)
GroupSize = Annotated[int, Meta(ge=0, le=64)]
Adjustment = Annotated[int, Meta(ge=1, le=64)]
#: one step of a step policy: (breach over ``scale_out_cpu`` in CPU points, instances to add)
ScalingStep = tuple[Percent, Adjustment]
MAX_TTL_S: Final = 604_800.0  # a week: longer than any run, so "never expires" in practice
CurvePoint = tuple[Seconds, Annotated[float, Meta(ge=0, le=1e6)]]


class _Strict(Struct, forbid_unknown_fields=True, frozen=True, kw_only=True):
    """Base of every table: unknown keys are errors; values are immutable once loaded.

    Subclasses repeat ``frozen=True`` only for type checkers, which do not inherit it."""


class Briefing(_Strict, frozen=True):
    text: Text
    facts: tuple[Text, ...] = ()


class EngineParams(_Strict, frozen=True):
    """Simulation constants; the defaults are the engine's and suit most levels."""

    tick_s: Annotated[float, Meta(ge=0.01, le=1.0)] = 0.1
    timeout_s: Annotated[float, Meta(ge=0.1, le=3600.0)] = 30.0
    queue_limit: Annotated[int, Meta(ge=1, le=100_000)] = 511
    colocation_penalty: Annotated[float, Meta(ge=1.0, le=5.0)] = 1.0
    resize_downtime_s: Annotated[float, Meta(ge=0, le=3600.0)] = 90.0
    boot_s: Annotated[float, Meta(ge=0, le=3600.0)] = 60.0
    restart_s: Annotated[float, Meta(ge=0, le=3600.0)] = 10.0
    rtt_ms: Annotated[float, Meta(ge=0, le=1000.0)] = 0.5
    dispatch: str = "random"
    deregistration_delay_s: Annotated[float, Meta(ge=0, le=3600.0)] = 300.0
    #: instance type of the balancer and session-store boxes; without it the engine takes the
    #: cheapest type in the catalog
    aux_size: str | None = None


class Topology(_Strict, frozen=True):
    layout: str
    web_size: str
    db_size: str | None = None
    web_count: Annotated[int, Meta(ge=1, le=64)] = 1


class Balancer(_Strict, frozen=True):
    """A load balancer in front of the web boxes. Defaults are the engine's ``BalancerSpec``
    (which are AWS ALB's where it has one: round robin, a one-day sticky cookie)."""

    algorithm: str = "round_robin"
    sticky: bool = False
    sticky_ttl_s: Annotated[float, Meta(ge=1, le=MAX_TTL_S)] = 86_400.0
    dns_ttl_s: Annotated[float, Meta(ge=0, le=86_400.0)] = 60.0
    count: Annotated[int, Meta(ge=1, le=2)] = 1
    #: VRRP's takeover with keepalived's defaults: 3 × 1 s + (256 − 100)/256 s (RFC 5798 §6.1)
    failover_s: Annotated[float, Meta(ge=0, le=600.0)] = 3.609375
    listen_port: Port = 80
    target_port: Port = 8080


class HealthCheck(_Strict, frozen=True):
    """How the balancer probes its targets; defaults are the engine's (ALB's)."""

    kind: str = "L7"
    path: str = "/"
    interval_s: Annotated[float, Meta(ge=1, le=300.0)] = 30.0
    timeout_s: Annotated[float, Meta(ge=1, le=300.0)] = 5.0
    healthy_threshold: Annotated[int, Meta(ge=1, le=10)] = 5
    unhealthy_threshold: Annotated[int, Meta(ge=1, le=10)] = 2


class Sessions(_Strict, frozen=True):
    store: str = "local"
    ttl_s: Annotated[float, Meta(ge=1, le=MAX_TTL_S)] = 1_800.0


class Storage(_Strict, frozen=True):
    mode: str = "local"
    nfs_cache_s: Annotated[float, Meta(ge=0, le=600.0)] = 30.0


class App(_Strict, frozen=True):
    """How the application is configured on every box: the two ways a cloned server goes
    wrong (``AppSpec`` in the engine). Needed by ``redirect`` and ``clone`` events."""

    redirect: str = "base_url"
    clone_database: str = "local"
    pin_idle_s: Annotated[float, Meta(ge=1, le=MAX_TTL_S)] = 1_800.0


class Replication(_Strict, frozen=True):
    """Read replicas of the database box; defaults are the engine's ``ReplicationSpec``.

    Only a two-tier layout has a database box of its own to copy, so the loader refuses this
    table where the level can never be two-tier."""

    replicas: Annotated[int, Meta(ge=0, le=5)] = 0
    read_routing: str = "master"
    #: after a write, the writer's reads go to the master for this long (``read_your_writes``)
    ryw_window_s: Annotated[float, Meta(ge=0, le=3600.0)] = 5.0
    #: a replica's replay work per write relative to the master's (0: free, 1: the same)
    apply_factor: Annotated[float, Meta(ge=0, le=10.0)] = 1.0
    #: time to promote a replica when the master dies
    failover_s: Annotated[float, Meta(ge=0, le=3600.0)] = 30.0


class Sharding(_Strict, frozen=True):
    """The database split by a shard key over several masters; defaults are the engine's
    ``ShardingSpec``. Two-tier only, like :class:`Replication`, and not together with it in
    format 1 (the engine models a sharded cluster without replicas)."""

    shards: Annotated[int, Meta(ge=1, le=8)] = 1
    key: str = "user_hash"
    #: share of reads that scan a key range (scatter-gather under a hashed key)
    range_query_share: Annotated[float, Meta(ge=0, le=1.0)] = 0.0
    move_s_per_shard: Seconds = 300.0
    #: extra load on every shard involved while chunks move (worker-seconds per second)
    move_load: Annotated[float, Meta(ge=0, le=64.0)] = 0.3


class Cache(_Strict, frozen=True):
    """A look-aside cache (Redis, memcached) in front of the database; defaults are the engine's
    ``CacheSpec`` (Django's 300 s TTL, memcached's 64 MB as 10,000 entries, YCSB's Zipf 0.99).

    The cache sits before a database box of its own, so the loader refuses this table where the
    level can never be two-tier. ``get_ms`` and ``op_ms`` are in a designer's milliseconds; the
    engine's spec holds seconds."""

    #: the catalog of keys the reads and writes draw from (the engine keeps a version per key)
    keys: Annotated[int, Meta(ge=1, le=1_000_000)] = 100_000
    #: Zipf exponent of key popularity (0: every key as popular as the next)
    zipf_s: Annotated[float, Meta(ge=0, le=3.0)] = 0.99
    #: entries held (LRU eviction past it); 0 holds nothing: every read goes to the database
    capacity: Annotated[int, Meta(ge=0, le=1_000_000)] = 10_000
    ttl_s: Annotated[float, Meta(ge=1, le=MAX_TTL_S)] = 300.0
    #: each fill's TTL is ttl_s × U(1 − j, 1 + j)
    ttl_jitter: Annotated[float, Meta(ge=0, le=1.0)] = 0.0
    policy: str = "cache-aside"
    #: cache-aside: delete the entry on each write of its key
    invalidate: bool = False
    #: misses on a key being loaded wait for that load (request coalescing)
    single_flight: bool = False
    #: stale-while-revalidate: an entry expired less than this ago is served while one refresh runs
    swr_s: Annotated[float, Meta(ge=0, le=86_400.0)] = 0.0
    #: one cache round trip as the app sees it
    get_ms: Annotated[float, Meta(ge=0, le=1000.0)] = 0.5
    #: the cache server's CPU per GET, SET or DEL at speed 1
    op_ms: Annotated[float, Meta(ge=0, le=1000.0)] = 0.01
    #: the cache box's instance type; without it, ``engine.aux_size`` (else the catalog's cheapest)
    size: str | None = None


class Ingest(_Strict, frozen=True):
    """A device-ingest tier beside the web tier: devices holding long-lived TCP connections
    through an L4 balancer pair (``tcp-lb-1``, ``tcp-lb-2``) to comm servers (``comm-1`` ...),
    every reading a database write. Defaults are the engine's ``DeviceSpec``, ``CommSpec``,
    ``TcpBalancerSpec`` and ``IngestSpec`` (ESP-IDF MQTT's fixed 10 s reconnect, HAProxy's rise 2 /
    fall 3, keepalived's 1 s advert, grpc-go's infinite MaxConnectionAge with ±10 % jitter).

    Readings are written to a database box of its own, so the loader refuses this table where the
    level can never be two-tier. CPU costs are in a designer's milliseconds; the engine's specs
    hold seconds. ``max_age_s`` may be ``inf``: connections never retire (grpc-go's default)."""

    # the devices
    devices: Annotated[int, Meta(ge=1, le=100_000)] = 10_000
    #: one reading every this many seconds, each device at its own phase
    period_s: Annotated[float, Meta(ge=0.1, le=3600.0)] = 10.0
    connect_timeout_s: Annotated[float, Meta(ge=0.1, le=600.0)] = 10.0
    ack_timeout_s: Annotated[float, Meta(ge=0.1, le=600.0)] = 10.0
    #: how a device waits before it reconnects: ``fixed`` or ``exponential`` (the engine's BACKOFFS)
    backoff: str = "fixed"
    #: ``none``, ``full`` or ``equal`` (the engine's JITTERS)
    jitter: str = "none"
    base_s: Annotated[float, Meta(ge=0.1, le=3600.0)] = 10.0
    cap_s: Annotated[float, Meta(ge=0.1, le=3600.0)] = 120.0
    # what a comm server pays, and its connection policy
    message_ms: Annotated[float, Meta(ge=0, le=1000.0)] = 0.2
    accept_ms: Annotated[float, Meta(ge=0, le=1000.0)] = 0.05
    hello_ms: Annotated[float, Meta(ge=0, le=1000.0)] = 0.5
    tls: bool = True
    tls_handshake_ms: Annotated[float, Meta(ge=0, le=1000.0)] = 1.5
    #: the server closes a connection this long after it opened (±``age_jitter``); inf: never
    max_age_s: Annotated[float, Meta(ge=1.0)] = math.inf
    age_jitter: Annotated[float, Meta(ge=0, le=1.0)] = 0.1
    # the L4 balancer
    #: ``round_robin`` or ``least_conn`` over connections (the engine's tcpbalancer.ALGORITHMS)
    lb_algorithm: str = "round_robin"
    #: a keepalived standby node beside the active one (``tcp-lb-2``); false: one node
    standby: bool = True
    check_interval_s: Annotated[float, Meta(ge=0.1, le=60.0)] = 1.0
    check_timeout_s: Annotated[float, Meta(ge=0.1, le=60.0)] = 1.0
    rise: Annotated[int, Meta(ge=1, le=10)] = 2
    fall: Annotated[int, Meta(ge=1, le=10)] = 3
    advert_int_s: Annotated[float, Meta(ge=0.1, le=60.0)] = 1.0
    #: a repaired primary takes the address back (keepalived's default; ``nopreempt``: false)
    preempt: bool = True
    # the comm servers
    comm_count: Annotated[int, Meta(ge=1, le=16)] = 2
    #: the comm boxes' instance type; without it, the web boxes' type
    comm_size: str | None = None
    #: the accept backlog of a comm server; without it, ``engine.queue_limit``
    backlog: Annotated[int, Meta(ge=1, le=100_000)] | None = None
    #: the database's CPU for one reading's INSERT at speed 1
    db_write_ms: Annotated[float, Meta(ge=0, le=1000.0)] = 1.0


class ScheduledSizes(_Strict, frozen=True):
    """A scheduled action: new group sizes at a clock time. Each size is optional (the group
    keeps the others), but an action must set one; the loader says so. ``until`` ends it as a
    window: then the limits it set (min_size, max_size) go back to what they were before it."""

    at: Seconds
    min_size: GroupSize | None = None
    max_size: GroupSize | None = None
    desired: GroupSize | None = None
    until: Seconds | None = None


class HpaPolicy(_Strict, frozen=True):
    """One of an HPA's rate limits (Kubernetes' ``HPAScalingPolicy``): ``type`` is ``Pods`` or
    ``Percent``, checked by the loader against the engine's ``HPA_POLICY_TYPES``."""

    type: str
    value: Annotated[int, Meta(ge=1, le=1000)]
    period_s: Annotated[float, Meta(gt=0, le=1800.0)]


class HpaRules(_Strict, frozen=True):
    """One direction of an HPA's ``behavior`` (``HPAScalingRules``); what is left out is
    Kubernetes' default for that direction (the engine's ``HpaRules``)."""

    policies: Annotated[tuple[HpaPolicy, ...], Meta(min_length=1)] | None = None
    select_policy: str = "Max"
    stabilization_s: Annotated[float, Meta(ge=0, le=3600.0)] | None = None


class HpaBehavior(_Strict, frozen=True):
    scale_up: HpaRules = HpaRules()
    scale_down: HpaRules = HpaRules()


class Autoscaling(_Strict, frozen=True):
    """The web tier as an auto scaling group; defaults are the engine's ``ScalingSpec`` (which are
    AWS's and Kubernetes' where they have one: a 300 s cooldown, HPA's 0.1 tolerance and 300 s
    stabilisation window).

    Instances join and leave through the balancer, so the loader refuses this table without a
    ``[balancer]``. The sizes are checked against each other there too (``min_size <= desired <=
    max_size``, ``desired == topology.web_count``): msgspec bounds one field at a time."""

    min_size: GroupSize = 1
    max_size: Annotated[int, Meta(ge=1, le=64)] = 4
    desired: GroupSize = 1
    policy: str = "simple"
    # the metric and its alarms (simple and step policies; target tracking uses the period)
    period_s: Annotated[float, Meta(ge=10, le=3600.0)] = 60.0
    evaluation_periods: Annotated[int, Meta(ge=1, le=100)] = 1
    datapoints_to_alarm: Annotated[int, Meta(ge=1, le=100)] = 1
    metric: str = "cpu"
    scale_out_cpu: Percent = 10.0
    scale_in_cpu: Percent = 5.0
    scale_out_requests: Annotated[float, Meta(ge=0, le=1e9)] = 1000.0
    scale_in_requests: Annotated[float, Meta(ge=0, le=1e9)] = 300.0
    scale_out_latency_ms: Annotated[float, Meta(ge=0, le=3_600_000.0)] = 250.0
    scale_in_latency_ms: Annotated[float, Meta(ge=0, le=3_600_000.0)] = 50.0
    step_out: Adjustment = 1
    step_in: Adjustment = 1
    cooldown_s: Seconds = 300.0
    #: step policy: (breach in CPU points, adjustment), breach strictly increasing
    steps: tuple[ScalingStep, ...] = ((0.0, 1), (20.0, 2), (40.0, 3))
    # target tracking and hpa
    target_cpu: Annotated[float, Meta(ge=1, le=100.0)] = 60.0
    target_requests: Annotated[float, Meta(ge=1, le=1e9)] = 1000.0
    target_latency_ms: Annotated[float, Meta(ge=1, le=3_600_000.0)] = 200.0
    tolerance: Annotated[float, Meta(ge=0, le=1.0)] = 0.1
    sync_s: Annotated[float, Meta(ge=1, le=600.0)] = 15.0
    stabilization_s: Annotated[float, Meta(ge=0, le=3600.0)] = 300.0
    behavior: HpaBehavior = HpaBehavior()
    # the launch template
    boot_min_s: Annotated[float, Meta(ge=0, le=3600.0)] = 30.0
    boot_max_s: Annotated[float, Meta(ge=0, le=3600.0)] = 90.0
    warmup_s: Annotated[float, Meta(ge=0, le=3600.0)] = 0.0
    app_warmup_s: Annotated[float, Meta(ge=0, le=3600.0)] = 0.0
    cold_factor: Annotated[float, Meta(ge=1, le=20.0)] = 1.0
    health_check_grace_s: Seconds = 300.0
    scheduled: tuple[ScheduledSizes, ...] = ()


class LoadTestRun(_Strict, frozen=True):
    """One ``ab -c CONCURRENCY -t DURATION_S -n REQUESTS`` run; defaults are the engine's
    ``LoadTest`` (ab's own ``-t`` implies ``-n 50000``)."""

    start: Seconds
    concurrency: Annotated[int, Meta(ge=1, le=10_000)]
    duration_s: Annotated[float, Meta(ge=1, le=MAX_DURATION_S)] = 50_000.0
    requests: Annotated[int, Meta(ge=1, le=1_000_000_000)] = 50_000


class Spike(_Strict, frozen=True):
    at: Seconds
    factor: Annotated[float, Meta(ge=0.01, le=1000.0)]
    rise_s: Seconds = 30.0
    hold_s: Seconds = 300.0
    fall_s: Seconds = 60.0
    name: Text = "spike"


class RequestKind(_Strict, frozen=True):
    name: str
    weight: Annotated[float, Meta(gt=0, le=1e6)]
    app_ms: Millis
    db_ms: Millis = 0.0
    cv: Annotated[float, Meta(ge=0, le=10.0)] = 1.0


#: how many trace seconds one run second plays (a day in 15 minutes is 96)
Compress = Annotated[float, Meta(gt=0, le=100_000.0)]


class TrafficSeries(_Strict, frozen=True):
    """A per-second rate series (``scaleout-rate`` file, e.g. from ``scaleout trace import``) as
    the base arrival curve, in place of ``curve``."""

    #: relative to the level file's folder
    file: Text
    scale: Annotated[float, Meta(gt=0, le=1e6)] = 1.0
    compress: Compress = 1.0


class Traffic(_Strict, frozen=True):
    users: Annotated[int, Meta(ge=1, le=10_000_000)]
    kinds: Annotated[tuple[RequestKind, ...], Meta(min_length=1)]
    #: the base rate; required unless ``series`` gives it (the loader checks one of them is there)
    curve: Annotated[tuple[CurvePoint, ...], Meta(min_length=1)] = ()
    distribution: str = "lognormal"
    spikes: tuple[Spike, ...] = ()
    #: a named shape from the scenario library (``assets/spikes``) multiplying the base rate
    scenario: str | None = None
    series: TrafficSeries | None = None


class Knob(_Strict, frozen=True):
    id: Name
    label: Text
    param: str
    choices: Annotated[tuple[Text, ...], Meta(min_length=1)]
    default: str
    type: str = "choice"
    help: str = ""
    #: The heading of the setting in the play screen's panel, which at 80 columns has room for
    #: :data:`HEADING_MAX` characters; ``label`` stays the long form (help line, tooltip, briefing,
    #: command palette). Required by the loader when ``label`` is longer than that.
    short_label: Text | None = None

    @property
    def heading(self) -> str:
        """What the settings panel calls the knob: the short label, else the label."""
        return self.short_label or self.label


class Event(_Strict, frozen=True):
    at: Seconds
    kind: str
    target: Text
    repair_s: Seconds
    #: service-time multiplier of a ``slow`` fault; ``None`` (not written) means the engine's
    #: default. Only ``slow`` reads it, so the loader refuses it on other kinds.
    factor: Annotated[float, Meta(ge=1, le=100.0)] | None = None
    note: str = ""


class Objective(_Strict, frozen=True):
    id: Name
    label: Text
    metric: str
    op: str
    target: Threshold
    stretch: Threshold | None = None
    #: The name in the play screen's objectives panel (and the compare screen's table), which at
    #: 80 columns has room for :data:`OBJECTIVE_LABEL_MAX` characters beside the numbers;
    #: ``label`` stays the long form (briefing, debrief, the panel's tooltip). Required by the
    #: loader when ``label`` is longer than that.
    short_label: Text | None = None

    @property
    def heading(self) -> str:
        """What the objectives panel calls the objective: the short label, else the label."""
        return self.short_label or self.label


class Hint(_Strict, frozen=True):
    text: Text


class Level(_Strict, frozen=True):
    """One level, as written in its file. Build the engine's config with
    :func:`scaleout_tui.content.build.build_config`."""

    format: int
    id: Annotated[str, Meta(pattern=LEVEL_ID_PATTERN)]
    order: Annotated[int, Meta(ge=1, le=99)]
    title: Text
    subtitle: Text
    concepts: Annotated[tuple[Text, ...], Meta(min_length=1)]
    duration_s: Annotated[float, Meta(ge=60, le=MAX_DURATION_S)]
    briefing: Briefing
    topology: Topology
    traffic: Traffic
    knobs: Annotated[tuple[Knob, ...], Meta(min_length=1)]
    objectives: Annotated[tuple[Objective, ...], Meta(min_length=1)]
    engine: EngineParams = field(default_factory=EngineParams)
    balancer: Balancer | None = None
    health_check: HealthCheck | None = None
    sessions: Sessions | None = None
    storage: Storage | None = None
    app: App | None = None
    replication: Replication | None = None
    sharding: Sharding | None = None
    autoscaling: Autoscaling | None = None
    cache: Cache | None = None
    ingest: Ingest | None = None
    #: closed-loop load tests; when present they replace the open traffic curve
    load_tests: tuple[LoadTestRun, ...] = ()
    #: failure kinds the player may trigger from the game screen (none: the UI offers no faults)
    injections: tuple[str, ...] = ()
    events: tuple[Event, ...] = ()
    hints: tuple[Hint, ...] = ()

    def knob(self, knob_id: str) -> Knob | None:
        """The knob with this id, or ``None``."""
        return next((k for k in self.knobs if k.id == knob_id), None)


# ---- the instance catalog (assets/instance_types.toml) -------------------------------------------
class InstanceTypeEntry(_Strict, frozen=True):
    name: Annotated[str, Meta(pattern=r"^[a-z0-9][a-z0-9.-]*$")]
    vcpus: Annotated[int, Meta(ge=1, le=1024)]
    memory_gb: Annotated[float, Meta(gt=0, le=100_000.0)]
    speed: Annotated[float, Meta(gt=0, le=10.0)]
    price_per_hour: Annotated[float, Meta(ge=0, le=10_000.0)]


class CatalogFile(_Strict, frozen=True):
    format: int
    types: Annotated[tuple[InstanceTypeEntry, ...], Meta(min_length=1)]


# ---- policy files (scaleout run --policy, assets/solutions/) --------------------------------------
class PolicyChange(_Strict, frozen=True):
    at: Seconds
    knob: str
    value: Any  # checked against the level's choices, with a message naming the knob


class PolicyFile(_Strict, frozen=True):
    format: int
    knobs: dict[str, Any] = field(default_factory=dict)
    changes: tuple[PolicyChange, ...] = ()


# ---- the scenario library (assets/spikes/*.toml) -------------------------------------------------
#: (seconds since the scenario starts, multiplier of the base rate)
ShapePoint = tuple[Seconds, Annotated[float, Meta(ge=0, le=1000.0)]]


class ScenarioSeries(_Strict, frozen=True):
    """A rate series used as a shape: each second over the series' mean (mean 1)."""

    #: relative to the scenario file's folder
    file: Text
    compress: Compress = 1.0


class ScenarioFile(_Strict, frozen=True):
    """One named traffic scenario; its name is its file name without ``.toml``."""

    format: int
    description: Text
    shape: tuple[ShapePoint, ...] = ()
    series: ScenarioSeries | None = None
