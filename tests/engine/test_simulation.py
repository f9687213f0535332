"""The kernel and whole runs: resize downtime, crashes, queue limits, timeouts, cost,
conservation and determinism, worked out by hand."""

from __future__ import annotations

import numpy as np
import pytest

from scaleout_tui.content.knobs import BadChoice
from scaleout_tui.engine import Command, CommandError, ScheduledFailure, Simulation
from scaleout_tui.engine.metrics import ERROR_CAUSES
from scaleout_tui.engine.traffic import Arrivals
from tests.engine.helpers import ArraySource, config, knob, steady, trace_arrays, traced


def conserved(sim: Simulation) -> bool:
    m = sim.metrics
    return m.arrived == m.completed + int(m.total_errors.sum()) + sim.data.in_flight


def const_arrivals(times: list[float], app: float) -> Arrivals:
    t = np.asarray(times, float)
    n = t.size
    return Arrivals(t, np.zeros(n, np.int64), np.zeros(n, np.int8), np.full(n, app), np.zeros(n))


def test_resize_stops_the_box_for_the_downtime_and_refuses_only_then():
    cfg = config(steady(50.0, 0.001), vcpus=1, duration=400, resize_downtime_s=90.0, tick_s=0.1)
    sim = Simulation(cfg, seed=1)
    sim.advance(100)
    sim.apply(knob(sim, "web.size", "big"))
    refused_at = []
    while not sim.finished:
        before = sim.metrics.total_errors[0]
        sim.step()
        if sim.metrics.total_errors[0] > before:
            refused_at.append(sim.now)
        assert conserved(sim)
    assert refused_at[0] == pytest.approx(100.1, abs=0.11)
    assert refused_at[-1] == pytest.approx(190.0, abs=0.11)
    assert sim.boxes[0].itype.name == "big" and sim.boxes[0].state == "running"
    # ~50 req/s for 90 s refused, nothing else failed
    assert 4000 < sim.metrics.total_errors[0] < 5000
    assert sim.metrics.total_errors[1:].sum() == 0
    assert [e.code for e in sim.log] == ["resize_start", "resize_done"]
    assert sim.log[1].t == pytest.approx(190.0)


def test_resize_before_the_clock_starts_is_free():
    sim = Simulation(config(steady(50.0, 0.001), vcpus=1, duration=60), seed=1)
    sim.apply(knob(sim, "web.size", "big"))
    sim.run()
    assert sim.metrics.total_errors.sum() == 0 and sim.boxes[0].itype.vcpus == 8


def test_unknown_settings_are_refused_with_a_code():
    sim = Simulation(config(steady(1.0, 0.001)), seed=1)
    with pytest.raises(BadChoice, match="missing from the catalog"):
        knob(sim, "web.size", "nope")  # the content layer reads sizes; the engine gets the type
    with pytest.raises(CommandError) as refused:
        sim.apply(Command("web.colour", "red"))
    assert refused.value.code == "unknown_setting" and refused.value.params == {"param": "web.colour"}


def test_crash_loses_exactly_the_requests_in_flight_and_refuses_until_repaired():
    # 1 worker, each request takes 1 s, arrivals at 0, 0.5, 1.0, ... : a growing queue.
    times = [i * 0.5 for i in range(40)]
    cfg = config(steady(1.0, 1.0), vcpus=1, duration=60, tick_s=0.1,
                 failures=(ScheduledFailure(at=10.0, target="web", repair_s=5.0),))
    sim = traced(Simulation(cfg, seed=1, source=ArraySource(const_arrivals(times, 1.0))))
    sim.run()
    rid, arrival, _done, cause = trace_arrays(sim)
    # Request i starts at i and finishes at i+1: requests 0..9 finish by the crash at t=10.
    ok = cause == -1
    reset = cause == 3
    refused = cause == 0
    assert set(rid[ok & (arrival < 10)]) == set(range(10))
    # Everything accepted but unfinished at t=10 is lost: arrivals 5.0 .. 9.5 (ids 10..19).
    assert set(rid[reset]) == set(range(10, 20))
    # Down from 10 to 15: arrivals 10.0 .. 14.5 refused (the tick granularity is 0.1 s).
    assert set(rid[refused]) == set(range(20, 30))
    # After the repair the box is empty and serves again from t=15.
    after = rid[ok & (arrival >= 15)]
    assert set(after) == set(range(30, 40))
    assert [e.code for e in sim.log] == ["crash", "recovered"]
    assert sim.log[0].params["lost"] == 10


