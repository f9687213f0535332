"""App faults on the database tier, against hand-computed timelines (issue 13).

One request every 0.5 s (at 0.25, 0.75, ...) with 4 ms of web CPU and 10 ms of database work, on
one-vCPU boxes with no network delay: no two requests ever meet, so each one takes exactly
4 + 10 = 14 ms. A fault on ``db`` from t = 10 s to t = 20 s meets exactly the 20 queries that
reach the database in that window (arrivals 10.25 ... 19.75 s); the others are untouched.
"""

from __future__ import annotations

import numpy as np
import pytest

from scaleout_tui.engine import Command, CommandError, ScheduledFailure, Simulation
from scaleout_tui.engine.metrics import ERROR_CAUSES
from scaleout_tui.engine.traffic import Arrivals
from tests.engine.helpers import ArraySource, config, steady, trace_arrays, traced

E = {name: i for i, name in enumerate(ERROR_CAUSES)}
APP_S, DB_S, TIMEOUT_S = 0.004, 0.010, 2.0


def run(kind: str, factor: float = 5.0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    t = 0.25 + 0.5 * np.arange(80)  # 40 s
    n = t.size
    arr = Arrivals(t, np.arange(n, dtype=np.int64), np.zeros(n, np.int8), np.full(n, APP_S), np.full(n, DB_S))
    cfg = config(steady(2.0, APP_S, DB_S), layout="two-tier", duration=45.0, timeout_s=TIMEOUT_S, tick_s=0.1,
                 failures=(ScheduledFailure(10.0, "db", 10.0, kind, factor),))
    sim = traced(Simulation(cfg, seed=1, source=ArraySource(arr)))
    sim.run()
    _, arrival, done, cause = trace_arrays(sim)
    assert arrival.size == n  # every request was answered or failed: none is stuck between stages
    return arrival, done - arrival, cause


def window(arrival: np.ndarray) -> np.ndarray:
    return (arrival > 10.0) & (arrival < 20.0)


def test_a_hung_database_leaves_its_queries_to_time_out_at_the_client():
    arrival, took, cause = run("hang")
    hit = window(arrival)
    assert hit.sum() == 20
    assert (cause[hit] == E["timeout"]).all()
    assert took[hit] == pytest.approx(np.full(20, TIMEOUT_S))  # the client waits out its timeout
    assert (cause[~hit] == -1).all() and took[~hit] == pytest.approx(np.full(60, APP_S + DB_S))


def test_an_erroring_database_makes_the_app_answer_a_fast_500():
    arrival, took, cause = run("error")
    hit = window(arrival)
    assert (cause[hit] == E["db_down"]).all() and hit.sum() == 20
    # the web work, then the database's error at once (2 ms): no timeout, no queue
    assert took[hit] == pytest.approx(np.full(20, APP_S + 0.002))
    assert (cause[~hit] == -1).all()


@pytest.mark.parametrize("factor", [2.0, 5.0])
def test_a_slow_database_serves_its_queries_factor_times_slower(factor):
    arrival, took, cause = run("slow", factor)
    hit = window(arrival)
    assert (cause == -1).all()
    assert took[hit] == pytest.approx(np.full(20, APP_S + factor * DB_S))
    assert took[~hit] == pytest.approx(np.full(60, APP_S + DB_S))


def test_a_database_drill_is_allowed_and_a_balancer_node_can_only_crash():
    from scaleout_tui.engine.balancer import BalancerSpec

    cfg = config(steady(20.0, APP_S, DB_S), layout="two-tier", duration=60.0, timeout_s=TIMEOUT_S,
                 balancer=BalancerSpec())
    sim = Simulation(cfg, seed=2)
    sim.advance(5)
    sim.apply(Command("inject.hang", "db"))
    assert sim.fleet.role_box("db").fault == "hang"
    lb = sim.fleet.role_box("lb")
    with pytest.raises(CommandError) as info:
        sim.apply(Command("inject.slow", lb.name))
    assert info.value.code == "no_app_to_fault"
    sim.advance(10)
    assert sim.metrics.total_errors[E["timeout"]] > 0
