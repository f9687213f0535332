"""The device fleet against hand-computed truths: message rates, reconnect timelines with and
without jitter, SYN retransmission across a failover, the server's verdict on connects, the
handshake's cost, and determinism."""

from __future__ import annotations

import math

import numpy as np
import pytest

from scaleout_tui.engine.devices import (
    OK,
    REFUSED,
    TIMED_OUT,
    CommSpec,
    DeviceFleet,
    DeviceSpec,
    backoff_delay,
)
from scaleout_tui.engine.queueing import WorkerBank
from scaleout_tui.engine.rng import stream
from scaleout_tui.engine.tcpbalancer import CONNECT, MESSAGE, TcpBalancer, TcpBalancerSpec


def fleet(dev: DeviceSpec, servers: int = 3, seed: int = 3, lb: TcpBalancerSpec | None = None,
          comm: CommSpec | None = None, connected: bool = True, t: float = 0.0) -> DeviceFleet:
    balancer = TcpBalancer(lb or TcpBalancerSpec(), servers, stream(seed, "ingest.lb"))
    return DeviceFleet(dev, comm or CommSpec(), balancer, stream(seed, "ingest.devices"), connected, t)


def ticks(f: DeviceFleet, t0: float, t1: float, tick: float = 0.1):
    for i in range(round(t0 / tick), round(t1 / tick)):
        yield f.step(i * tick, (i + 1) * tick)


def attempts(f: DeviceFleet, t0: float, t1: float, tick: float = 0.1):
    parts = [x.attempts for x in ticks(f, t0, t1, tick)]
    return {k: np.concatenate([getattr(p, k) for p in parts]) for k in ("t", "device", "server", "attempt",
                                                                         "outcome")}


@pytest.mark.parametrize("n,period,periods,tick", [(6000, 10.0, 3, 0.1), (1000, 5.0, 4, 0.25),
                                                   (20000, 30.0, 1, 1.0)])
def test_n_devices_at_period_p_send_n_over_p_per_second(n, period, periods, tick):
    """Over a whole number of periods every device sends exactly once a period: N/P per second,
    each server its share (round robin spread the connections evenly)."""
    f = fleet(DeviceSpec(count=n, period_s=period))
    work = [x.work for x in ticks(f, 0, periods * period, tick)]
    kind = np.concatenate([w.kind for w in work])
    server = np.concatenate([w.server for w in work])[kind == MESSAGE]
    assert server.size == n * periods and f.totals["messages"] == n * periods
    assert np.bincount(server).tolist() == (np.bincount(f.server) * periods).tolist()
    dev = np.concatenate([w.device for w in work])[kind == MESSAGE]
    assert np.bincount(dev, minlength=n).tolist() == [periods] * n
    t = np.concatenate([w.t for w in work])
    assert (np.diff(t) >= 0).all()  # the data plane's contract: work in arrival order


def test_reconnects_without_jitter_follow_the_hand_computed_timeline():
    """3 servers, 3000 devices (1000 each, round robin). Server 0's process is killed at t=100:
    its 1000 connections reset at once. Exponential backoff, base 1 s, no jitter: attempt 0 at
    101.0 for all 1000. Server 0 is still in rotation (checks every 1 s, fall 3: out at about
    102-103 s), so round robin (its turn back at 0 after 3000 picks) sends 334 of them to it:
    refused one round trip later, they try again 2 × base after that, at 103.0005, when the
    checks have taken server 0 out: all connect. The peak second holds every device at once."""
    spec = TcpBalancerSpec(rtt_s=0.0005)
    f = fleet(DeviceSpec(count=3000, backoff="exponential", base_s=1.0, jitter="none"), lb=spec)
    lost = np.flatnonzero(f.server == 0)
    assert lost.size == 1000
    f.server_down(0, 100.0)
    a = attempts(f, 0, 110)
    assert set(a["device"].tolist()) == set(lost.tolist())
    first = a["attempt"] == 0
    assert (a["t"][first] == 101.0).all() and first.sum() == 1000
    assert (a["outcome"][first] == REFUSED).sum() == 334 == (a["server"][first] == 0).sum()
    retry = a["attempt"] == 1
    assert retry.sum() == 334 and (a["t"][retry] == 101.0 + 0.0005 + 2.0).all()
    assert (a["outcome"][retry] == OK).all() and (a["server"][retry] != 0).all()
    per_second = np.bincount(a["t"].astype(np.int64))
    assert per_second.max() == 1000 == lost.size  # connects per second peak = the device count
    assert f.open_connections().tolist() == [0, 1500, 1500]