def test_full_accept_queue_answers_503():
    # 1 worker, 1 s per request, 10 arrivals at once, queue limit 3: 1 serves, 3 wait, 6 get 503.
    cfg = config(steady(1.0, 1.0), vcpus=1, duration=30, queue_limit=3)
    burst = const_arrivals([1.0 + i * 1e-6 for i in range(10)], 1.0)
    sim = Simulation(cfg, seed=1, source=ArraySource(burst))
    sim.run()
    assert sim.metrics.completed == 4
    assert sim.metrics.total_errors[1] == 6


def test_client_timeout_counts_at_the_deadline_and_the_server_still_works():
    # 1 worker, 2 s per request, 5 arrivals at t=1; timeout 5 s: requests 0,1 finish at 3,5;
    # request 2 would finish at 7 > 6 -> timeout, as do 3 and 4.
    cfg = config(steady(1.0, 2.0), vcpus=1, duration=30, timeout_s=5.0)
    sim = traced(Simulation(cfg, seed=1, source=ArraySource(const_arrivals([1.0] * 5, 2.0))))
    sim.advance(6.05)
    assert sim.metrics.completed == 2
    assert sim.metrics.total_errors[2] == 3
    # the server is still busy with abandoned work until t = 11
    assert sim.data.bank.free_at[0, 0] == pytest.approx(11.0)


def test_cost_is_price_times_time_while_billed():
    cfg = config(steady(1.0, 0.001), vcpus=1, duration=120)
    sim = Simulation(cfg, seed=1)
    sim.run()
    assert sim.metrics.cost == pytest.approx(0.1 * 120 / 3600, rel=1e-9)  # $0.10 an hour, for 2 minutes


def test_resize_is_not_billed_while_stopped():
    cfg = config(steady(1.0, 0.001), vcpus=1, duration=200, resize_downtime_s=90.0)
    sim = Simulation(cfg, seed=1)
    sim.advance(50)
    sim.apply(knob(sim, "web.size", "big"))
    sim.run()
    stopped = 90.0 - 15.0  # the first 15 s of a stop is "stopping" (still billed)
    expect = 0.1 * (50 + 15) / 3600 + 0.1 * (200 - 140) / 3600
    assert sim.metrics.cost == pytest.approx(expect, rel=1e-6)
    assert stopped == 75.0


@pytest.mark.core
def test_same_seed_and_commands_give_the_same_digest():
    """A run with a command in it (a resize: 90 s down from t=40, then a bigger box to the end)
    reproduces its digest from the seed; another seed does not."""
    def play(seed: int) -> str:
        sim = Simulation(config(steady(80.0, 0.02, 0.005, dist="lognormal"), vcpus=2, duration=160,
                                queue_limit=50, timeout_s=3.0), seed=seed)
        sim.advance(40)
        sim.apply(knob(sim, "web.size", "big"))
        sim.run()
        return sim.digest()

    assert play(7) == play(7)
    assert play(7) != play(8)


def test_requests_are_conserved_through_overload_crashes_and_migration():
    cfg = config(steady(300.0, 0.01, 0.004, dist="lognormal"), vcpus=2, duration=400, queue_limit=100,
                 timeout_s=2.0,
                 failures=(ScheduledFailure(50.0, "web", 20.0), ScheduledFailure(300.0, "db", 30.0)))
    sim = Simulation(cfg, seed=3)
    while not sim.finished:
        if sim.now == pytest.approx(120.0):
            sim.apply(knob(sim, "layout", "two-tier"))
        sim.step()
        assert conserved(sim)
    assert sim.layout == "two-tier"
    errs = dict(zip(ERROR_CAUSES, sim.metrics.total_errors, strict=True))
    assert errs["refused"] > 0 and errs["reset"] > 0 and errs["db_down"] > 0 and errs["queue_full"] > 0


def test_migration_boots_a_db_box_then_restarts_the_app():
    cfg = config(steady(20.0, 0.005, 0.002), vcpus=2, duration=300, boot_s=60.0, restart_s=10.0)
    sim = Simulation(cfg, seed=1)
    sim.advance(50)
    sim.apply(knob(sim, "layout", "two-tier"))
    sim.run()
    codes = [(e.code, round(e.t, 1)) for e in sim.log]
    assert codes == [("migrate_start", 50.0), ("app_restart", 110.0), ("migrate_done", 120.0)]
    assert [b.name for b in sim.live_boxes] == ["web-1", "db-1"]
    # the new box is billed from boot: 2 boxes from t=50 on
    assert sim.metrics.cost == pytest.approx(0.1 * 50 / 3600 + 2 * 0.1 * 250 / 3600, rel=1e-6)


