"""Every sentence the game layer shows a player: event log lines, debrief, objectives.

Kept in one place so wording stays consistent and a translation can replace this
module wholesale. Templates use ``str.format`` fields named after the engine's
event parameters.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

from scaleout_tui import i18n
from scaleout_tui import texts as shared_texts
from scaleout_tui.content.labels import choice_words
from scaleout_tui.engine.commands import CommandError
from scaleout_tui.engine.events import LogEntry
from scaleout_tui.i18n import Plural

EVENTS: dict[str, str] = {
    "resize_start": "{box}: stopping to resize {old} → {new} (down about {down_s:.0f} s)",
    "resize_done": "{box}: running again as {new} ({vcpus} vCPUs)",
    "migrate_start": "Moving the database to its own box: booting it ({boot_s:.0f} s)",
    "app_restart": "{box}: restarting the app with the new database address ({down_s:.0f} s)",
    "migrate_done": "The layout is now: {layout}",
    "crash": "{box} crashed: {lost_requests} in flight lost; {repair}",
    "recovered": "{box} is back up",
    "knob": "You set {label} to {value}",
    "command_failed": "Could not apply a scheduled change: {reason}",
    "target_unhealthy": "{box} failed {checks} in a row ({reason}) → out of rotation",
    "target_healthy": "{box} passed {checks} in a row ({reason}) → back in rotation",
    "fault_hang": "{box}: the app hangs (port open, no answers); {repair}",
    "fault_error": "{box}: the app answers 500 to everything; {repair}",
    "fault_slow": "{box}: the app runs {factor:g}× slower; {repair}",
    "launch": "Launching a web box (boot {boot_s:.0f} s)",
    "launch_cancelled": "A web box still booting was called off: the group needs fewer",
    "launched": "{box} booted; it joins after its first passing check",
    "draining": "{box} draining for {delay_s:.0f} s before it stops",
    "terminated": "{box} terminated",
    "store_boot": "Booting the shared session store ({boot_s:.0f} s)",
    "store_switched": "Sessions now live in the {store} store; {sessions} logged-in users must log in again",
    "replica_boot": "Booting a replica from the master's snapshot ({boot_s:.0f} s)",
    "replica_ready": "{box} follows the master",
    "failover_wait": "{box} (master) is down: promoting a replica in {failover_s:.0f} s",
    "promoted": "{box} promoted to master; {lost} writes it had not applied are lost",
    "failover_none": (
        "{box} (master) is down and no replica is running to promote: the database answers nothing"
    ),
    "shard_boot": "Booting {shards} ({boot_s:.0f} s)",
    "chunks_moving": "Moving chunks to {shards} shards over {move_s:.0f} s (extra load on every shard)",
    "chunks_moved": "Chunks balanced over {shards} shards",
    "scale_out": "Scale out {old} → {new}: {cause}",
    "scale_in": "Scale in {old} → {new}: {cause}",
    "replaced": "{box} terminated as unhealthy; a replacement is launching",
    "spike": "Traffic event: {name} (×{factor:g})",
    "redirect_own_host": (
        "{box}: a hand-made config change sets its base URL to its own host name: users who log in "
        "there are redirected to https://{box}.shop.example/ and bypass the balancer; {repair}"
    ),
    "redirect_own_host_harmless": (
        "{box}: a hand-made config change sets its base URL to its own host name; redirects are "
        "relative, so browsers stay on the shop's address"
    ),
    "redirect_fixed": "{box}: base URL is the shop's again ({pinned} users still on its host name)",
    "clone_joined": "{box} joined, cloned from {source}'s disk image; its app uses the {database} database",
    "scheduled_limits": "{what}: minimum {old_min} → {min}, maximum {old_max} → {max}",
    "cache_flushed": "{box}: cache flushed ({entries:,} entries dropped); every read misses at first",
    "cache_down": "{box} (the cache) is down: {entries:,} entries lost; every read goes to the database",
    "cache_cold": "{box} is back, empty: a cold cache, every read misses until the hot keys are loaded again",
    "tcp_target_down": "{box} failed the TCP check {checks} times in a row on {node} → no new connections",
    "tcp_target_up": "{box} passed the TCP check {checks} times in a row on {node} → takes new connections",
    "tcp_lb_down": "{node} is down",
    "tcp_lb_up": "{node} is back up",
    "tcp_lb_vip_lost": "{node} lost the shared address: every connection through it is gone",
    "tcp_lb_takeover": "{node} took over the shared address from {from}",
    "comm_boot": "A new comm server is booting ({boot_s:.0f} s)",
    "comm_joined": "{box} is up and takes new connections; the open ones stay where they are",
}

#: Who changed the group's limits (a ``scheduled_limits`` event's cause).
SCHEDULED_LIMITS: dict[str, str] = {
    "scheduled": "Scheduled action",
    "scheduled_end": "Scheduled action ended",
}

CAUSES: dict[str, str] = {
    "refused": "connection refused (box down)",
    "queue_full": "503: accept queue full",
    "timeout": "client timed out",
    "reset": "connection reset (box gone)",
    "db_down": "500: database unreachable",
    "http_500": "500 from the app",
    "no_target": "503: no target registered",
    "lb_down": "balancer down",
    "session_lost": "session lost: asked to log in again",
    "store_down": "session store unreachable",
    "not_found": "404: file not on this box",
}


REPAIR_IN = "repair takes {secs:.0f} s"
UNTIL_REPAIRED = "until repaired"


plural = shared_texts.plural  # the one plural rule, shared with the command line
NOUN_NEW_SHARD = Plural("{n} new shard", "{n} new shards")
NOUN_REQUEST = Plural("{n} request", "{n} requests")
NOUN_INSTANCE = Plural("{n} instance", "{n} instances")
NOUN_STAR = Plural("{n} star", "{n} stars")
NOUN_TIME = Plural("{n} time", "{n} times")
NOUN_POD = Plural("{n} pod", "{n} pods")
NOUN_CHECK = Plural("{n} check", "{n} checks")


SHARE_TINY = "under 0.1 %"
SHARE = "{pct:.1f} %"


def share(n: int | float, total: int | float) -> str:
    """``n`` as a percentage of ``total``, to a tenth; a count that is not zero never reads
    ``0.0 %`` (``under 0.1 %``)."""
    pct = 100.0 * n / total if total else 0.0
    return SHARE_TINY if 0 < pct < 0.05 else SHARE.format(pct=pct)


SPAN_SECONDS = "{s:.0f} s"
SECONDS = "{s:g} s"
SPAN_MINUTES = "{m} min"
SPAN_HOURS = "{h} h {m} min"


def span(secs: float) -> str:
    """A length of time as the debrief says it: ``45 s``, ``9 min``, ``1 h 5 min``."""
    secs = max(0.0, secs)
    if secs < 120:
        return SPAN_SECONDS.format(s=secs)
    minutes = round(secs / 60)
    if minutes >= 60:
        return SPAN_HOURS.format(h=minutes // 60, m=minutes % 60)
    return SPAN_MINUTES.format(m=minutes)


#: How a schedule choice reads in the settings (``asg.schedule``).
#: Why the engine refused a command (its ``CommandError`` codes), and the game's own refusals.
REFUSALS: dict[str, str] = {
    "unknown_setting": "unknown setting {param!r}",
    "unknown_knob": "this level has no setting {knob!r}",
    "bad_knob_value": "{label}: {value!r} is not one of {choices}",
    "drill_not_allowed": "this level does not allow a {kind} drill",
    "no_such_box": "no box named {box!r}",
    "no_box_with_role": "no box has the role {role!r}",
    "resize_not_running": "{box} is {state}; wait until it runs again",
    "box_not_running": "{box} is {state}: nothing to break",
    "box_already_broken": "{box} is already broken ({fault}); repair it first",
    "no_app_to_fault": "{box} is a balancer node: it has no app to break ({kind}), it can only crash",
    "box_not_broken": "{box} is not broken",
    "shard_key_after_start": "a new shard key means copying every record: choose it before the clock starts",
    "shards_cannot_merge": "merging shards is not supported: shards only grow",
    "asg_min_above_max": "min {min} would exceed max {max}",
    "asg_desired_outside": "desired {desired} is outside min {min}..max {max}",
    "asg_thresholds_crossed": "the scale-in threshold must stay below the scale-out threshold",
    "schedule_passed": "{clock} has already passed",
    "unknown_scenario": "unknown traffic scenario {name!r}",
    "no_traffic_curve": "load tests drive this level: there is no traffic curve to shape",
    "comm_cannot_shrink": (
        "comm servers are never removed: {have} are running or booting, so {asked} is too few"
    ),
}


def _fill(templates: Mapping[str, str], code: str, values: Mapping[str, object], fallback: str) -> str:
    """The template for ``code`` filled with ``values``; ``fallback`` for a code or a parameter
    this text does not know (an engine newer than its words must not crash the screen)."""
    try:
        return templates[code].format(**values)
    except (KeyError, ValueError, IndexError):
        return fallback


def refusal(error: CommandError) -> str:
    """The sentence for a refused command."""
    return refusal_of(error.code, error.params)


#: The ids an event or a refusal carries that a sentence shows: in words (the identity in English,
#: where the id is the word; a translation gives each its own).
STORE_WORDS: dict[str, str] = {"local": "local", "shared": "shared"}
DATABASE_WORDS: dict[str, str] = {"local": "local", "shared": "shared"}
STATE_WORDS: dict[str, str] = {
    "running": "running", "booting": "booting", "stopping": "stopping", "stopped": "stopped",
    "crashed": "crashed", "terminated": "terminated", "resizing": "resizing", "draining": "draining",
}
FAULT_KIND_WORDS: dict[str, str] = {"crash": "crash", "hang": "hang", "error": "error", "slow": "slow"}
_ID_WORDS: dict[str, dict[str, str]] = {"store": STORE_WORDS, "database": DATABASE_WORDS,
                                         "state": STATE_WORDS, "kind": FAULT_KIND_WORDS,
                                         "fault": FAULT_KIND_WORDS}


def _in_words(values: dict[str, object]) -> dict[str, object]:
    """``values`` with each id a sentence shows (a store, a state, a fault kind) in words."""
    for key, words in _ID_WORDS.items():
        if key in values:
            values[key] = words.get(str(values[key]), values[key])
    return values


def refusal_of(code: str, params: Mapping[str, object]) -> str:
    values = _in_words(dict(params))
    if "at" in values:
        values["clock"] = minutes_clock(float(values["at"]))  # type: ignore[arg-type]
    return _fill(REFUSALS, code, values, f"{code} {dict(params)}")


#: A health probe's result (the engine's reason codes).
CHECK_REASONS: dict[str, str] = {
    "refused": "connection refused",
    "no_listener": "nothing listens on :{port}",
    "tcp_ok": "TCP connect ok",
    "no_answer": "no answer within {timeout_s:g} s",
    "http_500": "HTTP 500",
    "timed_out": "timed out after {timeout_s:g} s",
    "http_200": "HTTP 200 in {ms:,.0f} ms",
}


def check_reason(code: str, params: Mapping[str, object]) -> str:
    """What the last health probe found, in words (``HTTP 200 in 3 ms``)."""
    if not code:
        return ""
    return _fill(CHECK_REASONS, code, params, code)


CHECK_NONE = "none"
CHECK_TCP = "TCP connect"
CHECK_GET = "GET {path}"
CHECK_SUMMARY = "{kind} {what} every {interval_s:g} s, timeout {timeout_s:g} s, " \
                "out after {unhealthy} fails, in after {healthy} passes"


def check_summary(kind: str, path: str, interval_s: float, timeout_s: float, unhealthy: int,
                  healthy: int) -> str:
    """The balancer's health check in one line; ``""`` without a balancer."""
    if not kind:
        return ""
    if kind == "none":
        return CHECK_NONE
    what = CHECK_TCP if kind == "L4" else CHECK_GET.format(path=path)
    return CHECK_SUMMARY.format(kind=kind, what=what, interval_s=interval_s, timeout_s=timeout_s,
                                unhealthy=unhealthy, healthy=healthy)


