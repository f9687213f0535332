"""The debrief: why the run went the way it did, told in the run's own numbers.

A player who lost should read *which* mechanism failed them (CPU saturation and
queueing, a full accept queue, downtime from a resize, a single point of failure) and
by how much, not a generic "try again". Each line is chosen by a measured condition.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from scaleout_tui.content.labels import choice_words
from scaleout_tui.engine.shardrouter import place
from scaleout_tui.engine.simulation import Simulation
from scaleout_tui.game import texts
from scaleout_tui.game.scoring import (
    SLO_ERROR_PCT,
    SLO_P95_MS,
    Saturation,
    big_web_boxes,
    cache_metrics,
    detection,
    errors_by_cause,
    floor_held,
    health_check_cpu_pct,
    ingest_metrics,
    newest_comm,
    saturation,
    undetected_requests,
)
from scaleout_tui.game.session import Result


def lesson(sim: Simulation, result: Result) -> dict[str, float | str]:
    """The level's teaching metrics, for the report's ``lesson`` block."""
    sat = saturation(sim)
    hot = sat[0] if sat else None
    errs = errors_by_cause(sim)
    resizes = [e for e in sim.log if e.code == "resize_start"]
    db = [s for s in sat if s.box.startswith("db")]
    return {
        "layout": sim.layout,
        "hottest_box": hot.box if hot else "",
        "peak_cpu_pct": round(hot.peak_cpu_pct, 2) if hot else 0.0,
        "seconds_cpu_over_90": hot.seconds_over_90 if hot else 0.0,
        "peak_queue": round(hot.peak_queue, 2) if hot else 0.0,
        "db_peak_cpu_pct": round(db[0].peak_cpu_pct, 2) if db else 0.0,
        "resizes": len(resizes),
        "resize_downtime_s": float(sum(float(e.params["down_s"]) for e in resizes)),
        "refused": errs["refused"],
        "queue_full": errs["queue_full"],
        "timeouts": errs["timeout"],
        "outage_s": result.metrics["outage_s"],
        **_mechanism_lesson(sim, result),
    }


def _mechanism_lesson(sim: Simulation, result: Result) -> dict[str, float | str]:
    """Teaching metrics of the balancer, session and storage levels (when present)."""
    out: dict[str, float | str] = {}
    errs = errors_by_cause(sim)
    if sim.health is not None:
        det = detection(sim)
        out.update({
            "detection_s": round(det.worst_s, 3),
            "detection_mean_s": round(det.mean_s, 3),
            "undetected_failures": det.undetected,
            "requests_to_unhealthy": det.requests,
            "health_check_cpu_share": round(health_check_cpu_pct(sim) / 100.0, 5),
            "lb_down": errs["lb_down"],
        })
    if sim.session_store is not None:
        out["sessions_lost"] = errs["session_lost"]
        out["session_store_down"] = errs["store_down"]
    if sim.files is not None:
        out["files_not_found"] = errs["not_found"]
        out["uploads"] = sim.files.uploads
    copies, redirects = sim.copies, sim.redirects
    if copies is not None and redirects is not None:
        out.update({
            "divergent_reads": copies.divergent_reads,
            "divergent_read_pct": round(copies.divergent_pct(), 4),
            "stranded_writes": copies.stranded_writes,
            "users_pinned": redirects.pins,
            "requests_bypassing_lb": redirects.bypassed,
            "pinned_failed": redirects.bypassed_failed,
        })
    rep = sim.replica_state
    if rep is not None:
        out.update({
            "stale_reads": rep.stale_reads,
            "replication_lag_ms_p95": round(result.metrics["replication_lag_ms_p95"], 3),
            "replication_lag_ms_max": round(max(sim.lag_ms, default=0.0), 3),
            "writes_lost": rep.writes_lost,
            "writes": rep.writes,
            "read_routing": rep.spec.read_routing,
            "replicas": len(rep.replicas),
        })
    asg = sim.autoscaler
    if asg is not None:
        m = result.metrics
        out.update({
            "scale_out_events": int(m["scale_out_events"]),
            "scale_in_events": int(m["scale_in_events"]),
            "time_to_first_scale_out_s": round(m["time_to_first_scale_out_s"], 3),
            "slo_violation_s": m["slo_violation_s"],
            "cost": round(m["cost"], 4),
            "peak_instances": int(m["peak_instances"]),
            "policy": asg.spec.policy,
        })
    out.update(cache_lesson(sim))
    out.update(ingest_lesson(sim))
    shards = sim.shard_router
    if shards is not None:
        share = [round(x, 4) for x in shards.share()]
        out.update({
            "shard_key": shards.spec.key,
            "shards": shards.n,
            "shard_share": share,  # type: ignore[dict-item]
            "max_shard_share": max(share, default=0.0),
            "demo_60_records": demo_60(shards.spec.key),  # type: ignore[dict-item]
        })
    return out


@dataclass(frozen=True, slots=True)
class ColdStart:
    """The cache's first restart of the run, from its per-second counts: when it came back empty
    (``at``), its hit ratio in the 30 s before it went down (``before``), in its first second back
    (``low``), and how long it took to get back to 90 % of ``before`` (``recover_s``; the rest of
    the run when it never did)."""

    at: float
    before: float
    low: float
    back: float
    recover_s: float


def cold_start(sim: Simulation) -> ColdStart | None:
    """The first cold start after a crash or a flush of the cache (None without one)."""
    gate = sim.cache
    if gate is None:
        return None
    down = next((e for e in sim.log if e.code in ("cache_down", "cache_flushed")), None)
    if down is None:
        return None
    up = down if down.code == "cache_flushed" else next(
        (e for e in sim.log if e.code == "cache_cold" and e.t >= down.t), None)
    if up is None:
        return None
    t = np.asarray(gate.series["t"])
    ratio = np.asarray(gate.series["hit_ratio"])
    reads = np.asarray(gate.series["hits"]) + np.asarray(gate.series["misses"])
    pre = (t <= down.t) & (t > down.t - 30.0) & (reads > 0)
    before = float(ratio[pre].mean()) if pre.any() else 0.0
    after = np.flatnonzero((t > up.t) & (reads > 0))
    if after.size == 0:
        return None
    low = float(ratio[after[0]])
    back = 0.9 * before
    good = after[ratio[after] >= back]
    recover = float(t[good[0]] - up.t) if good.size else float(sim.now - up.t)
    return ColdStart(float(up.t), before, low, back, recover)


def cache_lesson(sim: Simulation) -> dict[str, float | str]:
    """The cache's teaching numbers for the report's ``lesson`` block (none without a cache)."""
    gate = sim.cache
    if gate is None:
        return {}
    st, spec = gate.stats, gate.spec
    cold = cold_start(sim)
    return {
        "cache_hit_ratio": round(st.hit_ratio, 5),
        "cache_reads": st.reads,
        "cache_best_hit_ratio": round(gate.zipf.top_share(spec.capacity), 5),
        "cache_stale_reads": st.stale_reads,
        "duplicate_loads": st.duplicate_loads,
        "coalesced": st.coalesced,
        "stale_served": st.stale_served,
        "refreshes": st.refreshes,
        "evictions": st.evictions,
        "invalidations": st.invalidations,
        "bypassed": gate.bypassed,
        "db_peak_queue": round(cache_metrics(sim)["db_peak_queue"], 2),
        "cold_start_at": round(cold.at, 3) if cold else -1.0,
        "cold_hit_ratio": round(cold.low, 5) if cold else -1.0,
        "cold_recover_s": round(cold.recover_s, 3) if cold else -1.0,
        "capacity": spec.capacity,
        "ttl_s": spec.ttl_s,
        "ttl_jitter": spec.ttl_jitter,
        "cache_policy": spec.policy,
        "invalidate": "on" if spec.invalidate else "off",
        "single_flight": "on" if spec.single_flight else "off",
        "swr_s": spec.swr_s,
    }


@dataclass(frozen=True, slots=True)
class Takeover:
    """The first failure of the active L4 balancer node: when, which node, who took the address
    over and how long after (``backup`` empty and ``secs`` the time until its repair, or to the end
    of the run, without a standby), and the connections open just before it."""

    at: float
    node: str
    backup: str
    secs: float
    connections: int


def takeover(sim: Simulation) -> Takeover | None:
    """The first failure of the node holding the address, and what followed (None without one;
    a standby node that fails takes no connection with it)."""
    tier = sim.ingest
    if tier is None:
        return None
    names = [b.name if b is not None else "" for b in tier.nodes]
    series = tier.plane.series
    t = np.asarray(series["t"])
    for down in (e for e in sim.log if e.code == "tcp_lb_down"):
        node = str(down.params.get("node", ""))
        before = np.flatnonzero(t <= down.t)
        if not before.size or node not in names:
            continue
        if int(series["active_node"][before[-1]]) != names.index(node):  # the standby: no flows
            continue
        after = [e for e in sim.log if e.t >= down.t]
        took = next((e for e in after if e.code == "tcp_lb_takeover"), None)
        back = next((e for e in after if e.code == "tcp_lb_up" and e.params.get("node") == node), None)
        n = int(series["open"][before[-1]])
        if took is not None and (back is None or took.t <= back.t):
            return Takeover(down.t, node, str(took.params.get("node", "")), took.t - down.t, n)
        return Takeover(down.t, node, "", (back.t if back is not None else sim.now) - down.t, n)
    return None


def ingest_lesson(sim: Simulation) -> dict[str, float | str]:
    """The ingest tier's teaching numbers for the report's ``lesson`` block (none without one)."""
    tier = sim.ingest
    if tier is None:
        return {}
    dev, plane, lb = tier.devices, tier.plane, tier.lb
    m = ingest_metrics(sim)
    joined = newest_comm(sim)
    over = takeover(sim)
    attempts = plane.series["attempts"]
    peak_at = plane.series["t"][int(np.argmax(attempts))] - sim.metrics.window_s if attempts else 0.0
    util = sim.metrics.boxes.peak_util
    return {
        "devices": dev.spec.count,
        "comm_servers": len(tier.servers),
        "messages": dev.totals["messages"],
        "messages_lost": int(m["messages_lost"]),
        "lost_on_dead_connections": dev.totals["lost"],
        "missed_while_disconnected": dev.totals["missed"],
        "backlog_full_messages": plane.totals["msg_refused"],
        "db_rows": plane.totals["db_writes"],
        "connect_attempts": dev.totals["attempts"],
        "connects_refused": int(m["connects_refused"]),
        "refused_rst": dev.totals["refused"],
        "refused_backlog_full": dev.totals["backlog_refused"],
        "connect_timeouts": dev.totals["timeouts"],
        "peak_connect_attempts_per_s": m["peak_connect_attempts_per_s"],
        "peak_connect_at": round(peak_at, 3),
        "age_closes": dev.totals["age_closes"],
        "drops": dev.totals["drops"],
        "newest_comm": joined.box if joined else "",
        "newest_comm_joined_at": round(joined.at, 3) if joined else -1.0,
        "newest_comm_share": round(joined.share, 5) if joined else 0.0,
        "newest_comm_fair_share": round(joined.fair, 5) if joined else 0.0,
        "comm_peak_cpu_pct": round(100 * max((float(util[b.index]) for b in tier.servers
                                              if b.index < util.size), default=0.0), 2),
        "takeover_s": round(over.secs, 3) if over else -1.0,
        "connections_lost_in_takeover": over.connections if over else 0,
        "final_share": [round(x, 4) for x in plane.per_server["share"][-1]] if plane.per_server["share"]
        else [],  # type: ignore[dict-item]
        "lb_algorithm": lb.spec.algorithm,
        "standby": "on" if lb.spec.nodes > 1 else "off",
        "max_age_s": dev.comm.max_age_s if dev.comm.max_age_s < float("inf") else "off",
        "backoff": dev.spec.backoff,
        "jitter": dev.spec.jitter,
        "base_s": dev.spec.base_s,
        "cap_s": dev.spec.cap_s,
    }


def demo_60(key: str) -> list[int]:
    """The tutorials' demonstration: 60 records with ids 0..59 written over 3 shards."""
    ids = np.arange(60)
    return [int(x) for x in np.bincount(place(ids, 3, key, 60), minlength=3)]


