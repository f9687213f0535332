"""The auto scaling group against hand-computed cases and the tutorials' experiment."""

from __future__ import annotations

import math

import pytest

from scaleout_tui.engine import CommandError, KindMix, ScheduledFailure, Simulation, TrafficSpec, hpa
from scaleout_tui.engine.autoscaler import AutoScaler
from scaleout_tui.engine.autoscaler_spec import HpaBehavior, HpaPolicy, HpaRules, ScalingSpec, ScheduledAction
from scaleout_tui.engine.balancer import BalancerSpec
from scaleout_tui.engine.closedloop import LoadTest
from scaleout_tui.engine.healthcheck import HealthCheckSpec
from tests.engine.helpers import config, knob, steady, worded

TUTORIAL = ScalingSpec(min_size=1, max_size=3, desired=1, policy="simple", period_s=60,
                       evaluation_periods=1, datapoints_to_alarm=1, scale_out_cpu=10, scale_in_cpu=5,
                       cooldown_s=300, boot_min_s=30, boot_max_s=90)


def group(scaling: ScalingSpec, traffic: TrafficSpec | None = None, load: tuple[LoadTest, ...] = (),
          duration: float = 900, failures=(), tick_s: float = 0.1, **kw: object) -> Simulation:
    cfg = config(traffic or steady(0.0001, 0.01), vcpus=1, web_count=scaling.desired, duration=duration,
                 balancer=BalancerSpec("round_robin"),
                 health=HealthCheckSpec("L7", "/health", interval_s=10, timeout_s=5, healthy_threshold=2,
                                        unhealthy_threshold=2),
                 scaling=scaling, load_tests=load, deregistration_delay_s=30.0, failures=failures,
                 timeout_s=30.0, tick_s=tick_s, **kw)
    return Simulation(cfg, seed=kw.pop("seed", 1) if "seed" in kw else 1)


def played(sim: Simulation, *steps: tuple[float, str, object]) -> Simulation:
    """Each step: let ``wait`` seconds run, then set ``param`` to ``value``, as a player would."""
    for wait, param, value in steps:
        sim.advance(wait)
        sim.apply(knob(sim, param, value))
    return sim


def pages(rate: float) -> TrafficSpec:
    """``rate`` requests/s of 10 ms each: ``rate / 100`` vCPUs of demand."""
    return TrafficSpec(curve=((0.0, rate),), kinds=(KindMix("page", 1.0, 0.010),))


def ran(scaling: ScalingSpec, rate: float | None, duration: float) -> AutoScaler:
    """The group after ``duration`` s of ``rate`` pages/s (idle if None), on a half-second tick."""
    sim = group(scaling, traffic=pages(rate) if rate else None, duration=duration, tick_s=0.5)
    sim.run()
    assert sim.autoscaler is not None
    return sim.autoscaler


def changes(asg: AutoScaler) -> list[tuple[float, int, int]]:
    return [(h.t, h.old, h.new) for h in asg.history]


def test_the_tutorials_experiment_ab_c100_t180_adds_one_instance_then_removes_it():
    load = (LoadTest(start=30.0, concurrency=100, duration_s=180.0),)
    sim = group(TUTORIAL, load=load, duration=900)
    sim.run()
    assert sim.autoscaler is not None
    hist = sim.autoscaler.history
    outs = [h for h in hist if h.new > h.old]
    ins = [h for h in hist if h.new < h.old]
    assert len(outs) == 1 and outs[0].old == 1 and outs[0].new == 2
    assert 60.0 <= outs[0].t <= 120.0 + 0.01  # the first 60-s period that saw the load
    assert len(ins) == 1 and ins[0].new == 1
    stopped = 30.0 + 180.0
    assert 60.0 <= ins[0].t - stopped <= 240.0  # "a couple of minutes after the load stops"
    assert "CPU" in worded(outs[0]) and "≥ 10" in worded(outs[0])
    # the cooldown starts when the launch completes, which the decision cannot know yet
    assert worded(outs[0]).endswith("→ +1, then 300 s of cooldown once in service")


def test_ab_c10_n10_never_scales():
    load = (LoadTest(start=30.0, concurrency=10, requests=10),)
    sim = group(TUTORIAL, load=load, duration=600)
    sim.run()
    assert sim.autoscaler is not None and sim.autoscaler.history == []
    assert max(v for _, v in sim.autoscaler.datapoints) < 10.0
    assert sim.metrics.completed == 10


