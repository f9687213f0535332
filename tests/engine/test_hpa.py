"""The HPA's arithmetic (``engine/hpa.py``) against cases worked out by hand from Kubernetes'
rules: the replica calculator (``replica_calculator.go``) and the behaviour's stabilisation and
rate limits (``horizontal.go``). No simulation: made-up readings, exact answers."""

from __future__ import annotations

from scaleout_tui.engine import hpa
from scaleout_tui.engine.autoscaler_spec import HpaBehavior, HpaPolicy, HpaRules

DEFAULT = HpaBehavior()


def sync(memory: hpa.Memory, current: int, raw: int, now: float, behavior: HpaBehavior = DEFAULT,
         window_s: float = 300.0, low: int = 1, high: int = 100) -> int:
    return hpa.normalize(current, raw, now, behavior, window_s, low, high, memory)[1]


# ---- the replica count -----------------------------------------------------------------------
def test_all_ready_is_the_plain_formula_and_the_tolerance_holds():
    # ceil(2 × 80 / 50) = ceil(3.2) = 4; 53/50 = 1.06 is within 0.1 of 1: no change
    assert hpa.replicas_for(2, [80.0, 80.0], 0, 0, 50.0, 0.1) == 4
    assert hpa.replicas_for(3, [53.0, 53.0, 53.0], 0, 0, 50.0, 0.1) == 3
    assert hpa.replicas_for(10, [5.0] * 10, 0, 0, 50.0, 0.1) == 1


def test_the_count_uses_the_ready_pods_not_the_replicas():
    """4 replicas, 2 ready at 40 % and 2 not ready, target 50: 40/50 = 0.8 asks for a scale-down,
    so the unready pods are simply left out: ceil(0.8 × 2) = 2 (the stabilisation window then
    keeps the 4)."""
    assert hpa.replicas_for(4, [40.0, 40.0], 2, 0, 50.0, 0.1) == 2


def test_unready_pods_count_as_idle_on_a_scale_up():
    """2 ready pods at 80 % and 2 just launched (not ready), target 50. The ready pods alone say
    1.6; with the 2 new ones at 0 %: (80 + 80 + 0 + 0) / 4 = 40, 0.8 — the direction flips, so
    nothing changes: 4, not ceil(1.6 × 4) = 7."""
    assert hpa.replicas_for(4, [80.0, 80.0], 2, 0, 50.0, 0.1) == 4
    # a load that still needs more with the new pods idle: (100+100+0)/3 = 66.7 → ceil(1.33 × 3) = 4
    assert hpa.replicas_for(3, [100.0, 100.0], 1, 0, 50.0, 0.1) == 4


def test_missing_pods_count_as_idle_up_and_full_down():
    # up: 90/30 = 3 asks for more; with the missing pod at 0 %: (90 + 0) / 2 = 45 → 1.5 → ceil(3.0) = 3
    assert hpa.replicas_for(2, [90.0], 0, 1, 30.0, 0.1) == 3
    assert hpa.replicas_for(2, [60.0], 0, 1, 50.0, 0.1) == 2  # (60 + 0)/2 = 30: flips to down → keep 2
    # down: 3 ready at 40 % and 1 missing, target 50: (40×3 + 100) / 4 = 55 → 1.1, within tolerance
    assert hpa.replicas_for(4, [40.0, 40.0, 40.0], 0, 1, 50.0, 0.1) == 4
    # down: 3 ready at 10 % and 1 missing: (30 + 100) / 4 = 32.5 → 0.65 → ceil(2.6) = 3
    assert hpa.replicas_for(4, [10.0, 10.0, 10.0], 0, 1, 50.0, 0.1) == 3


def test_no_ready_pod_means_no_decision():
    assert hpa.replicas_for(3, [], 3, 0, 50.0, 0.1) == 3


# ---- the default behaviour ---------------------------------------------------------------------
def test_one_saturated_pod_at_a_10_percent_target_goes_to_5_not_10():
    """100/10 asks for 10; the default scale-up allows max(1 + 4 pods, 1 × 200 %) = 5 per 15 s."""
    memory = hpa.Memory()
    assert hpa.replicas_for(1, [100.0], 0, 0, 10.0, 0.1) == 10
    assert hpa.normalize(1, 10, 15.0, DEFAULT, 300.0, 1, 100, memory) == (10, 5, True)
    # 15 s later the period has rolled over: max(5 + 4, 5 × 2) = 10
    assert sync(memory, 5, 10, 30.0) == 10