#: below this CPU peak the debrief says there was headroom; from it up to 90 % that little was left
HEADROOM_PCT = 75.0
#: a database this hot is a bottleneck worth its own paragraph
DB_HOT_PCT = 80.0
#: big web boxes worth naming as the cause of a cost overrun: this share of the run's cost
BIG_BOX_COST_SHARE = 0.5


def _requests(n: int) -> str:
    return texts.plural(f"{n:,}", texts.NOUN_REQUEST)


def _count(n: int) -> str:
    """A count as it is read, with its thousands grouped (76,248, not 76248)."""
    return f"{n:,}"


def _instances(n: int) -> str:
    return texts.plural(n, texts.NOUN_INSTANCE)


def debrief(sim: Simulation, result: Result, cost_target: float | None = None) -> list[str]:
    """Sentences explaining the outcome, most important first. Each is said only when its
    condition holds in this run's numbers."""
    d = texts.DEBRIEF
    lines: list[str] = []
    missed = [o for o in result.objectives if not o.met]
    if result.won:
        lines.append(d["won"].format(stars=texts.plural(result.stars, texts.NOUN_STAR)))
    else:
        lines.append(d["lost"].format(missed=len(missed), total=len(result.objectives)))
    m = sim.metrics
    resolved = m.completed + int(m.total_errors.sum()) or 1
    sat = saturation(sim)
    if sat:
        lines.append(_cpu_line(sim, sat[0]))
    errs = errors_by_cause(sim)
    cfg = sim.config
    for cause, key, extra in (("queue_full", "queue_full", {"limit": cfg.queue_limit}),
                              ("timeout", "timeouts", {"timeout": cfg.timeout_s}),
                              ("refused", "refused", {})):
        if n := errs[cause]:
            lines.append(d[key].format(n=_requests(n), pct=texts.share(n, resolved), **extra))
    if any(e.code == "resize_start" for e in sim.log):
        lines.append(d["resize_cost"].format(down=cfg.resize_downtime_s))
    if errs["reset"]:
        lines.append(d["reset"].format(n=_requests(errs["reset"])))
    if errs["db_down"]:
        rep = sim.replica_state
        if rep is not None and any(e.code == "promoted" for e in sim.log):
            lines.append(d["db_failover"].format(n=_requests(errs["db_down"]), secs=rep.spec.failover_s))
        else:
            lines.append(d["db_down"].format(n=_requests(errs["db_down"])))
    if result.metrics["outage_s"] > 0:
        lines.append(d["outage"].format(secs=result.metrics["outage_s"]))
    if sim.layout == "single" and cfg.colocation_penalty > 1.0 and any(
            o.metric.startswith("latency") and not o.met for o in result.objectives):
        lines.append(d["colocated"])
    db = [x for x in sat if x.box.startswith("db")]
    if sim.layout == "two-tier" and db and _database_matters(sim, sat, db[0].peak_cpu_pct):
        lines.append(d["split"].format(db_cpu=db[0].peak_cpu_pct))
    lines.extend(_mechanism_lines(sim, resolved, result))
    lines.extend(_cost_lines(sim, result, cost_target))
    return lines


