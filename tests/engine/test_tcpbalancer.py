"""The L4 connection balancer against hand-computed truths: the order of targets, least
connections evening out long-lived connections, check timing, the keepalived takeover, a new
server under load, and the probes' own load."""

from __future__ import annotations

import math

import numpy as np
import pytest

from scaleout_tui.engine.devices import OK, CommSpec, DeviceFleet, DeviceSpec
from scaleout_tui.engine.rng import stream
from scaleout_tui.engine.tcpbalancer import PROBE, TcpBalancer, TcpBalancerSpec

TICK = 0.1


def fleet(n: int, servers: int = 3, seed: int = 7, lb: TcpBalancerSpec | None = None,
          dev: DeviceSpec | None = None, comm: CommSpec | None = None) -> DeviceFleet:
    balancer = TcpBalancer(lb or TcpBalancerSpec(), servers, stream(seed, "ingest.lb"))
    spec = dev or DeviceSpec(backoff="fixed", base_s=10.0)
    return DeviceFleet(DeviceSpec(**{**{f: getattr(spec, f) for f in spec.__slots__}, "count": n}),
                       comm or CommSpec(), balancer, stream(seed, "ingest.devices"))


def run(f: DeviceFleet, t0: float, t1: float, on_tick=None, tick_s: float = TICK) -> None:
    """Ticks of ``tick_s`` from t0 to t1 (tick edges as i × tick_s, no summed rounding)."""
    for i in range(round(t0 / tick_s), round(t1 / tick_s)):
        tick = f.step(i * tick_s, (i + 1) * tick_s)
        if on_tick is not None:
            on_tick(tick)


def test_round_robin_over_three_targets_goes_0_1_2_0():
    lb = TcpBalancer(TcpBalancerSpec(), 3, stream(1, "lb"))
    rotation = np.arange(3)
    assert lb.pick(7, rotation).tolist() == [0, 1, 2, 0, 1, 2, 0]
    assert lb.pick(2, rotation).tolist() == [1, 2]  # the turn carries on between batches
    assert lb.conns[0].tolist() == [3, 3, 3]


@pytest.mark.parametrize("seed", range(5))
def test_least_conn_batch_equals_the_one_at_a_time_rule(seed):
    """A batch is placed as "fewest open, ties in turn from where the batch starts" would place
    it one connection at a time with no closes in between."""
    rng = np.random.default_rng(seed)
    lb = TcpBalancer(TcpBalancerSpec(algorithm="least_conn"), 5, stream(seed, "lb"))
    lb.conns[0] = rng.integers(0, 20, 5)
    lb._least_next = 2
    counts = lb.conns[0].copy()
    want = []
    for _ in range(37):
        j = min(range(5), key=lambda p: (counts[p], (p - 2) % 5))
        want.append(j)
        counts[j] += 1
    assert lb.pick(37, np.arange(5)).tolist() == want
    assert lb.conns[0].tolist() == counts.tolist()


@pytest.mark.parametrize("algorithm,expected", [("round_robin", [750, 0, 2250]),
                                                ("least_conn", [1500, 0, 1500])])
def test_least_conn_evens_out_long_lived_connections_round_robin_does_not(algorithm, expected):
    """Server 0 loses its 1000 connections (to 1 and 2) and comes back empty; then server 1 dies.
    Its 1500 devices reconnect together: round robin splits them between 0 and 2, least
    connections sends them all to the empty server 0, which evens the load."""
    f = fleet(3000, lb=TcpBalancerSpec(algorithm=algorithm))
    assert f.open_connections().tolist() == [1000, 1000, 1000]
    f.server_down(0, 10.0)
    f.server_up(0, 30.0)
    f.server_down(1, 100.0)
    run(f, 0, 150)
    assert f.open_connections().tolist() == expected
    assert f.totals["refused"] == 0  # every reconnect came after the checks had noticed


def test_a_dead_server_leaves_rotation_on_the_third_failed_check():
    """Checks every 1 s at each pair's phase; the first one at or after the kill fails, and the
    third consecutive failure (fall 3) takes the server out a round trip later."""
    spec = TcpBalancerSpec()
    f = fleet(300, lb=spec)
    lb = f.lb
    phase = lb.views.phase.copy()
    f.server_down(0, 100.0)
    run(f, 0, 110)
    downs = {e[2]["node"]: e[0] for e in lb.events if e[1] == "tcp_target_down"}
    for node in (0, 1):
        j = math.ceil(100.0 - phase[node, 0])  # the first probe at or after the kill
        first = phase[node, 0] + j * 1.0
        assert first >= 100.0 > phase[node, 0] + (j - 1) * 1.0
        assert downs[node] == phase[node, 0] + (j + 2) * 1.0 + spec.rtt_s
    assert lb.rotation().tolist() == [1, 2]


