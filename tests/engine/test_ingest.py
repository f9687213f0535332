"""The ingest tier in the running engine, against what is known to be true.

The comm servers' CPU is N/P × the message cost; a comm server added under load gets nothing
until connections retire, then its share; a comm server's crash sends its devices back all at
once without jitter and spread with it; a balancer node's failure makes every device reconnect
once, after keepalived's takeover time; the balancer's probes cost nodes / interval × their cost
on every server; every reading is a database row on the shard its device id picks; a seed and
its commands give one run. Each case simulates only what its assertion needs (a few thousand
devices, tens of seconds), and the web tier carries no traffic unless the case needs it.
"""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import pytest

from scaleout_tui.engine import (
    Command,
    CommandError,
    FleetSpec,
    InstanceType,
    KindMix,
    ScheduledFailure,
    SimConfig,
    Simulation,
    TrafficSpec,
)
from scaleout_tui.engine.devices import CommSpec, DeviceSpec
from scaleout_tui.engine.ingest import IngestSpec
from scaleout_tui.engine.metrics import percentile
from scaleout_tui.engine.shardrouter import ShardingSpec
from scaleout_tui.engine.snapshot import take
from scaleout_tui.engine.tcpbalancer import TcpBalancerSpec

from .helpers import config, steady

NO_JITTER = DeviceSpec(count=4000, period_s=10.0)


def run_config(devices: DeviceSpec = NO_JITTER, comm: CommSpec | None = None,
               lb: TcpBalancerSpec | None = None, duration: float = 30.0, comm_count: int = 2, **kw: object):
    spec = IngestSpec(devices=devices, comm=comm or CommSpec(), balancer=lb or TcpBalancerSpec(),
                      comm_count=comm_count)
    opts: dict[str, object] = {"rtt_s": 0.0005, "tick_s": 0.1, "boot_s": 10.0}
    opts.update(kw)
    return config(steady(0.0, 0.01, 0.002), vcpus=2, layout="two-tier", duration=duration, ingest=spec,
                  **opts)


def comm_busy(sim: Simulation, a: int, b: int) -> list[float]:
    """Each comm box's CPU-seconds over the windows [a, b)."""
    assert sim.ingest is not None
    return [sum(float(w.busy[box.index]) for w in sim.metrics.windows[a:b]) for box in sim.ingest.servers]