def _cpu_line(sim: Simulation, hot: Saturation) -> str:
    """Saturated (10 s or more at 90 %), short bursts at 90 % or more, little headroom, or
    headroom: one of the four, by the hottest box's numbers."""
    d = texts.DEBRIEF
    if hot.seconds_over_90 >= 10:
        p95 = [v for v in sim.metrics.series["p95_ms"] if v == v]  # drop empty windows (nan)
        return d["cpu_saturated"].format(box=hot.box, peak=hot.peak_cpu_pct, secs=hot.seconds_over_90,
                                         queue=hot.peak_queue, p95_ms=max(p95, default=0.0))
    if hot.peak_cpu_pct >= 90:
        return d["cpu_burst"].format(box=hot.box, peak=hot.peak_cpu_pct, secs=texts.span(hot.seconds_over_90))
    if hot.peak_cpu_pct >= HEADROOM_PCT:
        return d["cpu_tight"].format(box=hot.box, peak=hot.peak_cpu_pct)
    return d["cpu_fine"].format(box=hot.box, peak=hot.peak_cpu_pct)


def _database_matters(sim: Simulation, sat: list[Saturation], db_peak: float) -> bool:
    """The database paragraph belongs where the split is the lesson (a level that charges for
    sharing a box, or a run that moved the database) or where the database is the bottleneck."""
    moved = any(e.code == "migrate_done" for e in sim.log)
    return (sim.config.colocation_penalty > 1.0 or moved or db_peak >= DB_HOT_PCT
            or sat[0].box.startswith("db"))


