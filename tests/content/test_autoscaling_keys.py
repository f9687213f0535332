"""The auto scaling keys of format 1: [autoscaling], [[autoscaling.scheduled]], [[load_tests]] and the
asg.* knobs, from the file to the engine's ScalingSpec and LoadTest. Mirrors ``test_database_keys.py``
and ``test_scaleout.py``, which set the pattern."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import msgspec
import pytest

from scaleout_tui.content import (
    METRICS,
    Level,
    LevelError,
    build_config,
    commands_for,
    knob_defaults,
    load_catalog_default,
    load_level,
    loads_level,
    validate_file,
)
from scaleout_tui.content.asg import scaling_spec
from scaleout_tui.content.knobs import RULES
from scaleout_tui.content.schema import KNOB_PARAMS, Autoscaling, LoadTestRun, ScheduledSizes
from scaleout_tui.engine import Command, Simulation
from scaleout_tui.engine.autoscaler_spec import (
    POLICIES,
    HpaBehavior,
    HpaPolicy,
    HpaRules,
    ScalingSpec,
    ScheduledAction,
)
from scaleout_tui.engine.closedloop import ClosedLoopSource, LoadTest
from tests.content.corpus import (
    ASG_HPA,
    ASG_SCHEDULED,
    ASG_SIMPLE,
    ASG_STEP,
    ASG_TARGET,
    EXPECTED,
    FIRST_AUTOSCALING,
    FIRST_HOSTILE,
    expected_line,
    run_validate,
    section,
    validate_output,
)
from tests.content.helpers import event_toml, knob_toml, problems_of
from tests.content.test_loader import MINIMAL

FIXTURES = (ASG_SIMPLE, ASG_STEP, ASG_TARGET, ASG_HPA, ASG_SCHEDULED)
ASG = "[balancer]\n[autoscaling]\n"
ASG_PARAMS = {"asg.policy", "asg.min_size", "asg.max_size", "asg.desired", "asg.scale_out_cpu",
              "asg.scale_in_cpu", "asg.target_cpu", "asg.cooldown_s", "asg.period_s", "asg.warmup_s",
              "asg.schedule", "asg.metric", "asg.target_requests", "asg.target_latency_ms"}
#: one scheduled action at 60 s that the knob syntax can say: "3@60"
AT_60 = "[[autoscaling.scheduled]]\nat = 60\nmin_size = 3\ndesired = 3\n"
NEW_METRICS = ("scale_out_events", "scale_in_events", "time_to_first_scale_out_s", "slo_violation_s")


@pytest.fixture(scope="module")
def simple() -> Level:
    return load_level(ASG_SIMPLE)


@pytest.fixture(scope="module")
def step() -> Level:
    return load_level(ASG_STEP)


@pytest.fixture(scope="module")
def scheduled() -> Level:
    return load_level(ASG_SCHEDULED)


def _count(n: int) -> str:
    """MINIMAL starting with ``n`` web boxes (a group's desired size must equal it)."""
    return MINIMAL.replace('web_size = "m5.large"', f'web_size = "m5.large"\nweb_count = {n}')


# ---- reading ----------------------------------------------------------------------------------------
def test_the_fixtures_are_valid() -> None:
    for path in FIXTURES:
        assert validate_file(path) == [], path
        assert load_level(path).id == path.stem


def test_the_fixtures_use_every_policy_and_a_load_test() -> None:
    levels = [load_level(path) for path in FIXTURES]
    assert all(level.autoscaling is not None for level in levels)
    assert {level.autoscaling.policy for level in levels if level.autoscaling} == set(POLICIES)
    assert [level.id for level in levels if level.load_tests] == ["95-asg-simple"]
    # between them the fixtures hold a knob for every auto scaling parameter
    assert {k.param for level in levels for k in level.knobs} & ASG_PARAMS == ASG_PARAMS


def test_the_simple_fixture_reads_field_by_field(simple: Level) -> None:
    assert simple.autoscaling == Autoscaling(
        min_size=1, max_size=3, desired=1, policy="simple", period_s=60, evaluation_periods=2,
        datapoints_to_alarm=1, scale_out_cpu=10, scale_in_cpu=5, step_out=1, step_in=1, cooldown_s=300,
        boot_min_s=30, boot_max_s=90, warmup_s=0, health_check_grace_s=300)
    assert simple.load_tests == (LoadTestRun(start=30, concurrency=100, duration_s=180),
                                 LoadTestRun(start=600, concurrency=10, requests=10))


def test_the_step_fixture_reads_steps_and_scheduled_actions(step: Level) -> None:
    group = step.autoscaling
    assert group is not None
    assert group.steps == ((0.0, 1), (15.0, 2), (30.0, 3))
    assert all(isinstance(b, float) and isinstance(a, int) for b, a in group.steps)
    assert group.scheduled == (ScheduledSizes(at=600, max_size=12), ScheduledSizes(at=900, min_size=4),
                               ScheduledSizes(at=1500, min_size=2, desired=3))
    assert (group.evaluation_periods, group.datapoints_to_alarm, group.warmup_s) == (3, 2, 60)


def test_the_new_keys_are_optional() -> None:
    level = loads_level(MINIMAL)
    assert (level.autoscaling, level.load_tests) == (None, ())


def test_table_defaults_are_the_engines() -> None:
    """A table written with no keys must configure what the engine would by itself."""
    assert msgspec.to_builtins(ScalingSpec()) == msgspec.to_builtins(Autoscaling())
    assert scaling_spec(Autoscaling()) == ScalingSpec()
    run = LoadTestRun(start=0, concurrency=1)
    engine = LoadTest(start=0, concurrency=1)
    assert (run.duration_s, run.requests) == (engine.duration_s, engine.requests)


def test_behavior_reads_to_the_engines_rules(tmp_path: Path) -> None:
    """An HPA's ``behavior``: what a direction leaves out is Kubernetes' default (None in the spec,
    which the engine reads as the default policies and windows)."""
    level = loads_level(MINIMAL + ASG + 'policy = "hpa"\n[autoscaling.behavior.scale_up]\n'
                        'select_policy = "Min"\nstabilization_s = 60\n'
                        'policies = [{type = "Pods", value = 2, period_s = 60}, '
                        '{type = "Percent", value = 50, period_s = 30}]\n')
    assert level.autoscaling is not None
    spec = scaling_spec(level.autoscaling)
    assert spec.behavior == HpaBehavior(
        scale_up=HpaRules((HpaPolicy("Pods", 2, 60.0), HpaPolicy("Percent", 50, 30.0)), "Min", 60.0),
        scale_down=HpaRules())


def test_a_bad_behavior_value_gives_its_file_and_line(tmp_path: Path) -> None:
    text = (MINIMAL.replace('id = "42-minimal"', 'id = "42-behavior"') + ASG
            + '[autoscaling.behavior.scale_down]\nselect_policy = "Max"\n'
              'policies = [\n  {type = "Pods", value = 1, period_s = 15},\n'
              '  {type = "Pods", value = -1, period_s = 15},\n]\n')
    path = tmp_path / "42-behavior.toml"
    path.write_text(text)
    [problem] = validate_file(path)
    line = text.splitlines().index(next(ln for ln in text.splitlines() if "value = -1" in ln)) + 1
    assert str(problem) == (f"{path}:{line}: autoscaling.behavior.scale_down.policies[1].value: "
                            "must be at least 1 (got -1)")


def test_an_empty_table_takes_the_defaults() -> None:
    level = loads_level(MINIMAL + ASG)
    assert level.autoscaling == Autoscaling()


def test_words_come_from_the_engine() -> None:
    assert RULES["asg.policy"].words == POLICIES
    for policy in POLICIES:
        assert loads_level(MINIMAL + f'{ASG}policy = "{policy}"\n').autoscaling is not None


@pytest.mark.parametrize("metric", NEW_METRICS)
def test_the_autoscaling_metrics(metric: str) -> None:
    assert metric in METRICS
    assert loads_level(MINIMAL.replace('"error_rate_pct"', f'"{metric}"')).objectives[0].metric == metric


def test_the_game_computes_every_metric(simple: Level) -> None:
    from scaleout_tui.game.scoring import run_metrics

    sim = Simulation(build_config(simple, load_catalog_default()), seed=1)
    sim.advance(10)
    assert set(run_metrics(sim)) == set(METRICS)


# ---- rules: the tables ------------------------------------------------------------------------------
@pytest.mark.parametrize(("table", "expected"), [
    ("min_size = -1\n", "autoscaling.min_size: must be at least 0 (got -1)"),
    ("min_size = 65\n", "autoscaling.min_size: must be at most 64 (got 65)"),
    ("max_size = 0\n", "autoscaling.max_size: must be at least 1 (got 0)"),
    ("max_size = 65\n", "autoscaling.max_size: must be at most 64 (got 65)"),
    ("desired = 1.5\n", "autoscaling.desired: expected a whole number, got a number"),
    ('policy = "predictive"\n',
     "autoscaling.policy: 'predictive' is not one of: none, simple, step, target, hpa"),
    ("period_s = 5\n", "autoscaling.period_s: must be at least 10 (got 5)"),
    ("period_s = 3601\n", "autoscaling.period_s: must be at most 3600 (got 3601)"),
    ("evaluation_periods = 0\n", "autoscaling.evaluation_periods: must be at least 1 (got 0)"),
    ("evaluation_periods = 101\n", "autoscaling.evaluation_periods: must be at most 100 (got 101)"),
    ("datapoints_to_alarm = 0\n", "autoscaling.datapoints_to_alarm: must be at least 1 (got 0)"),
    ("scale_out_cpu = 101\n", "autoscaling.scale_out_cpu: must be at most 100 (got 101)"),
    ("scale_out_cpu = nan\n", "autoscaling.scale_out_cpu: must be a finite number (got nan)"),
    ("scale_in_cpu = -1\n", "autoscaling.scale_in_cpu: must be at least 0 (got -1)"),
    ("step_out = 0\n", "autoscaling.step_out: must be at least 1 (got 0)"),
    ("step_in = 65\n", "autoscaling.step_in: must be at most 64 (got 65)"),
    ("cooldown_s = 86401\n", "autoscaling.cooldown_s: must be at most 86400 (got 86401)"),
    ("steps = [[-1, 1]]\n", "autoscaling.steps[0][0]: must be at least 0 (got -1)"),
    ("steps = [[0, 0]]\n", "autoscaling.steps[0][1]: must be at least 1 (got 0)"),
    ("steps = [[0, 65]]\n", "autoscaling.steps[0][1]: must be at most 64 (got 65)"),
    ("steps = [[0, 1.5]]\n", "autoscaling.steps[0][1]: expected a whole number, got a number"),
    ("steps = [[0]]\n", "autoscaling.steps[0]: must have exactly 2 items (got 1)"),
    ("steps = [[0, 1], [0, 2]]\n", "autoscaling.steps[1]: breach must increase (got 0 after 0)"),
    ("target_cpu = 0\n", "autoscaling.target_cpu: must be at least 1 (got 0)"),
    ("tolerance = 1.5\n", "autoscaling.tolerance: must be at most 1 (got 1.5)"),
    ("sync_s = 0\n", "autoscaling.sync_s: must be at least 1 (got 0)"),
    ("sync_s = 601\n", "autoscaling.sync_s: must be at most 600 (got 601)"),
    ("stabilization_s = 3601\n", "autoscaling.stabilization_s: must be at most 3600 (got 3601)"),
    ("boot_min_s = 3601\n", "autoscaling.boot_min_s: must be at most 3600 (got 3601)"),
    ("boot_max_s = 20\n", "autoscaling.boot_max_s: must be at least boot_min_s (30) (got 20)"),
    ("warmup_s = inf\n", "autoscaling.warmup_s: must be a finite number (got inf)"),
    ("health_check_grace_s = -1\n", "autoscaling.health_check_grace_s: must be at least 0 (got -1)"),
    ("cooldown = 1\n", "autoscaling.cooldown: unknown key (did you mean `cooldown_s`?)"),
    ('[autoscaling.behavior.scale_up]\nselect_policy = "Biggest"\n',
     "autoscaling.behavior.scale_up.select_policy: 'Biggest' is not one of: Max, Min, Disabled"),
    ('[autoscaling.behavior.scale_down]\npolicies = [{type = "Replicas", value = 1, period_s = 15}]\n',
     "autoscaling.behavior.scale_down.policies[0].type: 'Replicas' is not one of: Pods, Percent"),
    ('[autoscaling.behavior.scale_down]\npolicies = [{type = "Pods", value = 0, period_s = 15}]\n',
     "autoscaling.behavior.scale_down.policies[0].value: must be at least 1 (got 0)"),
    ('[autoscaling.behavior.scale_up]\npolicies = [{type = "Pods", value = 1, period_s = 0}]\n',
     "autoscaling.behavior.scale_up.policies[0].period_s: must be greater than 0 (got 0)"),
    ('[autoscaling.behavior.scale_up]\npolicies = [{type = "Pods", value = 1, period_s = 1801}]\n',
     "autoscaling.behavior.scale_up.policies[0].period_s: must be at most 1800 (got 1801)"),
    ('[autoscaling.behavior.scale_up]\npolicies = [{type = "Pods", value = 1}]\n',
     "autoscaling.behavior.scale_up.policies[0].period_s: required key is missing"),
    ("[autoscaling.behavior.scale_down]\npolicies = []\n",
     "autoscaling.behavior.scale_down.policies: must have at least 1 item"),
    ("[autoscaling.behavior.scale_down]\nstabilization_s = 3601\n",
     "autoscaling.behavior.scale_down.stabilization_s: must be at most 3600 (got 3601)"),
    ("[autoscaling.behavior.scale_down]\nstabilisation_s = 30\n",
     "autoscaling.behavior.scale_down.stabilisation_s: unknown key (did you mean `stabilization_s`?)"),
    ("min_size = 2\n", "autoscaling.desired: desired 1 is outside min_size..max_size (2..4)"),
    ("max_size = 1\nmin_size = 2\n", "autoscaling.min_size: min_size 2 is above max_size 1"),
    ("desired = 2\n", "autoscaling.desired: desired 2 differs from topology.web_count (1): the group starts "
                      "with the web boxes the level starts with"),
    ("scale_in_cpu = 10\n", "autoscaling.scale_in_cpu: scale_in_cpu 10 must be below scale_out_cpu (10): "
                            "otherwise one reading can call for both"),
    ("period_s = 45\n", "autoscaling.period_s: CloudWatch alarms take a period of 10, 20 or 30 s or a whole "
                        "number of minutes (got 45)"),
    ("period_s = 120\n", None),
    ("evaluation_periods = 2\ndatapoints_to_alarm = 3\n",
     "autoscaling.datapoints_to_alarm: must be at most evaluation_periods (2) (got 3): the alarm counts "
     "breaching datapoints among the last evaluation_periods"),
])
def test_table_ranges_and_rules(table: str, expected: str | None) -> None:
    assert problems_of(MINIMAL + ASG + table) == ([expected] if expected else [])


@pytest.mark.parametrize(("entries", "expected"), [
    ("at = 60\n",
     "autoscaling.scheduled[0]: a scheduled action sets at least one of min_size, max_size, desired"),
    ("at = 120\ndesired = 2\n", "autoscaling.scheduled[0].at: at 120 s is after the level ends (120 s)"),
    ("at = -1\ndesired = 2\n", "autoscaling.scheduled[0].at: must be at least 0 (got -1)"),
    ("at = 60\ndesired = 65\n", "autoscaling.scheduled[0].desired: must be at most 64 (got 65)"),
    ("at = 60\nmin_size = -1\n", "autoscaling.scheduled[0].min_size: must be at least 0 (got -1)"),
    ("at = 60\nmin_size = 5\n", "autoscaling.scheduled[0]: leaves min_size 5 above max_size 4"),
    ("at = 60\nmin_size = 3\nmax_size = 2\n", "autoscaling.scheduled[0]: leaves min_size 3 above max_size 2"),
    ("at = 60\ndesired = 5\n",
     "autoscaling.scheduled[0].desired: desired 5 is outside min_size..max_size (1..4) at 60 s"),
    ("at = 60\nsize = 5\n", "autoscaling.scheduled[0].size: unknown key (did you mean `min_size`?)"),
    # in time order, each on the limits the one before left (the second runs first here)
    ("at = 90\nmin_size = 6\n\n[[autoscaling.scheduled]]\nat = 30\nmax_size = 8\n", None),
    ("at = 30\nmin_size = 6\n\n[[autoscaling.scheduled]]\nat = 90\nmax_size = 8\n",
     "autoscaling.scheduled[0]: leaves min_size 6 above max_size 4"),
    ("at = 30\nmax_size = 8\n\n[[autoscaling.scheduled]]\nat = 60\ndesired = 0\nmin_size = 0\n", None),
    # a window (until): its end puts back the limits it set
    ("at = 30\nmin_size = 3\ndesired = 3\nuntil = 90\n", None),
    ("at = 30\nmin_size = 3\nuntil = 30\n",
     "autoscaling.scheduled[0].until: ends at 30 s, not after it starts (30 s)"),
    ("at = 30\nmin_size = 3\nuntil = 120\n",
     "autoscaling.scheduled[0].until: at 120 s is after the level ends (120 s)"),
    ("at = 30\ndesired = 3\nuntil = 90\n", "autoscaling.scheduled[0].until: an action that ends (until) sets "
     "min_size or max_size: its end puts them back"),
    ("at = 30\nmin_size = 3\nuntil = -5\n", "autoscaling.scheduled[0].until: must be at least 0 (got -5)"),
    # max 8 from 30 to 90 s, min 6 from 60 s: at 90 s the max goes back to 4, below the min
    ("at = 30\nmax_size = 8\nuntil = 90\n\n[[autoscaling.scheduled]]\nat = 60\nmin_size = 6\n",
     "autoscaling.scheduled[0].until: leaves min_size 6 above max_size 4"),
    ("at = 30\nmax_size = 8\nuntil = 90\n\n[[autoscaling.scheduled]]\nat = 60\nmin_size = 6\n"
     "until = 80\n", None),
])
def test_scheduled_actions(entries: str, expected: str | None) -> None:
    problems = problems_of(MINIMAL + ASG + "[[autoscaling.scheduled]]\n" + entries)
    assert problems == ([] if expected is None else [expected])


@pytest.mark.parametrize("edge", [
    "min_size = 0\nmax_size = 1\ndesired = 1\nperiod_s = 10\nevaluation_periods = 1\n"
    "datapoints_to_alarm = 1\n"
    "scale_out_cpu = 0.5\nscale_in_cpu = 0\nstep_out = 1\nstep_in = 1\ncooldown_s = 0\nsteps = []\n"
    "target_cpu = 1\ntolerance = 0\nsync_s = 1\nstabilization_s = 0\nboot_min_s = 0\nboot_max_s = 0\n"
    "warmup_s = 0\nhealth_check_grace_s = 0\n",
    "min_size = 1\nmax_size = 64\ndesired = 1\nperiod_s = 3600\nevaluation_periods = 100\n"
    "datapoints_to_alarm = 100\nscale_out_cpu = 100\nscale_in_cpu = 99.5\nstep_out = 64\nstep_in = 64\n"
    "cooldown_s = 86400\nsteps = [[0, 1], [100, 64]]\ntarget_cpu = 100\ntolerance = 1\nsync_s = 600\n"
    "stabilization_s = 3600\nboot_min_s = 3600\nboot_max_s = 3600\nwarmup_s = 3600\n"
    "health_check_grace_s = 86400\n",
])
def test_the_ends_of_every_range_are_allowed(edge: str) -> None:
    assert problems_of(MINIMAL + ASG + edge) == []


def test_a_group_of_64_starts_with_64_boxes() -> None:
    level = loads_level(_count(64) + ASG + "max_size = 64\ndesired = 64\nmin_size = 64\n")
    assert build_config(level, load_catalog_default()).fleet.web_count == 64


def test_the_group_needs_a_balancer() -> None:
    assert problems_of(MINIMAL + "[autoscaling]\n") == [
        "autoscaling: [autoscaling] needs a [balancer] table: instances join and leave the group through "
        "the balancer"]


@pytest.mark.parametrize(("load", "expected"), [
    ("start = 30\nconcurrency = 100\n", None),
    ("start = 0\nconcurrency = 1\nduration_s = 1\nrequests = 1\n", None),
    ("start = 0\nconcurrency = 10000\nduration_s = 86400\nrequests = 1000000000\n", None),
    ("start = 30\nconcurrency = 0\n", "load_tests[0].concurrency: must be at least 1 (got 0)"),
    ("start = 30\nconcurrency = 10001\n", "load_tests[0].concurrency: must be at most 10000 (got 10001)"),
    ("start = 30\nconcurrency = 1\nduration_s = 0\n", "load_tests[0].duration_s: must be at least 1 (got 0)"),
    ("start = 30\nconcurrency = 1\nrequests = 0\n", "load_tests[0].requests: must be at least 1 (got 0)"),
    ("start = 30\nconcurrency = 1\nrequests = 1000000001\n",
     "load_tests[0].requests: must be at most 1000000000 (got 1000000001)"),
    ("start = 120\nconcurrency = 1\n", "load_tests[0].start: at 120 s is after the level ends (120 s)"),
    ("concurrency = 1\n", "load_tests[0].start: required key is missing"),
    ("start = 30\n", "load_tests[0].concurrency: required key is missing"),
    ("start = 30\nconcurrency = 1\nclients = 1\n", "load_tests[0].clients: unknown key"),
])
def test_load_tests(load: str, expected: str | None) -> None:
    problems = problems_of(MINIMAL + "[[load_tests]]\n" + load)
    assert problems == ([] if expected is None else [expected])


def test_load_tests_need_no_group() -> None:
    """A load test against a fixed fleet is a lesson of its own (Little's law)."""
    level = loads_level(MINIMAL + "[[load_tests]]\nstart = 0\nconcurrency = 5\n")
    assert level.autoscaling is None and len(level.load_tests) == 1


def test_a_spike_cannot_come_with_load_tests() -> None:
    text = MINIMAL.replace("[[traffic.kinds]]", "[[traffic.spikes]]\nat = 30\nfactor = 2\n[[traffic.kinds]]")
    assert problems_of(text) == []
    assert problems_of(text + "[[load_tests]]\nstart = 0\nconcurrency = 5\n") == [
        "traffic.spikes[0]: a spike never comes with [[load_tests]]: load tests replace the open traffic"]


def test_every_problem_of_the_group_at_once(tmp_path: Path) -> None:
    text = (_count(2).replace('id = "42-minimal"', 'id = "42-many"') + "[autoscaling]\n"
            'policy = "x"\nmin_size = 3\nscale_in_cpu = 50\nsteps = [[10, 1], [5, 2]]\nboot_max_s = 1\n'
            "[[autoscaling.scheduled]]\nat = 500\n"
            "[[load_tests]]\nstart = 500\nconcurrency = 1\n" + knob_toml("asg.period_s", ["60", "x"], "60"))
    path = tmp_path / "42-many.toml"
    path.write_text(text)
    assert [p.field for p in validate_file(path)] == [
        "autoscaling", "autoscaling.policy", "autoscaling.desired", "autoscaling.desired",
        "autoscaling.scale_in_cpu", "autoscaling.steps[1]", "autoscaling.boot_max_s",
        "autoscaling.scheduled[0]", "autoscaling.scheduled[0].at", "load_tests[0].start",
        "knobs[1].choices[1]"]


# ---- rules: the knobs -------------------------------------------------------------------------------
@pytest.mark.parametrize(("table", "param", "choices", "default"), [
    ("", "asg.policy", list(POLICIES), "simple"),
    ('policy = "hpa"\n', "asg.policy", ["hpa", "target"], "hpa"),
    ("", "asg.min_size", ["0", "1", "64"], "1"),
    ("", "asg.max_size", ["1", "4", "64"], "4"),
    ("", "asg.desired", ["1", "2", "64"], "1"),
    ("", "asg.scale_out_cpu", ["0", "10", "99.5", "100"], "10"),
    ("", "asg.scale_in_cpu", ["0", "5", "100"], "5"),
    ("", "asg.target_cpu", ["1", "60", "100"], "60"),
    ("", "asg.cooldown_s", ["0", "300", "86400"], "300"),
    ("", "asg.period_s", ["10", "60", "3600"], "60"),
    ("", "asg.warmup_s", ["0", "0.5", "3600"], "0"),
    ("", "asg.schedule", ["none", "0@0", "6@1200", "64@119.5"], "none"),
    (AT_60, "asg.schedule", ["none", "3@60"], "3@60"),
    (AT_60.replace("60", "60.5"), "asg.schedule", ["3@60.5"], "3@60.5"),
])
def test_every_asg_knob_param_is_accepted(table: str, param: str, choices: list[str], default: str) -> None:
    level = loads_level(MINIMAL.replace("duration_s = 120", "duration_s = 86400") + ASG + table
                        + knob_toml(param, choices, default))
    assert level.knobs[1].param == param


@pytest.mark.parametrize(("param", "choices", "default", "expected"), [
    ("asg.policy", ["simple", "predictive"], "simple",
     "knobs[1].choices[1]: knob 'k' (asg.policy): 'predictive' is not one of: none, simple, step, target, "
     "hpa"),
    ("asg.min_size", ["1", "65"], "1", "knob 'k' (asg.min_size): '65' is not a whole number from 0 to 64"),
    ("asg.max_size", ["0", "4"], "4", "knob 'k' (asg.max_size): '0' is not a whole number from 1 to 64"),
    # the desired size is the fleet at the start, which has a web box
    ("asg.desired", ["0", "1"], "1", "knob 'k' (asg.desired): '0' is not a whole number from 1 to 64"),
    ("asg.desired", ["1", "2.0"], "1", "knob 'k' (asg.desired): '2.0' is not a whole number from 1 to 64"),
    ("asg.scale_out_cpu", ["10", "101"], "10",
     "knob 'k' (asg.scale_out_cpu): '101' is not a number from 0 to 100"),
    ("asg.scale_in_cpu", ["5", "-1"], "5", "knob 'k' (asg.scale_in_cpu): '-1' is not a number from 0 to 100"),
    ("asg.target_cpu", ["60", "0"], "60", "knob 'k' (asg.target_cpu): '0' is not a number from 1 to 100"),
    ("asg.cooldown_s", ["300", "1e3"], "300", "'1e3' is not a number from 0 to 86400"),
    ("asg.period_s", ["60", "5"], "60", "knob 'k' (asg.period_s): '5' is not a number from 10 to 3600"),
    ("asg.warmup_s", ["0", "nan"], "0", "knob 'k' (asg.warmup_s): 'nan' is not a number from 0 to 3600"),
    ("asg.period_s", ["60", "60.0"], "60", "knobs[1].choices[1]: '60.0' is used twice"),
    ("asg.schedule", ["none", "6@60", "6@60.0"], "none", "knobs[1].choices[2]: '6@60.0' is used twice"),
    ("asg.schedule", ["none", "6@120"], "none",
     "knobs[1].choices[1]: knob 'k' (asg.schedule): '6@120' is at 120 s, after the level ends (120 s)"),
])
def test_a_bad_choice_names_the_knob(param: str, choices: list[str], default: str, expected: str) -> None:
    problems = problems_of(MINIMAL + ASG + knob_toml(param, choices, default))
    assert len(problems) == 1 and expected in problems[0], problems


SCHEDULE_SYNTAX = ("is not 'none', DESIRED@AT or DESIRED@AT-UNTIL (DESIRED a whole number from 0 to 64, "
                   "AT and UNTIL seconds from 0 to 86400, UNTIL after AT; e.g. '6@1200' or '6@1200-1800')")


@pytest.mark.parametrize("choice", ["6@", "@60", "6", "6@@60", "06@60", "6@060", "+6@60", "6@ 60", " 6@60",
                                    "6@60s", "6@1e2", "six@60", "65@60", "6@86401", "6@-1", "-1@60", "None",
                                    "6@60.", "6.0@60", "6@nan", "6@60-", "6@60-60", "6@60-30", "6@-60",
                                    "6@60-86401", "6@60-90-100", "6@60 - 90", "6@60-090"])
def test_a_schedule_choice_reads_as_none_or_desired_at_seconds(choice: str) -> None:
    problems = problems_of(MINIMAL + ASG + knob_toml("asg.schedule", ["none", choice], "none"))
    assert problems == [f"knobs[1].choices[1]: knob 'k' (asg.schedule): {choice!r} {SCHEDULE_SYNTAX}"]


@pytest.mark.parametrize(("param", "default", "choice", "reason"), [
    ("asg.schedule", "none", "9" * 5000 + "@60", SCHEDULE_SYNTAX),
    ("asg.min_size", "1", "9" * 5000, "is not a whole number from 0 to 64"),
    ("web.count", "1", "9" * 5000, "is not a whole number from 1 to 64"),  # the same reader, met here
], ids=["asg.schedule", "asg.min_size", "web.count"])
def test_a_choice_of_thousands_of_digits_is_a_bad_choice(param: str, default: str, choice: str,
                                                         reason: str) -> None:
    """Python's int() refuses more than 4300 digits with a ValueError; validate must not crash."""
    text = MINIMAL + ("" if param == "web.count" else ASG) + knob_toml(param, [default, choice], default)
    assert problems_of(text) == [f"knobs[1].choices[1]: knob 'k' ({param}): {choice!r} {reason}"]


def test_a_schedule_choice_reads_to_the_engines_action() -> None:
    rule = RULES["asg.schedule"]
    assert rule.read("none") == ()
    assert rule.read("6@1200") == (ScheduledAction(at=1200.0, min_size=6, desired=6),)
    assert rule.read("0@0.5") == (ScheduledAction(at=0.5, min_size=0, desired=0),)
    assert rule.read("40@1920-2460") == (ScheduledAction(at=1920.0, min_size=40, desired=40, until=2460.0),)


@pytest.mark.parametrize(("table", "param", "choices", "default", "expected"), [
    ("", "asg.policy", ["simple", "hpa"], "hpa", "(autoscaling.policy = 'simple')"),
    ("", "asg.min_size", ["1", "2"], "2", "(autoscaling.min_size = 1)"),
    ("", "asg.max_size", ["4", "8"], "8", "(autoscaling.max_size = 4)"),
    ("", "asg.desired", ["1", "2"], "2", "(autoscaling.desired = 1)"),
    ("", "asg.scale_out_cpu", ["10", "70"], "70", "(autoscaling.scale_out_cpu = 10)"),
    ("", "asg.scale_in_cpu", ["5", "7.5"], "7.5", "(autoscaling.scale_in_cpu = 5)"),
    ("", "asg.target_cpu", ["60", "50"], "50", "(autoscaling.target_cpu = 60)"),
    ("", "asg.cooldown_s", ["300", "0"], "0", "(autoscaling.cooldown_s = 300)"),
    ("", "asg.period_s", ["60", "10"], "10", "(autoscaling.period_s = 60)"),
    ("", "asg.warmup_s", ["0", "60"], "60", "(autoscaling.warmup_s = 0)"),
    ("", "asg.schedule", ["none", "6@60"], "6@60", "(autoscaling.scheduled = [])"),
    (AT_60, "asg.schedule", ["none", "3@60"], "none",
     "(autoscaling.scheduled = [{at = 60, min_size = 3, desired = 3}])"),
    (AT_60, "asg.schedule", ["3@30", "3@60"], "3@30",
     "(autoscaling.scheduled = [{at = 60, min_size = 3, desired = 3}])"),
    # the knob's action sets min and desired alike, and nothing else
    ("[[autoscaling.scheduled]]\nat = 60\nmin_size = 2\ndesired = 3\n", "asg.schedule", ["3@60"], "3@60",
     "(autoscaling.scheduled = [{at = 60, min_size = 2, desired = 3}])"),
    ("[[autoscaling.scheduled]]\nat = 60\ndesired = 3\n", "asg.schedule", ["3@60"], "3@60",
     "(autoscaling.scheduled = [{at = 60, desired = 3}])"),
    (AT_60.replace("min_size = 3\n", "min_size = 3\nmax_size = 4\n"), "asg.schedule", ["3@60"], "3@60",
     "(autoscaling.scheduled = [{at = 60, min_size = 3, max_size = 4, desired = 3}])"),
    ("[[autoscaling.scheduled]]\nat = 60\nmin_size = 3\ndesired = 3\n[[autoscaling.scheduled]]\nat = 90\n"
     "min_size = 1\n", "asg.schedule", ["3@60"], "3@60",
     "(autoscaling.scheduled = [{at = 60, min_size = 3, desired = 3}, {at = 90, min_size = 1}])"),
])
def test_a_knob_default_must_equal_its_start_value(table: str, param: str, choices: list[str], default: str,
                                                   expected: str) -> None:
    problems = problems_of(MINIMAL + ASG + table + knob_toml(param, choices, default))
    assert len(problems) == 1, problems
    assert problems[0].startswith(f"knobs[1].default: default '{default}' differs")
    assert expected in problems[0]


@pytest.mark.parametrize("param", sorted(ASG_PARAMS))
def test_a_knob_needs_the_group(param: str) -> None:
    choice = "none" if param == "asg.schedule" else "simple" if param == "asg.policy" else "1"
    assert problems_of(MINIMAL + "[balancer]\n" + knob_toml(param, [choice], choice)) == [
        f"knobs[1].param: {param} needs [autoscaling] in this level"]


def test_the_group_owns_the_web_count() -> None:
    assert problems_of(MINIMAL + knob_toml("web.count", ["1", "2"], "1")) == []
    assert problems_of(MINIMAL + ASG + knob_toml("web.count", ["1", "2"], "1")) == [
        "knobs[1].param: web.count cannot be a knob with [autoscaling]: the group sets the count (use "
        "asg.desired)"]


def test_every_asg_param_has_a_rule() -> None:
    assert set(KNOB_PARAMS) >= ASG_PARAMS
    assert {p: (r.field, r.needs) for p, r in RULES.items() if p.startswith("asg.")} == {
        "asg.policy": ("autoscaling.policy", ("autoscaling",)),
        "asg.min_size": ("autoscaling.min_size", ("autoscaling",)),
        "asg.max_size": ("autoscaling.max_size", ("autoscaling",)),
        "asg.desired": ("autoscaling.desired", ("autoscaling",)),
        "asg.scale_out_cpu": ("autoscaling.scale_out_cpu", ("autoscaling",)),
        "asg.scale_in_cpu": ("autoscaling.scale_in_cpu", ("autoscaling",)),
        "asg.target_cpu": ("autoscaling.target_cpu", ("autoscaling",)),
        "asg.cooldown_s": ("autoscaling.cooldown_s", ("autoscaling",)),
        "asg.period_s": ("autoscaling.period_s", ("autoscaling",)),
        "asg.warmup_s": ("autoscaling.warmup_s", ("autoscaling",)),
        "asg.schedule": ("autoscaling.scheduled", ("autoscaling",)),
        "asg.metric": ("autoscaling.metric", ("autoscaling",)),
        "asg.target_requests": ("autoscaling.target_requests", ("autoscaling",)),
        "asg.target_latency_ms": ("autoscaling.target_latency_ms", ("autoscaling",)),
    }


# ---- rules: event targets ---------------------------------------------------------------------------
@pytest.mark.parametrize(("start", "knobs", "target", "ok"), [
    (1, "", "web-1", True),
    (1, "", "web-2", False),          # a box the group may launch later is not a box at the start
    (2, "desired = 2\n", "web-2", True),
    (1, knob_toml("asg.desired", ["1", "3"], "1"), "web-3", True),
    (1, knob_toml("asg.desired", ["1", "3"], "1"), "web-4", False),
    (1, knob_toml("asg.min_size", ["1", "2"], "1"), "web-2", True),  # a larger minimum raises the start
    (1, knob_toml("asg.max_size", ["4", "8"], "4"), "web-2", False),
])
def test_event_targets(start: int, knobs: str, target: str, ok: bool) -> None:
    table, knob = (knobs, "") if not knobs.startswith("[[knobs]]") else ("", knobs)
    problems = problems_of(_count(start) + ASG + table + knob + event_toml(target))
    if ok:
        assert problems == []
    else:
        assert len(problems) == 1, problems
        assert problems[0].startswith(f"events[0].target: {target!r} names no box")


# ---- the corpus: exact messages, and the command line -----------------------------------------------
AUTOSCALING_FILES = section(FIRST_AUTOSCALING, FIRST_HOSTILE)


def test_the_corpus_has_the_autoscaling_files() -> None:
    assert len(AUTOSCALING_FILES) >= 12
    assert {p.stem for p in AUTOSCALING_FILES} <= set(EXPECTED)


@pytest.mark.parametrize("path", AUTOSCALING_FILES, ids=lambda p: p.stem)
def test_a_broken_autoscaling_level_gives_its_exact_line(path: Path) -> None:
    problems = validate_file(path)
    assert [str(p) for p in problems] == [expected_line(path)]


def test_validate_prints_exactly_these_lines_and_exits_1() -> None:
    assert validate_output(AUTOSCALING_FILES) == (1, "", [expected_line(p) for p in AUTOSCALING_FILES])


def test_validate_accepts_the_fixtures() -> None:
    proc = run_validate(FIXTURES)
    assert (proc.returncode, proc.stderr) == (0, "")
    assert proc.stdout.splitlines() == [f"ok  {p}" for p in FIXTURES]


# ---- building ---------------------------------------------------------------------------------------
def test_build_config_maps_the_simple_group(simple: Level) -> None:
    catalog = load_catalog_default()
    cfg = build_config(simple, catalog)
    assert cfg == build_config(simple, catalog, knob_defaults(simple))
    s = cfg.scaling
    assert s is not None
    assert (s.min_size, s.max_size, s.desired) == (1, 3, 1)
    assert s.policy == "simple"
    assert s.period_s == 60
    assert s.evaluation_periods == 2
    assert s.datapoints_to_alarm == 1
    assert s.scale_out_cpu == 10
    assert s.scale_in_cpu == 5
    assert (s.step_out, s.step_in) == (1, 1)
    assert s.cooldown_s == 300
    assert s.steps == ScalingSpec().steps  # not written: the engine's
    assert (s.target_cpu, s.tolerance, s.sync_s, s.stabilization_s) == (60, 0.1, 15, 300)
    assert (s.boot_min_s, s.boot_max_s, s.warmup_s, s.health_check_grace_s) == (30, 90, 0, 300)
    assert s.scheduled == ()
    assert cfg.fleet.web_count == 1
    assert cfg.load_tests == (LoadTest(start=30, concurrency=100, duration_s=180, requests=50_000),
                              LoadTest(start=600, concurrency=10, duration_s=50_000, requests=10))
    assert all(isinstance(t.concurrency, int) and isinstance(t.requests, int) for t in cfg.load_tests)


def test_build_config_maps_steps_and_scheduled_actions(step: Level) -> None:
    cfg = build_config(step, load_catalog_default())
    s = cfg.scaling
    assert s is not None
    assert s.policy == "step"
    assert s.steps == ((0.0, 1), (15.0, 2), (30.0, 3))
    assert isinstance(s.steps, tuple) and all(isinstance(x, tuple) for x in s.steps)
    assert s.scheduled == (ScheduledAction(at=600, max_size=12), ScheduledAction(at=900, min_size=4),
                           ScheduledAction(at=1500, min_size=2, desired=3))
    assert (s.evaluation_periods, s.datapoints_to_alarm, s.scale_out_cpu, s.scale_in_cpu) == (3, 2, 60, 20)
    assert (s.boot_min_s, s.boot_max_s, s.warmup_s, s.health_check_grace_s) == (45, 120, 60, 120)
    assert cfg.fleet.web_count == 2
    assert cfg.load_tests == ()


@pytest.mark.parametrize(("path", "expected"), [
    (ASG_TARGET, {"policy": "target", "target_cpu": 50, "period_s": 60, "warmup_s": 120, "min_size": 2,
                  "max_size": 8, "desired": 2}),
    (ASG_HPA, {"policy": "hpa", "target_cpu": 70, "tolerance": 0.15, "sync_s": 30, "stabilization_s": 600,
               "boot_min_s": 5, "boot_max_s": 20, "min_size": 1, "max_size": 12, "desired": 3}),
    (ASG_SCHEDULED, {"policy": "none", "scheduled": (ScheduledAction(at=1200, min_size=6, desired=6),)}),
])
def test_build_config_maps_the_other_policies(path: Path, expected: dict[str, object]) -> None:
    level = load_level(path)
    s = build_config(level, load_catalog_default()).scaling
    assert s is not None
    assert {k: getattr(s, k) for k in expected} == expected
    written = {f: getattr(s, f) for f in Autoscaling.__struct_fields__}
    assert s == dataclasses.replace(ScalingSpec(), **written)


def test_a_level_without_the_new_keys_builds_as_before() -> None:
    cfg = build_config(loads_level(MINIMAL), load_catalog_default())
    assert (cfg.scaling, cfg.load_tests) == (None, ())


def test_an_empty_table_builds_the_engines_defaults() -> None:
    cfg = build_config(loads_level(MINIMAL + ASG), load_catalog_default())
    assert cfg.scaling == ScalingSpec()


@pytest.mark.parametrize(("knobs", "changes", "web_count"), [
    ({"policy": "hpa"}, {"policy": "hpa"}, 1),
    ({"policy": "none", "cooldown": "0", "period": "10", "warmup": "120"},
     {"policy": "none", "cooldown_s": 0.0, "period_s": 10.0, "warmup_s": 120.0}, 1),
    ({"out_cpu": "70", "in_cpu": "8", "target": "40"},
     {"scale_out_cpu": 70.0, "scale_in_cpu": 8.0, "target_cpu": 40.0}, 1),
    ({"desired": "3"}, {"desired": 3}, 3),
    ({"min": "0", "max": "6", "desired": "2"}, {"min_size": 0, "max_size": 6, "desired": 2}, 2),
    # moving a limit past the desired size carries it along, as the cloud does
    ({"min": "2"}, {"min_size": 2, "desired": 2}, 2),
    ({"max": "1", "desired": "1"}, {"max_size": 1}, 1),
])
def test_knobs_override_the_group_start(simple: Level, knobs: dict[str, str], changes: dict[str, object],
                                        web_count: int) -> None:
    cfg = build_config(simple, load_catalog_default(), knobs)
    start = build_config(simple, load_catalog_default()).scaling
    assert start is not None
    assert cfg.scaling == dataclasses.replace(start, **changes)  # type: ignore[arg-type]
    assert cfg.fleet.web_count == web_count == cfg.scaling.desired
    assert isinstance(cfg.scaling.min_size, int) and isinstance(cfg.scaling.desired, int)
    assert cfg.load_tests == build_config(simple, load_catalog_default()).load_tests


def test_a_lower_maximum_carries_the_desired_size_down() -> None:
    level = loads_level(_count(3) + ASG + "desired = 3\n" + knob_toml("asg.max_size", ["2", "4"], "4", "max"))
    cfg = build_config(level, load_catalog_default(), {"max": "2"})
    assert cfg.scaling is not None
    assert (cfg.scaling.max_size, cfg.scaling.desired, cfg.fleet.web_count) == (2, 2, 2)


@pytest.mark.parametrize(("choice", "expected"), [
    ("6@1200", (ScheduledAction(at=1200, min_size=6, desired=6),)),
    ("6@1500", (ScheduledAction(at=1500, min_size=6, desired=6),)),
    ("8@1200", (ScheduledAction(at=1200, min_size=8, desired=8),)),
    ("none", ()),
])
def test_the_schedule_knob_replaces_the_scheduled_actions(scheduled: Level, choice: str,
                                                          expected: tuple[ScheduledAction, ...]) -> None:
    cfg = build_config(scheduled, load_catalog_default(), {"schedule": choice})
    start = build_config(scheduled, load_catalog_default()).scaling
    assert cfg.scaling is not None and start is not None
    assert cfg.scaling.scheduled == expected
    assert cfg.scaling == dataclasses.replace(start, scheduled=expected)  # and nothing else changes


SIZES = (_count(2) + ASG + "min_size = 1\nmax_size = 4\ndesired = 2\n"
         + knob_toml("asg.min_size", ["1", "3", "5"], "1", "min")
         + knob_toml("asg.max_size", ["2", "4"], "4", "max")
         + knob_toml("asg.desired", ["1", "2", "4"], "2", "desired")
         + knob_toml("asg.scale_in_cpu", ["5", "20"], "5", "in_cpu")
         + knob_toml("asg.scale_out_cpu", ["10", "50"], "10", "out_cpu")
         + knob_toml("asg.schedule", ["none", "4@60", "3@60"], "none", "schedule"))


@pytest.mark.parametrize(("knobs", "expected"), [
    ({"min": "5"}, "knobs.min: min_size 5 is above max_size 4"),
    ({"min": "3", "max": "2"}, "knobs.min: min_size 3 is above max_size 2"),
    ({"desired": "4", "max": "2"}, "knobs.desired: desired 4 is outside min_size..max_size (1..2)"),
    ({"desired": "1", "min": "3"}, "knobs.desired: desired 1 is outside min_size..max_size (3..4)"),
    ({"in_cpu": "20"},
     "knobs.in_cpu: scale_in_cpu 20 must be below scale_out_cpu (10): otherwise one reading can call for "
     "both"),
    ({"schedule": "4@60", "max": "2"}, "knobs.schedule: leaves min_size 4 above max_size 2"),
    ({"schedule": "3@60", "max": "2"}, "knobs.schedule: leaves min_size 3 above max_size 2"),
])
def test_knobs_that_clash_are_refused_naming_the_knob(knobs: dict[str, str], expected: str) -> None:
    level = loads_level(SIZES)
    with pytest.raises(LevelError) as info:
        build_config(level, load_catalog_default(), knobs)
    assert f"{info.value.field}: {info.value.message}" == expected
    assert info.value.path == level.id


@pytest.mark.parametrize("knobs", [
    {"min": "3"}, {"max": "2"}, {"desired": "4"}, {"in_cpu": "20", "out_cpu": "50"}, {"schedule": "4@60"},
    {"min": "3", "max": "4", "desired": "4", "schedule": "3@60"},
])
def test_knobs_that_agree_build(knobs: dict[str, str]) -> None:
    cfg = build_config(loads_level(SIZES), load_catalog_default(), knobs)
    assert cfg.scaling is not None
    assert cfg.scaling.min_size <= cfg.scaling.desired == cfg.fleet.web_count <= cfg.scaling.max_size


def test_a_bad_asg_knob_value_is_refused_before_building(simple: Level) -> None:
    with pytest.raises(LevelError, match=r"knobs\.desired: '7' is not one of this knob's choices"):
        build_config(simple, load_catalog_default(), {"desired": "7"})


def test_commands_carry_the_typed_value(simple: Level, scheduled: Level) -> None:
    assert commands_for(simple, {"warmup": "30", "policy": "step", "max": "6"}) == [
        Command("asg.policy", "step"), Command("asg.max_size", 6), Command("asg.warmup_s", 30.0)]
    assert commands_for(scheduled, {"schedule": "8@1200"}) == [
        Command("asg.schedule", (ScheduledAction(at=1200.0, min_size=8, desired=8),))]


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.stem)
def test_the_engine_runs_the_built_configs(path: Path) -> None:
    level = load_level(path)
    sim = Simulation(build_config(level, load_catalog_default()), seed=1)
    sim.advance(60)
    assert sim.autoscaler is not None
    assert sim.autoscaler.desired == level.topology.web_count
    assert isinstance(sim.source, ClosedLoopSource) == bool(level.load_tests)
    assert sim.metrics.arrived > 0


