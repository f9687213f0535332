"""The debrief: why the run went the way it did, told in the run's own numbers.

A player who lost should read *which* mechanism failed them (CPU saturation and
queueing, a full accept queue, downtime from a resize, a single point of failure) and
by how much, not a generic "try again". Each line is chosen by a measured condition.
"""

from __future__ import annotations

import numpy as np

from scaleout_tui.engine.shardrouter import place
from scaleout_tui.engine.simulation import Simulation
from scaleout_tui.game import texts
from scaleout_tui.game.scoring import (
    detection,
    errors_by_cause,
    health_check_cpu_pct,
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


def demo_60(key: str) -> list[int]:
    """The tutorials' demonstration: 60 records with ids 0..59 written over 3 shards."""
    ids = np.arange(60)
    return [int(x) for x in np.bincount(place(ids, 3, key, 60), minlength=3)]


def debrief(sim: Simulation, result: Result, cost_target: float | None = None) -> list[str]:
    """Sentences explaining the outcome, most important first."""
    lines: list[str] = []
    missed = [o for o in result.objectives if not o.met]
    if result.won:
        lines.append(texts.DEBRIEF["won"].format(stars=result.stars))
    else:
        lines.append(texts.DEBRIEF["lost"].format(missed=len(missed), total=len(result.objectives)))
    m = sim.metrics
    resolved = m.completed + int(m.total_errors.sum()) or 1
    sat = saturation(sim)
    if sat:
        hot = sat[0]
        if hot.seconds_over_90 >= 10:
            p95 = [v for v in m.series["p95_ms"] if v == v]  # drop empty windows (nan)
            lines.append(texts.DEBRIEF["cpu_saturated"].format(
                box=hot.box, peak=hot.peak_cpu_pct, secs=hot.seconds_over_90,
                queue=hot.peak_queue, p95_ms=max(p95, default=0.0)))
        else:
            lines.append(texts.DEBRIEF["cpu_fine"].format(box=hot.box, peak=hot.peak_cpu_pct))
    errs = errors_by_cause(sim)
    cfg = sim.config
    if errs["queue_full"]:
        lines.append(texts.DEBRIEF["queue_full"].format(
            n=errs["queue_full"], pct=100 * errs["queue_full"] / resolved, limit=cfg.queue_limit))
    if errs["timeout"]:
        lines.append(texts.DEBRIEF["timeouts"].format(
            n=errs["timeout"], pct=100 * errs["timeout"] / resolved, timeout=cfg.timeout_s))
    if errs["refused"]:
        lines.append(texts.DEBRIEF["refused"].format(n=errs["refused"], pct=100 * errs["refused"] / resolved))
    if any(e.code == "resize_start" for e in sim.log):
        lines.append(texts.DEBRIEF["resize_cost"].format(down=cfg.resize_downtime_s))
    if errs["reset"]:
        lines.append(texts.DEBRIEF["reset"].format(n=errs["reset"]))
    if errs["db_down"]:
        rep = sim.replica_state
        if rep is not None and any(e.code == "promoted" for e in sim.log):
            lines.append(texts.DEBRIEF["db_failover"].format(n=errs["db_down"], secs=rep.spec.failover_s))
        else:
            lines.append(texts.DEBRIEF["db_down"].format(n=errs["db_down"]))
    if result.metrics["outage_s"] > 0:
        lines.append(texts.DEBRIEF["outage"].format(secs=result.metrics["outage_s"]))
    if sim.layout == "single" and cfg.colocation_penalty > 1.0 and any(
            o.metric.startswith("latency") and not o.met for o in result.objectives):
        lines.append(texts.DEBRIEF["colocated"])
    db = [s for s in sat if s.box.startswith("db")]
    if sim.layout == "two-tier" and db:
        lines.append(texts.DEBRIEF["split"].format(db_cpu=db[0].peak_cpu_pct))
    lines.extend(_mechanism_lines(sim, resolved, result))
    cost = result.metrics["cost"]
    rate = result.metrics["cost_per_hour"]
    if cost_target is not None and cost > cost_target:
        lines.append(texts.DEBRIEF["cost_high"].format(cost=cost, rate=rate, target=cost_target))
    else:
        lines.append(texts.DEBRIEF["cost_ok"].format(cost=cost, rate=rate))
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
            if r.detected_at is not None:
                lines.append(d["detected"].format(box=r.box, kind=r.kind, at=at, secs=r.detected_at - r.at,
                                                  n=r.requests_until_detected or 0))
            else:
                n = undetected_requests(sim, r)
                why = {"none": d["undetected_none"], "L4": d["undetected_l4"]}.get(kind, "")
                line = d["undetected"].format(box=r.box, kind=r.kind, at=at, why=why, n=n)
                lines.append(" ".join(line.split()))
        pct = health_check_cpu_pct(sim)
        if pct >= 2.0:
            lines.append(d["check_cost"].format(pct=pct, path=sim.health.spec.path))
        if errs["lb_down"]:
            lines.append(d["lb_down"].format(n=errs["lb_down"]))
    if errs["http_500"]:
        lines.append(d["http_500"].format(n=errs["http_500"]))
    store = sim.session_store
    if store is not None:
        lost = errs["session_lost"]
        if lost and sim.balancers is not None and sim.balancers.spec.sticky:
            lines.append(d["sessions_sticky"].format(n=lost))
        elif lost:
            lines.append(d["sessions_lost"].format(n=lost, pct=100 * lost / resolved))
        else:
            lines.append(d["sessions_ok"])
        if errs["store_down"]:
            lines.append(d["store_down"].format(n=errs["store_down"]))
    rep = sim.replica_state
    if rep is not None:
        lag = max(sim.lag_ms, default=0.0)
        if rep.stale_reads:
            lines.append(d["stale"].format(n=rep.stale_reads, lag=lag))
        elif rep.replicas and rep.spec.read_routing != "master":
            lines.append(d["no_stale"].format(routing=rep.spec.read_routing))
        if rep.writes_lost:
            lines.append(d["writes_lost"].format(n=rep.writes_lost))
        if lag > 1000:
            lines.append(d["lag"].format(lag=lag / 1000.0))
    asg = sim.autoscaler
    if asg is not None:
        outs = [c for c in asg.history if c.new > c.old]
        ins = [c for c in asg.history if c.new < c.old]
        lines.append(d["scaling"].format(outs=len(outs), ins=len(ins), policy=asg.spec.policy,
                                         peak=sim.metrics.peak_instances))
        if outs:
            cause = texts.scaling_cause(outs[0].cause, outs[0].params)
            lines.append(d["first_out"].format(at=texts.clock(outs[0].t), cause=cause,
                                               boot=f"{asg.spec.boot_min_s:.0f}-{asg.spec.boot_max_s:.0f}"))
        violation = result.metrics["slo_violation_s"]
        if violation:
            lines.append(d["slo_violation"].format(secs=f"{violation:.0f}"))
    shards = sim.shard_router
    if shards is not None and shards.n > 1:
        share = shards.share()
        top = max(share, default=0.0)
        lines.append(d["shards"].format(n=shards.n, key=shards.spec.key,
                                        shares=" / ".join(f"{100 * x:.0f} %" for x in share),
                                        demo=" / ".join(str(x) for x in demo_60(shards.spec.key))))
        if top >= 0.6:
            lines.append(d["hot_shard"].format(pct=100 * top))
    lines.extend(_clone_lines(sim))
    files = sim.files
    if files is not None:
        nf = errs["not_found"]
        if nf and files.spec.mode == "nfs":
            lines.append(d["not_found_nfs"].format(n=nf, cache=files.spec.nfs_cache_s))
        elif nf:
            lines.append(d["not_found_local"].format(n=nf))
        else:
            lines.append(d["files_ok"])
    return lines


def _clone_lines(sim: Simulation) -> list[str]:
    d = texts.DEBRIEF
    lines: list[str] = []
    copies, redirects = sim.copies, sim.redirects
    if copies is not None and sim.clones:
        if copies.divergent_reads or copies.stranded_writes:
            lines.append(d["divergent"].format(n=copies.divergent_reads, pct=copies.divergent_pct(),
                                               boxes=", ".join(sim.clones), stranded=copies.stranded_writes))
        else:
            lines.append(d["clone_ok"].format(boxes=", ".join(sim.clones)))
    if redirects is not None and any(e.code.startswith("redirect_own_host") for e in sim.log):
        if redirects.pins:
            lines.append(d["pinned"].format(users=redirects.pins, n=redirects.bypassed,
                                            failed=redirects.bypassed_failed))
        else:
            lines.append(d["redirect_ok"])
    return lines
