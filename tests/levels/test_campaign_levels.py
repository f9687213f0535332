"""Every shipped level is valid, its starting set-up loses and its reference solution wins.

The reference solutions live in ``assets/solutions/<level-id>.toml`` (``paths.solution_path``):
never in the level file, but shipped with the game, which offers to replay one after two losses;
this test is what makes that replay a *winning* run.
"""

from __future__ import annotations

import os

import pytest

from scaleout_tui.content.loader import validate_file
from scaleout_tui.content.paths import level_ids, levels_dir, solution_path, solutions_dir
from scaleout_tui.game.headless import run_level
from tests.levels.runs import level_report

LEVELS = level_ids()
#: A whole level is one of the suite's longest runs (2-14 s of CPU each). ``make test-fast`` keeps
#: one of them, level 1 on seed 1, as the smoke test of the whole path (load, run, grade); CI runs
#: every level's reference solution on seeds 1-3 (the seeds the engine's reference reports use) and
#: every starting set-up on seed 1, marked slow.
#: Seeds 1-10 were measured when this was cut from ten seeds: the reference solutions' tight
#: margins (06's lost writes, 02's and 08's cost: 0-5 % of the target) do not move with the seed;
#: the objectives that do move by up to 12 % of their target had margins of 41 % or more; and
#: no objective of a starting set-up was met on any seed (the nearest missed by 67 %).
#: ``make test-levels`` sets SCALEOUT_LEVEL_SEEDS=10 to run seeds 1-10, after a change that moves
#: the engine's numbers or a level.
#: A starting set-up is checked on seed 1 only unless SCALEOUT_LEVEL_SEEDS is set: it misses by
#: far more than a seed moves a figure (above), where a reference solution's margins are thin.
SEEDS = os.environ.get("SCALEOUT_LEVEL_SEEDS")


def _cases(seeds: int) -> list[object]:
    return [pytest.param(level, seed, id=f"{level}-{seed}",
                         marks=pytest.mark.core if (level, seed) == (LEVELS[0], 1) else pytest.mark.slow)
            for level in LEVELS
            for seed in range(1, seeds + 1)]


CASES = _cases(int(SEEDS or 3))
START_CASES = _cases(int(SEEDS or 1))


def test_the_campaign_ships_its_levels():
    assert LEVELS[:2] == ["01-single-server", "02-two-tiers"]


@pytest.mark.parametrize("level", LEVELS)
def test_level_file_is_valid(level):
    assert validate_file(levels_dir() / f"{level}.toml") == []


@pytest.mark.parametrize("level", LEVELS)
def test_every_level_has_a_reference_solution(level):
    assert solution_path(level) == solutions_dir() / f"{level}.toml"


@pytest.mark.parametrize(("level", "seed"), START_CASES)
def test_starting_setup_loses(level, seed, tmp_path_factory):
    report = level_report(tmp_path_factory, level, seed)
    assert report["won"] is False
    assert report["stars"] == 0


@pytest.mark.parametrize(("level", "seed"), CASES)
def test_reference_solution_wins(level, seed, tmp_path_factory):
    report = level_report(tmp_path_factory, level, seed, solution_path(level))
    assert report["won"] is True, [o for o in report["objectives"] if not o["met"]]
    assert report["stars"] >= 1


def test_the_tutorials_experiment_ships_as_a_scenario():
    """ab -c 100 -t 180 against one instance: one instance added under the load, and
    removed a few minutes after the load stops (run it: ``scaleout run 90-ab-experiment``)."""
    report = run_level("90-ab-experiment", seed=1)
    lesson = report["lesson"]
    assert report["won"] is True
    assert lesson["scale_out_events"] == 1 and lesson["scale_in_events"] == 1
    assert 60.0 <= lesson["time_to_first_scale_out_s"] <= 120.0
    assert report["summary"]["errors"] == {k: 0 for k in report["summary"]["errors"]}
    assert run_level("90-ab-experiment", seed=1, sets={"policy": "none"})["won"] is False


@pytest.mark.slow  # whole runs of the longest level
@pytest.mark.parametrize("sets,fails", [
    ({"policy": "none"}, "slo"),                  # a fleet fixed at its minimum misses the SLO
    ({"min": "60"}, "cost"),                      # a fleet fixed at the maximum costs too much
    ({}, "slo"),                                  # a naive policy reacts too late for the ad
])
def test_autoscaling_level_punishes_fixed_fleets_and_late_reaction(sets, fails, tmp_path_factory):
    """On seed 1, so the naive policy's run is the starting set-up's above, made once; level 8's
    losing set-ups run on seed 1 only (seeds 1 and 2 miss by the same margins: SLO 515-542
    minutes against 120, cost $7.49 against $3; ``make test-levels`` loses the start on seeds 1-10)."""
    report = level_report(tmp_path_factory, "08-autoscaling", 1, sets=sets)
    missed = {o["id"] for o in report["objectives"] if not o["met"]}
    assert report["won"] is False and fails in missed