def test_the_message_load_on_the_comm_servers_is_n_over_p_times_the_message_cost() -> None:
    """6,000 devices every 10 s, 0.2 ms a message, no probe cost and no churn: over three whole
    periods each server works (its devices) / P × 0.2 ms a second, all of them N/P × 0.2 ms."""
    n, p, cost = 6000, 10.0, 0.0002
    sim = Simulation(run_config(DeviceSpec(count=n, period_s=p), CommSpec(message_s=cost),
                                TcpBalancerSpec(check_cost_s=0.0)), seed=1)
    sim.advance(30.0)
    tier = sim.ingest
    assert tier is not None
    busy = comm_busy(sim, 0, 30)
    per_server = tier.devices.open_connections()
    assert per_server.tolist() == [n // 2, n // 2]  # round robin over two
    assert sum(busy) == pytest.approx(n / p * cost * 30.0, rel=1e-3)
    for b, k in zip(busy, per_server.tolist(), strict=True):
        assert b == pytest.approx(k / p * cost * 30.0, rel=1e-3)
    assert tier.plane.totals["delivered"] == n * 3
    msgs = tier.plane.series["messages"]  # each device once a period, at its own phase
    assert [sum(msgs[k:k + 10]) for k in (0, 10, 20)] == [n, n, n]
    gauges = {v.name: v for v in take(sim).boxes}
    assert gauges["comm-1"].cpu_pct == pytest.approx(100 * n / 2 / p * cost / 2, rel=0.05)  # 2 vCPUs


def test_a_comm_server_added_under_load_gets_nothing_without_churn_and_its_share_with_a_max_age() -> None:
    """A third server launched at 5 s boots for 10 s and joins at 15 s. Without a max age no
    device reconnects, so it holds no connection at all. With a max age A (±10 %) every connection
    retires within 1.1 A of the join, and round robin gives each reconnect a third: after 1.5 A
    the new server holds a third of the fleet."""
    n, age = 3000, 20.0
    for max_age, expect in ((math.inf, 0.0), (age, 1 / 3)):
        sim = Simulation(run_config(DeviceSpec(count=n), CommSpec(max_age_s=max_age), duration=50.0), seed=2)
        sim.advance(5.0)
        sim.apply(Command("ingest.comm_count", 3))
        sim.advance(10.0)
        assert [b.name for b in sim.fleet.pending] == ["comm-new"]
        sim.advance(15.0 + 1.5 * age - sim.now)
        tier = sim.ingest
        assert tier is not None and [b.name for b in tier.servers] == ["comm-1", "comm-2", "comm-3"]
        assert any(e.code == "comm_joined" and e.t == 15.0 for e in sim.log)
        view = take(sim).ingest
        assert view is not None and view.connected == n
        assert view.share[2] == pytest.approx(expect, abs=0.01)
        if max_age == math.inf:
            assert tier.devices.totals["connects"] == 0


def test_a_comm_server_crash_sends_its_devices_back_at_once_without_jitter() -> None:
    """comm-1 crashes at 20 s: its 2,000 devices see the reset at once and, with a fixed 10 s
    delay and no jitter, all retry at 30 s, after the balancer took comm-1 out of rotation (three
    failed checks a second apart): the peak is exactly its device count in one second, and every
    retry lands on comm-2."""
    n = 4000
    cfg = run_config(NO_JITTER, duration=40.0, failures=(ScheduledFailure(20.0, "comm-1", 100.0),))
    sim = Simulation(cfg, seed=3)
    sim.run()
    tier = sim.ingest
    assert tier is not None
    attempts = tier.plane.series["attempts"]
    assert max(attempts) == n // 2 and attempts.index(n // 2) == 30  # the window [30, 31)
    assert tier.devices.open_connections().tolist() == [0, n]
    assert tier.devices.totals["refused"] == 0
    down = [e for e in sim.log if e.code == "tcp_target_down" and e.params["box"] == "comm-1"]
    assert len(down) == 2 and all(20.0 < e.t < 24.0 for e in down)  # both nodes, 3 checks


def test_a_comm_server_crash_with_full_jitter_spreads_the_storm() -> None:
    """With full jitter the 2,000 retries are uniform over the 10 s delay: 200 a second. Some
    land before the balancer noticed (at most 4 s, half on the dead server) and try again, spread
    the same way: at most 0.4 × 0.5 × 2,000 = 400 more over 10 s, 40 a second. So a second holds
    about 240 at most on average; five binomial standard deviations above that is 320, far below
    the 2,000 of the synchronized storm. And they all get back on."""
    n = 4000
    cfg = run_config(replace(NO_JITTER, jitter="full"), duration=50.0,
                     failures=(ScheduledFailure(20.0, "comm-1", 100.0),))
    sim = Simulation(cfg, seed=4)
    sim.run()
    tier = sim.ingest
    assert tier is not None
    peak = max(tier.plane.series["attempts"][20:])
    assert 100 < peak < 320
    assert tier.devices.open_connections().tolist() == [0, n]


def test_a_balancer_node_failure_makes_every_device_reconnect_once_after_the_takeover() -> None:
    """tcp-lb-1 (the master) crashes at 10 s: the flows through it are gone. keepalived's backup
    (priority 100) takes over after 3 × 1 s + 156/256 s = 3.609375 s; every device learns at its
    next send (or at the takeover) and reconnects once, 10 s later, through tcp-lb-2."""
    n = 3000
    cfg = run_config(DeviceSpec(count=n), duration=40.0,
                     failures=(ScheduledFailure(10.0, "tcp-lb-1", 100.0),))
    sim = Simulation(cfg, seed=5)
    sim.run()
    tier = sim.ingest
    assert tier is not None
    takeover = [e for e in sim.log if e.code == "tcp_lb_takeover"]
    assert len(takeover) == 1 and takeover[0].t == pytest.approx(10.0 + 3.609375)
    assert takeover[0].params["node"] == "tcp-lb-2"
    tot = tier.devices.totals
    assert tot["connects"] == n and tot["attempts"] == n and tot["refused"] == tot["timeouts"] == 0
    assert tier.devices.open_connections().sum() == n
    view = take(sim).ingest
    assert view is not None and view.active_node == "tcp-lb-2"
    assert tier.plane.series["active_node"][9] == 0 and tier.plane.series["active_node"][-1] == 1


def test_the_probes_cost_nodes_over_interval_times_their_cost_on_every_comm_box() -> None:
    """Messages cost nothing here; two nodes each check each server every 0.5 s for 1 ms: 4 ms of
    CPU a second on every comm box (2 / 0.5 × 1 ms), and half that once the standby is off."""
    lb = TcpBalancerSpec(check_interval_s=0.5, check_cost_s=0.001)
    sim = Simulation(run_config(DeviceSpec(count=100), CommSpec(message_s=0.0), lb, duration=40.0), seed=6)
    sim.advance(20.0)
    tier = sim.ingest
    assert tier is not None
    for busy in comm_busy(sim, 5, 20):
        assert busy == pytest.approx(15 * 0.004, rel=0.02)
    assert tier.plane.per_server["probe_cpu_ms"][10] == pytest.approx((4.0, 4.0))
    sim.apply(Command("ingest.standby", False))
    assert sim.fleet.by_name["tcp-lb-2"].state == "terminated"
    sim.run()
    assert tier.plane.per_server["probe_cpu_ms"][-1] == pytest.approx((2.0, 2.0))
    assert tier.plane.series["probes"][-1] == 4.0  # 2 servers × 1 node / 0.5 s


def test_every_reading_is_a_database_row_on_the_shard_its_device_picks() -> None:
    """3,000 devices over three shards keyed by a hash of the id: every accepted message is one
    row (none lost, none failed), a third on each shard, and the shards' CPU is rows × write cost."""
    write_s = 0.002
    cfg = run_config(DeviceSpec(count=3000), duration=20.0, sharding=ShardingSpec(shards=3))
    cfg = replace(cfg, ingest=replace(cfg.ingest, db_write_s=write_s))  # type: ignore[arg-type]
    sim = Simulation(cfg, seed=7)
    sim.run()
    tier = sim.ingest
    assert tier is not None and sim.shard_router is not None
    plane = tier.plane
    rows = plane.rows_by_box
    in_flight = plane.in_transit
    # the readings of the last tick (300 a second, ticks of 0.1 s) are written in the next one
    assert plane.totals["db_failed"] == 0 and in_flight < 30 + 20
    assert sum(rows.values()) == plane.totals["db_writes"] == plane.totals["delivered"] - in_flight
    assert sorted(rows) == sim.shard_router.boxes
    for k in rows.values():
        assert k == pytest.approx(sum(rows.values()) / 3, rel=0.01)
    assert int(sim.shard_router.inserts.sum()) == plane.totals["db_writes"]  # the web tier wrote nothing
    busy = sum(float(w.busy[b]) for w in sim.metrics.windows for b in rows)
    assert busy == pytest.approx(plane.totals["db_writes"] * write_s, rel=1e-3)


def test_the_same_seed_and_commands_give_the_same_run() -> None:
    def run(seed: int) -> str:
        cfg = run_config(replace(NO_JITTER, count=1500, jitter="full", backoff="exponential", base_s=1.0),
                         CommSpec(max_age_s=20.0), TcpBalancerSpec(algorithm="least_conn"), duration=20.0,
                         failures=(ScheduledFailure(8.0, "comm-2", 5.0),))
        sim = Simulation(cfg, seed=seed)
        sim.advance(3.0)
        sim.apply(Command("ingest.comm_count", 3))
        sim.apply(Command("inject.crash", "tcp-lb"))
        sim.advance(10.0)
        sim.apply(Command("repair", "tcp-lb-1"))
        sim.run()
        return sim.digest()

    assert run(8) == run(8)
    assert run(8) != run(9)


def test_comm_servers_are_boxes_of_the_fleet_and_never_shrink() -> None:
    """comm-N and tcp-lb-N are billed boxes; the balancer nodes are not working instances; before
    the clock starts a count spreads the devices over every server; a smaller count is refused;
    a comm server has no app to hang."""
    sim = Simulation(run_config(DeviceSpec(count=900), duration=5.0), seed=1)
    sim.apply(Command("ingest.comm_count", 3))
    names = ["web-1", "db-1", "comm-1", "comm-2", "tcp-lb-1", "tcp-lb-2", "comm-3"]
    assert [b.name for b in sim.boxes] == names
    assert sim.instance_count() == 5  # web, db and three comm servers
    tier = sim.ingest
    assert tier is not None and tier.devices.open_connections().tolist() == [300, 300, 300]
    with pytest.raises(CommandError) as e:
        sim.apply(Command("ingest.comm_count", 2))
    assert e.value.code == "comm_cannot_shrink"
    with pytest.raises(CommandError) as e:
        sim.apply(Command("inject.hang", "comm-1"))
    assert e.value.code == "no_app_to_fault"
    sim.run()
    assert sim.metrics.cost == pytest.approx(7 * 0.1 * 5.0 / 3600.0)
    assert np.isclose(sum(sim.metrics.series["cost_per_hour"]) / 5, 0.7)


def test_web_queries_do_not_wait_for_the_readings_written_after_them() -> None:
    """Device readings written to the database beside web queries: with ticks of 0.5 s the web
    p95 stays near what the queries cost, not the tick's length (web queries used to queue behind
    the writes of their whole tick, later ones included)."""
    web = InstanceType("m5.large", 2, 8.0, 1.0, 0.096)
    traffic = TrafficSpec(curve=((0.0, 100.0),), kinds=(KindMix("page", 1.0, 0.008, 0.004),))
    cfg = SimConfig(duration_s=20.0, traffic=traffic, fleet=FleetSpec("two-tier", web, web, 2),
                    catalog={"m5.large": web}, tick_s=0.5, sharding=ShardingSpec(shards=3),
                    ingest=IngestSpec(DeviceSpec(count=8000)))
    sim = Simulation(cfg, seed=3)
    sim.run()
    assert sim.ingest is not None and sim.ingest.plane.totals["db_writes"] > 10_000
    assert percentile(sim.metrics.total_hist, 0.95) < 0.1
