"""The auto scaling group's rules across fields, shared by the loader and the build step.

Why here and not in the schema: msgspec bounds one field at a time, while a group's sizes only
make sense together (``min_size <= desired <= max_size``), and so do its thresholds and its
scheduled actions, which change the sizes one after the other. The loader applies these rules to
the level's ``[autoscaling]`` table; :func:`scaleout_tui.content.build.build_config` applies the
same rules to the group after the player's knobs, because knobs that are each in range can still
clash (a minimum above the maximum). One function for both means a group that validates is a
group that builds, and the words of the two errors agree.

The rules follow the cloud's own (AWS refuses a group whose desired capacity is outside its
limits, and a scheduled action that would leave the minimum above the maximum).
"""

from __future__ import annotations

from collections.abc import Iterator

from scaleout_tui import texts
from scaleout_tui.content.decode import show_number
from scaleout_tui.content.locate import FieldPath
from scaleout_tui.content.schema import Autoscaling
from scaleout_tui.content.schema import HpaRules as HpaRulesTable
from scaleout_tui.engine.autoscaler_spec import HpaBehavior, HpaPolicy, HpaRules, ScalingSpec, ScheduledAction

__all__ = ["group_problems", "scaling_spec"]


#: the alarm periods CloudWatch takes below a minute (high-resolution metrics); above, whole minutes
CLOUDWATCH_SHORT_PERIODS = (10.0, 20.0, 30.0)

def scaling_spec(table: Autoscaling) -> ScalingSpec:
    """The engine's spec of an ``[autoscaling]`` table, field by field (no knobs applied)."""
    return ScalingSpec(
        min_size=table.min_size, max_size=table.max_size, desired=table.desired, policy=table.policy,
        period_s=table.period_s, evaluation_periods=table.evaluation_periods,
        datapoints_to_alarm=table.datapoints_to_alarm, scale_out_cpu=table.scale_out_cpu,
        scale_in_cpu=table.scale_in_cpu, step_out=table.step_out, step_in=table.step_in,
        cooldown_s=table.cooldown_s, steps=tuple((float(b), a) for b, a in table.steps),
        target_cpu=table.target_cpu, tolerance=table.tolerance, sync_s=table.sync_s,
        stabilization_s=table.stabilization_s, boot_min_s=table.boot_min_s, boot_max_s=table.boot_max_s,
        warmup_s=table.warmup_s, health_check_grace_s=table.health_check_grace_s,
        metric=table.metric, scale_out_requests=table.scale_out_requests,
        scale_in_requests=table.scale_in_requests, scale_out_latency_ms=table.scale_out_latency_ms,
        scale_in_latency_ms=table.scale_in_latency_ms, target_requests=table.target_requests,
        target_latency_ms=table.target_latency_ms, app_warmup_s=table.app_warmup_s,
        cold_factor=table.cold_factor,
        behavior=HpaBehavior(_rules(table.behavior.scale_up), _rules(table.behavior.scale_down)),
        scheduled=tuple(ScheduledAction(at=a.at, min_size=a.min_size, max_size=a.max_size, desired=a.desired,
                                        until=a.until)
                        for a in table.scheduled),
    )


def _rules(table: HpaRulesTable) -> HpaRules:
    policies = (None if table.policies is None
                else tuple(HpaPolicy(p.type, p.value, p.period_s) for p in table.policies))
    return HpaRules(policies, table.select_policy, table.stabilization_s)


def group_problems(spec: ScalingSpec) -> Iterator[tuple[FieldPath, str]]:
    """Every rule ``spec`` breaks, as (path inside ``[autoscaling]``, message)."""
    if spec.min_size > spec.max_size:
        yield ("min_size",), texts.ASG_MIN_ABOVE_MAX.format(lo=spec.min_size, hi=spec.max_size)
    elif not spec.min_size <= spec.desired <= spec.max_size:
        yield ("desired",), texts.ASG_DESIRED_OUTSIDE.format(got=spec.desired, lo=spec.min_size,
                                                             hi=spec.max_size)
    if spec.period_s not in CLOUDWATCH_SHORT_PERIODS and spec.period_s % 60:
        yield ("period_s",), texts.ASG_PERIOD.format(got=show_number(spec.period_s))
    if spec.datapoints_to_alarm > spec.evaluation_periods:
        yield ("datapoints_to_alarm",), texts.ASG_DATAPOINTS.format(n=spec.evaluation_periods,
                                                                    got=spec.datapoints_to_alarm)
    for kind in ("cpu", "requests", "latency_ms"):
        low, high = getattr(spec, f"scale_in_{kind}"), getattr(spec, f"scale_out_{kind}")
        if low >= high:
            yield (f"scale_in_{kind}",), texts.ASG_SCALE_IN.format(
                field=f"scale_in_{kind}", got=show_number(low), out_field=f"scale_out_{kind}",
                out=show_number(high))
    for i in range(1, len(spec.steps)):
        if spec.steps[i][0] <= spec.steps[i - 1][0]:
            yield ("steps", i), texts.ASG_STEPS_ORDER.format(got=show_number(spec.steps[i][0]),
                                                             before=show_number(spec.steps[i - 1][0]))
    if spec.boot_max_s < spec.boot_min_s:
        yield ("boot_max_s",), texts.ASG_BOOT.format(lo=show_number(spec.boot_min_s),
                                                     got=show_number(spec.boot_max_s))
    yield from _schedule_problems(spec)


def _schedule_problems(spec: ScalingSpec) -> Iterator[tuple[FieldPath, str]]:
    """Scheduled actions run in time order (the engine starts them in file order, so actions at
    one time run in file order), each on the limits the ones before it left. A window's end
    (``until``) is one more step at its time: the limits it set go back to those before it."""
    lo, hi = spec.min_size, spec.max_size
    # (time, file order, is the end of a window): an end runs after the starts at its time
    steps = sorted([(a.at, i, False) for i, a in enumerate(spec.scheduled)]
                   + [(a.until, i, True) for i, a in enumerate(spec.scheduled) if a.until is not None],
                   key=lambda s: (s[0], s[2], s[1]))
    before: dict[int, tuple[int, int]] = {}
    for _, i, end in steps:
        a = spec.scheduled[i]
        if a.min_size is None and a.max_size is None and a.desired is None:
            if not end:
                yield ("scheduled", i), texts.ASG_SCHEDULED_NO_SIZE
            continue
        if end:
            if a.until is not None and a.until <= a.at:
                yield ("scheduled", i, "until"), texts.ASG_SCHEDULED_UNTIL.format(
                    got=show_number(a.until), at=show_number(a.at))
                continue
            if a.min_size is None and a.max_size is None:
                yield ("scheduled", i, "until"), texts.ASG_SCHEDULED_UNTIL_NO_LIMIT
                continue
            old_lo, old_hi = before.get(i, (lo, hi))
            lo = lo if a.min_size is None else old_lo
            hi = hi if a.max_size is None else old_hi
            if lo > hi:
                yield ("scheduled", i, "until"), texts.ASG_SCHEDULED_MIN_ABOVE_MAX.format(lo=lo, hi=hi)
            continue
        before[i] = (lo, hi)
        lo = lo if a.min_size is None else a.min_size
        hi = hi if a.max_size is None else a.max_size
        if lo > hi:
            yield ("scheduled", i), texts.ASG_SCHEDULED_MIN_ABOVE_MAX.format(lo=lo, hi=hi)
        elif a.desired is not None and not lo <= a.desired <= hi:
            yield ("scheduled", i, "desired"), texts.ASG_SCHEDULED_DESIRED.format(
                got=a.desired, lo=lo, hi=hi, at=show_number(a.at))