def _cost_lines(sim: Simulation, result: Result, cost_target: float | None) -> list[str]:
    """The cost, and over the budget its cause as this run measured it: a minimum that held the
    fleet, big boxes, or (for a group) what the fleet averaged."""
    d = texts.DEBRIEF
    cost = result.metrics["cost"]
    rate = result.metrics["cost_per_hour"]
    if cost_target is None or cost <= cost_target:
        return [d["cost_ok"].format(cost=cost, rate=rate)]
    lines = [d["cost_high"].format(cost=cost, rate=rate, target=cost_target)]
    floor = floor_held(sim)
    asg = sim.autoscaler
    if floor is not None and floor.raised and floor.extra > 0:
        lines.append(d["cost_floor"].format(n=_instances(floor.n),
                                            at=texts.clock(floor.start), until=texts.clock(floor.end),
                                            held=texts.span(floor.held_s), extra=floor.extra))
        if asg is not None and any(a.until is None and a.min_size is not None for a in asg.spec.scheduled):
            lines.append(d["cost_floor_no_end"])
    elif floor is not None and floor.held_s >= 0.5 * sim.now and floor.n >= 4:
        lines.append(d["cost_min"].format(n=_instances(floor.n),
                                          held=texts.span(floor.held_s)))
    big = big_web_boxes(sim)
    if big is not None and big.spent >= BIG_BOX_COST_SHARE * cost:
        lines.append(d["cost_big_box"].format(size=big.size, spent=big.spent, speed=100 * big.speed))
    if asg is not None and asg.samples["in_service"]:
        fleet = [a + b for a, b in zip(asg.samples["in_service"], asg.samples["pending"], strict=True)]
        lines.append(d["cost_fleet"].format(avg=sum(fleet) / len(fleet),
                                            peak=_instances(sim.metrics.peak_instances)))
    return lines


