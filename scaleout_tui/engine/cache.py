"""A look-aside cache (Redis or memcached beside the app) in front of the database.

The app asks the cache first (``GET``); on a hit it answers from memory in one LAN round trip,
on a miss it queries the database and fills the cache with the answer. What this module models,
and why each piece is here:

* **Finite capacity, LRU eviction** (counted in entries, not bytes): memcached evicts the least
  recently used item of a slab class, Redis with ``maxmemory-policy allkeys-lru`` an
  approximation of it. With Zipf key popularity (:mod:`zipf`) the hit ratio follows Che's
  approximation (Che, Tung and Wang, IEEE JSAC 2002), which the tests check.
* **TTL per entry, optional jitter**: an entry expires ``ttl_s`` after it was filled. Keys
  filled together (a cold start, a deploy) expire together and miss together; a jitter ``j``
  draws each fill's TTL from ``ttl_s × U(1 − j, 1 + j)`` and spreads those expiries out.
* **Write policies and stale reads**: every key has a version in the database, bumped by each
  write, and each entry remembers the version it was loaded with; a read answered from the
  cache with an older version is a *stale read*. ``cache-aside`` writes to the database only,
  so an entry stays stale until it expires, unless ``invalidate`` deletes it on each write;
  ``write-through`` writes the new value into the cache as well (AWS ElastiCache's "lazy
  loading" and "write-through" strategies). A load reads the version the database holds when
  its query is served, and stores it when the answer is back: a write committed in between
  (with its DEL or SET sent before that store) leaves a stale entry behind it, under every
  policy: the race Facebook's memcache leases close (Nishtala et al., "Scaling Memcache at
  Facebook", NSDI 2013, §3.2.1). It is real, so it is kept; but when the write sends a DEL or
  SET after its commit, the window is the query's own service and the hop back (``race_s``),
  not the load's wait in the database's queue: a write arriving while the read still queues is
  served after it (FIFO) and its DEL or SET lands after the fill, which it replaces. Plain
  cache-aside sends nothing, so there any write after the load began leaves the old value.
* **Stampede**: while the load of key k is in flight, further misses on k are duplicate loads,
  each one more database query, unless ``single_flight`` (request coalescing, Go's
  ``singleflight``, nginx's ``proxy_cache_lock``) makes them wait for the load in flight and
  answers them when it lands. A hot key that expires under λ requests per second and takes L
  seconds to load sends about λL duplicate queries per expiry without it, none with it.
* **Stale-while-revalidate** (RFC 5861; nginx ``proxy_cache_background_update``): an entry
  expired less than ``swr_s`` ago is still served (a hit, counted as stale-served), and the
  first such read starts one background refresh, a database query no client waits for.
* **Cold cache**: :meth:`LookAsideCache.flush` (a restart, a deploy that clears it) empties it;
  the hit ratio starts at 0 and climbs as the hot keys come back.

**Why the load time is an input.** The data plane moves a tick's requests in bulk, and a miss's
real database answer time is known only after the database queue has served it, later in the
same tick or in a later one. The misses of a tick must be decided first, since they *are* that
queue's load. So each call takes ``load_s``, the database's response time as clients see it now
(e.g. its mean in the last closed one-second window), and a load started at t lands, filling the
entry, at t + ``load_s``. The cache's own behaviour (who hits, who stampedes, who waits) is exact
given that duration; only the duration lags the queue by up to a window.

Defaults, and where they come from:

* ``get_s = 0.0005``: one GET's round trip. redis.io's "Diagnosing latency issues" puts a
  1 Gbit/s network at about 200 µs and notes virtualised hosts add more; ElastiCache advertises
  sub-millisecond reads. 0.5 ms is the engine's LAN round trip (``Timings.rtt_s``): a cache hit
  costs what the database's network leg does, and no more. Redis itself spends under 1 µs on a GET.
* ``ttl_s = 300``: Django's cache framework's default ``TIMEOUT`` (5 minutes).
* ``capacity = 10_000`` entries (*assumed*): memcached's default ``-m 64`` (64 MB) at about 6 KB
  per item (a rendered fragment or a small row set, with key and item header).
* ``keys = 100_000`` (*assumed*), ``zipf_s = 0.99`` (YCSB's default exponent, see :mod:`zipf`).
* jitter, single flight, stale-while-revalidate and invalidation are all off by default, as in
  Django's and Rails' caches and nginx (``proxy_cache_lock off``): each is a fix a player adds.
* ``op_s = 0.00001``: the cache server's CPU per operation (GET, SET or DEL), for the cache box
  the data plane runs (:mod:`cachegate`). Redis serves about 100,000 simple operations a second
  on one core without pipelining: redis.io's "Redis benchmark" page shows ``redis-benchmark -t
  set,lpush -n 100000 -q`` at about 74,000 SETs a second (72,000 with ``-r 100000``), and the
  Redis 2.2 source tree's ``doc/Benchmarks.html`` 110,000 SETs and 81,000 GETs on a 2.5 GHz
  Xeon. 1 / 100,000 s = 10 µs, the order of both. (The box runs one worker per vCPU, where Redis
  runs commands on one thread; level 10's cache box peaks near 700 operations a second.)
* ``box_type = None``: the cache box's instance type, by its catalog name; None takes the
  level's ``aux_type`` (the balancer's and the session store's).

The engine writes no prose: counters are numbers, refusals are codes.
"""