def test_closed_loop_load_saturates_a_box_at_its_capacity():
    # 20 clients against one 1-worker box at 10 ms a request: throughput is the box's
    # capacity (100/s), and a response waits behind the other clients' requests: at most
    # N / X = 200 ms. (A client sends again from the next tick, so a little less.)
    page = KindMix("page", 1.0, 0.010, cv=0.0)
    load = (LoadTest(start=0.0, concurrency=20, duration_s=300.0, kind=page),)
    sim = group(ScalingSpec(policy="none"), load=load, duration=300)
    sim.run()
    x = sim.metrics.completed / 300.0
    r = sim.metrics.latency_sum / sim.metrics.completed
    assert x == pytest.approx(100.0, rel=0.03)
    assert 0.1 < r <= 20 / x + 0.001
    light = group(ScalingSpec(policy="none"), load=(LoadTest(0.0, 2, 300.0, kind=page),), duration=300)
    light.run()
    # two clients never queue behind each other much: the box idles between their requests
    assert light.metrics.latency_sum / light.metrics.completed < 0.02


def test_a_simple_policy_starts_its_cooldown_when_the_activity_completes():
    """AWS: after a simple policy's scaling activity, nothing else starts until the activity has
    completed (the instance is in service) and the cooldown after it has passed.

    A full vCPU of demand keeps the alarm (CPU ≥ 10 %) on for up to ten boxes. Periods end every
    60 s; boot 60 s; cooldown 300 s. By hand:
    60 s: alarm → 1 → 2; the box is in service at 120 s; cooldown until 420 s.
    120 ... 360 s: in cooldown. 420 s: alarm → 2 → 3; in service at 480 s; cooldown until 780 s.
    780 s: alarm → 3 → 4. (The decision-time cooldown gave 60, 360, 660 s.)"""
    spec = ScalingSpec(min_size=1, max_size=10, desired=1, policy="simple", cooldown_s=300, boot_min_s=60,
                       boot_max_s=60)
    assert changes(ran(spec, 100.0, 790)) == [(60.0, 1, 2), (420.0, 2, 3), (780.0, 3, 4)]


def test_a_simple_scale_in_cools_down_from_the_termination():
    """A scale-in activity completes when its instance has drained (30 s here) and terminated.
    Idle load, 3 boxes, min 1, cooldown 120 s: 60 s: 3 → 2, drained at 90 s, cooldown until 210 s;
    120 and 180 s are in cooldown; 240 s: 2 → 1."""
    spec = ScalingSpec(min_size=1, max_size=3, desired=3, policy="simple", cooldown_s=120)
    assert changes(ran(spec, None, 250)) == [(60.0, 3, 2), (240.0, 2, 1)]


def test_hpa_formula_and_tolerance():
    spec = ScalingSpec(policy="hpa", target_cpu=60.0)

    def want(current: int, metric: float) -> int:
        # every pod ready and at ``metric``: Kubernetes' plain formula
        return hpa.replicas_for(current, [metric] * current, 0, 0, spec.target, spec.tolerance)

    assert want(4, 90.0) == 6          # ceil(4 * 90/60)
    assert want(3, 61.0) == 3          # within the 0.1 tolerance
    assert want(3, 66.1) == math.ceil(3 * 66.1 / 60)  # just outside it
    assert want(10, 6.0) == 1


def test_hpa_scales_down_only_after_the_stabilisation_window():
    """High load for 200 s, then almost none; a 120 s scale-down window. The sync at 195 s is the
    last whose 15-s reading saw only the load, so its recommendation (the peak) stays in the
    window while ``t > now - 120``: up to 300 s. The first scale-down is at 315 s, to what the
    syncs from 210 s on recommended (the 210-s reading still saw 5 s of load), and the default
    scale-down policy (100 % per 15 s) does not hold it back."""
    page = (KindMix("page", 1.0, 0.01),)
    drop, window = 200.0, 120.0
    traffic = TrafficSpec(curve=((0.0, 300.0), (drop, 300.0), (drop + 0.1, 1.0)), kinds=page)
    spec = ScalingSpec(min_size=1, max_size=8, desired=2, policy="hpa", target_cpu=50.0, boot_min_s=20,
                       boot_max_s=20, stabilization_s=window)
    sim = group(spec, traffic=traffic, duration=drop + window + 20.0, tick_s=0.5)
    sim.run()
    assert sim.autoscaler is not None
    hist = sim.autoscaler.history
    peak = max(h.new for h in hist if h.t < drop)
    assert peak >= 6  # 3 vCPU of demand at 50 % each
    ins = [h for h in hist if h.new < h.old]
    assert ins and ins[0].t == 195.0 + window and ins[0].old == peak and ins[0].new <= 3
    ups = [h for h in hist if h.new > h.old]
    assert ups and ups[0].t == 15.0