def _mechanism_lines(sim: Simulation, resolved: int, result: Result) -> list[str]:
    d = texts.DEBRIEF
    lines: list[str] = []
    errs = errors_by_cause(sim)
    if sim.health is not None:
        kind = sim.health.spec.kind
        for r in sim.failures.records:
            if not r.box.startswith("web"):
                continue
            at = texts.clock(r.at)
            fault = texts.FAULT_KIND_WORDS.get(r.kind, r.kind)
            if r.detected_at is not None:
                lines.append(d["detected"].format(box=r.box, kind=fault, at=at, secs=r.detected_at - r.at,
                                                  n=_requests(r.requests_until_detected or 0)))
            else:
                n = undetected_requests(sim, r)
                why = {"none": d["undetected_none"], "L4": d["undetected_l4"]}.get(kind, "")
                line = d["undetected"].format(box=r.box, kind=fault, at=at, why=why, n=_requests(n))
                lines.append(" ".join(line.split()))
        pct = health_check_cpu_pct(sim)
        if pct >= 2.0:
            lines.append(d["check_cost"].format(pct=pct, path=sim.health.spec.path))
        if errs["lb_down"]:
            lines.append(_lb_down_line(sim, errs["lb_down"]))
    if errs["http_500"]:
        lines.append(d["http_500"].format(n=_requests(errs["http_500"])))
    store = sim.session_store
    if store is not None:
        lost = errs["session_lost"]
        if lost and sim.balancers is not None and sim.balancers.spec.sticky:
            lines.append(d["sessions_sticky"].format(n=_count(lost)))
        elif lost:
            lines.append(d["sessions_lost"].format(n=_requests(lost), pct=texts.share(lost, resolved)))
        else:
            lines.append(d["sessions_ok"])
        if errs["store_down"]:
            lines.append(d["store_down"].format(n=_requests(errs["store_down"])))
    rep = sim.replica_state
    if rep is not None:
        lag = max(sim.lag_ms, default=0.0)
        if rep.stale_reads:
            lines.append(d["stale"].format(n=_count(rep.stale_reads), lag=lag))
        elif rep.replicas and rep.spec.read_routing != "master":
            lines.append(d["no_stale"].format(routing=choice_words("db.read_routing", rep.spec.read_routing)))
        if rep.writes_lost:
            lines.append(d["writes_lost"].format(n=_count(rep.writes_lost)))
        if lag > 1000:
            lines.append(d["lag"].format(lag=lag / 1000.0))
    asg = sim.autoscaler
    if asg is not None:
        outs = [c for c in asg.history if c.new > c.old]
        ins = [c for c in asg.history if c.new < c.old]
        lines.append(d["scaling"].format(outs=texts.plural(len(outs), texts.NOUN_TIME),
                                         ins=texts.plural(len(ins), texts.NOUN_TIME),
                                         policy=choice_words("asg.policy", asg.spec.policy),
                                         peak=_instances(sim.metrics.peak_instances)))
        if outs:
            cause = texts.scaling_cause(outs[0].cause, outs[0].params)
            lines.append(d["first_out"].format(at=texts.clock(outs[0].t), cause=cause,
                                               boot=f"{asg.spec.boot_min_s:.0f}-{asg.spec.boot_max_s:.0f}"))
        violation = result.metrics["slo_violation_s"]
        if violation:
            lines.append(d["slo_violation"].format(secs=f"{violation:,.0f}"))
            booting = _violation_while_booting(sim)
            if booting >= 0.5:
                lines.append(d["slo_booting"].format(pct=100 * booting))
    shards = sim.shard_router
    if shards is not None and shards.n > 1:
        share = shards.share()
        top = max(share, default=0.0)
        lines.append(d["shards"].format(n=shards.n, key=choice_words("db.shard_key", shards.spec.key),
                                        shares=" / ".join(f"{100 * x:.0f} %" for x in share),
                                        demo=" / ".join(str(x) for x in demo_60(shards.spec.key))))
        if top >= 0.6:
            lines.append(d["hot_shard"].format(pct=100 * top))
    lines.extend(_clone_lines(sim))
    lines.extend(_cache_lines(sim))
    lines.extend(_ingest_lines(sim))
    files = sim.files
    if files is not None:
        nf = errs["not_found"]
        if nf and files.spec.mode == "nfs":
            lines.append(d["not_found_nfs"].format(n=f"{nf:,}", cache=files.spec.nfs_cache_s))
        elif nf:
            lines.append(d["not_found_local"].format(n=f"{nf:,}"))
        else:
            lines.append(d["files_ok"])
    return lines