def test_standby_takes_over_after_keepalived_master_down_interval():
    """keepalived advert_int 1 s, backup priority 100: 3 × 1 + (256 − 100)/256 = 3.609375 s.
    No flow survives (no shared connection table): every device reconnects, exactly once."""
    n = 2000
    f = fleet(n, dev=DeviceSpec(backoff="fixed", base_s=10.0, period_s=10.0))
    phase = f.phase.copy()
    f.node_fail(0, 200.0)
    tries = []
    run(f, 0, 260, lambda tick: tries.append(tick.attempts))
    take = [e for e in f.lb.events if e[1] == "lb_takeover"]
    assert len(take) == 1 and take[0][2] == {"node": 1, "from": -1}
    back = 200.0 + 3 + 156 / 256
    assert take[0][0] == back == 203.609375
    t = np.concatenate([a.t for a in tries])
    dev = np.concatenate([a.device for a in tries])
    ok = np.concatenate([a.outcome for a in tries]) == OK
    assert ok.all() and t.size == n and np.unique(dev).size == n  # total reconnects = N
    # a device learns at its first send after the failure: those that sent into the gap hear the
    # new master's RST at the takeover; the others at their next send. Then they wait 10 s.
    nxt = phase + np.ceil((200.0 - phase) / 10.0) * 10.0
    burst = int(np.count_nonzero(nxt < back))
    assert np.count_nonzero(t == back + 10.0) == burst
    assert burst == pytest.approx(n * 3.609375 / 10, abs=4 * math.sqrt(n * 0.36 * 0.64))
    assert t.min() == back + 10.0 and t.max() < 210.0 + 10.0
    assert f.open_connections().sum() == n


def test_preempt_takes_the_address_back_and_loses_the_flows_again():
    f = fleet(500, lb=TcpBalancerSpec(preempt=True))
    g = fleet(500, lb=TcpBalancerSpec(preempt=False))
    for x in (f, g):
        x.node_fail(0, 20.0)
        x.node_repair(0, 60.0)
        run(x, 0, 120)
    takes = [(e[0], e[2]["node"]) for e in f.lb.events if e[1] == "lb_takeover"]
    # the repaired primary (priority 101) waits its own Master_Down_Interval, then takes over
    assert takes == [(20.0 + 3 + 156 / 256, 1), (60.0 + 3 + 155 / 256, 0)]
    assert f.totals["drops"] == 1000 and g.totals["drops"] == 500


def test_a_new_server_gets_nothing_without_churn():
    for algorithm in ("round_robin", "least_conn"):
        f = fleet(3000, lb=TcpBalancerSpec(algorithm=algorithm))
        run(f, 0, 50, tick_s=0.5)
        new = f.add_server(50.0)
        run(f, 50, 400, tick_s=0.5)
        assert f.open_connections()[new] == 0
        assert new in f.lb.rotation()


def test_max_age_with_least_conn_rebalances_onto_a_new_server_within_an_age():
    """Connections retire at a jittered age A; least connections sends the new ones to the
    empty server, whose share approaches 1/4 once a quarter of the fleet has reconnected, well
    within 1.5 A. Round robin gives it only a quarter of the reconnections: 1/16 after A/4."""
    age = 200.0
    shares = {}
    for algorithm in ("least_conn", "round_robin"):
        f = fleet(4000, lb=TcpBalancerSpec(algorithm=algorithm), comm=CommSpec(max_age_s=age))
        run(f, 0, 20, tick_s=0.5)
        new = f.add_server(20.0)
        run(f, 20, 20 + age / 4, tick_s=0.5)
        quarter = f.open_connections()[new] / f.open_connections().sum()
        run(f, 20 + age / 4, 20 + 1.5 * age, tick_s=0.5)
        shares[algorithm] = (quarter, f.open_connections()[new] / f.open_connections().sum())
    assert shares["least_conn"][1] == pytest.approx(0.25, abs=0.01)
    assert shares["round_robin"][1] == pytest.approx(0.25, abs=0.03)
    # after A/4 about a quarter of the connections have been renewed (uniform residual life):
    # least connections gave them all to the new server, round robin a quarter of them
    assert shares["least_conn"][0] == pytest.approx(0.25 * 1.0, abs=0.04)
    assert shares["round_robin"][0] == pytest.approx(0.25 / 4, abs=0.02)


@pytest.mark.parametrize("nodes,interval", [(2, 1.0), (1, 1.0), (2, 2.0)])
def test_probe_load_is_nodes_over_interval_per_server_and_costs_count_times_cost(nodes, interval):
    spec = TcpBalancerSpec(nodes=nodes, check_interval_s=interval, check_cost_s=0.00005)
    f = fleet(10, servers=3, lb=spec)
    work = []
    run(f, 0, 100, lambda tick: work.append(tick.work))
    kind = np.concatenate([w.kind for w in work])
    server = np.concatenate([w.server for w in work])[kind == PROBE]
    cost = np.concatenate([w.cost for w in work])[kind == PROBE]
    per_server = nodes * 100 / interval  # probes at phase + j × interval, j = 0 .. 100/interval − 1
    assert np.bincount(server).tolist() == [per_server] * 3 == f.lb.probes.tolist()
    assert f.lb.probe_cpu_s == pytest.approx(3 * per_server * 0.00005, rel=1e-12)
    assert cost.sum() == pytest.approx(3 * per_server * 0.00005, rel=1e-12)
