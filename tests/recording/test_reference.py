"""The reference solution as a replay made in memory (``recording.reference``): it costs nothing
to open, plays to the level's end although it has no report, and wins."""

from __future__ import annotations

from scaleout_tui.content.catalog import load_catalog_default
from scaleout_tui.content.loader import load_level
from scaleout_tui.content.paths import find_level, sandbox_path, solution_path
from scaleout_tui.content.policy import load_policy
from scaleout_tui.recording import reference_replay

LEVEL_1 = "01-single-server"


def test_the_reference_run_of_level_1_opens_at_zero_and_wins_at_the_end() -> None:
    path = find_level(LEVEL_1)
    level = load_level(path)
    replay = reference_replay(level, path, 3, load_catalog_default())
    assert replay is not None
    # nothing simulated ahead: the header is the whole run
    assert replay.now == 0.0
    assert replay.recording.commands == [] and replay.recording.report is None
    # ... yet it goes to the level's end, not to its (absent) last line
    assert replay.recording.to_end and replay.end == level.duration_s
    solution = solution_path(LEVEL_1)
    assert solution is not None and replay.recording.path == solution
    policy = load_policy(solution, level)
    header = replay.recording.header
    assert header.seed == 3
    assert header.knobs == {**header.knobs, **policy.knobs}
    assert header.schedule == policy.changes
    result = replay.run()
    assert result["won"] is True, [o for o in result["objectives"] if not o["met"]]
    assert replay.mismatches == []


def test_a_level_without_a_solution_has_no_reference_run() -> None:
    level = load_level(sandbox_path())
    assert reference_replay(level, sandbox_path(), 1, load_catalog_default()) is None