def test_a_new_hpa_keeps_its_replicas_for_the_first_scale_down_window():
    """Kubernetes records the replica count it finds at an HPA's first sync as a recommendation
    (``recordInitialRecommendation``), so an HPA made over an idle Deployment of 4 holds 4 until
    that 15 s sample leaves the 300 s window: the first scale-down is at the 315 s sync, not at
    15 s (what the audit of session 30 found)."""
    spec = ScalingSpec(min_size=1, max_size=4, desired=4, policy="hpa", target_cpu=60.0)
    sim = group(spec, traffic=steady(1.0, 0.01), duration=320)
    sim.run()
    assert sim.autoscaler is not None
    changes = [(h.t, h.old, h.new) for h in sim.autoscaler.history]
    assert changes and changes[0][0] == pytest.approx(315.0) and changes[0][1] == 4 and changes[0][2] < 4


def test_hpa_does_not_count_the_load_of_pods_not_ready_yet():
    """2 pods at 80 % CPU, target 50 %. By hand (Kubernetes): at 15 s, ceil(2 × 80/50) = 4
    (the rate limit allows max(2 + 4, 2 × 2) = 6). Until the 2 new pods are ready for a full
    15-s window, the 2 old ones still read 80 %, but the new pods count as 0 %: (80 + 80 + 0 + 0)
    / 4 = 40 % → 0.8, the direction flips, no change. Once all 4 serve, each reads 40 %:
    ceil(4 × 0.8) = 4. So the group goes to 4 and never past it (counting the new pods as
    replicas without their load took it to 7)."""
    spec = ScalingSpec(min_size=1, max_size=10, desired=2, policy="hpa", target_cpu=50.0, boot_min_s=20,
                       boot_max_s=20)
    asg = ran(spec, 160.0, 150)
    assert changes(asg) == [(15.0, 2, 4)]
    assert max(asg.samples["desired"]) == 4


def test_hpa_scale_up_is_rate_limited_by_the_default_behavior():
    """1 saturated pod, target 10 %: 100/10 asks for 10 pods; Kubernetes' default behaviour allows
    the larger of +4 pods and +100 % per 15 s, so 5 at the first sync."""
    spec = ScalingSpec(min_size=1, max_size=20, desired=1, policy="hpa", target_cpu=10.0)
    first = ran(spec, 150.0, 16).history[0]
    assert (first.t, first.old, first.new, first.cause) == (15.0, 1, 5, "hpa_limited")
    assert first.params["want"] == 10 and first.params["limit"] == 5
    assert worded(first).endswith("→ 10, held to 5 by its scaling policy")


def test_hpa_with_a_custom_pods_policy():
    """Scale-up at most 1 pod per 30 s (one policy, Max): the saturated pod above asks for 10,
    and the group grows by one per 30 s: 2 at 15 s; 15 s later the period still began at 1 pod,
    so nothing; 3 at 45 s."""
    up = HpaRules(policies=(HpaPolicy("Pods", 1, 30.0),))
    spec = ScalingSpec(min_size=1, max_size=20, desired=1, policy="hpa", target_cpu=10.0,
                       behavior=HpaBehavior(scale_up=up), boot_min_s=5, boot_max_s=5)
    assert changes(ran(spec, 150.0, 50)) == [(15.0, 1, 2), (45.0, 2, 3)]


def test_instances_warming_up_do_not_count_towards_the_metric():
    spec = ScalingSpec(min_size=1, max_size=4, desired=1, policy="none", warmup_s=120.0)
    sim = group(spec, traffic=TrafficSpec(curve=((0.0, 60.0),), kinds=(KindMix("page", 1.0, 0.01),)),
                duration=400, boot_s=10.0)
    sim.advance(50)
    sim.apply(knob(sim, "web.count", 2))
    sim.advance(100)  # the new box launched at 60 and is in service, still warming up
    assert sim.autoscaler is not None
    assert len(sim.autoscaler.monitor.in_service()) == 2
    sim.autoscaler.monitor.launched_at["web-2"] = 60.0
    only_old = sim.autoscaler.monitor.average_cpu(30, sim.autoscaler.spec.warmup_s)
    web1 = sim.box("web-1").index
    wins = sim.metrics.windows[-30:]
    expect = 100 * sum(w.busy[web1] for w in wins) / sum(w.capacity[web1] for w in wins)
    assert only_old == pytest.approx(expect)


