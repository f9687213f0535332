"""Screenshots of every main screen at the minimum size (80×24) and a large one (200×60).

Deterministic by construction: the app runs with ``manual_clock=True`` (no timer exists),
``run_before`` steps the simulation itself, progress lives in a fresh temporary folder,
nothing on these screens blinks (no text input is shown), and the campaign holds levels 1
and 2 only, so adding a level file does not change the map's picture. Review a changed snapshot
with ``pytest --snapshot-report`` before accepting it with ``--snapshot-update``.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.pilot import Pilot

from scaleout_tui.ui.app import ScaleoutApp, make_app
from scaleout_tui.ui.screens.debrief import DebriefScreen
from tests.ui.conftest import first_two_levels, open_level


def game() -> ScaleoutApp:
    return make_app(manual_clock=True, content=first_two_levels())


SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((200, 60), id="200x60")]


@pytest.mark.parametrize("size", SIZES)
def test_campaign_map(snap_compare, home: Path, size: tuple[int, int]) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(game(), terminal_size=size)


@pytest.mark.parametrize("size", SIZES)
def test_briefing(snap_compare, home: Path, size: tuple[int, int]) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(game(), press=["enter"], terminal_size=size)


@pytest.mark.parametrize("size", SIZES)
def test_play_after_300_simulated_seconds(snap_compare, home: Path, size: tuple[int, int]) -> None:  # type: ignore[no-untyped-def]
    async def run_before(pilot: Pilot[int]) -> None:
        play = await open_level(pilot)
        play.advance(300)
        await pilot.pause()

    assert snap_compare(game(), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
def test_debrief_after_a_full_run(snap_compare, home: Path, size: tuple[int, int]) -> None:  # type: ignore[no-untyped-def]
    async def run_before(pilot: Pilot[int]) -> None:
        play = await open_level(pilot)
        play.advance(play.level.duration_s)
        await pilot.pause()
        assert isinstance(pilot.app.screen, DebriefScreen)

    assert snap_compare(game(), terminal_size=size, run_before=run_before)
