"""Scaling on request count per target and on latency, and the app's warm-up, against
hand-computed cases. Arrivals are evenly spaced and service times constant, so every
number below can be worked out on paper."""

from __future__ import annotations

import numpy as np
import pytest

from scaleout_tui.engine import Simulation
from scaleout_tui.engine.autoscaler_spec import ScalingSpec, ScheduledAction
from scaleout_tui.engine.balancer import BalancerSpec
from scaleout_tui.engine.box import Box
from scaleout_tui.engine.healthcheck import HealthCheckSpec
from scaleout_tui.engine.traffic import Arrivals
from tests.engine.helpers import ArraySource, config, itype, steady, worded


def even(rate: float, duration: float, service_s: float) -> ArraySource:
    """``rate`` requests a second, evenly spaced (first at half a gap), each ``service_s``."""
    n = int(rate * duration)
    t = (np.arange(n) + 0.5) / rate
    return ArraySource(Arrivals(t, np.arange(n, dtype=np.int64) % 1000, np.zeros(n, np.int8),
                                np.full(n, service_s), np.zeros(n)))


def group(scaling: ScalingSpec, source: ArraySource, duration: float) -> Simulation:
    cfg = config(steady(1.0, 0.01), vcpus=1, web_count=scaling.desired, duration=duration,
                 balancer=BalancerSpec("round_robin"),
                 health=HealthCheckSpec("L7", "/health", interval_s=10, timeout_s=5, healthy_threshold=2,
                                        unhealthy_threshold=2),
                 scaling=scaling, deregistration_delay_s=30.0, timeout_s=30.0, tick_s=0.1, queue_limit=511)
    return Simulation(cfg, seed=1, source=source)


def test_hpa_on_requests_per_target_uses_the_balancers_count():
    # 100 req/s over 4 targets: 1,500 requests in the first 15 s sync period, 375 a target,
    # i.e. 1,500 a target per minute. Target 1,000: desired = ceil(4 × 1500 / 1000) = 6.
    spec = ScalingSpec(min_size=1, max_size=10, desired=4, policy="hpa", metric="requests",
                       target_requests=1000.0, sync_s=15.0, boot_min_s=30, boot_max_s=30)
    sim = group(spec, even(100.0, 40.0, 0.001), duration=20.0)
    sim.run()
    assert sim.autoscaler is not None
    first = sim.autoscaler.history[0]
    assert (first.t, first.old, first.new) == (15.0, 4, 6)
    assert worded(first) == "HPA: 1,500 req/target/min vs target 1,000 → 6"


def test_requests_per_target_counts_only_warm_targets_and_each_period_once():
    spec = ScalingSpec(min_size=1, max_size=10, desired=2, policy="none", metric="requests")
    sim = group(spec, even(40.0, 60.0, 0.001), duration=60.0)
    asg = sim.autoscaler
    assert asg is not None
    reading = asg.monitor.requests_per_target
    sim.advance(30.0)
    assert reading(asg.spec.warmup_s) == pytest.approx(1200.0)  # 600 a target in 30 s = 1,200/min
    sim.advance(10.0)
    assert reading(asg.spec.warmup_s) == pytest.approx(1200.0)  # only the 10 s since the last reading


def test_a_box_that_joined_since_the_last_reading_counts_from_zero():
    # 40 req/s, evenly spaced; a second box launches at 10 s and serves from about 45 s (no
    # warm-up, so it counts at once). From 5 s to 120 s the balancer sends 40 × 115 = 4,600
    # requests to the two boxes: 2,300 a target, i.e. 1,200 a target per minute.
    spec = ScalingSpec(min_size=1, max_size=2, desired=1, policy="none", metric="requests",
                       boot_min_s=30, boot_max_s=30,
                       scheduled=(ScheduledAction(at=10.0, min_size=2, desired=2),))
    sim = group(spec, even(40.0, 130.0, 0.001), duration=130.0)
    asg = sim.autoscaler
    assert asg is not None
    sim.advance(5.0)
    asg.monitor.requests_per_target(asg.spec.warmup_s)
    sim.advance(115.0)
    assert len(asg.monitor.warm(asg.spec.warmup_s)) == 2
    assert asg.monitor.requests_per_target(asg.spec.warmup_s) == pytest.approx(1200.0, rel=0.005)