def test_full_jitter_spreads_the_storm_over_the_window():
    """Same kill, base 10 s, full jitter: attempt 0 at 100 + U(0, 10). Each one-second bin of the
    window holds Binomial(N0, 1/10): mean N0/10, sd sqrt(N0 × 0.1 × 0.9). The ten bins sum to N0,
    so the peak is at least N0/10; it stays within 4 sd of it. Without jitter the same storm is
    N0 in one instant."""
    n0 = 3000
    f = fleet(DeviceSpec(count=3 * n0, backoff="exponential", base_s=10.0, jitter="full"))
    f.server_down(0, 100.0)
    a = attempts(f, 0, 112)
    first = a["attempt"] == 0
    assert first.sum() == n0 and (a["t"][first] >= 100.0).all() and (a["t"][first] < 110.0).all()
    bins = np.bincount((a["t"][first] - 100.0).astype(np.int64), minlength=10)
    sd = math.sqrt(n0 * 0.1 * 0.9)
    assert n0 / 10 <= bins.max() <= n0 / 10 + 4 * sd
    # retries of the refused (a third of those before detection, at most) do not change the picture
    assert np.bincount(a["t"].astype(np.int64)).max() <= n0 / 10 + 4 * sd + n0 / 3 * 0.3 / 10 * 4


def test_backoff_delays():
    rng = np.random.default_rng(0)
    k = np.arange(8)
    assert backoff_delay(DeviceSpec(backoff="fixed", base_s=10.0), k, rng).tolist() == [10.0] * 8
    exp = DeviceSpec(backoff="exponential", base_s=1.0, cap_s=20.0)
    assert backoff_delay(exp, k, rng).tolist() == [1, 2, 4, 8, 16, 20, 20, 20]
    many = np.full(200_000, 3)
    full = backoff_delay(DeviceSpec(backoff="exponential", base_s=1.0, jitter="full"), many, rng)
    assert full.min() >= 0 and full.max() < 8 and full.mean() == pytest.approx(4, abs=0.03)
    equal = backoff_delay(DeviceSpec(backoff="exponential", base_s=1.0, jitter="equal"), many, rng)
    assert equal.min() >= 4 and equal.max() < 8 and equal.mean() == pytest.approx(6, abs=0.03)


@pytest.mark.parametrize("timeout,connected_at", [(10.0, 5.0), (2.5, None)])
def test_syn_retransmission_bridges_the_gap_while_nobody_holds_the_address(timeout, connected_at):
    """A single balancer node is down from 0 and repaired at 1: it becomes master after
    3 + 155/256 s (priority 101), at 4.60546875. Devices starting at 2 send SYNs at 2, 3, 5 (RTO
    1 s, doubling): the one at 5 gets through. With a 2.5 s connect timeout they give up at 4.5."""
    f = fleet(DeviceSpec(count=200, connect_timeout_s=timeout, base_s=10.0),
              lb=TcpBalancerSpec(nodes=1), connected=False, t=2.0)
    f.node_fail(0, 0.0)
    f.node_repair(0, 1.0)
    f.lb.advance(0.0, 2.0)  # the balancer's own timeline up to when the devices wake
    out = list(ticks(f, 2.0, 12.0))
    take = [e[0] for e in f.lb.events if e[1] == "lb_takeover"]
    assert take == [1.0 + 3 + 155 / 256]
    a = {k: np.concatenate([getattr(x.attempts, k) for x in out]) for k in ("t", "outcome")}
    assert (a["t"] == 2.0).all() and a["t"].size == 200
    work = [x.work for x in out]
    kind = np.concatenate([w.kind for w in work])
    t = np.concatenate([w.t for w in work])[kind == CONNECT]
    if connected_at is not None:
        assert (a["outcome"] == OK).all() and (t == connected_at).all() and t.size == 200
    else:
        assert (a["outcome"] == TIMED_OUT).all() and t.size == 0
        assert (f.due >= 4.5 + 10.0).all()


def test_the_kernel_ends_an_unanswered_connect_at_127_s_whatever_the_devices_timeout():
    """Six SYN retransmissions of 1 s doubling: the kernel's connect(2) fails ETIMEDOUT 1 + 2 + ...
    + 64 = 127 s after the first SYN, before a device's own 200 s timeout. Nobody holds the
    address from 0 s on: devices that start at 2 s give up at 129 s and back off 10 s. (The
    audit of session 30 found them waiting the device's whole timeout.)"""
    spec = DeviceSpec(count=50, connect_timeout_s=200.0, base_s=10.0)
    assert spec.connect_gives_up_s == 127.0 and DeviceSpec().connect_gives_up_s == 10.0
    f = fleet(spec, lb=TcpBalancerSpec(nodes=1), connected=False, t=2.0)
    f.node_fail(0, 0.0)
    f.lb.advance(0.0, 2.0)
    a = attempts(f, 2.0, 130.0, tick=1.0)
    assert (a["outcome"] == TIMED_OUT).all() and a["t"].size == 50 and (a["t"] == 2.0).all()
    assert (f.due == 2.0 + 127.0 + 10.0).all()


