"""The look-aside cache in the game layer: its metrics from the engine's counts, and each of its
debrief sentences said exactly when its condition holds (both sides), in the run's own numbers."""

from __future__ import annotations

from dataclasses import replace
from types import SimpleNamespace
from typing import Any

import numpy as np
import pytest

from scaleout_tui.content import build_config, load_catalog_default, load_level
from scaleout_tui.content.paths import levels_dir
from scaleout_tui.engine.cache import CacheSpec, CacheStats
from scaleout_tui.engine.events import LogEntry
from scaleout_tui.engine.simulation import Simulation
from scaleout_tui.engine.zipf import Zipf
from scaleout_tui.game import debrief as db
from scaleout_tui.game import texts
from scaleout_tui.game.scoring import cache_metrics, run_metrics

D = texts.DEBRIEF


DEFAULT_SPEC = CacheSpec()


def fake_gate(stats: CacheStats, spec: CacheSpec = DEFAULT_SPEC, bypassed: int = 0,
              series: dict[str, list[float]] | None = None) -> Any:
    return SimpleNamespace(stats=stats, spec=spec, zipf=Zipf(spec.keys, spec.zipf_s), bypassed=bypassed,
                           series=series or {"t": [], "hit_ratio": [], "hits": [], "misses": []})


def fake_sim(gate: Any, log: list[LogEntry] | None = None, peak_queue: float = 0.0) -> Any:
    box = SimpleNamespace(role="db", index=0, name="db-1")
    return SimpleNamespace(cache=gate, log=log or [], boxes=[box], now=480.0,
                           metrics=SimpleNamespace(boxes=SimpleNamespace(peak_queue=np.array([peak_queue]))),
                           config=SimpleNamespace(queue_limit=511))


def lines(sim: Any) -> list[str]:
    return db._cache_lines(sim)


def starts(found: list[str], key: str) -> bool:
    """Whether the sentence ``key`` is among ``found``: its longest literal piece is in a line."""
    pieces = [p.split("}", 1)[-1] for p in D[key].split("{")]
    piece = max(pieces, key=len)
    return any(piece in line for line in found)


def test_no_cache_no_lines_no_lesson() -> None:
    sim = fake_sim(None)
    assert lines(sim) == [] and db.cache_lesson(sim) == {} and db.cold_start(sim) is None


def test_the_hit_ratio_against_the_best_its_size_allows() -> None:
    spec = CacheSpec(keys=50_000, capacity=10_000)
    found = lines(fake_sim(fake_gate(CacheStats(hits=750, misses=250), spec)))
    best = 100 * Zipf(50_000, 0.99).top_share(10_000)
    assert found[0] == D["cache_hits"].format(pct=75.0, entries="10,000", keys=50_000, best=best)
    assert "85\u00a0%" in found[0] and not starts(found, "cache_small")
    small = lines(fake_sim(fake_gate(CacheStats(hits=590, misses=410), spec)))
    assert starts(small, "cache_small")  # below 60 % of reads answered


@pytest.mark.parametrize(("policy", "invalidate", "key"), [
    ("cache-aside", False, "cache_stale"),
    ("cache-aside", True, "cache_stale_race"),
    ("write-through", False, "cache_stale_race"),
])
def test_stale_reads_and_why(policy: str, invalidate: bool, key: str) -> None:
    spec = CacheSpec(policy=policy, invalidate=invalidate)
    found = lines(fake_sim(fake_gate(CacheStats(hits=9, misses=1, writes=3, stale_reads=1234), spec)))
    assert starts(found, key) and any("1,234" in line for line in found)
    other = "cache_stale_race" if key == "cache_stale" else "cache_stale"
    assert not starts(found, other) and not starts(found, "cache_no_stale")


def test_no_stale_read_is_said_only_when_there_were_writes() -> None:
    assert D["cache_no_stale"] in lines(fake_sim(fake_gate(CacheStats(hits=9, misses=1, writes=3))))
    assert D["cache_no_stale"] not in lines(fake_sim(fake_gate(CacheStats(hits=9, misses=1))))


def test_a_stampede_or_the_readers_single_flight_held() -> None:
    stampede = lines(fake_sim(fake_gate(CacheStats(hits=9, misses=1, duplicate_loads=1504))))
    assert D["cache_dupes"].format(n="1,504") in stampede
    held = lines(fake_sim(fake_gate(CacheStats(hits=9, misses=1, coalesced=994),
                                    CacheSpec(single_flight=True))))
    assert D["cache_coalesced"].format(n="994") in held and not starts(held, "cache_dupes")
    quiet = lines(fake_sim(fake_gate(CacheStats(hits=9, misses=1))))
    assert not starts(quiet, "cache_dupes") and not starts(quiet, "cache_coalesced")


