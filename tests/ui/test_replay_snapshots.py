"""Screenshots of the replay and compare screens at 80×24 and 200×60.

Level 1 recorded twice (a small box and a big one, :mod:`tests.ui.replays`), shown at 25:00:
three minutes after the spike at 22:00, where the small box's latency is off the chart and the
big one's is not. Manual clock, files with fixed names, a fresh ``SCALEOUT_HOME``: the pictures
are the same on every run.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from scaleout_tui.recording import open_replay
from scaleout_tui.ui.app import ScaleoutApp
from scaleout_tui.ui.screens.compare import CompareScreen
from scaleout_tui.ui.screens.replay import ReplayScreen
from tests.ui.conftest import two_level_game
from tests.ui.test_watch import lose_twice, lost_once_before
from tests.ui.views import Views

MOMENT_S = 1500.0
#: the winning run beside the player's: six minutes in, the player's small box already works
#: twice as hard as the reference's for the same traffic
WATCH_MOMENT_S = 360.0


async def seek_top(pilot: Pilot[int], kind: type[ReplayScreen | CompareScreen], t: float) -> None:
    """Move the screen on top, a replay or a comparison (checked), to ``t`` and let it draw."""
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, kind)
    screen.seek(t)
    await pilot.pause()


def scene_replay(recording: Path) -> Callable[[Pilot[int]], Coroutine[Any, Any, None]]:
    """The replay of ``recording`` at :data:`MOMENT_S` (test_snapshots_ko.py takes it too)."""

    async def run_before(pilot: Pilot[int]) -> None:
        app = pilot.app
        assert isinstance(app, ScaleoutApp)
        app.show_replay(open_replay(recording))
        await seek_top(pilot, ReplayScreen, MOMENT_S)

    return run_before


def scene_compare(a_file: Path, b_file: Path) -> Callable[[Pilot[int]], Coroutine[Any, Any, None]]:
    """Two recordings compared at :data:`MOMENT_S`."""

    async def run_before(pilot: Pilot[int]) -> None:
        app = pilot.app
        assert isinstance(app, ScaleoutApp)
        a = open_replay(a_file)
        a.seek(MOMENT_S)
        app.show_replay(a, open_replay(b_file))
        await pilot.pause()
        assert isinstance(app.screen, CompareScreen)
        assert app.screen.b.now == MOMENT_S

    return run_before


async def scene_watch_winning_run(pilot: Pilot[int]) -> None:
    """Level 1 lost twice, then ``w`` from the debrief, at :data:`WATCH_MOMENT_S`."""
    await lose_twice(pilot)
    await pilot.press("w")
    await seek_top(pilot, CompareScreen, WATCH_MOMENT_S)


@pytest.mark.slow
def test_replay_at_25_minutes(snap_views: Views, home: Path, level_1_recordings: tuple[Path, Path]) -> None:
    small, _ = level_1_recordings
    assert not snap_views(two_level_game(), run_before=scene_replay(small))


@pytest.mark.slow
def test_compare_small_and_large_box_at_25_minutes(snap_views: Views, home: Path,
                                                   level_1_recordings: tuple[Path, Path]) -> None:
    small, large = level_1_recordings
    assert not snap_views(two_level_game(), run_before=scene_compare(small, large))


@pytest.mark.slow
def test_compare_from_the_debrief_your_run_and_the_winning_run(snap_views: Views, home: Path) -> None:
    """Level 1 lost twice, then ``w``: the runs named in words (not file names), A and B in the
    charts' legends with their glyphs, the p95 target labelled, the reference's start setting
    in the commands."""
    lost_once_before()
    assert not snap_views(two_level_game(), run_before=scene_watch_winning_run)