def test_a_connect_costs_accept_tls_and_hello_and_tls_off_saves_the_handshake():
    comm = CommSpec(accept_s=0.00005, hello_s=0.0005, tls_handshake_s=0.0015)
    costs = {}
    for tls in (True, False):
        f = fleet(DeviceSpec(count=300), comm=CommSpec(**{**{k: getattr(comm, k) for k in comm.__slots__},
                                                         "tls": tls}), connected=False)
        work = [x.work for x in ticks(f, 0, 1)]
        kind = np.concatenate([w.kind for w in work])
        cost = np.concatenate([w.cost for w in work])[kind == CONNECT]
        assert cost.size == 300
        costs[tls] = set(cost.tolist())
    assert costs[True] == {0.00005 + 0.0015 + 0.0005}
    assert costs[False] == {0.00005 + 0.0005}


def test_a_full_accept_backlog_drops_the_syn_and_the_kernel_resends_it():
    """500 devices at once on one server with 1 worker and a queue of 20: the WorkerBank takes
    21 and Linux drops the other SYNs without a word; the devices' kernels resend them 1, 3 and
    7 s after the first (RTO 1 s, doubling), 21 getting in each time, and those still dropped
    give up at the 10 s connect timeout and back off 10 s. (Until the audit of session 30 a
    dropped SYN was a failed attempt: the device waited its timeout and a backoff, 20 s.)"""
    f = fleet(DeviceSpec(count=500, period_s=3600.0, connect_timeout_s=10.0, base_s=10.0), servers=1,
              connected=False)
    bank = WorkerBank([1], [20])
    waves: dict[float, tuple[int, int]] = {}
    for x in ticks(f, 0.0, 12.0):
        w = x.work
        c = w.kind == CONNECT
        if c.any():
            served = bank.offer(w.t[c], w.server[c], w.cost[c])
            f.settle(w.device[c], w.t[c], served.accepted, served.finish)
            for t in np.unique(w.t[c]):
                at = w.t[c] == t
                waves[float(t)] = (int(at.sum()), int(served.accepted[at].sum()))
    assert waves == {0.0: (500, 21), 1.0: (479, 21), 3.0: (458, 21), 7.0: (437, 21)}
    assert f.open_connections().tolist() == [84] and f.totals["connects"] == 84
    assert f.totals["backlog_refused"] == 479 + 458 + 437 + 416 and f.totals["timeouts"] == 416
    waiting = f.server == -1
    assert waiting.sum() == 416 and (f.due[waiting] == 10.0 + 10.0).all() and (f.attempt[waiting] == 1).all()
    assert f.lb.conns[0].tolist() == [84]


def test_same_seed_same_arrays():
    def go(seed: int):
        f = fleet(DeviceSpec(count=2000, backoff="exponential", base_s=1.0, jitter="full"), seed=seed,
                  lb=TcpBalancerSpec(algorithm="least_conn"), comm=CommSpec(max_age_s=30.0))
        f.server_down(1, 5.0)
        f.node_fail(0, 12.0)
        out = list(ticks(f, 0, 25))
        work = [np.concatenate([getattr(x.work, k) for x in out]) for k in ("t", "server", "kind", "device")]
        tries = [np.concatenate([getattr(x.attempts, k) for x in out]) for k in ("t", "device", "attempt")]
        return work + tries
    a, b, c = go(11), go(11), go(12)
    assert all(np.array_equal(x, y) for x, y in zip(a, b, strict=True))
    assert not all(np.array_equal(x, y) for x, y in zip(a, c, strict=True))


def test_commands_change_what_the_next_connections_meet():
    f = fleet(DeviceSpec(count=100))
    h = f.commands()
    assert {"ingest.lb_algorithm", "ingest.max_age_s", "ingest.backoff", "ingest.jitter",
            "ingest.standby", "ingest.tls"} <= set(h)
    h["ingest.lb_algorithm"]("least_conn")
    h["ingest.jitter"]("full")
    h["ingest.standby"](False)
    h["ingest.max_age_s"](60.0)
    assert f.lb.spec.algorithm == "least_conn" and f.spec.jitter == "full" and f.lb.spec.nodes == 1
    assert (f.due < 66.0).all()  # open connections retire within one (jittered) age from now
    list(ticks(f, 0, 70, 0.5))
    assert f.totals["age_closes"] >= 100 and not f.lb.alive[1]


def test_a_silent_host_is_noticed_at_each_device_s_next_send_plus_its_ack_timeout():
    """The host of server 0 vanishes at 100 (no RST): each of its devices learns when its next
    message goes unanswered for ``ack_timeout_s`` (10 s), then waits its 10 s fixed backoff.
    The messages sent into the silence are lost."""
    f = fleet(DeviceSpec(count=600, period_s=10.0, ack_timeout_s=10.0, base_s=10.0))
    on0 = np.flatnonzero(f.server == 0)
    nxt = f.phase[on0] + np.ceil((100.0 - f.phase[on0]) / 10.0) * 10.0
    f.server_down(0, 100.0, silent=True)
    a = attempts(f, 0, 140)
    order = np.argsort(a["device"])
    assert a["device"][order].tolist() == on0.tolist()
    assert np.array_equal(a["t"][order], nxt + 10.0 + 10.0)
    assert (a["outcome"] == OK).all() and (a["server"] != 0).all()
    assert f.totals["lost"] == on0.size * 2  # the unanswered send, and one more before giving up
