"""The world's hooks and the data plane's gates: how mechanisms meet without importing each other."""

from __future__ import annotations

from scaleout_tui.engine import ScheduledFailure, Simulation
from scaleout_tui.engine.balancer import BalancerSpec
from scaleout_tui.engine.cloning import AppSpec
from scaleout_tui.engine.replication import ReplicationSpec
from scaleout_tui.engine.sessions import SessionSpec
from scaleout_tui.engine.storage import StorageSpec
from tests.engine.helpers import config, steady


def test_gates_act_in_their_fixed_order_whatever_order_the_level_builds_them() -> None:
    cfg = config(steady(5.0, 0.001), layout="two-tier", web_count=2, balancer=BalancerSpec(),
                 sessions=SessionSpec(), storage=StorageSpec(), app=AppSpec())
    sim = Simulation(cfg, seed=1)
    assert [g.name for g in sim.data.gates] == ["redirects", "sessions", "files", "copies"]


def test_a_crash_runs_the_crash_hooks_in_build_order() -> None:
    """A crashed master starts the replica set's failover; the balancer pair's hook runs first
    and does nothing for a database box."""
    cfg = config(steady(5.0, 0.001, 0.001), layout="two-tier", balancer=BalancerSpec(),
                 replication=ReplicationSpec(replicas=1, failover_s=10.0),
                 failures=(ScheduledFailure(at=5.0, target="db", repair_s=100.0),))
    sim = Simulation(cfg, seed=1)
    owners = [type(getattr(h, "__self__", None)).__name__ for h in sim.world.crash_hooks]
    assert owners == ["Balancers", "ReplicaSet"]
    sim.advance(20)
    codes = [e.code for e in sim.log]
    assert codes[:3] == ["crash", "failover_wait", "promoted"]
    assert sim.role_box("db").name == "replica-1"
    assert sim.data.db_box == sim.role_box("db").index


def test_a_health_verdict_reaches_the_failure_record() -> None:
    from scaleout_tui.engine.healthcheck import HealthCheckSpec

    cfg = config(steady(20.0, 0.001), web_count=2, balancer=BalancerSpec(),
                 health=HealthCheckSpec("L7", "/health", interval_s=5, timeout_s=2, unhealthy_threshold=2),
                 failures=(ScheduledFailure(at=10.0, target="web-2", repair_s=1000.0, kind="hang"),))
    sim = Simulation(cfg, seed=1)
    sim.advance(40)
    rec = sim.failures.records[0]
    assert rec.box == "web-2" and rec.detected_at is not None
    # caught by the second failed probe: at most two intervals plus the timeout after the hang
    assert 10.0 < rec.detected_at <= 10.0 + 2 * 5 + 2 + 0.01
    unhealthy = [e for e in sim.log if e.code == "target_unhealthy"]
    assert unhealthy[0].params["reason"] == "no_answer" and unhealthy[0].params["timeout_s"] == 2
