"""Health checks: detection timing, L4 against L7, the cost of a check path, registration and draining."""

from __future__ import annotations

import pytest

from scaleout_tui.engine import ScheduledFailure, Simulation
from scaleout_tui.engine.healthcheck import HealthCheckSpec
from tests.engine.helpers import E, knob, lb_config


@pytest.mark.parametrize("interval,unhealthy", [(10.0, 2), (5.0, 3), (30.0, 2), (2.0, 3)])
def test_crash_is_detected_after_interval_times_threshold(interval, unhealthy):
    check = HealthCheckSpec("L7", "/health", interval_s=interval, timeout_s=2, healthy_threshold=2,
                            unhealthy_threshold=unhealthy)
    crash_at = 200.0
    sim = Simulation(lb_config(check=check, failures=(ScheduledFailure(crash_at, "web-2", 100.0),)), seed=4)
    sim.run()
    rec = sim.failures.records[0]
    assert rec.detected_at is not None
    detection = rec.detected_at - crash_at
    # first failing probe comes within one interval, then threshold-1 more intervals
    assert (unhealthy - 1) * interval <= detection <= unhealthy * interval + 0.01
    # it rejoins after the repair plus healthy_threshold passes (give or take an interval)
    back = [e for e in sim.log if e.code == "target_healthy" and e.params["box"] == "web-2"]
    assert back, "the repaired target returns to rotation"
    rejoin = back[0].t - (crash_at + 100.0)
    assert (check.healthy_threshold - 1) * interval <= rejoin <= check.healthy_threshold * interval + 0.01
    # requests kept going to the dead target until detection
    assert rec.requests_until_detected is not None and rec.requests_until_detected > 0
    assert sim.metrics.total_errors[E["refused"]] > 0


def test_hang_is_invisible_to_l4_and_caught_by_l7():
    failures = (ScheduledFailure(100.0, "web-1", 1000.0, kind="hang"),)
    l4 = Simulation(lb_config(check=HealthCheckSpec("L4", interval_s=5, unhealthy_threshold=2),
                              failures=failures), seed=1)
    l7 = Simulation(lb_config(check=HealthCheckSpec("L7", "/health", interval_s=5, timeout_s=2,
                                                    unhealthy_threshold=2), failures=failures), seed=1)
    l4.run()
    l7.run()
    assert l4.failures.records[0].detected_at is None
    assert l7.failures.records[0].detected_at is not None
    assert l7.failures.records[0].detected_at - 100.0 <= 2 * 5 + 2 + 0.01
    # hung requests time out at the client: a third of traffic for L4, a few seconds' worth for L7
    assert l4.metrics.total_errors[E["timeout"]] > 10 * l7.metrics.total_errors[E["timeout"]]


def test_error_fault_passes_l4_fails_l7():
    failures = (ScheduledFailure(50.0, "web-3", 1000.0, kind="error"),)
    l4 = Simulation(lb_config(check=HealthCheckSpec("L4", interval_s=5), failures=failures), seed=2)
    l7_check = HealthCheckSpec("L7", "/health", interval_s=5)
    l7 = Simulation(lb_config(check=l7_check, failures=failures), seed=2)
    l4.run()
    l7.run()
    assert l4.failures.records[0].detected_at is None and l7.failures.records[0].detected_at is not None
    assert l4.metrics.total_errors[E["http_500"]] > 5 * l7.metrics.total_errors[E["http_500"]]


def test_a_heavy_check_path_costs_cpu_a_light_one_does_not():
    def share(path: str) -> float:
        check = HealthCheckSpec("L7", path, interval_s=1.0)
        sim = Simulation(lb_config(rate=30.0, check=check, duration=100), seed=3)
        sim.run()
        assert sim.health is not None
        busy = sum(float(w.busy.sum()) for w in sim.metrics.windows)
        return sim.health.check_work_s / busy

    heavy, light = share("/"), share("/health")
    assert heavy > 0.10
    assert light < 0.01
    assert heavy > 50 * light


def test_web_count_change_boots_then_registers_after_a_passing_check():
    sim = Simulation(lb_config(n=2, boot_s=60.0), seed=1)
    sim.advance(50)
    sim.apply(knob(sim, "web.count", 3))
    sim.advance(200)
    launched = [e for e in sim.log if e.code == "launched"]
    assert launched and launched[0].t == pytest.approx(110.0, abs=0.11)
    healthy = [e for e in sim.log if e.code == "target_healthy" and e.params["box"] == "web-3"]
    assert healthy and 110.0 < healthy[0].t <= 110.0 + 10.0 + 0.2


