"""The look-aside cache in the running engine, against what is known to be true: the mean read
latency as the hit-weighted mix of two hand-derived latencies (and the hit ratio as Che's
approximation), a flush and a crash sending the database its no-cache load, duplicate loads per
expiry as λL (none with single flight), stale reads per write policy, determinism, and the cache
box's CPU as operations × cost. Each case simulates only what its assertion needs.
"""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import pytest

from scaleout_tui.engine import Command, KindMix, Simulation, TrafficSpec
from scaleout_tui.engine.cache import CacheSpec
from scaleout_tui.engine.failures import ScheduledFailure
from scaleout_tui.engine.metrics import percentile
from scaleout_tui.engine.traffic import Arrivals
from scaleout_tui.engine.zipf import Zipf

from .helpers import ArraySource, config, steady
from .test_cache import che_hit_ratio

RTT = 0.0005


def two_tier(traffic: TrafficSpec, cache: CacheSpec | None, duration: float, db_vcpus: int = 2,
             **kw: object):
    return config(traffic, vcpus=2, db_vcpus=db_vcpus, layout="two-tier", duration=duration, rtt_s=RTT,
                  tick_s=0.5, timeout_s=10.0, cache=cache, **kw)


def cache_box(sim: Simulation) -> int:
    assert sim.cache is not None
    return sim.cache.box.index


def db_busy(sim: Simulation, second: int) -> float:
    """The database box's CPU-seconds in the window [second, second + 1)."""
    return float(sim.metrics.windows[second].busy[sim.role_box("db").index])


# -- (a) the latency mix ------------------------------------------------------------------------


def test_mean_read_latency_is_the_hit_weighted_mix_and_the_hit_ratio_is_ches() -> None:
    """Reads every 10 ms with constant demands (app 2 ms, database 4 ms, cache 10 µs per
    operation): no request ever queues, so each one's latency is a sum of constants.

    A hit: app + one hop to the cache stage (rtt) + its GET (op) + the cache round trip (get):
    ``a = app + rtt + op + get``. A miss: the same GET (its fill SET runs after it and the
    client does not wait for it), then the database: ``b = a + db + rtt``. So the engine's mean
    latency is ``h·a + (1 − h)·b`` with h the engine's own hit ratio, to rounding.

    Every load (about 5 ms) lands before the next request (10 ms later), so the cache is the
    textbook LRU, and after a warm-up its hit ratio is Che's approximation for 1,000 Zipf(0.99)
    keys and 100 entries (binomial standard error about 0.007 on 5,000 reads: 0.03 is over 4)."""
    n, gap, app, db = 6000, 0.01, 0.002, 0.004
    t = np.arange(n) * gap + 0.001
    arr = Arrivals(t, np.zeros(n, np.int64), np.zeros(n, np.int8), np.full(n, app), np.full(n, db))
    spec = CacheSpec(keys=1000, zipf_s=0.99, capacity=100, ttl_s=math.inf)
    sim = Simulation(two_tier(steady(1.0, app, db), spec, duration=61.0), seed=3, source=ArraySource(arr))
    sim.run()
    gate = sim.cache
    assert gate is not None
    s = gate.stats
    assert s.reads == n == sim.metrics.completed and s.duplicate_loads == 0
    h = s.hit_ratio
    a = app + RTT + spec.op_s + spec.get_s
    b = a + db + RTT
    assert sim.metrics.latency_sum / n == pytest.approx(h * a + (1 - h) * b, rel=1e-9)
    hits = sum(gate.series["hits"][10:])
    reads = hits + sum(gate.series["misses"][10:])
    che = che_hit_ratio(Zipf(1000, 0.99).p, 100)
    assert abs(hits / reads - che) < 0.03, (hits / reads, che)


# -- (b) a flush and a crash --------------------------------------------------------------------

#: 4,000 equally popular keys, all of which fit, at 200 reads/s: the cache holds a share
#: 1 − exp(−λt/K) of them at t, 0.993 after 100 s; just after a flush the first second's hit
#: ratio is 1 − (K/λ)(1 − exp(−λ/K)) ≈ λ / 2K = 0.025.
UNIFORM = CacheSpec(keys=4000, zipf_s=0.0, capacity=4000, ttl_s=math.inf)


