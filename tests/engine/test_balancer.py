"""The balancer: algorithms, stickiness, DNS round robin and the balancer pair, against
hand-computed timings."""

from __future__ import annotations

import numpy as np
import pytest

from scaleout_tui.engine import KindMix, ScheduledFailure, Simulation, TrafficSpec
from scaleout_tui.engine.balancer import Balancer, BalancerSpec
from scaleout_tui.engine.connections import ERRORS, SERVED, OpenRequests, TargetState
from scaleout_tui.engine.healthcheck import HealthCheckSpec
from scaleout_tui.engine.metrics import percentile
from tests.engine import reference
from tests.engine.helpers import (
    ArraySource,
    E,
    config,
    itype,
    lb_config,
    poisson_arrivals,
    steady,
    trace_arrays,
    traced,
)


def unasked(targets: np.ndarray) -> OpenRequests:
    raise AssertionError("only least-connections counts open requests")


def open_requests(open_counts: list[int], work: float = 1.0, workers: int = 1,
                  behaviour: list[int] | None = None, slowdown: list[float] | None = None, n: int = 64):
    """A factory of :class:`OpenRequests` for targets holding ``open_counts`` requests that stay
    open all tick, each new request costing ``work`` seconds on ``workers`` workers."""
    k = len(open_counts)

    def make(targets: np.ndarray) -> OpenRequests:
        assert targets.size == k
        state = TargetState(free_at=[[0.0] * workers for _ in range(k)], capacity=[10**6] * k,
                            behaviour=behaviour or [SERVED] * k, slowdown=slowdown or [1.0] * k,
                            colocated=[False] * k)
        box = np.repeat(np.arange(k), open_counts)
        return OpenRequests(state, box, np.full(box.size, np.inf), 1e9, np.full(n, work), np.full(n, work),
                            np.zeros(n), rtt_s=0.0, fast_s=0.002, timeout_s=10.0)
    return make


def test_round_robin_cycles_exactly_over_three_targets():
    b = Balancer(BalancerSpec("round_robin"), users=10, rng=np.random.default_rng(0))
    targets = np.array([4, 7, 9])
    picks = [b.route(np.zeros(4), np.zeros(4, np.int64), targets, targets, unasked)
             for _ in range(3)]
    seq = np.concatenate(picks).tolist()
    assert seq == [4, 7, 9, 4, 7, 9, 4, 7, 9, 4, 7, 9]


def test_ip_hash_keeps_a_client_on_one_target_and_least_conn_fills_the_emptiest():
    b = Balancer(BalancerSpec("ip_hash"), users=100, rng=np.random.default_rng(0))
    targets = np.array([0, 1, 2])
    users = np.arange(100)
    first = b.route(np.zeros(100), users, targets, targets, unasked)
    again = b.route(np.zeros(100), users, targets, targets, unasked)
    assert (first == again).all() and set(first.tolist()) == {0, 1, 2}
    lc = Balancer(BalancerSpec("least_conn"), users=10, rng=np.random.default_rng(0))
    picks = lc.route(np.zeros(6), np.zeros(6, np.int64), targets, targets, open_requests([5, 0, 2]))
    # 5/0/2 open and nothing closes: 1 (0 open), 1 (1), then 1 and 2 tie at 2: in turn from
    # after the last chosen, 2, 1, 2, 1
    assert picks.tolist() == [1, 1, 2, 1, 2, 1]


def test_ip_hash_moves_only_the_clients_of_a_target_out_of_rotation():
    """nginx ``ip_hash``: "requests from the same client will always be passed to the same server
    except when this server is unavailable". Target 1 of three leaves rotation: its clients are
    hashed again over 0 and 2, and not one client of 0 or 2 moves; back in rotation, every
    client is where it began. (The audit of session 30 found half the healthy targets' clients
    moved, as a hash over the targets in rotation does.)"""
    b = Balancer(BalancerSpec("ip_hash"), users=3000, rng=np.random.default_rng(0))
    every = np.array([0, 1, 2])
    users = np.arange(3000)
    before = b.route(np.zeros(3000), users, every, every, unasked)
    during = b.route(np.zeros(3000), users, np.array([0, 2]), every, unasked)
    stayed = before != 1
    assert (during[stayed] == before[stayed]).all()
    assert set(during[~stayed].tolist()) == {0, 2} and 1 not in during.tolist()
    assert (b.route(np.zeros(3000), users, every, every, unasked) == before).all()
    # four registered, two out: the displaced clients spread over both left, not onto one
    four = np.array([0, 1, 2, 3])
    spread = np.bincount(b.route(np.zeros(3000), users, np.array([0, 2]), four, unasked), minlength=4)
    assert spread[1] == spread[3] == 0 and 0.45 < spread[0] / 3000 < 0.55