def test_cpu_utilisation_never_exceeds_capacity_through_crashes_and_resizes():
    cfg = config(steady(400.0, 0.01, 0.004, dist="lognormal"), vcpus=2, duration=300, queue_limit=200,
                 timeout_s=2.0, tick_s=0.2, failures=(ScheduledFailure(100.0, "web", 7.3),))
    sim = Simulation(cfg, seed=2)
    sim.advance(150.1)
    sim.apply(knob(sim, "web.size", "big"))
    sim.run()
    assert any(e.code == "resize_done" for e in sim.log)
    for w in sim.metrics.windows:
        assert w.t0 == pytest.approx(round(w.t0))  # windows stay on whole seconds
        assert np.all(w.busy <= w.capacity * (1 + 1e-9) + 1e-12)


def test_old_windows_give_up_their_histograms_and_the_gauges_still_read_recent_ones():
    from scaleout_tui.engine.metrics import HIST_KEPT, N_BUCKETS
    from scaleout_tui.engine.snapshot import GAUGE_WINDOWS, take

    sim = Simulation(config(steady(50.0, 0.005), duration=HIST_KEPT + 40.0, tick_s=0.5), seed=1)
    sim.run()
    wins = sim.metrics.windows
    assert [w.hist.size for w in wins[-HIST_KEPT:]] == [N_BUCKETS] * HIST_KEPT
    assert all(w.hist.size == 0 for w in wins[:-HIST_KEPT])
    assert GAUGE_WINDOWS <= HIST_KEPT
    assert take(sim).gauges.p95_ms > 0  # the gauges read only histograms still kept
    # the run's own percentiles come from the totals, which keep everything
    assert int(sim.metrics.total_hist.sum()) == sim.metrics.completed


def test_a_long_run_keeps_a_bounded_window_list_and_exact_per_box_totals(monkeypatch):
    """Only the last windows stay in memory; the debrief's per-box figures come from run totals,
    which must equal what every window, kept, would have added up to."""
    from scaleout_tui.engine import metrics

    def run() -> Simulation:
        sim = Simulation(config(steady(400.0, 0.004), vcpus=2, duration=300, tick_s=0.1), seed=3)
        sim.run()
        return sim

    monkeypatch.setattr(metrics, "HIST_KEPT", 1000)  # nothing released: the reference run
    everything = run()  # the default keeps 900 windows: this run's 300 all stay
    assert len(everything.metrics.windows) == everything.metrics.closed == 300
    monkeypatch.setattr(metrics, "HIST_KEPT", 5)
    monkeypatch.setattr(metrics, "WINDOWS_KEPT", 20)
    trimmed = run()
    assert trimmed.metrics.closed == 300 and 20 <= len(trimmed.metrics.windows) < 40
    assert trimmed.metrics.windows[-1].t0 == everything.metrics.windows[-1].t0
    wins, totals = everything.metrics.windows, trimmed.metrics.boxes
    n = totals.busy.size
    cap = np.array([w.capacity[:n] for w in wins])
    util = np.divide(np.array([w.busy[:n] for w in wins]), cap, out=np.zeros_like(cap), where=cap > 0)
    queue = np.array([w.queue[:n] / max(w.ticks, 1) for w in wins])
    assert totals.busy == pytest.approx(sum(w.busy[:n] for w in wins), rel=1e-12)
    assert totals.peak_util.tolist() == util.max(axis=0).tolist()
    assert totals.hot_windows.tolist() == np.count_nonzero((util >= 0.9) & (cap > 0), axis=0).tolist()
    assert totals.peak_queue.tolist() == queue.max(axis=0).tolist()
    assert totals.powered.tolist() == (cap > 0).any(axis=0).tolist()
    assert 0.5 < float(totals.peak_util.max()) < 1.0  # 400 req/s × 4 ms on 2 vCPUs: ρ = 0.8
    assert trimmed.digest() == everything.digest()  # what is kept changes nothing that is seen
    old, recent = trimmed.metrics.windows[0], trimmed.metrics.windows[-1]
    assert old.queue.size == old.errors.size == old.hist.size == 0  # released, loudly empty
    assert old.busy.size == old.capacity.size == totals.busy.size  # what the alarms read stays
    assert recent.queue.size == totals.busy.size and recent.errors.sum() >= 0
