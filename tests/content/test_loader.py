"""The good fixture loads, defaults apply, and the semantic pass reports every problem."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from scaleout_tui.content import (
    METRICS,
    Level,
    LevelError,
    load_catalog_default,
    load_level,
    loads_level,
    validate_file,
    validate_level,
)
from scaleout_tui.content.decode import Source, load_struct
from scaleout_tui.content.schema import EngineParams
from tests.content.corpus import GOOD

MINIMAL = """
format = 1
id = "42-minimal"
order = 42
title = "Minimal"
subtitle = "Only what is required"
concepts = ["scale up"]
duration_s = 120
[briefing]
text = "Keep it up."
[topology]
layout = "single"
web_size = "m5.large"
[traffic]
users = 10
curve = [[0, 5]]
[[traffic.kinds]]
name = "page"
weight = 1
app_ms = 20
[[knobs]]
id = "web_size"
label = "Size"
param = "web.size"
choices = ["m5.large", "m5.xlarge"]
default = "m5.large"
[[objectives]]
id = "errors"
label = "Errors"
metric = "error_rate_pct"
op = "<="
target = 1
"""


def test_good_fixture_is_valid() -> None:
    assert validate_file(GOOD) == []
    level = load_level(GOOD)
    assert isinstance(level, Level)
    assert level.id == "99-good" == GOOD.stem
    assert level.traffic.curve == ((0.0, 20.0), (300.0, 40.0), (600.0, 60.0))
    assert [k.name for k in level.traffic.kinds] == ["page", "static"]
    assert level.traffic.kinds[1].db_ms == 0.0 and level.traffic.kinds[1].cv == 1.0
    assert level.traffic.spikes[0].name == "launch ad"
    assert level.engine.dispatch == "round_robin"
    assert level.events[0].target == "db"
    assert level.objectives[0].stretch == 250 and level.objectives[1].stretch is None
    assert level.knob("layout") is not None and level.knob("nope") is None


def test_optional_tables_take_engine_defaults() -> None:
    level = loads_level(MINIMAL, stem="42-minimal")
    assert level.engine == EngineParams()
    assert level.engine.timeout_s == 30 and level.engine.queue_limit == 511
    assert level.events == () and level.hints == () and level.traffic.spikes == ()
    assert level.traffic.distribution == "lognormal"
    assert level.topology.db_size is None and level.topology.web_count == 1
    assert level.knobs[0].type == "choice"


def test_levels_are_immutable() -> None:
    level = loads_level(MINIMAL)
    with pytest.raises(AttributeError):
        level.title = "changed"  # type: ignore[misc]


def test_loads_level_checks_stem_only_when_given() -> None:
    loads_level(MINIMAL)
    with pytest.raises(LevelError, match="must equal the file name"):
        loads_level(MINIMAL, "levels/43-other.toml", stem="43-other")


def test_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "42-minimal.toml"
    path.write_bytes(b"\xef\xbb\xbf" + MINIMAL.encode())
    assert validate_file(path) == []


def test_semantic_pass_collects_every_problem_in_file_order() -> None:
    text = (MINIMAL.replace('layout = "single"', 'layout = "ring"')
            .replace("curve = [[0, 5]]", "curve = [[5, 5], [4, 6]]")
            .replace('metric = "error_rate_pct"', 'metric = "happiness"')
            .replace('op = "<="', 'op = "=="'))
    src = Source("levels/42-minimal.toml", text)
    parsed = load_struct(src, Level, "level")
    problems = validate_level(parsed, load_catalog_default(), src, stem="42-minimal")
    assert [p.field for p in problems] == [
        "topology.layout", "traffic.curve[0]", "traffic.curve[1]", "objectives[0].metric", "objectives[0].op",
    ]
    assert all(p.line is not None for p in problems)
    assert str(problems[2]) == ("levels/42-minimal.toml:16: traffic.curve[1]: "
                                "time must increase (got 4 after 5)")


def test_validate_level_without_source_names_the_level_id() -> None:
    level = loads_level(MINIMAL)
    catalog = {k: v for k, v in load_catalog_default().items() if k != "m5.xlarge"}
    problems = validate_level(level, catalog)
    assert [str(p) for p in problems] == [
        "42-minimal: knobs[0].choices[1]: 'm5.xlarge' is not an instance type in the catalog; known types: "
        + ", ".join(catalog)
    ]


def test_knob_default_must_match_the_start_topology() -> None:
    text = MINIMAL.replace('default = "m5.large"', 'default = "m5.xlarge"')
    with pytest.raises(LevelError) as info:
        loads_level(text)
    assert info.value.field == "knobs[0].default"
    assert "topology.web_size" in info.value.message


def test_two_knobs_may_not_drive_one_parameter() -> None:
    text = MINIMAL + MINIMAL[MINIMAL.index("[[knobs]]"):MINIMAL.index("[[objectives]]")].replace(
        'id = "web_size"', 'id = "web_size_again"')
    with pytest.raises(LevelError, match="already set by knob 'web_size'"):
        loads_level(text)


@pytest.mark.parametrize(("lines", "field", "fragment"), [
    ('label = "Web box size for the evening rush hour"', "knobs[0].label", "give the knob a short_label"),
    ('label = "Web box size for the evening rush hour"\nshort_label = "Web box size for the evening"',
     "knobs[0].short_label", "is 28 cells wide"),
    ('label = "Size"\nshort_label = "Box size"', "knobs[0].short_label", "shorter than the label"),
])
def test_a_knob_heading_must_fit_the_settings_panel_at_80_columns(lines: str, field: str,
                                                                  fragment: str) -> None:
    """Issue 14: a heading longer than the panel's 24 columns was cut ("Scale out at CPU %
    (simple"); the loader asks for a short_label instead, and checks that one fits."""
    with pytest.raises(LevelError) as info:
        loads_level(MINIMAL.replace('label = "Size"', lines))
    assert info.value.field == field
    assert fragment in info.value.message


def test_a_short_label_heads_the_panel_and_the_label_stays_the_long_form() -> None:
    level = loads_level(MINIMAL.replace(
        'label = "Size"', 'label = "Web box size for the evening rush hour"\nshort_label = "Web box size"'))
    knob = level.knobs[0]
    assert (knob.heading, knob.label) == ("Web box size", "Web box size for the evening rush hour")
    assert loads_level(MINIMAL).knobs[0].heading == "Size"


@pytest.mark.parametrize(("lines", "field", "fragment"), [
    ('label = "Errors seen by the evening crowd"', "objectives[0].label", "give the objective a short_label"),
    ('label = "Errors seen by the evening crowd"\nshort_label = "Errors seen by them"',
     "objectives[0].short_label", "is 19 cells wide"),
    ('label = "Errors"\nshort_label = "Failures"', "objectives[0].short_label", "shorter than the label"),
    ('label = "Errors seen by the evening crowd"\nshort_label = "Evening errors"', None, "Evening errors"),
    ('label = "Errors"', None, "Errors"),
])
def test_an_objective_name_must_fit_the_objectives_panel_at_80_columns(lines: str, field: str | None,
                                                                       fragment: str) -> None:
    """Issue 14: the objectives panel cut "Seconds out of SLO (...)" to "Seconds out of …" at
    80×24; the same rules as a knob's heading, with the panel's 15 columns. A valid short label
    names the objective in the panel (``fragment`` is then the name) and the label stays whole."""
    text = MINIMAL.replace('label = "Errors"', lines)
    if field is None:
        objective = loads_level(text).objectives[0]
        assert objective.heading == fragment and objective.label == lines.split('"')[1]
        return
    with pytest.raises(LevelError) as info:
        loads_level(text)
    assert info.value.field == field
    assert fragment in info.value.message


@pytest.mark.parametrize(("op", "target", "stretch", "ok"), [
    ("<=", 500, 250, True), ("<=", 500, 500, True), ("<=", 500, 501, False),
    (">=", 99, 99.9, True), (">=", 99, 98, False),
])
def test_stretch_is_at_least_as_strict_as_target(op: str, target: float, stretch: float, ok: bool) -> None:
    text = MINIMAL.replace('op = "<="\ntarget = 1', f'op = "{op}"\ntarget = {target}\nstretch = {stretch}')
    if ok:
        assert loads_level(text).objectives[0].stretch == stretch
    else:
        with pytest.raises(LevelError, match="at least as strict"):
            loads_level(text)


@pytest.mark.parametrize("value", ["nan", "inf", "-inf", "+inf"])
@pytest.mark.parametrize("key", ["target = 1", "app_ms = 20", "duration_s = 120"])
def test_no_float_accepts_nan_or_inf(key: str, value: str) -> None:
    text = MINIMAL.replace(key, key.split("=")[0] + f"= {value}")
    with pytest.raises(LevelError) as info:
        loads_level(text)
    assert "finite" in info.value.message


def test_metrics_constant() -> None:
    assert METRICS == ("latency_p50_ms", "latency_p95_ms", "latency_p99_ms", "latency_mean_ms",
                       "error_rate_pct", "availability_pct", "cost", "cost_per_hour", "throughput_rps",
                       "peak_instances", "outage_s", "sessions_lost", "files_not_found", "detection_s",
                       "requests_to_unhealthy", "health_check_cpu_pct", "timeouts", "stale_reads",
                       "writes_lost", "replication_lag_ms_p95", "max_shard_share_pct", "scale_out_events",
                       "scale_in_events", "time_to_first_scale_out_s", "slo_violation_s",
                       "divergent_read_pct", "requests_bypassing_lb", "cache_hit_ratio_pct",
                       "duplicate_loads", "db_peak_queue", "messages_lost", "connects_refused",
                       "peak_connect_attempts_per_s", "new_comm_share_pct")


def test_every_metric_is_accepted() -> None:
    for metric in METRICS:
        level = loads_level(MINIMAL.replace('"error_rate_pct"', f'"{metric}"'))
        assert level.objectives[0].metric == metric
        assert math.isfinite(level.objectives[0].target)


@pytest.mark.parametrize(("target", "ok"), [
    ("web", True), ("db", True), ("web-1", True), ("web-2", False), ("db-1", False), ("lb", False),
])
def test_event_targets_in_a_single_box_level(target: str, ok: bool) -> None:
    text = MINIMAL + f'[[events]]\nat = 60\nkind = "crash"\ntarget = "{target}"\nrepair_s = 30\n'
    if ok:
        assert loads_level(text).events[0].target == target
    else:
        with pytest.raises(LevelError, match="names no box"):
            loads_level(text)


def test_db_box_is_a_valid_target_when_the_level_can_split() -> None:
    text = (MINIMAL + '[[knobs]]\nid = "layout"\nlabel = "Layout"\nparam = "layout"\n'
            'choices = ["single", "two-tier"]\ndefault = "single"\n'
            '[[events]]\nat = 60\nkind = "crash"\ntarget = "db-1"\nrepair_s = 30\n')
    assert loads_level(text).events[0].target == "db-1"


def test_request_kinds_come_from_the_engine() -> None:
    from scaleout_tui.engine.traffic import KINDS

    for kind in KINDS:
        assert loads_level(MINIMAL.replace('name = "page"', f'name = "{kind}"')).traffic.kinds[0].name == kind


def test_a_number_too_big_for_a_float_is_out_of_range() -> None:
    with pytest.raises(LevelError) as info:
        loads_level(MINIMAL.replace("duration_s = 120", "duration_s = " + "9" * 400))
    assert info.value.field == "duration_s"
    assert "out of range" in info.value.message


def test_a_level_text_is_parsed_once_and_a_broken_one_every_time() -> None:
    """``loader._level_struct``: the same text gives the same parsed Level (shared, it is frozen),
    a changed text a new one, a broken text its error on every load (never kept), and only the
    newest ``_PARSED_MAX`` texts stay."""
    from scaleout_tui.content import loader

    first = loader._level_struct(Source("a.toml", MINIMAL))
    assert loader._level_struct(Source("b.toml", MINIMAL)) is first
    changed = loader._level_struct(Source("a.toml", MINIMAL.replace('"Minimal"', '"Minimal too"')))
    assert changed is not first and changed.title == "Minimal too"
    broken = MINIMAL.replace("duration_s = 120", "duration_s = ")
    for _ in range(2):
        with pytest.raises(LevelError, match=r"broken\.toml"):
            loader._level_struct(Source("broken.toml", broken))
    assert broken not in loader._PARSED
    for i in range(loader._PARSED_MAX):
        loader._level_struct(Source("x.toml", MINIMAL.replace('"Minimal"', f'"Minimal {i}"')))
    assert len(loader._PARSED) == loader._PARSED_MAX and MINIMAL not in loader._PARSED