def test_a_scheduled_action_fires_at_its_exact_time_despite_the_cooldown():
    spec = ScalingSpec(min_size=1, max_size=6, desired=1, policy="simple", cooldown_s=10_000,
                       scheduled=(ScheduledAction(at=300.0, min_size=4, desired=4),))
    sim = group(spec, duration=500)
    sim.autoscaler.cooldown_until = 10_000  # type: ignore[union-attr]
    sim.run()
    assert sim.autoscaler is not None
    change = [h for h in sim.autoscaler.history if h.cause == "scheduled"]
    assert change and change[0].t == 300.0 and change[0].new == 4
    assert sum(1 for b in sim.boxes if b.serves_web and b.state == "running") == 4


def test_a_failed_instance_is_replaced_after_the_grace_period():
    spec = ScalingSpec(min_size=2, max_size=2, desired=2, policy="none", health_check_grace_s=150.0,
                       boot_min_s=40, boot_max_s=40)
    hang = (ScheduledFailure(50.0, "web-1", 10_000.0, kind="hang"),)
    sim = group(spec, traffic=steady(20.0, 0.01), duration=260, failures=hang)
    sim.run()
    assert sim.autoscaler is not None
    repl = [h for h in sim.autoscaler.history
            if h.cause == "replace_unhealthy" and h.params["box"] == "web-1"]
    assert repl and 150.0 <= repl[0].t <= 150.0 + 5.0 + 0.01  # unhealthy at ~70, replaced once past grace
    assert sim.box("web-3").state == "running"
    assert len([b for b in sim.boxes if b.serves_web and b.state == "running"]) == 2


def test_a_step_applies_the_one_adjustment_whose_interval_holds_the_breach():
    """AWS: "the lower bound is inclusive and the upper bound is exclusive": one step applies.
    Steps of +3 from 0 and +1 from 20 points, and a 50-point breach: +1, not the largest +3
    (the audit of session 30 found the largest of the steps reached)."""
    busy = TrafficSpec(curve=((0.0, 200.0),), kinds=(KindMix("page", 1.0, 0.010),))
    spec = ScalingSpec(min_size=1, max_size=10, desired=1, policy="step", scale_out_cpu=50,
                       steps=((0.0, 3), (20.0, 1)), boot_min_s=40, boot_max_s=40)
    sim = group(spec, traffic=busy, duration=61)
    sim.run()
    assert sim.autoscaler is not None
    first = sim.autoscaler.history[0]
    assert first.t == pytest.approx(60.0) and first.new - first.old == 1


def test_a_step_scale_in_waits_while_an_instance_it_removed_still_drains():
    """AWS counts terminating instances as capacity while scaling in. An idle group of 6, a step
    of 1 each period and a 290 s deregistration delay: the next removal waits until the last one
    has terminated, at the first evaluation after (60, 360 and 660 s), where the audit of session
    30 found one a minute."""
    spec = ScalingSpec(min_size=1, max_size=6, desired=6, policy="step", scale_out_cpu=50, scale_in_cpu=5,
                       step_in=1)
    cfg = config(steady(0.0001, 0.01), vcpus=1, web_count=6, duration=700,
                 balancer=BalancerSpec("round_robin"),
                 health=HealthCheckSpec("L7", "/health", interval_s=10, timeout_s=5, healthy_threshold=2,
                                        unhealthy_threshold=2),
                 scaling=spec, deregistration_delay_s=290.0, timeout_s=30.0, tick_s=0.5)
    sim = Simulation(cfg, seed=1)
    sim.run()
    assert sim.autoscaler is not None
    ins = [h.t for h in sim.autoscaler.history if h.cause == "step_in"]
    assert ins == pytest.approx([60.0, 360.0, 660.0])


