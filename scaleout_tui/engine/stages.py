"""The tiers behind the web tier: a shared session store and the database, each a queue on its
own box one LAN round trip away.

Why apart from :mod:`dataplane`: the web stage decides, for every request, whether it is answered
by its web box or goes on; from there on a request is a row in ``transit`` until it reaches its
next stage, and this module moves those rows stage by stage (``STAGES``). Ordering at a stage is
exact: a request enters a stage only in the tick in which it arrives there, and no later request
can arrive there earlier. A query for every shard fans out here into one leg per shard, and the
request succeeds when its last leg is back, or fails with its first failed leg.

The ``cache`` stage is the one that is not a plain queue: a level with a look-aside cache hands
it to a :class:`~scaleout_tui.engine.requests.CacheHook` (:mod:`cachegate`), which answers the
queries it can and sends the others on to the database. A level without one never routes a
request there (its column of demand stays 0), so its runs are what they were.
"""

from __future__ import annotations

import numpy as np

from scaleout_tui.engine.arrays import F64, I64, B
from scaleout_tui.engine.box import Box
from scaleout_tui.engine.queueing import WorkerBank
from scaleout_tui.engine.requests import (
    BROADCAST,
    CAUSE,
    FAST_ANSWER_S,
    FAULTS,
    OK,
    STAGE_DOWN,
    STAGES,
    TRANSIT_FIELDS,
    CacheHook,
    DbRouter,
    Flight,
    Gate,
    Tables,
    Transit,
    WebBatch,
    next_stage,
)
from scaleout_tui.engine.traffic import is_write

CACHE = STAGES.index("cache")
DB = STAGES.index("db")


