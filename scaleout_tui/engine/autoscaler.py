"""An auto scaling group: a fleet that grows and shrinks by itself.

What it models, with the defaults real systems use:

* **The group**: ``min ≤ desired ≤ max``. Instances come from a launch template (size,
  boot time drawn from 30-90 s, then app warm-up) and join the balancer only after a
  passing health check. Scale-in deregisters an instance, drains it for the
  deregistration delay, then terminates it. Cost runs from boot to termination.
* **Metrics like a cloud monitor**: average CPU of the in-service instances,
  aggregated per period (60 s). Instances still warming up are left out, as step and
  target-tracking policies do, so a booting box does not drag the average down.
* **Alarms**: a threshold breached in ``M`` of the last ``N`` periods.
* **Policies**:
  - *simple*: alarm → adjust by a fixed step, then a cooldown (AWS default 300 s) during
    which nothing else happens;
  - *hpa* (Kubernetes): every 15 s, ``desired = ceil(current × metric / target)``, no
    action within a 0.1 tolerance, and scale-down uses the highest recommendation of the
    last 300 s (stabilisation), so a dip does not shrink the fleet;
  - *scheduled actions* set min/max/desired at a clock time, ignoring any cooldown.
* **Health replacement**: an instance the balancer marks unhealthy is replaced once it
  is past the health-check grace period.
* **History**: every capacity change with its time and cause, as the console keeps it.
"""

from __future__ import annotations

import math
from collections.abc import Generator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import simpy

if TYPE_CHECKING:
    from scaleout_tui.engine.fleet import Box
    from scaleout_tui.engine.simulation import Simulation

POLICIES: tuple[str, ...] = ("none", "simple", "hpa")


@dataclass(frozen=True, slots=True)
class ScheduledAction:
    at: float
    min_size: int | None = None
    max_size: int | None = None
    desired: int | None = None


@dataclass(frozen=True, slots=True)
class ScalingSpec:
    min_size: int = 1
    max_size: int = 4
    desired: int = 1
    policy: str = "simple"
    # metric and alarm (simple policy)
    period_s: float = 60.0
    evaluation_periods: int = 1       # N
    datapoints_to_alarm: int = 1      # M
    scale_out_cpu: float = 10.0       # % average CPU
    scale_in_cpu: float = 5.0
    step_out: int = 1
    step_in: int = 1
    cooldown_s: float = 300.0
    # hpa
    target_cpu: float = 60.0
    tolerance: float = 0.1
    sync_s: float = 15.0
    stabilization_s: float = 300.0
    # launch template and group
    boot_min_s: float = 30.0
    boot_max_s: float = 90.0
    warmup_s: float = 0.0
    health_check_grace_s: float = 300.0
    scheduled: tuple[ScheduledAction, ...] = ()


@dataclass(slots=True)
class Change:
    t: float
    old: int
    new: int
    cause: str


