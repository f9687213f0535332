"""An auto scaling group: a fleet that grows and shrinks by itself.

What it models, with the defaults real systems use:

* **The group**: ``min ≤ desired ≤ max``. Instances come from a launch template (size,
  boot time drawn from 30-90 s, then app warm-up) and join the balancer only after a
  passing health check. Scale-in deregisters an instance, drains it for the
  deregistration delay, then terminates it. Cost runs from boot to termination.
* **Metrics like a cloud monitor** (read by :mod:`autoscaler_metrics`), aggregated per period (60 s), one of:
  - ``cpu``: average CPU % of the in-service instances (ASGAverageCPUUtilization, and
    the HPA's resource metric);
  - ``requests``: requests the balancer sent to each target, per minute
    (ALBRequestCountPerTarget; AWS suggests a target tracked per minute);
  - ``latency``: the average response time in ms (TargetResponseTime, as a custom
    metric). Latency does not fall in proportion to added boxes the way CPU does, so the
    proportional formulas overshoot with it; real teams learn that the hard way.
  Instances still within the policy's warm-up are left out of ``cpu`` and ``requests``,
  as step and target-tracking policies do, so a booting box does not drag the average
  down. (The HPA sorts its pods by readiness instead: see :mod:`hpa`.)
* **App warm-up (the launch template)**: a new instance's first minutes are slow (cold
  caches, a JIT still compiling, connection pools filling): its service times start at
  ``cold_factor`` × normal and fall linearly to normal over ``app_warmup_s``. That is
  the reality the policy's ``warmup_s`` should match; set it shorter and the hot, cold
  boxes count towards the metric and the group over-scales.
* **Alarms**: a threshold breached in ``M`` of the last ``N`` periods.
* **Policies**:
  - *simple*: alarm → adjust by a fixed step; nothing else happens until that scaling
    activity has completed (its instances in service, or terminated after draining) and a
    cooldown (AWS default 300 s) after it has passed;
  - *step*: the adjustment grows with the size of the breach (e.g. +1 at 0-20 points
    over the threshold, +2 at 20-40, +3 beyond), with no cooldown. Instead, instances
    still booting or within their warm-up are not part of the current capacity the step
    is added to, while the desired count already holds them: so a breach that lasts adds
    nothing more, and a larger one adds only the difference. Scale-in waits until no
    instance is warming up;
  - *target* (target tracking): keep the metric at a target: scale out when 3 periods in
    a row are above it, in when 15 in a row are below 90 % of it (scale-in is kept
    deliberately slow), in both cases to ``ceil(warm × metric / target)`` where ``warm``
    counts the instances past their warm-up; with the same warm-up rules as *step*;
  - *hpa* (Kubernetes): every 15 s, ``ceil(ready × utilisation / target)`` over the ready
    pods, no action within a 0.1 tolerance, not-ready and metric-less pods set aside (see
    :mod:`hpa`), then the ``behavior``: stabilisation (scale-down uses the highest
    recommendation of the last 300 s, so a dip does not shrink the fleet) and the rate
    limits (by default up to the larger of +100 % and +4 pods per 15 s);
  - *scheduled actions* set min/max/desired at a clock time, ignoring any cooldown; one with
    an end (``until``) is the pair of actions AWS users write for a window: at the end the
    limits it set go back, and the policy scales the group in from there.
* **Health replacement**: an instance the balancer marks unhealthy is replaced once it
  is past the health-check grace period.
* **History**: every capacity change with its time and cause, as the console keeps it.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Generator
from dataclasses import dataclass, field, replace
from functools import partial
from typing import Any

import numpy as np
import simpy

from scaleout_tui.engine import hpa
from scaleout_tui.engine.autoscaler_metrics import Monitor
from scaleout_tui.engine.autoscaler_spec import METRICS, POLICIES, ScalingSpec, ScheduledAction
from scaleout_tui.engine.box import Box
from scaleout_tui.engine.commands import CommandError, Handler, Value
from scaleout_tui.engine.fleet import Fleet
from scaleout_tui.engine.healthcheck import HealthChecker
from scaleout_tui.engine.metrics import Metrics
from scaleout_tui.engine.world import World

#: a scaling cause's parameters: the reading, the threshold, the rule's numbers
CauseParams = dict[str, str | float | int]
#: how often an alarm in ALARM invokes its scaling policy again (a standard-resolution alarm)
ALARM_REPEAT_S = 60.0


@dataclass(slots=True)
class Change:
    """One capacity change, as the console's activity history keeps it: the cause is a code
    (``simple_out``, ``hpa``, ``scheduled`` ...) and its parameters, which the game words."""

    t: float
    old: int
    new: int
    cause: str
    params: CauseParams = field(default_factory=dict)


@dataclass
class AutoScaler:
    world: World
    fleet: Fleet
    metrics: Metrics
    health: HealthChecker | None
    spec: ScalingSpec
    rng: np.random.Generator
    desired: int = 0
    history: list[Change] = field(default_factory=list)
    #: every change of the limits by a scheduled action: (time, min, max, cause)
    limits: list[tuple[float, int, int, str]] = field(default_factory=list)
    datapoints: list[tuple[float, float]] = field(default_factory=list)
    cooldown_until: float = -1.0
    #: activities a simple policy waits for: its own scaling, and health-check replacements
    holding: int = 0
    #: when the policy's loop last evaluated (a new loop never evaluates the same point twice)
    _last_eval_t: float = -1.0
    hpa_memory: hpa.Memory = field(default_factory=hpa.Memory)
    _generation: int = 0
    #: one sample per second: desired, in service, booting, and the minimum in force
    samples: dict[str, list[float]] = field(
        default_factory=lambda: {"desired": [], "in_service": [], "pending": [], "min": []})

    monitor: Monitor = field(init=False)

    def __post_init__(self) -> None:
        self.monitor = Monitor(self.world, self.fleet, self.metrics, self.health)
        self.fleet.launch_hooks.append(self._launched)
        self.world.second_hooks.append(self._sample)

    def start(self) -> None:
        self.desired = self.spec.desired
        for action in self.spec.scheduled:
            self.world.env.process(self._scheduled(action))
        self.world.env.process(self._health_loop())
        self._start_policy()

    def _start_policy(self) -> None:
        env = self.world.env
        gen = self._generation
        policy = self.spec.policy
        if policy == "hpa":
            env.process(self._every(gen, self.spec.sync_s, self._on_hpa, record=False))
            return
        act = {"simple": self._on_simple, "step": self._on_step, "target": self._on_target}.get(policy)
        if act is not None:
            env.process(self._every(gen, self.spec.period_s, act))

    def reconfigure(self, spec: ScalingSpec) -> None:
        """New settings: the policy's loop restarts (its alarm history is kept). Choosing the HPA
        creates one: the controller knows nothing of it yet."""
        if spec.policy == "hpa" and self.spec.policy != "hpa":
            self.hpa_memory = hpa.Memory()
        self.spec = spec
        self._generation += 1
        self._start_policy()
        self.set_desired(self.desired, "limits_changed")

    def add_schedule(self, action: ScheduledAction) -> None:
        self.world.env.process(self._scheduled(action, delay=max(action.at - self.world.env.now, 0.0)))

    def _live(self, gen: int) -> bool:
        return gen == self._generation

    # ---- the metric (read by :mod:`autoscaler_metrics`) --------------------------------
    def _warm(self) -> list[Box]:
        return self.monitor.warm(self.spec.warmup_s)

    def metric_value(self, span_s: float) -> float:
        """The chosen metric over the last ``span_s``."""
        metric, monitor = self.spec.metric, self.monitor
        if metric == "requests":
            return monitor.requests_per_target(self.spec.warmup_s)
        if metric == "latency":
            return monitor.average_latency_ms(span_s)
        return monitor.average_cpu(span_s, self.spec.warmup_s)

    # ---- decisions ----------------------------------------------------------------
    def set_desired(self, n: int, cause: str, /, **params: str | float | int) -> list[simpy.Process] | None:
        """Clamp to the limits and act. Returns the scaling activity (the launches and drains it
        started), or None when the desired count did not change."""
        n = max(self.spec.min_size, min(self.spec.max_size, n))
        if n == self.desired:
            return None
        self.history.append(Change(self.world.env.now, self.desired, n, cause, dict(params)))
        self.world.emit("scale_out" if n > self.desired else "scale_in", "info", old=self.desired, new=n,
                        cause=cause, **params)
        self.desired = n
        return self.fleet.resize_to(n, self.monitor.in_service(), self.boot_time)

    def _datapoint(self, period_s: float) -> float:
        value = self.metric_value(period_s)
        self.datapoints.append((self.world.env.now, value))
        return value

    def _every(self, gen: int, period: float,
               act: Callable[[float], None], record: bool = True) -> Generator[simpy.Event, Any, None]:
        """Every ``period`` seconds, read the metric and let ``act`` decide, until the
        policy is replaced (its generation changes).

        The evaluations keep one grid, multiples of ``period`` from the start: CloudWatch
        evaluates an alarm on its own schedule, and the HPA controller syncs on its own, whatever
        the operator edits meanwhile. A loop that restarted its clock at each change let a player
        who touched a setting every minute starve the policy of evaluations."""
        env = self.world.env
        # an alarm's policy is invoked again each minute while the alarm stays in its state,
        # whatever the period ("once each minute when the alarm remains in a new state, regardless
        # of the configured time period"): between two datapoints of a 5-minute alarm the policy
        # acts on the last one, so after a cooldown it acts at the next minute
        repeats = record and period > ALARM_REPEAT_S and period % ALARM_REPEAT_S == 0
        step = ALARM_REPEAT_S if repeats else period
        # the next point of the grid not evaluated yet: a change made at a grid point arrives
        # before that point's evaluation (its event is still queued), so that point is still due
        due = math.ceil(env.now / step - 1e-9) * step
        if due <= 0.0 or due <= self._last_eval_t + 1e-9:
            due += step
        yield env.timeout(due - env.now)
        while self._live(gen):
            now = env.now
            self._last_eval_t = now
            if not record:
                act(self.metric_value(period))
            elif abs(now / period - round(now / period)) < 1e-9:
                act(self._datapoint(period))
            elif self.datapoints:
                act(self.datapoints[-1][1])
            yield env.timeout(step)

    def _alarms(self) -> tuple[bool, bool, CauseParams]:
        """(scale-out alarm, scale-in alarm, "M of N") over the last N datapoints."""
        spec = self.spec
        last = [v for _, v in self.datapoints[-spec.evaluation_periods:]]
        m = spec.datapoints_to_alarm
        high = sum(v >= spec.scale_out_at for v in last) >= m
        low = sum(v <= spec.scale_in_at for v in last) >= m
        return high, low, {"m": m, "n": spec.evaluation_periods}

    def _on_step(self, value: float) -> None:
        spec = self.spec
        high, low, m_of_n = self._alarms()
        metric = spec.metric
        if high:
            breach = value - spec.scale_out_at
            # the one step whose interval holds the breach (lower bound inclusive): the last
            # whose lower bound it reaches, the steps being in order
            adj = next((a for lo, a in reversed(spec.steps) if breach >= lo), spec.step_out)
            # AWS adds the step to the capacity past its warm-up; the desired count already holds
            # the instances warming up, so a breach they cover changes nothing, and a bigger one
            # adds only the difference
            want = len(self._warm()) + adj
            if want > self.desired:
                self.set_desired(want, "step_out", metric=metric, value=value, breach=breach,
                                 threshold=spec.scale_out_at, adj=adj, **m_of_n)
        elif low and not self.monitor.warming(spec.warmup_s):
            # AWS counts instances still terminating as capacity while scaling in ("we don't
            # remove more instances from the Auto Scaling group than necessary"): while one
            # drains, a step of 1 asks for nothing more
            want = self.desired + self.monitor.terminating() - spec.step_in
            if want < self.desired:
                self.set_desired(want, "step_in", metric=metric, value=value,
                                 threshold=spec.scale_in_at, **m_of_n)

    def _on_target(self, value: float) -> None:
        spec = self.spec
        target, metric = spec.target, spec.metric
        vals = [v for _, v in self.datapoints]
        # the metric covers the instances past their warm-up, so the formula scales *their*
        # count; the desired count already holds those warming up (as with step scaling)
        current = max(len(self._warm()), 1)
        want = math.ceil(current * value / target)
        if len(vals) >= 3 and all(v > target for v in vals[-3:]) and want > self.desired:
            self.set_desired(want, "target_out", metric=metric, value=value, target=target, want=want)
        elif (len(vals) >= 15 and all(v < 0.9 * target for v in vals[-15:])
              and want < self.desired and not self.monitor.warming(spec.warmup_s)):
            self.set_desired(want, "target_in", metric=metric, value=value, below=0.9 * target, want=want)

    def _on_simple(self, value: float) -> None:
        spec = self.spec
        now = self.world.env.now
        if now < self.cooldown_until:
            return
        high, low, m_of_n = self._alarms()
        activity = None
        if high:
            activity = self.set_desired(self.desired + spec.step_out, "simple_out", metric=spec.metric,
                                        value=value, threshold=spec.scale_out_at, step=spec.step_out,
                                        cooldown_s=spec.cooldown_s, **m_of_n)
        elif low:
            activity = self.set_desired(self.desired - spec.step_in, "simple_in", metric=spec.metric,
                                        value=value, threshold=spec.scale_in_at, step=spec.step_in,
                                        cooldown_s=spec.cooldown_s, **m_of_n)
        if activity is not None:
            self.world.env.process(self._cool_down_after(activity))

    def _cool_down_after(self, activity: list[simpy.Process]) -> Generator[simpy.Event, Any, None]:
        """AWS: a simple policy "must wait for the scaling activity or health check replacement
        to complete and the cooldown period to expire before responding to additional alarms":
        nothing starts while any is under way, and the cooldown runs from the last one's end."""
        env = self.world.env
        self.holding += 1
        self.cooldown_until = math.inf
        yield simpy.AllOf(env, activity)
        self.holding -= 1
        if not self.holding:
            self.cooldown_until = env.now + self.spec.cooldown_s

    # ---- the HPA ------------------------------------------------------------------------
    def _on_hpa(self, value: float) -> None:
        """One sync of the HPA controller (``reconcileAutoscaler``): the replica count from the
        pods' readings, stabilised, then held to the behaviour's rate limits."""
        spec = self.spec
        now = self.world.env.now
        current = self.desired  # the Deployment's spec.replicas
        hpa.first_look(self.hpa_memory, now, current)
        pods = self.monitor.pods(spec.metric, spec.sync_s, value)
        if current == 0 or not pods.ready:
            return  # Kubernetes: no metrics for any ready pod, no decision
        raw = hpa.replicas_for(current, pods.ready, pods.unready, pods.missing, spec.target, spec.tolerance)
        want, new, limited = hpa.normalize(current, raw, now, spec.behavior, spec.stabilization_s,
                                           spec.min_size, spec.max_size, self.hpa_memory)
        if new == current:
            return
        reading = sum(pods.ready) / len(pods.ready)
        params: CauseParams = {"metric": spec.metric, "value": reading, "target": spec.target, "want": want,
                               "ready": len(pods.ready), "unready": pods.unready, "missing": pods.missing}
        if limited:
            params["limit"] = new
        self.set_desired(new, "hpa_limited" if limited else "hpa", **params)

    def _scheduled(self, a: ScheduledAction, delay: float | None = None) -> Generator[simpy.Event, Any, None]:
        env = self.world.env
        yield env.timeout(a.at if delay is None else delay)
        spec = self.spec
        before = (spec.min_size, spec.max_size)
        self._set_limits(a.min_size, a.max_size, "scheduled")
        target = a.desired if a.desired is not None else self.desired
        params: CauseParams = {"min": self.spec.min_size, "max": self.spec.max_size}
        if a.until is not None:
            params["until"] = a.until
        self.set_desired(max(self.spec.min_size, min(self.spec.max_size, target)), "scheduled", **params)
        if a.until is None:
            return
        yield env.timeout(max(a.until - env.now, 0.0))
        # the window's end: the limits this action set go back (the second action of the pair);
        # desired stays, clamped only if the maximum came back below it
        self._set_limits(before[0] if a.min_size is not None else None,
                         before[1] if a.max_size is not None else None, "scheduled_end")
        self.set_desired(self.desired, "scheduled_end", min=self.spec.min_size, max=self.spec.max_size)

    def _set_limits(self, lo: int | None, hi: int | None, cause: str) -> None:
        """New group limits from a scheduled action, logged (``scheduled_limits``) and kept in
        :attr:`limits` when they change."""
        spec = self.spec
        new_lo = spec.min_size if lo is None else lo
        new_hi = spec.max_size if hi is None else hi
        if (new_lo, new_hi) == (spec.min_size, spec.max_size):
            return
        self.spec = replace(spec, min_size=new_lo, max_size=new_hi)
        self.limits.append((self.world.env.now, new_lo, new_hi, cause))
        self.world.emit("scheduled_limits", "info", min=new_lo, max=new_hi, old_min=spec.min_size,
                        old_max=spec.max_size, cause=cause)

    def _health_loop(self) -> Generator[simpy.Event, Any, None]:
        """Replace instances the balancer marks unhealthy, once past the grace period."""
        env = self.world.env
        while True:
            yield env.timeout(5.0)
            health = self.health.health if self.health else {}
            for b in self.monitor.in_service():
                h = health.get(b.name)
                # the run starts as the group is created: its first instances are new too, and
                # graced from 0 s (an overloaded starting fleet is not replaced at once)
                born = self.monitor.launched_at.get(b.name, 0.0)
                graced = env.now - born >= self.spec.health_check_grace_s
                if h is not None and h.status == "unhealthy" and graced:
                    self.history.append(Change(env.now, self.desired, self.desired, "replace_unhealthy",
                                               {"box": b.name}))
                    launch = self.fleet.replace(b, self.boot_time())
                    if self.spec.policy == "simple":
                        env.process(self._cool_down_after([launch]))

    def boot_time(self) -> float:
        return float(self.rng.uniform(self.spec.boot_min_s, self.spec.boot_max_s))

    # ---- the group's hooks --------------------------------------------------------------
    def _launched(self, box: Box) -> None:
        """A box from the launch template: its app starts cold (see ``ScalingSpec.cold_factor``)."""
        now = self.world.env.now
        self.monitor.launched_at[box.name] = now
        box.warm_from, box.warm_s, box.cold_factor = now, self.spec.app_warmup_s, self.spec.cold_factor
        self.world.data.touch()

    def _sample(self, t: float) -> None:
        cap = self.samples
        cap["desired"].append(float(self.desired))
        cap["in_service"].append(float(len(self.monitor.in_service())))
        cap["pending"].append(float(self.fleet.pending_web()))
        cap["min"].append(float(self.spec.min_size))

    # ---- commands -----------------------------------------------------------------------
    def commands(self) -> dict[str, Handler]:
        handlers: dict[str, Handler] = {
            "asg.policy": self._policy, "asg.metric": self._metric, "asg.desired": self._desired,
            "asg.min_size": partial(self._limit, "min_size"),
            "asg.max_size": partial(self._limit, "max_size"), "asg.schedule": self._schedule}
        for key in ("scale_out_cpu", "scale_in_cpu", "target_cpu"):
            handlers[f"asg.{key}"] = partial(self._threshold, key)
        for key in ("target_requests", "target_latency_ms", "cooldown_s", "period_s", "warmup_s"):
            handlers[f"asg.{key}"] = partial(self._number, key)
        return handlers

    def _policy(self, value: Value) -> None:
        assert isinstance(value, str) and value in POLICIES
        self.reconfigure(replace(self.spec, policy=value))

    def _metric(self, value: Value) -> None:
        assert isinstance(value, str) and value in METRICS
        self.reconfigure(replace(self.spec, metric=value))

    def _limit(self, key: str, value: Value) -> None:
        assert isinstance(value, int)
        spec = self.spec
        lo = value if key == "min_size" else spec.min_size
        hi = value if key == "max_size" else spec.max_size
        if lo > hi:
            raise CommandError("asg_min_above_max", min=lo, max=hi)
        self.reconfigure(replace(spec, min_size=lo, max_size=hi))

    def _desired(self, value: Value) -> None:
        assert isinstance(value, int)
        spec = self.spec
        if not spec.min_size <= value <= spec.max_size:
            raise CommandError("asg_desired_outside", desired=value, min=spec.min_size, max=spec.max_size)
        self.set_desired(value, "set_by_hand")

    def _threshold(self, key: str, value: Value) -> None:
        assert isinstance(value, (int, float))
        new = replace(self.spec, **{key: float(value)})  # type: ignore[arg-type]
        if new.scale_in_cpu >= new.scale_out_cpu:
            raise CommandError("asg_thresholds_crossed", scale_in=new.scale_in_cpu,
                               scale_out=new.scale_out_cpu)
        self.reconfigure(new)

    def _number(self, key: str, value: Value) -> None:
        assert isinstance(value, (int, float))
        self.reconfigure(replace(self.spec, **{key: float(value)}))  # type: ignore[arg-type]

    def _schedule(self, value: Value) -> None:
        assert isinstance(value, tuple)
        for action in value:
            if action.at < self.world.now:
                raise CommandError("schedule_passed", at=action.at)
        for action in value:
            self.add_schedule(action)