def test_bypassed_and_stale_while_revalidate() -> None:
    stats = CacheStats(hits=9, misses=1, stale_served=40, refreshes=7)
    found = lines(fake_sim(fake_gate(stats, bypassed=396)))
    assert D["cache_bypassed"].format(n="396 requests") in found
    assert D["cache_swr"].format(n="40", refreshes="7") in found


def cold_series() -> dict[str, list[float]]:
    t = [float(x) for x in range(1, 61)]
    ratio = [0.8] * 30 + [0.1, 0.3, 0.5, 0.6, 0.7, 0.75] + [0.8] * 24
    return {"t": t, "hit_ratio": ratio, "hits": [80.0] * 60, "misses": [20.0] * 60}


def test_the_cold_start_in_numbers() -> None:
    log = [LogEntry(30.0, "cache_down", "error", {"box": "redis-1", "entries": 9000}),
           LogEntry(30.5, "cache_cold", "warn", {"box": "redis-1"})]
    sim = fake_sim(fake_gate(CacheStats(hits=80, misses=20), series=cold_series()), log, peak_queue=273.5)
    cold = db.cold_start(sim)
    assert cold is not None
    assert (cold.at, cold.before, cold.low) == (30.5, pytest.approx(0.8), pytest.approx(0.1))
    assert cold.recover_s == pytest.approx(36.0 - 30.5)  # the first second at 90 % of 0.8 or more
    found = lines(sim)
    assert D["cache_cold"].format(at="00:30", low=10.0, before=80.0, secs=texts.span(5.5), back=72.0) in found
    assert D["cache_cold_queue"].format(queue=273.5, limit=511) in found
    # a flush is a cold start too; with neither, no cold-start line
    flushed = fake_sim(fake_gate(CacheStats(hits=80, misses=20), series=cold_series()),
                       [LogEntry(30.5, "cache_flushed", "warn", {"box": "redis-1", "entries": 9000})])
    assert db.cold_start(flushed) is not None
    calm = lines(fake_sim(fake_gate(CacheStats(hits=80, misses=20), series=cold_series())))
    assert not starts(calm, "cache_cold") and not starts(calm, "cache_cold_queue")


def test_a_cache_that_never_recovers_counts_to_the_end() -> None:
    series = cold_series()
    series["hit_ratio"] = [0.8] * 30 + [0.1] * 30
    log = [LogEntry(30.0, "cache_flushed", "warn", {"box": "redis-1", "entries": 9000})]
    cold = db.cold_start(fake_sim(fake_gate(CacheStats(hits=1, misses=1), series=series), log))
    assert cold is not None and cold.recover_s == 480.0 - 30.0


def test_the_cache_metrics_come_from_the_engines_counts() -> None:
    level = load_level(levels_dir() / "10-cache.toml")
    sim = Simulation(build_config(level, load_catalog_default(), {"capacity": "1000"}), seed=1)
    sim.advance(40.0)
    m = run_metrics(sim)
    gate = sim.cache
    assert gate is not None and gate.stats.reads > 0
    assert m["cache_hit_ratio_pct"] == pytest.approx(100 * gate.stats.hit_ratio)
    assert m["duplicate_loads"] == gate.stats.duplicate_loads
    assert m["stale_reads"] == gate.stats.stale_reads  # no replicas: the cache's alone
    db_box = next(b for b in sim.boxes if b.role == "db")
    assert m["db_peak_queue"] == float(sim.metrics.boxes.peak_queue[db_box.index])
    lesson = db.cache_lesson(sim)
    assert lesson["cache_hit_ratio"] == round(gate.stats.hit_ratio, 5)
    assert lesson["capacity"] == 1000 and lesson["cold_start_at"] == -1.0


def test_without_a_cache_the_metrics_are_zero_and_the_queue_still_counts() -> None:
    level = load_level(levels_dir() / "02-two-tiers.toml")
    sim = Simulation(replace(build_config(level, load_catalog_default())), seed=1)
    sim.advance(20.0)
    m = cache_metrics(sim)
    assert m["cache_hit_ratio_pct"] == 0.0 and m["duplicate_loads"] == 0.0
    assert m["db_peak_queue"] >= 0.0
