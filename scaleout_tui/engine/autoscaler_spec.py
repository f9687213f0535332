"""The settings of an auto scaling group: its limits, policy, metric, alarms and launch template.

Apart from :mod:`autoscaler` (the group at work) so that the commands that change them
(:mod:`commands`) and the content layer that reads them from a level can name them without
importing the group's processes.
"""

from __future__ import annotations

from dataclasses import dataclass

POLICIES: tuple[str, ...] = ("none", "simple", "step", "target", "hpa")
METRICS: tuple[str, ...] = ("cpu", "requests", "latency")
#: an HPA scaling policy's type: a number of pods, or a percentage of the replicas (``HPAScalingPolicy``)
HPA_POLICY_TYPES: tuple[str, ...] = ("Pods", "Percent")
#: how an HPA picks among its policies' limits (``selectPolicy``): the largest change, the
#: smallest, or none at all (that direction is off)
HPA_SELECT: tuple[str, ...] = ("Max", "Min", "Disabled")


@dataclass(frozen=True, slots=True)
class HpaPolicy:
    """One rate limit of a Kubernetes HPA: at most ``value`` pods (``Pods``) or ``value`` % of
    the replicas at the period's start (``Percent``) per ``period_s`` seconds."""

    type: str
    value: int
    period_s: float


@dataclass(frozen=True, slots=True)
class HpaRules:
    """One direction of an HPA's ``behavior`` (``HPAScalingRules``). As in Kubernetes, what is
    left out takes the default: ``policies`` None the direction's default policies,
    ``stabilization_s`` None no window up and the controller's window down
    (``ScalingSpec.stabilization_s``, Kubernetes' ``--horizontal-pod-autoscaler-downscale-stabilization``)."""

    policies: tuple[HpaPolicy, ...] | None = None
    select_policy: str = "Max"
    stabilization_s: float | None = None


@dataclass(frozen=True, slots=True)
class HpaBehavior:
    """An HPA's ``behavior``: its scale-up and scale-down rules."""

    scale_up: HpaRules = HpaRules()
    scale_down: HpaRules = HpaRules()


#: Kubernetes' default policies (``pkg/apis/autoscaling/v2/defaults.go``): up by the larger of
#: +4 pods and +100 % per 15 s; down by up to 100 % per 15 s
HPA_UP_POLICIES: tuple[HpaPolicy, ...] = (HpaPolicy("Pods", 4, 15.0), HpaPolicy("Percent", 100, 15.0))
HPA_DOWN_POLICIES: tuple[HpaPolicy, ...] = (HpaPolicy("Percent", 100, 15.0),)


@dataclass(frozen=True, slots=True)
class ScheduledAction:
    """A scheduled action (AWS ``PutScheduledUpdateGroupAction``): new sizes at ``at`` seconds.

    ``until`` makes it a window, which AWS users write as a second action: at ``until`` the
    minimum and maximum this action set go back to what they were just before ``at``. The desired
    count is not touched then (the cloud's second action sets only the limits): the policy scales
    the group in as the metric allows."""

    at: float
    min_size: int | None = None
    max_size: int | None = None
    desired: int | None = None
    until: float | None = None


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
    stabilization_s: float = 300.0    # the HPA's scale-down window, unless ``behavior`` sets one
    behavior: HpaBehavior = HpaBehavior()
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