def test_least_connections_takes_equal_counts_in_turn():
    lc = Balancer(BalancerSpec("least_conn"), users=10, rng=np.random.default_rng(0))
    targets = np.array([0, 1, 2])
    picks = lc.route(np.zeros(6), np.zeros(6, np.int64), targets, targets, open_requests([0, 0, 0]))
    assert picks.tolist() == [0, 1, 2, 0, 1, 2]  # HAProxy and nginx round-robin among equals


def test_least_connections_sees_answers_sent_back_inside_the_tick():
    """Box 1 serves ten times slower. Timeline (work 10 ms, one worker each):
    t=0 → box 0 (both empty), answered at 0.010; t=0.001 → box 1 (counts 1/0), answered at
    0.101; t=0.02, 0.04, 0.05 → box 0 each time (counts 0/1: its earlier answers are back).
    Counts frozen at the tick's start would alternate 0, 1, 0, 1, 0."""
    lc = Balancer(BalancerSpec("least_conn"), users=10, rng=np.random.default_rng(0))
    targets = np.array([0, 1])
    t = np.array([0.0, 0.001, 0.02, 0.04, 0.05])
    picks = lc.route(t, np.zeros(5, np.int64), targets, targets,
                     open_requests([0, 0], work=0.01, slowdown=[1.0, 10.0]))
    assert picks.tolist() == [0, 1, 0, 0, 0]


def test_least_connections_pours_traffic_into_a_box_that_fails_fast():
    """A box answering errors at once (2 ms) always has the fewest open requests: after the
    first tie goes round, every request lands on it, as happens to real least-connections
    balancers in front of a broken app that still answers."""
    lc = Balancer(BalancerSpec("least_conn"), users=10, rng=np.random.default_rng(0))
    targets = np.array([0, 1])
    t = np.arange(6) * 0.01
    picks = lc.route(t, np.zeros(6, np.int64), targets, targets,
                     open_requests([0, 0], work=1.0, behaviour=[ERRORS, SERVED]))
    assert picks.tolist() == [0, 1, 0, 0, 0, 0]


@pytest.mark.parametrize("tick_s", [0.05, 0.2, 1.0])
@pytest.mark.parametrize("algorithm", ["least_conn", "least_outstanding_requests"])
def test_least_connections_matches_per_request_join_the_shortest_queue_at_any_tick(tick_s, algorithm):
    """Four 1-vCPU boxes at rho 0.8 (mu 100/s, 320 req/s): the engine, moving requests a tick
    at a time, sends each request where a per-request join-the-shortest-queue balancer would,
    and every answer comes back at the same instant, whatever the tick's length."""
    rng = np.random.default_rng(21)
    arr = poisson_arrivals(rng, rate=320.0, duration=40.0, app_mean=0.01)
    cfg = config(steady(1.0, 0.01), vcpus=1, web_count=4, duration=45.0, balancer=BalancerSpec(algorithm),
                 health=HealthCheckSpec(kind="none"), rtt_s=0.0005, tick_s=tick_s)
    sim = traced(Simulation(cfg, seed=1, source=ArraySource(arr)))
    sim.run()
    rid, _arrival, done, cause = trace_arrays(sim)
    assert rid.size == arr.size and (cause == -1).all()
    pick, expect = reference.least_connections(arr.t, arr.app_s, [1, 1, 1, 1], 0.0005)
    assert np.max(np.abs(done - expect)) <= 1e-9
    assert sim.data.dispatched[:4].tolist() == np.bincount(pick, minlength=4).tolist()


def test_least_connections_gives_the_small_box_of_a_mixed_pair_its_share():
    """One 1-vCPU and one 4-vCPU box at 240 req/s (mu 100/s per vCPU): least connections sends
    the small box about 36 % of the requests, so it runs near 87 % CPU, where round robin would
    send it half (120 req/s, more than the 100/s it can serve). The engine, at a half-second
    tick, picks exactly as the per-request reference does."""
    rng = np.random.default_rng(4)
    arr = poisson_arrivals(rng, rate=240.0, duration=60.0, app_mean=0.01)
    cfg = config(steady(1.0, 0.01), vcpus=1, web_count=2, duration=61.0, balancer=BalancerSpec("least_conn"),
                 health=HealthCheckSpec(kind="none"), tick_s=0.5)
    sim = Simulation(cfg, seed=1, source=ArraySource(arr))
    sim.fleet.resize(sim.fleet.box("web-2"), itype(4, "quad"))
    sim.run()
    pick, _ = reference.least_connections(arr.t, arr.app_s, [1, 4], 0.0)
    assert sim.data.dispatched[:2].tolist() == np.bincount(pick, minlength=2).tolist()
    assert 0.33 <= float((pick == 0).mean()) <= 0.39


