"""The data plane: every request of a tick, moved through the fleet with NumPy.

Per tick ``[t0, t1)``:

1. the traffic source samples the arrivals;
2. the balancer (or, without one, the client itself) picks a web box for each: refused
   if that box is not running, no answer if its app hangs, a fast 500 if it errors;
3. the app decides what it can before doing work: a logged-in user whose session this
   box cannot see gets the login page (``session_lost``); a download of a file this
   box cannot see gets a 404 (``not_found``);
4. the web boxes' FIFO queues (:mod:`queueing`) give each request a start and finish;
   a full accept queue answers 503 at once;
5. requests then visit the downstream stages they need (:mod:`stages`), in order: the shared session
   store, then the database, each a queue on its own box one LAN round trip away (on a
   one-box layout the database work is part of the web visit instead); talking to
   shared file storage adds its latency;
6. the client side resolves every request: success when its response arrives before
   the client's timeout, otherwise a timeout at the deadline. The servers still do the
   work of requests the client gave up on, as real servers do, which is why overload
   collapses goodput instead of merely slowing it.

Requests wait in two buffers between ticks: ``flight`` (the client's view: not yet
answered) and ``transit`` (on the way to a downstream stage). Ordering at a stage is
exact: a request enters a stage only in the tick in which it arrives there, and no
later request can arrive there earlier, because later requests reach the web tier
only after ``t1``. Health probes are the one exception: they are served at their own
time, ahead of requests of the same tick that arrived before them (≤ one tick).

The mechanisms a level has join in as :class:`~scaleout_tui.engine.requests.Gate` objects (a
session store, file storage, redirects, local copies of the data, in that order) and one
:class:`~scaleout_tui.engine.requests.DbRouter` (replicas or shards): the tick is a loop over
what the level has, not a chain of special cases, and the data plane imports no mechanism.

The tandem model releases the web worker while the request waits on the DB (like an
async app server). A thread-per-request app would hold it; that refinement changes
the web tier's utilisation, not the DB's, and is left for a later level.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Protocol

import numpy as np
import numpy.typing as npt

from scaleout_tui.engine.arrays import F64, I64
from scaleout_tui.engine.box import BALANCER_ROLES, Box
from scaleout_tui.engine.connections import ERRORS, HANGS, SERVED, OpenRequests, TargetState
from scaleout_tui.engine.metrics import ERROR_CAUSES, Metrics
from scaleout_tui.engine.queueing import WorkerBank
from scaleout_tui.engine.requests import (
    CAUSE,
    FAST_ANSWER_S,
    FAULTS,
    GATE_ORDER,
    OK,
    STAGE_DOWN,
    STAGES,
    WEB,
    ArrivalSource,
    DbRouter,
    Flight,
    Gate,
    Tables,
    Transit,
    WebBatch,
)
from scaleout_tui.engine.stages import Stages
from scaleout_tui.engine.traffic import Arrivals


class Dispatcher(Protocol):
    """What picks a web box for each request: the balancer (see :mod:`balancer`)."""

    def route(self, t: F64, user: I64, rotation: I64, registered: I64,
              open_requests: Callable[[I64], OpenRequests]) -> I64: ...


class DataPlane:
    """Moves requests through the boxes; the control plane changes the boxes."""

    def __init__(self, source: ArrivalSource, boxes: list[Box], metrics: Metrics,
                 queue_limit: int, timeout_s: float, rtt_s: float,
                 colocation_penalty: float, dispatch: str, rng: np.random.Generator) -> None:
        self.source = source
        self.boxes = boxes
        self.metrics = metrics
        self.queue_limit = queue_limit
        self.timeout_s = timeout_s
        self.rtt_s = rtt_s
        self.colocation_penalty = colocation_penalty
        self.dispatch = dispatch
        self.rng = rng
        self.bank = WorkerBank([b.itype.vcpus for b in boxes], [queue_limit] * len(boxes))
        self.flight = Flight.empty()
        self.stages = Stages(self.bank, boxes, rtt_s, timeout_s)
        self.next_id = 0
        self.rr = 0
        #: the box of each downstream stage (the same list as ``stages.box``)
        self.stage_box = self.stages.box
        #: the balancer; None: clients pick a box themselves (``dispatch``)
        self.balancer: Dispatcher | None = None
        self.lb_up = True
        self.port_ok = True
        #: what the web tier's requests pass through, in order (see :class:`Gate`)
        self.gates: list[Gate] = []
        self.rotation_fn: Callable[[], tuple[list[int], list[int]]] | None = None
        self.dispatched = np.zeros(len(boxes), dtype=np.int64)
        self.resolved_ok = 0
        self.resolved_err = 0
        # Optional per-request record of resolved requests (rid, arrival, done, cause):
        # off in play, on in tests that compare against a per-request reference.
        self.trace: list[tuple[I64, F64, F64, npt.NDArray[np.int8]]] | None = None
        self._stale = True
        self._t: Tables | None = None
        self.clock = 0.0            # the tick being moved (for state that changes with time)
        self.clock_end = 0.0        # and its end
        self._cold = False          # a box's app is cold: rebuild the tables every tick
        self._backlog0 = np.zeros(len(boxes))
        self._probe_work = np.zeros(len(boxes))

    @property
    def transit(self) -> Transit:
        return self.stages.transit

    @property
    def db_router(self) -> DbRouter | None:
        """Replicas or shards: which database box answers a query (None: the master)."""
        return self.stages.db_router

    @db_router.setter
    def db_router(self, router: DbRouter | None) -> None:
        self.stages.db_router = router

    @property
    def db_box(self) -> int | None:
        return self.stages.db_box

    @db_box.setter
    def db_box(self, idx: int | None) -> None:
        self.stages.db_box = idx

    # ---- control-plane hooks ------------------------------------------------------
    def add_gate(self, gate: Gate) -> None:
        """``gate`` joins the web tier at its place in ``GATE_ORDER``."""
        self.gates.append(gate)
        self.gates.sort(key=lambda g: GATE_ORDER.index(g.name))

    def touch(self) -> None:
        """A box changed state, role, size, fault or health: rebuild the tables."""
        self._stale = True

    def add_box(self, box: Box, now: float) -> None:
        idx = self.bank.add_server(box.itype.vcpus, self.queue_limit, now)
        assert idx == box.index
        self.dispatched = np.append(self.dispatched, 0)
        self._backlog0 = np.append(self._backlog0, 0.0)
        self._probe_work = np.append(self._probe_work, 0.0)
        self.touch()
        self.metrics.grow(len(self.boxes))

    def restart_box(self, box: Box, now: float) -> None:
        """The box comes (back) up empty, with its current instance type."""
        self.bank.reset_server(box.index, now, workers=box.itype.vcpus)
        self.touch()

    def kill_box(self, box: Box, now: float) -> int:
        """The box died at ``now``: everything the client awaits from it fails."""
        self.bank.reset_server(box.index, now)
        self.touch()
        f = self.flight
        pending = f.resolve_at > now
        if box.role in ("db", "replica"):
            k = STAGES.index("db")
            hit = pending & (f.stage_now == k) & (f.dbbox == box.index) & (f.done > now)
            cause = STAGE_DOWN[k]
        elif box.index in self.stage_box:
            k = self.stage_box.index(box.index)
            # a look-aside cache's operations take microseconds and the app falls back to the
            # database without it: no request dies with the cache box
            hit = pending & (f.stage_now == k) & (f.done > now) & (STAGES[k] != "cache")
            cause = STAGE_DOWN[k]
        else:
            hit = pending & (f.box == box.index) & (f.done > now)
            cause = CAUSE["reset"]
            # the request dies with its web box: it will never reach a later stage
            if self.transit.rid.size:
                dead = np.isin(self.transit.rid, f.rid[hit]) & (self.transit.t > now)
                self.transit.keep(~dead)
            for gate in self.gates:
                gate.box_lost(box)
        f.cause[hit] = cause
        f.resolve_at[hit] = now
        f.done[hit] = now
        return int(hit.sum())

    def probe(self, box: Box, t: float, demand: float) -> float:
        """A health probe served at ``t``; returns its response time."""
        fin = self.bank.occupy(box.index, t, demand)
        self._probe_work[box.index] += demand
        return fin - t + 2 * self.rtt_s

    def charge(self, work: F64) -> None:
        """CPU-seconds per box that a mechanism queued on the bank itself during this tick, before
        the web stage (the ingest tier's messages, connects and probes, and the database writes of
        its readings): counted into the boxes' CPU gauges as a health probe's demand is."""
        self._probe_work[: work.size] += work

    def tables(self) -> Tables:
        if self._stale or self._t is None:
            self._stale = False
            bs = self.boxes
            if self.rotation_fn is not None:
                rot, reg = self.rotation_fn()
            else:
                # no balancer: clients pick among the web boxes; a draining one is not offered
                reg = [b.index for b in bs if b.serves_web and not b.draining]
                rot = reg
            accepting = np.array([b.accepting for b in bs])
            faults = np.array([FAULTS[b.fault] for b in bs], dtype=np.int8)
            # a cold app's multiplier is read at the tick's start: piecewise constant per tick
            cold = np.array([b.cold_multiplier(self.clock) for b in bs])
            self._cold = bool((cold != 1.0).any())
            colocated = np.array([b.role == "app+db" for b in bs])
            speed = np.array([b.itype.speed for b in bs])
            slow = np.array([b.slow_factor for b in bs]) * cold
            self._t = Tables(
                accepting=accepting,
                colocated=colocated,
                speed=speed,
                slow=slow,
                fault=faults,
                # powered: its cores work (a stopping box still finishes what it holds)
                powered=np.array([b.state in ("running", "stopping") for b in bs]),
                rotation=np.asarray(rot, dtype=np.int64),
                registered=np.asarray(reg, dtype=np.int64),
                all_well=bool(accepting.all() and not faults.any() and self.port_ok),
                price_billed=sum(b.itype.price_per_hour for b in bs if b.billed),
                working=sum(1 for b in bs if b.billed and b.role not in BALANCER_ROLES),
                any_colocated=bool(colocated.any()),
                unit_speed=bool((speed == 1.0).all() and (slow == 1.0).all()),
            )
        return self._t

    # ---- one tick -------------------------------------------------------------------
    def tick(self, t0: float, t1: float) -> None:
        m = self.metrics
        self.clock, self.clock_end = t0, t1
        if self._cold:
            self._stale = True
        arr = self.source.sample(t0, t1)
        m.record_arrivals(arr.size)
        added = self._probe_work.copy()
        if arr.size:
            added += self._web_stage(arr)
        added += self.stages.move(self.flight, self.tables(), t1)
        self._resolve(t1)
        backlog1 = self.bank.backlog(t1)
        n = backlog1.size
        busy = np.maximum(self._backlog0[:n] + added - backlog1, 0.0)
        tb = self.tables()
        cap = np.where(tb.powered, self.bank.workers * (t1 - t0), 0.0)
        m.record_servers(np.minimum(busy, cap), cap, self.bank.waiting(t1).astype(float))
        m.record_cost(tb.price_billed * (t1 - t0) / 3600.0)
        self._backlog0 = backlog1
        self._probe_work[:] = 0.0

    def _pick(self, arr: Arrivals, tb: Tables) -> I64:
        n = arr.size
        if self.balancer is not None:
            return self.balancer.route(arr.t, arr.user, tb.rotation, tb.registered,
                                       partial(self._open_requests, arr, tb))
        targets = tb.registered
        if targets.size == 0:
            return np.full(n, -1, dtype=np.int64)
        if self.dispatch == "round_robin":
            pick = targets[(self.rr + np.arange(n)) % targets.size]
            self.rr = (self.rr + n) % targets.size
            return pick
        return targets[self.rng.integers(0, targets.size, n)]

    def _open_requests(self, arr: Arrivals, tb: Tables, targets: I64) -> OpenRequests:
        """What least-connections needs to count open requests through this tick (see
        :mod:`connections`): the targets as they stand, and when each open request closes."""
        f = self.flight
        pos = np.full(self.bank.n, -1, dtype=np.int64)
        pos[targets] = np.arange(targets.size)
        mine = pos[np.maximum(f.box, 0)]
        mine[f.box < 0] = -1
        sel = mine >= 0
        fault = tb.fault[targets]
        behaviour = np.where(fault == FAULTS["error"], ERRORS,
                             np.where(fault == FAULTS["hang"], HANGS, SERVED))
        free = self.bank.free_at[targets]
        workers = self.bank.workers[targets]
        state = TargetState(
            free_at=[row[:w].tolist() for row, w in zip(free, workers.tolist(), strict=True)],
            capacity=(workers + self.bank.queue_limit[targets]).tolist(),
            behaviour=behaviour.tolist(),
            slowdown=(tb.slow[targets] / tb.speed[targets]).tolist(),
            colocated=tb.colocated[targets].tolist(),
        )
        after = np.zeros(arr.size)
        db = self.db_box
        if db is not None:  # the query's work on the database box, and the hop back
            after = np.where(arr.db_s > 0, arr.db_s * tb.slow[db] / tb.speed[db] + self.rtt_s, 0.0)
        return OpenRequests(state, mine[sel], f.resolve_at[sel], self.clock_end, arr.app_s,
                            arr.app_s + arr.db_s * self.colocation_penalty, after,
                            self.rtt_s, FAST_ANSWER_S, self.timeout_s)

    def _web_stage(self, arr: Arrivals) -> F64:
        n = arr.size
        tb = self.tables()
        rid = np.arange(self.next_id, self.next_id + n, dtype=np.int64)
        self.next_id += n
        issued = getattr(self.source, "issued", None)
        if issued is not None:  # closed-loop clients need to know their requests' ids
            issued(rid)
        added = np.zeros(self.bank.n)
        cause = np.full(n, OK, dtype=np.int8)
        done = np.full(n, np.inf)
        if self.balancer is not None and not self.lb_up:
            box = np.full(n, -1, dtype=np.int64)
            cause[:] = CAUSE["lb_down"]
        else:
            box = self._pick(arr, tb)
            cause[box < 0] = CAUSE["no_target"]
        batch = WebBatch(arr, box, cause, done, np.zeros(n, dtype=np.bool_), tb.all_well, self.rng)
        for gate in self.gates:
            gate.route(batch)
        has_box = box >= 0
        if has_box.all():
            bx = box
            self.dispatched += np.bincount(box, minlength=self.bank.n)
        else:
            bx = np.where(has_box, box, 0)
            self.dispatched += np.bincount(box[has_box], minlength=self.bank.n)
        live = batch.live
        live[:] = has_box & (cause == OK)
        if not tb.all_well:
            refused = live & (~tb.accepting[bx] | (not self.port_ok))
            cause[refused] = CAUSE["refused"]
            live &= ~refused
            fault = tb.fault[bx]
            err = live & (fault == FAULTS["error"])
            cause[err] = CAUSE["http_500"]
            done[err] = arr.t[err] + FAST_ANSWER_S
            live &= ~err
            hung = live & (fault == FAULTS["hang"])  # accepted, never answered: client times out
            live &= ~hung
        for gate in self.gates:
            gate.admit(batch)
        # The two shortcuts below skip arithmetic whose result is known exactly (x * 1.0 / 1.0 is
        # x in IEEE 754, and a where() on all-False is a copy), so results stay bit-identical;
        # they are worth about 5 % of a tick at 10k req/s (bench/fastforward.py).
        if tb.any_colocated:
            colocated = tb.colocated[bx]
            db_here = colocated | (self.db_box is None)
            demand = np.where(colocated, arr.app_s + arr.db_s * self.colocation_penalty, arr.app_s)
        else:
            db_here = np.full(n, self.db_box is None)
            demand = arr.app_s
        if not tb.unit_speed:
            demand = demand * tb.slow[bx] / tb.speed[bx]
        everyone = bool(live.all())
        acc = np.arange(n) if everyone else np.flatnonzero(live)
        if acc.size:
            if everyone:  # no gathers: the queues read these arrays and never write them
                served = self.bank.offer(arr.t, box, demand)
            else:
                served = self.bank.offer(arr.t[acc], box[acc], demand[acc])
            if served.accepted.all():
                got = acc
                fin = served.finish
            else:
                got = acc[served.accepted]
                cause[acc[~served.accepted]] = CAUSE["queue_full"]
                fin = served.finish[served.accepted]
            if batch.extra is not None:
                fin = fin + batch.extra[got]
            if got is acc and everyone:
                added += np.bincount(box, weights=demand, minlength=self.bank.n)
            else:
                added += np.bincount(box[got], weights=demand[got], minlength=self.bank.n)
            for gate in self.gates:
                gate.served(batch, got)
            if self.stage_box == [None] * len(STAGES):  # one stage (levels 1-3): answered here
                done[got] = fin + self.rtt_s
            else:
                self.stages.leave_web(batch, rid, got, fin, db_here, self.gates)
        failed = cause != OK
        deadline = arr.t + self.timeout_s
        resolve_at = np.minimum(done, deadline)
        late = done > deadline
        if failed.any():
            # failures are known at once: when answered (finite done) or at arrival
            resolve_at = np.where(failed, np.where(np.isinf(done), arr.t, done), resolve_at)
            late &= ~failed
        cause[late] = CAUSE["timeout"]
        self.flight.extend(Flight(rid, arr.t, box, done, cause, resolve_at,
                                  np.full(n, WEB, dtype=np.int8), np.full(n, -1, dtype=np.int64)))
        return added

    def _resolve(self, t1: float) -> None:
        f = self.flight
        done = f.resolve_at < t1
        if not done.any():
            return
        cause = f.cause[done]
        ok = cause == OK
        n_ok = int(np.count_nonzero(ok))
        if n_ok == cause.size:  # the usual tick: nothing failed, no masks to apply
            self.metrics.record_success(f.done[done] - f.arrival[done])
        else:
            self.metrics.record_success((f.done[done] - f.arrival[done])[ok])
            errs = np.bincount(cause[~ok], minlength=len(ERROR_CAUSES))
            for c in np.flatnonzero(errs).tolist():
                self.metrics.record_errors(c, int(errs[c]))
        if self.trace is not None:
            self.trace.append((f.rid[done], f.arrival[done], f.done[done], cause))
        resolved = getattr(self.source, "resolved", None)
        if resolved is not None:
            resolved(f.rid[done], f.resolve_at[done])
        self.resolved_ok += n_ok
        self.resolved_err += cause.size - n_ok
        self.flight = f.take(~done)

    @property
    def in_flight(self) -> int:
        return self.flight.size