@pytest.mark.parametrize("kind", ["none", "L4", "L7"])
def test_a_draining_target_gets_no_new_request_whatever_the_health_check(kind):
    """ALB stops routing to a deregistering target at once, health check or not (issue 13):
    two boxes round robin at 60/s, scale-in at t = 50 s with a 30 s deregistration delay.
    By hand: web-2 gets half of 50 s x 60/s (~1500) before t, none after; it terminates at 80 s."""
    check = HealthCheckSpec(kind=kind, path="/health", interval_s=10, timeout_s=2,
                            healthy_threshold=3, unhealthy_threshold=2)
    sim = Simulation(lb_config(n=2, check=check, deregistration_delay_s=30.0, duration=120), seed=3)
    sim.advance(50)
    web2 = sim.fleet.box("web-2").index
    before = int(sim.data.dispatched[web2])
    assert before == pytest.approx(1500, rel=0.1)
    sim.apply(knob(sim, "web.count", 1))
    sim.advance(70)
    assert int(sim.data.dispatched[web2]) == before  # not one new request from t = 50 s
    drained = [e.t for e in sim.log if e.code == "draining" and e.params["box"] == "web-2"]
    gone = [e.t for e in sim.log if e.code == "terminated" and e.params["box"] == "web-2"]
    assert drained == [pytest.approx(50.0)] and gone == [pytest.approx(80.0)]
    assert sim.metrics.total_errors.sum() == 0  # what it held finished; nothing was refused


def test_what_a_draining_target_still_holds_when_the_delay_ends_fails_then():
    """ALB closes what a deregistering target still holds when the delay runs out (a 5xx for
    the client). Requests of 40 s of work, a 10 s delay from t = 30 s and a client that would
    wait: everything web-2 would still be working on at 40 s fails at 40 s, as a reset. (The
    audit of session 30 found such requests answered up to 90 s after the box was gone.)"""
    sim = Simulation(lb_config(n=2, rate=0.5, app=40.0, timeout_s=1000.0, deregistration_delay_s=10.0,
                               check=HealthCheckSpec(kind="none"), duration=200), seed=2)
    sim.advance(30)
    sim.apply(knob(sim, "web.count", 1))
    f, web2 = sim.data.flight, sim.fleet.box("web-2").index
    held = int(((f.box == web2) & (f.done > 40.0)).sum())
    assert held >= 2
    sim.advance(170)
    assert int(sim.metrics.total_errors[E["reset"]]) == held
    assert [e.t for e in sim.log if e.code == "terminated"] == [pytest.approx(40.0)]


def test_a_timeout_longer_than_the_interval_does_not_stretch_the_interval():
    """Level 3 offers a 2 s interval beside its 5 s timeout. No balancer lets a slow answer push
    the next probe back (an ALB refuses the pair; HAProxy gives a check ``inter`` to finish), so
    a probe waits at most 2 s. By hand: web-1 hangs at 100 s; the first probe after that starts
    within 2 s and fails 2 s later, the next fails 2 s after it: out of rotation 4-6 s after the
    hang, as the level's hint (interval × threshold) says. (The audit of session 30 measured
    10.5 s: each probe waited 5 s, and the next began only then.)"""
    check = HealthCheckSpec(kind="L7", path="/health", interval_s=2, timeout_s=5, healthy_threshold=3,
                            unhealthy_threshold=2)
    assert check.probe_timeout_s == 2 and HealthCheckSpec().probe_timeout_s == 5
    sim = Simulation(lb_config(check=check, failures=(ScheduledFailure(100.0, "web-1", 60.0, kind="hang"),),
                               duration=110), seed=1)
    sim.run()
    out = [e for e in sim.log if e.code == "target_unhealthy" and e.params["box"] == "web-1"]
    assert len(out) == 1 and 104.0 < out[0].t <= 106.01
    assert out[0].params["reason"] == "no_answer" and out[0].params["timeout_s"] == 2


def test_an_nlb_tcp_check_as_aws_ships_it_takes_a_dead_target_out_in_30_to_60_s():
    """NLB TCP defaults (30 s, 10 s timeout, 2 failures out, 5 passes in): a crash at 200 s is
    seen by the first probe within 30 s and confirmed one interval later, so between 30 and
    60 s; after the repair at 260 s it takes 5 passes, 120 to 150 s, to come back."""
    from scaleout_tui.engine.healthcheck import NLB_TCP

    assert (NLB_TCP.interval_s, NLB_TCP.timeout_s, NLB_TCP.healthy_threshold,
            NLB_TCP.unhealthy_threshold) == (30.0, 10.0, 5, 2)
    sim = Simulation(lb_config(check=NLB_TCP, duration=600,
                               failures=(ScheduledFailure(200.0, "web-2", 60.0),)), seed=4)
    sim.run()
    rec = sim.failures.records[0]
    assert rec.detected_at is not None and 30.0 <= rec.detected_at - 200.0 <= 60.01
    back = [e.t for e in sim.log if e.code == "target_healthy" and e.params["box"] == "web-2"]
    assert back and 120.0 <= back[0] - 260.0 <= 150.01