def test_a_smaller_group_calls_off_launches_still_booting_before_it_drains_a_serving_box():
    """Desired 2 → 6 at 10 s (four launches, 60 s boots), back to 2 at 20 s: the four launches are
    called off, the two serving boxes keep serving, nothing fails, and the group stays at 2.
    (The audit of session 30 found both serving boxes drained for launches a minute away: a
    50 s outage, and a group of 4 for the rest of the run.) Lowering the maximum to 4 instead
    calls off two launches and keeps the other two."""
    spec = ScalingSpec(min_size=1, max_size=8, desired=2, policy="none", boot_min_s=60, boot_max_s=60)
    sim = group(spec, traffic=pages(40.0), duration=200)
    asg = sim.autoscaler
    assert asg is not None
    sim.advance(10)
    sim.apply(knob(sim, "asg.desired", 6))
    sim.advance(10)
    assert sim.fleet.pending_web() == 4
    sim.apply(knob(sim, "asg.desired", 2))
    sim.advance(1)
    assert (len(asg.monitor.in_service()), sim.fleet.pending_web(), asg.desired) == (2, 0, 2)
    assert sum(e.code == "launch_cancelled" for e in sim.log) == 4
    sim.advance(179)
    assert len(asg.monitor.in_service()) == 2 and int(sim.metrics.total_errors.sum()) == 0
    capped = played(group(spec, traffic=pages(40.0), duration=100), (10, "asg.desired", 6),
                    (10, "asg.max_size", 4))
    capped.advance(80)
    assert capped.autoscaler is not None and len(capped.autoscaler.monitor.in_service()) == 4
    assert sum(e.code == "launch_cancelled" for e in capped.log) == 2


def test_touching_a_setting_does_not_move_the_policys_evaluations():
    """CloudWatch evaluates an alarm on its own minute, whatever the operator edits. One box at
    80 % CPU against a 10 % threshold, and the cooldown set again at 55 s and 110 s: the
    scale-out still comes at the 60 s evaluation. (The audit of session 30 found each change
    restarting the clock: evaluations at 115 and 170 s, the scale-out at 170 s.)"""
    spec = ScalingSpec(min_size=1, max_size=4, desired=1, policy="simple", scale_out_cpu=10, scale_in_cpu=5,
                       cooldown_s=300, boot_min_s=60, boot_max_s=60)
    # off the grid, and on it: a change at 60 s arrives before that minute's evaluation
    for first, second in ((55, 55), (60, 60)):
        sim = played(group(spec, traffic=pages(80.0), duration=130), (first, "asg.cooldown_s", 300),
                     (second, "asg.cooldown_s", 300))
        sim.advance(130 - first - second)
        assert sim.autoscaler is not None
        assert [t for t, _ in sim.autoscaler.datapoints] == pytest.approx([60.0, 120.0]), first
        assert sim.autoscaler.history[0].t == pytest.approx(60.0) and sim.autoscaler.history[0].new == 2


def test_an_alarm_in_alarm_acts_each_minute_whatever_its_period():
    """AWS: an alarm "invokes an Auto Scaling action once each minute when the alarm remains in a
    new state, regardless of the configured time period". A 5-minute alarm (EC2 basic
    monitoring), a 300 s cooldown and 60 s boots: out at 300 s, in service at 360, cooled down
    at 660, and the alarm, still in ALARM, acts at that minute: 660, 1020, 1380. (The audit of
    session 30 found the policy acting only at its datapoints: 300, 900, 1500.)"""
    spec = ScalingSpec(min_size=1, max_size=10, desired=1, policy="simple", period_s=300.0, scale_out_cpu=10,
                       scale_in_cpu=5, cooldown_s=300, boot_min_s=60, boot_max_s=60)
    for touch in (None, 610.0):  # a setting changed between datapoints keeps the minutes going
        sim = group(spec, traffic=pages(80.0), duration=1400, tick_s=0.5)
        if touch is not None:
            played(sim, (touch, "asg.cooldown_s", 300))
        sim.run()
        assert sim.autoscaler is not None
        outs = [h.t for h in sim.autoscaler.history if h.cause == "simple_out"]
        assert outs == pytest.approx([300.0, 660.0, 1020.0, 1380.0]), touch
        assert [t for t, _ in sim.autoscaler.datapoints] == pytest.approx([300.0, 600.0, 900.0, 1200.0])


