"""The batch recursion across servers: round ``k`` serves the ``k``-th request of every server.

Why apart from :mod:`queueing`: these are the two vectorised forms of the Kiefer-Wolfowitz
recursion (see there), pure array algorithms over a bank's worker times and rings, with no
bookkeeping of their own. :class:`~scaleout_tui.engine.queueing.WorkerBank` picks the path and
keeps its state; both paths perform the same floating-point operations in the same order as its
plain per-request loop, so all three agree exactly.
"""

from __future__ import annotations

import numpy as np

from scaleout_tui.engine.arrays import F64, I64, B


def prefix_rounds(free_at: F64, width: int, arrival: F64, server: I64, service: F64, rank: I64) -> F64:
    """Rounds over servers, laid out so every round reads contiguous memory.

    Servers are ordered by how many requests they got this batch (most first), so
    the servers still busy in round ``k`` are always a prefix of that order. Each
    round is then a handful of NumPy operations on slices: no index gathers. Rows
    of worker free times are kept sorted for two-worker boxes (the earliest free
    worker is column 0); wider boxes take an ``argmin``. Only used when the queue
    limit cannot bind, so every request is accepted. Updates ``free_at`` in place and
    returns each request's start.
    """
    counts = np.bincount(server, minlength=free_at.shape[0])
    # only the servers with requests, most first (a stable sort: ties keep index order)
    act = np.flatnonzero(counts)
    perm = act[np.argsort(-counts[act], kind="stable")]
    cp = counts[perm]
    n_act = perm.size
    pos = np.empty(free_at.shape[0], dtype=np.int64)
    pos[perm] = np.arange(n_act)
    rounds = int(cp[0])
    p = pos[server]
    a_m = np.empty((rounds, n_act))
    d_m = np.empty((rounds, n_act))
    a_m[rank, p] = arrival
    d_m[rank, p] = service
    s_m = np.empty((rounds, n_act))
    # servers still busy in round k: the first m[k] of the order
    m = np.searchsorted(-cp, -np.arange(1, rounds + 1), side="right")
    f = free_at[perm]
    # The one- and two-worker rounds write every result in place (``out=``): a round is
    # a few microseconds of NumPy, and allocating its temporaries was a good part of it.
    if width == 1:
        lo = f[:, 0].copy()
        for k, mk in enumerate(m.tolist()):
            st = s_m[k, :mk]
            np.maximum(a_m[k, :mk], lo[:mk], out=st)
            np.add(st, d_m[k, :mk], out=lo[:mk])
        f[:, 0] = lo
    elif width == 2:
        lo = f.min(axis=1)
        hi = f.max(axis=1)
        fin_buf = np.empty(n_act)
        maximum, minimum, add = np.maximum, np.minimum, np.add
        for a_k, d_k, st, mk in zip(a_m, d_m, s_m, m.tolist(), strict=True):
            if mk == n_act:  # every server still busy (most rounds): no slicing
                fin, lo_k, hi_k = fin_buf, lo, hi
            else:
                a_k, d_k, st = a_k[:mk], d_k[:mk], st[:mk]
                fin, lo_k, hi_k = fin_buf[:mk], lo[:mk], hi[:mk]
            maximum(a_k, lo_k, out=st)
            add(st, d_k, out=fin)
            minimum(hi_k, fin, out=lo_k)
            maximum(hi_k, fin, out=hi_k)
        f[:, 0] = lo
        f[:, 1] = hi
    else:
        ar = np.arange(n_act)
        for k in range(rounds):
            mk = m[k]
            rows = f[:mk]
            j = rows.argmin(axis=1)
            st = np.maximum(a_m[k, :mk], rows[ar[:mk], j])
            f[ar[:mk], j] = st + d_m[k, :mk]
            s_m[k, :mk] = st
    free_at[perm] = f
    return s_m[rank, p]


def checked_rounds(free_at: F64, recent: F64, qlim: I64, ring: I64, arrival: F64, server: I64,
               service: F64, rank: I64) -> tuple[B, F64]:
    """Rounds with the queue-limit check on every request (overload: the limit binds).

    Updates the workers' ``free_at``, the rings of recent starts and their positions in place;
    returns whether each request was accepted and its start (``nan`` when refused).
    """
    n = arrival.size
    by_rank = np.argsort(rank, kind="stable")
    counts = np.bincount(rank)
    bounds = np.concatenate(([0], np.cumsum(counts)))
    a_all = arrival[by_rank]
    s_all = server[by_rank]
    d_all = service[by_rank]
    st_all = np.full(n, np.nan)
    ok_all = np.ones(n, dtype=np.bool_)
    rowsel = np.arange(int(counts[0]))
    for k in range(counts.size):
        lo, hi = int(bounds[k]), int(bounds[k + 1])
        srv = s_all[lo:hi]
        a = a_all[lo:hi]
        rows = free_at[srv]
        j = rows.argmin(axis=1)
        st = np.maximum(a, rows[rowsel[: hi - lo], j])
        pos = ring[srv]
        slot = pos % qlim[srv]
        # Q-th most recent accepted start still in the future -> queue is full.
        ok = recent[srv, slot] <= a
        if not ok.all():
            srv, j, st, slot, pos = srv[ok], j[ok], st[ok], slot[ok], pos[ok]
            free_at[srv, j] = st + d_all[lo:hi][ok]
            st_all[lo:hi][ok] = st
        else:
            free_at[srv, j] = st + d_all[lo:hi]
            st_all[lo:hi] = st
        recent[srv, slot] = st
        ring[srv] = pos + 1
        ok_all[lo:hi] = ok
    accepted = np.empty(n, dtype=np.bool_)
    accepted[by_rank] = ok_all
    start = np.empty(n)
    start[by_rank] = st_all
    return accepted, start
