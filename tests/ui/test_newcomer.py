"""Issue 14, "a newcomer never gets lost": what a new player found, as Pilot tests.

The focused setting shows (a marker, a bar, reversed text), every setting has a direct key and a
palette command, a changed value is marked and ``0`` resets it, a restart or Retry keeps the
player's settings, Ctrl+Q asks during a run as Esc does, and both questions say what really
becomes of the run's recording. Same conventions as ``test_pilot.py``: manual clock, a temporary
``SCALEOUT_HOME``.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from rich.cells import cell_len
from textual.binding import Binding
from textual.widgets import Footer, Label, Select, Static

from scaleout_tui.ui import texts
from scaleout_tui.ui.app import ScaleoutApp, make_app
from scaleout_tui.ui.recordings import folder
from scaleout_tui.ui.screens.briefing import BriefingScreen
from scaleout_tui.ui.screens.campaign import CampaignScreen
from scaleout_tui.ui.screens.confirm import ConfirmScreen
from scaleout_tui.ui.screens.debrief import DebriefScreen
from scaleout_tui.ui.screens.play import PlayScreen
from scaleout_tui.ui.widgets.clockbar import ClockBar
from scaleout_tui.ui.widgets.policy import KNOB_KEYS, PolicyPanel
from tests.ui.conftest import (
    LEVEL_1,
    LEVEL_2,
    LEVEL_8,
    async_test,
    open_level,
    solution_knobs,
    unlock_through,
)


def heading(play: PlayScreen, knob_id: str) -> str:
    """A setting's heading as the panel shows it: ``▶ [a] Instance size *``."""
    return str(play.query_one(f"#label-{knob_id}", Label).render())


def focused_knob(play: PlayScreen) -> str | None:
    """The knob whose drop-down (or its open list) holds the focus."""
    widget = play.focused
    while widget is not None and not isinstance(widget, Select):
        widget = widget.parent  # type: ignore[assignment]
    return PolicyPanel.knob_of(widget) if isinstance(widget, Select) else None


def marked(play: PlayScreen) -> list[str]:
    """The knobs whose heading carries the focus marker."""
    return [k.id for k in play.level.knobs if heading(play, k.id).startswith(texts.KNOB_FOCUS_MARK)]


def question(app: ScaleoutApp) -> str:
    assert isinstance(app.screen, ConfirmScreen)
    return str(app.screen.query_one("#confirm-question", Static).render())


def recordings() -> list[Path]:
    return sorted(folder().glob("*.jsonl")) if folder().exists() else []


@async_test
async def test_the_focused_setting_is_marked_and_the_mark_follows_tab(home: Path) -> None:
    unlock_through(LEVEL_2)
    app = make_app(manual_clock=True)
    async with app.run_test(size=(80, 24)) as pilot:
        play = await open_level(pilot, LEVEL_2)
        assert focused_knob(play) == "layout" and marked(play) == ["layout"]
        assert heading(play, "layout") == f"▶ [{KNOB_KEYS[0]}] Layout"
        assert heading(play, "web_size") == f"  [{KNOB_KEYS[1]}] App box size"
        selects = {k.id: play.query_one(f"#knob-{k.id}", Select) for k in play.level.knobs}
        assert [k for k, s in selects.items() if s.has_class("-focus")] == ["layout"]
        await pilot.press("tab")
        await pilot.pause()
        assert focused_knob(play) == "web_size" and marked(play) == ["web_size"]
        assert [k for k, s in selects.items() if s.has_class("-focus")] == ["web_size"]


@pytest.mark.slow
@async_test
async def test_a_direct_key_opens_its_setting_and_says_so_in_the_panel(home: Path) -> None:
    unlock_through(LEVEL_8)
    app = make_app(manual_clock=True)
    async with app.run_test(size=(80, 24)) as pilot:
        play = await open_level(pilot, LEVEL_8)
        ids = [k.id for k in play.level.knobs]
        key = KNOB_KEYS[ids.index("min")]
        assert f"[{key}] Minimum size" in heading(play, "min")
        await pilot.press(key)
        await pilot.pause()
        select = play.query_one("#knob-min", Select)
        assert focused_knob(play) == "min" and select.expanded and marked(play) == ["min"]
        await pilot.press("down", "enter")  # 2 → 4
        await pilot.pause()
        assert play.session.knobs["min"] == "4"
        # The keys never collide with the screen's own: none is a key another binding uses.
        assert not set(KNOB_KEYS) & {"i", "u", "r", "t", "c", "q", "p", "0", "1", "2", "3", "4"}
        assert len(set(KNOB_KEYS)) == len(KNOB_KEYS)