class Stages:
    """The downstream stages of the data plane and the requests on their way to them."""

    def __init__(self, bank: WorkerBank, boxes: list[Box], rtt_s: float, timeout_s: float) -> None:
        self.bank = bank
        self.boxes = boxes
        self.rtt_s = rtt_s
        self.timeout_s = timeout_s
        self.transit = Transit.empty()
        #: the box of each stage (``STAGES``); None: the level has no such tier (the database's
        #: entry is the master, whose queries a :class:`DbRouter` may send elsewhere)
        self.box: list[int | None] = [None] * len(STAGES)
        #: replicas or shards: which database box answers a query (None: the master)
        self.db_router: DbRouter | None = None
        #: a look-aside cache in front of the database (None: the level has none)
        self.cache: CacheHook | None = None

    @property
    def db_box(self) -> int | None:
        """The database master's box (None: no database tier)."""
        return self.box[DB]

    @db_box.setter
    def db_box(self, idx: int | None) -> None:
        self.box[DB] = idx

    def leave_web(self, batch: WebBatch, rid: I64, got: I64, fin: F64, db_here: B,
                  gates: list[Gate]) -> None:
        """Requests ``got`` leave their web box at ``fin``: answered, or on to the next stage."""
        arr = batch.arr
        stage_dem = np.zeros((got.size, len(STAGES)))
        for gate in gates:
            gate.stage_demand(batch, got, stage_dem, self.box)
        write = np.zeros(got.size, dtype=np.bool_)
        dbbox = np.full(got.size, -1, dtype=np.int64)
        if self.db_box is not None:
            write = is_write(arr.kind[got])
            needs_db = ~db_here[got] & (arr.db_s[got] > 0)
            dbbox = self._db_targets(arr.t[got], arr.user[got], write)
            stage_dem[:, DB] = np.where(needs_db, arr.db_s[got], 0.0)
            if self.cache is not None:  # a query asks the cache first (its work: see the hook)
                stage_dem[:, CACHE] = needs_db
        nxt = next_stage(stage_dem, -1)
        direct = nxt == len(STAGES)
        batch.done[got[direct]] = fin[direct] + self.rtt_s
        via = ~direct
        if via.any():
            self.enter(Transit(rid[got[via]], fin[via] + self.rtt_s, nxt[via],
                                        stage_dem[via], dbbox[via], arr.user[got[via]], write[via]))

    def _db_targets(self, t: F64, user: I64, write: B) -> I64:
        """The database box for each query: the master, a replica, a shard, or
        ``BROADCAST`` for a range query that must ask every shard."""
        master = self.db_box
        assert master is not None
        if self.db_router is not None:
            return self.db_router.targets(t, user, write, master, self.boxes)
        return np.full(t.size, master, dtype=np.int64)

    def enter(self, tr: Transit) -> None:
        """Queue requests for their next stage; a broadcast query becomes one leg per shard."""
        fan = tr.dbbox == BROADCAST
        if fan.any() and self.db_router is not None:
            legs = tr.take(fan)
            boxes = self.db_router.legs()
            k = boxes.size
            rep = Transit(*[np.repeat(getattr(legs, name), k, axis=0) for name in TRANSIT_FIELDS])
            rep.dbbox = np.tile(boxes, legs.rid.size)
            tr = tr.take(~fan)
            tr.add(rep)
        self.transit.add(tr)

    def move(self, flight: Flight, tb: Tables, t1: float) -> F64:
        """Serve the requests that reach a stage before ``t1``, stage by stage; the work each
        box took on (for its CPU gauge)."""
        added = np.zeros(self.bank.n)
        for k in range(len(STAGES)):
            tr = self.transit
            if tr.rid.size == 0:
                break
            if k == CACHE and self.cache is None:  # no request is routed to a stage not there
                continue
            here = (tr.stage == k) & (tr.t < t1)
            if not here.any():
                continue
            batch = tr.take(here)
            tr.keep(~here)
            o = np.argsort(batch.t, kind="stable")
            batch = batch.take(o)
            f = flight
            pos = np.searchsorted(f.rid, batch.rid)
            alive = pos < f.size
            alive[alive] = f.rid[pos[alive]] == batch.rid[alive]
            # still awaited by the client (not timed out, not failed)?
            alive[alive] = f.resolve_at[pos[alive]] >= f.arrival[pos[alive]] + self.timeout_s
            batch, pos = batch.take(alive), pos[alive]
            if batch.rid.size == 0:
                continue
            f.stage_now[pos] = k
            if k == CACHE and self.cache is not None:
                leave, work = self.cache.visit(batch, tb, self.bank)
                added += work
                batch.t = leave
                self._forward(batch, pos, k, f)
                continue
            box = batch.dbbox if k == DB else np.full(batch.rid.size, self.box[k] or -1)
            if k == DB:
                f.dbbox[pos] = box
            up = (box >= 0) & tb.accepting[np.maximum(box, 0)]
            t = batch.t
            fin = np.full(t.size, np.inf)
            ok = np.zeros(t.size, dtype=np.bool_)
            # a leg's failure is known on its arrival at the stage: a down box refuses at once
            fail_t = t.copy()
            why = np.where(~up, STAGE_DOWN[k], CAUSE["queue_full"]).astype(np.int8)
            if tb.fault.any():
                # an app fault on a downstream box, as on a web box: an erroring one answers an
                # error at once (the app turns it into a 500); a hung one accepts the query and
                # never answers, so the client waits out its own timeout
                fault = np.where(up, tb.fault[np.maximum(box, 0)], FAULTS["none"])
                err = fault == FAULTS["error"]
                fail_t[err] = t[err] + FAST_ANSWER_S + self.rtt_s
                why[err] = STAGE_DOWN[k]
                hung = fault == FAULTS["hang"]
                fail_t[hung] = f.arrival[pos[hung]] + self.timeout_s
                why[hung] = CAUSE["timeout"]
                up &= ~(err | hung)
            if up.any():
                u = np.flatnonzero(up)
                speed = tb.speed[box[u]]
                # a slow box (an injected fault) serves its queries ``slow`` times slower
                work = batch.demand[u, k] * tb.slow[box[u]] / speed
                served = self.bank.offer(t[u], box[u], work)
                ok[u] = served.accepted
                fin[u] = np.where(served.accepted, served.finish + self.rtt_s, np.inf)
                added += np.bincount(box[u][served.accepted], weights=work[served.accepted],
                                     minlength=self.bank.n)
                if k == DB and self.cache is not None:
                    self.cache.db_answered(t[u][served.accepted], fin[u][served.accepted])
                if k == DB and self.db_router is not None:
                    self.db_router.committed(batch, box, u[served.accepted], served.finish[served.accepted],
                                             tb, self.db_box, self.rtt_s)
            # a request fails if any of its legs failed; it is done when its last leg is
            first = np.argsort(batch.rid, kind="stable")
            by_rid = batch.rid[first]
            if by_rid.size > 1 and bool((by_rid[1:] == by_rid[:-1]).any()):  # fanned-out legs
                rid_u, first, inv = np.unique(batch.rid, return_index=True, return_inverse=True)
                all_ok = np.ones(rid_u.size, dtype=np.bool_)
                np.logical_and.at(all_ok, inv, ok)
                last_fin = np.full(rid_u.size, -np.inf)
                np.maximum.at(last_fin, inv, fin)
                bad_cause = np.full(rid_u.size, OK, dtype=np.int8)
                bad_t = np.full(rid_u.size, np.inf)
                np.minimum.at(bad_t, inv, np.where(ok, np.inf, fail_t))
                bad_leg = ~ok
                bad_cause[inv[bad_leg]] = why[bad_leg]
            else:  # one leg per request (the usual case): the same figures without grouping
                all_ok = ok[first]
                last_fin = fin[first]
                bad_t = np.where(ok, np.inf, fail_t)[first]
                bad_cause = np.where(ok, OK, why).astype(np.int8)[first]
            p = pos[first]
            failed = ~all_ok
            f.cause[p[failed]] = bad_cause[failed]
            f.resolve_at[p[failed]] = bad_t[failed]
            f.done[p[failed]] = bad_t[failed]
            good = np.flatnonzero(all_ok)
            if good.size == 0:
                continue
            rep = batch.take(first[good])
            rep.t = last_fin[good]
            self._forward(rep, p[good], k, f)
        return added

    def _forward(self, rep: Transit, p: I64, k: int, f: Flight) -> None:
        """Requests ``rep`` (rows ``p`` of the flight) leave stage ``k`` at ``rep.t``: answered,
        if no later stage has work for them, or queued for the next one."""
        nxt = next_stage(rep.demand, k)
        last = nxt == len(STAGES)
        pl = p[last]
        fl = rep.t[last]
        f.done[pl] = fl
        deadline = f.arrival[pl] + self.timeout_s
        f.cause[pl] = np.where(fl > deadline, CAUSE["timeout"], OK)
        f.resolve_at[pl] = np.minimum(fl, deadline)
        if (~last).any():
            onward = rep.take(~last)
            onward.stage = nxt[~last]
            self.enter(onward)
