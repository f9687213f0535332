"""Each debrief sentence is said only when its condition holds: both sides of every condition, the
plural helper, shares of tiny counts, the schedule's words, the HPA's reasons and exact targets."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from scaleout_tui.engine.autoscaler_spec import ScheduledAction
from scaleout_tui.game import debrief as db
from scaleout_tui.game import texts
from scaleout_tui.game.scoring import Floor, Saturation
from scaleout_tui.game.session import Result
from scaleout_tui.ui import fmt


def fake_sim(**kw: Any) -> Any:
    """The few attributes the helpers read."""
    base: dict[str, Any] = {"log": [], "config": SimpleNamespace(colocation_penalty=1.0), "balancers": None,
                            "metrics": SimpleNamespace(series={"p95_ms": [12.0]}), "now": 3600.0,
                            "autoscaler": None, "boxes": []}
    base.update(kw)
    return SimpleNamespace(**base)


# ---- the helpers in texts ----------------------------------------------------------------------
@pytest.mark.parametrize(("n", "expected"), [(0, "0 stars"), (1, "1 star"), (2, "2 stars"), (3, "3 stars")])
def test_plural(n: int, expected: str) -> None:
    assert texts.plural(n, texts.NOUN_STAR) == expected


@pytest.mark.parametrize(("n", "total", "expected"), [
    (112, 1_000_000, "under 0.1 %"), (0, 100, "0.0 %"), (1, 1000, "0.1 %"), (93, 1000, "9.3 %"),
    (1, 0, "0.0 %"),
])
def test_share_never_hides_a_count_in_zero(n: int, total: int, expected: str) -> None:
    assert texts.share(n, total) == expected


def test_span() -> None:
    spans = [texts.span(s) for s in (5, 119, 120, 1660, 3900)]
    assert spans == ["5 s", "119 s", "2 min", "28 min", "1 h 5 min"]


def test_no_debrief_template_guesses_a_plural() -> None:
    assert not [k for k, v in texts.DEBRIEF.items() if "(s)" in v]
    assert texts.DEBRIEF["won"].format(stars=texts.plural(1, texts.NOUN_STAR)) == "You won with 1 star."


def test_a_schedule_choice_in_words() -> None:
    from scaleout_tui.content.labels import schedule_words

    window = ScheduledAction(at=1920.0, min_size=40, desired=40, until=2460.0)
    assert schedule_words((window,)) == "40 instances from 32:00 to 41:00"
    assert schedule_words((ScheduledAction(at=1920.0, min_size=1, desired=1),)) == \
        "1 instance from 32:00, for the rest of the run"
    assert schedule_words(()) == "No scheduled action"


def test_the_choice_label_of_a_schedule_knob() -> None:
    from scaleout_tui.content.schema import Knob
    from scaleout_tui.ui.widgets.policy import choice_label

    knob = Knob(id="schedule", label="S", param="asg.schedule", choices=("none", "40@1920-2460"),
                default="none")
    assert choice_label(knob, "40@1920-2460", {}) == "40 instances from 32:00 to 41:00"
    assert choice_label(knob, "nonsense", {}) == "nonsense"


# ---- the HPA's reasons -------------------------------------------------------------------------
def hpa(**kw: Any) -> str:
    params: dict[str, Any] = {"metric": "cpu", "target": 50.0, "unready": 0, "missing": 0}
    params.update(kw)
    return texts.scaling_cause("hpa", params)


def test_an_hpa_change_with_every_pod_ready_gives_no_reason_beyond_the_formula() -> None:
    assert hpa(value=56.0, want=3, ready=2) == "HPA: CPU 56 % vs target 50 % → 3"


def test_an_hpa_scale_up_says_the_pods_it_counted_at_zero() -> None:
    line = hpa(value=100.0, want=12, ready=6, unready=2, missing=1)
    assert "6 pods ready" in line and "2 not ready yet, counted at 0 %" in line
    assert "1 with no reading yet, counted at 0 %" in line


def test_an_hpa_scale_down_says_missing_pods_count_full_and_stabilisation() -> None:
    assert "1 with no reading yet, counted at 100 %" in hpa(value=10.0, want=2, ready=2, missing=1)
    held = hpa(value=3.0, want=31, ready=34)
    assert "stabilisation" in held
    assert "stabilisation" not in hpa(value=3.0, want=3, ready=34)  # the formula's own count


# ---- each debrief condition, both sides -----------------------------------------------------------
@pytest.mark.parametrize(("peak", "secs", "key"), [
    (95.0, 3.0, "cpu_burst"), (80.0, 0.0, "cpu_tight"), (40.0, 0.0, "cpu_fine"),
    (100.0, 30.0, "cpu_saturated"),
])
def test_the_cpu_line_matches_the_peak(peak: float, secs: float, key: str) -> None:
    line = db._cpu_line(fake_sim(), Saturation("web-2", peak, secs, 4.0))
    first = texts.DEBRIEF[key].split("{")[0]
    assert line.startswith(first)
    assert ("headroom all run" in line) is (key == "cpu_fine")


def test_counts_and_long_times_are_grouped_by_thousands() -> None:
    """Found playing level 3: "76248 reads" beside "38,669 requests" in one debrief, and "for
    1276 s ... reached 8887 ms" on level 1. Every count and time reads grouped, in both
    languages' templates."""
    clones = fake_sim(clones=["web-4"], log=[SimpleNamespace(code="redirect_own_host")],
                      copies=SimpleNamespace(divergent_reads=76248, stranded_writes=12444, reads=327_000),
                      redirects=SimpleNamespace(pins=2255, bypassed=34714, bypassed_failed=9537))
    text = " ".join(db._clone_lines(clones))
    assert all(n in text for n in ("76,248", "12,444", "2,255", "34,714", "9,537")), text
    hot = fake_sim(metrics=SimpleNamespace(series={"p95_ms": [8887.0]}))
    line = db._cpu_line(hot, Saturation("web-1", 100.0, 1276.0, 511.0))
    assert "1,276\u00a0s" in line and "8,887\u00a0ms" in line, line


