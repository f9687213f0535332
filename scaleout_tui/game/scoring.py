"""From a finished (or running) simulation to the numbers objectives are judged on.

Every metric a level may name (``scaleout_tui.content.schema.METRICS``) is computed
here and nowhere else, so the CLI report, the debrief and the UI agree to the digit.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from scaleout_tui.engine.failures import FailureRecord
from scaleout_tui.engine.metrics import ERROR_CAUSES, percentile
from scaleout_tui.engine.simulation import Simulation

OUTAGE_ERROR_PCT = 50.0  # a window where half the requests fail counts as "down"


SLO_P95_MS = 300.0      # a second whose p95 is slower than this violates the SLO...
SLO_ERROR_PCT = 1.0     # ...as does one where more than 1 % of requests fail


def run_metrics(sim: Simulation, slo_p95_ms: float = SLO_P95_MS) -> dict[str, float]:
    """All objective metrics of the run so far."""
    m = sim.metrics
    failed = int(m.total_errors.sum())
    resolved = m.completed + failed
    elapsed = max(sim.now, 1e-9)
    err = np.asarray(m.series["error_pct"])
    errs = errors_by_cause(sim)
    det = detection(sim)
    return {
        "latency_p50_ms": _ms(percentile(m.total_hist, 0.50)),
        "latency_p95_ms": _ms(percentile(m.total_hist, 0.95)),
        "latency_p99_ms": _ms(percentile(m.total_hist, 0.99)),
        "latency_mean_ms": _ms(m.latency_sum / m.completed) if m.completed else 0.0,
        "error_rate_pct": 100.0 * failed / resolved if resolved else 0.0,
        "availability_pct": 100.0 * m.completed / resolved if resolved else 100.0,
        "cost": m.cost,
        "cost_per_hour": m.cost * 3600.0 / elapsed,
        "throughput_rps": m.completed / elapsed,
        "peak_instances": float(m.peak_instances),
        "outage_s": float(np.count_nonzero(err >= OUTAGE_ERROR_PCT)) * m.window_s,
        "sessions_lost": float(errs["session_lost"]),
        "files_not_found": float(errs["not_found"]),
        "detection_s": det.worst_s,
        "requests_to_unhealthy": float(det.requests),
        "health_check_cpu_pct": health_check_cpu_pct(sim),
        "timeouts": float(errs["timeout"]),
        **data_metrics(sim),
        **scaling_metrics(sim, slo_p95_ms),
        **clone_metrics(sim),
        **cache_metrics(sim),
        **ingest_metrics(sim),
    }


#: how long after a comm server joins its share of the connections is measured: two minutes, time
#: for a fleet to rebalance over a max connection age of 60 or 120 s
NEW_SERVER_SETTLE_S = 120.0


@dataclass(frozen=True, slots=True)
class Joined:
    """The comm server that entered service last (booted by ``ingest.comm_count``, or back from a
    crash: either way it starts with no connections), when, and its share of the open connections
    ``NEW_SERVER_SETTLE_S`` later (or at the last closed window, when the run ended sooner)."""

    box: str
    at: float
    measured_at: float
    share: float
    fair: float  # one server's share when the connections are spread evenly over those up then


def newest_comm(sim: Simulation) -> Joined | None:
    """The last comm server to join during the run (None without an ingest tier or a join)."""
    tier = sim.ingest
    if tier is None:
        return None
    names = [b.name for b in tier.servers]
    joins = [e for e in sim.log if e.code in ("comm_joined", "recovered") and e.params.get("box") in names]
    t = tier.plane.series["t"]
    if not joins or not t:
        return None
    last = joins[-1]
    box = str(last.params["box"])
    i = min(int(np.searchsorted(t, last.t + NEW_SERVER_SETTLE_S)), len(t) - 1)
    shares = tier.plane.per_server["share"][i]
    k = names.index(box)
    share = shares[k] if k < len(shares) else 0.0
    # the servers sharing the connections then: the newest, and every other that holds some
    others = sum(1 for j, x in enumerate(tier.plane.per_server["open"][i]) if x > 0 and j != k)
    return Joined(box, float(last.t), float(t[i]), float(share), 1.0 / (others + 1))


def ingest_metrics(sim: Simulation) -> dict[str, float]:
    """The device-ingest tier's numbers (zero without one): readings that never became a row
    (sent on a connection already gone, refused by a full accept backlog, not sent while the device
    had no connection, or failed at the database), connects turned away (refused by a closed port
    or no server in rotation, and SYNs dropped by a full backlog, each of which the device's kernel
    resends: a connect can count more than once), the peak of connect attempts in one second (a reconnect
    storm), and the newest comm server's share of the connections two minutes after it joined."""
    tier = sim.ingest
    if tier is None:
        return dict.fromkeys(("messages_lost", "connects_refused", "peak_connect_attempts_per_s",
                              "new_comm_share_pct"), 0.0)
    dev, plane = tier.devices.totals, tier.plane.totals
    joined = newest_comm(sim)
    return {
        "messages_lost": float(dev["lost"] + dev["missed"] + plane["msg_refused"] + plane["db_failed"]),
        "connects_refused": float(dev["refused"] + dev["backlog_refused"]),
        "peak_connect_attempts_per_s": max(tier.plane.series["attempts"], default=0.0),
        "new_comm_share_pct": 100.0 * joined.share if joined is not None else 0.0,
    }