def test_the_tutorials_experiment_from_the_fixture(simple: Level) -> None:
    """``ab -c 100 -t 180`` on a group of one at 10 % CPU adds a box and later removes it."""
    sim = Simulation(build_config(simple, load_catalog_default()), seed=1)
    sim.run()
    assert sim.autoscaler is not None
    changes = [(c.old, c.new) for c in sim.autoscaler.history if c.old != c.new]
    assert changes == [(1, 2), (2, 1)]


@pytest.mark.parametrize(("param", "knob_id", "values"), [
    ("asg.policy", "policy", list(POLICIES)),
    ("asg.scale_out_cpu", "out_cpu", ["10", "50", "70"]),
    ("asg.scale_in_cpu", "in_cpu", ["2", "5", "8"]),
    ("asg.target_cpu", "target", ["40", "60", "75"]),
    ("asg.cooldown_s", "cooldown", ["0", "60", "300"]),
    ("asg.period_s", "period", ["10", "60"]),
    ("asg.warmup_s", "warmup", ["0", "30", "120"]),
])
def test_a_knob_before_the_clock_equals_the_built_config(simple: Level, param: str, knob_id: str,
                                                        values: list[str]) -> None:
    """Building with a group setting and applying its command at t=0 give the same group. (The
    sizes are not compared this way: built, the boxes exist at t=0; applied, the group launches
    them and they boot.)"""
    catalog = load_catalog_default()
    for value in values:
        built = Simulation(build_config(simple, catalog, {knob_id: value}), seed=3)
        applied = Simulation(build_config(simple, catalog), seed=3)
        applied.apply(Command(param, RULES[param].read(value)))
        assert built.autoscaler is not None and applied.autoscaler is not None
        assert built.autoscaler.spec == applied.autoscaler.spec, (param, value)


