"""The settings of an auto scaling group: its limits, policy, metric, alarms and launch template.

Apart from :mod:`autoscaler` (the group at work) so that the commands that change them
(:mod:`commands`) and the content layer that reads them from a level can name them without
importing the group's processes.
"""

from __future__ import annotations

from dataclasses import dataclass

POLICIES: tuple[str, ...] = ("none", "simple", "step", "target", "hpa")
METRICS: tuple[str, ...] = ("cpu", "requests", "latency")


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
