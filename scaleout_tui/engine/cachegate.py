"""The look-aside cache in the data plane: a cache box in front of the database, and its counts.

:mod:`cache` decides what each request meets (a hit, a miss, a wait for a load in flight, a
stale entry); this module runs it on a box of its own, in the data plane's ``cache`` stage
(:mod:`stages`), which every database query of a level with a cache passes on its way to the
database. Why a stage and not a gate on the web tier: a request reaches a stage only in the tick
in which it arrives there, and no later request can arrive there earlier, so the cache sees the
requests of the whole run in ascending time, tick after tick, as one server would, and the cache
box queues its operations as exactly as the database box queues its queries.

What a request costs here, on top of what it cost without a cache (``op`` is the cache box's CPU
per operation, ``CacheSpec.op_s`` at speed 1, queueing included; ``get`` one cache round trip,
``CacheSpec.get_s``):

* **hit** (and **stale-served**): ``op + get``, and no database query: the request is answered.
* **miss**: ``op + get``, then the database as without a cache. The box also does the ``SET``
  that fills the entry once the load is back; it is charged with the ``GET`` (the box's CPU is
  right, the client does not wait for it).
* **coalesced** (single flight): ``op + get``, then it waits for the load in flight to land
  (``Access.wait``): no query of its own.
* **write**: the database as without a cache, plus the write policy's operation: a ``DEL``
  (cache-aside with invalidation) or a ``SET`` (write-through), ``op + get``; cache-aside
  without invalidation does not talk to the cache at all.
* **background refresh** (stale-while-revalidate): a database query no client waits for, with
  the mean database demand of the reads seen so far, put on the master's queue at its time (as
  a health probe is: ahead of requests of the same tick that arrived before it, by under a
  tick); its ``SET`` is charged to the read that started it.

While the cache box is down (crashed; or hung or erroring, which the app's cache client, with a
short timeout, treats the same) each query's cache call fails at once (one round trip, ``get``,
for the refused connection) and the query goes to the database: counted as ``bypassed``. A crash
loses every entry and the fills on their way: the box comes back empty (``cache_down``, then
``cache_cold`` on its return). ``cache.flush`` (a restart, a deploy that clears it) empties it
at once (``cache_flushed``).

**The load time** (``load_s`` of :meth:`~cache.LookAsideCache.access`): how long a miss takes
from its lookup until the app has the database's answer, ``op + get`` plus the database's
response time as the app sees it (arrival at the database box to the answer back at the app:
queue, service, the hop back) averaged over the last closed one-second window that had any
query. Before the first window closes it is the queries' demand at the database box's speed
plus one hop: what an idle database takes. So it lags the database's queue by up to a window,
which the cache's own docstring explains is the price of moving a tick's requests in bulk.
Of that time only the last part, a read's own work at the database plus the hop back
(``race_s``), is the window in which a write leaves the fill stale.

Counters per closed window (:attr:`CacheGate.series`, names in :data:`CACHE_SERIES`) and for
the run (:attr:`CacheGate.stats`, :attr:`CacheGate.bypassed`, :attr:`CacheGate.ops`).

Keys are Zipf-distributed over the catalog (:mod:`zipf`), drawn from their own random stream
(``cache_keys``), one per request that reaches the cache stage, in time order; TTL jitter has
its own (``cache``). Neither moves any other stream.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from scaleout_tui.engine.arrays import F64, I64
from scaleout_tui.engine.box import Box
from scaleout_tui.engine.cache import (
    COALESCED,
    MISS,
    STALE_SERVED,
    WRITE,
    CacheSpec,
    CacheStats,
    LookAsideCache,
)
from scaleout_tui.engine.commands import Handler, Value
from scaleout_tui.engine.fleet import Fleet
from scaleout_tui.engine.queueing import WorkerBank
from scaleout_tui.engine.requests import FAULTS, STAGES, Tables, Transit
from scaleout_tui.engine.rng import stream
from scaleout_tui.engine.world import World
from scaleout_tui.engine.zipf import Zipf

CACHE = STAGES.index("cache")
DB = STAGES.index("db")

#: the per-window series (one value per closed one-second window)
CACHE_SERIES: tuple[str, ...] = (
    "t", "hit_ratio", "hits", "misses", "duplicate_loads", "coalesced", "stale_reads",
    "stale_served", "refreshes", "entries", "evictions", "bypassed", "ops", "load_ms",
)


class CacheGate:
    """The cache box and the cache's part in the data plane (a :class:`~requests.CacheHook`)."""

    def __init__(self, world: World, fleet: Fleet, spec: CacheSpec, seed: int) -> None:
        self.world = world
        self.cache = LookAsideCache(spec, stream(seed, "cache"))
        self.zipf = Zipf(spec.keys, spec.zipf_s)
        self.keys_rng = stream(seed, "cache_keys")
        itype = fleet.catalog.get(spec.box_type, fleet.aux_type) if spec.box_type else fleet.aux_type
        self.box: Box = fleet.add_live_box("redis", "cache", itype)
        world.data.stages.box[CACHE] = self.box.index
        world.data.stages.cache = self
        world.crash_hooks.append(self._crashed)
        world.tick_hooks.append(self._watch)
        world.second_hooks.append(self._window)
        self.up = True
        #: queries that went to the database because the cache was down (or refused them)
        self.bypassed = 0
        #: operations the cache box served (GET, SET, DEL), and their CPU at speed 1
        self.ops = 0
        self.work = 0.0
        #: the load time the cache uses now (None until the first query reaches it)
        self.load_s: float | None = None
        self._resp_sum = 0.0
        self._resp_n = 0
        self._read_db_sum = 0.0
        self._read_n = 0
        #: background refreshes started in an earlier tick, not yet queued at the database: when
        #: each reaches it, and its CPU there (see :meth:`_refresh`)
        self._due: list[tuple[float, float]] = []
        self._at_close = CacheStats()
        self._bypassed_at_close = 0
        self._ops_at_close = 0
        #: the last closed window's counts (zeros before the first closes)
        self.last = CacheStats()
        self.last_bypassed = 0
        self.series: dict[str, list[float]] = {k: [] for k in CACHE_SERIES}

    @property
    def spec(self) -> CacheSpec:
        return self.cache.spec

    @property
    def stats(self) -> CacheStats:
        """The run's counts so far (see :class:`~cache.CacheStats`)."""
        return self.cache.stats

    # ---- the data plane ---------------------------------------------------------------------
    def visit(self, batch: Transit, tables: Tables, bank: WorkerBank) -> tuple[F64, F64]:
        n = batch.rid.size
        spec = self.spec
        work = np.zeros(bank.n)
        self._queue_due(tables, bank, work)
        # one lookup per request: the legs of a scatter-gather query share their request's id
        rid = batch.rid
        if n > 1 and np.unique(rid).size < n:
            _, first, inv = np.unique(rid, return_index=True, return_inverse=True)
            order = np.argsort(first, kind="stable")
            rank = np.empty_like(order)
            rank[order] = np.arange(order.size)
            req, leg_of = first[order], rank[inv]
        else:
            req = leg_of = np.arange(n)
        t = batch.t[req]
        write = batch.write[req]
        keys = self.zipf.sample(self.keys_rng, t.size)
        db_s = batch.demand[req, DB]
        reads = ~write
        self._read_db_sum += float(db_s[reads].sum())
        self._read_n += int(np.count_nonzero(reads))
        leave = t + spec.get_s
        b = self.box.index
        up = bool(tables.accepting[b]) and int(tables.fault[b]) == FAULTS["none"]
        if not up:
            self.bypassed += t.size
            return leave[leg_of], work
        if self.load_s is None:
            self.load_s = self._idle_load_s(tables, db_s)
        acc = self.cache.access(t, keys, write, self.load_s, self._race_s(tables))
        o = acc.outcome
        # operations per request: a read's GET, plus the SET of the load or refresh it started;
        # a write's DEL or SET if its policy sends one
        write_op = spec.policy == "write-through" or spec.invalidate
        nops: F64 = np.where(write, float(write_op), 1.0 + (o == MISS))
        if acc.refresh_t.size:
            nops[self._refreshers(t, keys, o, acc.refresh_t, acc.refresh_key)] += 1
        uses = np.flatnonzero(nops > 0)
        scale = float(tables.slow[b] / tables.speed[b])
        op_w = spec.op_s * scale
        served = bank.offer(t[uses], np.full(uses.size, b, dtype=np.int64), nops[uses] * op_w)
        ok = uses[served.accepted]
        # the client's GET is the first of the request's operations: it leaves when that is done
        leave[ok] = served.finish[served.accepted] - (nops[ok] - 1) * op_w + spec.get_s
        work[b] += float(nops[ok].sum()) * op_w
        self.ops += round(float(nops[ok].sum()))
        self.work += float(nops[ok].sum()) * spec.op_s
        refused = uses[~served.accepted]  # a full cache box: the app goes to the database
        self.bypassed += refused.size
        quiet = write & (nops == 0)
        leave[quiet] = t[quiet]  # cache-aside without invalidation: the cache never hears of it
        answered = np.ones(t.size, dtype=np.bool_)
        answered[o == MISS] = False
        answered[o == WRITE] = False
        answered[refused] = False
        co = o == COALESCED
        leave[co] += acc.wait[co]
        legs_answered = answered[leg_of]
        batch.demand[legs_answered, DB] = 0.0
        self._refresh(acc.refresh_t, tables, bank, work)
        return leave[leg_of], work

    def _race_s(self, tables: Tables) -> float:
        """The window in which a write makes a load's fill stale: the database's own work on a
        read (the mean so far, at the database box's speed now) and the hop back. The load's
        wait in the queue before it is not part of it (:mod:`cache`)."""
        db = self.world.data.db_box
        if db is None or self._read_n == 0:
            return 0.0
        scale = float(tables.slow[db] / tables.speed[db])
        return self._read_db_sum / self._read_n * scale + self.world.timings.rtt_s

    def _idle_load_s(self, tables: Tables, db_s: F64) -> float:
        """The load time before any window closed: an idle database's answer to these queries."""
        db = self.world.data.db_box
        scale = float(tables.slow[db] / tables.speed[db]) if db is not None else 1.0
        return self.spec.op_s + self.spec.get_s + float(db_s.mean()) * scale + self.world.timings.rtt_s

    @staticmethod
    def _refreshers(t: F64, keys: I64, o: npt.NDArray[np.int8], rt: F64, rk: I64) -> I64:
        """The requests that started each background refresh: the first stale-served read of
        its key at its time (the cache starts one per key at a time)."""
        out = np.empty(rt.size, dtype=np.int64)
        for j, (when, key) in enumerate(zip(rt.tolist(), rk.tolist(), strict=True)):
            i = int(np.searchsorted(t, when, side="left"))
            while not (keys[i] == key and o[i] == STALE_SERVED):
                i += 1
            out[j] = i
        return out

    def _refresh(self, rt: F64, tables: Tables, bank: WorkerBank, work: F64) -> None:
        """Background refreshes: each a query on the master at its time, that no client awaits.

        They are queued at the database in the next tick's cache stage, not in this one: this
        tick's database queries are queued after this stage, and a refresh booked now at its
        time would hold a worker from then on, so that a query that arrived *before* it would
        wait for it (with 0.5 s ticks the database's queue read ten times what it was, at the
        same CPU). Queued a tick later, each refresh starts when a worker is free after the
        queries of its own tick, which no client notices: nobody awaits a refresh."""
        db = self.world.data.db_box
        if rt.size == 0 or db is None or not tables.accepting[db] or self._read_n == 0:
            return
        demand = self._read_db_sum / self._read_n * float(tables.slow[db] / tables.speed[db])
        self._due.extend((when + self.spec.get_s, demand) for when in rt.tolist())

    def _queue_due(self, tables: Tables, bank: WorkerBank, work: F64) -> None:
        """Queue the refreshes of earlier ticks at the database (all earlier than this tick's
        queries); those whose database is down by now are lost, as a query would be."""
        if not self._due:
            return
        due, self._due = self._due, []
        db = self.world.data.db_box
        if db is None or not tables.accepting[db]:
            return
        for when, demand in due:
            bank.occupy(db, when, demand)
            work[db] += demand

    def db_answered(self, t: F64, fin: F64) -> None:
        self._resp_sum += float((fin - t).sum())
        self._resp_n += int(t.size)

    # ---- the control plane ----------------------------------------------------------------
    def _crashed(self, box: Box) -> None:
        if box is not self.box:
            return
        held = self.cache.lose()
        self.up = False
        self.world.emit("cache_down", "error", box=box.name, entries=held)

    def _watch(self, t0: float) -> None:
        """Before each tick: a cache box back from a crash is cold (it lost everything)."""
        if not self.up and self.box.accepting:
            self.up = True
            self.world.emit("cache_cold", "warn", box=self.box.name)

    def _window(self, t: float) -> None:
        """A one-second window closed: its counts, and the load time the next one uses."""
        if self._resp_n:
            s = self.spec
            self.load_s = s.op_s + s.get_s + self._resp_sum / self._resp_n
            self._resp_sum, self._resp_n = 0.0, 0
        now = self.cache.stats
        w = self.last = now.since(self._at_close)
        self._at_close = now.copy()
        self.last_bypassed = self.bypassed - self._bypassed_at_close
        self._bypassed_at_close = self.bypassed
        ops = self.ops - self._ops_at_close
        self._ops_at_close = self.ops
        row = {"t": t, "hit_ratio": w.hit_ratio, "hits": w.hits, "misses": w.misses,
               "duplicate_loads": w.duplicate_loads, "coalesced": w.coalesced,
               "stale_reads": w.stale_reads, "stale_served": w.stale_served, "refreshes": w.refreshes,
               "entries": self.cache.size, "evictions": w.evictions, "bypassed": self.last_bypassed,
               "ops": ops, "load_ms": 1000.0 * (self.load_s or 0.0)}
        for k in CACHE_SERIES:
            self.series[k].append(float(row[k]))

    def commands(self) -> dict[str, Handler]:
        """The cache's settings (``cache.*``, see :meth:`~cache.LookAsideCache.commands`), and
        ``cache.flush``, which also says so in the log."""
        table = self.cache.commands()
        table["cache.flush"] = self._flush
        return table

    def _flush(self, value: Value) -> None:
        held = self.cache.flush()
        self.world.emit("cache_flushed", "warn", box=self.box.name, entries=held)