@pytest.mark.parametrize(("param", "values"), [
    ("asg.min_size", ["0", "64"]),
    ("asg.max_size", ["1", "64"]),
    ("asg.desired", ["1", "64"]),
    ("asg.scale_out_cpu", ["6", "100"]),   # above scale_in_cpu = 5: the pair is checked together
    ("asg.scale_in_cpu", ["0", "9.5"]),    # below scale_out_cpu = 10
    ("asg.target_cpu", ["1", "100"]),
    ("asg.cooldown_s", ["0", "86400"]),
    ("asg.period_s", ["10", "3600"]),
    ("asg.warmup_s", ["0", "3600"]),
    ("asg.policy", list(POLICIES)),
    ("asg.schedule", ["none", "0@0", "64@86399"]),
])
def test_the_engine_accepts_every_choice_at_the_bounds(param: str, values: list[str]) -> None:
    """The content layer's ranges and words are the engine's: a choice the loader allows is
    carried out by ``Simulation.apply`` before the clock starts (on a group whose other values
    leave it room: min 0, max 64)."""
    text = (MINIMAL.replace("duration_s = 120", "duration_s = 86400") + ASG
            + "min_size = 0\nmax_size = 64\n")
    level = loads_level(text)
    for value in values:
        assert RULES[param].read(value) is not None
        sim = Simulation(build_config(level, load_catalog_default()), seed=1)
        if param == "asg.min_size":
            sim.apply(Command("asg.desired", RULES["asg.desired"].read(value if value != "0" else "1")))
        sim.apply(Command(param, RULES[param].read(value)))