def test_target_tracking_on_latency_scales_by_the_ratio():
    # 10 req/s round robin over 2 one-worker boxes at a constant 50 ms: no request ever
    # waits, so the average response time is 50 ms. Target 30 ms, 3 periods above it:
    # at 180 s, desired = ceil(2 × 50 / 30) = 4.
    spec = ScalingSpec(min_size=1, max_size=10, desired=2, policy="target", metric="latency",
                       target_latency_ms=30.0, period_s=60.0, boot_min_s=30, boot_max_s=30)
    sim = group(spec, even(10.0, 200.0, 0.050), duration=190.0)
    sim.run()
    asg = sim.autoscaler
    assert asg is not None
    # (a health probe now and then delays a request by its 0.1 ms of work)
    assert [v for _, v in asg.datapoints] == [pytest.approx(50.0, abs=0.5)] * 3
    first = asg.history[0]
    assert (first.t, first.old, first.new) == (180.0, 2, 4)
    assert worded(first) == "target tracking: latency 50 ms > 30 ms for 3 periods → 4"


def test_a_simple_policy_alarms_on_the_metric_it_was_given():
    # 50 req/s over 1 target = 3,000 a minute ≥ 2,000: +1 at the first period
    spec = ScalingSpec(min_size=1, max_size=3, desired=1, policy="simple", metric="requests",
                       scale_out_requests=2000.0, scale_in_requests=100.0, boot_min_s=30, boot_max_s=30)
    sim = group(spec, even(50.0, 70.0, 0.001), duration=70.0)
    sim.run()
    assert sim.autoscaler is not None
    first = sim.autoscaler.history[0]
    assert (first.t, first.new) == (60.0, 2)
    assert worded(first).startswith("3,000 req/target/min ≥ 2,000 for 1 of 1 periods → +1")


def test_a_cold_app_starts_at_its_factor_and_warms_linearly():
    box = Box("web-2", "web", itype(1), 1, warm_from=100.0, warm_s=60.0, cold_factor=3.0)
    assert box.cold_multiplier(100.0) == 3.0
    assert box.cold_multiplier(130.0) == 2.0
    assert box.cold_multiplier(145.0) == 1.5
    assert box.cold_multiplier(160.0) == 1.0
    assert box.cold_multiplier(1000.0) == 1.0
    assert Box("web-1", "web", itype(1), 0).cold_multiplier(0.0) == 1.0


def test_a_new_instance_serves_slowly_until_its_app_is_warm():
    # A scheduled action at 10 s launches a second box; it boots in exactly 30 s (at 40 s),
    # its app is 3× slow then, 2× at 70 s, warm from 100 s.
    spec = ScalingSpec(min_size=1, max_size=2, desired=1, policy="none", boot_min_s=30, boot_max_s=30,
                       app_warmup_s=60.0, cold_factor=3.0,
                       scheduled=(ScheduledAction(at=10.0, min_size=2, desired=2),))
    sim = group(spec, even(20.0, 200.0, 0.010), duration=200.0)
    sim.advance(70.0)
    new = sim.box("web-2")
    assert sim.data.tables().slow[new.index] == pytest.approx(2.0, abs=0.01)
    sim.advance(10.0)
    assert sim.data.tables().slow[new.index] == pytest.approx(1 + 2 * 20 / 60, abs=0.01)
    sim.advance(120.0)
    assert sim.data.tables().slow[new.index] == 1.0
    # per request, the new box worked harder while cold than the old one, and as hard once warm
    wins = sim.metrics.windows
    old = sim.box("web-1").index

    def per_request(box: int, t0: int, t1: int) -> float:
        return sum(float(w.busy[box]) for w in wins[t0:t1])

    cold_ratio = per_request(new.index, 60, 90) / per_request(old, 60, 90)
    warm_ratio = per_request(new.index, 120, 200) / per_request(old, 120, 200)
    assert cold_ratio > 1.5
    assert warm_ratio == pytest.approx(1.0, abs=0.05)