def minutes_clock(t: float) -> str:
    """mm:ss of simulated time (minutes past 59 keep counting), as the scaling history says it."""
    return f"{int(t) // 60:02d}:{int(t) % 60:02d}"


METRIC_REQUESTS = "{value:,.0f} req/target/min"
METRIC_LATENCY = "latency {value:,.0f} ms"
METRIC_CPU = "CPU {value:.0f} %"
BREACH_POINTS = "{value:g} points"


def show_metric(metric: str, value: float) -> str:
    """A scaling metric's reading as the history and the event log say it."""
    if metric == "requests":
        return METRIC_REQUESTS.format(value=value)
    if metric == "latency":
        return METRIC_LATENCY.format(value=value)
    return METRIC_CPU.format(value=value)


def show_threshold(metric: str, value: float) -> str:
    """A threshold in the metric's unit, to a tenth at most (a derived one, such as a target's
    scale-in line, would otherwise print six digits)."""
    if metric == "requests":
        return f"{value:,.0f}"
    if metric == "latency":
        return f"{value:,.0f} ms"
    return f"{round(value, 1):g} %"


def show_breach(metric: str, value: float) -> str:
    """How far a reading is past its threshold. For CPU that is a difference of two percentages:
    percentage points, not a percent of anything ("3.2 points over 70 %", not "3.22344 %")."""
    if metric in ("requests", "latency"):
        return show_threshold(metric, value)
    return BREACH_POINTS.format(value=round(value, 1))


