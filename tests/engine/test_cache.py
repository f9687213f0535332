"""The look-aside cache against what is known to be true: Che's approximation for LRU under Zipf
keys, duplicate loads counted by hand and as a Poisson mean, the weighted latency mix, stale-read
timelines per write policy, a cold start, TTL jitter, stale-while-revalidate and determinism.

Times in the hand-computed cases are multiples of powers of two (1/1024 s, 1/8 s, 1/4 s), so
every sum the cache does is exact in binary floating point and a tie is a tie.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from scaleout_tui.engine.cache import (
    COALESCED,
    HIT,
    MISS,
    STALE_SERVED,
    WRITE,
    Access,
    CacheSpec,
    CacheStats,
    LookAsideCache,
)
from scaleout_tui.engine.rng import stream
from scaleout_tui.engine.zipf import Zipf

F = np.float64


def cache(seed: int = 1, **kw: object) -> LookAsideCache:
    return LookAsideCache(CacheSpec(**kw), stream(seed, "cache"))  # type: ignore[arg-type]


def reads(t: np.ndarray, key: np.ndarray | int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    t = np.asarray(t, dtype=F)
    k = np.broadcast_to(np.asarray(key, dtype=np.int64), t.shape).copy()
    return t, k, np.zeros(t.size, dtype=np.bool_)


def in_ticks(c: LookAsideCache, t: np.ndarray, key: np.ndarray, write: np.ndarray, load_s: float,
             tick: float = 0.1) -> Access:
    """Feed the requests a tick at a time, as the data plane will, and join what came back."""
    edges = np.searchsorted(t, np.arange(0.0, float(t[-1]) + 2 * tick, tick))
    parts = [c.access(t[a:b], key[a:b], write[a:b], load_s) for a, b in itertools.pairwise(edges)]
    return Access(*[np.concatenate([getattr(p, f) for p in parts]) for f in
                    ("outcome", "db", "wait", "stale", "refresh_t", "refresh_key")])


# -- 1. Che's approximation ---------------------------------------------------------------------


def che_hit_ratio(p: np.ndarray, capacity: int) -> float:
    """Che's approximation for LRU under the independent reference model: the characteristic time
    T solves Σ_k (1 − e^{−p_k T}) = C (the expected number of distinct keys asked for in T is the
    capacity), and the hit ratio is Σ_k p_k (1 − e^{−p_k T}). The left side rises from 0 to K as T
    grows, so bisection finds T."""

    def filled(x: float) -> float:
        return float(np.sum(-np.expm1(-p * x)))

    lo, hi = 0.0, 1.0
    while filled(hi) < capacity:
        hi *= 2.0
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        lo, hi = (mid, hi) if filled(mid) < capacity else (lo, mid)
    x = 0.5 * (lo + hi)
    return float(np.sum(p * -np.expm1(-p * x)))


@pytest.mark.parametrize(("keys", "capacity", "s"),
                         [(10_000, 100, 0.8), (10_000, 1_000, 0.8), (10_000, 100, 1.0), (10_000, 1_000, 1.0)])
def test_lru_hit_ratio_agrees_with_ches_approximation(keys: int, capacity: int, s: float) -> None:
    """Read-only Zipf keys, no TTL, loads of zero length (a miss's entry is there for the next
    request: the textbook LRU). After a warm-up of 20 × C requests (the cache is full and its
    contents mixed), 300,000 requests in 30 batches give the hit ratio and a batch-means standard
    error (about 0.001: LRU's state makes successive hits correlated, so the batches, not the
    binomial formula, measure the spread). Che's approximation is accurate for Zipf popularity
    (Fricker, Robert and Roberts, ITC 2012): on these four cases its gap to 400,000-request runs
    was at most 0.0013, 1.4 standard errors, so 4 standard errors leave room for it."""
    z = Zipf(keys, s)
    warm, n, batches = 20 * capacity, 300_000, 30
    k = z.sample(stream(7, "keys"), warm + n)
    t = np.arange(warm + n) * 1e-3
    none = np.zeros(warm + n, dtype=np.bool_)
    c = cache(keys=keys, capacity=capacity, ttl_s=math.inf)
    c.access(t[:warm], k[:warm], none[:warm], 0.0)
    before = c.stats.copy()
    acc = c.access(t[warm:], k[warm:], none[warm:], 0.0)
    assert set(np.unique(acc.outcome).tolist()) <= {HIT, MISS}
    hit = (acc.outcome == HIT).astype(F)
    ratio = float(hit.mean())
    assert c.stats.since(before).hit_ratio == pytest.approx(ratio, abs=1e-12)
    se = float(hit.reshape(batches, -1).mean(axis=1).std(ddof=1)) / math.sqrt(batches)
    ref = che_hit_ratio(z.p, capacity)
    assert abs(ratio - ref) < 4 * se, (ratio, ref, se)
    assert c.size == capacity
    assert c.stats.evictions == c.stats.misses - capacity  # every miss after the fill evicts one


# -- 2. Duplicate loads ---------------------------------------------------------------------------

DT = 2.0**-10  # about one millisecond


def test_duplicate_loads_by_hand() -> None:
    """One key, a request every DT, loads of L = 20 DT, TTL 1024 DT, 1,200 requests.

    Without single flight: the request at 0 misses and starts a load that lands at 20 DT. The
    requests at 1 … 19 DT find no entry and a load in flight: 19 duplicate loads. At 20 DT the
    first load lands before the request there, which hits. Each duplicate landing stores its
    answer again and restarts the TTL (a SET does), the last one at 19 + 20 = 39 DT, so the entry
    expires at 39 + 1024 = 1063 DT: the request there misses (an entry expires at its expiry
    time), and 1064 … 1082 DT are 19 more duplicates; 1083 DT hits. Misses 40, loads 40,
    duplicates 38, all else hits.

    With single flight: 0 DT misses, 1 … 19 DT wait for its load (coalesced, waits 19 DT down
    to 1 DT), 20 DT hits. The one fill at 20 DT expires at 1044 DT: a miss, then 19 coalesced.
    No duplicate load, 2 loads."""
    t = np.arange(1200) * DT
    spec = {"keys": 1, "ttl_s": 1024 * DT}
    c = cache(**spec)
    acc = c.access(*reads(t), 20 * DT)
    miss = np.flatnonzero(acc.outcome == MISS)
    assert miss.tolist() == [*range(20), *range(1063, 1083)]
    assert (acc.outcome[acc.outcome != MISS] == HIT).all()
    s = c.stats
    assert (s.misses, s.loads, s.duplicate_loads, s.coalesced) == (40, 40, 38, 0)
    assert acc.db.tolist() == (acc.outcome == MISS).tolist()

    c = cache(**spec, single_flight=True)
    acc = c.access(*reads(t), 20 * DT)
    assert np.flatnonzero(acc.outcome == MISS).tolist() == [0, 1044]
    co = np.flatnonzero(acc.outcome == COALESCED)
    assert co.tolist() == [*range(1, 20), *range(1045, 1064)]
    assert acc.wait[1:20].tolist() == [(20 - i) * DT for i in range(1, 20)]
    assert not acc.db[co].any()
    s = c.stats
    assert (s.misses, s.loads, s.duplicate_loads, s.coalesced) == (40, 2, 0, 38)


def test_duplicate_loads_per_expiry_are_the_poisson_count_in_the_load_window() -> None:
    """One hot key, Poisson arrivals at λ = 1,000/s, loads of L = 10 ms, TTL 0.2 s, 100 s.

    Each expiry is found by an arrival (a miss that loads); by memorylessness the arrivals in the
    next L seconds are Poisson(λL): each one a duplicate load without single flight, so their mean
    per expiry is λL = 10, with a standard error of √(λL / expiries) (about 0.15 for some 450
    expiries). With single flight, on the same arrivals: no duplicate, and the coalesced reads are
    exactly the arrivals inside (miss, miss + L) of each loading miss."""
    lam, load = 1000.0, 0.01
    rng = stream(5, "arrivals")
    t = np.sort(rng.random(rng.poisson(lam * 100.0))) * 100.0
    args = reads(t)
    c = cache(keys=1, ttl_s=0.2)
    in_ticks(c, *args, load)
    s = c.stats
    expiries = s.loads - s.duplicate_loads
    assert expiries > 400
    per = s.duplicate_loads / expiries
    assert abs(per - lam * load) < 4 * math.sqrt(lam * load / expiries), (per, expiries)

    c = cache(keys=1, ttl_s=0.2, single_flight=True)
    acc = in_ticks(c, *args, load)
    s = c.stats
    assert s.duplicate_loads == 0
    loading = t[acc.outcome == MISS]
    inside = np.searchsorted(t, loading + load, side="left") - np.searchsorted(t, loading, side="right")
    assert s.coalesced == int(inside.sum()) == int((acc.outcome == COALESCED).sum())
    assert abs(s.coalesced / loading.size - lam * load) < 4 * math.sqrt(lam * load / loading.size)


# -- 3. The latency mix ---------------------------------------------------------------------------


def test_mean_read_latency_is_the_hit_weighted_mix() -> None:
    """With only hits (latency a = one GET) and misses (b = the GET, then the load), the mean read
    latency is h·a + (1 − h)·b for the hit ratio h the counters give, to rounding."""
    z = Zipf(5_000, 0.9)
    rng = stream(11, "keys")
    n = 40_000
    t = np.arange(n) * 5e-4
    k = z.sample(rng, n)
    load = 0.008
    c = cache(keys=5_000, capacity=500, ttl_s=5.0)
    acc = in_ticks(c, *reads(t, k), load)
    assert set(np.unique(acc.outcome).tolist()) == {HIT, MISS}
    lat = c.read_latency(acc, load)
    h = c.stats.hit_ratio
    a, b = c.spec.get_s, c.spec.get_s + load
    assert 0.3 < h < 0.9
    assert float(lat.mean()) == pytest.approx(h * a + (1 - h) * b, rel=1e-12)
    assert np.isnan(c.read_latency(Access(np.array([WRITE], np.int8), np.ones(1, bool), np.zeros(1),
                                          np.zeros(1, bool), np.zeros(0), np.zeros(0, np.int64)), load)).all()


# -- 4. Stale reads ---------------------------------------------------------------------------------


def timeline(write_at: float = 10.5, race_s: float | None = None, **kw: object) -> tuple[Access, CacheStats]:
    """One key: reads at 0, 1, …, 119 s, one write at ``write_at``, loads of 0.25 s (the last
    ``race_s`` of it the query's own service and the hop back), TTL 60 s."""
    t = np.sort(np.append(np.arange(120.0), write_at))
    w = t == write_at
    c = cache(keys=1, ttl_s=60.0, **kw)
    acc = c.access(t, np.zeros(t.size, np.int64), w, 0.25, race_s)
    return acc, c.stats


def stale_times(acc: Access, write_at: float = 10.5) -> list[float]:
    t = np.sort(np.append(np.arange(120.0), write_at))
    return t[acc.stale].tolist()


def test_cache_aside_serves_stale_reads_until_the_ttl() -> None:
    """The read at 0 misses; its load lands at 0.25 with version 0, expiring at 60.25. The write
    at 10.5 bumps the database to version 1 and leaves the entry alone, so the reads at 11 … 60
    are hits on version 0: exactly 50 stale reads. The read at 61 misses and loads version 1."""
    acc, s = timeline()
    assert stale_times(acc) == [float(x) for x in range(11, 61)]
    assert (s.stale_reads, s.misses, s.writes) == (50, 2, 1)


def test_invalidate_on_write_and_write_through_serve_no_stale_read() -> None:
    """Invalidation deletes the entry at 10.5: the read at 11 misses and loads version 1, which
    lands at 11.25 and expires at 71.25 (so the read at 72 misses too: misses at 0, 11, 72).
    Write-through stores version 1 at 10.5, expiring at 70.5: the read at 71 misses and its load
    lasts past the end (misses at 0 and 71)."""
    acc, s = timeline(invalidate=True)
    assert (s.stale_reads, s.misses, s.invalidations) == (0, 3, 1)
    # rows: the write at 10.5 is row 11, so t = 11 is row 12 and t = 72 row 73
    assert np.flatnonzero(acc.outcome == MISS).tolist() == [0, 12, 73]
    acc, s = timeline(policy="write-through")
    assert (s.stale_reads, s.misses) == (0, 2)
    assert np.flatnonzero(acc.outcome == MISS).tolist() == [0, 72]  # t = 0 and 71


def test_a_write_during_a_load_leaves_a_stale_entry_even_with_invalidation() -> None:
    """The race leases close (Nishtala et al., NSDI 2013): the load started at 0 reads version 0,
    the write at 0.125 finds nothing to delete, the load lands at 0.25 with version 0. Every hit
    until the TTL (reads 1 … 60) is stale."""
    acc, s = timeline(write_at=0.125, invalidate=True)
    assert stale_times(acc, 0.125) == [float(x) for x in range(1, 61)]
    assert s.stale_reads == 60
    assert s.invalidations == 0


@pytest.mark.parametrize("policy", [{"invalidate": True}, {"policy": "write-through"}])
def test_a_write_while_the_load_still_queues_leaves_no_stale_entry(policy: dict[str, object]) -> None:
    """The load started at 0 lands at 0.25, and its query was served in its last 1/16 s. A write
    at 0.125 arrived while the query still queued: FIFO serves the query first, the write commits
    after it and its DEL or SET reaches the cache after the fill, which it replaces: no stale
    entry stays (the engine stores the new version). A write at 0.21875, inside the query's
    service, is the race: the fill holds version 0 and the hits up to the TTL are stale. Plain
    cache-aside sends nothing after a write, so there the queued write leaves the old value too.
    (With the whole load as the window, as the engine had it, the first write was a race for all.)"""
    acc, s = timeline(write_at=0.125, race_s=1 / 16, **policy)
    assert (s.stale_reads, stale_times(acc, 0.125)) == (0, [])
    acc, s = timeline(write_at=0.21875, race_s=1 / 16, **policy)
    assert stale_times(acc, 0.21875) == [float(x) for x in range(1, 61)]
    acc, s = timeline(write_at=0.125, race_s=1 / 16)
    assert stale_times(acc, 0.125) == [float(x) for x in range(1, 61)]


# -- 5. Cold cache, jitter, stale-while-revalidate ------------------------------------------------


def test_a_flushed_cache_starts_cold_and_warms_up() -> None:
    """1,000 reads a second of Zipf(0.9) keys over 10,000, capacity 1,000, loads of 5 ms: warm up
    for 30 s, measure the steady hit ratio over the next 30 s, flush at 60 s. Every read before
    the first load after the flush can land (60 s + L) misses; then the hit ratio climbs as the
    hot keys come back (the head of a Zipf catalog returns within a second at this rate), and
    from 2 s on it is the steady one again (within 0.02: about 5 standard errors of a 38,000-read
    mean)."""
    z = Zipf(10_000, 0.9)
    rate, load = 1000.0, 0.005
    t = np.arange(int(100 * rate)) / rate
    k = z.sample(stream(2, "keys"), t.size)
    w = np.zeros(t.size, dtype=np.bool_)
    c = cache(keys=10_000, capacity=1_000, ttl_s=math.inf)
    warm, cut = int(30 * rate), int(60 * rate)
    c.access(t[:warm], k[:warm], w[:warm], load)
    before = c.stats.copy()
    steady = c.access(t[warm:cut], k[warm:cut], w[warm:cut], load)
    h = float((steady.outcome == HIT).mean())
    assert c.stats.since(before).hit_ratio == pytest.approx(h, abs=1e-12)
    assert c.flush() == 1_000
    assert c.size == 0
    after = c.access(t[cut:], k[cut:], w[cut:], load)
    hit = (after.outcome == HIT).astype(F)
    assert not hit[t[cut:] < 60.0 + load].any()
    tenth = hit[:1000].reshape(10, -1).mean(axis=1)  # the first second, in tenths
    assert tenth[0] < 0.5 * h
    assert tenth[0] < tenth[1:3].mean() < tenth[3:].mean() < h
    assert abs(hit[2000:].mean() - h) < 0.02


def expiry_misses(jitter: float) -> np.ndarray:
    """200 keys filled together (all asked for within 20 ms of 0), then each read once a second for
    400 s: the misses per second, TTL 300 s."""
    n = 200
    t = (np.arange(401)[:, None] + np.arange(n)[None, :] * 1e-4).ravel()
    k = np.tile(np.arange(n), 401)
    c = cache(keys=n, ttl_s=300.0, ttl_jitter=jitter)
    c.access(t[:n], k[:n], np.zeros(n, bool), 0.01)
    c.advance(0.1)  # the loads land at 0.01 … 0.0299
    e = c.expiries()
    assert e.size == n
    assert e.min() >= 0.01 + 300 * (1 - jitter) and e.max() <= 0.03 + 300 * (1 + jitter)
    acc = c.access(t[n:], k[n:], np.zeros(t.size - n, bool), 0.01)
    return np.bincount(t[n:][acc.outcome == MISS].astype(int), minlength=401)


def test_ttl_jitter_spreads_the_expiries_of_keys_filled_together() -> None:
    """Without jitter the 200 entries, filled at 0.01-0.03 s, expire at 300.01-300.03 s, and the
    reads at 301 s miss all together. With 10 % jitter their TTLs are spread over 270-330 s: about 200/60
    ≈ 3.3 misses a second, never more than 15 (Binomial(200, 1/60) reaches 15 with probability
    about 1e-6 per second)."""
    flat = expiry_misses(0.0)
    assert flat[301] == 200 and flat.sum() == 200
    spread = expiry_misses(0.1)
    assert spread[:400].sum() == 200
    assert spread.max() <= 15
    assert np.count_nonzero(spread) > 30


def test_stale_while_revalidate_serves_stale_and_refreshes_once() -> None:
    """One key read every 1/8 s, loads of 0.5 s, TTL 10 s, a 5 s stale window, single flight (so
    the reads at 0.125-0.375 wait for the first load instead of refilling the entry after it).
    The read at 0 loads; the entry lands at 0.5 and expires at 10.5. The read at 10.5 is served stale and
    starts the one background refresh, which lands at 11; the reads at 10.625, 10.75 and 10.875
    are served stale too and start none. From 11 on they hit the refreshed entry until it expires
    at 21 (refresh at 21, landing at 21.5), and so on: one refresh per TTL, no client miss after
    the first."""
    t = np.arange(0, 25, 0.125)
    c = cache(keys=1, ttl_s=10.0, swr_s=5.0, single_flight=True)
    acc = in_ticks(c, *reads(t), 0.5)
    assert acc.refresh_t.tolist() == [10.5, 21.0]
    assert acc.refresh_key.tolist() == [0, 0]
    stale = t[acc.outcome == STALE_SERVED].tolist()
    assert stale == [10.5, 10.625, 10.75, 10.875, 21.0, 21.125, 21.25, 21.375]
    assert np.flatnonzero(acc.outcome == MISS).tolist() == [0]
    assert acc.db.sum() == 1  # background refreshes belong to no client request
    s = c.stats
    assert (s.loads, s.refreshes, s.stale_served, s.stale_reads, s.coalesced) == (3, 2, 8, 0, 3)


def test_past_the_stale_window_an_entry_is_a_miss() -> None:
    c = cache(keys=1, ttl_s=10.0, swr_s=5.0)
    acc = c.access(*reads(np.array([0.0, 1.0, 15.5, 16.0])), 0.25)
    assert acc.outcome.tolist() == [MISS, HIT, MISS, HIT]
    assert c.stats.expirations == 1 and acc.refresh_t.size == 0


# -- 6. Determinism, commands ---------------------------------------------------------------------


def run(seed: int, tick: float) -> tuple[Access, CacheStats]:
    z = Zipf(2_000, 0.99)
    rng = stream(seed, "keys")
    t = np.sort(rng.random(20_000)) * 20.0
    k = z.sample(rng, t.size)
    w = rng.random(t.size) < 0.05
    c = cache(seed, keys=2_000, capacity=300, ttl_s=2.0, ttl_jitter=0.2, swr_s=0.5, invalidate=True)
    return in_ticks(c, t, k, w, 0.02, tick), c.stats


def test_the_same_seed_gives_the_same_arrays_whatever_the_tick() -> None:
    a, sa = run(4, 0.1)
    b, sb = run(4, 0.1)
    c, sc = run(4, 0.25)
    for f in ("outcome", "db", "wait", "stale", "refresh_t", "refresh_key"):
        assert np.array_equal(getattr(a, f), getattr(b, f))
        assert np.array_equal(getattr(a, f), getattr(c, f))
    assert sa == sb == sc
    d, _ = run(5, 0.1)
    assert not np.array_equal(a.outcome, d.outcome)


def test_commands_change_the_settings_and_flush() -> None:
    c = cache(keys=100, capacity=50)
    table = c.commands()
    assert set(table) == {"cache.capacity", "cache.ttl_s", "cache.ttl_jitter", "cache.policy",
                          "cache.invalidate", "cache.single_flight", "cache.swr_s", "cache.flush"}
    c.access(*reads(np.arange(50) * 0.01, np.arange(50)), 0.0)
    c.advance(1.0)
    assert c.size == 50
    table["cache.capacity"](20)
    assert c.size == 20 and c.stats.evictions == 30
    table["cache.policy"]("write-through")
    table["cache.single_flight"](True)
    assert c.spec.policy == "write-through" and c.spec.single_flight and c.spec.capacity == 20
    table["cache.flush"](True)
    assert c.size == 0
