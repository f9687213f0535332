"""The vectorised data plane against plain per-request reference loops (≤ 1e-9 s)."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from scaleout_tui.engine import Simulation, queueing
from scaleout_tui.engine.queueing import WorkerBank
from tests.engine import reference
from tests.engine.helpers import ArraySource, config, poisson_arrivals, steady, trace_arrays, traced


def run_bank_in_ticks(arrival, server, demand, workers, qlim, tick, rng=None):
    bank = WorkerBank(workers, [qlim] * len(workers))
    acc = np.zeros(arrival.size, bool)
    start = np.full(arrival.size, np.nan)
    edges = np.arange(0.0, arrival.max() + tick, tick)
    if rng is not None:  # uneven ticks: results must not depend on where ticks fall
        edges = np.sort(np.concatenate(([0.0], rng.random(edges.size) * edges[-1], [edges[-1] + tick])))
    for t0, t1 in itertools.pairwise(edges):
        lo, hi = np.searchsorted(arrival, [t0, t1])
        if hi > lo:
            r = bank.offer(arrival[lo:hi], server[lo:hi], demand[lo:hi])
            acc[lo:hi] = r.accepted
            start[lo:hi] = r.start
    return acc, start


@pytest.mark.parametrize("path", ["loop", "vector"])
@pytest.mark.parametrize("workers", [[1] * 6, [2] * 5, [4, 1, 3], [8]])
@pytest.mark.parametrize("qlim", [100_000, 3])
def test_worker_bank_matches_reference(monkeypatch, path, workers, qlim):
    monkeypatch.setattr(queueing, "LOOP_BREAK_EVEN", 10**9 if path == "loop" else 0)
    rng = np.random.default_rng(7)
    n_srv = len(workers)
    cap = sum(workers)
    n = 20_000
    arrival = np.cumsum(rng.exponential(1.0 / (0.9 * cap * 50), n))
    server = rng.integers(0, n_srv, n)
    demand = rng.exponential(1 / 50, n) * np.asarray(workers)[server] / np.mean(workers)
    ref_acc, ref_start = reference.fifo(arrival, server, demand, workers, qlim)
    for tick in (0.05, 0.5):
        acc, start = run_bank_in_ticks(arrival, server, demand, workers, qlim, tick, rng)
        assert np.array_equal(acc, ref_acc)
        assert np.nanmax(np.abs(start - ref_start)) <= 1e-9
    if qlim == 3:
        assert (~ref_acc).sum() > 0, "the case must exercise a full queue"


@pytest.mark.parametrize("web_vcpus,db_vcpus", [(1, 1), (4, 2)])
def test_two_tier_data_plane_matches_reference(web_vcpus, db_vcpus):
    rng = np.random.default_rng(11)
    arr = poisson_arrivals(rng, rate=60.0 * web_vcpus, duration=300.0, app_mean=0.012, db_mean=0.006,
                           db_share=0.7)
    cfg = config(steady(1.0, 0.01), vcpus=web_vcpus, db_vcpus=db_vcpus, duration=400.0,
                 layout="two-tier", rtt_s=0.0005)
    sim = traced(Simulation(cfg, seed=1, source=ArraySource(arr)))
    sim.run()
    rid, _arrival, done, cause = trace_arrays(sim)
    assert rid.size == arr.size and (cause == -1).all()
    expect = reference.two_tier(arr.t, arr.app_s, arr.db_s, web_vcpus, db_vcpus, 0.0005)
    assert np.max(np.abs(done - expect)) <= 1e-9


def test_colocated_box_serves_app_and_db_work_in_one_visit():
    rng = np.random.default_rng(5)
    arr = poisson_arrivals(rng, rate=70.0, duration=200.0, app_mean=0.02, db_mean=0.005)
    cfg = config(steady(1.0, 0.01), vcpus=2, duration=300.0, colocation_penalty=1.5)
    sim = traced(Simulation(cfg, seed=1, source=ArraySource(arr)))
    sim.run()
    _, _, done, _ = trace_arrays(sim)
    acc, start = reference.fifo(arr.t, np.zeros(arr.size, np.int64), arr.app_s + 1.5 * arr.db_s, [2], 10**9)
    assert acc.all()
    assert np.max(np.abs(done - (start + arr.app_s + 1.5 * arr.db_s))) <= 1e-9