#: Why an auto scaling group changed its capacity (the engine's cause codes). ``{reading}`` is the
#: metric's value, ``{at}``, ``{breach}``, ``{target}``, ``{below}`` thresholds in its unit.
SCALING_CAUSES: dict[str, str] = {
    "step_out": "{reading} is {breach} over {at} for {m} of {n} periods → +{adj}",
    "step_in": "{reading} ≤ {at} for {m} of {n} periods",
    "target_out": "target tracking: {reading} > {target} for 3 periods → {want}",
    "target_in": "target tracking: {reading}, below {below} for 15 periods → {want}",
    "simple_out": ("{reading} ≥ {at} for {m} of {n} periods → +{step}, "
                   "then {cooldown} of cooldown once in service"),
    "simple_in": ("{reading} ≤ {at} for {m} of {n} periods → -{step}, "
                  "then {cooldown} of cooldown once terminated"),
    "hpa": "HPA: {reading} vs target {target} → {want}{why}",
    "hpa_limited": "HPA: {reading} vs target {target} → {want}{why}, held to {limit} by its scaling policy",
    "scheduled": "scheduled action",
    "scheduled_min": "scheduled action: minimum {min}",
    "scheduled_window": "scheduled action: minimum {min} until {until}",
    "scheduled_end": "scheduled action ended: maximum back to {max}",
    "set_by_hand": "set by hand",
    "limits_changed": "limits changed",
    "replace_unhealthy": "replace unhealthy {box}",
}