def test_a_simple_policy_waits_for_a_health_check_replacement_and_its_cooldown():
    """AWS: a simple policy "must wait for the scaling activity or health check replacement to
    complete and the cooldown period to expire before responding to additional alarms". web-1
    hangs at 10 s and is replaced about 30 s later (no grace); the alarm is in ALARM from the
    60 s datapoint, but the policy acts only at the first evaluation a cooldown after the
    replacement came into service. (The audit of session 30 found it scaling at 60 s.)"""
    spec = ScalingSpec(min_size=2, max_size=4, desired=2, policy="simple", scale_out_cpu=10, scale_in_cpu=1,
                       cooldown_s=60, health_check_grace_s=0.0, boot_min_s=60, boot_max_s=60)
    sim = group(spec, traffic=pages(80.0), duration=200,
                failures=(ScheduledFailure(10.0, "web-1", 10_000.0, kind="hang"),))
    sim.run()
    assert sim.autoscaler is not None
    replaced = [h.t for h in sim.autoscaler.history if h.cause == "replace_unhealthy"]
    outs = [h.t for h in sim.autoscaler.history if h.cause == "simple_out"]
    assert len(replaced) == 1 and 20.0 < replaced[0] < 50.0
    in_service = replaced[0] + 60.0
    assert outs and outs[0] == pytest.approx(math.ceil((in_service + 60.0) / 60.0) * 60.0)


def test_a_step_policy_adds_more_for_a_bigger_breach_without_piling_up():
    busy = TrafficSpec(curve=((0.0, 200.0),), kinds=(KindMix("page", 1.0, 0.010),))
    spec = ScalingSpec(min_size=1, max_size=10, desired=1, policy="step", scale_out_cpu=50,
                       steps=((0.0, 1), (20.0, 2), (40.0, 3)), boot_min_s=40, boot_max_s=40)
    sim = group(spec, traffic=busy, duration=200)
    sim.run()
    assert sim.autoscaler is not None
    first = sim.autoscaler.history[0]
    assert first.t == pytest.approx(60.0) and first.new - first.old == 3  # 100 % is 50 points over
    # the next period the boxes are still booting: no second launch for the same breach
    assert all(h.t >= 60.0 + 40.0 for h in sim.autoscaler.history[1:])


@pytest.mark.parametrize("boot", [60.0, 90.0])
def test_a_lasting_breach_does_not_add_to_instances_still_warming_up(boot: float):
    """2 boxes at 65 % CPU, a +1 step over 60 %, a 300 s warm-up. By hand (AWS): at 60 s the
    alarm adds 1 to the 2 warm instances: desired 3. The next readings still breach (at 120 s
    the new box has served little or nothing yet; with a 90-s boot it is not even in service),
    but the current capacity leaves out the instance still booting or warming up: 2 + 1 = 3,
    which the desired count already is, so nothing happens. Once the third box serves, the old
    ones read 1.3 / 3 = 43 %: no alarm. The group ends at 3 (the engine went to 4 or 5)."""
    spec = ScalingSpec(min_size=1, max_size=10, desired=2, policy="step", scale_out_cpu=60, scale_in_cpu=5,
                       steps=((0.0, 1),), warmup_s=300, boot_min_s=boot, boot_max_s=boot)
    asg = ran(spec, 130.0, 250)  # 1.3 vCPU of demand
    assert changes(asg) == [(60.0, 2, 3)]
    assert [v >= 60.0 for _, v in asg.datapoints][:2] == [True, True]  # the breach lasted


def test_a_bigger_breach_adds_only_the_difference():
    """Warm capacity 2, one instance warming up (desired 3). A breach worth +3 asks for 2 + 3 = 5:
    AWS adds the difference, 2 instances, not 3."""
    spec = ScalingSpec(min_size=1, max_size=10, desired=2, policy="step", scale_out_cpu=50,
                       steps=((0.0, 1), (45.0, 3)), warmup_s=300, boot_min_s=30, boot_max_s=30)
    sim = group(spec, traffic=pages(200.0), duration=10, tick_s=0.5)
    sim.advance(5)
    assert sim.autoscaler is not None
    sim.apply(knob(sim, "asg.desired", 3))
    sim.run()  # the third instance is still booting
    asg = sim.autoscaler
    asg.datapoints[:] = [(0.0, 100.0)]  # a breach of 50 points: the +3 step
    asg._on_step(100.0)
    assert asg.history[-1].old == 3 and asg.history[-1].new == 5 and asg.history[-1].params["adj"] == 3


