"""The sandboxes from the campaign map: the rows are there, they open, and they run any scenario.

The snapshots show the sandbox's play screen two minutes into a flash crowd chosen on the
paused board (as a player would), at the minimum size and a large one.
"""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest
from rich.console import Console
from textual.pilot import Pilot
from textual.widgets import OptionList, Select, Static

from scaleout_tui.content.paths import SANDBOX_ID
from scaleout_tui.engine.traffic import TrafficSource
from scaleout_tui.ui.app import ScaleoutApp, make_app
from scaleout_tui.ui.screens.briefing import BriefingScreen
from scaleout_tui.ui.screens.campaign import SANDBOX_OPTION
from scaleout_tui.ui.screens.play import PlayScreen
from scaleout_tui.ui.widgets.policy import PolicyPanel
from tests.ui.conftest import async_test
from tests.ui.views import Views


async def open_sandbox(pilot: Pilot[int], scenario: str | None = None, seconds: float = 0.0,
                       option: str = SANDBOX_OPTION) -> PlayScreen:
    """From the map: the sandbox's row (up from the last), its briefing, start; pick ``scenario``
    before the clock runs."""
    rows = pilot.app.screen.query_one("#map-list", OptionList)
    await pilot.press("end", *["up"] * (rows.option_count - 1 - rows.get_option_index(option)), "enter")
    await pilot.pause()
    assert isinstance(pilot.app.screen, BriefingScreen)
    await pilot.press("enter")
    await pilot.pause()
    play = pilot.app.screen
    assert isinstance(play, PlayScreen)
    if scenario is not None:
        play.session.set_knob("traffic", scenario)
        play.query_one(PolicyPanel).show_values(play.session.knobs)
    if seconds:
        play.advance(seconds)
    await pilot.pause()
    return play


@pytest.mark.slow
@async_test
async def test_the_map_opens_the_sandbox_and_it_runs_a_scenario(home: Path) -> None:
    app = make_app(manual_clock=True)
    async with app.run_test(size=(100, 30)) as pilot:
        options = app.screen.query_one("#map-list", OptionList)
        rows = [options.get_option_at_index(i).id for i in range(options.option_count)]
        assert rows[-3:] == [SANDBOX_OPTION, f"{SANDBOX_OPTION}:98-sandbox-shards",
                             f"{SANDBOX_OPTION}:97-sandbox-chapter-two"]
        play = await open_sandbox(pilot, "flash-crowd", 120.0)
        assert play.level.id == "99-sandbox"
        assert play.session.now == pytest.approx(120.0)
        source = play.session.sim.data.source
        assert isinstance(source, TrafficSource)
        assert source.rate(np.asarray([30.0, 120.0])).tolist() == [60, 600]  # ten times from 90 s
        assert play.session.sim.metrics.arrived > 60 * 120


async def scene_sandbox_flash_crowd(pilot: Pilot[int]) -> None:
    """The sandbox two minutes into a flash crowd (test_snapshots_ko.py takes it too)."""
    await open_sandbox(pilot, "flash-crowd", 120.0)


@pytest.mark.slow
def test_sandbox_in_a_flash_crowd(snap_views: Views, home: Path) -> None:
    app: ScaleoutApp = make_app(manual_clock=True)
    assert not snap_views(app, run_before=scene_sandbox_flash_crowd)


@pytest.mark.slow
@async_test
async def test_an_imported_value_between_the_choices_shows_in_its_drop_down(home: Path) -> None:
    """``scaleout import`` brings a 7 s check interval, which the sandbox plays as written: the
    drop-down lists it after the choices, shows it, and a change to a listed choice works."""
    app = make_app(manual_clock=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert isinstance(app, ScaleoutApp)
        sandbox = next((s for s in app.content.sandboxes if s.id == SANDBOX_ID), None)
        assert sandbox is not None
        await app.push_screen(PlayScreen(sandbox, app.content.catalog, manual_clock=True,
                                         knobs={"check_every": "7", "min": "3"}))
        await pilot.pause()
        play = app.screen
        assert isinstance(play, PlayScreen)
        assert play.session.knobs["check_every"] == "7"
        select = play.query_one("#knob-check_every", Select)
        assert select.value == "7"
        assert [value for _, value in select._options][-1] == "7"
        play.session.set_knob("check_every", "10")
        play.query_one(PolicyPanel).show_values(play.session.knobs)
        await pilot.pause()
        assert select.value == "10"
    assert app._exception is None


@pytest.mark.slow
@async_test
async def test_chapter_two_sandbox_opens_from_the_map_with_the_cache_and_device_knobs(home: Path) -> None:
    """Free play with the cache and the device tier: before, only ``scaleout run`` reached it."""
    app = make_app(manual_clock=True)
    async with app.run_test(size=(100, 30)) as pilot:
        options = app.screen.query_one("#map-list", OptionList)
        await pilot.press("end")
        await pilot.pause()
        console = Console(width=100, record=True, file=io.StringIO())
        console.print(app.screen.query_one("#map-detail", Static).content)
        assert console.export_text().startswith("Sandbox: cache and devices\n")
        play = await open_sandbox(pilot, option=f"{SANDBOX_OPTION}:97-sandbox-chapter-two", seconds=30.0)
        assert options.option_count == len(app.content.levels) + 3
        assert play.level.id == "97-sandbox-chapter-two"
        for knob in ("cache_size", "ttl", "comm_count", "backoff"):
            assert play.query(f"#knob-{knob}"), knob
        assert play.session.sim.metrics.arrived > 0
    assert app._exception is None