#: Why an HPA's count is not simply ceil(ready × reading / target): the pods it set aside or
#: filled in (Kubernetes' ``replica_calculator.go``), and the scale-down stabilisation window.
HPA_WHY: dict[str, str] = {
    "unready_up": "{n} not ready yet, counted at 0 %",
    "missing_up": "{n} with no reading yet, counted at 0 %",
    "missing_down": "{n} with no reading yet, counted at 100 %",
    "unready_down": "{n} not ready yet, left out",
    "stabilised": "kept by the scale-down stabilisation window: its highest recent count",
    "ready": "{pods} ready",
}
HPA_WHY_JOIN = "; "
HPA_WHY_WRAP = " ({parts})"


def _hpa_why(values: Mapping[str, object]) -> str:
    """The HPA's reasons, in words: ``" (over 2 ready; 2 not ready yet, counted at 0 %)"``; ``""``
    when every pod was ready and the count is the formula's."""
    try:
        ready, unready, missing = (int(values[k]) for k in ("ready", "unready", "missing"))  # type: ignore[call-overload]
        value, target, want = (float(values[k]) for k in ("value", "target", "want"))  # type: ignore[arg-type]
    except (KeyError, TypeError, ValueError):
        return ""
    up = value > target
    parts: list[str] = []
    if unready or missing:
        parts.append(HPA_WHY["ready"].format(pods=plural(ready, NOUN_POD)))
    if unready:
        parts.append(HPA_WHY["unready_up" if up else "unready_down"].format(n=unready))
    if missing:
        parts.append(HPA_WHY["missing_up" if up else "missing_down"].format(n=missing))
    formula = math.ceil(ready * value / target) if target > 0 else want
    if not up and not missing and want > formula:
        parts.append(HPA_WHY["stabilised"])
    return HPA_WHY_WRAP.format(parts=HPA_WHY_JOIN.join(parts)) if parts else ""