def test_a_flush_sends_the_database_its_no_cache_load_and_the_hit_ratio_starts_at_0() -> None:
    traffic = steady(200.0, 0.001, 0.004)
    bare = Simulation(two_tier(traffic, None, duration=103.0), seed=5)
    bare.run()
    sim = Simulation(two_tier(traffic, UNIFORM, duration=103.0), seed=5)
    sim.advance(100.0)
    sim.apply(Command("cache.flush", True))
    sim.run()
    gate = sim.cache
    assert gate is not None
    hr = gate.series["hit_ratio"]
    assert hr[99] > 0.95
    assert abs(hr[100] - 0.025) < 0.02
    # the same arrivals and demands (the cache's keys have their own stream): the database does
    # what it did without a cache, less the few hits
    assert db_busy(sim, 99) < 0.05 * db_busy(bare, 99)
    assert db_busy(sim, 100) > 0.9 * db_busy(bare, 100)
    assert [e.code for e in sim.log if e.code.startswith("cache")] == ["cache_flushed"]


def test_a_crashed_cache_sends_every_query_to_the_database_and_comes_back_cold() -> None:
    traffic = steady(200.0, 0.001, 0.004)
    crash = (ScheduledFailure(at=100.0, target="cache", repair_s=5.0),)
    bare = Simulation(two_tier(traffic, None, duration=107.0), seed=5)
    bare.run()
    sim = Simulation(two_tier(traffic, UNIFORM, duration=107.0, failures=crash), seed=5)
    sim.run()
    gate = sim.cache
    assert gate is not None
    s = gate.series
    assert s["hit_ratio"][99] > 0.95
    for second in range(100, 105):  # down: no lookups, every query bypasses the cache
        assert s["hits"][second] == s["misses"][second] == 0
        assert s["bypassed"][second] > 150
        assert db_busy(sim, second) == pytest.approx(db_busy(bare, second), rel=0.05)
    assert abs(s["hit_ratio"][105] - 0.025) < 0.02  # back, and cold
    assert sim.metrics.total_errors.sum() == 0  # no request failed with the cache
    assert [e.code for e in sim.log if e.code.startswith("cache")] == ["cache_down", "cache_cold"]


# -- (c) a hot key's expiry ---------------------------------------------------------------------


def hot_key(single_flight: bool) -> Simulation:
    """One key read 200 times a second, expiring every 2 s; a query takes 50 ms on a database
    with room for all of them at once (32 cores), so the load time L the cache uses is the
    query's own: op + get + 0.05 + rtt."""
    traffic = TrafficSpec(curve=((0.0, 200.0),), kinds=(KindMix("page", 1.0, 0.001, 0.05, cv=0.0),))
    spec = CacheSpec(keys=1, ttl_s=2.0, single_flight=single_flight)
    sim = Simulation(two_tier(traffic, spec, duration=100.0, db_vcpus=32), seed=7)
    sim.run()
    return sim


def test_a_hot_keys_expiry_sends_lambda_l_duplicate_loads_and_none_with_single_flight() -> None:
    """Each expiry's first read loads; the reads in the next L seconds find the load in flight:
    a Poisson count of mean λL. Over about 48 expiries its mean's standard error is
    sqrt(λL / expiries) ≈ 0.46; the bound is 4 of them."""
    lam = 200.0
    for single in (False, True):
        sim = hot_key(single)
        gate = sim.cache
        assert gate is not None and gate.load_s is not None
        s = gate.stats
        expiries = s.loads - s.duplicate_loads
        waiting = s.coalesced if single else s.duplicate_loads
        lam_l = lam * gate.load_s
        assert abs(waiting / expiries - lam_l) < 4 * math.sqrt(lam_l / expiries), (waiting / expiries, lam_l)
        if single:
            assert s.duplicate_loads == 0
        # every load was a query on the database box: 50 ms each
        db = sim.role_box("db").index
        assert float(sim.metrics.boxes.busy[db]) == pytest.approx(s.loads * 0.05, rel=1e-6)


# -- (d) stale reads ----------------------------------------------------------------------------


def test_cache_aside_serves_stale_reads_after_writes_and_invalidation_or_write_through_none() -> None:
    """20 requests a second, one in ten a write, over 200 Zipf keys. Without invalidation a
    written key's entry is stale until its TTL (30 s): hundreds of stale reads. With
    invalidation (or write-through) only the race of a write landing during a load could leave
    one (test_cache.py shows it): here loads take under 1 ms and such a write comes about 0.03
    times in the run."""
    kinds = (KindMix("page", 0.9, 0.001, 0.0005), KindMix("write", 0.1, 0.001, 0.0005))
    traffic = TrafficSpec(curve=((0.0, 20.0),), kinds=kinds)
    base = CacheSpec(keys=200, capacity=200, ttl_s=30.0, get_s=0.0001)
    stale = {}
    for name, spec in (("aside", base), ("invalidate", replace(base, invalidate=True)),
                       ("through", replace(base, policy="write-through"))):
        sim = Simulation(config(traffic, vcpus=2, layout="two-tier", duration=100.0, rtt_s=0.0001,
                                tick_s=0.5, cache=spec), seed=11)
        sim.run()
        assert sim.cache is not None
        assert sim.cache.stats.writes > 150
        stale[name] = sim.cache.stats.stale_reads
    assert stale["aside"] > 100
    assert stale["invalidate"] == stale["through"] == 0


