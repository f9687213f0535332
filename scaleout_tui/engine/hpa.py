"""The arithmetic of Kubernetes' Horizontal Pod Autoscaler, as pure functions.

Why apart from :mod:`autoscaler`: the HPA's rules are exact integer arithmetic that a person can
check by hand, and they are easiest to trust when they can be tested with made-up readings, with
no simulation around them. :class:`~scaleout_tui.engine.autoscaler_metrics.Monitor` sorts the
boxes into pods (ready, unready, missing), the autoscaler keeps the history; these functions decide.

What they follow (the controller's ``replica_calculator.go`` and ``horizontal.go``):

* **The replica count** (:func:`replicas_for`): ``ceil(ready × utilisation / target)``, nothing
  within the tolerance. Pods not ready yet (booting, or within the 5-minute CPU initialisation
  period and not ready for a full metric window) are set aside; when the ready pods ask for a
  scale-up, they count as using 0 %. Pods without metrics count as 0 % for a scale-up and 100 %
  for a scale-down. If that flips the direction, or lands within the tolerance, nothing changes.
  So a box that joined at the last sync cannot double-count the load it has not taken yet.
* **Stabilisation** (:func:`stabilized`): the result is held between the lowest recommendation
  of the scale-up window and the highest of the scale-down window (0 s and 300 s by default).
* **Rate limits** (:func:`rate_limited`): per direction, each policy allows a change of ``value``
  pods, or ``value`` % of the replicas the period started with, per ``period_s``; ``Max`` takes the
  most generous, ``Min`` the least, ``Disabled`` none. The defaults let a scale-up go to the larger
  of +4 pods and +100 % per 15 s, and a scale-down remove everything per 15 s.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

from scaleout_tui.engine.autoscaler_spec import (
    HPA_DOWN_POLICIES,
    HPA_UP_POLICIES,
    HpaBehavior,
    HpaPolicy,
    HpaRules,
)

#: ``--horizontal-pod-autoscaler-cpu-initialization-period``: how long after a pod starts its CPU
#: counts only once it has been ready for a full metric window
CPU_INITIALIZATION_S = 300.0
#: ``--horizontal-pod-autoscaler-initial-readiness-delay``: a pod not ready after this long past
#: its start has simply never been ready (its CPU is not counted)
INITIAL_READINESS_DELAY_S = 30.0

#: (time, replicas added or removed): the scale events the rate limits look back on
Event = tuple[float, int]


def replicas_for(current: int, ready: Sequence[float], unready: int, missing: int, target: float,
                 tolerance: float) -> int:
    """The replica count for ``ready`` pods' utilisations (% of their request), given ``unready``
    pods set aside and ``missing`` pods without metrics (``GetResourceReplicas``). ``current`` is the
    replica count now, returned when nothing should change (or no ready pod has a reading)."""
    if not ready:
        return current  # Kubernetes reports an error and leaves the count alone
    ratio = sum(ready) / len(ready) / target
    up_with_unready = unready > 0 and ratio > 1.0
    if not up_with_unready and missing == 0:
        if abs(1.0 - ratio) <= tolerance:
            return current
        return math.ceil(ratio * len(ready))
    values = list(ready)
    if missing and ratio < 1.0:
        values += [max(100.0, target)] * missing
    elif missing and ratio > 1.0:
        values += [0.0] * missing
    if up_with_unready:
        values += [0.0] * unready
    new = sum(values) / len(values) / target
    if abs(1.0 - new) <= tolerance or (ratio < 1.0 < new) or (ratio > 1.0 > new):
        return current
    want = math.ceil(new * len(values))
    if (new < 1.0 and want > current) or (new > 1.0 and want < current):
        return current
    return want


def stabilized(current: int, raw: int, recent: Sequence[tuple[float, int]], now: float,
               up_window_s: float, down_window_s: float) -> int:
    """``raw`` held between the lowest recommendation of the last ``up_window_s`` and the highest
    of the last ``down_window_s`` (``raw`` included), starting from ``current``."""
    up = min([r for t, r in recent if t > now - up_window_s] + [raw])
    down = max([r for t, r in recent if t > now - down_window_s] + [raw])
    return min(max(current, up), down)


def _changed_within(events: Sequence[Event], period_s: float, now: float) -> int:
    return sum(n for t, n in events if t > now - period_s)


def _period_start(current: int, policy: HpaPolicy, ups: Sequence[Event], downs: Sequence[Event],
                  now: float) -> int:
    """The replica count when the policy's period began: now, less what was added within it,
    plus what was removed."""
    return current - _changed_within(ups, policy.period_s, now) + _changed_within(downs, policy.period_s, now)


def up_limit(current: int, rules: HpaRules, ups: Sequence[Event], downs: Sequence[Event], now: float) -> int:
    """The most replicas a scale-up may reach now (``calculateScaleUpLimitWithScalingRules``)."""
    if rules.select_policy == "Disabled":
        return current
    proposals = []
    for p in rules.policies or HPA_UP_POLICIES:
        start = _period_start(current, p, ups, downs, now)
        proposals.append(start + p.value if p.type == "Pods" else math.ceil(start * (1 + p.value / 100)))
    return min(proposals) if rules.select_policy == "Min" else max(proposals)


def down_limit(current: int, rules: HpaRules, ups: Sequence[Event], downs: Sequence[Event],
               now: float) -> int:
    """The fewest replicas a scale-down may reach now (``calculateScaleDownLimitWithBehaviors``)."""
    if rules.select_policy == "Disabled":
        return current
    proposals = []
    for p in rules.policies or HPA_DOWN_POLICIES:
        start = _period_start(current, p, ups, downs, now)
        proposals.append(start - p.value if p.type == "Pods" else math.floor(start * (1 - p.value / 100)))
    return max(proposals) if rules.select_policy == "Min" else min(proposals)


def rate_limited(desired: int, current: int, low: int, high: int, up: HpaRules, down: HpaRules,
                 ups: Sequence[Event], downs: Sequence[Event], now: float) -> tuple[int, bool]:
    """``desired`` within the group's limits ``low``..``high`` and the behaviour's rate limits
    (``convertDesiredReplicasWithBehaviorRate``); and whether a rate limit cut it."""
    if desired > current:
        limit = max(up_limit(current, up, ups, downs, now), current)
        if limit < high and desired > limit:
            return limit, True
        return min(desired, high), False
    if desired < current:
        limit = min(down_limit(current, down, ups, downs, now), current)
        if limit > low and desired < limit:
            return limit, True
        return max(desired, low), False
    return desired, False


@dataclass
class Memory:
    """What the controller remembers between syncs: its raw recommendations (for stabilisation)
    and the scale events it made (for the rate limits)."""

    recommendations: list[tuple[float, int]] = field(default_factory=list)
    ups: list[Event] = field(default_factory=list)
    downs: list[Event] = field(default_factory=list)
    #: whether the controller has synced this HPA before (see :func:`first_look`)
    seen: bool = False


def first_look(memory: Memory, now: float, current: int) -> None:
    """The controller's first sync of an HPA records the replica count it finds as a
    recommendation (``recordInitialRecommendation``), before it reads any metric. So a new HPA
    over an idle Deployment keeps its replicas until that sample leaves the scale-down window
    (five minutes by default), rather than dropping to the minimum at its first sync."""
    if not memory.seen:
        memory.recommendations.append((now, current))
        memory.seen = True


def normalize(current: int, raw: int, now: float, behavior: HpaBehavior, down_window_s: float, low: int,
              high: int, memory: Memory) -> tuple[int, int, bool]:
    """One sync's decision after the replica count (``normalizeDesiredReplicasWithBehaviors``):
    ``raw`` stabilised, then rate-limited; ``memory`` learns the recommendation and the scale
    event. Returns (stabilised, new replica count, whether a rate limit cut it).
    ``down_window_s`` is the controller's scale-down window, for rules that set none."""
    up, down = behavior.scale_up, behavior.scale_down
    up_s = up.stabilization_s if up.stabilization_s is not None else 0.0
    down_s = down.stabilization_s if down.stabilization_s is not None else down_window_s
    want = stabilized(current, raw, memory.recommendations, now, up_s, down_s)
    memory.recommendations = [(t, r) for t, r in memory.recommendations if t > now - max(up_s, down_s)]
    memory.recommendations.append((now, raw))
    new, limited = rate_limited(want, current, low, high, up, down, memory.ups, memory.downs, now)
    if new != current:
        (memory.ups if new > current else memory.downs).append((now, abs(new - current)))
    longest = max(p.period_s for p in (up.policies or HPA_UP_POLICIES) + (down.policies or HPA_DOWN_POLICIES))
    memory.ups = [(t, n) for t, n in memory.ups if t > now - longest]
    memory.downs = [(t, n) for t, n in memory.downs if t > now - longest]
    return want, new, limited
