"""Screenshots of every main screen at the minimum size (80×24) and a large one (200×60).

Deterministic by construction: the app runs with ``manual_clock=True`` (no timer exists),
``run_before`` steps the simulation itself, progress lives in a fresh temporary folder,
nothing on these screens blinks (no text input is shown), and the map and levels 1-2 are
taken from a campaign that holds levels 1 and 2 only, so adding a level file does not change
their pictures. The scale-out levels (3-5) are shown at moments their lessons are visible.
Review a changed snapshot with ``pytest --snapshot-report`` before accepting it with
``--snapshot-update``.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.pilot import Pilot

from scaleout_tui.ui.app import ScaleoutApp, make_app
from scaleout_tui.ui.screens.debrief import DebriefScreen
from tests.ui.conftest import (
    LEVEL_3,
    LEVEL_4,
    LEVEL_5,
    first_two_levels,
    open_level,
    play_at,
    solution_knobs,
    unlock_through,
)


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


# ---- the scale-out levels: the balancer's view, sessions, files ---------------------------------
# These use the full campaign (levels 3-5 must be there) with earlier levels marked won in the
# temporary progress file; only play screens are taken, so adding a level changes none of them.
@pytest.mark.parametrize("size", SIZES)
def test_level_3_just_after_web_2_crashed_and_left_the_rotation(snap_compare, home: Path,  # type: ignore[no-untyped-def]
                                                                size: tuple[int, int]) -> None:
    """Seed 1, the reference checks (L7 on /health every 5 s, two balancer nodes): the level
    crashes web-2 at 19:10 and two failed checks take it out by 19:20."""
    unlock_through(LEVEL_3)

    async def run_before(pilot: Pilot[int]) -> None:
        play = await play_at(pilot, LEVEL_3, 1175.0, solution_knobs(LEVEL_3))
        web2 = next(b for b in play.session.snapshot().boxes if b.name == "web-2")
        assert web2.state == "crashed" and web2.health == "unhealthy"

    assert snap_compare(make_app(manual_clock=True), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
def test_level_4_losing_sessions_kept_on_each_box(snap_compare, home: Path,  # type: ignore[no-untyped-def]
                                                 size: tuple[int, int]) -> None:
    """The starting policy (sessions local to each box, round robin) half a minute after the
    level crashes web-1: users bounce between boxes and are asked to log in again."""
    unlock_through(LEVEL_4)

    async def run_before(pilot: Pilot[int]) -> None:
        play = await play_at(pilot, LEVEL_4, 1230.0)
        assert dict(play.session.snapshot().gauges.errors)["session_lost"] > 0

    assert snap_compare(make_app(manual_clock=True), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
def test_level_5_downloads_that_find_no_file(snap_compare, home: Path,  # type: ignore[no-untyped-def]
                                            size: tuple[int, int]) -> None:
    """The starting policy (files on each box's own disk) at 10:00: a download routed to a box
    other than the one that took the upload answers 404."""
    unlock_through(LEVEL_5)

    async def run_before(pilot: Pilot[int]) -> None:
        play = await play_at(pilot, LEVEL_5, 600.0)
        assert dict(play.session.snapshot().gauges.errors)["not_found"] > 0

    assert snap_compare(make_app(manual_clock=True), terminal_size=size, run_before=run_before)