#: the boxes of the database tier: the master (or every shard), its replicas, or the one box of a
#: single-box layout, which is the database too
DB_ROLES = ("db", "replica", "app+db")


def cache_metrics(sim: Simulation) -> dict[str, float]:
    """The look-aside cache's numbers (zero without one), and the database tier's worst queue
    (any level): the requests waiting at its busiest box, averaged over a one-second window, at
    the worst window of the run. ``stale_reads`` (in :func:`data_metrics`) counts the cache's
    stale reads too."""
    gate = sim.cache
    t = sim.metrics.boxes
    queues = [float(t.peak_queue[b.index]) for b in sim.boxes
              if b.role in DB_ROLES and b.index < t.peak_queue.size]
    return {
        "cache_hit_ratio_pct": 100.0 * gate.stats.hit_ratio if gate is not None else 0.0,
        "duplicate_loads": float(gate.stats.duplicate_loads) if gate is not None else 0.0,
        "db_peak_queue": max(queues, default=0.0),
    }


def cache_stale_reads(sim: Simulation) -> int:
    """Reads the cache answered with a value older than the database's (0 without a cache)."""
    return sim.cache.stats.stale_reads if sim.cache is not None else 0


def clone_metrics(sim: Simulation) -> dict[str, float]:
    """The gotchas of cloning a box: reads that saw another copy's data, and requests that
    bypassed the balancer because a redirect pinned their user to one box."""
    copies, redirects = sim.copies, sim.redirects
    return {
        "divergent_read_pct": copies.divergent_pct() if copies is not None else 0.0,
        "requests_bypassing_lb": float(redirects.bypassed) if redirects is not None else 0.0,
    }


def scaling_metrics(sim: Simulation, slo_p95_ms: float) -> dict[str, float]:
    """Auto scaling numbers, and seconds in violation of the SLO (any level)."""
    m = sim.metrics
    p95 = np.nan_to_num(np.asarray(m.series["p95_ms"]), nan=0.0)
    err = np.asarray(m.series["error_pct"])
    violation = float(np.count_nonzero((p95 > slo_p95_ms) | (err > SLO_ERROR_PCT))) * m.window_s
    asg = sim.autoscaler
    if asg is None:
        return {"scale_out_events": 0.0, "scale_in_events": 0.0, "time_to_first_scale_out_s": 0.0,
                "slo_violation_s": violation}
    outs = [c for c in asg.history if c.new > c.old]
    ins = [c for c in asg.history if c.new < c.old]
    return {
        "scale_out_events": float(len(outs)),
        "scale_in_events": float(len(ins)),
        "time_to_first_scale_out_s": outs[0].t if outs else sim.now,
        "slo_violation_s": violation,
    }


def data_metrics(sim: Simulation) -> dict[str, float]:
    """Replication and sharding numbers (zero when the level has neither). A stale read is one
    answered with data older than the latest write: by a replica that had not applied the
    reader's own write, or by the look-aside cache holding an entry older than the database's."""
    rep = sim.replica_state
    shards = sim.shard_router
    lag = np.asarray(sim.lag_ms) if sim.lag_ms else np.zeros(1)
    return {
        "stale_reads": float((rep.stale_reads if rep else 0) + cache_stale_reads(sim)),
        "writes_lost": float(rep.writes_lost) if rep else 0.0,
        "replication_lag_ms_p95": float(np.percentile(lag, 95)),
        "max_shard_share_pct": 100.0 * max(shards.share(), default=0.0) if shards else 0.0,
    }


@dataclass(frozen=True, slots=True)
class Detection:
    """How long injected failures went unnoticed by the balancer."""

    worst_s: float     # slowest detection; the time since failure if never detected
    mean_s: float
    requests: int      # requests sent to failed targets before they left rotation
    undetected: int


