"""Square brackets in a level's text or in a message are text, not Rich markup (issue 15).

A knob's help holding ``[/]`` made Textual raise ``MarkupError`` as the play screen composed and
ended the game; a notice naming a file such as ``run[/].jsonl`` would have done the same.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import msgspec
import pytest
from textual.widgets import Static

from scaleout_tui.ui.app import make_app
from scaleout_tui.ui.campaign import load_content
from scaleout_tui.ui.screens.debrief import DebriefScreen
from tests.ui.conftest import async_test, open_level, unlock_through

HOSTILE = "close [/] and [bold open and [link=http://x]y"


@async_test
async def test_brackets_in_a_knobs_help_show_as_written(home: Path) -> None:
    content = load_content()
    level = content.levels[0]
    knob = msgspec.structs.replace(level.knobs[0], help=HOSTILE)
    level = msgspec.structs.replace(level, knobs=(knob, *level.knobs[1:]))
    hostile = dataclasses.replace(content, levels=(level, *content.levels[1:]))
    app = make_app(manual_clock=True, content=hostile)
    async with app.run_test(size=(100, 30)) as pilot:
        play = await open_level(pilot)
        helps = [str(s.render()) for s in play.query(".knob-help").results(Static)]
        assert HOSTILE in helps, helps
    assert app._exception is None


@async_test
async def test_a_notice_with_brackets_shows_as_written(home: Path) -> None:
    app = make_app(manual_clock=True)
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        app.notify(f"/tmp/run{HOSTILE}.jsonl: cannot read")
        await pilot.pause()
        app.screen.notify(HOSTILE)  # a screen's notice goes through the app
        await pilot.pause()
        shown = [n.message for n in app._notifications][-2:]
        assert shown == [f"/tmp/run{HOSTILE}.jsonl: cannot read", HOSTILE]
    assert app._exception is None


#: The fields of a level file that hold words a player reads (ids and choices are not words).
TEXT_FIELDS = frozenset({"title", "subtitle", "concepts", "text", "facts", "label", "short_label", "help",
                         "note"})


def _hostile(value: object, field: str = "") -> object:
    """``value`` with every text field of a level wrapped in brackets that are not markup."""
    if isinstance(value, msgspec.Struct):
        changes = {f: _hostile(getattr(value, f), f) for f in value.__struct_fields__}
        return msgspec.structs.replace(value, **changes)
    if isinstance(value, tuple):
        return tuple(_hostile(v, field) for v in value)
    if isinstance(value, str) and field in TEXT_FIELDS:
        return f"[/]{value} [b"
    return value


@pytest.mark.slow
@async_test
async def test_brackets_in_every_text_of_a_level_show_through_a_whole_run(home: Path) -> None:
    """Level 3 (events with notes, hints, several settings) with ``[/]`` in every text: the map,
    the briefing, the settings, the help, the command palette, the event log and the debrief all
    show them as written, and the game never raises."""
    content = load_content()
    index = content.ordered_ids.index("03-load-balancer")
    level = _hostile(content.levels[index])
    levels = tuple(level if i == index else lv for i, lv in enumerate(content.levels))
    hostile = dataclasses.replace(content, levels=levels)
    unlock_through("03-load-balancer")
    app = make_app(manual_clock=True, content=hostile)
    async with app.run_test(size=(120, 40)) as pilot:
        play = await open_level(pilot, "03-load-balancer")
        shown = " ".join(str(s.render()) for s in play.query(Static))
        assert "[/]" in shown
        await pilot.press("f1")
        await pilot.pause()
        await pilot.press("escape", "ctrl+p")
        await pilot.pause()
        await pilot.press(*"[/]")
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        while not play.session.finished:
            play.advance(300.0)
            await pilot.pause()
        assert isinstance(app.screen, DebriefScreen)
        assert "[/]" in " ".join(str(s.render()) for s in app.screen.query(Static))
    assert app._exception is None


def test_tooltips_of_level_text_are_plain() -> None:
    """A setting's help and the objectives' long names reach a tooltip, which Textual reads as
    markup when given a string."""
    from textual.content import Content

    from scaleout_tui.game.session import ObjectiveResult
    from scaleout_tui.ui.widgets.objectives import ObjectivesView

    view = ObjectivesView()
    hostile = ObjectiveResult("p95", HOSTILE, "latency_p95_ms", "<=", 300.0, None, 100.0, True, False,
                              "[/]p95")
    view.watch_objectives((), (hostile,))
    assert isinstance(view.tooltip, Content) and "[/]p95" in view.tooltip.plain
