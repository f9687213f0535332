"""Sharding: key placement, scatter-gather range queries, chunk moves."""

from __future__ import annotations

import numpy as np
import pytest

from scaleout_tui.engine import CommandError, Simulation
from scaleout_tui.engine.shardrouter import ShardingSpec, ShardRouter, place
from tests.engine.helpers import db_heavy, knob


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


def test_under_a_time_key_a_read_names_no_key_and_asks_every_shard():
    """A read names a user, not a time: under ``created_at`` the router cannot place it, and asks
    every shard, while every insert goes to the newest. A range of user ids is one shard only
    under ``user_range``. (The audit of session 30 found ``created_at`` reads sent to one random
    shard, and level 7 teaching that ranged user ids keep "orders this week" on one shard.)"""
    def routed(key: str, share: float, write: bool) -> np.ndarray:
        router = ShardRouter(ShardingSpec(3, key, range_query_share=share), users=100,
                             rng=np.random.default_rng(0))
        for b in range(3):
            router.add_shard(b)
        return router.route(np.zeros(10), np.arange(10), np.full(10, write))

    assert (routed("created_at", 0.0, write=False) == -1).all()
    assert (routed("created_at", 0.0, write=True) == 2).all()
    assert (routed("created_at", 1.0, write=False) == -1).all()
    for key in ("user_hash", "user_range"):
        assert (routed(key, 0.0, write=False) >= 0).all()  # a customer's own orders: one shard


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


def test_mid_move_each_users_queries_switch_shards_once():
    """A chunk's traffic switches when its migration commits: all of one user's queries go to
    the old layout until the user's chunk has moved, and to the new one after. (The audit of
    session 30 found a coin tossed for each query: one user's reads and writes flipping between
    the old shard and the new.)"""
    router = ShardRouter(ShardingSpec(3, "user_hash"), users=1000, rng=np.random.default_rng(0))
    for b in range(4):
        router.add_shard(b)
    router.moving, router.moving_from = (0.0, 100.0), 3
    users = np.arange(1000)
    trail = np.stack([router.route(np.full(1000, t), users, np.zeros(1000, bool))
                      for t in np.arange(0.0, 101.0, 5.0)])
    switches = (trail[1:] != trail[:-1]).sum(axis=0)
    assert switches.max() == 1  # never back
    assert (trail[0] == users % 3).all() and (trail[-1] == users % 4).all()
    moved_by_half = (trail[10] == users % 4) & (users % 3 != users % 4)
    assert 0.35 < moved_by_half.sum() / (users % 3 != users % 4).sum() < 0.65


def test_shards_asked_for_while_others_boot_count_the_booting_ones():
    """Asking for 3 shards (from 1) launches two; asking for 2 while they boot is a merge, which
    is refused with the 3 already asked for, and asking for 3 again launches nothing more: the
    router ends with 3 shards, not 4 (it counted only the shards in service and launched more)."""
    spec = ShardingSpec(1, "user_hash", move_s_per_shard=5.0)
    sim = Simulation(db_heavy(replicas=0, sharding=spec, rate=20.0, boot_s=30.0, duration=60), seed=6)
    sim.advance(5)
    sim.apply(knob(sim, "db.shards", 3))
    sim.advance(5)
    with pytest.raises(CommandError) as refused:
        sim.apply(knob(sim, "db.shards", 2))
    assert refused.value.code == "shards_cannot_merge" and refused.value.params == {"have": 3, "asked": 2}
    sim.apply(knob(sim, "db.shards", 3))
    assert [b.name for b in sim.fleet.pending] == ["db-new", "db-new"]
    sim.advance(30)
    assert sim.shard_router is not None and sim.shard_router.n == 3
    assert sum(b.role == "db" for b in sim.boxes) == 3
