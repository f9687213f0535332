"""Square brackets in a level's text or in a message are text, not Rich markup (issue 15).

A knob's help holding ``[/]`` made Textual raise ``MarkupError`` as the play screen composed and
ended the game; a notice naming a file such as ``run[/].jsonl`` would have done the same.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import msgspec
from textual.widgets import Static

from scaleout_tui.ui.app import make_app
from scaleout_tui.ui.campaign import load_content
from tests.ui.conftest import async_test, open_level

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
