"""Replication lag, stale reads, failover loss and shard placement: exact small cases
and whole runs."""

from __future__ import annotations

import numpy as np
import pytest

from scaleout_tui.engine import KindMix, ScheduledFailure, Simulation, TrafficSpec
from scaleout_tui.engine.metrics import ERROR_CAUSES
from scaleout_tui.engine.replication import Replication, ReplicationSpec
from scaleout_tui.engine.shardrouter import ShardingSpec, ShardRouter, place
from tests.engine.helpers import config, knob


def repl(apply_factor: float = 1.0, routing: str = "replicas", replicas: int = 1) -> Replication:
    r = Replication(ReplicationSpec(replicas, routing, apply_factor=apply_factor), users=100,
                    rng=np.random.default_rng(0))
    for i in range(replicas):
        r.add_replica(10 + i, 0.0)
    return r


def test_a_read_inside_the_lag_window_is_stale_and_after_it_is_not():
    r = repl()
    # user 5 writes at t=1.0 (master's work 0.5 s): the replica applies it 1.0 -> 1.5
    r.commit(np.array([1.0]), np.array([5]), np.array([0.5]), [1.0], rtt=0.0)
    t = np.array([0.9, 1.2, 1.49, 1.5, 1.6])
    stale = r.check_stale(t, np.full(5, 5), np.full(5, 10))
    assert stale.tolist() == [False, True, True, False, False]
    # another user's reads are never stale on account of user 5's write
    assert not r.check_stale(np.array([1.2]), np.array([6]), np.array([10])).any()


def test_with_zero_lag_there_are_no_stale_reads():
    r = repl(apply_factor=0.0)
    rng = np.random.default_rng(1)
    t = np.sort(rng.random(1000)) * 100
    r.commit(t, rng.integers(0, 100, 1000), rng.random(1000) * 0.01, [1.0], rtt=0.0)
    reads = np.sort(rng.random(5000)) * 100
    assert not r.check_stale(reads, rng.integers(0, 100, 5000), np.full(5000, 10)).any()


def test_read_your_writes_sends_a_writers_reads_to_the_master_for_the_window():
    r = repl(routing="read_your_writes")
    r.mark_writers(np.array([10.0]), np.array([3]))
    users = np.array([3, 3, 4])
    t = np.array([12.0, 16.0, 12.0])
    boxes = r.route_reads(t, users, master=1, live=[10])
    assert boxes.tolist() == [1, 10, 10]  # within 5 s of their write: master; later or others: replica


def test_lag_grows_under_a_write_burst_and_drains_at_the_apply_rate():
    r = repl()
    # 200 writes/s for 10 s, each 10 ms to apply on one thread (capacity 100/s)
    t = np.arange(1, 2001) * 0.005
    r.commit(t, np.arange(2000) % 100, np.full(2000, 0.01), [1.0], rtt=0.0)
    assert r.unapplied(10.0)[0] == pytest.approx(1000, abs=1)  # half the burst still waiting
    for at in (12.0, 15.0, 19.0):
        assert r.unapplied(at)[0] == pytest.approx(1000 - 100 * (at - 10.0), abs=1)  # 100/s drain
    assert r.lag(10.0)[0] == pytest.approx(5.0, abs=0.01)   # applying the write committed at 5.0 s
    assert r.lag(20.0)[0] > 0 and r.lag(20.01)[0] == 0.0  # last write applied at 20.005


def test_serial_apply_matches_the_plain_recursion():
    rng = np.random.default_rng(3)
    a = np.sort(rng.random(500)) * 10
    s = rng.exponential(0.02, 500)
    d, free = [], 0.7
    for ai, si in zip(a, s, strict=True):
        free = max(ai, free) + si
        d.append(free)
    from scaleout_tui.engine.replication import apply_serially
    assert np.max(np.abs(apply_serially(0.7, a, s) - np.array(d))) < 1e-9


def test_master_failover_loses_exactly_the_unreplicated_writes():
    r = repl()
    # commits at 1..5 s, 2 s of apply work each: applied at 3, 5, 7, 9, 11
    r.commit(np.arange(1.0, 6.0), np.arange(5), np.full(5, 2.0), [1.0], rtt=0.0)
    assert r.lost_on_promotion(10, failed_at=5.5, promoted_at=6.5) == 3
    r2 = repl()
    r2.commit(np.arange(1.0, 6.0), np.arange(5), np.full(5, 2.0), [1.0], rtt=0.0)
    assert r2.lost_on_promotion(10, failed_at=5.5, promoted_at=11.0) == 0  # waited for the replay


def db_heavy(routing: str = "replicas", replicas: int = 2, write_share: float = 0.2, rate: float = 150.0,
             failures=(), sharding: ShardingSpec | None = None, users: int = 2000, duration: float = 300,
             **kw: object):
    """A two-tier shop with a replicated or sharded database. A half-second tick: lag, staleness
    and placement are worked out per request, failover and moves on the engine's clock."""
    kinds = (KindMix("page", 1.0 - write_share, 0.004, 0.004), KindMix("write", write_share, 0.004, 0.006))
    traffic = TrafficSpec(curve=((0.0, rate),), kinds=kinds, users=users)
    return config(traffic, vcpus=4, db_vcpus=4, layout="two-tier", duration=duration,
                  replication=ReplicationSpec(replicas, routing, failover_s=20.0) if replicas else None,
                  sharding=sharding, failures=failures, timeout_s=10.0, tick_s=0.5, rtt_s=0.0005, **kw)