@pytest.mark.slow
@async_test
async def test_the_palette_has_a_command_for_every_setting_and_each_choice(home: Path) -> None:
    unlock_through(LEVEL_8)
    app = make_app(manual_clock=True)
    async with app.run_test(size=(80, 24)) as pilot:
        play = await open_level(pilot, LEVEL_8)
        # Through the palette itself, as the player typed it: "minimum" found nothing before.
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"set minimum size")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is play
        assert focused_knob(play) == "min" and play.query_one("#knob-min", Select).expanded

        await pilot.press("escape")  # closes the list, leaves the run alone
        await pilot.pause()
        assert app.screen is play
        from scaleout_tui.ui.commands import GameCommands

        names = [n for n, _, _ in GameCommands(play).commands()]
        assert all(texts.CMD_KNOB_OPEN.format(label=k.label) in names for k in play.level.knobs)
        assert texts.CMD_RESET in names
        hits = [hit async for hit in GameCommands(play).search("set minimum size to 8")]
        assert hits
        hits[0].command()
        await pilot.pause()
        assert play.session.knobs["min"] == "8"
        assert heading(play, "min").endswith(texts.KNOB_CHANGED_MARK)


@async_test
async def test_the_changed_mark_comes_with_a_change_and_goes_with_reset(home: Path) -> None:
    unlock_through(LEVEL_2)
    app = make_app(manual_clock=True)
    async with app.run_test(size=(80, 24)) as pilot:
        play = await open_level(pilot, LEVEL_2)
        assert not any(heading(play, k.id).endswith(texts.KNOB_CHANGED_MARK) for k in play.level.knobs)
        play.query_one("#knob-db_size", Select).value = "m5.4xlarge"
        await pilot.pause()
        assert play.session.knobs["db_size"] == "m5.4xlarge"
        assert heading(play, "db_size").endswith(texts.KNOB_CHANGED_MARK)
        assert not heading(play, "layout").endswith(texts.KNOB_CHANGED_MARK)
        await pilot.press("0")  # at 00:00 a reset is free: done at once
        await pilot.pause()
        assert play.session.knobs["db_size"] == "m5.2xlarge"
        assert play.query_one("#knob-db_size", Select).value == "m5.2xlarge"
        assert not heading(play, "db_size").endswith(texts.KNOB_CHANGED_MARK)

        # Once the clock has run, a reset changes the live fleet: it asks first.
        play.query_one("#knob-layout", Select).value = "two-tier"
        await pilot.pause()
        play.advance(30.0)
        await pilot.pause()
        await pilot.press("0")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await pilot.pause()
        assert app.screen is play and play.session.knobs["layout"] == "single"
        assert not heading(play, "layout").endswith(texts.KNOB_CHANGED_MARK)


@pytest.mark.slow
@async_test
async def test_restart_and_retry_keep_the_players_settings(home: Path) -> None:
    app = make_app(manual_clock=True)
    async with app.run_test(size=(80, 24)) as pilot:
        play = await open_level(pilot, LEVEL_1)
        chosen = solution_knobs(LEVEL_1)
        for knob_id, value in chosen.items():
            play.query_one(f"#knob-{knob_id}", Select).value = value
        await pilot.pause()
        play.advance(60.0)
        await pilot.pause()
        await pilot.press("r")
        await pilot.pause()
        again = app.screen
        assert isinstance(again, PlayScreen) and again is not play and again.session.now == 0.0
        assert again.session.start_knobs == {**again.session.start_knobs, **chosen}
        assert all(heading(again, k).endswith(texts.KNOB_CHANGED_MARK) for k in chosen)

        again.advance(again.level.duration_s)
        await pilot.pause()
        assert isinstance(app.screen, DebriefScreen)
        await pilot.press("r")
        await pilot.pause()
        retry = app.screen
        assert isinstance(retry, PlayScreen) and retry.session.knobs == {**retry.session.knobs, **chosen}
        assert retry.query_one(f"#knob-{next(iter(chosen))}", Select).value == next(iter(chosen.values()))
        await pilot.press("0")
        await pilot.pause()
        assert retry.session.knobs == {k.id: k.default for k in retry.level.knobs}


