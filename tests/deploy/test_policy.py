"""The sandbox policy an import writes: values as written (a sandbox knob takes any value its
parameter reads), the nearest choice (said, with the file and line) for one the game cannot
play, and nothing silently dropped."""

from __future__ import annotations

import pytest

from scaleout_tui.content.catalog import load_catalog_default
from scaleout_tui.content.errors import LevelError
from scaleout_tui.content.knobs import takes
from scaleout_tui.content.loader import load_level
from scaleout_tui.content.paths import find_level, sandbox_path, sandbox_paths
from scaleout_tui.content.policy import loads_policy
from scaleout_tui.deploy.design import Imported, Where
from scaleout_tui.deploy.policy import adjusted_text, best_sandbox, knob_text, policy_text, sandbox_knobs
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


def test_a_value_between_the_choices_plays_exactly_as_written() -> None:
    found = imported(health__interval_s=7.0, asg__min_size=3, asg__target_cpu=65.0)
    knobs, adjusted = sandbox_knobs(found, SANDBOX)
    assert knobs == {"check_every": "7", "min": "3", "target": "65"}
    assert adjusted == []
    text, _ = policy_text(found, SANDBOX, ["hpa.yaml"])
    assert loads_policy(text, SANDBOX).knobs == knobs


def test_a_value_the_game_cannot_play_is_the_nearest_choice_and_says_so() -> None:
    found = imported(health__interval_s=0.5, health__healthy_threshold=40)
    knobs, adjusted = sandbox_knobs(found, SANDBOX)
    assert knobs["check_every"] == "2"  # under the schema's 1 s: the nearest listed choice
    assert knobs["healthy"] == "5"  # over the schema's 10
    assert [(a.param, a.value, a.instead, a.reason) for a in adjusted] == [
        ("health.interval_s", "0.5", "2", "nearest"), ("health.healthy_threshold", "40", "5", "nearest")]
    line = adjusted_text(adjusted[0])
    assert line.startswith("haproxy.cfg:10: health.interval_s = 0.5") and "playing 2" in line
    text, _ = policy_text(found, SANDBOX, ["haproxy.cfg"])
    assert "written as 0.5" in text
    assert loads_policy(text, SANDBOX).knobs == knobs


def test_a_campaign_level_takes_only_its_listed_choices() -> None:
    level = load_level(find_level("03-load-balancer"))
    knob = level.knob("interval")
    assert knob is not None and "7" not in knob.choices
    assert not takes(level, knob, "7", load_catalog_default())
    with pytest.raises(LevelError):
        loads_policy('format = 1\n[knobs]\ninterval = "7"\n', level)


def test_a_setting_without_a_knob_or_a_choice_is_left_out_and_listed() -> None:
    found = imported(db__shards=4, lb__algorithm="weighted_random")
    knobs, adjusted = sandbox_knobs(found, SANDBOX)
    assert knobs == {}
    assert {(a.param, a.reason) for a in adjusted} == {("db.shards", "no_knob"),
                                                      ("lb.algorithm", "no_choice")}
    text, _ = policy_text(found, SANDBOX, ["x.cfg"])
    assert "db.shards = 4" in text and "weighted_random" in text
    assert loads_policy(text, SANDBOX).knobs == {}


def test_a_fixed_fleets_size_is_the_groups_starting_size_in_the_sandbox() -> None:
    found = imported(web__count=4)
    knobs, adjusted = sandbox_knobs(found, SANDBOX)
    assert knobs == {"desired": "4"} and adjusted == []
    both = imported(web__count=4, asg__desired=4)
    assert sandbox_knobs(both, SANDBOX) == ({"desired": "4"}, [])


# ---- which sandbox an import offers the settings to ----------------------------------------------
SANDBOXES = [load_level(p) for p in sandbox_paths()]


def test_the_sandboxes_are_offered_main_one_first() -> None:
    assert [lv.id for lv in SANDBOXES] == ["99-sandbox", "98-sandbox-shards", "97-sandbox-chapter-two"]


@pytest.mark.parametrize(("settings", "chosen"), [
    # a web tier alone: every sandbox plays it all, and the main one is first
    ({"health__interval_s": 2.0, "lb__algorithm": "least_conn", "web__count": 4}, "99-sandbox"),
    # a device tier: only chapter two's sandbox has its knobs
    ({"lb__algorithm": "round_robin", "ingest__comm_count": 3, "ingest__jitter": "full"},
     "97-sandbox-chapter-two"),
    # a cache
    ({"cache__ttl_s": 60.0, "cache__policy": "cache-aside"}, "97-sandbox-chapter-two"),
    # shards
    ({"db__shards": 4}, "98-sandbox-shards"),
    # replicas and read routing (first chapter) outweigh one ingest setting
    ({"db__replicas": 2, "db__read_routing": "replicas", "ingest__comm_count": 3}, "99-sandbox"),
])
def test_an_import_goes_to_the_sandbox_that_plays_most_of_it(settings: dict[str, object],
                                                              chosen: str) -> None:
    found = imported(**settings)
    best = best_sandbox(found, SANDBOXES)
    assert best.id == chosen
    left = {lv.id: sum(a.reason == "no_knob" for a in sandbox_knobs(found, lv)[1]) for lv in SANDBOXES}
    assert left[chosen] == min(left.values())