def test_background_refreshes_make_no_query_wait_that_reached_the_database_before_them() -> None:
    """Stale-while-revalidate answers a read whose entry expired from the cache and refreshes the
    entry in the background, so a player who turns it on must not see the app slow down. Here
    (2,000 keys that all fit, TTL 2 s, single flight, 300 reads a second, the database about a
    third busy) it serves about a thousand refreshes, and the reads are no slower than without.

    Why it could fail: the refreshes are known in the cache stage of a tick, before the database
    stage queues that tick's queries. Booked at their own times then, they held the database's
    workers from those times on, and every query of the tick that had arrived earlier waited
    behind them: the mean read took 68 ms instead of 5 (p95 392 ms), at the same CPU."""
    kinds = (KindMix("page", 0.95, 0.002, 0.004), KindMix("write", 0.05, 0.002, 0.004))
    runs = {}
    for swr in (0.0, 5.0):
        spec = CacheSpec(keys=2000, capacity=2000, ttl_s=2.0, swr_s=swr, single_flight=True)
        traffic = TrafficSpec(curve=((0.0, 300.0),), kinds=kinds)
        sim = Simulation(two_tier(traffic, spec, duration=20.0), seed=3)
        sim.run()
        assert sim.cache is not None
        m = sim.metrics
        runs[swr] = (m.latency_sum / m.completed, percentile(m.total_hist, 0.95), sim.cache.stats.refreshes)
    (mean0, p95_0, none), (mean, p95, refreshes) = runs[0.0], runs[5.0]
    assert none == 0 and refreshes > 500
    assert mean <= mean0 and p95 <= 1.05 * p95_0


# -- (e) determinism ----------------------------------------------------------------------------


def play(seed: int) -> str:
    kinds = (KindMix("page", 0.9, 0.002, 0.003), KindMix("write", 0.1, 0.002, 0.004))
    spec = CacheSpec(keys=2000, capacity=500, ttl_s=3.0, ttl_jitter=0.2, swr_s=1.0)
    traffic = TrafficSpec(curve=((0.0, 150.0),), kinds=kinds)
    sim = Simulation(two_tier(traffic, spec, duration=20.0), seed=seed)
    sim.advance(5.0)
    sim.apply(Command("cache.flush", True))
    sim.advance(3.0)
    sim.apply(Command("cache.single_flight", True))
    sim.apply(Command("inject.crash", "cache"))
    sim.advance(2.0)
    sim.apply(Command("repair", "cache"))
    sim.run()
    assert sim.cache is not None and sim.cache.stats.refreshes > 0 and sim.cache.bypassed > 0
    return sim.digest()


def test_the_same_seed_and_commands_give_the_same_digest() -> None:
    assert play(4) == play(4) != play(5)


# -- (f) the cache box's CPU --------------------------------------------------------------------


def test_the_cache_boxs_cpu_is_its_operations_times_their_cost() -> None:
    """Every read is a GET, every load (a miss's or a background refresh's) ends in a SET, every
    write-through write is a SET: ``ops = reads + loads + writes``, each ``op_s`` of CPU. The
    box's CPU from the metrics is that, less what it still holds at the end (under two ops)."""
    kinds = (KindMix("page", 0.8, 0.002, 0.003), KindMix("write", 0.2, 0.002, 0.004))
    spec = CacheSpec(keys=500, capacity=200, ttl_s=2.0, swr_s=2.0, policy="write-through")
    sim = Simulation(two_tier(TrafficSpec(curve=((0.0, 300.0),), kinds=kinds), spec, duration=30.0), seed=2)
    sim.run()
    gate = sim.cache
    assert gate is not None
    s = gate.stats
    assert s.refreshes > 0 and s.writes > 0 and s.misses > 0
    ops = s.reads + s.loads + s.writes
    assert gate.ops == ops == sum(gate.series["ops"])
    busy = float(sim.metrics.boxes.busy[cache_box(sim)])
    assert ops * spec.op_s - 2 * spec.op_s <= busy <= ops * spec.op_s * (1 + 1e-9)
