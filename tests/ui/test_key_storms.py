"""A storm of keys does not end the game (found by ``bench/attack.py``'s terminal ordeals).

3,000 random keys (Ctrl+P, Escape, Enter, Tab, arrows, page keys, digits, letters) written at once
to the map ended the game twice, each time through a different race in a library:

* the command palette chose a command after Escape had already closed it, and dismissed itself a
  second time (``ScreenStackError``, Textual's: ``ui/textual_fixes.py``);
* a briefing opened and closed in the same burst set its preview chart's margins after the chart's
  grid was gone (``NoMatches`` in textual-plot: ``SeriesChart._update_margin_sizes``);
* Escape then Ctrl+P pushed a palette under the name of the one still being removed
  (``DuplicateIds``: ``ScaleoutApp.action_command_palette``);
* Enter then Escape on a briefing: the start request reached the app after the briefing was gone,
  and "replace the top screen" replaced the map (``IndexError``: ``navigation.stale``);
* Enter then Escape: a briefing dismissed before its mount handler ran, which then looked
  for its Start button among widgets already removed (``NoMatches``: ``BriefingScreen.redraw``);
* ``y`` twice in a question dismissed it twice (``InvalidStateError``, Textual's);
* a palette's search finished after the palette closed (``NoMatches`` in its worker, Textual's).

Each has a unit test that builds the race's state directly, and the storm itself runs on the
real game in a pseudo-terminal.
"""

from __future__ import annotations

import contextlib
import os
import random
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest
from textual.app import App, ComposeResult
from textual.command import CommandPalette, DiscoveryHit
from textual.containers import Grid
from textual.pilot import Pilot

from scaleout_tui.ui import textual_fixes
from scaleout_tui.ui.app import make_app
from scaleout_tui.ui.navigation import StartLevel
from scaleout_tui.ui.screens.briefing import BriefingScreen
from scaleout_tui.ui.screens.campaign import CampaignScreen
from scaleout_tui.ui.screens.confirm import ConfirmScreen
from scaleout_tui.ui.screens.help import HelpScreen
from scaleout_tui.ui.widgets.charts import SeriesChart
from tests.power import power
from tests.ui.conftest import async_test
from tests.ui.test_terminal_input import Terminal
from tests.ui.test_terminal_storms import CTRL_Q, resize

#: What the storm types: every key the game binds on the map, the briefing and the palette,
#: except the ones that quit (Ctrl+Q, q).
KEYS = [b"\x1b[A", b"\x1b[B", b"\x1b[C", b"\x1b[D", b"\t", b"\x1b[Z", b"\r", b" ", b"\x1b", b"\x1bOP",
        b"\x10", b"\x1b[5~", b"\x1b[6~", b"\x1b[H", b"\x1b[F", *[bytes([c]) for c in b"0123456789abcdwxz+-?"]]


class Plain(App[None]):
    def compose(self) -> ComposeResult:
        yield SeriesChart(id="chart")


async def open_palette(app: App[Any], pilot: Pilot[Any]) -> CommandPalette:
    app.action_command_palette()
    await pilot.pause()
    palette = app.screen
    assert isinstance(palette, CommandPalette)
    return palette


@pytest.mark.timeout(60)
@async_test
async def test_a_choice_reaching_a_palette_already_closed_is_dropped() -> None:
    textual_fixes.install()
    app = Plain()
    async with app.run_test(size=(80, 24)) as pilot:
        palette = await open_palette(app, pilot)
        ran: list[str] = []
        palette._selected_command = DiscoveryHit("Keys", lambda: ran.append("ran"))
        palette.dismiss()  # Escape closed it ...
        await pilot.pause()
        palette._select_or_command()  # ... and the Enter queued behind it chose anyway
        await pilot.pause()
        assert not isinstance(app.screen, CommandPalette)
        assert ran == []  # a command chosen in a closed palette does not run
    assert app._exception is None


@pytest.mark.timeout(60)
@async_test
async def test_a_list_shown_after_the_palette_closed_is_ignored() -> None:
    textual_fixes.install()
    app = Plain()
    async with app.run_test(size=(80, 24)) as pilot:
        palette = await open_palette(app, pilot)
        palette.dismiss()
        await pilot.pause()
        await pilot.pause()
        palette._watch__list_visible()  # the search's results arriving late
    assert app._exception is None


@pytest.mark.timeout(60)
@async_test
async def test_a_question_answered_twice_closes_once(home: Path) -> None:
    app = make_app(manual_clock=True)
    async with app.run_test(size=(100, 30)) as pilot:
        answers: list[bool | None] = []
        question = ConfirmScreen("Leave?")
        app.push_screen(question, answers.append)
        await pilot.pause()
        question.action_answer(True)
        question.action_answer(True)  # the second "y", already queued
        await pilot.pause()
        assert answers == [True]
        assert isinstance(app.screen, CampaignScreen)  # the screen beneath stays
    assert app._exception is None


