"""Numbers as a player reads them: units, sensible precision, no ``nan``.

Why here and not in the game layer: this is presentation only (how many digits fit a
gauge), never a rule of the simulation. Objective metrics are named by the content
schema; each maps to one unit.
"""

from __future__ import annotations

import math

from scaleout_tui.ui import texts

_UNITS: dict[str, str] = {
    "latency_p50_ms": "ms",
    "latency_p95_ms": "ms",
    "latency_p99_ms": "ms",
    "latency_mean_ms": "ms",
    "error_rate_pct": "pct",
    "availability_pct": "pct",
    "cost": "dollars",
    "cost_per_hour": "dollars_per_hour",
    "throughput_rps": "rps",
    "peak_instances": "count",
    "outage_s": "seconds",
    "detection_s": "seconds",
    "health_check_cpu_pct": "pct",
    "max_shard_share_pct": "pct",
    "replication_lag_ms_p95": "ms",
    "divergent_read_pct": "pct",
    "slo_violation_s": "seconds",
    "time_to_first_scale_out_s": "seconds",
    "cache_hit_ratio_pct": "pct",
    "new_comm_share_pct": "pct",
    "db_peak_queue": "count",
    "duplicate_loads": "count",
    "peak_connect_attempts_per_s": "per_second",
}
#: the decimals each unit shows a measured value with (:func:`metric`)
_PLACES: dict[str, int] = {"pct": 2, "dollars": 2, "dollars_per_hour": 3}


def ms(v: float) -> str:
    """Milliseconds, switching to seconds past 10 s so a gauge stays short."""
    if not math.isfinite(v):
        return "–"
    if v >= 10_000:
        return texts.SECONDS_FROM_MS.format(v=v / 1000)
    return texts.MS.format(v=v)


def ms_short(v: float) -> str:
    """Milliseconds with no space before the unit (``473ms``, ``1.2s``): three of them must
    fit one gauge line at 80 columns."""
    if not math.isfinite(v):
        return "–"
    return f"{v / 1000:.1f}s" if v >= 1000 else f"{v:.0f}ms"


def lag_short(v: float) -> str:
    """A replication lag in at most four cells (``24ms``, ``0.3s``, ``12s``): a replica's
    line in the diagram's database column has no room for more at 80 columns. From 100 ms
    on, tenths of a second read better than three-digit milliseconds anyway."""
    if not math.isfinite(v):
        return "–"
    v = max(v, 0.0)
    if v < 99.5:
        return f"{v:.0f}ms"
    if v < 9_950:
        return f"{v / 1000:.1f}s"
    return f"{v / 1000:.0f}s"


def metric(name: str, v: float) -> str:
    """A metric value with its unit, e.g. ``metric("latency_p95_ms", 212.4) == "212 ms"``."""
    if not math.isfinite(v):
        return "–"
    unit = _UNITS.get(name, "count")
    if unit == "ms":
        return ms(v)
    template = {
        "pct": texts.PCT,
        "dollars": texts.DOLLARS,
        "dollars_per_hour": texts.DOLLARS_PER_HOUR,
        "rps": texts.RPS,
        "seconds": texts.SECONDS,
        "per_second": texts.PER_SECOND,
    }.get(unit, texts.COUNT)
    return template.format(v=v)


def target(name: str, v: float) -> str:
    """An objective's target (or stretch) exactly as the level sets it, in the metric's unit:
    ``0.5`` stays 0.5 where a measured count would round to ``0``, ``0.45 %`` stays 0.45 %."""
    if not math.isfinite(v):
        return "–"
    unit = _UNITS.get(name, "count")
    places = _PLACES.get(unit, 0)
    while places < 6 and round(v, places) != v:
        places += 1
    number = f"{v:,.{places}f}"
    return texts.TARGET_UNITS.get(unit, texts.TARGET_UNITS["count"]).format(n=number)


def op(symbol: str) -> str:
    """The comparison as a reader writes it."""
    return {"<=": "≤", ">=": "≥"}.get(symbol, symbol)


def reflow(text: str) -> str:
    """Join the hard-wrapped lines of each paragraph, keeping blank lines between paragraphs.

    Level files wrap their prose at about 90 columns for the editor's sake; shown in a
    narrower panel those breaks would cut lines in odd places, so the terminal re-wraps.
    """
    paragraphs = [" ".join(line.strip() for line in block.splitlines() if line.strip())
                  for block in text.strip().split("\n\n")]
    return "\n\n".join(p for p in paragraphs if p)