@async_test
async def test_ctrl_q_asks_during_a_run_and_not_on_the_map(home: Path) -> None:
    app = make_app(manual_clock=True)
    async with app.run_test(size=(80, 24)) as pilot:
        play = await open_level(pilot)
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert texts.CONFIRM_QUIT in question(app)
        await pilot.press("n")
        await pilot.pause()
        assert app.screen is play and app.is_running
        # From the help over the run, too: the run is still at stake.
        await pilot.press("f1")
        await pilot.pause()
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert texts.CONFIRM_QUIT in question(app)
        await pilot.press("escape", "escape")
        await pilot.pause()
        await pilot.press("escape", "y")  # back to the map: nothing at stake, Ctrl+Q quits
        await pilot.pause()
        assert isinstance(app.screen, CampaignScreen)
        await pilot.press("ctrl+q")
        await pilot.pause()
    assert app.return_code == 0 and not app.is_running


@pytest.mark.slow
@async_test
async def test_each_question_says_what_becomes_of_the_recording(home: Path) -> None:
    app = make_app(manual_clock=True)
    async with app.run_test(size=(80, 24)) as pilot:
        # Nothing run, nothing changed: the file is removed, and the question says so.
        await open_level(pilot)
        assert len(recordings()) == 1
        await pilot.press("escape")
        await pilot.pause()
        assert texts.REC_FATE_DISCARDED in question(app)
        await pilot.press("y")
        await pilot.pause()
        assert recordings() == []

        # A change at 00:00 is a command of the run: the file stays, where the question says.
        play = await open_level(pilot)
        play.query_one("#knob-size", Select).value = "m5.xlarge"
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        said = question(app)
        path = play.recorder.path if play.recorder is not None else None
        assert path is not None and f"recordings/{path.name}" in said
        await pilot.press("y")
        await pilot.pause()
        assert path.exists() and '"name":"size"' in path.read_text()

        # Ctrl+Q after the clock ran: the same words, and the file is there after the game quits.
        play = await open_level(pilot)
        play.advance(30.0)
        await pilot.pause()
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert play.recorder is not None
        quit_path = play.recorder.path
        assert f"recordings/{quit_path.name}" in question(app)
        await pilot.press("y")
        await pilot.pause()
    assert quit_path.exists() and '"type":"report"' not in quit_path.read_text()


@async_test
async def test_ctrl_q_at_0000_quits_without_leaving_an_empty_recording(home: Path) -> None:
    app = make_app(manual_clock=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_level(pilot)
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert texts.REC_FATE_DISCARDED in question(app)
        await pilot.press("y")
        await pilot.pause()
    assert recordings() == []


@async_test
async def test_footers_clock_and_help_say_what_the_keys_do(home: Path) -> None:
    app = make_app(manual_clock=True)
    async with app.run_test(size=(80, 24)) as pilot:
        assert len(app.screen.query(Footer)) == 1 and not app.screen.query("#map-hint")
        play = await open_level(pilot)
        shown = [b for b in play.BINDINGS if isinstance(b, Binding) and b.show]
        assert texts.KEY_SPEEDS_DISPLAY in [b.key_display for b in shown]

        def clock() -> str:
            return str(play.query_one(ClockBar).render_line(0).text)

        assert texts.CLOCK_PAUSED_HINT.format(speed="10×") in clock()
        await pilot.press("3")
        await pilot.pause()
        assert texts.CLOCK_PAUSED_HINT.format(speed="60×") in clock()
    # The keys column of the help table: no key name wide enough to wrap at 80 columns.
    keys = [line.split("|")[1].strip() for line in texts.HELP_TEXT.splitlines() if line.startswith("| ")]
    assert "1-4" in keys and max(cell_len(k) for k in keys) <= 8


@pytest.mark.slow
@async_test
async def test_a_briefing_opened_with_next_level_scrolls_with_the_keys(home: Path) -> None:
    app = make_app(manual_clock=True)
    async with app.run_test(size=(80, 24)) as pilot:
        play = await open_level(pilot)
        for knob_id, value in solution_knobs(LEVEL_1).items():
            play.session.set_knob(knob_id, value)
        play.advance(play.level.duration_s)
        await pilot.pause()
        assert isinstance(app.screen, DebriefScreen) and app.screen.result.won
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, BriefingScreen) and app.screen.level.id == LEVEL_2
        scroll = app.screen.query_one("#briefing-scroll")
        assert scroll.max_scroll_y > 0
        await pilot.press("pagedown")
        await pilot.pause()
        assert scroll.scroll_y > 0
        await pilot.press("end")
        await pilot.pause()
        assert scroll.scroll_y == scroll.max_scroll_y