@pytest.mark.parametrize("policy", ["step", "target"])
def test_scale_in_waits_until_no_instance_is_warming_up(policy: str):
    """An idle group of 3 (min 1) gets a fourth instance by hand at 5 s; it boots in 30 s and
    warms up for 300 s, until 335 s. Every reading is far below the scale-in threshold, but AWS
    blocks scale-in while an instance is warming up: step's alarm at 60 ... 300 s does nothing,
    the first scale-in is at 360 s. (Target tracking needs 15 low periods: 15 × 30 s = 450 s.)"""
    period = 60.0 if policy == "step" else 30.0
    spec = ScalingSpec(min_size=1, max_size=4, desired=3, policy=policy, warmup_s=300, boot_min_s=30,
                       boot_max_s=30, period_s=period)
    sim = group(spec, duration=460, tick_s=0.5)
    sim.advance(5)
    sim.apply(knob(sim, "asg.desired", 4))
    sim.run()
    assert sim.autoscaler is not None
    ins = [h.t for h in sim.autoscaler.history if h.new < h.old]
    assert ins and ins[0] == (360.0 if policy == "step" else 450.0)


def test_target_tracking_does_not_count_warming_instances_as_current_capacity():
    """2 boxes at 65 % CPU, target 50 %, a 300 s warm-up, 60-s boots. By hand (AWS): 3 periods
    above the target at 60, 120, 180 s: ceil(2 × 65/50) = 3 at 180 s. At 240 s the reading
    (180-240 s, the new box not serving yet) is still 65 %, but the new box is warming up: the
    formula scales the 2 warm ones, ceil(2 × 1.3) = 3 = desired, nothing more (counting it gave
    ceil(3 × 1.3) = 4)."""
    spec = ScalingSpec(min_size=1, max_size=10, desired=2, policy="target", target_cpu=50, warmup_s=300,
                       boot_min_s=60, boot_max_s=60)
    asg = ran(spec, 130.0, 300)
    assert changes(asg) == [(180.0, 2, 3)]
    assert asg.datapoints[3][1] > 50.0  # the 240-s reading still breached


def test_target_tracking_converges_on_the_target():
    # 20-s periods (and a boot of half a period, as AWS's 30 s is of its 60 s) and a half-second
    # tick: the 30 periods the policy needs to overshoot, come back and settle take 10 minutes
    period = 20.0
    steady_load = TrafficSpec(curve=((0.0, 240.0),), kinds=(KindMix("page", 1.0, 0.010),))
    spec = ScalingSpec(min_size=1, max_size=10, desired=1, policy="target", target_cpu=60.0, boot_min_s=10,
                       boot_max_s=10, period_s=period)
    sim = group(spec, traffic=steady_load, duration=30 * period, tick_s=0.5)
    sim.run()
    asg = sim.autoscaler
    assert asg is not None
    # scale-out needs 3 periods above target; scale-in needs 15 below 90 % of it, so the
    # overshoot of the first periods (the metric still remembers the saturated period) is
    # taken back only 15 periods later
    ins = [h for h in asg.history if h.new < h.old]
    outs = [h for h in asg.history if h.new > h.old]
    assert outs[0].t == pytest.approx(3 * period)
    before = [h for h in outs if h.t < ins[0].t]
    assert ins and ins[0].t - before[-1].t >= 15 * period - 0.01
    # 2.4 workers of demand at 60 % each needs ceil(2.4 / 0.6) = 4 boxes
    assert asg.desired in (4, 5)
    assert 45.0 <= asg.datapoints[-1][1] <= 70.0


def test_group_settings_change_mid_run_and_bad_ones_are_refused():
    sim = group(TUTORIAL, traffic=steady(5.0, 0.01), duration=300)
    sim.advance(10)
    sim.apply(knob(sim, "asg.desired", 3))
    assert sim.autoscaler is not None and sim.autoscaler.desired == 3
    with pytest.raises(CommandError) as outside:
        sim.apply(knob(sim, "asg.desired", 9))
    assert outside.value.code == "asg_desired_outside" and outside.value.params["desired"] == 9
    with pytest.raises(CommandError) as crossed:
        sim.apply(knob(sim, "asg.scale_in_cpu", 50))
    assert crossed.value.code == "asg_thresholds_crossed"
    sim.apply(knob(sim, "asg.schedule", "3@200"))
    sim.run()
    sched = [h for h in sim.autoscaler.history if h.cause == "scheduled"]
    assert len(sched) == 1 and sched[0].t == 200.0 and sched[0].new == 3