from __future__ import annotations

import heapq
import math
from collections import OrderedDict
from dataclasses import dataclass, fields, replace

import numpy as np
import numpy.typing as npt

from scaleout_tui.engine.arrays import F64, I64, B
from scaleout_tui.engine.commands import Handler, Value

POLICIES: tuple[str, ...] = ("cache-aside", "write-through")

# Outcome of each request (``Access.outcome``).
HIT = 0          # answered from the cache, entry within its TTL
MISS = 1         # not in the cache: the request loads from the database (first or duplicate load)
COALESCED = 2    # not in the cache, a load is in flight: waits for it (single flight)
STALE_SERVED = 3  # expired less than swr_s ago: answered from the cache, refreshed behind
WRITE = 4        # a write: goes to the database (and to the cache, by the write policy)
OUTCOMES: tuple[str, ...] = ("hit", "miss", "coalesced", "stale_served", "write")

# What a pending fill on the heap comes from: a load (a database read in flight) or a write-through.
FROM_WRITE = 0
FROM_LOAD = 1

JITTER_BLOCK = 4096  # uniforms drawn at a time for TTL jitter (the stream does not depend on ticks)


@dataclass(frozen=True, slots=True)
class CacheSpec:
    keys: int = 100_000           # catalog size: keys are 0 .. keys - 1
    zipf_s: float = 0.99          # key popularity exponent, for whoever draws the keys
    capacity: int = 10_000        # entries
    ttl_s: float = 300.0          # math.inf: no expiry
    ttl_jitter: float = 0.0       # j: each fill's TTL is ttl_s × U(1 − j, 1 + j)
    policy: str = "cache-aside"   # cache-aside | write-through
    invalidate: bool = False      # cache-aside: delete the entry on each write
    single_flight: bool = False   # misses on a key being loaded wait for that load
    swr_s: float = 0.0            # stale-while-revalidate window after expiry
    get_s: float = 0.0005         # one cache round trip, as the app sees it
    op_s: float = 0.00001         # the cache server's CPU per GET, SET or DEL (speed 1)
    box_type: str | None = None   # the cache box's instance type (None: the level's aux_type)


@dataclass(slots=True)
class CacheStats:
    """Counters since the cache was built. ``reads = hits + misses``; ``stale_served`` is a part
    of ``hits``, ``coalesced`` a part of ``misses``; ``loads`` counts every database read the
    cache caused: misses that loaded (``duplicate_loads`` of them while another was in flight)
    and background ``refreshes``."""

    hits: int = 0
    misses: int = 0
    writes: int = 0
    loads: int = 0
    duplicate_loads: int = 0
    refreshes: int = 0
    coalesced: int = 0
    stale_served: int = 0
    stale_reads: int = 0
    evictions: int = 0
    expirations: int = 0
    invalidations: int = 0

    @property
    def reads(self) -> int:
        return self.hits + self.misses

    @property
    def hit_ratio(self) -> float:
        """Hits over reads, as Redis's ``keyspace_hits`` and ``keyspace_misses`` give it (a
        coalesced read missed, whatever it waited for); 0 before any read."""
        return self.hits / self.reads if self.reads else 0.0

    def since(self, before: CacheStats) -> CacheStats:
        """The counts between ``before`` (a copy taken earlier) and now: one window's."""
        return CacheStats(*[getattr(self, f.name) - getattr(before, f.name) for f in fields(self)])

    def copy(self) -> CacheStats:
        return replace(self)