#: below this hit ratio the debrief says the cache was too small for the catalog's hot keys
CACHE_SMALL_RATIO = 0.6


def _cache_lines(sim: Simulation) -> list[str]:
    """The look-aside cache: how much it answered against the best its size allows, its stale
    reads (and why), its stampedes or the readers single flight made wait, the cold start after
    its restart, and what stale-while-revalidate served."""
    gate = sim.cache
    if gate is None:
        return []
    d = texts.DEBRIEF
    st, spec = gate.stats, gate.spec
    lines: list[str] = []
    if st.reads:
        lines.append(d["cache_hits"].format(pct=100 * st.hit_ratio, entries=f"{spec.capacity:,}",
                                            keys=spec.keys, best=100 * gate.zipf.top_share(spec.capacity)))
        if st.hit_ratio < CACHE_SMALL_RATIO:
            lines.append(d["cache_small"])
    guarded = spec.policy == "write-through" or spec.invalidate
    if st.stale_reads and not guarded:
        lines.append(d["cache_stale"].format(n=f"{st.stale_reads:,}", ttl=texts.span(spec.ttl_s)))
    elif st.stale_reads:
        lines.append(d["cache_stale_race"].format(n=f"{st.stale_reads:,}"))
    elif st.writes:
        lines.append(d["cache_no_stale"])
    if st.duplicate_loads:
        lines.append(d["cache_dupes"].format(n=f"{st.duplicate_loads:,}"))
    elif st.coalesced:
        lines.append(d["cache_coalesced"].format(n=f"{st.coalesced:,}"))
    if gate.bypassed:
        lines.append(d["cache_bypassed"].format(n=_requests(gate.bypassed)))
    cold = cold_start(sim)
    if cold is not None:
        lines.append(d["cache_cold"].format(at=texts.clock(cold.at), low=100 * cold.low,
                                            before=100 * cold.before, secs=texts.span(cold.recover_s),
                                            back=100 * cold.back))
        lines.append(d["cache_cold_queue"].format(queue=cache_metrics(sim)["db_peak_queue"],
                                                  limit=sim.config.queue_limit))
    if st.stale_served:
        lines.append(d["cache_swr"].format(n=f"{st.stale_served:,}", refreshes=f"{st.refreshes:,}"))
    return lines