def test_reads_on_replicas_can_be_stale_read_your_writes_removes_them():
    stale = {}
    for routing in ("master", "replicas", "read_your_writes"):
        sim = Simulation(db_heavy(routing, users=50, rate=300.0, duration=100), seed=3)
        sim.run()
        assert sim.replica_state is not None
        stale[routing] = sim.replica_state.stale_reads
    assert stale["master"] == 0
    assert stale["replicas"] > 0
    assert stale["read_your_writes"] == 0


def test_master_crash_promotes_a_replica_and_counts_lost_writes():
    crash = (ScheduledFailure(100.0, "db", 60.0),)
    sim = Simulation(db_heavy(write_share=0.5, rate=400.0, failures=crash), seed=4)
    sim.run()
    promoted = [e for e in sim.log if e.code == "promoted"]
    assert promoted and promoted[0].t == pytest.approx(120.0, abs=0.21)
    assert sim.replica_state is not None
    assert promoted[0].params["lost"] == sim.replica_state.writes_lost
    assert sim.data.db_box == sim.box(str(promoted[0].params["box"])).index
    # writes failed during the 20 s without a master; the service then went on
    assert sim.metrics.total_errors[4] > 0
    late = sim.metrics.windows[-30:]
    assert sum(int(w.errors.sum()) for w in late) == 0


def test_hashed_keys_spread_evenly_monotonic_keys_pile_onto_one_shard():
    assert np.bincount(place(np.arange(60), 3, "user_hash", 60)).tolist() == [20, 20, 20]
    assert np.bincount(place(np.arange(60), 3, "user_range", 60)).tolist() == [20, 20, 20]
    rng = np.random.default_rng(2)
    for key, check in (("user_hash", lambda s: max(s) < 0.27), ("created_at", lambda s: max(s) >= 0.9)):
        router = ShardRouter(ShardingSpec(4, key), users=100_000, rng=rng)
        for b in range(4):
            router.add_shard(b)
        router.route(np.zeros(40_000), rng.integers(0, 100_000, 40_000), np.ones(40_000, bool))
        assert check(router.share()), (key, router.share())


def test_range_queries_on_a_hashed_key_ask_every_shard():
    router = ShardRouter(ShardingSpec(3, "user_hash", range_query_share=1.0), users=100,
                         rng=np.random.default_rng(0))
    for b in range(3):
        router.add_shard(b)
    pos = router.route(np.zeros(10), np.arange(10), np.zeros(10, bool))
    assert (pos == -1).all()
    ranged = ShardRouter(ShardingSpec(3, "user_range", range_query_share=1.0), users=100,
                         rng=np.random.default_rng(0))
    for b in range(3):
        ranged.add_shard(b)
    assert (ranged.route(np.zeros(10), np.arange(10), np.zeros(10, bool)) >= 0).all()


def test_broadcast_queries_load_every_shard_and_wait_for_the_slowest():
    spec = ShardingSpec(3, "user_hash", range_query_share=0.5)
    sim = Simulation(db_heavy(replicas=0, sharding=spec, rate=100.0), seed=5)
    sim.run()
    assert sim.metrics.total_errors.sum() == 0
    plain = Simulation(db_heavy(replicas=0, sharding=ShardingSpec(3, "user_hash"), rate=100.0), seed=5)
    plain.run()
    db = [b.index for b in sim.boxes if b.role == "db"]
    busy = sum(float(w.busy[db].sum()) for w in sim.metrics.windows)
    busy_plain = sum(float(w.busy[db].sum()) for w in plain.metrics.windows)
    assert busy > 1.5 * busy_plain


def test_adding_a_shard_moves_chunks_at_a_visible_cost():
    spec = ShardingSpec(2, "user_hash", move_s_per_shard=60.0, move_load=0.5)
    sim = Simulation(db_heavy(replicas=0, sharding=spec, rate=100.0, boot_s=30.0, duration=400), seed=6)
    sim.advance(100)
    sim.apply(knob(sim, "db.shards", 3))
    sim.run()
    codes = [(e.code, round(e.t)) for e in sim.log]
    assert ("chunks_moving", 130) in codes and ("chunks_moved", 190) in codes
    assert sim.shard_router is not None and sim.shard_router.n == 3
    db = [b.index for b in sim.boxes if b.role == "db"]
    during = np.mean([w.busy[db[:2]].sum() for w in sim.metrics.windows[135:185]])
    after = np.mean([w.busy[db[:2]].sum() for w in sim.metrics.windows[250:390]])
    assert during > after + 0.5  # the move's reads cost the old shards CPU
    share = sim.shard_router.share()
    assert share[2] > 0.1  # the new shard takes inserts once its chunks arrived


def test_a_hung_replica_times_out_the_reads_sent_to_it_and_nothing_else():
    """Issue 13: a hang on a replica acts on the queries routed to it. Reads spread over two
    replicas at 120/s (80 % of 150/s), so about 60/s reach replica-1: from 100 s to 160 s those
    time out at the client; writes (on the master) and the other replica's reads never fail."""
    hang = (ScheduledFailure(100.0, "replica-1", 60.0, "hang"),)
    sim = Simulation(db_heavy(failures=hang), seed=5)
    sim.run()
    errors = sim.metrics.total_errors
    timeouts = int(errors[list(ERROR_CAUSES).index("timeout")])
    assert timeouts == errors.sum()
    assert 60 * 60 * 0.8 <= timeouts <= 60 * 60 * 1.2
    late = [w for w in sim.metrics.windows if w.t0 >= 175.0]
    assert sum(int(w.errors.sum()) for w in late) == 0
