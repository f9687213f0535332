"""The requests of a tick as the data plane carries them, and the protocols of what they meet.

Why apart from :mod:`dataplane`: the mechanisms that act on requests (a session store, shared
file storage, redirects, replicas, shards) need these shapes to take part, and the data plane
needs only the protocols, not the mechanisms. So the data plane imports no mechanism: it runs the
:class:`Gate` objects and the :class:`DbRouter` a level has, in a fixed order.

Struct-of-arrays throughout: a tick's requests are a handful of NumPy arrays, never Python
objects, which is what makes a tick of 10,000 requests cost microseconds per request.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Protocol

import numpy as np
import numpy.typing as npt

from scaleout_tui.engine.arrays import F64, I64, B
from scaleout_tui.engine.box import Box
from scaleout_tui.engine.metrics import ERROR_CAUSES
from scaleout_tui.engine.queueing import WorkerBank
from scaleout_tui.engine.traffic import Arrivals

OK = -1
CAUSE = {name: i for i, name in enumerate(ERROR_CAUSES)}
FAST_ANSWER_S = 0.002  # an error page or a 404 costs the app next to nothing

# Downstream stages, in the order a request visits them. A look-aside cache sits in front of the
# database: a query asks it first (:class:`CacheHook`); a cache that is down fails no request
# (the app falls back to the database), so its entry below is never a request's cause.
STAGES: tuple[str, ...] = ("session", "cache", "db")
STAGE_DOWN = (CAUSE["store_down"], CAUSE["db_down"], CAUSE["db_down"])
BROADCAST = -1  # a query for every shard (scatter-gather): its target until it fans out
WEB = -1  # stage_now of a request still at (or answered by) its web box

FAULTS = {"none": 0, "hang": 1, "error": 2, "slow": 0}


def _indices(sel: B | I64) -> I64:
    """A mask as the indices it selects: one scan of the mask, then a plain gather per field
    (masking each field would scan the mask once per field: a flight has eight)."""
    if sel.dtype == np.bool_:
        return np.flatnonzero(sel)
    return sel.astype(np.int64, copy=False)


@dataclass(slots=True)
class Flight:
    """Requests the client is still waiting for (struct of arrays, ids ascending)."""

    rid: I64
    arrival: F64
    box: I64         # web box, -1 if none
    done: F64        # response time at the client; inf while unknown
    cause: npt.NDArray[np.int8]   # OK, or an error cause; meaningful once resolve_at is set
    resolve_at: F64  # when the client learns the outcome
    stage_now: npt.NDArray[np.int8]  # WEB, or the downstream stage last entered
    dbbox: I64       # database box of its query once it reaches the DB stage, else -1

    @classmethod
    def empty(cls) -> Flight:
        f: dict[str, npt.NDArray[np.generic]] = {}
        for fld in fields(cls):
            dtype = {"cause": np.int8, "stage_now": np.int8, "rid": np.int64,
                     "box": np.int64, "dbbox": np.int64}.get(fld.name, np.float64)
            f[fld.name] = np.empty(0, dtype=dtype)
        return cls(**f)  # type: ignore[arg-type]

    def extend(self, other: Flight) -> None:
        for name in FLIGHT_FIELDS:
            setattr(self, name, np.concatenate((getattr(self, name), getattr(other, name))))

    def take(self, sel: B | I64) -> Flight:
        """The rows picked by a mask or by indices."""
        idx = _indices(sel)
        return Flight(*[getattr(self, name).take(idx, axis=0) for name in FLIGHT_FIELDS])

    @property
    def size(self) -> int:
        return int(self.rid.size)


FLIGHT_FIELDS: tuple[str, ...] = tuple(f.name for f in fields(Flight))


@dataclass(slots=True)
class Transit:
    """Requests between stages: id, arrival at their next stage, which one, and the
    demand each stage still has to do for them (columns follow ``STAGES``)."""

    rid: I64
    t: F64
    stage: npt.NDArray[np.int8]
    demand: npt.NDArray[np.float64]
    dbbox: I64       # the database box this request's query goes to
    user: I64
    write: B

    @classmethod
    def empty(cls) -> Transit:
        return cls(np.empty(0, np.int64), np.empty(0), np.empty(0, np.int8), np.empty((0, len(STAGES))),
                   np.empty(0, np.int64), np.empty(0, np.int64), np.empty(0, np.bool_))

    def add(self, other: Transit) -> None:
        for name in TRANSIT_FIELDS:
            setattr(self, name, np.concatenate((getattr(self, name), getattr(other, name))))

    def take(self, sel: B | I64) -> Transit:
        """The rows picked by a mask or by indices."""
        idx = _indices(sel)
        return Transit(*[getattr(self, name).take(idx, axis=0) for name in TRANSIT_FIELDS])

    def keep(self, mask: B) -> None:
        for name in TRANSIT_FIELDS:
            setattr(self, name, getattr(self, name)[mask])


TRANSIT_FIELDS: tuple[str, ...] = tuple(f.name for f in fields(Transit))


def next_stage(demand: F64, after: int) -> npt.NDArray[np.int8]:
    """The first stage after ``after`` with work to do, or ``len(STAGES)`` for none."""
    s = len(STAGES)
    cols = np.arange(s)
    todo = (demand > 0) & (cols[None, :] > after)
    return np.where(todo.any(axis=1), todo.argmax(axis=1), s).astype(np.int8)


@dataclass(slots=True)
class Tables:
    """Per-box lookup arrays, rebuilt only when the control plane changes a box."""

    accepting: B
    colocated: B
    speed: F64
    slow: F64
    fault: npt.NDArray[np.int8]
    powered: B
    rotation: I64      # web boxes the balancer may pick now
    registered: I64    # web boxes registered (in rotation or not)
    all_well: bool     # every box accepting, no app faults: the common case, skips checks
    price_billed: float  # $/h of the boxes billed now
    working: int       # billed boxes that are not balancer nodes
    #: no box runs app and database together: a request's demand is its app time alone
    any_colocated: bool = True
    #: every box at speed 1 and slowdown 1: demand * slow / speed is demand itself, exactly
    unit_speed: bool = False


class ArrivalSource(Protocol):
    def sample(self, t0: float, t1: float) -> Arrivals: ...


@dataclass(slots=True)
class WebBatch:
    """A tick's arrivals at the web tier, as the gates see and change them.

    ``cause`` is ``OK`` or an error cause, ``done`` the time an early answer (an error page, a
    login page) reaches the client, ``live`` the requests still on their way to a worker."""

    arr: Arrivals
    box: I64
    cause: npt.NDArray[np.int8]
    done: F64
    live: B
    all_well: bool
    rng: np.random.Generator
    #: requests an absolute redirect sent past the balancer (None: no redirect pinned anyone)
    bypass: B | None = None
    #: requests that read or write the shared session store
    uses_store: B | None = None
    #: latency added to each request's answer by what it talked to on the way (file storage)
    extra: F64 | None = None

    def fail(self, idx: I64, cause: int, answered: bool = True) -> None:
        """Requests ``idx`` end here with ``cause``: answered at once (an error page)."""
        self.cause[idx] = cause
        if answered:
            self.done[idx] = self.arr.t[idx] + FAST_ANSWER_S
        self.live[idx] = False


#: The order the web tier's gates act in, by :attr:`Gate.name`, whatever order a level builds them:
#: a redirect decides the box before the box is asked; the app checks the session before the file.
GATE_ORDER: tuple[str, ...] = ("redirects", "sessions", "files", "copies")


class Gate:
    """A mechanism the web tier's requests pass through, in the data plane's fixed order.

    Every hook does nothing by default, so a gate says only what it does:
    :meth:`route` right after the balancer's choice (before the box is asked), :meth:`admit`
    before the box does any work (the app decides what it can: no session, no such file),
    :meth:`served` once the box has accepted the work, :meth:`stage_demand` for the work a
    downstream stage must do, :meth:`box_lost` when a box dies."""

    #: its place in :data:`GATE_ORDER`
    name: str = ""

    def route(self, batch: WebBatch) -> None:
        return None

    def admit(self, batch: WebBatch) -> None:
        return None

    def served(self, batch: WebBatch, got: I64) -> None:
        return None

    def stage_demand(self, batch: WebBatch, got: I64, demand: F64, stage_box: list[int | None]) -> None:
        return None

    def box_lost(self, box: Box) -> None:
        return None


class CacheHook(Protocol):
    """The look-aside cache's part in the ``cache`` stage (see :mod:`cachegate`): which queries
    it answers, and when each request leaves it for the database or for the client."""

    def visit(self, batch: Transit, tables: Tables, bank: WorkerBank) -> tuple[F64, F64]:
        """Requests ``batch`` reach the cache stage (``t`` ascending). Zeroes the database demand
        of those it answers; returns when each leaves the stage, and the work each box took on."""
        ...

    def db_answered(self, t: F64, fin: F64) -> None:
        """Database queries that arrived at ``t`` were answered back at the app at ``fin``."""
        ...


class DbRouter(Protocol):
    """Which database box answers each query: replicas for reads, shards by key."""

    def targets(self, t: F64, user: I64, write: B, master: int, boxes: list[Box]) -> I64:
        """The box for each query, or ``BROADCAST`` for one that must ask every shard."""
        ...

    def legs(self) -> I64:
        """The boxes a broadcast query fans out to."""
        ...

    def committed(self, batch: Transit, box: I64, idx: I64, finish: F64, tables: Tables,
                  master: int | None, rtt_s: float) -> None:
        """Queries ``idx`` of ``batch`` finished on ``box`` at ``finish``."""
        ...
