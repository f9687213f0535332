"""The requests open on each target, as a least-connections balancer counts them.

Why this module: a least-connections balancer (HAProxy ``leastconn``, nginx ``least_conn``, the
ALB's ``least_outstanding_requests``) decides *every request* with the counts as they stand at
that instant: the requests it sent earlier in the same second, minus the ones already answered.
The data plane moves requests a tick (0.05-1 s) at a time, and with 10-20 ms requests a count
frozen at the tick's start is off by tens of requests per target. That used to make
least-connections look no better than round robin: at ρ = 0.8 on four 1-vCPU boxes the mean
response was 27 ms where a per-request join-the-shortest-queue gives 19.75 ms.

So, within a tick, the balancer asks this module for the counts at each arrival, and tells it
which target each request went to. Knowing when a request *closes* is the subtle part: this
module serves it on a scratch copy of the target's workers by the same rule as
:class:`~scaleout_tui.engine.queueing.WorkerBank` (FIFO, the earliest-free worker), which is
exactly when the real queue will answer it. Requests from earlier ticks close when the client
learns the outcome (``resolve_at``), which the data plane already knows.

What is estimated rather than exact, each at most for one tick (the next tick reads the real
times from the data plane):

* the time a request spends after its web box (the database, the session store) is taken as
  its work there at the box's nominal speed plus the round trips, without that tier's queue;
* a request refused because the accept queue is full closes at once, judged by its count
  (in service plus waiting) against the workers plus the queue limit;
* a faulty app closes fast (an error page) or at the client's timeout (a hung one), which is
  why least-connections famously pours traffic into a box that fails fast.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass

import numpy as np

from scaleout_tui.engine.arrays import F64, I64

#: what happens to a request on a target: served by its workers, answered with an error at
#: once, or never answered (the client gives up at its timeout)
SERVED, ERRORS, HANGS = 0, 1, 2


@dataclass(frozen=True, slots=True)
class TargetState:
    """The targets of one tick as the data plane knows them at the tick's start.

    Per target (in the balancer's order): its workers' free-at times, its capacity (workers
    plus the accept-queue limit), what its app does with a request (``SERVED``...), how much
    slower than nominal it serves, and whether the database work runs on the box itself.
    """

    free_at: list[list[float]]
    capacity: list[int]
    behaviour: list[int]
    slowdown: list[float]
    colocated: list[bool]


class OpenRequests:
    """Per-target counts of open requests, kept true at each arrival of a tick.

    ``counts[k]`` is what target ``k`` holds open at the latest arrival seen.
    """

    def __init__(self, targets: TargetState, open_box: I64, open_close: F64, t1: float,
                 work: F64, work_colocated: F64, after_s: F64, rtt_s: float, fast_s: float,
                 timeout_s: float) -> None:
        k = len(targets.capacity)
        self.counts: list[int] = np.bincount(open_box, minlength=k).tolist()
        # only closes inside this tick can change a count before the tick ends
        soon = open_close < t1
        self._closing: list[tuple[float, int]] = list(zip(open_close[soon].tolist(),
                                                          open_box[soon].tolist(), strict=True))
        heapq.heapify(self._closing)
        self._free = [sorted(row) for row in targets.free_at]  # heaps: earliest-free worker first
        self._capacity = targets.capacity
        self._behaviour = targets.behaviour
        self._slowdown = targets.slowdown
        self._colocated = targets.colocated
        self._work = work.tolist()
        self._work_colocated = work_colocated.tolist()
        self._after = after_s.tolist()
        self._rtt_s = rtt_s
        self._fast_s = fast_s
        self._timeout_s = timeout_s
        self._t1 = t1

    def _close(self, k: int, r: int, t: float) -> float | None:
        """When request ``r``, sent to target ``k`` at ``t``, closes; None if refused at once."""
        behaviour = self._behaviour[k]
        if behaviour == ERRORS:
            return t + self._fast_s
        if behaviour == HANGS:
            return t + self._timeout_s
        if self.counts[k] >= self._capacity[k]:
            return None  # the accept queue is full: refused at once, never open
        work = (self._work_colocated[r] if self._colocated[k] else self._work[r]) * self._slowdown[k]
        free = self._free[k]
        start = free[0] if free[0] > t else t
        heapq.heapreplace(free, start + work)
        return start + work + self._rtt_s + (0.0 if self._colocated[k] else self._after[r])

    def least_connections(self, t: list[float], held: list[int] | None, start: int) -> tuple[list[int], int]:
        """Each request, in arrival order, to the target with the fewest open requests.

        Among equal counts the search begins at ``start`` (the target after the last one
        chosen), so ties go round in turn as HAProxy's ``leastconn`` and nginx's ``least_conn``
        take them. A request whose ``held`` entry is a target (a sticky cookie) goes there.
        Returns the targets and where the next search begins.

        One loop with everything local and the usual case written out in it: it runs once per
        request (1.7 million times in an hour of level 8), where a call costs more than the work.
        The fewest count is kept as counts move by one (``fewest`` and how many targets hold it),
        not found again with ``min`` for every request: the same target is chosen, without a scan
        of every target per request (60 of them in level 8's biggest fleets).
        """
        closing, counts = self._closing, self.counts
        pop, push, replace = heapq.heappop, heapq.heappush, heapq.heapreplace
        k = len(counts)
        close_of = self._close
        # the usual target: served by its workers, database work elsewhere (or none) and no
        # queue limit within reach this tick; the others take the general path
        plain = [b == SERVED and not c for b, c in zip(self._behaviour, self._colocated, strict=True)]
        capacity, slowdown, free = self._capacity, self._slowdown, self._free
        work, after = self._work, self._after
        rtt, t1 = self._rtt_s, self._t1
        out: list[int] = []
        fewest = min(counts) if counts else 0
        at_fewest = counts.count(fewest)  # how many targets hold the fewest
        for r, tr in enumerate(t):
            while closing and closing[0][0] <= tr:
                j = pop(closing)[1]
                c = counts[j] - 1
                counts[j] = c
                if c < fewest:
                    fewest, at_fewest = c, 1
                elif c == fewest:
                    at_fewest += 1
            if held is not None and held[r] >= 0:
                i = held[r]
            else:
                try:
                    i = counts.index(fewest, start)
                except ValueError:
                    i = counts.index(fewest)
                start = i + 1 if i + 1 < k else 0
            out.append(i)
            if plain[i]:
                if counts[i] >= capacity[i]:
                    continue  # the accept queue is full: refused at once, never open
                f = free[i]
                w = work[r] * slowdown[i]
                begin = f[0] if f[0] > tr else tr
                replace(f, begin + w)
                close = begin + w + rtt + after[r]
            else:
                closes = close_of(i, r, tr)
                if closes is None:
                    continue
                close = closes
            c = counts[i]
            counts[i] = c + 1
            if c == fewest:
                at_fewest -= 1
                if not at_fewest:  # it was the last at the fewest: the next count up is the fewest
                    fewest += 1
                    at_fewest = counts.count(fewest)
            if close < t1:  # a later close cannot change a count before the tick ends
                push(closing, (close, i))
        return out, start
