"""After two losses, the debrief offers to watch a winning run beside the player's own.

Level 1 throughout: its starting box loses, its reference solution wins, and a whole run takes
about a second. The manual clock: a compare screen's seek finishes at once.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from rich.console import Console
from textual.pilot import Pilot
from textual.widgets import Button, Static

from scaleout_tui.content.paths import solution_path
from scaleout_tui.persistence.progress import Progress
from scaleout_tui.ui import texts
from scaleout_tui.ui.app import ScaleoutApp
from scaleout_tui.ui.screens.compare import CompareScreen
from scaleout_tui.ui.screens.debrief import DebriefScreen
from scaleout_tui.ui.screens.replay import ReplayScreen
from scaleout_tui.ui.widgets.clockbar import ClockBar
from tests.ui.conftest import LEVEL_1, SIZES, async_test, open_level, solution_knobs, two_level_game


async def lose_level_1(pilot: Pilot[int], *, retry: bool = False,
                       knobs: dict[str, str] | None = None) -> DebriefScreen:
    """Play level 1 to its end (from the map, or with Retry from a debrief) and return the
    debrief. With the level's own box the run is lost; ``knobs`` can make it a win."""
    app = pilot.app
    assert isinstance(app, ScaleoutApp)
    if retry:
        await pilot.press("r")
        await pilot.pause()
        play = app.screen
    else:
        play = await open_level(pilot, LEVEL_1)
    for knob_id, value in (knobs or {}).items():
        play.session.set_knob(knob_id, value)  # type: ignore[attr-defined]
    play.advance(play.level.duration_s)  # type: ignore[attr-defined]
    await pilot.pause()
    debrief = app.screen
    assert isinstance(debrief, DebriefScreen)
    return debrief


def offered(debrief: DebriefScreen) -> bool:
    """The offer as the player sees it: the button, the hint and the footer's key agree."""
    button = debrief.query_one("#watch", Button).display
    hint = debrief.query_one("#debrief-watch-hint", Static).display
    key = bool(debrief.check_action("watch", ()))
    assert button == hint == key, (button, hint, key)
    return button


def plain(widget: Static) -> str:
    console = Console(width=200, record=True, file=io.StringIO())
    console.print(widget.content)
    return console.export_text()


@pytest.mark.slow
@async_test
async def test_the_offer_comes_with_the_second_loss_and_goes_with_a_win(home: Path) -> None:
    app = two_level_game()
    async with app.run_test(size=(120, 40)) as pilot:
        first = await lose_level_1(pilot)
        assert not first.result.won and not offered(first)
        await pilot.press("w")  # nothing: the key is not offered
        await pilot.pause()
        assert app.screen is first

        second = await lose_level_1(pilot, retry=True)
        assert not second.result.won and offered(second)
        assert str(second.query_one("#watch", Button).label) == texts.DEBRIEF_WATCH
        assert texts.DEBRIEF_WATCH_HINT in str(second.query_one("#debrief-watch-hint", Static).render())

        won = await lose_level_1(pilot, retry=True, knobs=solution_knobs(LEVEL_1))
        assert won.result.won and not offered(won)
        await pilot.press("m")  # from the map again: the level's own box, which loses
        await pilot.pause()
        lost_after_a_win = await lose_level_1(pilot)
        assert not lost_after_a_win.result.won and not offered(lost_after_a_win)


def lost_once_before() -> None:
    """A loss of level 1 already in the player's progress (an earlier evening's), so one more
    loss in the game is the second: the tests below need the offer, not the path to it, which
    the test above walks run by run. Call it before the app reads the progress."""
    progress, _ = Progress.load()
    progress.record(LEVEL_1, False, 0, {})
    progress.save()


async def lose_twice(pilot: Pilot[int]) -> DebriefScreen:
    """The second loss (see :func:`lost_once_before`), played in the game, with its debrief."""
    debrief = await lose_level_1(pilot)
    assert offered(debrief) and debrief.recording is not None and debrief.recording.is_file()
    return debrief


@pytest.mark.slow
@async_test
async def test_w_opens_the_players_run_beside_the_winning_run_and_esc_comes_back(home: Path) -> None:
    lost_once_before()
    app = two_level_game()
    async with app.run_test(size=(120, 40)) as pilot:
        debrief = await lose_twice(pilot)
        await pilot.press("w")
        await pilot.pause()
        compare = app.screen
        assert isinstance(compare, CompareScreen)
        assert compare.a.recording.path == debrief.recording
        assert compare.b.recording.path == solution_path(LEVEL_1) and compare.b.recording.to_end
        assert compare.a.recording.header.seed == compare.b.recording.header.seed == debrief.session.seed
        assert compare.b.now == 0.0  # nothing simulated ahead
        runs = plain(compare.query_one("#compare-runs", Static))
        assert texts.COMPARE_RUN_YOURS.format(seed=1) in runs
        assert texts.COMPARE_RUN_WINNING.format(seed=1) in runs

        compare.advance(300.0)
        await pilot.pause()
        assert compare.a.now == compare.b.now == 300.0
        commands = plain(compare.query_one("#compare-commands", Static))
        b_part = commands[commands.index("\nB"):]
        assert solution_knobs(LEVEL_1)["size"] in b_part, commands  # the reference's start knob

        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is debrief


@pytest.mark.slow
@async_test
async def test_without_the_players_recording_the_winning_run_plays_alone(home: Path) -> None:
    lost_once_before()
    app = two_level_game()
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        debrief = await lose_twice(pilot)
        assert debrief.recording is not None
        debrief.recording.unlink()  # the file is gone (or never written)
        await pilot.press("w")
        await pilot.pause()
        alone = app.screen
        assert isinstance(alone, ReplayScreen)
        assert alone.replay.recording.path == solution_path(LEVEL_1)
        said = [str(n.message) for n in app._notifications]
        assert any("here is the winning run alone" in m and "cannot read" in m for m in said), said
        alone.seek(300.0)
        assert alone.session.knobs["size"] == solution_knobs(LEVEL_1)["size"]

        assert alone.active_bindings["escape"].binding.description == texts.KEY_BACK
        await pilot.press("escape")  # back to the debrief, not the map
        await pilot.pause()
        assert app.screen is debrief

        debrief.recording = None  # the run was not recorded at all
        await pilot.press("w")
        await pilot.pause()
        assert isinstance(app.screen, ReplayScreen)
        said = [str(n.message) for n in app._notifications]
        assert any(texts.WATCH_ALONE.format(reason=texts.WATCH_NOT_RECORDED) == m for m in said), said


@pytest.mark.slow
@pytest.mark.parametrize("size", SIZES)
@async_test
async def test_the_winning_run_alone_is_called_so_on_its_clock_bar(home: Path, size: tuple[int, int]) -> None:
    """Its clock bar said "Replay · 1. Single server · 01-single-server.toml": the name of the
    file the run is made from, which means nothing to a player. It says what it is now."""
    lost_once_before()
    app = two_level_game()
    async with app.run_test(size=size) as pilot:
        debrief = await lose_twice(pilot)
        debrief.recording = None
        await pilot.press("w")
        await pilot.pause()
        alone = app.screen
        assert isinstance(alone, ReplayScreen)
        bar = str(alone.query_one(ClockBar).render_line(0).text)
        assert texts.REPLAY_WINNING_CLOCK.format(order=1, title=alone.level.title) in bar, bar
        assert ".toml" not in bar, bar
