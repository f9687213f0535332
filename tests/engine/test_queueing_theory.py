"""The engine agrees with queueing theory within sampling noise.

Tolerances are set from the standard error of a mean response time at the given
utilisation and sample size (for M/M/1 at ρ = 0.8 and ~10^6 requests the relative
standard error is about 1 %), so a real modelling error of a few percent fails. That takes
up to 10^6 requests a test: these are marked ``slow`` (CI runs them; ``make test-fast`` does
not). Only the comparison of pooling with splitting, whose effect is fourfold, runs short.
"""

from __future__ import annotations

import numpy as np
import pytest

from scaleout_tui.engine import Simulation
from scaleout_tui.engine.metrics import percentile
from tests.engine.helpers import config, steady
from tests.engine.reference import erlang_c_response, erlang_c_wait_quantile


def mean_response(sim: Simulation) -> float:
    m = sim.metrics
    return m.latency_sum / m.completed


@pytest.mark.slow
@pytest.mark.parametrize("c,rho,tol", [(1, 0.5, 0.02), (1, 0.8, 0.04), (4, 0.5, 0.015), (4, 0.8, 0.03),
                                       (16, 0.8, 0.02)])
def test_pooled_mmc_matches_erlang_c(c, rho, tol):
    """600,000 requests per point. A fast service (0.5 ms) packs them into 23-600 simulated
    seconds: the theory depends on rho and c only, and a tick costs the engine about as much as
    a few hundred requests, so at 5 ms a point took 10 times the ticks (and one server's points
    were capped at half the requests)."""
    mu = 2000.0
    lam = rho * c * mu
    sim = Simulation(config(steady(lam, 1 / mu), vcpus=c, duration=min(600_000 / lam, 3000)), seed=2)
    sim.run()
    expect = erlang_c_response(lam, mu, c)
    assert mean_response(sim) == pytest.approx(expect, rel=tol)


@pytest.mark.slow
def test_random_dispatch_to_independent_servers_is_mm1():
    # Random splitting of a Poisson stream gives each server its own Poisson stream:
    # n independent M/M/1 queues, each with λ/n. 640,000 requests of 1 ms in 100 s (as above:
    # the same requests at 10 ms took ten times the ticks).
    mu, n, rho = 1000.0, 8, 0.8
    lam = rho * mu * n
    sim = Simulation(config(steady(lam, 1 / mu), vcpus=1, web_count=n, duration=100), seed=3)
    sim.run()
    assert mean_response(sim) == pytest.approx(1 / (mu - lam / n), rel=0.04)


def test_pooling_beats_splitting():
    # Same total capacity: one 8-worker box vs 8 one-worker boxes with random dispatch. At
    # ρ = 0.8 theory gives a ratio of 0.25 (Erlang C against M/M/1); 64,000 requests measure
    # 0.26-0.28 over several seeds, far from the 0.5 asserted.
    mu, lam = 100.0, 640.0
    pooled = Simulation(config(steady(lam, 1 / mu), vcpus=8, duration=100), seed=4)
    split = Simulation(config(steady(lam, 1 / mu), vcpus=1, web_count=8, duration=100), seed=4)
    pooled.run()
    split.run()
    assert mean_response(pooled) < 0.5 * mean_response(split)


@pytest.mark.slow
def test_p99_wait_matches_erlang_c_tail():
    # 960,000 requests of 0.5 ms in 150 s (see the tests above); the p99, a few ms, lies far
    # above the histogram's lowest edge (0.1 ms), and its 40 bins a decade are 6 % wide at any scale
    c, mu, rho = 4, 2000.0, 0.8
    lam = rho * c * mu
    sim = Simulation(config(steady(lam, 1 / mu, dist="exponential"), vcpus=c, duration=150), seed=5)
    sim.run()
    # response = wait + service; compare the tail through a simulated convolution of
    # the theoretical wait with exponential service.
    rng = np.random.default_rng(0)
    w_q = np.array([erlang_c_wait_quantile(lam, mu, c, q) for q in rng.random(400_000)])
    resp = w_q + rng.exponential(1 / mu, w_q.size)
    expect_p99 = float(np.quantile(resp, 0.99))
    got_p99 = percentile(sim.metrics.total_hist, 0.99)
    assert got_p99 == pytest.approx(expect_p99, rel=0.06)


@pytest.mark.slow
@pytest.mark.parametrize("c,rho", [(1, 0.7), (3, 0.9)])
def test_littles_law(c, rho):
    mu = 100.0
    lam = rho * c * mu
    sim = Simulation(config(steady(lam, 1 / mu), vcpus=c, duration=800, tick_s=0.05), seed=6)
    in_system = []
    while not sim.finished:
        sim.step()
        in_system.append(sim.data.in_flight)
    L = float(np.mean(in_system))
    X = sim.metrics.completed / sim.now
    W = mean_response(sim)
    assert pytest.approx(X * W, rel=0.03) == L


@pytest.mark.slow
def test_results_do_not_depend_on_tick_length():
    """M/M/4 at rho 0.75, 300,000 requests a run, ticks of 100 and 1,000 service times (300 and
    3,000 requests a tick). A 0.5 ms service keeps the ticks few (as in the tests above): the
    same run at 5 ms and ten times the ticks is this one scaled (seed for seed, it measures the
    same), and the Ciw checks cover ticks of ten service times (``test_ciw_oracle.py``)."""
    lam, mu, c = 6000.0, 2000.0, 4
    out = {}
    for tick in (0.05, 0.5):
        sims = [Simulation(config(steady(lam, 1 / mu), vcpus=c, duration=50, tick_s=tick), seed=s)
                for s in (1, 2)]
        for s in sims:
            s.run()
        out[tick] = np.mean([mean_response(s) for s in sims])
    base = erlang_c_response(lam, mu, c)
    for tick, v in out.items():
        assert v == pytest.approx(base, rel=0.04), tick