def test_the_database_paragraph_only_where_the_database_matters() -> None:
    web = [Saturation("web-1", 60.0, 0.0, 0.0), Saturation("db-1", 30.0, 0.0, 0.0)]
    assert db._database_matters(fake_sim(), web, 30.0) is False
    assert db._database_matters(fake_sim(), web, 85.0) is True  # the database is hot
    hot_db = [Saturation("db-1", 70.0, 0.0, 0.0), Saturation("web-1", 60.0, 0.0, 0.0)]
    assert db._database_matters(fake_sim(), hot_db, 70.0) is True  # the hottest box
    lesson = fake_sim(config=SimpleNamespace(colocation_penalty=1.6))
    assert db._database_matters(lesson, web, 30.0) is True  # level 2's lesson
    moved = fake_sim(log=[SimpleNamespace(code="migrate_done")])
    assert db._database_matters(moved, web, 30.0) is True


def test_two_balancer_nodes_are_no_single_point_of_failure() -> None:
    one = fake_sim(balancers=SimpleNamespace(spec=SimpleNamespace(count=1, failover_s=3.0)))
    two = fake_sim(balancers=SimpleNamespace(spec=SimpleNamespace(count=2, failover_s=3.0)))
    assert "single point of failure" in db._lb_down_line(one, 5)
    line = db._lb_down_line(two, 1)
    assert "single point of failure" not in line and line.startswith("1 request never")


def cost_result(cost: float) -> Result:
    return Result(False, 0, (), {"cost": cost, "cost_per_hour": cost, "outage_s": 0.0})


def test_within_budget_the_cost_is_only_stated(monkeypatch: pytest.MonkeyPatch) -> None:
    lines = db._cost_lines(fake_sim(), cost_result(2.0), 3.0)
    assert lines == [texts.DEBRIEF["cost_ok"].format(cost=2.0, rate=2.0)]
    assert db._cost_lines(fake_sim(), cost_result(2.0), None) == lines


def test_a_scheduled_minimum_is_named_as_the_cost_not_a_big_box(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(db, "floor_held", lambda sim: Floor(40, 1920.0, 3600.0, 1680.0, True, 1.63))
    monkeypatch.setattr(db, "big_web_boxes", lambda sim: None)
    group = SimpleNamespace(spec=SimpleNamespace(scheduled=(ScheduledAction(at=1920.0, min_size=40),)),
                            samples={"in_service": [], "pending": []})
    text = " ".join(db._cost_lines(fake_sim(autoscaler=group), cost_result(3.68), 3.0))
    assert "the scheduled minimum held it there" in text and "$1.63" in text
    assert "32:00 to 1:00:00" in text and "has no end of its own" in text
    assert "bigger box" not in text


def test_a_window_with_an_end_is_not_told_to_have_one(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(db, "floor_held", lambda sim: Floor(40, 1920.0, 2460.0, 540.0, True, 0.5))
    monkeypatch.setattr(db, "big_web_boxes", lambda sim: None)
    window = ScheduledAction(at=1920.0, min_size=40, until=2460.0)
    group = SimpleNamespace(spec=SimpleNamespace(scheduled=(window,)),
                            samples={"in_service": [], "pending": []})
    text = " ".join(db._cost_lines(fake_sim(autoscaler=group), cost_result(3.2), 3.0))
    assert "held it there" in text and "no end of its own" not in text


def test_big_boxes_are_named_only_when_they_are_most_of_the_cost(monkeypatch: pytest.MonkeyPatch) -> None:
    from scaleout_tui.game.scoring import BigBoxes

    monkeypatch.setattr(db, "floor_held", lambda sim: None)
    monkeypatch.setattr(db, "big_web_boxes", lambda sim: BigBoxes("m5.8xlarge", 0.9, 3.0))
    assert any("bigger box" in x for x in db._cost_lines(fake_sim(), cost_result(4.0), 3.0))
    monkeypatch.setattr(db, "big_web_boxes", lambda sim: BigBoxes("m5.8xlarge", 0.9, 1.0))
    assert not any("bigger box" in x for x in db._cost_lines(fake_sim(), cost_result(4.0), 3.0))


# ---- objective targets, exactly ----------------------------------------------------------------
@pytest.mark.parametrize(("metric", "value", "expected"), [
    ("divergent_read_pct", 0.5, "0.50 %"), ("divergent_read_pct", 0.0, "0.00 %"),
    ("requests_bypassing_lb", 0.5, "0.5"), ("sessions_lost", 0.0, "0"), ("error_rate_pct", 0.45, "0.45 %"),
    ("error_rate_pct", 0.125, "0.125 %"), ("cost", 2.5, "$2.50"), ("latency_p95_ms", 250.0, "250 ms"),
    ("slo_violation_s", 120.0, "120 s"), ("cost", 3.0, "$3.00"),
])
def test_a_target_is_shown_as_the_level_sets_it(metric: str, value: float, expected: str) -> None:
    assert fmt.target(metric, value) == expected


def test_counts_in_the_log_are_plural_only_when_more_than_one() -> None:
    from scaleout_tui.engine.events import LogEntry

    one = texts.describe(LogEntry(10.0, "shard_boot", "info", {"n": 1, "boot_s": 60.0}))
    two = texts.describe(LogEntry(10.0, "shard_boot", "info", {"n": 2, "boot_s": 60.0}))
    assert one == "Booting 1 new shard (60 s)" and two == "Booting 2 new shards (60 s)"