def test_a_window_in_a_file_is_reported_at_its_line(tmp_path: Path) -> None:
    path = tmp_path / "42-minimal.toml"
    path.write_text(MINIMAL + ASG + "[[autoscaling.scheduled]]\nat = 30\nmin_size = 3\nuntil = 20\n",
                    encoding="utf-8")
    line = (MINIMAL + ASG).count("\n") + 4
    assert [str(e) for e in validate_file(path)] == [
        f"{path}:{line}: autoscaling.scheduled[0].until: ends at 20 s, not after it starts (30 s)"]


def test_a_window_choice_must_end_before_the_level_does_and_equals_its_table() -> None:
    late = problems_of(MINIMAL + ASG + knob_toml("asg.schedule", ["none", "3@60-120"], "none"))
    assert late == ["knobs[1].choices[1]: knob 'k' (asg.schedule): '3@60-120' is at 120 s, after the level "
                    "ends (120 s)"]
    table = "[[autoscaling.scheduled]]\nat = 60\nmin_size = 3\ndesired = 3\nuntil = 90\n"
    window = knob_toml("asg.schedule", ["none", "3@60-90"], "3@60-90")
    assert problems_of(MINIMAL + ASG + table + window) == []
    wrong = problems_of(MINIMAL + ASG + table + knob_toml("asg.schedule", ["3@60", "3@60-90"], "3@60"))
    assert len(wrong) == 1 and "{at = 60, min_size = 3, desired = 3, until = 90}" in wrong[0], wrong
    level = loads_level(MINIMAL + ASG + table)
    assert level.autoscaling is not None
    assert scaling_spec(level.autoscaling).scheduled == (
        ScheduledAction(at=60.0, min_size=3, desired=3, until=90.0),)