#: a comm server this hot could not carry what it was given
COMM_HOT_PCT = 95.0
#: connects to a closed port worth blaming on least connections
BLACK_HOLE_RST = 100


def _ingest_lines(sim: Simulation) -> list[str]:
    """The ingest tier: the readings lost and how, the reconnect storm and whether the backoff
    spread it, the newest comm server's share, a comm server run hot, the balancer's takeover."""
    tier = sim.ingest
    if tier is None:
        return []
    d = texts.DEBRIEF
    dev, plane = tier.devices, tier.plane
    tot = dev.totals
    lines: list[str] = []
    m = ingest_metrics(sim)
    sent = tot["messages"] + tot["lost"] + tot["missed"]
    if m["messages_lost"]:
        lines.append(d["ingest_lost"].format(
            n=f"{int(m['messages_lost']):,}", total=f"{sent:,}", dead=f"{tot['lost']:,}",
            refused=f"{plane.totals['msg_refused']:,}", missed=f"{tot['missed']:,}"))
    else:
        lines.append(d["ingest_no_loss"].format(total=f"{sent:,}"))
    attempts = plane.series["attempts"]
    if m["connects_refused"] and attempts:
        at = plane.series["t"][int(np.argmax(attempts))] - sim.metrics.window_s  # the window's start
        lines.append(d["ingest_storm"].format(
            peak=m["peak_connect_attempts_per_s"], at=texts.clock(max(at, 0.0)),
            refused=f"{int(m['connects_refused']):,}", backlog=f"{tot['backlog_refused']:,}",
            rst=f"{tot['refused']:,}"))
        spec = dev.spec
        if spec.backoff == "fixed" and spec.jitter == "none" and tot["backlog_refused"]:
            lines.append(d["ingest_waves"].format(base=texts.span(spec.base_s)))
        elif spec.jitter != "none":
            lines.append(d["ingest_spread"].format(backoff=choice_words("ingest.backoff", spec.backoff),
                                                   jitter=choice_words("ingest.jitter", spec.jitter)))
        if tier.lb.spec.algorithm == "least_conn" and tot["refused"] >= BLACK_HOLE_RST:
            lines.append(d["ingest_black_hole"].format(rst=f"{tot['refused']:,}"))
    joined = newest_comm(sim)
    if joined is not None:
        lines.append(d["ingest_joined"].format(box=joined.box, at=texts.clock(joined.at),
                                               pct=100 * joined.share, fair=100 * joined.fair))
        if joined.share < joined.fair / 2:
            lines.append(d["ingest_joined_empty"].format(box=joined.box))
    util = sim.metrics.boxes.peak_util
    hot = max((b for b in tier.servers if b.index < util.size), key=lambda b: float(util[b.index]),
              default=None)
    if hot is not None and 100 * float(util[hot.index]) >= COMM_HOT_PCT:
        lines.append(d["ingest_hot"].format(box=hot.name, cpu=100 * float(util[hot.index])))
    over = takeover(sim)
    if over is not None and over.backup:
        lines.append(d["ingest_takeover"].format(node=over.node, at=texts.clock(over.at), backup=over.backup,
                                                 secs=over.secs, n=f"{over.connections:,}"))
    elif over is not None:
        lines.append(d["ingest_no_standby"].format(node=over.node, at=texts.clock(over.at),
                                                   secs=texts.span(over.secs)))
    return lines