def test_a_sticky_cookie_outranks_least_connections():
    """Clients 0-3 get cookies on their first requests (spread by least connections); later,
    with box 0 holding many more open requests, their requests still go back to their own
    boxes, and only the new client 9 is placed by the counts."""
    lc = Balancer(BalancerSpec("least_conn", sticky=True), users=10, rng=np.random.default_rng(0))
    targets = np.array([0, 1])
    first = lc.route(np.zeros(4), np.arange(4), targets, targets, open_requests([0, 0]))
    assert first.tolist() == [0, 1, 0, 1]
    users = np.array([0, 1, 2, 3, 9])
    again = lc.route(np.full(5, 1.0), users, targets, targets, open_requests([50, 0]))
    assert again.tolist() == [0, 1, 0, 1, 1]


def test_a_sticky_cookie_lapses_only_after_its_duration_without_a_request():
    """ALB: "the duration is set with each request", so a client that keeps asking keeps its
    target; one that pauses longer than the duration is placed afresh. (The audit of session 30
    found the cookie expiring its duration after it was first set, whatever the client did.)"""
    b = Balancer(BalancerSpec("round_robin", sticky=True, sticky_ttl_s=20.0), users=4,
                 rng=np.random.default_rng(0))
    targets = np.array([0, 1, 2])
    one = np.array([0])
    start = int(b.route(np.zeros(1), one, targets, targets, unasked)[0])
    kept = [int(b.route(np.array([t]), one, targets, targets, unasked)[0]) for t in np.arange(5.0, 61.0, 5.0)]
    assert kept == [start] * len(kept)  # a request every 5 s for a minute, three durations long
    for other in (1, 2, 3):  # others take turns meanwhile, so a fresh pick is another target
        b.route(np.array([61.0]), np.array([other]), targets, targets, unasked)
    assert int(b.route(np.array([81.5]), one, targets, targets, unasked)[0]) != start  # 20.5 s idle


def test_balancer_fails_open_when_every_target_is_unhealthy():
    b = Balancer(BalancerSpec("round_robin"), users=10, rng=np.random.default_rng(0))
    picks = b.route(np.zeros(3), np.zeros(3, np.int64), np.array([], np.int64), np.array([1, 2]), unasked)
    assert picks.tolist() == [1, 2, 1]


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


def test_only_the_active_balancer_nodes_death_interrupts_service():
    """VRRP: only the master holds the address, so a backup's death changes nothing for clients,
    and after a takeover the roles have swapped (the audit of session 30 found every node's
    death starting a takeover). The takeover itself lasts VRRP's 3 × 1 s + 156/256 s."""
    def refused(*failures: ScheduledFailure) -> int:
        sim = Simulation(lb_config(failures=failures, balancer=BalancerSpec(count=2), duration=200), seed=1)
        sim.run()
        return int(sim.metrics.total_errors[E["lb_down"]])

    assert BalancerSpec().failover_s == 3.609375
    assert refused(ScheduledFailure(100.0, "lb-2", 60.0)) == 0  # the standby
    takeover = refused(ScheduledFailure(100.0, "lb-1", 20.0))  # the active: 60 requests a second
    assert takeover == pytest.approx(3.609375 * 60, rel=0.3)
    # lb-2 holds the address now; the repaired lb-1 stands by, and its second death is harmless
    assert refused(ScheduledFailure(100.0, "lb-1", 20.0), ScheduledFailure(150.0, "lb-1", 20.0)) == takeover
    both = refused(ScheduledFailure(100.0, "lb-1", 20.0), ScheduledFailure(150.0, "lb-2", 20.0))
    assert both == pytest.approx(2 * takeover, rel=0.3)


def test_dns_clients_keep_a_cached_address_for_the_ttl():
    b = Balancer(BalancerSpec("dns", dns_ttl_s=60.0), users=10, rng=np.random.default_rng(0))
    user = np.array([3])
    all3 = np.array([0, 1, 2])
    first = int(b.route(np.array([0.0]), user, all3, all3, unasked)[0])
    # the operator removes that address from the record: the client does not know for 60 s
    rest = np.array([x for x in (0, 1, 2) if x != first])
    cached = b.route(np.array([59.0]), user, rest, rest, unasked)
    fresh = b.route(np.array([60.5]), user, rest, rest, unasked)
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