def detection(sim: Simulation) -> Detection:
    # scripted failures only: a failure the player injects is a drill, not the exam
    recs = [r for r in sim.failures.records if r.box.startswith("web") and r.scripted]
    if not recs:
        return Detection(0.0, 0.0, 0, 0)
    times = []
    requests = 0
    undetected = 0
    for r in recs:
        if r.detected_at is None:
            # never noticed: it stayed in rotation for as long as it was broken
            undetected += 1
            times.append((r.repaired_at if r.repaired_at is not None else sim.now) - r.at)
            requests += undetected_requests(sim, r)
        else:
            times.append(r.detected_at - r.at)
            requests += r.requests_until_detected or 0
    return Detection(max(times), float(np.mean(times)), requests, undetected)


def undetected_requests(sim: Simulation, r: FailureRecord) -> int:
    """Requests sent to a broken target that was never taken out of rotation."""
    if r.requests_until_repaired is not None:
        return r.requests_until_repaired
    box = next(b for b in sim.boxes if b.name == r.box)
    return int(sim.data.dispatched[box.index]) - r.dispatched_at_start


def health_check_cpu_pct(sim: Simulation) -> float:
    """Share of the web boxes' CPU spent answering health checks."""
    if sim.health is None:
        return 0.0
    totals = sim.metrics.boxes.busy
    web = [b.index for b in sim.boxes if b.role in ("web", "app+db") and b.index < totals.size]
    busy = float(totals[web].sum())
    return 100.0 * sim.health.check_work_s / busy if busy > 0 else 0.0


def _ms(seconds: float) -> float:
    return 0.0 if math.isnan(seconds) else seconds * 1000.0


@dataclass(frozen=True, slots=True)
class Saturation:
    """Where and when the fleet ran out of CPU: the heart of levels 1 and 2."""

    box: str
    peak_cpu_pct: float
    seconds_over_90: float
    peak_queue: float


def saturation(sim: Simulation) -> list[Saturation]:
    """Per box, how hot it ran. Boxes are listed hottest first; a box never powered is left out."""
    m = sim.metrics
    t = m.boxes
    out = [Saturation(b.name, 100.0 * float(t.peak_util[b.index]),
                      float(t.hot_windows[b.index]) * m.window_s, float(t.peak_queue[b.index]))
           for b in sim.boxes if b.index < t.powered.size and t.powered[b.index]]
    return sorted(out, key=lambda s: -s.peak_cpu_pct)


def errors_by_cause(sim: Simulation) -> dict[str, int]:
    return {c: int(n) for c, n in zip(ERROR_CAUSES, sim.metrics.total_errors, strict=True)}


#: a box this much slower per vCPU than the smallest sizes is "near the top of the range"
BIG_BOX_SPEED = 0.97


@dataclass(frozen=True, slots=True)
class Floor:
    """Seconds the group's desired count sat on its minimum: ``n`` instances from ``start`` to
    ``end`` (first and last such second), ``held_s`` of them in all. ``raised`` when a scheduled
    action had put the minimum above the run's lowest one; then ``extra`` is what the instances
    above that lowest minimum cost while it held (web boxes at their hourly price)."""

    n: int
    start: float
    end: float
    held_s: float
    raised: bool
    extra: float


def floor_held(sim: Simulation) -> Floor | None:
    """Where the group's minimum, not its policy, set the fleet's size (None without a group or
    when desired never sat on a minimum above one instance)."""
    asg = sim.autoscaler
    if asg is None or not asg.samples["min"]:
        return None
    lo = np.asarray(asg.samples["min"])
    desired = np.asarray(asg.samples["desired"])[: lo.size]
    base = float(lo.min())
    raised = (desired == lo) & (lo > base)
    held = raised if raised.any() else (desired == lo) & (lo > 1)
    if not held.any():
        return None
    secs = np.flatnonzero(held)
    price = next((b.itype.price_per_hour for b in sim.boxes if b.serves_web), 0.0)
    extra = float(((lo - base) * held).sum()) * price / 3600.0 if raised.any() else 0.0
    return Floor(int(lo[secs[-1]]), float(secs[0]), float(secs[-1] + 1), float(secs.size), bool(raised.any()),
                 extra)


@dataclass(frozen=True, slots=True)
class BigBoxes:
    """Web boxes of a size whose vCPUs are slower than the small sizes' (price grows faster than
    capacity there): the size, its speed per vCPU, and roughly what they cost this run."""

    size: str
    speed: float
    spent: float


def big_web_boxes(sim: Simulation) -> BigBoxes | None:
    """The largest such web size in the run now, or None when every web box is of a size priced in
    line with its capacity. The cost assumes each ran the whole run (a fixed fleet's case)."""
    big = [b for b in sim.boxes if b.serves_web and b.itype.speed < BIG_BOX_SPEED]
    if not big:
        return None
    top = min(big, key=lambda b: b.itype.speed).itype
    spent = sum(b.itype.price_per_hour for b in big) * sim.now / 3600.0
    return BigBoxes(top.name, top.speed, spent)
