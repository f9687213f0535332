"""Policy files: strict, and checked against the level they are for."""

from __future__ import annotations

from pathlib import Path

import pytest

from scaleout_tui.content import (
    Level,
    LevelError,
    Policy,
    load_level,
    load_policy,
    loads_policy,
    validate_policy_file,
)
from tests.content.corpus import GOOD

GOOD_POLICY = '''format = 1
[knobs]
web_size = "m5.xlarge"
layout = "two-tier"

[[changes]]
at = 450
knob = "web_size"
value = "m5.2xlarge"

[[changes]]
at = 100
knob = "db_size"
value = "m5.xlarge"

[[changes]]
at = 450
knob = "db_size"
value = "m5.large"
'''


@pytest.fixture(scope="module")
def level() -> Level:
    return load_level(GOOD)


def test_good_policy(level: Level, tmp_path: Path) -> None:
    path = tmp_path / "p.toml"
    path.write_text(GOOD_POLICY)
    policy = load_policy(path, level)
    assert policy == Policy(
        knobs={"web_size": "m5.xlarge", "layout": "two-tier"},
        changes=[(100.0, "db_size", "m5.xlarge"), (450.0, "web_size", "m5.2xlarge"),
                 (450.0, "db_size", "m5.large")],
    )
    assert validate_policy_file(path, level) == []


def test_empty_policy_is_just_defaults(level: Level) -> None:
    assert loads_policy("format = 1\n", level) == Policy()


@pytest.mark.parametrize(("change", "expected"), [
    (('web_size = "m5.xlarge"', 'web_sz = "m5.xlarge"'),
     "p.toml:3: knobs.web_sz: this level has no knob 'web_sz'; its knobs: web_size, db_size, layout"),
    (('web_size = "m5.xlarge"', 'web_size = "m5.24xlarge"'),
     "p.toml:3: knobs.web_size: 'm5.24xlarge' is not one of this knob's choices: m5.large, m5.xlarge, "
     "m5.2xlarge"),
    (('web_size = "m5.xlarge"', "web_size = 4"),
     "p.toml:3: knobs.web_size: a knob value must be a string, got"),
    (("at = 450", "at = 601"), "p.toml:7: changes[0].at: at 601 s is after the level ends (600 s)"),
    (("at = 100", "at = -1"), "p.toml:12: changes[1].at: must be at least 0 (got -1)"),
    (('knob = "db_size"', 'knob = "dbsize"'), "p.toml:13: changes[1].knob: this level has no knob 'dbsize'"),
    (('value = "m5.large"', 'value = "m5.small"'), "p.toml:19: changes[2].value: 'm5.small' is not one of"),
    (("[[changes]]\nat = 100", "[[changes]]\nwhen = 100"), "p.toml:12: changes[1].when: unknown key"),
    (("format = 1", "format = 2"), "p.toml:1: format: made for a newer scaleout (format 2)"),
    (("format = 1\n", ""), "p.toml:1: format: missing: a policy file starts with `format = 1`"),
    (("at = 450", "at = nan"), "p.toml:7: changes[0].at: must be a finite number (got nan)"),
    (("[knobs]", "[knobs"), "p.toml:2: invalid TOML"),
])
def test_bad_policies(level: Level, change: tuple[str, str], expected: str) -> None:
    with pytest.raises(LevelError) as info:
        loads_policy(GOOD_POLICY.replace(*change, 1), level, "p.toml")
    assert str(info.value).startswith(expected)


def test_every_policy_problem_is_reported(level: Level, tmp_path: Path) -> None:
    path = tmp_path / "p.toml"
    text = GOOD_POLICY.replace('web_size = "m5.xlarge"', 'web_size = "huge"').replace("at = 100", "at = 700")
    path.write_text(text)
    assert [p.field for p in validate_policy_file(path, level)] == ["knobs.web_size", "changes[1].at"]


def test_missing_policy_file(level: Level, tmp_path: Path) -> None:
    with pytest.raises(LevelError, match="no such file"):
        load_policy(tmp_path / "nope.toml", level)
    assert len(validate_policy_file(tmp_path / "nope.toml", level)) == 1
