"""An auto scaling group: a fleet that grows and shrinks by itself.

What it models, with the defaults real systems use:

* **The group**: ``min ≤ desired ≤ max``. Instances come from a launch template (size,
  boot time drawn from 30-90 s, then app warm-up) and join the balancer only after a
  passing health check. Scale-in deregisters an instance, drains it for the
  deregistration delay, then terminates it. Cost runs from boot to termination.
* **Metrics like a cloud monitor**, aggregated per period (60 s), one of:
  - ``cpu``: average CPU % of the in-service instances (ASGAverageCPUUtilization, and
    the HPA's resource metric);
  - ``requests``: requests the balancer sent to each target, per minute
    (ALBRequestCountPerTarget; AWS suggests a target tracked per minute);
  - ``latency``: the average response time in ms (TargetResponseTime, as a custom
    metric). Latency does not fall in proportion to added boxes the way CPU does, so the
    proportional formulas overshoot with it; real teams learn that the hard way.
  Instances still within the policy's warm-up are left out of ``cpu`` and ``requests``,
  as step and target-tracking policies do, so a booting box does not drag the average
  down.
* **App warm-up (the launch template)**: a new instance's first minutes are slow (cold
  caches, a JIT still compiling, connection pools filling): its service times start at
  ``cold_factor`` × normal and fall linearly to normal over ``app_warmup_s``. That is
  the reality the policy's ``warmup_s`` should match; set it shorter and the hot, cold
  boxes count towards the metric and the group over-scales.
* **Alarms**: a threshold breached in ``M`` of the last ``N`` periods.
* **Policies**:
  - *simple*: alarm → adjust by a fixed step, then a cooldown (AWS default 300 s) during
    which nothing else happens;
  - *step*: the adjustment grows with the size of the breach (e.g. +1 at 0-20 points
    over the threshold, +2 at 20-40, +3 beyond), with no cooldown: capacity still
    warming up counts as already added, so a breach that lasts does not pile up launches;
  - *target* (target tracking): keep the metric at a target: scale out when 3 periods in
    a row are above it, in when 15 in a row are below 90 % of it (scale-in is kept
    deliberately slow), in both cases to ``ceil(current × metric / target)``;
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
from collections.abc import Callable, Generator
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

import numpy as np
import simpy

if TYPE_CHECKING:
    from scaleout_tui.engine.fleet import Box
    from scaleout_tui.engine.metrics import Window
    from scaleout_tui.engine.simulation import Simulation

POLICIES: tuple[str, ...] = ("none", "simple", "step", "target", "hpa")
METRICS: tuple[str, ...] = ("cpu", "requests", "latency")


def clock(t: float) -> str:
    """mm:ss of simulated time, for the causes the history records."""
    return f"{int(t) // 60:02d}:{int(t) % 60:02d}"


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
    metric: str = "cpu"               # cpu | requests | latency (see METRICS)
    scale_out_cpu: float = 10.0       # % average CPU
    scale_in_cpu: float = 5.0
    scale_out_requests: float = 1000.0  # requests per target per minute
    scale_in_requests: float = 300.0
    scale_out_latency_ms: float = 250.0  # average response time
    scale_in_latency_ms: float = 50.0
    step_out: int = 1
    step_in: int = 1
    cooldown_s: float = 300.0
    # step: (breach over scale_out_cpu in CPU points, adjustment), breach ascending
    steps: tuple[tuple[float, int], ...] = ((0.0, 1), (20.0, 2), (40.0, 3))
    # target tracking and hpa
    target_cpu: float = 60.0
    target_requests: float = 1000.0
    target_latency_ms: float = 200.0
    tolerance: float = 0.1
    sync_s: float = 15.0
    stabilization_s: float = 300.0
    # launch template and group
    boot_min_s: float = 30.0
    boot_max_s: float = 90.0
    warmup_s: float = 0.0             # the policy's instance warm-up: left out of the metric
    app_warmup_s: float = 0.0         # the app's real warm-up: slow first requests
    cold_factor: float = 1.0          # service time multiplier of a just-booted app
    health_check_grace_s: float = 300.0
    scheduled: tuple[ScheduledAction, ...] = ()

    def _of_metric(self, cpu: float, requests: float, latency: float) -> float:
        return {"cpu": cpu, "requests": requests, "latency": latency}[self.metric]

    @property
    def scale_out_at(self) -> float:
        """The scale-out threshold of the chosen metric, in its own unit."""
        return self._of_metric(self.scale_out_cpu, self.scale_out_requests, self.scale_out_latency_ms)

    @property
    def scale_in_at(self) -> float:
        return self._of_metric(self.scale_in_cpu, self.scale_in_requests, self.scale_in_latency_ms)

    @property
    def target(self) -> float:
        """The value target tracking and the HPA keep the chosen metric at."""
        return self._of_metric(self.target_cpu, self.target_requests, self.target_latency_ms)


def show_metric(metric: str, value: float) -> str:
    """A metric's reading as the history and the event log say it."""
    if metric == "requests":
        return f"{value:,.0f} req/target/min"
    if metric == "latency":
        return f"latency {value:,.0f} ms"
    return f"CPU {value:.0f} %"