def _lb_down_line(sim: Simulation, n: int) -> str:
    """With one balancer node it is the single point of failure; with a pair, the requests lost
    during the passive node's takeover."""
    pair = sim.balancers is not None and sim.balancers.spec.count >= 2
    if pair and sim.balancers is not None:
        return texts.DEBRIEF["lb_failover"].format(n=_requests(n), secs=sim.balancers.spec.failover_s)
    return texts.DEBRIEF["lb_down"].format(n=_requests(n))


def _violation_while_booting(sim: Simulation) -> float:
    """The share of the seconds out of SLO during which the group had instances booting."""
    asg = sim.autoscaler
    m = sim.metrics
    if asg is None:
        return 0.0
    p95 = np.nan_to_num(np.asarray(m.series["p95_ms"]), nan=0.0)
    err = np.asarray(m.series["error_pct"])
    bad = (p95 > SLO_P95_MS) | (err > SLO_ERROR_PCT)
    pending = np.asarray(asg.samples["pending"])
    n = min(bad.size, pending.size)
    total = int(bad[:n].sum())
    return float((bad[:n] & (pending[:n] > 0)).sum()) / total if total else 0.0


def _clone_lines(sim: Simulation) -> list[str]:
    d = texts.DEBRIEF
    lines: list[str] = []
    copies, redirects = sim.copies, sim.redirects
    if copies is not None and sim.clones:
        if copies.divergent_reads or copies.stranded_writes:
            lines.append(d["divergent"].format(n=_count(copies.divergent_reads),
                                               pct=texts.share(copies.divergent_reads, copies.reads or 1),
                                               boxes=", ".join(sim.clones),
                                               stranded=_count(copies.stranded_writes)))
        else:
            lines.append(d["clone_ok"].format(boxes=", ".join(sim.clones)))
    if redirects is not None and any(e.code.startswith("redirect_own_host") for e in sim.log):
        if redirects.pins:
            lines.append(d["pinned"].format(users=_count(redirects.pins), n=_requests(redirects.bypassed),
                                            failed=_count(redirects.bypassed_failed)))
        else:
            lines.append(d["redirect_ok"])
    return lines