def scaling_cause(code: str, params: Mapping[str, object]) -> str:
    """The cause of a capacity change, in words."""
    values: dict[str, object] = dict(params)
    if code == "scheduled" and "min" in values:
        code = "scheduled_window" if "until" in values else "scheduled_min"
    if code in ("hpa", "hpa_limited"):
        values["why"] = _hpa_why(values)
    metric = str(values.get("metric", "cpu"))
    if "value" in values:
        values["reading"] = show_metric(metric, float(values["value"]))  # type: ignore[arg-type]
    for key, name in (("threshold", "at"), ("target", "target"), ("below", "below")):
        if key in values:
            values[name] = show_threshold(metric, float(values[key]))  # type: ignore[arg-type]
    if "breach" in values:
        values["breach"] = show_breach(metric, float(values["breach"]))  # type: ignore[arg-type]
    if "until" in values:
        values["until"] = minutes_clock(float(values["until"]))  # type: ignore[arg-type]
    if "cooldown_s" in values:
        values["cooldown"] = SECONDS.format(s=float(values["cooldown_s"]))  # type: ignore[arg-type]
    return _fill(SCALING_CAUSES, code, values, code)


#: Event parameters that are not the event's own: a reason's or a cause's, worded first.
_REASON_EVENTS = ("target_healthy", "target_unhealthy")
_CAUSE_EVENTS = ("scale_out", "scale_in")


def describe(entry: LogEntry) -> str:
    """The log line for an engine event."""
    template = EVENTS.get(entry.code, entry.code)
    params: dict[str, object] = _in_words(dict(entry.params))
    if entry.code in _REASON_EVENTS:
        params["reason"] = check_reason(str(params.get("reason", "")), params)
    elif entry.code in _CAUSE_EVENTS:
        params["cause"] = scaling_cause(str(params.get("cause", "")), params)
    elif entry.code == "scheduled_limits":
        params["what"] = SCHEDULED_LIMITS.get(str(params.get("cause", "")), SCHEDULED_LIMITS["scheduled"])
    elif entry.code == "command_failed":
        params["reason"] = refusal_of(str(params.pop("refusal", "")), params)
    elif entry.code == "migrate_done":  # the engine's id ("two-tier") in the words of the drop-down
        params["layout"] = choice_words("layout", str(params.get("layout", "")))
    if "repair_s" in params:
        secs = float(params["repair_s"])  # type: ignore[arg-type]
        params["repair"] = REPAIR_IN.format(secs=secs) if secs > 0 else UNTIL_REPAIRED
    for key in ("passes", "fails"):
        if key in params:
            params["checks"] = plural(params[key], NOUN_CHECK)  # type: ignore[arg-type]
    if entry.code == "shard_boot":
        params["shards"] = plural(params.get("n", 0), NOUN_NEW_SHARD)  # type: ignore[arg-type]
    if "lost" in params:
        params["lost_requests"] = plural(params["lost"], NOUN_REQUEST)  # type: ignore[arg-type]
    try:
        return template.format(**params)
    except (KeyError, ValueError, IndexError):
        return f"{entry.code} {entry.params}"


def clock(t: float) -> str:
    """Simulated time as mm:ss (or h:mm:ss past an hour)."""
    t = max(0, int(t))
    h, rem = divmod(t, 3600)
    m, s = divmod(rem, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m:02d}:{s:02d}"


OBJECTIVE_MET = "met"
OBJECTIVE_MISSED = "missed"

