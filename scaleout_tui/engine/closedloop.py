"""Closed-loop load, like ApacheBench's ``ab -c N -n R -t T``.

Open arrival curves model a crowd that does not care how slow you are. A load-test tool
does care: each of its ``N`` clients sends its next request only when the previous one
has returned, so throughput is ``N / response time`` (Little's law) and a slower server
gets *less* load. The tutorials' autoscaling experiment depends on it: ``-c 100 -t 180``
keeps a small box busy for three minutes, while ``-c 10 -n 10`` sends ten requests in a
blink and the CPU average never notices.

A client that becomes free during a tick sends again from the next tick, so one client
sends at most one request per tick (10 per second at 0.1 s ticks); against a saturated
box, whose answers take longer than a tick, that limit never binds.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from scaleout_tui.engine.arrays import I64
from scaleout_tui.engine.rng import stream
from scaleout_tui.engine.traffic import KINDS, Arrivals, KindMix

DEFAULT_PAGE = KindMix("page", 1.0, 0.010, 0.0, cv=0.5)


@dataclass(frozen=True, slots=True)
class LoadTest:
    """One ``ab`` run: ``concurrency`` clients from ``start`` for ``duration_s`` seconds,
    or until ``requests`` have been sent (whichever comes first)."""

    start: float
    concurrency: int
    duration_s: float = 50_000.0
    requests: int = 50_000
    kind: KindMix = DEFAULT_PAGE


class ClosedLoopSource:
    """Requests from load-test clients; implements the data plane's source protocol plus
    two hooks: ``issued`` (ids given to this tick's requests) and ``resolved``."""

    def __init__(self, tests: tuple[LoadTest, ...], seed: int) -> None:
        self.tests = tests
        self._rng = stream(seed, "closedloop")
        self.busy: dict[int, int] = {}       # request id -> client
        self.free_at: dict[int, float] = {}  # client -> when it may send again
        self.sent = [0] * len(tests)
        self._last: list[int] = []

    def _clients(self, t: float) -> list[int]:
        out: list[int] = []
        for i, lt in enumerate(self.tests):
            if lt.start <= t < lt.start + lt.duration_s and self.sent[i] < lt.requests:
                out.extend(i * 1_000_000 + c for c in range(lt.concurrency))
        return out

    def sample(self, t0: float, t1: float) -> Arrivals:
        waiting = set(self.busy.values())
        ready = [c for c in self._clients(t0) if c not in waiting and self.free_at.get(c, -1.0) < t1]
        times, clients, demand = [], [], []
        for c in ready:
            i = c // 1_000_000
            lt = self.tests[i]
            if self.sent[i] >= lt.requests:
                continue
            self.sent[i] += 1
            at = max(t0, self.free_at.get(c, t0), lt.start)
            times.append(at)
            clients.append(c)
            sigma = np.sqrt(np.log1p(lt.kind.cv**2))
            demand.append(lt.kind.app_s * float(np.exp(sigma * self._rng.standard_normal() - sigma**2 / 2)))
        order = np.argsort(np.asarray(times), kind="stable")
        t = np.asarray(times, dtype=float)[order]
        self._last = [clients[j] for j in order.tolist()]
        n = t.size
        return Arrivals(t, np.asarray(self._last, dtype=np.int64) % 1_000_000,
                        np.full(n, KINDS.index("page"), dtype=np.int8),
                        np.asarray(demand, dtype=float)[order], np.zeros(n))

    def issued(self, rids: I64) -> None:
        for rid, c in zip(rids.tolist(), self._last, strict=True):
            self.busy[rid] = c

    def resolved(self, rids: I64, at: npt.NDArray[np.float64]) -> None:
        for rid, t in zip(rids.tolist(), at.tolist(), strict=True):
            c = self.busy.pop(rid, None)
            if c is not None:
                self.free_at[c] = t
