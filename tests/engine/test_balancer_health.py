"""Load balancing and health checks, against hand-computed timings."""

from __future__ import annotations

import numpy as np
import pytest

from scaleout_tui.engine import KindMix, ScheduledFailure, Simulation, TrafficSpec
from scaleout_tui.engine.balancer import Balancer, BalancerSpec
from scaleout_tui.engine.healthcheck import HealthCheckSpec
from scaleout_tui.engine.metrics import percentile
from tests.engine.helpers import E, config, knob, steady


def lb_config(n=3, rate=60.0, app=0.005, check=None, failures=(), balancer=None, tick_s=0.5, **kw):
    """Three web boxes behind a balancer. A half-second tick: the checks, crashes and boots
    asserted here run on the engine's own clock, not on tick boundaries."""
    return config(steady(rate, app), vcpus=2, web_count=n, duration=kw.pop("duration", 400),
                  layout="single", balancer=balancer or BalancerSpec(),
                  health=check or HealthCheckSpec(kind="L7", path="/health", interval_s=10, timeout_s=2,
                                                   healthy_threshold=3, unhealthy_threshold=2),
                  failures=failures, timeout_s=kw.pop("timeout_s", 5.0), tick_s=tick_s, **kw)


def test_round_robin_cycles_exactly_over_three_targets():
    b = Balancer(BalancerSpec("round_robin"), users=10, rng=np.random.default_rng(0))
    targets = np.array([4, 7, 9])
    picks = [b.route(np.zeros(4), np.zeros(4, np.int64), targets, targets, np.zeros(10, np.int64))
             for _ in range(3)]
    seq = np.concatenate(picks).tolist()
    assert seq == [4, 7, 9, 4, 7, 9, 4, 7, 9, 4, 7, 9]


def test_ip_hash_keeps_a_client_on_one_target_and_least_conn_fills_the_emptiest():
    b = Balancer(BalancerSpec("ip_hash"), users=100, rng=np.random.default_rng(0))
    targets = np.array([0, 1, 2])
    users = np.arange(100)
    first = b.route(np.zeros(100), users, targets, targets, np.zeros(3, np.int64))
    again = b.route(np.zeros(100), users, targets, targets, np.zeros(3, np.int64))
    assert (first == again).all() and set(first.tolist()) == {0, 1, 2}
    lc = Balancer(BalancerSpec("least_conn"), users=10, rng=np.random.default_rng(0))
    picks = lc.route(np.zeros(6), np.zeros(6, np.int64), targets, targets, np.array([5, 0, 2]))
    # 5/0/2 outstanding: the next six go to 1,1,2,1,2,1 (ties to the lower index)... by water-filling
    counts = np.bincount(picks, minlength=3) + np.array([5, 0, 2])
    assert counts.tolist() == [5, 4, 4]


def test_balancer_fails_open_when_every_target_is_unhealthy():
    b = Balancer(BalancerSpec("round_robin"), users=10, rng=np.random.default_rng(0))
    picks = b.route(np.zeros(3), np.zeros(3, np.int64), np.array([], np.int64), np.array([1, 2]),
                    np.zeros(3, np.int64))
    assert picks.tolist() == [1, 2, 1]


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


def test_least_connections_beats_round_robin_on_p95_when_costs_vary():
    def p95(alg: str) -> float:
        varied = TrafficSpec(curve=((0.0, 300.0),), kinds=(KindMix("page", 1.0, 0.010, 0.0, cv=4.0),))
        # 36,000 requests: least connections' p95 is a third of round robin's, whatever the seed
        cfg = config(varied, vcpus=1, web_count=4, duration=120, balancer=BalancerSpec(alg),
            health=HealthCheckSpec(kind="none"), timeout_s=30.0, tick_s=0.1)
        sim = Simulation(cfg, seed=9)
        sim.run()
        return percentile(sim.metrics.total_hist, 0.95)

    assert p95("least_conn") < 0.8 * p95("round_robin")


def test_a_wrong_target_port_refuses_everything():
    sim = Simulation(lb_config(balancer=BalancerSpec(target_port=80), duration=100), seed=1)
    sim.run()
    m = sim.metrics
    assert m.completed == 0 and m.total_errors[E["refused"]] == m.arrived - sim.data.in_flight
    sim2 = Simulation(lb_config(duration=100), seed=1)
    sim2.run()
    assert sim2.metrics.total_errors.sum() == 0


def test_one_balancer_is_a_single_point_of_failure_two_fail_over_in_seconds():
    fail = (ScheduledFailure(100.0, "lb", 60.0),)
    one = Simulation(lb_config(failures=fail, duration=200), seed=1)
    two = Simulation(lb_config(failures=fail, balancer=BalancerSpec(count=2, failover_s=3.0), duration=200),
                     seed=1)
    one.run()
    two.run()
    down_one = one.metrics.total_errors[E["lb_down"]] / 60.0  # requests per second of traffic
    down_two = two.metrics.total_errors[E["lb_down"]] / 60.0
    assert down_one == pytest.approx(60 * 60 / 60.0, rel=0.1)  # the whole minute
    assert down_two == pytest.approx(3 * 60 / 60.0, rel=0.35)  # only the 3 s takeover


def test_dns_clients_keep_a_cached_address_for_the_ttl():
    b = Balancer(BalancerSpec("dns", dns_ttl_s=60.0), users=10, rng=np.random.default_rng(0))
    user = np.array([3])
    all3 = np.array([0, 1, 2])
    first = int(b.route(np.array([0.0]), user, all3, all3, np.zeros(3, np.int64))[0])
    # the operator removes that address from the record: the client does not know for 60 s
    rest = np.array([x for x in (0, 1, 2) if x != first])
    cached = b.route(np.array([59.0]), user, rest, rest, np.zeros(3, np.int64))
    fresh = b.route(np.array([60.5]), user, rest, rest, np.zeros(3, np.int64))
    assert cached.tolist() == [first] and fresh[0] in rest


def test_dns_round_robin_keeps_handing_out_a_dead_address_a_balancer_stops():
    crash = (ScheduledFailure(100.0, "web-1", 1000.0),)
    dns_spec = BalancerSpec("dns", dns_ttl_s=60.0)
    dns = Simulation(lb_config(balancer=dns_spec, failures=crash, duration=400), seed=2)
    lb = Simulation(lb_config(failures=crash, duration=400), seed=2)
    dns.run()
    lb.run()
    after = (400 - 100) * 60.0  # requests after the crash
    # DNS does not health check: about a third of clients hold the dead address at any time
    assert dns.metrics.total_errors[E["refused"]] / after == pytest.approx(1 / 3, abs=0.06)
    # the balancer stops sending to it within two 10 s check intervals
    assert lb.metrics.total_errors[E["refused"]] < 20 * 60.0 / 3 + 50


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
