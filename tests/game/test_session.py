"""The game layer: objectives, stars, timed policy changes and the report contract."""

from __future__ import annotations

import json

import pytest

from scaleout_tui.content.catalog import load_catalog_default
from scaleout_tui.content.loader import load_level
from scaleout_tui.content.paths import find_level
from scaleout_tui.engine import CommandError
from scaleout_tui.game.headless import report, run_level
from scaleout_tui.game.session import ObjectiveResult, Session, meets, stars_for
from scaleout_tui.game.texts import refusal


def obj(met: bool, stretch: float | None, stretch_met: bool) -> ObjectiveResult:
    return ObjectiveResult("x", "X", "cost", "<=", 1.0, stretch, 0.5, met, stretch_met)


def test_meets_respects_the_direction_and_rejects_nan():
    assert meets(1.0, "<=", 1.0) and not meets(1.01, "<=", 1.0)
    assert meets(99.9, ">=", 99.9) and not meets(99.8, ">=", 99.9)
    assert not meets(float("nan"), "<=", 1e9)


def test_stars():
    assert stars_for(False, [obj(False, 1, True)]) == 0
    assert stars_for(True, [obj(True, None, False)]) == 3
    three = [obj(True, 0.5, True), obj(True, 0.5, True), obj(True, 0.5, True)]
    assert stars_for(True, three) == 3
    assert stars_for(True, [obj(True, 0.5, True), obj(True, 0.5, False)]) == 2
    assert stars_for(True, [obj(True, 0.5, False), obj(True, 0.5, False), obj(True, 0.5, True)]) == 1


@pytest.fixture(scope="module")
def level1():
    return load_level(find_level("01-single-server"))


def short(level, **kw):
    return Session(level, load_catalog_default(), **kw)


def test_unknown_knob_or_value_is_refused_with_a_reason(level1):
    s = short(level1)
    with pytest.raises(CommandError) as unknown:
        s.set_knob("colour", "red")
    assert unknown.value.code == "unknown_knob" and "no setting 'colour'" in refusal(unknown.value)
    with pytest.raises(CommandError) as bad:
        s.set_knob("size", "m5.metal")
    assert bad.value.code == "bad_knob_value" and "'m5.metal' is not one of" in refusal(bad.value)


def test_a_scheduled_change_happens_at_its_time(level1):
    s = short(level1, changes=[(300.0, "size", "m5.xlarge")])
    s.advance(400)
    starts = [e for e in s.sim.log if e.code == "resize_start"]
    assert len(starts) == 1 and starts[0].t == pytest.approx(300.0)
    assert s.history == [(300.0, "size", "m5.xlarge")]


def test_a_knob_change_before_the_clock_starts_costs_no_downtime(level1):
    s = short(level1)
    s.set_knob("size", "m5.2xlarge")
    s.advance(120)
    assert s.sim.boxes[0].itype.name == "m5.2xlarge"
    assert s.errors()["refused"] == 0
    assert not any(e.code == "resize_start" for e in s.sim.log)


@pytest.mark.slow
def test_report_follows_the_contract_and_is_deterministic():
    a = run_level("01-single-server", seed=3)
    b = run_level("01-single-server", seed=3)
    c = run_level("01-single-server", seed=4)
    assert json.dumps(a) == json.dumps(b)
    assert a["digest"] != c["digest"]
    assert list(a)[:8] == ["level", "seed", "won", "stars", "objectives", "summary", "lesson", "knobs"]
    assert set(a["objectives"][0]) >= {"id", "target", "value", "met"}
    s = a["summary"]
    assert set(s) >= {"requests", "completed", "errors", "latency_ms", "throughput_rps", "cost",
                      "peak_instances"}
    assert set(s["latency_ms"]) == {"mean", "p50", "p95", "p99"}
    assert s["requests"] == s["completed"] + sum(s["errors"].values()) + s["in_flight"]
    assert a["lesson"]["peak_cpu_pct"] == pytest.approx(100.0)


@pytest.mark.slow
def test_report_of_a_finished_session_matches_run_level(level1):
    s = short(level1, seed=5, knobs={"size": "m5.4xlarge"})
    r = report(s, s.run())
    assert r == run_level("01-single-server", seed=5, sets={"size": "m5.4xlarge"})
