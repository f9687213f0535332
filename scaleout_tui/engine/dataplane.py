"""The data plane: every request of a tick, moved through the fleet with NumPy.

Per tick ``[t0, t1)``:

1. the traffic source samples the arrivals;
2. the dispatcher picks a web box for each (refused if that box is not running);
3. the web boxes' FIFO queues (:mod:`queueing`) give each request a start and finish;
   a full accept queue answers 503 at once;
4. requests that need the database leave the web box for the DB box one LAN round
   trip later and queue there (a second stage); on a one-box layout the database
   work is part of the same CPU visit instead;
5. the client side resolves every request: success when its response arrives before
   the client's timeout, otherwise a timeout at the deadline. The servers still do the
   work of requests the client gave up on, as real servers do, which is why overload
   collapses goodput instead of merely slowing it.

Requests wait in two buffers between ticks: ``flight`` (the client's view: not yet
answered) and ``dbq`` (sent to the DB, not yet arrived there). Ordering at the DB is
exact: a request enters the DB stage only in the tick in which it arrives there, and
no later request can arrive at the DB earlier, because later requests reach the web
tier only after ``t1``.

The tandem model releases the web worker while the request waits on the DB (like an
async app server). A thread-per-request app would hold it; that refinement changes
the web tier's utilisation, not the DB's, and is left for a later level.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Protocol

import numpy as np
import numpy.typing as npt

from scaleout_tui.engine.fleet import Box
from scaleout_tui.engine.metrics import ERROR_CAUSES, Metrics
from scaleout_tui.engine.queueing import WorkerBank
from scaleout_tui.engine.traffic import Arrivals

F64 = npt.NDArray[np.float64]
I64 = npt.NDArray[np.int64]

OK = -1
CAUSE = {name: i for i, name in enumerate(ERROR_CAUSES)}


class ArrivalSource(Protocol):
    def sample(self, t0: float, t1: float) -> Arrivals: ...


@dataclass(slots=True)
class Flight:
    """Requests the client is still waiting for (struct of arrays, ids ascending)."""

    rid: I64
    arrival: F64
    box: I64
    done: F64        # response time at the client; inf while unknown
    cause: npt.NDArray[np.int8]   # OK, or an error cause; meaningful once resolve_at is set
    resolve_at: F64  # when the client learns the outcome
    at_db: npt.NDArray[np.bool_]

    @classmethod
    def empty(cls) -> Flight:
        f: dict[str, npt.NDArray[np.generic]] = {}
        for fld in fields(cls):
            dtype = {"cause": np.int8, "at_db": np.bool_, "rid": np.int64,
                     "box": np.int64}.get(fld.name, np.float64)
            f[fld.name] = np.empty(0, dtype=dtype)
        return cls(**f)  # type: ignore[arg-type]

    def extend(self, other: Flight) -> None:
        for name in FLIGHT_FIELDS:
            setattr(self, name, np.concatenate((getattr(self, name), getattr(other, name))))

    def take(self, mask: npt.NDArray[np.bool_]) -> Flight:
        return Flight(*[getattr(self, name)[mask] for name in FLIGHT_FIELDS])

    @property
    def size(self) -> int:
        return int(self.rid.size)


FLIGHT_FIELDS: tuple[str, ...] = tuple(f.name for f in fields(Flight))


@dataclass(slots=True)
class DbQueue:
    """Requests on their way to the database: id, arrival there and demand."""

    rid: I64
    t: F64
    demand: F64

    @classmethod
    def empty(cls) -> DbQueue:
        return cls(np.empty(0, np.int64), np.empty(0), np.empty(0))


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
        self.dbq = DbQueue.empty()
        self.next_id = 0
        self.rr = 0
        self.db_box: int | None = None
        self.resolved_ok = 0
        self.resolved_err = 0
        self.wasted_work = 0.0
        # Optional per-request record of resolved requests (rid, arrival, done, cause):
        # off in play, on in tests that compare against a per-request reference.
        self.trace: list[tuple[I64, F64, F64, npt.NDArray[np.int8]]] | None = None
        self._tables_stale = True
        self._tables: tuple[npt.NDArray[np.bool_], npt.NDArray[np.bool_], F64, I64,
                            npt.NDArray[np.bool_]] = (
            np.zeros(0, np.bool_), np.zeros(0, np.bool_), np.zeros(0), np.zeros(0, np.int64),
            np.zeros(0, np.bool_))

    # ---- control-plane hooks ------------------------------------------------------
    def add_box(self, box: Box, now: float) -> None:
        idx = self.bank.add_server(box.itype.vcpus, self.queue_limit, now)
        assert idx == box.index
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
        if box.role == "db":
            hit = pending & f.at_db & (f.done > now)
            cause = CAUSE["db_down"]
        else:
            hit = pending & (f.box == box.index) & (f.done > now)
            cause = CAUSE["reset"]
            # the request dies with its web box: it will never reach the database
            if self.dbq.rid.size:
                dead = np.isin(self.dbq.rid, f.rid[hit]) & (self.dbq.t > now)
                self.dbq = DbQueue(self.dbq.rid[~dead], self.dbq.t[~dead], self.dbq.demand[~dead])
        f.cause[hit] = cause
        f.resolve_at[hit] = now
        f.done[hit] = now
        return int(hit.sum())

    # ---- one tick -------------------------------------------------------------------
    def tick(self, t0: float, t1: float) -> None:
        m = self.metrics
        backlog0 = self.bank.backlog(t0)
        arr = self.source.sample(t0, t1)
        m.record_arrivals(arr.size)
        added = np.zeros(self.bank.n)
        if arr.size:
            added += self._web_stage(arr)
        added += self._db_stage(t1)
        self._resolve(t1)
        backlog1 = self.bank.backlog(t1)
        busy = np.maximum(backlog0 + added - backlog1, 0.0)
        self._box_tables()
        cap = np.where(self._tables[4], self.bank.workers * (t1 - t0), 0.0)
        m.record_servers(busy, cap, self.bank.waiting(t1).astype(float))
        billed = [b for b in self.boxes if b.billed]
        m.record_cost(sum(b.itype.price_per_hour for b in billed) * (t1 - t0) / 3600.0)
        m.record_instances(len(billed))

    def touch(self) -> None:
        """A box changed state, role or size: rebuild the lookup tables next tick."""
        self._tables_stale = True

    def _box_tables(self) -> tuple[npt.NDArray[np.bool_], npt.NDArray[np.bool_], F64]:
        """Per-box lookup arrays, rebuilt only when the control plane changed a box."""
        if self._tables_stale:
            self._tables_stale = False
            self._tables = (
                np.array([b.accepting for b in self.boxes]),
                np.array([b.role == "app+db" for b in self.boxes]),
                np.array([b.itype.speed for b in self.boxes]),
                np.asarray([b.index for b in self.boxes if b.serves_web], dtype=np.int64),
                # powered: its cores work (a stopping box still finishes what it holds)
                np.array([b.state in ("running", "stopping") for b in self.boxes]),
            )
        return self._tables[0], self._tables[1], self._tables[2]

    def _pick(self, n: int) -> I64:
        self._box_tables()
        targets = self._tables[3]
        if self.dispatch == "round_robin":
            pick = targets[(self.rr + np.arange(n)) % targets.size]
            self.rr = (self.rr + n) % targets.size
            return pick
        return targets[self.rng.integers(0, targets.size, n)]

    def _web_stage(self, arr: Arrivals) -> F64:
        n = arr.size
        rid = np.arange(self.next_id, self.next_id + n, dtype=np.int64)
        self.next_id += n
        box = self._pick(n)
        acc_tab, coloc_tab, speed_tab = self._box_tables()
        accepting = acc_tab[box]
        colocated = coloc_tab[box]
        speed = speed_tab[box]
        has_db = arr.db_s > 0
        to_db = has_db & ~colocated & (self.db_box is not None)
        demand = np.where(colocated, arr.app_s + arr.db_s * self.colocation_penalty, arr.app_s) / speed
        added = np.zeros(self.bank.n)
        cause = np.full(n, OK, dtype=np.int8)
        cause[~accepting] = CAUSE["refused"]
        done = np.full(n, np.inf)
        acc = np.flatnonzero(accepting)
        if acc.size:
            served = self.bank.offer(arr.t[acc], box[acc], demand[acc])
            got = acc[served.accepted]
            cause[acc[~served.accepted]] = CAUSE["queue_full"]
            fin = served.finish[served.accepted]
            np.add.at(added, box[got], demand[got])
            direct = ~to_db[got]
            done[got[direct]] = fin[direct] + self.rtt_s
            via = got[~direct]
            if via.size:
                dbs = self.boxes[self.db_box].itype.speed if self.db_box is not None else 1.0
                self.dbq = DbQueue(np.concatenate((self.dbq.rid, rid[via])),
                                   np.concatenate((self.dbq.t, fin[~direct] + self.rtt_s)),
                                   np.concatenate((self.dbq.demand, arr.db_s[via] / dbs)))
        failed = cause != OK
        deadline = arr.t + self.timeout_s
        resolve_at = np.where(failed, arr.t, np.minimum(done, deadline))
        cause = np.where(~failed & (done > deadline), np.int8(CAUSE["timeout"]), cause).astype(np.int8)
        self.flight.extend(Flight(rid, arr.t, box, done, cause, resolve_at, np.zeros(n, np.bool_)))
        return added

    def _db_stage(self, t1: float) -> F64:
        added = np.zeros(self.bank.n)
        q = self.dbq
        if q.rid.size == 0 or self.db_box is None:
            return added
        now_mask = q.t < t1
        if not now_mask.any():
            return added
        o = np.argsort(q.t[now_mask], kind="stable")
        rid, t, dem = q.rid[now_mask][o], q.t[now_mask][o], q.demand[now_mask][o]
        self.dbq = DbQueue(q.rid[~now_mask], q.t[~now_mask], q.demand[~now_mask])
        f = self.flight
        pos = np.searchsorted(f.rid, rid)
        live = (pos < f.size)
        live[live] = f.rid[pos[live]] == rid[live]
        db = self.boxes[self.db_box]
        if not db.accepting:
            p = pos[live]
            open_ = f.resolve_at[p] > t[live]
            p = p[open_]
            f.cause[p] = CAUSE["db_down"]
            f.resolve_at[p] = t[live][open_]
            f.done[p] = t[live][open_]
            return added
        served = self.bank.offer(t, np.full(t.size, self.db_box, dtype=np.int64), dem)
        added[self.db_box] = float(dem[served.accepted].sum())
        fin = np.where(served.accepted, served.finish + self.rtt_s, np.inf)
        p = pos[live]
        fin_l = fin[live]
        acc_l = served.accepted[live]
        f.at_db[p] = True
        deadline = f.arrival[p] + self.timeout_s
        open_ = f.resolve_at[p] >= deadline  # still waiting (not timed out, not failed)
        p, fin_l, acc_l, tl = p[open_], fin_l[open_], acc_l[open_], t[live][open_]
        deadline = deadline[open_]
        f.done[p] = np.where(acc_l, fin_l, tl)
        late = acc_l & (fin_l > deadline)
        f.cause[p] = np.where(acc_l, np.where(late, CAUSE["timeout"], OK), CAUSE["queue_full"])
        f.resolve_at[p] = np.where(acc_l, np.minimum(fin_l, deadline), tl)
        return added

    def _resolve(self, t1: float) -> None:
        f = self.flight
        done = f.resolve_at < t1
        if not done.any():
            return
        cause = f.cause[done]
        ok = cause == OK
        lat = (f.done[done] - f.arrival[done])[ok]
        self.metrics.record_success(lat)
        errs = np.bincount(cause[~ok], minlength=len(ERROR_CAUSES))
        for c, cnt in enumerate(errs):
            self.metrics.record_errors(c, int(cnt))
        if self.trace is not None:
            self.trace.append((f.rid[done], f.arrival[done], f.done[done], cause))
        self.resolved_ok += int(ok.sum())
        self.resolved_err += int((~ok).sum())
        self.flight = f.take(~done)

    @property
    def in_flight(self) -> int:
        return self.flight.size
