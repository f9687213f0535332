"""What keeps the screen from eating the simulation: the slice at "max" and the charts' turns.

The figures (how much of the UI-off speed the game keeps, what a refresh costs) are measured by
``bench/ui.py``; these tests pin the rules behind them.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from scaleout_tui.ui.app import make_app
from scaleout_tui.ui.clock import MAX_BUDGET, MAX_BUDGET_CAP, MAX_SHARE, max_budget
from scaleout_tui.ui.screens.play import PlayScreen
from scaleout_tui.ui.widgets.charts import SeriesChart
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
        play.refresh_view()  # a full refresh (a knob change, a failure) redraws them all
        assert {k for k, c in charts.items() if c._key != keys[k]} == set(charts)