def show_threshold(metric: str, value: float) -> str:
    if metric == "requests":
        return f"{value:,.0f}"
    if metric == "latency":
        return f"{value:,.0f} ms"
    return f"{value:g} %"


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
    _generation: int = 0
    _step_until: float = -1.0   # step policy: launches still warming up
    _step_target: int = 0
    _sent_mark: Any = None       # balancer dispatch counts at the last requests reading
    _sent_at: float = 0.0

    def start(self) -> None:
        self.desired = self.spec.desired
        for action in self.spec.scheduled:
            self.sim.env.process(self._scheduled(action))
        self.sim.env.process(self._health_loop())
        self._start_policy()

    def _start_policy(self) -> None:
        env = self.sim.env
        gen = self._generation
        policy = self.spec.policy
        if policy == "hpa":
            env.process(self._every(gen, self.spec.sync_s, self._on_hpa, record=False))
            return
        act = {"simple": self._on_simple, "step": self._on_step, "target": self._on_target}.get(policy)
        if act is not None:
            env.process(self._every(gen, self.spec.period_s, act))

    def reconfigure(self, spec: ScalingSpec) -> None:
        """New settings: the policy's loop restarts (its alarm history is kept)."""
        self.spec = spec
        self._generation += 1
        self._start_policy()
        self.set_desired(self.desired, "limits changed")

    def add_schedule(self, action: ScheduledAction) -> None:
        self.sim.env.process(self._scheduled(action, delay=max(action.at - self.sim.env.now, 0.0)))

    def _live(self, gen: int) -> bool:
        return gen == self._generation

    # ---- the metric ---------------------------------------------------------------
    def in_service(self) -> list[Box]:
        return [b for b in self.sim.boxes if b.serves_web and b.state == "running"
                and b.name in self.sim.registered and not self._draining(b)]

    def _draining(self, box: Box) -> bool:
        h = self.sim.health.health.get(box.name) if self.sim.health else None
        return h is not None and h.status == "draining"

    def _warm(self) -> list[Box]:
        """In-service instances past the policy's warm-up: the ones the metric counts."""
        now = self.sim.env.now
        warm = self.spec.warmup_s
        return [b for b in self.in_service() if now - self.launched_at.get(b.name, -1e9) >= warm]

    def metric_value(self, span_s: float) -> float:
        """The chosen metric over the last ``span_s``."""
        metric = self.spec.metric
        if metric == "requests":
            return self.requests_per_target()
        if metric == "latency":
            return self.average_latency_ms(span_s)
        return self.average_cpu(span_s)

    def requests_per_target(self) -> float:
        """Requests per warm target per minute since the previous reading (the balancer's
        own count, like ALBRequestCountPerTarget)."""
        sent = self.sim.data.dispatched
        now = self.sim.env.now
        # boxes added since the last reading had sent nothing then
        mark = np.zeros(sent.size, dtype=sent.dtype)
        if self._sent_mark is not None:
            mark[: self._sent_mark.size] = self._sent_mark
        delta = sent - mark
        elapsed = now - self._sent_at
        self._sent_mark, self._sent_at = sent.copy(), now
        boxes = self._warm()
        if not boxes or elapsed <= 0:
            return 0.0
        total = float(sum(int(delta[b.index]) for b in boxes))
        return total / len(boxes) * 60.0 / elapsed

    def _recent_windows(self, span_s: float) -> list[Window]:
        """The closed metric windows of the last ``span_s`` (at least one)."""
        m = self.sim.metrics
        return m.windows[-max(round(span_s / m.window_s), 1):]

    def average_latency_ms(self, span_s: float) -> float:
        """Mean response time of the requests completed in the last ``span_s``."""
        wins = self._recent_windows(span_s)
        done = sum(w.completed for w in wins)
        return 1000.0 * sum(w.latency_sum for w in wins) / done if done else 0.0

    def average_cpu(self, span_s: float) -> float:
        """Average CPU % over the last ``span_s`` of the in-service instances that are
        past their warm-up."""
        boxes = self._warm()
        if not boxes:
            return 0.0
        idx = [b.index for b in boxes]
        wins = self._recent_windows(span_s)
        busy = sum(float(w.busy[[i for i in idx if i < w.busy.size]].sum()) for w in wins)
        cap = sum(float(w.capacity[[i for i in idx if i < w.capacity.size]].sum()) for w in wins)
        return 100.0 * busy / cap if cap > 0 else 0.0

    # ---- decisions ----------------------------------------------------------------
    def set_desired(self, n: int, cause: str) -> bool:
        """Clamp to the limits and act; returns whether the desired count changed."""
        n = max(self.spec.min_size, min(self.spec.max_size, n))
        if n == self.desired:
            return False
        self.history.append(Change(self.sim.env.now, self.desired, n, cause))
        self.sim.emit_scaling(self.desired, n, cause)
        self.desired = n
        self.sim.resize_fleet(n)
        return True

    def _datapoint(self, period_s: float) -> float:
        value = self.metric_value(period_s)
        self.datapoints.append((self.sim.env.now, value))
        return value

    def capacity(self) -> int:
        """In service plus on its way (booting): what a policy already counts on."""
        booting = sum(1 for b in self.sim._pending_boxes if b.name == "web-new")
        return len(self.in_service()) + booting

    def _every(self, gen: int, period: float,
               act: Callable[[float], None], record: bool = True) -> Generator[simpy.Event, Any, None]:
        """Every ``period`` seconds, read the metric and let ``act`` decide, until the
        policy is replaced (its generation changes)."""
        env = self.sim.env
        while self._live(gen):
            yield env.timeout(period)
            if not self._live(gen):
                return
            act(self._datapoint(period) if record else self.metric_value(period))

    def _alarms(self) -> tuple[bool, bool, str]:
        """(scale-out alarm, scale-in alarm, "M of N") over the last N datapoints."""
        spec = self.spec
        last = [v for _, v in self.datapoints[-spec.evaluation_periods:]]
        m = spec.datapoints_to_alarm
        high = sum(v >= spec.scale_out_at for v in last) >= m
        low = sum(v <= spec.scale_in_at for v in last) >= m
        return high, low, f"{m} of {spec.evaluation_periods}"

    def _on_step(self, value: float) -> None:
        spec = self.spec
        now = self.sim.env.now
        high, low, m_of_n = self._alarms()
        metric = spec.metric
        if high:
            breach = value - spec.scale_out_at
            adj = max((a for lo, a in spec.steps if breach >= lo), default=spec.step_out)
            want = self.capacity() + adj
            if now < self._step_until and want <= self._step_target:
                return  # capacity already on its way covers this breach
            self._step_target = want
            self._step_until = now + max(spec.warmup_s, spec.boot_max_s)
            why = (f"{show_metric(metric, value)} is {show_threshold(metric, breach)} over "
                   f"{show_threshold(metric, spec.scale_out_at)}")
            self.set_desired(want, f"{why} for {m_of_n} periods → +{adj}")
        elif low:
            self.set_desired(self.desired - spec.step_in,
                             f"{show_metric(metric, value)} ≤ {show_threshold(metric, spec.scale_in_at)} "
                             f"for {m_of_n} periods")

    def _on_target(self, value: float) -> None:
        spec = self.spec
        target, metric = spec.target, spec.metric
        vals = [v for _, v in self.datapoints]
        # the metric covers the boxes in service, so the formula scales *their* count
        current = max(len(self.in_service()), 1)
        want = math.ceil(current * value / target)
        if len(vals) >= 3 and all(v > target for v in vals[-3:]) and want > self.desired:
            self.set_desired(want, f"target tracking: {show_metric(metric, value)} > "
                                   f"{show_threshold(metric, target)} for 3 periods → {want}")
        elif (len(vals) >= 15 and all(v < 0.9 * target for v in vals[-15:])
              and want < self.desired):
            self.set_desired(want, f"target tracking: {show_metric(metric, value)}, below "
                                   f"{show_threshold(metric, 0.9 * target)} for 15 periods → {want}")

    def _on_simple(self, value: float) -> None:
        spec = self.spec
        now = self.sim.env.now
        if now < self.cooldown_until:
            return
        high, low, m_of_n = self._alarms()
        until = clock(now + spec.cooldown_s)
        reading = show_metric(spec.metric, value)
        if high:
            cause = (f"{reading} ≥ {show_threshold(spec.metric, spec.scale_out_at)} for {m_of_n} periods "
                     f"→ +{spec.step_out}, cooldown until {until}")
            if self.set_desired(self.desired + spec.step_out, cause):
                self.cooldown_until = now + spec.cooldown_s
        elif low:
            cause = (f"{reading} ≤ {show_threshold(spec.metric, spec.scale_in_at)} for {m_of_n} periods "
                     f"→ -{spec.step_in}, cooldown until {until}")
            if self.set_desired(self.desired - spec.step_in, cause):
                self.cooldown_until = now + spec.cooldown_s

    def hpa_desired(self, current: int, metric: float) -> int:
        """Kubernetes' rule: ceil(current × metric / target), unless within tolerance."""
        ratio = metric / self.spec.target
        if abs(ratio - 1.0) <= self.spec.tolerance:
            return current
        return math.ceil(current * ratio)

    def _on_hpa(self, value: float) -> None:
        spec = self.spec
        now = self.sim.env.now
        current = len(self.in_service()) or self.desired
        want = self.hpa_desired(current, value)
        self._recommendations.append((now, want))
        horizon = now - spec.stabilization_s
        self._recommendations = [(t, r) for t, r in self._recommendations if t >= horizon]
        if want < self.desired:
            # scale down only to the highest recommendation of the window
            want = max(r for _, r in self._recommendations)
        self.set_desired(want, f"HPA: {show_metric(spec.metric, value)} vs target "
                               f"{show_threshold(spec.metric, spec.target)} → {want}")

    def _scheduled(self, a: ScheduledAction, delay: float | None = None) -> Generator[simpy.Event, Any, None]:
        yield self.sim.env.timeout(a.at if delay is None else delay)
        spec = self.spec
        if a.min_size is not None or a.max_size is not None:
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
