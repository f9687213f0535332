"""Issue 14 on screen: the drop-downs, the event log and the diagram show choices in words (the
ids stay the drop-downs' values); a sandbox's briefing does not promise a win it says it lacks."""

from __future__ import annotations

from pathlib import Path

import pytest
from rich.console import Console
from textual.widgets import Select

from scaleout_tui.content import load_catalog_default, load_level
from scaleout_tui.content.paths import find_level
from scaleout_tui.ui import texts
from scaleout_tui.ui.app import make_app
from scaleout_tui.ui.screens.briefing import briefing_text
from scaleout_tui.ui.widgets.topology import ServicesView
from tests.ui.conftest import LEVEL_3, async_test, open_level, unlock_through
from tests.ui.test_pilot import choose, log_lines


@pytest.mark.slow
@async_test
async def test_the_balancing_drop_down_the_log_and_the_diagram_say_words(home: Path) -> None:
    unlock_through(LEVEL_3)
    app = make_app(manual_clock=True)
    async with app.run_test(size=(200, 60)) as pilot:
        play = await open_level(pilot, LEVEL_3)
        algorithm = play.query_one("#knob-algorithm", Select)
        assert list(algorithm._options) == [
            ("Round robin", "round_robin"), ("Least connections", "least_conn"), ("Random", "random"),
            ("DNS round robin", "dns")]
        interval = play.query_one("#knob-interval", Select)
        assert [p for p, _ in interval._options] == ["2 s", "5 s", "10 s", "30 s"]
        await choose(pilot, algorithm, "least_conn")
        assert play.session.knobs["algorithm"] == "least_conn"
        assert "You set Balancing to Least connections" in log_lines(play)
        drawing = str(play.query_one(ServicesView).render())
        assert "Least connections" in drawing and "least_conn" not in drawing


def _plain(level_id: str) -> str:
    console = Console(width=100, record=True, color_system=None)
    console.print(briefing_text(load_level(find_level(level_id)), load_catalog_default()))
    return console.export_text()


def test_a_sandbox_briefing_has_gauges_not_a_win() -> None:
    text = _plain("sandbox")
    assert "Nothing to win" in text
    assert texts.BRIEFING_OBJECTIVES not in text and texts.BRIEFING_OBJECTIVES_SANDBOX in text
    assert "ms ms" not in text and "(ms)" not in text and "(%)" not in text
    assert "p95 latency: ≤ 500 ms" in text
    assert texts.BRIEFING_OBJECTIVES in _plain("01-single-server")


def test_a_comparison_lists_commands_in_words() -> None:
    from scaleout_tui.ui.screens.compare import command_words

    knobs = load_level(find_level(LEVEL_3)).knobs
    assert command_words(knobs, "algorithm", "least_conn") == "Balancing: Least connections"
    assert command_words(knobs, "interval", "5") == "Check interval: 5 s"
    assert command_words(knobs, "inject.crash", "web-2") == "Crash web-2"
    assert command_words(knobs, "repair", "web-2") == "Repair web-2"
    assert command_words(knobs, "from.the.future", "x") == "from.the.future=x"


def test_every_metric_has_its_unit() -> None:
    """A percentage shown as a count rounded 0.5 to "0" (issue 14: "≤ 0" for a target of 0.5 %)."""
    from scaleout_tui.content.schema import METRICS
    from scaleout_tui.ui import fmt

    for metric in METRICS:
        shown = fmt.metric(metric, 0.5)
        if metric.endswith("_pct"):
            assert shown == "0.50 %", metric
        elif metric.endswith("_ms") or "_ms_" in metric:
            assert shown.endswith(" ms"), metric
        elif metric.endswith("_per_s"):
            assert shown.endswith("/s"), metric
        elif metric.endswith("_s"):
            assert shown.endswith(" s"), metric


def test_a_sandbox_debrief_is_neither_won_nor_lost() -> None:
    """Free play has gauges, not a goal: its debrief says the run is over, without stars."""
    from types import SimpleNamespace

    from scaleout_tui.content import find_level, load_level
    from scaleout_tui.ui import texts as ui_texts
    from scaleout_tui.ui.screens.debrief import heading

    missed = SimpleNamespace(won=False, stars=0)
    sandbox = heading(load_level(find_level("99-sandbox")), missed).plain  # type: ignore[arg-type]
    level_1 = heading(load_level(find_level("01-single-server")), missed).plain  # type: ignore[arg-type]
    assert sandbox.startswith(ui_texts.DEBRIEF_SANDBOX) and ui_texts.DEBRIEF_LOST not in sandbox
    assert "☆" not in sandbox and level_1.startswith(ui_texts.DEBRIEF_LOST)
