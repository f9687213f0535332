"""Plain per-request reference models, written for clarity, not speed.

They share no code with the engine: each request is walked through the system one
at a time with a heap of worker free times, exactly as a textbook describes a FIFO
multi-server queue. The engine's vectorised tick data plane must agree with them to
within floating-point noise when fed the same random arrays.
"""

from __future__ import annotations

import bisect
import heapq
import math
from dataclasses import dataclass

import numpy as np


@dataclass
class RefServer:
    workers: int
    queue_limit: int

    def __post_init__(self) -> None:
        self.free = [0.0] * self.workers
        self.starts: list[float] = []  # starts of accepted requests, non-decreasing

    def offer(self, t: float, demand: float) -> tuple[bool, float, float]:
        # starts are non-decreasing (FIFO), so "waiting" = accepted starts after t
        waiting = len(self.starts) - bisect.bisect_right(self.starts, t)
        if waiting >= self.queue_limit:
            return False, math.nan, math.nan
        start = max(t, self.free[0])
        heapq.heapreplace(self.free, start + demand)
        self.starts.append(start)
        return True, start, start + demand


def fifo(arrival: np.ndarray, server: np.ndarray, demand: np.ndarray, workers: list[int],
         queue_limit: int) -> tuple[np.ndarray, np.ndarray]:
    """Per-request FIFO: returns (accepted, start) for requests in arrival order."""
    servers = [RefServer(w, queue_limit) for w in workers]
    acc = np.zeros(arrival.size, bool)
    start = np.full(arrival.size, np.nan)
    for i in range(arrival.size):
        ok, st, _ = servers[int(server[i])].offer(float(arrival[i]), float(demand[i]))
        acc[i] = ok
        start[i] = st
    return acc, start


def two_tier(arrival: np.ndarray, app: np.ndarray, db: np.ndarray, web_workers: int,
             db_workers: int, rtt: float) -> np.ndarray:
    """Client-visible completion time of each request through web then DB (no limits)."""
    web = RefServer(web_workers, 10**9)
    dbs = RefServer(db_workers, 10**9)
    done = np.empty(arrival.size)
    db_arrivals = []
    for i in range(arrival.size):
        _, _, fin = web.offer(float(arrival[i]), float(app[i]))
        if db[i] > 0:
            db_arrivals.append((fin + rtt, i))
        else:
            done[i] = fin + rtt
    db_arrivals.sort()
    for t, i in db_arrivals:
        _, _, fin = dbs.offer(t, float(db[i]))
        done[i] = fin + rtt
    return done


def least_connections(arrival: np.ndarray, demand: np.ndarray, workers: list[int],
                      rtt: float) -> tuple[np.ndarray, np.ndarray]:
    """Per-request join-the-shortest-queue, as a least-connections balancer runs it.

    Each request goes to the server with the fewest open requests at its arrival (a request
    is open until its answer is back: finish + one round trip); among equal counts the
    search starts after the server chosen last, as HAProxy and nginx take ties in turn.
    Returns (server, done) per request.
    """
    servers = [RefServer(w, 10**9) for w in workers]
    closes: list[list[float]] = [[] for _ in workers]  # each server's open requests' closes
    pick = np.empty(arrival.size, np.int64)
    done = np.empty(arrival.size)
    after = 0
    for i in range(arrival.size):
        t = float(arrival[i])
        for c in closes:
            while c and c[0] <= t:
                heapq.heappop(c)
        counts = [len(c) for c in closes]
        order = [(after + j) % len(workers) for j in range(len(workers))]
        s = min(order, key=lambda j: counts[j])  # the first of the fewest, from ``after`` on
        after = (s + 1) % len(workers)
        _, _, fin = servers[s].offer(t, float(demand[i]))
        heapq.heappush(closes[s], fin + rtt)
        pick[i] = s
        done[i] = fin + rtt
    return pick, done


def erlang_c_response(lam: float, mu: float, c: int) -> float:
    """Mean response time of M/M/c (Erlang C waiting probability)."""
    a = lam / mu
    rho = a / c
    assert rho < 1
    s = sum(a**k / math.factorial(k) for k in range(c))
    top = a**c / math.factorial(c) / (1 - rho)
    p_wait = top / (s + top)
    return p_wait / (c * mu - lam) + 1 / mu


def erlang_c_wait_quantile(lam: float, mu: float, c: int, q: float) -> float:
    """q-quantile of the waiting time in M/M/c: P(W > t) = C e^{-(c mu - lam) t}."""
    a = lam / mu
    rho = a / c
    s = sum(a**k / math.factorial(k) for k in range(c))
    top = a**c / math.factorial(c) / (1 - rho)
    p_wait = top / (s + top)
    if 1 - q >= p_wait:
        return 0.0
    return math.log(p_wait / (1 - q)) / (c * mu - lam)


def mmck(lam: float, mu: float, c: int, k: int) -> tuple[float, float]:
    """M/M/c/K (``k`` places in all, ``c`` of them servers): the blocking probability and the
    mean response time of the requests let in, from the birth-death chain's stationary law
    (p_n ∝ a^n / n! for n ≤ c, then × rho per further place) and Little's law on the admitted rate."""
    a = lam / mu
    w = [a**n / math.factorial(n) if n <= c else a**c / math.factorial(c) * (a / c) ** (n - c)
         for n in range(k + 1)]
    total = sum(w)
    p = [x / total for x in w]
    in_system = sum(n * pn for n, pn in enumerate(p))
    return p[k], in_system / (lam * (1 - p[k]))