DEBRIEF: dict[str, str] = {
    "won": "You won with {stars}.",
    "lost": "Not yet: {missed} of {total} objectives missed.",
    "cpu_saturated": (
        "The {box} box ran at {peak:.0f}\u00a0%\u00a0CPU for {secs:,.0f}\u00a0s of the run. Once every "
        "core is busy, new requests queue: at the worst moment about {queue:.0f} were "
        "waiting and p95 latency reached {p95_ms:,.0f}\u00a0ms."
    ),
    "cpu_fine": "CPU peaked at {peak:.0f}\u00a0% on {box}: there was headroom all run.",
    "cpu_tight": "CPU peaked at {peak:.0f}\u00a0% on {box}: little headroom was left at the busiest moment.",
    "cpu_burst": (
        "CPU peaked at {peak:.0f}\u00a0% on {box}, but stayed at 90\u00a0% or more for only {secs}: short "
        "bursts, not a saturated box."
    ),
    "queue_full": (
        "{n} ({pct}) were turned away with 503 because the accept queue "
        "({limit} slots) was full: the box could not keep up."
    ),
    "timeouts": (
        "{n} ({pct}) timed out after {timeout:,.0f}\u00a0s: the server still did "
        "their work, but nobody was waiting for the answer any more."
    ),
    "refused": (
        "{n} ({pct}) were refused while a box was down: nothing listens on "
        "a box that is stopped for a resize, restarting, or crashed."
    ),
    "resize_cost": (
        "Resizing needs a stop and a start: {down:,.0f}\u00a0s of downtime each time. Choose the "
        "size before the crowd comes, not during it."
    ),
    "reset": ("{n} died in flight when their box went: it crashed, or it was draining and its "
              "deregistration delay ran out first."),
    "db_down": (
        "{n} failed with 500 because the database was unreachable: with one "
        "database box, its failure is everybody's failure (a single point of failure)."
    ),
    "db_failover": (
        "{n} failed while the master was down: for {secs:,.0f}\u00a0s, until a replica was "
        "promoted, nothing could write (and reads sent to the master failed too)."
    ),
    "outage": "The service was effectively down for {secs:,.0f}\u00a0s (half or more of requests failing).",
    "cost_high": (
        "It cost ${cost:.2f} (${rate:.3f}/h on average), over the ${target:.2f} budget."
    ),
    "cost_floor": (
        "The fleet stayed at {n} from {at} to {until} ({held} in all): the scheduled minimum "
        "held it there, not the load; the instances above the usual minimum cost about ${extra:.2f}."
    ),
    "cost_floor_no_end": (
        "A scheduled action has no end of its own: give it one (or a second action) so the policy "
        "can scale in once the event is over."
    ),
    "cost_min": (
        "The group spent {held} at its minimum of {n}: the minimum, not the load, set the "
        "fleet's size."
    ),
    "cost_big_box": (
        "{size} boxes cost ${spent:.2f} of it: a bigger box costs more per unit of capacity near "
        "the top of the range ({speed:.0f}\u00a0% of the speed per vCPU)."
    ),
    "cost_fleet": "The web fleet averaged {avg:.1f} instances (peak {peak}).",
    "cost_ok": "It cost ${cost:.2f} (${rate:.3f}/h on average).",
    "colocated": (
        "Web and database shared one box: every database query competed with page "
        "rendering for the same cores (and the same memory), which made both slower."
    ),
    "split": (
        "With the database on its own box, the web tier spent its cores on pages only; "
        "the database box peaked at {db_cpu:.0f}\u00a0%\u00a0CPU."
    ),
}

