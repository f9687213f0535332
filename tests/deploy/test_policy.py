"""The sandbox policy an import writes: exact values where the sandbox offers them, the nearest
choice (said, with the file and line) where it does not, and nothing silently dropped."""

from __future__ import annotations

from scaleout_tui.content.loader import load_level
from scaleout_tui.content.paths import sandbox_path
from scaleout_tui.content.policy import loads_policy
from scaleout_tui.deploy.design import Imported, Where
from scaleout_tui.deploy.policy import adjusted_text, knob_text, policy_text, sandbox_knobs
from scaleout_tui.engine.autoscaler_spec import ScheduledAction

SANDBOX = load_level(sandbox_path())


def imported(**settings: object) -> Imported:
    found = Imported()
    for i, (param, value) in enumerate(settings.items()):
        found.set(param.replace("__", "."), value, Where("haproxy.cfg", 10 + i))  # type: ignore[arg-type]
    return found


def test_values_read_as_a_knobs_choice() -> None:
    assert knob_text(30.0) == "30"
    assert knob_text(2.5) == "2.5"
    assert knob_text(True) == "on" and knob_text(False) == "off"
    assert knob_text("least_conn") == "least_conn"
    assert knob_text(()) == "none"
    assert knob_text((ScheduledAction(at=300.0, min_size=8, desired=8),)) == "8@300"
    assert knob_text((ScheduledAction(at=300.0, min_size=8, desired=8, until=900.0),)) == "8@300-900"
    # no choice says two actions, or a maximum
    assert knob_text((ScheduledAction(at=1.0, min_size=2, desired=2), ScheduledAction(at=9.0, min_size=3,
                                                                                     desired=3))) is None
    assert knob_text((ScheduledAction(at=1.0, max_size=9),)) is None


def test_exact_values_become_the_knobs_and_the_policy_loads() -> None:
    found = imported(lb__algorithm="least_conn", health__interval_s=2.0, health__unhealthy_threshold=3)
    knobs, adjusted = sandbox_knobs(found, SANDBOX)
    assert knobs == {"algorithm": "least_conn", "check_every": "2", "unhealthy": "3"}
    assert adjusted == []
    text, _ = policy_text(found, SANDBOX, ["haproxy.cfg"])
    assert loads_policy(text, SANDBOX).knobs == knobs
    assert 'check_every = "2"  # haproxy.cfg:11' in text


def test_a_value_the_sandbox_lacks_plays_as_the_nearest_and_says_so() -> None:
    found = imported(health__interval_s=7.0, health__healthy_threshold=4)
    knobs, adjusted = sandbox_knobs(found, SANDBOX)
    assert knobs["check_every"] == "5"  # 7 is nearer 5 than 10
    assert knobs["healthy"] == "3"  # 4 is as near 3 as 5: the lower (a quicker return) wins
    assert [(a.param, a.value, a.instead, a.reason) for a in adjusted] == [
        ("health.interval_s", "7", "5", "nearest"), ("health.healthy_threshold", "4", "3", "nearest")]
    line = adjusted_text(adjusted[0])
    assert line.startswith("haproxy.cfg:10: health.interval_s = 7") and "5" in line
    text, _ = policy_text(found, SANDBOX, ["haproxy.cfg"])
    assert "written as 7" in text
    assert loads_policy(text, SANDBOX).knobs == knobs


def test_a_setting_without_a_knob_or_a_choice_is_left_out_and_listed() -> None:
    found = imported(db__shards=4, lb__algorithm="least_outstanding_requests")
    knobs, adjusted = sandbox_knobs(found, SANDBOX)
    assert knobs == {}
    assert {(a.param, a.reason) for a in adjusted} == {("db.shards", "no_knob"),
                                                      ("lb.algorithm", "no_choice")}
    text, _ = policy_text(found, SANDBOX, ["x.cfg"])
    assert "db.shards = 4" in text and "least_outstanding_requests" in text
    assert loads_policy(text, SANDBOX).knobs == {}


def test_a_fixed_fleets_size_is_the_groups_starting_size_in_the_sandbox() -> None:
    found = imported(web__count=4)
    knobs, adjusted = sandbox_knobs(found, SANDBOX)
    assert knobs == {"desired": "4"} and adjusted == []
    both = imported(web__count=4, asg__desired=4)
    assert sandbox_knobs(both, SANDBOX) == ({"desired": "4"}, [])
