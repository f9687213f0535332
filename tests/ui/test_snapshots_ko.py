"""The screens in Korean, at the minimum size (80×24) and a large one (200×60): every screen of the
English snapshots (``test_snapshots.py``, ``test_replay_snapshots.py``) has its Korean twin here.

Hangul takes two cells, so these are the pictures where a column measured in characters, a label
cut in the middle of a syllable or a border pushed out of line would show. Deterministic as the
English ones (manual clock, a fresh ``SCALEOUT_HOME``); the language is chosen the way ``--lang
ko`` chooses it, before the app is made.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine, Iterator
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from scaleout_tui import i18n
from scaleout_tui.ui.app import make_app
from scaleout_tui.ui.screens.confirm import ConfirmScreen
from scaleout_tui.ui.screens.help import HelpScreen
from tests.ui.conftest import (
    LEVEL_3,
    LEVEL_6,
    LEVEL_8,
    LONG_RUN_SIZES,
    SIZES,
    open_level,
    two_level_game,
    unlock_through,
)
from tests.ui.test_replay_snapshots import scene_compare, scene_replay
from tests.ui.test_snapshots import (
    scene_debrief_after_a_full_run,
    scene_level_3_web_2_out,
    scene_level_6_two_replicas,
    scene_level_8_scheduled_up,
    scene_play_after_300_s,
    scene_play_paused,
)


@pytest.fixture(autouse=True)
def korean() -> Iterator[None]:
    i18n.activate("ko")
    yield
    i18n.activate("en")


@pytest.mark.parametrize("size", SIZES)
def test_campaign_map_ko(snap_compare, home: Path, size: tuple[int, int]) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(two_level_game(), terminal_size=size)


@pytest.mark.parametrize("size", SIZES)
def test_briefing_ko(snap_compare, home: Path, size: tuple[int, int]) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(two_level_game(), press=["enter"], terminal_size=size)


@pytest.mark.parametrize("size", SIZES)
def test_play_paused_before_the_first_second_ko(snap_compare, home: Path,  # type: ignore[no-untyped-def]
                                                size: tuple[int, int]) -> None:
    assert snap_compare(two_level_game(), terminal_size=size, run_before=scene_play_paused)


@pytest.mark.parametrize("size", SIZES)
def test_play_after_300_simulated_seconds_ko(snap_compare, home: Path,  # type: ignore[no-untyped-def]
                                             size: tuple[int, int]) -> None:
    assert snap_compare(two_level_game(), terminal_size=size, run_before=scene_play_after_300_s)


@pytest.mark.parametrize("size", SIZES)
def test_help_over_a_run_ko(snap_compare, home: Path, size: tuple[int, int]) -> None:  # type: ignore[no-untyped-def]
    async def run_before(pilot: Pilot[int]) -> None:
        await open_level(pilot)
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(pilot.app.screen, HelpScreen)

    assert snap_compare(two_level_game(), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
def test_leave_question_ko(snap_compare, home: Path, size: tuple[int, int]) -> None:  # type: ignore[no-untyped-def]
    async def run_before(pilot: Pilot[int]) -> None:
        play = await open_level(pilot)
        play.advance(60)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(pilot.app.screen, ConfirmScreen)

    assert snap_compare(two_level_game(), terminal_size=size, run_before=run_before)


def test_too_small_notice_ko(snap_compare, home: Path) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(two_level_game(), terminal_size=(60, 16))


@pytest.mark.parametrize("size", LONG_RUN_SIZES)
def test_debrief_after_a_full_run_ko(snap_compare, home: Path, size: tuple[int, int]) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(two_level_game(), terminal_size=size, run_before=scene_debrief_after_a_full_run)


@pytest.mark.parametrize(("level", "scene"), [
    pytest.param(LEVEL_3, scene_level_3_web_2_out, id="level_3_web_2_out"),
    pytest.param(LEVEL_6, scene_level_6_two_replicas, id="level_6_two_replicas"),
    pytest.param(LEVEL_8, scene_level_8_scheduled_up, id="level_8_scheduled_up"),
])
@pytest.mark.parametrize("size", LONG_RUN_SIZES)
def test_scale_out_levels_ko(snap_compare, home: Path, size: tuple[int, int], level: str,  # type: ignore[no-untyped-def]
                             scene: Callable[[Pilot[int]], Coroutine[Any, Any, None]]) -> None:
    unlock_through(level)
    assert snap_compare(make_app(manual_clock=True), terminal_size=size, run_before=scene)


@pytest.mark.parametrize("size", SIZES)
def test_replay_at_25_minutes_ko(snap_compare, home: Path, size: tuple[int, int],  # type: ignore[no-untyped-def]
                                 level_1_recordings: tuple[Path, Path]) -> None:
    assert snap_compare(two_level_game(), terminal_size=size, run_before=scene_replay(level_1_recordings[0]))


@pytest.mark.parametrize("size", SIZES)
def test_compare_small_and_large_box_ko(snap_compare, home: Path, size: tuple[int, int],  # type: ignore[no-untyped-def]
                                        level_1_recordings: tuple[Path, Path]) -> None:
    assert snap_compare(two_level_game(), terminal_size=size, run_before=scene_compare(*level_1_recordings))
