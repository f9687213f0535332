"""Replication: lag, stale reads, read-your-writes, failover loss; exact small cases and whole runs."""

from __future__ import annotations

import numpy as np
import pytest

from scaleout_tui.engine import ScheduledFailure, Simulation
from scaleout_tui.engine.metrics import ERROR_CAUSES
from scaleout_tui.engine.replication import Replication, ReplicationSpec
from tests.engine.helpers import db_heavy


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


def test_failover_promotes_only_a_running_replica():
    """replica-1 crashes at 50 s (down for 200 s), the master at 60 s: after the 20 s failover time
    the running replica-2 is promoted, whatever its backlog against the dead one's, and the writes
    go on. With both replicas down there is no one to promote: the log says so and writes fail."""
    crash = (ScheduledFailure(50.0, "replica-1", 200.0), ScheduledFailure(60.0, "db", 200.0))
    sim = Simulation(db_heavy(failures=crash, duration=120), seed=4)
    sim.run()
    promoted = [e for e in sim.log if e.code == "promoted"]
    assert [(e.t, e.params["box"]) for e in promoted] == [(pytest.approx(80.0, abs=0.51), "replica-2")]
    late = sim.metrics.windows[-20:]
    assert sum(int(w.errors.sum()) for w in late) == 0
    both = (ScheduledFailure(50.0, "replica-1", 200.0), ScheduledFailure(50.0, "replica-2", 200.0),
            ScheduledFailure(60.0, "db", 200.0))
    sim = Simulation(db_heavy(failures=both, duration=120), seed=4)
    sim.run()
    assert [e.code for e in sim.log if e.code in ("promoted", "failover_none")] == ["failover_none"]
    assert sum(int(w.errors.sum()) for w in sim.metrics.windows[-20:]) > 0


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
