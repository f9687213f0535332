"""Multi-worker FIFO queues, advanced a batch of requests at a time.

Why this shape: a server with ``c`` CPU workers serving one shared FIFO queue is the
textbook M/M/c (or G/G/c) station. The exact per-request rule is the
Kiefer-Wolfowitz recursion: keep each worker's *free-at* time; an arriving request
starts at ``max(arrival, earliest free-at)`` on that earliest worker and occupies it
for its service time. It is inherently sequential *per server*, but independent
*across* servers, so :class:`WorkerBank` vectorises over servers: in round ``k`` it
serves the ``k``-th request of the batch of every server at once. A batch of ``N``
requests spread over ``S`` servers costs about ``N / S`` NumPy rounds instead of ``N``
Python steps.

Queue limits are exact too. Starts are non-decreasing under FIFO, so "at least ``Q``
requests are waiting when this one arrives" is the same as "the ``Q``-th most recent
accepted request has not started yet". A small ring of recent start times per server
answers that in O(1) per request.

Counting how many requests wait (for the metrics each tick, and to know whether a batch can
find a queue full) is a scan of those rings: servers × queue limit numbers. Small fleets
scan them all in one NumPy pass, which nothing beats. Large ones (thousands of servers, or a
queue limit in the tens of thousands) look only at the servers whose newest start is still
ahead and search their ring from the newest end, because the same FIFO order keeps each ring
sorted: the cost follows the requests waiting, not the fleet's size.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from scaleout_tui.engine.arrays import F64, I64, B
from scaleout_tui.engine.rounds import checked_rounds, prefix_rounds

# Below this many requests per NumPy round, the plain loop is faster (measured: a
# round costs about as much as a dozen loop steps).
LOOP_BREAK_EVEN = 12

#: Ring cells (servers × queue limit) up to which waiting requests are counted by scanning every
#: cell. Measured at rho 0.7: a scan of 65,536 cells and the search that replaces it above cost
#: about the same (40-70 µs); at 500,000 cells the scan takes 0.5 ms and the search under 0.1 ms.
#: Every level's fleet is far below it, so levels keep the plain scan.
DENSE_CELLS = 1 << 16
#: How many of a server's newest starts one gather reads when counting its queue: at rho 0.7
#: about 1 % of queues are longer, and only those are searched further. Eight, so that a row of
#: the gather's booleans is one 64-bit word (see :meth:`WorkerBank._waiting_in`); 16 halved
#: the searches but doubled the gather, and cost more in all.
HEAD = 8


@dataclass(frozen=True, slots=True)
class Served:
    """Outcome of offering a batch of requests to a :class:`WorkerBank`."""

    accepted: B
    start: F64
    finish: F64


def group_ranks(servers: I64, n_servers: int) -> tuple[I64, I64]:
    """Return ``(order, rank)``: a stable sort by server and each request's rank in it.

    ``order`` lists request indices grouped by server (arrival order kept inside a
    group); ``rank[i]`` is how many earlier requests of the batch went to the same
    server as request ``i``.
    """
    # int16 keys let NumPy's stable sort use a radix sort: O(n) for a tick's batch
    key = servers.astype(np.int16) if n_servers < 2**15 else servers
    order = np.argsort(key, kind="stable")
    counts = np.bincount(servers, minlength=n_servers)
    first = np.concatenate(([0], np.cumsum(counts)[:-1]))
    rank = np.empty(servers.size, dtype=np.int64)
    rank[order] = np.arange(servers.size) - np.repeat(first, counts)
    return order, rank


#: What an unused ring cell holds: a start no later than any arrival, as the clock starts at 0.
#: Zero rather than ``-inf`` so that rings need no filling: fresh memory is zero already. A
#: fleet of 20,000 servers has 80 MB of rings, and writing them all up front was most of the
#: time it took to build; now each ring's memory is touched when its server first queues work.
EMPTY = 0.0


def _with_room(a: npt.NDArray[Any], room: int) -> npt.NDArray[Any]:
    """``a`` copied into the first rows of a new array of ``room`` rows, zeros after them."""
    out = np.zeros((room, *a.shape[1:]), dtype=a.dtype)
    out[: a.shape[0]] = a
    return out


class WorkerBank:
    """``n`` servers, each with up to ``max_workers`` identical workers and a FIFO queue.

    ``free_at[s, j]`` is when worker ``j`` of server ``s`` finishes everything already
    given to it. Servers with fewer workers than the widest one have their spare
    columns pinned at ``+inf`` so they are never chosen. Times are never negative.

    The per-server arrays are views of the first ``n`` rows of buffers with room to spare,
    doubled when full: the control plane adds boxes one at a time, and copying every array
    for each one made growing a fleet quadratic (20,000 boxes: minutes). A ring whose
    position is 0 holds only :data:`EMPTY` (a new server's or one just reset), so growing
    copies only the rings in use.
    """

    def __init__(self, workers: list[int], queue_limit: list[int]) -> None:
        self.n = len(workers)
        w = np.asarray(workers, dtype=np.int64)
        self.width = int(w.max()) if self.n else 1
        qmax = int(max(queue_limit)) if self.n else 1
        self._room = max(self.n, 1)
        self._workers = np.zeros(self._room, dtype=np.int64)
        self._workers[: self.n] = w
        self._qlim = np.ones(self._room, dtype=np.int64)
        self._qlim[: self.n] = queue_limit
        self._free = np.full((self._room, self.width), np.inf)
        self._free[: self.n][np.arange(self.width)[None, :] < w[:, None]] = 0.0
        # recent[s, k]: start times of the last Q accepted requests (ring buffer).
        self._recent = np.zeros((self._room, max(qmax, 1)))  # EMPTY, and not touched until used
        self._ring = np.zeros(self._room, dtype=np.int64)
        # _latest[s]: the newest start in ring s, kept while the rings are searched (else stale)
        self._latest_buf = np.full(self._room, EMPTY)
        self._dense_cells = DENSE_CELLS  # read once, so a bank keeps its rule as it grows
        self._sparse = False
        self._ordered = True
        # (time, longest queue then, smallest limit) while the rings are as waiting() saw them
        self._waited: tuple[float, int, int] | None = None
        self._fits = False  # this batch cannot fill a queue (known from _waited)
        self._views()
        self._settle_mode()

    def _views(self) -> None:
        """Point the per-server arrays at the first ``n`` rows of the buffers."""
        n = self.n
        self.workers = self._workers[:n]
        self.queue_limit = self._qlim[:n]
        self.free_at = self._free[:n]
        self.recent = self._recent[:n]
        self.ring_pos = self._ring[:n]
        self._latest = self._latest_buf[:n]

    def _settle_mode(self) -> None:
        """Scan or search, by the size of the rings; on starting to search, check them.

        Above :data:`DENSE_CELLS` queues are counted by searching rings that must be sorted
        oldest to newest (see :meth:`_waiting_in`). They are whenever starts on a server never
        go back in time, which FIFO gives as long as each server's requests are offered in
        arrival order. That is the data plane's contract, not this class's, so the search is
        used only while every ring is known sorted: checked once on entering the mode, then
        for each batch (:meth:`_note_starts`). Should one ever not be, every count falls back
        to the full scan, and results stay exact either way.
        """
        sparse = self.n * self._recent.shape[1] > self._dense_cells
        if sparse and not self._sparse:
            self._ordered = self._rings_ordered()
            rows = np.arange(self.n)
            self._latest[:] = self.recent[rows, (self.ring_pos - 1) % self.queue_limit]  # 0: EMPTY
        self._sparse = sparse

    def _reserve(self, room: int) -> None:
        """Make the buffers ``room`` rows long, the new rows zero (an unused server's ring)."""
        self._workers = _with_room(self._workers, room)
        self._qlim = _with_room(self._qlim, room)
        self._free = _with_room(self._free, room)
        self._ring = _with_room(self._ring, room)
        self._latest_buf = _with_room(self._latest_buf, room)
        recent = np.zeros((room, self._recent.shape[1]))
        used = np.flatnonzero(self._ring)  # the other rings are EMPTY, as the new array is
        recent[used] = self._recent[used]
        self._recent = recent
        self._room = room

    def reset_server(self, s: int, now: float, workers: int | None = None,
                     queue_limit: int | None = None) -> None:
        """Empty server ``s`` (after a crash or a stop), optionally resizing it."""
        if workers is not None:
            if workers > self.width:
                grow = np.full((self._room, workers - self.width), np.inf)
                self._free = np.hstack([self._free, grow])
                self.width = workers
                self._views()
            self.workers[s] = workers
        if queue_limit is not None:
            if queue_limit > self._recent.shape[1]:
                grow = np.full((self._room, queue_limit - self._recent.shape[1]), EMPTY)
                self._recent = np.hstack([self._recent, grow])
                self._views()
            self.queue_limit[s] = queue_limit
        row = self.free_at[s]
        row.fill(np.inf)
        row[: self.workers[s]] = now
        if self.ring_pos[s]:  # at 0 the ring is EMPTY already: leave its memory untouched
            self.recent[s] = EMPTY
            self.ring_pos[s] = 0
        self._latest[s] = EMPTY
        self._waited = None
        self._settle_mode()

    def add_server(self, workers: int, queue_limit: int, now: float) -> int:
        """Append a new, idle server and return its index (amortised O(its row)).

        The new row is zero (see :meth:`_reserve`) until :meth:`reset_server`, given both
        sizes, writes what a server needs.
        """
        if self.n == self._room:
            self._reserve(2 * self._room)
        self.n += 1
        self._views()
        self.reset_server(self.n - 1, now, workers, queue_limit)
        return self.n - 1

    def occupy(self, s: int, t: float, demand: float) -> float:
        """Serve one out-of-band request (a health probe) on server ``s``; its finish time.

        Probes bypass the accept-queue bookkeeping: they are few, and keeping the
        ring's start times in order matters more than counting them in it.
        """
        row = self.free_at[s]
        j = int(row.argmin())
        start = max(t, float(row[j]))
        row[j] = start + demand
        return start + demand

    def waiting(self, now: float) -> npt.NDArray[np.int64]:
        """Requests queued (accepted, not started) per server at ``now``; capped at the limit.

        Remembers the longest queue until the rings next change: see :meth:`offer`.
        """
        if self._sparse and self._ordered:
            counts = self._waiting_in(None, now)
        else:
            counts = np.count_nonzero(self.recent > now, axis=1)
        if counts.size:
            self._waited = (now, int(counts.max()), int(self.queue_limit.min()))
        return counts

    def _waiting_in(self, servers: I64 | None, t: float) -> I64:
        """How many starts in each server's ring (all servers: ``None``) are later than ``t``:
        its queue at ``t``.

        Needs sorted rings. Only servers whose newest start is later than ``t`` have a queue.
        For those, the :data:`HEAD` newest starts are read in one gather and the later ones
        counted (sorted, they come first); only a queue at least that long is searched further.
        """
        latest = self._latest if servers is None else self._latest[servers]
        out = np.zeros(latest.size, dtype=np.int64)
        hot = np.flatnonzero(latest > t)
        if hot.size == 0:
            return out
        rows = hot if servers is None else servers[hot]
        q = self.queue_limit[rows]
        slot = self.ring_pos[rows] % q  # where the next start goes; the newest is just before
        width = self._recent.shape[1]
        back = np.arange(1, HEAD + 1)
        cell = (rows * width + slot)[:, None] - back  # the HEAD newest, as flat indices
        wrap = np.flatnonzero(slot < HEAD)  # the ring's end is behind them: wrap those around
        if wrap.size:
            cell[wrap] = (rows[wrap] * width)[:, None] + (slot[wrap, None] - back) % q[wrap, None]
        later = self._recent.ravel().take(cell) > t
        short = int(q.min()) < HEAD
        if short:  # a ring shorter than the head: cells past its length were read twice over
            later &= back <= q[:, None]
        # HEAD is 8: each row of bools is one 64-bit word, and its set bits count the later starts
        count = np.bitwise_count(later.view(np.uint64)[:, 0]).astype(np.int64)
        deep = np.flatnonzero(count == HEAD)
        if short:
            deep = deep[q[deep] > HEAD]
        if deep.size:
            count[deep] = self._search(rows[deep], slot[deep], q[deep], t, HEAD)
        out[hot] = count
        return out

    def _search(self, rows: I64, slot: I64, q: I64, t: float, known: int) -> I64:
        """Queue lengths at ``t`` of rings whose ``known`` newest starts are later than ``t``.

        Reads on from there in blocks that double (16, 32, ... cells) while a whole block is
        later than ``t``: a queue of ``k`` takes about ``log2(k / known)`` gathers and reads
        fewer than ``2 k`` cells. Blocks stop at the ring's length.
        """
        flat = self._recent.ravel()
        width = self._recent.shape[1]
        count = np.full(rows.size, known, dtype=np.int64)
        act = np.flatnonzero(count < q)
        size = known
        while act.size:
            size *= 2
            back: I64 = count[act][:, None] + np.arange(1, size + 1)  # how far back from the newest
            inside = back <= q[act, None]
            cell = (rows[act] * width)[:, None] + (slot[act, None] - back) % q[act, None]
            later = ((flat.take(cell) > t) & inside).sum(axis=1)
            count[act] += later
            act = act[(later == size) & (count[act] < q[act])]
        return count

    def _rings_ordered(self) -> bool:
        """Whether every ring is sorted oldest to newest (a full check, on entering the mode)."""
        rows = np.flatnonzero(self.ring_pos)  # position 0: an empty ring, sorted
        if rows.size == 0:
            return True
        q = self.queue_limit[rows][:, None]
        cols = np.arange(self.recent.shape[1])[None, :]
        seq = self.recent[rows[:, None], (self.ring_pos[rows][:, None] + cols) % q]  # oldest first
        return bool(((seq[:, 1:] >= seq[:, :-1]) | (cols[:, 1:] >= q)).all())

    def _note_starts(self, server: I64, order: I64, served: Served) -> bool:
        """Update ``_latest`` after a batch; whether its starts left every ring sorted.

        The accepted starts of a server went into its ring in arrival order, which ``order``
        keeps (grouped by server): each must be no earlier than the one before it in the
        group, the first no earlier than the server's newest start before the batch.
        """
        if served.accepted.all():
            seg, start = server[order], served.start[order]
        else:
            acc = served.accepted[order]
            seg, start = server[order][acc], served.start[order][acc]
        if seg.size == 0:
            return True
        first = np.concatenate(([True], seg[1:] != seg[:-1]))
        pred = np.where(first, self._latest[seg], np.concatenate(([EMPTY], start[:-1])))
        last = np.concatenate((first[1:], [True]))
        self._latest[seg[last]] = start[last]  # one per server: no repeated index
        return bool((start >= pred).all())

    def busy_workers(self, now: float) -> npt.NDArray[np.int64]:
        f = self.free_at
        return np.count_nonzero(np.isfinite(f) & (f > now), axis=1)

    def backlog(self, now: float) -> F64:
        """Unfinished work per server at ``now``, in worker-seconds."""
        f = self.free_at
        finite = np.where(np.isfinite(f), f, now)
        return np.maximum(finite - now, 0.0).sum(axis=1)

    def offer(self, arrival: F64, server: I64, service: F64) -> Served:
        """Serve requests that arrive at ``arrival`` (sorted) on ``server``.

        Requests must be given in arrival order. Returns, per request, whether the
        queue accepted it and its start and finish times (``nan`` when refused).
        Three exact paths: a plain loop for batches on few servers, contiguous
        "prefix" rounds when the queue limit cannot bind, and checked rounds when it
        can. All perform the same floating-point operations in the same order.
        """
        n = arrival.size
        if n == 0:
            empty = np.empty(0)
            return Served(np.zeros(0, dtype=np.bool_), empty, empty.copy())
        order, rank = group_ranks(server, self.n)
        rounds = int(rank.max()) + 1
        # Queues only shrink as time passes while the rings are unchanged, so the longest one
        # counted since (the data plane counts them at the end of every tick) bounds them all at
        # this batch's first arrival: if it fits the smallest limit with this batch's busiest
        # server on top, no queue can fill, and the count is not needed (see _limit_cannot_bind).
        waited, self._waited = self._waited, None  # this batch may change the rings
        self._fits = (waited is not None and waited[0] <= float(arrival[0])
                      and waited[1] + rounds - 1 < waited[2])
        if n <= LOOP_BREAK_EVEN * rounds:
            served = self._offer_loop(arrival, server, service, order, rank)
        elif self._limit_cannot_bind(arrival, server, order, rank):
            start = prefix_rounds(self.free_at, self.width, arrival, server, service, rank)
            self._remember_starts(server, rank, start)
            served = Served(np.ones(n, dtype=np.bool_), start, start + service)
        else:
            accepted, start = checked_rounds(self.free_at, self.recent, self.queue_limit,
                                             self.ring_pos, arrival, server, service, rank)
            served = Served(accepted, start, start + service)
        if self._sparse and self._ordered:
            self._ordered = self._note_starts(server, order, served)
        return served

    def _offer_loop(self, arrival: F64, server: I64, service: F64, order: I64, rank: I64) -> Served:
        """The same recursion, one request at a time in plain Python.

        For a batch spread over few servers (one box in level 1), a NumPy round costs
        more than the handful of requests it serves; this path wins there. It performs
        the identical floating-point operations, so both paths agree exactly. When the
        queue limit provably cannot bind (the usual case) the loop skips the limit
        checks and the ring is updated in one vectorised step afterwards.
        """
        n = arrival.size
        a_l, s_l, d_l = arrival.tolist(), server.tolist(), service.tolist()
        heaps: dict[int, list[float]] = {}
        for srv in set(s_l):
            h = self.free_at[srv].tolist()
            heapq.heapify(h)
            heaps[srv] = h
        replace = heapq.heapreplace
        if self._limit_cannot_bind(arrival, server, order, rank):
            starts: list[float] = []
            push = starts.append
            for a, srv, d in zip(a_l, s_l, d_l, strict=True):
                h = heaps[srv]
                h0 = h[0]
                st = a if a > h0 else h0
                replace(h, st + d)
                push(st)
            start = np.asarray(starts)
            self._remember_starts(server, rank, start)
            accepted = np.ones(n, dtype=np.bool_)
        else:
            # Python lists throughout: a NumPy element read or write costs several list ones
            starts = [np.nan] * n
            took = [False] * n
            rows = {srv: self.recent[srv].tolist() for srv in heaps}
            pos = {srv: int(self.ring_pos[srv]) for srv in heaps}
            qlim = {srv: int(self.queue_limit[srv]) for srv in heaps}
            for i, (a, srv, d) in enumerate(zip(a_l, s_l, d_l, strict=True)):
                row = rows[srv]
                p = pos[srv]
                slot = p % qlim[srv]
                if row[slot] > a:  # Q-th most recent accepted start not reached: the queue is full
                    continue
                h = heaps[srv]
                h0 = h[0]
                st = a if a > h0 else h0
                replace(h, st + d)
                row[slot] = st
                pos[srv] = p + 1
                took[i] = True
                starts[i] = st
            for srv, row in rows.items():
                self.recent[srv] = row
                self.ring_pos[srv] = pos[srv]
            start = np.asarray(starts)
            accepted = np.asarray(took)
        for srv, h in heaps.items():
            self.free_at[srv] = h
        return Served(accepted, start, start + service)

    def _limit_cannot_bind(self, arrival: F64, server: I64, order: I64, rank: I64) -> bool:
        """True when no request of the batch can find its queue full.

        A request sees at most (requests waiting when the batch began) + (its rank in
        the batch) ahead of it, so if that stays under the limit for every request the
        limit checks can be skipped for the whole batch. With sorted rings only the batch's
        servers are counted, each against its last request (the highest rank). Nothing is
        counted when :meth:`offer` already knows the queues are short enough (``_fits``).
        """
        if self._fits:
            return True
        seg = server[order]
        if self._sparse and self._ordered:
            last = np.flatnonzero(np.concatenate((seg[1:] != seg[:-1], [True])))
            srv = seg[last]
            waiting0 = self._waiting_in(srv, float(arrival[0]))
            return not bool(np.any(rank[order][last] + waiting0 >= self.queue_limit[srv]))
        waiting0 = np.count_nonzero(self.recent > float(arrival[0]), axis=1)
        return not bool(np.any(rank[order] + waiting0[seg] >= self.queue_limit[seg]))

    def _remember_starts(self, server: I64, rank: I64, start: F64) -> None:
        """Write a batch's start times into the per-server rings (no overflow possible)."""
        ring = self.ring_pos
        slots = (ring[server] + rank) % self.queue_limit[server]
        self.recent[server, slots] = start
        ring += np.bincount(server, minlength=self.n)
