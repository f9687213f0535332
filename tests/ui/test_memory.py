"""A new run must not keep the old runs' widgets' rendered lines alive.

Why: Textual 8.2 caches ``StylesCache.get_inner_outer`` with ``lru_cache`` on the instance, so
up to 1024 dead widgets' caches (with every line they rendered) stayed alive; each restart of a
level leaked about 6 MB at 200×60. ``scaleout_tui/ui/textual_fixes.py`` replaces that cache. Each
widget owns one ``StylesCache``, so more caches alive than widgets alive means the leak is back.
"""

from __future__ import annotations

import gc
from pathlib import Path

import pytest
from textual._styles_cache import StylesCache
from textual.widget import Widget

from scaleout_tui.ui.app import make_app
from scaleout_tui.ui.screens.play import PlayScreen
from tests.ui.conftest import LEVEL_1, async_test, open_level


def _alive() -> tuple[int, int]:
    gc.collect()
    objects = gc.get_objects()
    return (sum(1 for o in objects if isinstance(o, StylesCache)),
            sum(1 for o in objects if isinstance(o, Widget)))


@pytest.mark.slow
@async_test
async def test_restarting_a_level_releases_the_old_screens(home: Path) -> None:
    app = make_app(manual_clock=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_level(pilot, LEVEL_1)
        one_screen = len(list(app.screen.walk_children()))
        counts = []
        for _ in range(4):
            play = app.screen
            assert isinstance(play, PlayScreen)
            play.advance(10.0)
            await pilot.pause()
            app.start_level(play.level)
            del play
            await pilot.pause()
            counts.append(_alive())
        assert all(caches <= widgets for caches, widgets in counts), counts
        # an old screen kept alive would add a whole screen's widgets and caches each run; the
        # count moves by a few between samples (a footer's keys, a notice in passing)
        grown = counts[-1][0] - min(caches for caches, _ in counts)
        assert grown < one_screen // 2, f"style caches grow run after run: {counts} ({one_screen} a screen)"
