"""Every sentence the game layer shows a player: event log lines, debrief, objectives.

Kept in one place so wording stays consistent and a translation can replace this
module wholesale. Templates use ``str.format`` fields named after the engine's
event parameters.
"""

from __future__ import annotations

from scaleout_tui.engine.events import LogEntry

EVENTS: dict[str, str] = {
    "resize_start": "{box}: stopping to resize {old} → {new} (down about {down_s:.0f} s)",
    "resize_done": "{box}: running again as {new} ({vcpus} vCPUs)",
    "migrate_start": "Moving the database to its own box: booting it ({boot_s:.0f} s)",
    "app_restart": "{box}: restarting the app with the new database address ({down_s:.0f} s)",
    "migrate_done": "Layout is now {layout}",
    "crash": "{box} crashed: {lost} requests in flight lost; repair takes {repair_s:.0f} s",
    "recovered": "{box} is back up",
    "knob": "You set {label} to {value}",
    "spike": "Traffic event: {name} (×{factor:g})",
}

CAUSES: dict[str, str] = {
    "refused": "connection refused (box down)",
    "queue_full": "503: accept queue full",
    "timeout": "client timed out",
    "reset": "connection reset (box died)",
    "db_down": "500: database unreachable",
}


def describe(entry: LogEntry) -> str:
    """The log line for an engine event."""
    template = EVENTS.get(entry.code, entry.code)
    try:
        return template.format(**entry.params)
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
    "won": "You won with {stars} star(s).",
    "lost": "Not yet: {missed} of {total} objectives missed.",
    "cpu_saturated": (
        "The {box} box ran at {peak:.0f} % CPU for {secs:.0f} s of the run. Once every "
        "core is busy, new requests queue: at the worst moment about {queue:.0f} were "
        "waiting and p95 latency reached {p95_ms:.0f} ms."
    ),
    "cpu_fine": "CPU peaked at {peak:.0f} % on {box}: there was headroom all run.",
    "queue_full": (
        "{n} requests ({pct:.1f} %) were turned away with 503 because the accept queue "
        "({limit} slots) was full: the box could not keep up."
    ),
    "timeouts": (
        "{n} requests ({pct:.1f} %) timed out after {timeout:.0f} s: the server still did "
        "their work, but nobody was waiting for the answer any more."
    ),
    "refused": (
        "{n} requests ({pct:.1f} %) were refused while a box was down: nothing listens on "
        "a box that is stopped for a resize, restarting, or crashed."
    ),
    "resize_cost": (
        "Resizing needs a stop and a start: {down:.0f} s of downtime each time. Choose the "
        "size before the crowd comes, not during it."
    ),
    "reset": "{n} requests died in flight when a box crashed.",
    "db_down": (
        "{n} requests failed with 500 because the database was unreachable: with one "
        "database box, its failure is everybody's failure (a single point of failure)."
    ),
    "outage": "The service was effectively down for {secs:.0f} s (half or more of requests failing).",
    "cost_high": (
        "It cost ${cost:.2f} (${rate:.3f}/h on average), over the ${target:.2f} budget: a "
        "bigger box costs more per unit of capacity near the top of the range."
    ),
    "cost_ok": "It cost ${cost:.2f} (${rate:.3f}/h on average).",
    "colocated": (
        "Web and database shared one box: every database query competed with page "
        "rendering for the same cores (and the same memory), which made both slower."
    ),
    "split": (
        "With the database on its own box, the app box spent its cores on pages only; "
        "the database box peaked at {db_cpu:.0f} % CPU."
    ),
}

OBJECTIVE_LINE = "{label}: {value} (target {op} {target}) — {verdict}"
