"""An objective no run can meet is a level nobody can win: validate says so (issue 15).

A p95 target of -1 and an availability of at least 200 % both passed ``validate`` and made
levels that every player loses. Every metric is a count, a time, a cost or a share: never below 0,
and a share never above 100.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from scaleout_tui.content.loader import validate_file
from scaleout_tui.content.paths import levels_dir

LEVEL_1 = (levels_dir() / "01-single-server.toml").read_text(encoding="utf-8")
P95 = 'metric = "latency_p95_ms"\nop = "<="\ntarget = 300\nstretch = 150'
ERRORS = 'metric = "error_rate_pct"\nop = "<="\ntarget = 1.0\nstretch = 0.1'


def _problems(tmp_path: Path, old: str, new: str) -> list[str]:
    assert old in LEVEL_1
    path = tmp_path / "01-single-server.toml"
    path.write_text(LEVEL_1.replace(old, new, 1), encoding="utf-8")
    return [str(p).split(": ", 1)[1] for p in validate_file(path)]


@pytest.mark.parametrize(("old", "new", "expected"), [
    (P95, 'metric = "latency_p95_ms"\nop = "<="\ntarget = -1',
     "objectives[0].target: <= -1 cannot be met: this metric is never below 0, so no run could win"),
    (ERRORS, 'metric = "availability_pct"\nop = ">="\ntarget = 200',
     "objectives[1].target: >= 200 cannot be met: this share is never above 100 %, so no run could win"),
    (ERRORS, 'metric = "error_rate_pct"\nop = "<="\ntarget = 1.0\nstretch = -0.5',
     "objectives[1].stretch: <= -0.5 cannot be met: this metric is never below 0, so no run could win"),
    (P95, 'metric = "latency_p95_ms"\nop = "<="\ntarget = nan',
     "objectives[0].target: must be a finite number (got nan)"),  # the schema's own refusal
])
def test_an_objective_no_run_can_meet_is_refused(tmp_path: Path, old: str, new: str, expected: str) -> None:
    assert _problems(tmp_path, old, new) == [expected]


@pytest.mark.parametrize("new", [
    'metric = "throughput_rps"\nop = ">="\ntarget = 1000000',  # hard, not impossible: no upper limit
    'metric = "availability_pct"\nop = ">="\ntarget = 100',     # every request answered: possible
    'metric = "error_rate_pct"\nop = "<="\ntarget = 0',         # no failure at all: possible
])
def test_a_hard_but_possible_objective_passes(tmp_path: Path, new: str) -> None:
    assert _problems(tmp_path, ERRORS, new) == []