DEBRIEF.update({
    "detected": (
        "{box} failed ({kind}) at {at}; the balancer kept sending it requests for {secs:,.0f}\u00a0s "
        "({n}) until failed checks took it out of rotation."
    ),
    "undetected": (
        "{box} failed ({kind}) at {at} and was never taken out of rotation: {why} "
        "{n} were sent to it anyway."
    ),
    "undetected_l4": "an L4 check only sees that the port is open, not that the app answers.",
    "undetected_none": "without health checks the balancer cannot know.",
    "check_cost": (
        "Health checks used {pct:.1f}\u00a0% of the web boxes' CPU: every probe of {path} is a real "
        "request. A light path that answers 200 from memory costs almost nothing."
    ),
    "lb_down": (
        "{n} never got in because the balancer itself was down: one balancer is a single "
        "point of failure; a second one takes over in seconds."
    ),
    "lb_failover": (
        "{n} never got in while the active balancer was down and the passive one took over "
        "({secs:,.1f}\u00a0s)."
    ),
    "http_500": "{n} got a 500 from an app that was up but broken.",
    "sessions_lost": (
        "{n} from logged-in users ({pct}) landed on a box that did not have their "
        "session, and the user was asked to log in again. Sessions kept on one box are invisible "
        "to the others."
    ),
    "sessions_sticky": (
        "Sticky sessions kept users on their box, so only the users of a box that died lost their "
        "sessions ({n}); but sticky users also make the load uneven."
    ),
    "sessions_ok": "No session was lost: every box could see every session.",
    "store_down": (
        "{n} failed while the shared session store was down: the store is now the single "
        "point of failure."
    ),
    "not_found_local": (
        "{n} downloads answered 404: the upload was saved on another box's local disk."
    ),
    "not_found_nfs": (
        "{n} downloads answered 404 although the file existed: another box's NFS "
        "attribute cache ({cache:,.0f}\u00a0s) did not show the new file yet."
    ),
    "files_ok": "Every download found its file.",
    "stale": (
        "{n} reads returned stale data: a replica had not yet applied the reader's own write "
        "(worst lag {lag:,.0f}\u00a0ms). Reading your own writes from the master for a few seconds "
        "removes exactly these."
    ),
    "no_stale": "No read was stale (read routing: {routing}).",
    "writes_lost": (
        "{n} committed writes were LOST when a replica was promoted before it had applied them. "
        "A server can be rebuilt; lost data cannot."
    ),
    "lag": (
        "Replication lag reached {lag:.1f}\u00a0s: each replica applies writes on one thread, so a write "
        "burst faster than one thread can replay piles up."
    ),
    "shards": (
        "{n} shards (shard key: {key}) took {shares} of the inserts. (The tutorials' demo: 60 records "
        "over 3 shards by this key land {demo}.)"
    ),
    "scaling": (
        "The group scaled out {outs} and in {ins} (scaling policy: {policy}), "
        "peaking at {peak}."
    ),
    "first_out": (
        "The first scale-out came at {at} ({cause}); each new instance then needed {boot}\u00a0s to "
        "boot before it could take traffic: scaling reacts, it does not foresee."
    ),
    "slo_booting": (
        "{pct:.0f}\u00a0% of those seconds came while new capacity was still booting: scaling reacts. A "
        "scheduled scale-out before a known event avoids that."
    ),
    "slo_violation": (
        "For {secs}\u00a0s the service missed its SLO (slow or failing)."
    ),
    "divergent": (
        "{boxes} kept a database of its own, so the data split in two: {n} reads ({pct}) "
        "showed a user the other copy's data (a missing order, an old cart), and {stranded} "
        "writes went into a copy the rest of the shop never sees. Nothing failed and no check "
        "turned red. A clone must point at the shared database."
    ),
    "clone_ok": (
        "{boxes}, cloned from a disk image, was pointed at the shared database: one copy of the data."
    ),
    "pinned": (
        "{users} logins were redirected to a box's own host name, and those users then talked to "
        "that box directly: {n} bypassed the balancer, and {failed} of them failed "
        "because the balancer could not steer them away from a broken box. Relative redirects "
        "keep every request on the shop's address."
    ),
    "redirect_ok": "Redirects were relative, so no user left the balancer's address.",
    "hot_shard": (
        "One shard took {pct:.0f}\u00a0% of the inserts: a monotonically increasing key sends every new "
        "record to the shard that owns the top of the range."
    ),
})

