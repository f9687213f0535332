"""The play screen under ``NO_COLOR`` at the minimum size (80×24), as a screenshot.

Why: with ``NO_COLOR`` Textual greys every colour, so a state told apart by colour alone (a
crashed box, a missed objective, the line of a chart) must still be told apart by its text or
its shade. Before the game's own filter (``scaleout_tui/ui/textual_fixes.py``) this screen crashed as
soon as the charts drew. Same determinism as ``test_snapshots.py``: manual clock, levels 1-2.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.pilot import Pilot

from scaleout_tui.ui.app import make_app
from tests.ui.conftest import first_two_levels, open_level


def test_play_under_no_color_at_80x24(snap_compare, home: Path,  # type: ignore[no-untyped-def]
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    app = make_app(manual_clock=True, content=first_two_levels())
    assert app.no_color

    async def run_before(pilot: Pilot[int]) -> None:
        play = await open_level(pilot)
        play.advance(300)
        await pilot.pause()

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)