@pytest.mark.timeout(60)
@async_test
async def test_escape_then_ctrl_p_in_one_burst_opens_one_palette(home: Path) -> None:
    app = make_app(manual_clock=True)
    async with app.run_test(size=(100, 30)) as pilot:
        first = await open_palette(app, pilot)
        first.dismiss()  # Escape: off the stack now, out of the app's widgets a moment later
        app.action_command_palette()  # Ctrl+P in the same burst
        await pilot.pause()
        app.action_command_palette()  # a palette is open: no second one over it
        await pilot.pause()
        assert sum(isinstance(s, CommandPalette) for s in app.screen_stack) == 1
    assert app._exception is None


@pytest.mark.timeout(60)
@async_test
async def test_a_start_request_from_a_briefing_already_closed_is_dropped(home: Path) -> None:
    app = make_app(manual_clock=True)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("enter")
        await pilot.pause()
        briefing = app.screen
        assert isinstance(briefing, BriefingScreen)
        app.pop_screen()  # Escape got there first
        await pilot.pause()
        app.post_message(StartLevel(briefing.level, origin=briefing))  # Enter's request, late
        await pilot.pause()
        assert [type(s) for s in app.screen_stack] == [CampaignScreen]
    assert app._exception is None


@pytest.mark.timeout(60)
@async_test
async def test_a_screen_whose_widgets_went_away_before_its_mount_handler_is_left_alone(home: Path) -> None:
    """Enter then Escape: the briefing (or the help, a run) is dismissed before its mount
    handler runs, which then found no Start button (``NoMatches``; seen by the storm below)."""
    app = make_app(manual_clock=True)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("enter")
        await pilot.pause()
        briefing = app.screen
        assert isinstance(briefing, BriefingScreen)
        app.action_help()
        await pilot.pause()
        help_screen = app.screen
        assert isinstance(help_screen, HelpScreen)
        for screen in (help_screen, briefing):
            await screen.query("*").remove()  # what the app does to a screen it pops
            screen.redraw()
        # a scroll key that reaches the briefing after its text went (seen by the storm below)
        briefing.action_scroll_text("page_down")
        await pilot.pause()
    assert app._exception is None


@pytest.mark.timeout(60)
@async_test
async def test_margins_set_after_a_charts_grid_went_away_are_ignored() -> None:
    app = Plain()
    async with app.run_test(size=(80, 24)) as pilot:
        chart = app.query_one(SeriesChart)
        await chart.query_one(Grid).remove()
        chart.margin_top = 2  # textual-plot's watcher looked the grid up and raised NoMatches
        await pilot.pause()
    assert app._exception is None


def quits_from_anywhere(term: Terminal, tries: int = 16) -> bool:
    """Wherever the storm left the game (a list open, a question asked, a level running): Escape
    out, Ctrl+Q, "y" if asked; the game answering ends with status 0."""
    for _ in range(tries):
        os.write(term.master, b"\x1b")
        time.sleep(0.5)
        os.write(term.master, b"\x1b")
        time.sleep(0.5)
        os.write(term.master, CTRL_Q)
        time.sleep(1.0)
        if term.proc.poll() is None:
            os.write(term.master, b"y")
        with contextlib.suppress(subprocess.TimeoutExpired):
            return term.proc.wait(timeout=3.0) == 0
    return False


@pytest.mark.slow
@pytest.mark.timeout(180)
# seed 16 found the briefing's mount race (session 24); 15 joins it under ``make stress``
@pytest.mark.parametrize("seed", power([16], [15, 16]))
def test_three_thousand_random_keys_on_the_map_do_not_end_the_game(tmp_path: Path, seed: int) -> None:
    rng = random.Random(seed)
    term = Terminal(tmp_path)
    try:
        assert term.wait_for(b"Campaign"), bytes(term.output[-2000:])
        resize(term, 120, 40)
        os.write(term.master, b"".join(rng.choice(KEYS) for _ in range(3000)))
        # the game works through the burst (a second or more of screens opening and closing):
        # done when it has read every key and drawn nothing for two seconds. (Silence alone was
        # not enough: on a starved machine the game paused that long mid-burst, and the keys
        # still unread then outlasted the quit loop below.)
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and term.proc.poll() is None:
            before = len(term.output)
            time.sleep(2.0)
            if len(term.output) == before and term.unread() == 0:
                break
        assert term.proc.poll() is None, bytes(term.output[-3000:])
        assert b"Traceback" not in term.output
        assert quits_from_anywhere(term), bytes(term.output[-3000:])
    finally:
        term.close()