def test_an_alarm_period_longer_than_the_trimmed_history_still_reads_the_whole_period(monkeypatch):
    """Without an autoscaler old windows are dropped; with one they stay, because an alarm may
    average a period set as long as a day (a real monitor keeps its history)."""
    from scaleout_tui.engine import metrics

    monkeypatch.setattr(metrics, "WINDOWS_KEPT", 20)
    long = ScalingSpec(min_size=1, max_size=1, desired=1, policy="simple", period_s=120,
                       evaluation_periods=1, datapoints_to_alarm=1, scale_out_cpu=90, scale_in_cpu=1,
                       cooldown_s=300, boot_min_s=30, boot_max_s=90)
    sim = group(long, traffic=steady(20.0, 0.01), duration=200)
    sim.run()
    assert sim.autoscaler is not None
    assert len(sim.metrics.windows) == sim.metrics.closed == 200
    wins = sim.metrics.windows[-120:]
    by_hand = 100.0 * sum(float(w.busy[0]) for w in wins) / sum(float(w.capacity[0]) for w in wins)
    assert sim.autoscaler.monitor.average_cpu(120.0, sim.autoscaler.spec.warmup_s) == pytest.approx(by_hand)
    assert 15.0 < by_hand < 25.0  # 20 req/s × 10 ms on one vCPU: 20 % busy


def test_a_step_breach_is_worded_in_rounded_percentage_points():
    """Issue 13: the debrief printed "CPU 73 % is 3.22344 % over 70 %"; a breach of a CPU
    threshold is a difference of percentages, so it reads in points, rounded to a tenth."""
    from scaleout_tui.game.texts import scaling_cause

    line = scaling_cause("step_out", {"metric": "cpu", "value": 73.22344, "threshold": 70.0,
                                      "breach": 3.22344, "m": 3, "n": 3, "adj": 1})
    assert line == "CPU 73 % is 3.2 points over 70 % for 3 of 3 periods → +1"
    target = scaling_cause("target_in", {"metric": "cpu", "value": 20.0, "below": 100 / 3 * 0.9,
                                         "want": 2})
    assert "30 %" in target and "30.0000" not in target


def test_a_scheduled_window_raises_the_minimum_then_puts_it_back_and_the_policy_scales_in():
    """Hand-computed: min 2 → 40 at 1920 s (desired 40 with it), back to 2 at 2460 s (desired
    stays, as after AWS's second action); the idle group's target tracking, whose 15 periods
    below the target have long passed, then takes desired down to the minimum at its next
    period (2520 s, or 2460 s when it runs after the end at that same second)."""
    window = ScheduledAction(at=1920.0, min_size=40, desired=40, until=2460.0)
    spec = ScalingSpec(min_size=2, max_size=60, desired=2, policy="target", target_cpu=50, warmup_s=0,
                       scheduled=(window,))
    asg = ran(spec, None, 2700)
    assert asg.limits == [(1920.0, 40, 60, "scheduled"), (2460.0, 2, 60, "scheduled_end")]
    assert asg.history[0].t == 1920.0 and (asg.history[0].old, asg.history[0].new) == (2, 40)
    assert asg.history[0].cause == "scheduled" and asg.history[0].params["until"] == 2460.0
    after = asg.history[1]
    assert (after.old, after.new, after.cause) == (40, 2, "target_in") and after.t in (2460.0, 2520.0)
    assert asg.spec.min_size == 2 and asg.desired == 2
    desired = asg.samples["desired"]
    assert desired[1919] == 2 and desired[1921] == 40 and desired[2459] == 40 and desired[2600] == 2


def test_a_window_ends_on_the_minimum_it_found_and_a_knob_can_schedule_one():
    spec = ScalingSpec(min_size=3, max_size=8, desired=3, policy="none", scheduled=())
    sim = group(spec, duration=600)
    sim.advance(10)
    sim.apply(knob(sim, "asg.schedule", "6@200-400"))
    sim.run()
    asg = sim.autoscaler
    assert asg is not None
    assert asg.limits == [(200.0, 6, 8, "scheduled"), (400.0, 3, 8, "scheduled_end")]
    # no policy: desired stays at 6 once the floor is back at 3, as in the cloud
    assert asg.desired == 6 and [(h.t, h.new) for h in asg.history] == [(200.0, 6)]
    ends = [e for e in sim.log if e.code == "scheduled_limits"]
    assert [(e.t, e.params["old_min"], e.params["min"]) for e in ends] == [(200.0, 3, 6), (400.0, 6, 3)]
