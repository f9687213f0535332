"""WorkerBank at scale: the sorted-ring search counts exactly what the full scan counts, and a
bank grown one server at a time is the bank built at once."""

from __future__ import annotations

import numpy as np
import pytest

from scaleout_tui.engine import Simulation, queueing
from scaleout_tui.engine.queueing import WorkerBank
from tests.engine.helpers import config, steady

DENSE = 10**15   # every bank scans every ring cell
SEARCH = 0       # every bank searches its sorted rings


def bank_with(monkeypatch: pytest.MonkeyPatch, cells: int, workers: list[int], qlim: list[int]) -> WorkerBank:
    monkeypatch.setattr(queueing, "DENSE_CELLS", cells)
    return WorkerBank(workers, qlim)


def same(a: queueing.Served, b: queueing.Served) -> bool:
    return (np.array_equal(a.accepted, b.accepted) and np.array_equal(a.start, b.start, equal_nan=True)
            and np.array_equal(a.finish, b.finish, equal_nan=True))


@pytest.mark.parametrize("path", ["loop", "vector"])
@pytest.mark.parametrize("qlim", [3, 40, 100_000])
def test_search_counts_what_the_full_scan_counts(monkeypatch, path, qlim):
    """Overload (so queues fill and refuse), a probe, a crash and a box added mid-run: every
    offer and every count agrees exactly, with the search in use throughout. A third bank is
    never asked for its queues, so it never skips the queue-limit check on their strength."""
    monkeypatch.setattr(queueing, "LOOP_BREAK_EVEN", 10**9 if path == "loop" else 0)
    workers = [1, 2, 2, 4, 1, 3]
    plain = bank_with(monkeypatch, DENSE, workers, [qlim] * len(workers))
    scan = bank_with(monkeypatch, DENSE, workers, [qlim] * len(workers))
    search = bank_with(monkeypatch, SEARCH, workers, [qlim] * len(workers))
    banks = (plain, scan, search)
    rng = np.random.default_rng(3)
    t = 0.0
    skipped = []
    for tick in range(120):
        n = int(rng.integers(0, 80))
        arrival = t + np.sort(rng.random(n)) * 0.1
        server = rng.integers(0, search.n, n)
        demand = rng.exponential(0.03 if tick < 60 else 0.01, n)  # overload, then draining
        served = [bank.offer(arrival, server, demand) for bank in banks]
        assert same(served[0], served[1]) and same(served[0], served[2])
        skipped.append(search._fits and n > 0)
        for now in (t + 1.0, t, t + 0.05, t + 0.1):  # the last, as the data plane does at t1
            full = np.count_nonzero(plain.recent > now, axis=1)
            assert np.array_equal(scan.waiting(now), full)
            assert np.array_equal(search.waiting(now), full)
        if tick == 30:
            for bank in banks:
                bank.occupy(2, t + 0.1, 0.5)
                bank.reset_server(3, t + 0.1)
        if tick == 50:
            for bank in banks:
                bank.add_server(2, qlim, t + 0.1)
        t += 0.1
    assert search._sparse and search._ordered and not scan._sparse
    assert any(skipped) or qlim == 3
    if qlim == 3:
        assert scan.waiting(3.0).max() == 3, "the case must fill a queue"


def test_out_of_order_offers_fall_back_to_the_full_scan(monkeypatch):
    """Starts that go back in time leave a ring unsorted: the search must step aside."""
    search = bank_with(monkeypatch, SEARCH, [2], [10])
    scan = bank_with(monkeypatch, DENSE, [2], [10])
    for arrival in ([5.0], [1.0]):  # the second starts at once on the idle worker, before 5
        a = np.asarray(arrival)
        zeros = np.zeros(a.size, dtype=np.int64)
        assert same(scan.offer(a, zeros, np.ones(a.size)), search.offer(a, zeros, np.ones(a.size)))
    assert not search._ordered
    for now in (0.5, 1.5, 4.0, 5.5, 7.0):
        assert np.array_equal(scan.waiting(now), search.waiting(now))


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


def test_whole_runs_agree_between_scan_and_search(monkeypatch):
    """A run with queues that fill and a crash gives the same digest and queue series."""
    def run(cells: int) -> Simulation:
        monkeypatch.setattr(queueing, "DENSE_CELLS", cells)
        cfg = config(steady(900.0, 0.02), vcpus=2, duration=40.0, web_count=8, queue_limit=30,
                     timeout_s=5.0)
        sim = Simulation(cfg, seed=4)
        sim.advance(15.0)
        sim.data.kill_box(sim.boxes[2], sim.now)
        sim.data.restart_box(sim.boxes[2], sim.now)
        sim.run()
        return sim

    scan, search = run(DENSE), run(SEARCH)
    assert search.data.bank._sparse and search.data.bank._ordered
    assert search.metrics.total_errors.sum() > 0, "the case must refuse requests"
    assert scan.digest() == search.digest()
    assert scan.metrics.series["queue_max"] == search.metrics.series["queue_max"]