@dataclass
class AutoScaler:
    sim: Simulation
    spec: ScalingSpec
    rng: np.random.Generator
    desired: int = 0
    history: list[Change] = field(default_factory=list)
    datapoints: list[tuple[float, float]] = field(default_factory=list)
    cooldown_until: float = -1.0
    launched_at: dict[str, float] = field(default_factory=dict)
    _recommendations: list[tuple[float, int]] = field(default_factory=list)

    def start(self) -> None:
        self.desired = self.spec.desired
        env = self.sim.env
        if self.spec.policy == "simple":
            env.process(self._alarm_loop())
        elif self.spec.policy == "hpa":
            env.process(self._hpa_loop())
        for action in self.spec.scheduled:
            env.process(self._scheduled(action))
        env.process(self._health_loop())

    # ---- the metric ---------------------------------------------------------------
    def in_service(self) -> list[Box]:
        return [b for b in self.sim.boxes if b.serves_web and b.state == "running"
                and b.name in self.sim.registered and not self._draining(b)]

    def _draining(self, box: Box) -> bool:
        h = self.sim.health.health.get(box.name) if self.sim.health else None
        return h is not None and h.status == "draining"

    def average_cpu(self, span_s: float) -> float:
        """Average CPU % over the last ``span_s`` of the in-service instances that are
        past their warm-up."""
        now = self.sim.env.now
        warm = self.spec.warmup_s
        boxes = [b for b in self.in_service() if now - self.launched_at.get(b.name, -1e9) >= warm]
        if not boxes:
            return 0.0
        idx = [b.index for b in boxes]
        wins = self.sim.metrics.windows[-max(round(span_s), 1):]
        busy = sum(float(w.busy[[i for i in idx if i < w.busy.size]].sum()) for w in wins)
        cap = sum(float(w.capacity[[i for i in idx if i < w.capacity.size]].sum()) for w in wins)
        return 100.0 * busy / cap if cap > 0 else 0.0

    # ---- decisions ----------------------------------------------------------------
    def set_desired(self, n: int, cause: str) -> None:
        n = max(self.spec.min_size, min(self.spec.max_size, n))
        if n == self.desired:
            return
        self.history.append(Change(self.sim.env.now, self.desired, n, cause))
        self.sim.emit_scaling(self.desired, n, cause)
        self.desired = n
        self.sim.resize_fleet(n)

    def _alarm_loop(self) -> Generator[simpy.Event, Any, None]:
        spec = self.spec
        env = self.sim.env
        while True:
            yield env.timeout(spec.period_s)
            cpu = self.average_cpu(spec.period_s)
            self.datapoints.append((env.now, cpu))
            last = [v for _, v in self.datapoints[-spec.evaluation_periods:]]
            high = sum(v >= spec.scale_out_cpu for v in last) >= spec.datapoints_to_alarm
            low = sum(v <= spec.scale_in_cpu for v in last) >= spec.datapoints_to_alarm
            if env.now < self.cooldown_until:
                continue
            m, n = spec.datapoints_to_alarm, spec.evaluation_periods
            if high:
                cause = f"CPU {cpu:.0f} % ≥ {spec.scale_out_cpu:g} % for {m} of {n} periods"
                before = self.desired
                self.set_desired(self.desired + spec.step_out, cause)
                if self.desired != before:
                    self.cooldown_until = env.now + spec.cooldown_s
            elif low:
                cause = f"CPU {cpu:.0f} % ≤ {spec.scale_in_cpu:g} % for {m} of {n} periods"
                before = self.desired
                self.set_desired(self.desired - spec.step_in, cause)
                if self.desired != before:
                    self.cooldown_until = env.now + spec.cooldown_s

    def hpa_desired(self, current: int, metric: float) -> int:
        """Kubernetes' rule: ceil(current × metric / target), unless within tolerance."""
        ratio = metric / self.spec.target_cpu
        if abs(ratio - 1.0) <= self.spec.tolerance:
            return current
        return math.ceil(current * ratio)

    def _hpa_loop(self) -> Generator[simpy.Event, Any, None]:
        spec = self.spec
        env = self.sim.env
        while True:
            yield env.timeout(spec.sync_s)
            current = len(self.in_service()) or self.desired
            cpu = self.average_cpu(spec.sync_s)
            want = self.hpa_desired(current, cpu)
            self._recommendations.append((env.now, want))
            horizon = env.now - spec.stabilization_s
            self._recommendations = [(t, r) for t, r in self._recommendations if t >= horizon]
            if want < self.desired:
                # scale down only to the highest recommendation of the window
                want = max(r for _, r in self._recommendations)
            cause = f"HPA: CPU {cpu:.0f} % vs target {spec.target_cpu:g} % → {want}"
            self.set_desired(want, cause)

    def _scheduled(self, a: ScheduledAction) -> Generator[simpy.Event, Any, None]:
        yield self.sim.env.timeout(a.at)
        spec = self.spec
        if a.min_size is not None or a.max_size is not None:
            from dataclasses import replace
            self.spec = replace(spec, min_size=a.min_size if a.min_size is not None else spec.min_size,
                                max_size=a.max_size if a.max_size is not None else spec.max_size)
        target = a.desired if a.desired is not None else self.desired
        self.set_desired(max(self.spec.min_size, min(self.spec.max_size, target)), "scheduled action")

    def _health_loop(self) -> Generator[simpy.Event, Any, None]:
        """Replace instances the balancer marks unhealthy, once past the grace period."""
        env = self.sim.env
        while True:
            yield env.timeout(5.0)
            health = self.sim.health.health if self.sim.health else {}
            for b in self.in_service():
                h = health.get(b.name)
                born = self.launched_at.get(b.name, 0.0)
                graced = env.now - born >= self.spec.health_check_grace_s
                if h is not None and h.status == "unhealthy" and graced:
                    cause = f"replace unhealthy {b.name}"
                    self.history.append(Change(env.now, self.desired, self.desired, cause))
                    self.sim.replace_instance(b)

    def boot_time(self) -> float:
        return float(self.rng.uniform(self.spec.boot_min_s, self.spec.boot_max_s))
