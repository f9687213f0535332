"""The auto scaling group as its monitor reads it: which instances count, and the metric over them.

Why apart from :mod:`autoscaler`: a policy decides, and it decides only as well as it reads. What
it reads follows the real monitors' rules, each worth testing by hand on its own: CloudWatch's
group metrics count the instances in service and past the policy's warm-up
(ASGAverageCPUUtilization; ALBRequestCountPerTarget, per minute since the last reading);
TargetResponseTime averages every request completed; and the HPA sorts its pods into ready,
not ready and missing (``groupPods``) before it looks at their CPU.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from scaleout_tui.engine import hpa
from scaleout_tui.engine.box import Box
from scaleout_tui.engine.fleet import Fleet
from scaleout_tui.engine.healthcheck import HealthChecker
from scaleout_tui.engine.metrics import Metrics, Window
from scaleout_tui.engine.world import World


@dataclass(frozen=True, slots=True)
class Pods:
    """The group's boxes as an HPA sorts its pods: the ready ones' readings, and how many are
    set aside (not ready) or have no reading yet (missing)."""

    ready: list[float]
    unready: int
    missing: int


@dataclass
class Monitor:
    """The group's instances and readings. ``launched_at`` is when each instance came from the
    launch template (the run's first instances are absent: they count as long since warm)."""

    world: World
    fleet: Fleet
    metrics: Metrics
    health: HealthChecker | None
    launched_at: dict[str, float] = field(default_factory=dict)
    _sent_mark: Any = None       # balancer dispatch counts at the last requests reading
    _sent_at: float = 0.0

    def in_service(self) -> list[Box]:
        registered = self.fleet.registered
        # ``Box.draining`` is the fleet's own flag: it holds with no health check too
        return [b for b in self.fleet.boxes if b.serves_web and b.state == "running"
                and b.name in registered and not b.draining]

    def warm(self, warmup_s: float) -> list[Box]:
        """In-service instances past the policy's warm-up: the ones the metric counts."""
        now = self.world.env.now
        return [b for b in self.in_service() if now - self.launched_at.get(b.name, -1e9) >= warmup_s]

    def terminating(self) -> int:
        """Instances draining on their way out (the deregistration delay)."""
        return sum(1 for b in self.fleet.boxes if b.serves_web and b.draining and b.state != "terminated")

    def warming(self, warmup_s: float) -> int:
        """Instances booting or within their warm-up: capacity on its way, which step and
        target-tracking policies leave out of the current capacity, and which blocks their
        scale-in."""
        return len(self.in_service()) - len(self.warm(warmup_s)) + self.fleet.pending_web()

    def requests_per_target(self, warmup_s: float) -> float:
        """Requests per warm target per minute since the previous reading (the balancer's
        own count, like ALBRequestCountPerTarget)."""
        sent = self.world.data.dispatched
        now = self.world.env.now
        # boxes added since the last reading had sent nothing then
        mark = np.zeros(sent.size, dtype=sent.dtype)
        if self._sent_mark is not None:
            mark[: self._sent_mark.size] = self._sent_mark
        delta = sent - mark
        elapsed = now - self._sent_at
        self._sent_mark, self._sent_at = sent.copy(), now
        boxes = self.warm(warmup_s)
        if not boxes or elapsed <= 0:
            return 0.0
        total = float(sum(int(delta[b.index]) for b in boxes))
        return total / len(boxes) * 60.0 / elapsed

    def recent_windows(self, span_s: float) -> list[Window]:
        """The closed metric windows of the last ``span_s`` (at least one)."""
        m = self.metrics
        return m.windows[-max(round(span_s / m.window_s), 1):]

    def average_latency_ms(self, span_s: float) -> float:
        """Mean response time of the requests completed in the last ``span_s``."""
        wins = self.recent_windows(span_s)
        done = sum(w.completed for w in wins)
        return 1000.0 * sum(w.latency_sum for w in wins) / done if done else 0.0

    def average_cpu(self, span_s: float, warmup_s: float) -> float:
        """Average CPU % over the last ``span_s`` of the in-service instances that are
        past their warm-up."""
        boxes = self.warm(warmup_s)
        if not boxes:
            return 0.0
        idx = [b.index for b in boxes]
        wins = self.recent_windows(span_s)
        busy = sum(float(w.busy[[i for i in idx if i < w.busy.size]].sum()) for w in wins)
        cap = sum(float(w.capacity[[i for i in idx if i < w.capacity.size]].sum()) for w in wins)
        return 100.0 * busy / cap if cap > 0 else 0.0

    def pods(self, metric: str, sync_s: float, value: float) -> Pods:
        """The boxes as the HPA's pods (``groupPods``). Booting boxes are pending: not ready.
        For CPU, a box's reading is its own utilisation over the last sync; a box started less
        than a sync ago has none yet (missing); within the CPU initialisation period a box counts
        only once it has been in rotation for a full sync, and after it only if it ever was.
        Other metrics have one reading for the group (``value``), which every running box shares."""
        boxes = self.in_service()
        pending = self.fleet.pending_web()
        if metric != "cpu":
            return Pods([value] * len(boxes), pending, 0)
        now = self.world.env.now
        wins = self.recent_windows(sync_s)
        ready: list[float] = []
        unready, missing = pending, 0
        for b in boxes:
            started = self.launched_at.get(b.name, -math.inf)
            cap = sum(float(w.capacity[b.index]) for w in wins if b.index < w.capacity.size)
            if now - started < sync_s or cap <= 0:
                missing += 1
                continue
            h = self.health.health.get(b.name) if self.health else None
            in_rotation = self.health.in_rotation(b) if self.health else True
            ready_since = h.since if h is not None else started
            if now - started < hpa.CPU_INITIALIZATION_S:
                not_ready = not in_rotation or now < ready_since + sync_s
            else:
                not_ready = not in_rotation and h is not None and h.status == "initial"
            if not_ready:
                unready += 1
                continue
            busy = sum(float(w.busy[b.index]) for w in wins if b.index < w.busy.size)
            ready.append(100.0 * busy / cap)
        return Pods(ready, unready, missing)
