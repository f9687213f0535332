"""WorkerBank at scale: a bank grown one server at a time is the bank built at once."""

from __future__ import annotations

import numpy as np

from scaleout_tui.engine.queueing import WorkerBank


def test_a_bank_grown_one_server_at_a_time_is_the_bank_built_at_once():
    workers = [1 + k % 3 for k in range(300)]
    qlim = [511] * 300
    built = WorkerBank(workers, qlim)
    grown = WorkerBank(workers[:1], qlim[:1])
    for w, q in zip(workers[1:], qlim[1:], strict=True):
        grown.add_server(w, q, 0.0)
    for name in ("workers", "queue_limit", "free_at", "recent", "ring_pos"):
        assert np.array_equal(getattr(built, name), getattr(grown, name)), name
    assert grown._room < 2 * grown.n  # doubled, not grown by one
