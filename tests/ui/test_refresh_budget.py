"""What keeps the screen from eating the simulation: the slice at "max" and the charts' turns.

The figures (how much of the UI-off speed the game keeps, what a refresh costs) are measured by
``bench/ui.py``; these tests pin the rules behind them.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from textual.pilot import Pilot

from scaleout_tui.ui.app import make_app
from scaleout_tui.ui.clock import MAX_BUDGET, MAX_BUDGET_CAP, MAX_SHARE, SPEEDS, max_budget
from scaleout_tui.ui.screens.debrief import DebriefScreen
from scaleout_tui.ui.screens.help import HelpScreen
from scaleout_tui.ui.screens.play import PlayScreen
from scaleout_tui.ui.widgets.charts import SeriesChart
from scaleout_tui.ui.widgets.clockbar import ClockBar
from scaleout_tui.ui.widgets.gauges import GaugesView
from tests.ui.conftest import LEVEL_1, LEVEL_8, async_test, open_level, unlock_through


# ---- the slice at "max" ---------------------------------------------------------------------------
def test_a_slice_at_max_is_never_below_the_floor() -> None:
    assert max_budget(0.0) == MAX_BUDGET
    assert max_budget(-1.0) == MAX_BUDGET  # a clock that went backwards owes nothing


def test_a_slice_at_max_pays_back_the_screen_so_the_simulation_keeps_its_share() -> None:
    for others in (0.01, 0.02, 0.03):
        budget = max_budget(others)
        if MAX_BUDGET < budget < MAX_BUDGET_CAP:
            assert budget / (budget + others) == pytest.approx(MAX_SHARE)
    # 30 ms of painting buys the simulation 170 ms: 85 % of the 200 ms.
    assert max_budget(0.03) == pytest.approx(0.03 * MAX_SHARE / (1 - MAX_SHARE))
    assert MAX_SHARE >= 0.8


def test_a_slice_at_max_is_capped_so_keys_still_answer() -> None:
    assert max_budget(10.0) == MAX_BUDGET_CAP
    assert MAX_BUDGET_CAP <= 0.25


# ---- "max" on the real clock: slices chained on the event loop -------------------------------------
MAX_INDEX = SPEEDS.index(None)


async def _until(check: Callable[[], bool], seconds: float = 5.0) -> bool:
    """Wait on the real clock until ``check()`` holds (True) or ``seconds`` pass (False)."""
    for _ in range(int(seconds / 0.01)):
        if check():
            return True
        await asyncio.sleep(0.01)
    return check()


async def _running_at_max(pilot: Pilot[int], sim_s: float) -> PlayScreen:
    """Level 1 on the real clock at max, started, once it has run ``sim_s`` simulated seconds."""
    play = await open_level(pilot, LEVEL_1)
    play.action_speed(MAX_INDEX)
    assert play._max_handle is None  # paused: nothing runs yet
    play.action_toggle_pause()
    assert await _until(lambda: play.session.now >= sim_s), "max did not run"
    return play


async def _stays_stopped(play: PlayScreen, why: str) -> float:
    """The chain at max has stopped and the clock stands still; the simulated time it stopped at."""
    assert await _until(lambda: play._max_handle is None), f"max ran on {why}"
    stopped = play.session.now
    await asyncio.sleep(0.3)
    assert play.session.now == stopped, f"the clock moved {why}"
    return stopped


@async_test
async def test_max_runs_in_chained_slices_and_pausing_stops_the_chain(home: Path) -> None:
    app = make_app()  # the real clock
    async with app.run_test(size=(120, 40)) as pilot:
        play = await _running_at_max(pilot, 60.0)
        assert play._max_handle is not None  # the next slice is scheduled
        play.action_toggle_pause()
        await _stays_stopped(play, "after the pause")
        assert not play.session.finished
        # the board shows the moment it stopped, not the last timed refresh (minutes earlier)
        assert play.query_one(GaugesView).data.totals == play.session.snapshot().totals
        assert play.query_one(ClockBar).data.t == play.session.now
        # the charts catch up in turns, a quarter of a second apart, while the game stays paused
        last_t = play.session.snapshot().series["t"][-1]
        shown = [c for c in play.query(SeriesChart) if c.display]
        assert await _until(lambda: all(c._key is not None and c._key[1] == last_t for c in shown), 3.0), \
            "the charts still show the time before the pause"
    assert app._exception is None, app._exception


@async_test
async def test_leaving_max_for_a_finite_speed_hands_the_clock_back_to_the_timer(home: Path) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        play = await _running_at_max(pilot, 60.0)
        play.action_speed(0)  # 1×
        assert await _until(lambda: play._max_handle is None), "max kept running at 1×"
        before, began = play.session.now, time.monotonic()
        # the timer moves it on (on a starved machine its first tick may come late: CI once saw
        # no tick in 0.5 s), at about wall speed: a tick is 50-100 ms, nothing like max
        assert await _until(lambda: play.session.now > before), "the clock stopped at 1×"
        await asyncio.sleep(0.5)
        moved, wall = play.session.now - before, time.monotonic() - began
        assert moved < wall + 1.0, (moved, wall)
    assert app._exception is None, app._exception


@async_test
async def test_a_screen_over_the_game_stops_max_and_closing_it_resumes(home: Path) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        play = await _running_at_max(pilot, 10.0)
        app.push_screen(HelpScreen())
        covered = await _stays_stopped(play, "under the help screen")
        app.pop_screen()
        assert await _until(lambda: play.session.now > covered), "max did not resume"
    assert app._exception is None, app._exception


@pytest.mark.slow
@async_test
async def test_max_runs_a_level_to_its_debrief(home: Path) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        play = await _running_at_max(pilot, 0.0)
        assert await _until(lambda: isinstance(app.screen, DebriefScreen), 60.0), "no debrief"
        assert play.session.finished and play._max_handle is None
        assert play.session.now == pytest.approx(play.level.duration_s, abs=1.0)
    assert app._exception is None, app._exception


# ---- the charts' turns ------------------------------------------------------------------------------
def chart_ids(play: PlayScreen) -> set[str]:
    return {c.id for c in play.query(SeriesChart) if c.display and c.id}


@async_test
async def test_the_clock_refreshes_one_visible_chart_at_a_time_in_turn(home: Path) -> None:
    async with make_app(manual_clock=True).run_test(size=(200, 60)) as pilot:
        play = await open_level(pilot, LEVEL_1)
        await pilot.pause()
        shown = chart_ids(play)
        assert shown == {"chart-latency", "chart-rps", "chart-cpu"}  # wide: three charts, no capacity
        turns = [play.chart_turn() for _ in range(2 * len(shown))]
        assert all(len(t) == 1 for t in turns)
        first, second = turns[: len(shown)], turns[len(shown):]
        assert {t[0] for t in first} == shown and first == second


@async_test
async def test_a_hidden_chart_gives_up_its_turn(home: Path) -> None:
    async with make_app(manual_clock=True).run_test(size=(100, 40)) as pilot:
        play = await open_level(pilot, LEVEL_1)
        await pilot.pause()
        shown = chart_ids(play)
        assert "chart-cpu" not in shown  # narrow: the CPU chart is hidden
        assert {play.chart_turn()[0] for _ in range(6)} == shown


@pytest.mark.slow
@async_test
async def test_a_chart_replots_only_on_its_turn(home: Path) -> None:
    unlock_through(LEVEL_8)
    async with make_app(manual_clock=True).run_test(size=(200, 60)) as pilot:
        play = await open_level(pilot, LEVEL_8)
        play.advance(5.0)  # every chart now has data it has drawn
        await pilot.pause()
        charts = {c.id: c for c in play.query(SeriesChart)}
        keys = {k: c._key for k, c in charts.items()}
        play.session.advance(5.0)  # new windows for every chart
        play.refresh_view(charts=("chart-capacity",))
        changed = {k for k, c in charts.items() if c._key != keys[k]}
        assert changed == {"chart-capacity"}
        play.refresh_view()  # a full refresh (a knob change, a failure) redraws all of this level's
        # (a level without a device-ingest tier has no connects chart at all)
        assert set(charts) == {"chart-latency", "chart-capacity", "chart-rps", "chart-cpu"}
        assert {k for k, c in charts.items() if c._key != keys[k]} == set(charts)