@dataclass(slots=True)
class Access:
    """What happened to each request of a call (arrays of its length ``n``) and the background
    refreshes it started (arrays of their count ``m``, in time order)."""

    outcome: npt.NDArray[np.int8]  # (n,) HIT, MISS, COALESCED, STALE_SERVED or WRITE
    db: B                          # (n,) the request itself queries the database (MISS, WRITE)
    wait: F64                      # (n,) COALESCED: seconds until the load it waits for lands
    stale: B                       # (n,) answered from the cache with an out-of-date version
    refresh_t: F64                 # (m,) when each background refresh starts
    refresh_key: I64               # (m,) which key it loads

    @property
    def reads(self) -> B:
        return self.outcome != WRITE


class LookAsideCache:
    """The cache's state: entries in LRU order, loads in flight, the database's key versions.

    Entries live in an :class:`OrderedDict` of key → expiry time, least recently used first:
    ``move_to_end`` on a hit and ``popitem(last=False)`` for the victim are O(1) in C. (A plain
    dict with delete-and-reinsert does the same, but finding its first live entry scans the
    holes deletions leave at the front: twice as slow at 10,000 entries.)"""

    def __init__(self, spec: CacheSpec, rng: np.random.Generator) -> None:
        self.spec = spec
        self.rng = rng
        self.stats = CacheStats()
        self._entries: OrderedDict[int, float] = OrderedDict()
        self._ver = [0] * spec.keys      # version each entry was loaded with
        self._dbv = [0] * spec.keys      # the database's version of each key
        self._wt = [-math.inf] * spec.keys  # when each key was last written
        self._wprev = [0] * spec.keys    # its version before that write
        self._race_s = 0.0               # the last call's race window (fills landing later use it)
        #: key → when the last load of it started lands: the key is being loaded until then
        self._flying: dict[int, float] = {}
        #: fills to come, (lands at, key, version, FROM_LOAD or FROM_WRITE); at equal times the
        #: older version lands first, so a write-through is never overwritten by an equal-time load
        self._heap: list[tuple[float, int, int, int]] = []
        self._u: list[float] = []
        self._ui = 0
        self._now = 0.0  # the last time a request or a landing was applied

    # -- the per-tick call ------------------------------------------------------------------

    def access(self, t: F64, key: I64, write: B, load_s: float, race_s: float | None = None) -> Access:
        """Apply a tick's requests, ``t`` ascending; loads started now take ``load_s``, of which
        the last ``race_s`` (the database's own work on the query and the hop back; ``load_s``
        when None, a load with no queue) is the window in which a write makes the fill stale."""
        n = int(t.size)
        assert n == 0 or bool(np.all(np.diff(t) >= 0)), "t_not_sorted"
        assert load_s >= 0
        # without a DEL or SET after the write's commit nothing clears a fill that read the old
        # value, wherever the write was in the queue: the whole load is the window then
        spec = self.spec
        quiet = spec.policy != "write-through" and not spec.invalidate
        race = self._race_s = load_s if race_s is None or quiet else min(max(race_s, 0.0), load_s)
        out = [HIT] * n
        db = [False] * n
        wait = [0.0] * n
        stale = [False] * n
        rt: list[float] = []
        rk: list[int] = []
        d, ver, dbv = self._entries, self._ver, self._dbv
        wt, wprev = self._wt, self._wprev
        flying, heap = self._flying, self._heap
        swr, single = spec.swr_s, spec.single_flight
        through = spec.policy == "write-through"
        invalidate = spec.invalidate and not through
        push, pop, touch, popitem = heapq.heappush, heapq.heappop, d.move_to_end, d.popitem
        ttl, jit, cap, inf = spec.ttl_s, spec.ttl_jitter, spec.capacity, math.inf
        due = heap[0][0] if heap else inf  # when the next fill lands
        hits = misses = writes = dup = coal = ss = sr = exp_n = evi = inv = 0
        # One pass in time order; the hot path (a hit) is a dict look-up, a compare and a move.
        # Fills wait on the heap until the first request at or after their time (a write-through
        # fill or a zero-length load lands at once: before any later request).
        for i, (ti, k, w) in enumerate(zip(t.tolist(), key.tolist(), write.tolist(), strict=True)):
            while ti >= due:  # the fills due land first: the same steps as _land, inline for speed
                at, kk, v, source = pop(heap)
                if source:  # a load: the version its query read (_read, inline)
                    v = dbv[kk] if wt[kk] <= at - race else max(v, wprev[kk])
                if jit > 0.0:
                    ttl = self._ttl()
                d[kk] = at + ttl
                touch(kk)
                ver[kk] = v
                if len(d) > cap:
                    _, old = popitem(False)
                    if old + swr <= at:
                        exp_n += 1
                    else:
                        evi += 1
                if source and flying.get(kk) == at:
                    del flying[kk]
                due = heap[0][0] if heap else inf
            if w:
                out[i] = WRITE
                db[i] = True
                writes += 1
                wprev[k], wt[k] = dbv[k], ti
                v = dbv[k] = dbv[k] + 1
                if through:
                    push(heap, (ti, k, v, FROM_WRITE))
                    due = ti
                elif invalidate and k in d:
                    del d[k]
                    inv += 1
                continue
            e = d.get(k)
            if e is not None:
                if ti < e:
                    touch(k)
                    hits += 1
                    if ver[k] < dbv[k]:
                        stale[i] = True
                        sr += 1
                    continue
                if ti < e + swr:
                    touch(k)
                    out[i] = STALE_SERVED
                    hits += 1
                    ss += 1
                    if ver[k] < dbv[k]:
                        stale[i] = True
                        sr += 1
                    if k not in flying:  # one background refresh per key at a time
                        rt.append(ti)
                        rk.append(k)
                        at = flying[k] = ti + load_s
                        push(heap, (at, k, dbv[k], FROM_LOAD))
                        due = min(due, at)
                    continue
                del d[k]
                exp_n += 1
            misses += 1
            if k in flying:
                if single:
                    out[i] = COALESCED
                    wait[i] = flying[k] - ti
                    coal += 1
                    continue
                dup += 1
            out[i] = MISS
            db[i] = True
            # a load starts; it lands load_s later with the version its query read (see _read)
            at = flying[k] = ti + load_s
            push(heap, (at, k, dbv[k], FROM_LOAD))
            if at < due:
                due = at
        if n:
            self.advance(float(t[-1]))
        s = self.stats
        s.hits += hits
        s.misses += misses
        s.writes += writes
        s.loads += misses - coal + len(rt)
        s.duplicate_loads += dup
        s.refreshes += len(rt)
        s.coalesced += coal
        s.stale_served += ss
        s.stale_reads += sr
        s.expirations += exp_n
        s.evictions += evi
        s.invalidations += inv
        return Access(np.array(out, dtype=np.int8), np.array(db, dtype=np.bool_),
                      np.array(wait, dtype=np.float64), np.array(stale, dtype=np.bool_),
                      np.array(rt, dtype=np.float64), np.array(rk, dtype=np.int64))

    def advance(self, t: float) -> None:
        """Land the fills due by ``t`` (inclusive), e.g. at the end of a tick with no requests."""
        self._land(t)
        self._now = max(self._now, t)

    # -- fills ------------------------------------------------------------------------------

    def _land(self, t: float) -> float:
        """Store every fill due by ``t``, in time order: each one becomes the most recently used
        entry (over whatever the entry held: the app's ``SET`` overwrites), evicting the least
        recently used past capacity. Returns when the next fill is due."""
        heap, d, ver, spec, s = self._heap, self._entries, self._ver, self.spec, self.stats
        flying = self._flying
        ttl, jit, cap, swr = spec.ttl_s, spec.ttl_jitter, spec.capacity, spec.swr_s
        while heap and heap[0][0] <= t:
            at, k, version, source = heapq.heappop(heap)
            if source == FROM_LOAD:
                version = self._read(k, at, version)
            d[k] = at + (self._ttl() if jit > 0.0 else ttl)
            d.move_to_end(k)
            ver[k] = version
            # a victim already past its TTL and stale window counts as an expiration (Redis
            # would have expired it by then), any other as an eviction
            while len(d) > cap:
                _, e = d.popitem(last=False)
                if e + swr <= at:
                    s.expirations += 1
                else:
                    s.evictions += 1
            if source == FROM_LOAD and flying.get(k) == at:
                del flying[k]
        return heap[0][0] if heap else math.inf

    def _read(self, k: int, at: float, started: int) -> int:
        """The version a load of ``k`` landing at ``at`` read: the database's as of ``at −
        race_s``, when its query was served. ``started`` is the version when the load began (it
        read no older). Only the key's last write is remembered: with two writes inside the
        window the fill holds the version between them, stale either way. (The hot loop of
        :meth:`access` inlines this.)"""
        if self._wt[k] <= at - self._race_s:
            return self._dbv[k]
        return max(started, self._wprev[k])

    def _ttl(self) -> float:
        """A fill's TTL with jitter: ttl_s × U(1 − j, 1 + j), uniforms drawn a block at a time."""
        if self._ui == len(self._u):
            self._u = self.rng.random(JITTER_BLOCK).tolist()
            self._ui = 0
        u = self._u[self._ui]
        self._ui += 1
        j = self.spec.ttl_jitter
        return self.spec.ttl_s * (1.0 - j + 2.0 * j * u)

    # -- the operator's actions -------------------------------------------------------------

    def flush(self) -> int:
        """Empty the cache (a restart, ``FLUSHALL``); returns how many entries it held. Loads in
        flight still land: the app that started them stores their answers in the empty cache."""
        held = len(self._entries)
        self._entries.clear()
        return held

    def lose(self) -> int:
        """The cache server died: its entries are gone, and so are the fills on their way (the
        app's ``SET`` fails against a dead server); it comes back empty. Returns the entries
        it held. The database's versions stay: they are the database's, not the cache's."""
        held = self.flush()
        self._heap.clear()
        self._flying.clear()
        return held

    def reconfigure(self, spec: CacheSpec) -> None:
        """New settings apply from the next call; entries keep the TTL they were filled with (as
        a Redis key keeps its ``EXPIRE``). A smaller capacity evicts at once."""
        if spec.keys != self.spec.keys:
            raise ValueError("cache_keys_fixed")
        self.spec = spec
        d, s = self._entries, self.stats
        while len(d) > spec.capacity:
            _, e = d.popitem(last=False)
            if e + spec.swr_s <= self._now:
                s.expirations += 1
            else:
                s.evictions += 1

    def commands(self) -> dict[str, Handler]:
        """Handlers for ``cache.*``: a setting replaces the spec's field, ``cache.flush`` flushes."""
        table: dict[str, Handler] = {
            f"cache.{name}": self._setter(name)
            for name in ("capacity", "ttl_s", "ttl_jitter", "policy", "invalidate", "single_flight",
                         "swr_s")}
        table["cache.flush"] = self._flush
        return table

    def _setter(self, name: str) -> Handler:
        def handler(value: Value) -> None:
            if name == "policy":
                assert value in POLICIES
            self.reconfigure(replace(self.spec, **{name: value}))  # type: ignore[arg-type]
        return handler

    def _flush(self, value: Value) -> None:
        self.flush()

    # -- what the data plane and the snapshot read ------------------------------------------

    @property
    def size(self) -> int:
        """Entries held (some may be past their TTL until a read or an eviction finds them)."""
        return len(self._entries)

    def expiries(self) -> F64:
        """When each entry held expires, least recently used first."""
        return np.fromiter(self._entries.values(), dtype=np.float64, count=len(self._entries))

    def in_flight(self) -> int:
        """Loads started and not landed yet."""
        return sum(1 for *_, source in self._heap if source == FROM_LOAD)

    def read_latency(self, acc: Access, load_s: float) -> F64:
        """Each read's latency as the app sees it, given loads take ``load_s``: a hit (fresh or
        stale-served) one GET; a miss the GET that missed, then the load (the SET that fills
        the entry is sent after the answer is known and the app need not wait for it); a
        coalesced read the GET, then the rest of the load it waits for. NaN for writes, whose
        time is the database's write, not a read's."""
        get = self.spec.get_s
        o = acc.outcome
        lat = np.full(o.size, get)
        lat[o == MISS] += load_s
        co = o == COALESCED
        lat[co] += acc.wait[co]
        lat[o == WRITE] = np.nan
        return lat