DEBRIEF.update({
    "cache_hits": (
        "The cache answered {pct:.0f}\u00a0% of the reads. Key popularity is Zipf: with room for "
        "{entries} of {keys:,} keys, no cache could answer more than about {best:.0f}\u00a0%, and "
        "an LRU cache under expiry gets somewhat less."
    ),
    "cache_small": (
        "Most reads went past the cache to the database: a cache that small holds only the very "
        "hottest keys. The next few thousand keys still carry a large share of the reads."
    ),
    "cache_stale": (
        "{n} reads got a cached value older than the database's: with cache-aside a write leaves "
        "the entry as it was until its TTL ({ttl}) runs out. Deleting the entry on each write, or "
        "writing through, removes almost all of them."
    ),
    "cache_stale_race": (
        "{n} reads were still stale: a write that lands while a load of its key is in flight "
        "leaves the older value behind it. That race is real (memcache leases close it); it is "
        "rare."
    ),
    "cache_no_stale": "No read got a stale value from the cache.",
    "cache_dupes": (
        "{n} database queries loaded a key that another reader was already loading: a stampede. "
        "Single flight makes the later readers wait for the load in flight."
    ),
    "cache_coalesced": (
        "Single flight made {n} readers wait for a load already in flight instead of querying "
        "the database again."
    ),
    "cache_cold": (
        "After the cache came back empty at {at}, it answered {low:.0f}\u00a0% of the reads in its "
        "first second (about {before:.0f}\u00a0% before) and took {secs} to get back to "
        "{back:.0f}\u00a0%: meanwhile the database took the misses."
    ),
    "cache_cold_queue": (
        "The database's queue peaked at {queue:,.0f} waiting requests; its accept queue holds "
        "{limit:,}."
    ),
    "cache_swr": (
        "Stale-while-revalidate served {n} reads from just-expired entries while {refreshes} "
        "background queries refreshed them."
    ),
    "cache_bypassed": "{n} went straight to the database while the cache was down.",
})

DEBRIEF.update({
    "ingest_lost": (
        "{n} of {total} readings never became a row: {dead} were sent on connections that were "
        "already gone, {refused} found a comm server's backlog full, and {missed} were never sent "
        "because their device had no connection."
    ),
    "ingest_no_loss": "Every one of the {total} readings became a row in the database.",
    "ingest_storm": (
        "Connect attempts peaked at {peak:,.0f} a second at {at}; {refused} were turned away "
        "({backlog} SYNs dropped by a full accept backlog, each resent by its device's kernel 1, 3, "
        "7 ... s after the first; {rst} refused by a closed port)."
    ),
    "ingest_waves": (
        "Every device waited the same {base} before it retried, so the devices cut off together "
        "came back together: waves every {base}. A full backlog dropped most of each wave's SYNs; "
        "the kernels resent them, and those still dropped at the connect timeout gave up and "
        "waited again. Exponential backoff with jitter spreads the retries out."
    ),
    "ingest_spread": (
        "The backoff ({backoff}, jitter: {jitter}) spread the retries: the devices cut off "
        "together did not come back in one instant."
    ),
    "ingest_black_hole": (
        "Least connections sent reconnecting devices to the server that had just died (it had the "
        "fewest connections) until the checks took it out: {rst} connects hit its closed port."
    ),
    "ingest_joined": (
        "{box} started taking connections at {at}; two minutes later it held {pct:.0f}\u00a0% of "
        "them (an even share: {fair:.0f}\u00a0%)."
    ),
    "ingest_joined_empty": (
        "An L4 balancer places a connection once, and an open connection stays where it is: "
        "nobody moved to {box} until a connection ended. A maximum connection age makes devices "
        "reconnect, and the balancer places them again."
    ),
    "ingest_hot": (
        "{box} peaked at {cpu:.0f}\u00a0% CPU: while a comm server is down the others carry its "
        "devices. N+1 means one server more than the load needs, in place before the failure."
    ),
    "ingest_takeover": (
        "{node} failed at {at}; {backup} took over the shared address {secs:.1f}\u00a0s later "
        "(keepalived: three missed adverts and a skew). The pair shares no connection table: "
        "{n} connections were lost and every device had to reconnect."
    ),
    "ingest_no_standby": (
        "{node} failed at {at} and no standby node took over: for {secs}, until it was repaired, "
        "no device could connect. A standby node is not capacity, but it cuts that to seconds."
    ),
})

OBJECTIVE_LINE = "{label}: {value} (target {op} {target}) — {verdict}"


i18n.translatable(globals())