def test_a_big_fleet_doubles_at_most():
    memory = hpa.Memory()
    assert sync(memory, 10, 50, 15.0) == 20  # max(10 + 4, 20)
    assert sync(memory, 20, 50, 20.0) == 20  # same 15-s period: the period began at 10 → 20 already


def test_scale_down_waits_for_the_300_s_window_then_may_drop_at_once():
    """A recommendation of 10 at 0 s, then 2 from 15 s on. The window holds the highest of the last
    300 s: 10 until the 0-s sample is older than 300 s, i.e. up to 300 s itself (a sample counts
    while ``t > now - 300``); at 300 s it is out, and the default policy (100 % per 15 s) lets the
    count fall straight to 2."""
    memory = hpa.Memory()
    assert sync(memory, 10, 10, 0.0) == 10
    history = [(t, sync(memory, 10, 2, t)) for t in range(15, 300, 15)]
    assert all(n == 10 for _, n in history)
    assert sync(memory, 10, 2, 300.0) == 2


def test_scale_down_is_held_to_a_custom_pods_policy_after_the_window():
    """Scale-down at most 2 pods per 60 s, window 120 s. Recommendation 10 at 0 s, then 1.
    At 120 s the 0-s sample is out: 10 → 8 (limited). Within 60 s of that nothing more
    (the period began at 10: 10 - 2 = 8). At 180 s the event is a period old: 8 → 6; 240 s → 4;
    300 s → 2; 360 s → 1 (the recommendation, no longer limited)."""
    down = HpaRules(policies=(HpaPolicy("Pods", 2, 60.0),), stabilization_s=120.0)
    behavior = HpaBehavior(scale_down=down)
    memory = hpa.Memory()
    current = sync(memory, 10, 10, 0.0, behavior)
    seen = {}
    for t in range(15, 375, 15):
        current = sync(memory, current, 1, float(t), behavior)
        seen[t] = current
    assert all(seen[t] == 10 for t in range(15, 120, 15))
    assert [seen[t] for t in (120, 165, 180, 240, 300, 360)] == [8, 8, 6, 4, 2, 1]


def test_a_custom_scale_up_pods_policy_and_select_min():
    """Up by at most 1 pod per 30 s, or 50 % per 30 s, the smaller (Min): from 4, min(5, 6) = 5;
    the next sync 15 s later is in the same period (began at 4): min(5, 6) = 5, no change; at
    45 s the first event is a period old: min(6, ceil(7.5)) = 6."""
    up = HpaRules(policies=(HpaPolicy("Pods", 1, 30.0), HpaPolicy("Percent", 50, 30.0)), select_policy="Min")
    behavior = HpaBehavior(scale_up=up)
    memory = hpa.Memory()
    assert hpa.normalize(4, 12, 15.0, behavior, 300.0, 1, 100, memory) == (12, 5, True)
    assert sync(memory, 5, 12, 30.0, behavior) == 5
    assert sync(memory, 5, 12, 45.0, behavior) == 6


def test_a_disabled_direction_never_moves_and_the_group_limits_still_apply():
    off = HpaBehavior(scale_down=HpaRules(select_policy="Disabled"))
    assert sync(hpa.Memory(), 6, 1, 400.0, off) == 6
    assert sync(hpa.Memory(), 2, 10, 15.0, high=3) == 3  # the group's maximum, not a rate limit
    assert hpa.normalize(2, 10, 15.0, DEFAULT, 300.0, 1, 3, hpa.Memory())[2] is False


def test_an_up_stabilisation_window_takes_the_lowest_recent_recommendation():
    up = HpaRules(stabilization_s=60.0)
    behavior = HpaBehavior(scale_up=up)
    memory = hpa.Memory()
    assert sync(memory, 2, 3, 0.0, behavior) == 3
    assert sync(memory, 3, 8, 15.0, behavior) == 3  # the lowest of the last 60 s is 3
    assert sync(memory, 3, 8, 60.0, behavior) == 7  # the 3 at 0 s is out; rate limit max(3+4, 6) = 7
