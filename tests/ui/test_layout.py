"""Issue 14's layout leftovers, as Pilot tests at the minimum size (80×24) and a large one (200×60).

Each test names the defect a newcomer met: rows below the fold with no way to them, a setting's
heading cut, a box's CPU cropped, a number split from its unit, an id in the event log, a chart
legend without its unit, an event marker hidden by another. Same conventions as ``test_pilot.py``:
manual clock, a temporary ``SCALEOUT_HOME``.
"""

from __future__ import annotations

import contextlib
import itertools
import re
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from rich.cells import cell_len
from rich.console import Console
from rich.text import Text
from textual.pilot import Pilot
from textual.widgets import Label, Static

from scaleout_tui import i18n
from scaleout_tui import texts as shared_texts
from scaleout_tui.engine.events import LogEntry
from scaleout_tui.engine.snapshot import BoxView
from scaleout_tui.game import texts as game_texts
from scaleout_tui.game.session import ObjectiveResult
from scaleout_tui.game.texts import clock, describe
from scaleout_tui.ui import fmt, texts
from scaleout_tui.ui.app import make_app
from scaleout_tui.ui.campaign import load_content
from scaleout_tui.ui.screens.briefing import BriefingScreen
from scaleout_tui.ui.screens.debrief import DebriefScreen
from scaleout_tui.ui.screens.debrief import objectives_table as debrief_objectives
from scaleout_tui.ui.screens.help import HelpScreen
from scaleout_tui.ui.screens.play import PlayScreen
from scaleout_tui.ui.textual_fixes import keep_no_break_spaces, trailing_spaces_in_cells
from scaleout_tui.ui.widgets import database
from scaleout_tui.ui.widgets.charts import Marker, SeriesChart, stack_markers
from scaleout_tui.ui.widgets.eventlog import EventLog
from scaleout_tui.ui.widgets.gauges import GaugesView, gauges_table
from scaleout_tui.ui.widgets.objectives import ObjectivesView, objectives_table
from scaleout_tui.ui.widgets.overview import Overview
from scaleout_tui.ui.widgets.policy import PolicyPanel
from scaleout_tui.ui.widgets.scaling import ScalingHistory
from scaleout_tui.ui.widgets.topology import TopologyView
from tests.ui.conftest import (
    LEVEL_1,
    LEVEL_2,
    LEVEL_3,
    LEVEL_6,
    LEVEL_8,
    async_test,
    open_level,
    play_at,
    solution_knobs,
    two_level_game,
    unlock_through,
)
from tests.ui.test_sandbox import open_sandbox
from tests.ui.test_terminal_hardening import render

#: the minimum size and a large one. Each test runs its scene once, at the first, and checks the
#: second by resizing the same app (as ``views.py`` does for the snapshots): a resized screen lays
#: out and draws as a fresh one at that size, so a layout that breaks at either size still fails
SIZES: tuple[tuple[int, int], ...] = ((80, 24), (200, 60))


async def each_size(pilot: Pilot[int], sizes: tuple[tuple[int, int], ...] = SIZES,
                    ) -> AsyncIterator[tuple[int, int]]:
    """Yield each of ``sizes`` once the terminal has that size (the first: the size the app may
    already have) and the app has laid out and drawn at it."""
    for size in sizes:
        if size != (pilot.app.size.width, pilot.app.size.height):
            await pilot.resize_terminal(*size)
        await pilot.pause()
        yield size


@contextlib.contextmanager
def at(size: tuple[int, int]) -> Iterator[None]:
    """Name the size in any assertion failing inside: "at 80×24: assert ..."."""
    try:
        yield
    except AssertionError as failure:
        raise AssertionError(f"at {size[0]}×{size[1]}: {failure}") from failure


def gauges_in_view(play: PlayScreen) -> bool:
    """Whether every row of the "Live" panel is inside the board's visible part."""
    board = play.query_one(Overview)
    gauges = play.query_one(GaugesView)
    top = board.scroll_offset.y
    bottom = top + board.scrollable_content_region.height
    return top <= gauges.virtual_region.y and gauges.virtual_region.bottom <= bottom


@pytest.mark.slow
@async_test
async def test_level_8s_live_rows_are_in_view_or_a_rule_says_how_to_reach_them(home: Path) -> None:
    """At 80×24 a board of many boxes is taller than its rows: a rule under it says "more below"
    and PgDn (the focus stays in the settings) brings the gauges into view; at 200×60 it fits.
    The fleet is the minimum of 60, two minutes in: as tall a board as the launch ad's 40, without
    simulating the half hour before it."""
    unlock_through(LEVEL_8)
    async with make_app(manual_clock=True).run_test(size=SIZES[0]) as pilot:
        play = await play_at(pilot, LEVEL_8, 120.0, {"min": "60"})
        assert len(play.session.snapshot().boxes) > 40
        board = play.query_one(Overview)
        async for size in each_size(pilot):
            with at(size):
                if size == (200, 60):
                    assert not board.overflows() and not board.has_class("-overflow")
                    assert gauges_in_view(play)
                    continue
                assert board.overflows() and board.has_class("-overflow")
                assert board.border_subtitle == texts.OVERVIEW_MORE_BELOW
                assert not gauges_in_view(play)
                await pilot.press("pagedown")
                await pilot.pause()
                assert gauges_in_view(play)
                assert board.border_subtitle == texts.OVERVIEW_MORE_ABOVE
                await pilot.press("pageup")
                await pilot.pause()
                assert board.scroll_y == 0 and board.border_subtitle == texts.OVERVIEW_MORE_BELOW


@pytest.mark.slow
@async_test
async def test_every_setting_heading_fits_and_the_focused_one_shows_its_long_label(home: Path) -> None:
    """Level 8's headings ("Scale out at CPU %") fit the panel even with the focus marker and the
    changed mark; the long label ("... (simple, step)") leads the focused setting's help line."""
    unlock_through(LEVEL_8)
    async with make_app(manual_clock=True).run_test(size=SIZES[0]) as pilot:
        play = await open_level(pilot, LEVEL_8)
        panel = play.query_one(PolicyPanel)
        async for size in each_size(pilot):
            with at(size):
                room = panel.scrollable_content_region.width
                for i, knob in enumerate(play.level.knobs):
                    widest = (texts.KNOB_FOCUS_MARK + texts.KNOB_KEY.format(key="a") + knob.heading
                              + texts.KNOB_CHANGED_MARK)
                    assert cell_len(widest) <= room, knob.id
                    heading = str(play.query_one(f"#label-{knob.id}", Label).render())
                    assert knob.heading in heading, (i, heading)
                out_cpu = next(k for k in play.level.knobs if k.id == "out_cpu")
                assert out_cpu.heading != out_cpu.label
                play.open_knob("out_cpu")
                await pilot.press("escape")  # close the list; the focus stays on the setting
                await pilot.pause()
                group = play.query_one("#label-out_cpu", Label).parent
                assert group is not None
                help_line = group.query_one(".knob-help", Static)
                assert help_line.display and str(help_line.render()).startswith(out_cpu.label)


@pytest.mark.slow
@async_test
async def test_the_sandboxs_web_card_shows_each_boxs_cpu(home: Path) -> None:
    """The sandbox's web card at 80×24 showed "web-1 ●✓" and no CPU: the names now give way."""
    async with make_app(manual_clock=True).run_test(size=SIZES[0]) as pilot:
        play = await open_sandbox(pilot, "flash-crowd", 120.0)
        boxes = play.session.snapshot().boxes
        async for size in each_size(pilot):
            view = play.query_one(TopologyView)
            # on screen at this size: a hidden view keeps the size it had and draws at it
            assert view.display and view.region.width > 0, f"at {size[0]}×{size[1]}: {view.region}"
            drawing = str(view.render())
            assert drawing.count("%") >= len(boxes), f"at {size[0]}×{size[1]}:\n{drawing}"


@pytest.mark.parametrize("width", [80 - 8, 200 - 8, *range(20, 60)])
def test_a_number_and_its_unit_stay_on_one_line(width: int) -> None:
    """The debrief read "96" at the end of a line and "% CPU" at the start of the next: the
    sentence joins them with no-break spaces, and the app makes Rich's wrapping respect them."""
    keep_no_break_spaces()
    sentence = game_texts.DEBRIEF["cpu_saturated"].format(box="web-1", peak=96, secs=1276, queue=511,
                                                          p95_ms=8887)
    lines = [line.plain for line in Text(sentence).wrap(Console(width=width), width)]
    for before, after in itertools.pairwise(lines):
        assert not (re.search(r"\d\s*$", before) and re.match(r"(%|s\b|ms\b|CPU)", after)), lines
    assert "96\u00a0%\u00a0CPU" in "".join(lines)


def _korean_concepts() -> list[str]:
    """Every concept line of every level and sandbox, in Korean (as the map's detail lists them)."""
    i18n.activate("ko")
    try:
        content = load_content()
        return [c for lv in (*content.levels, *content.sandboxes) for c in lv.concepts]
    finally:
        i18n.activate(i18n.SOURCE)


def test_a_korean_line_that_fills_its_column_keeps_its_last_letter() -> None:
    """The map read "거쳐 com…" for "거쳐 comm": Rich dropped a wrapped line's trailing space by
    characters, not cells, so a Hangul line that filled its column was one cell too wide and cut.
    Every Korean concept, at every width from 16 (or its longest word) to 60, keeps every word
    whole."""
    trailing_spaces_in_cells()
    concepts = _korean_concepts()
    assert any(re.search("[가-힣]", c) for c in concepts)
    for concept in concepts:
        for width in range(max(16, *(cell_len(w) for w in concept.split())), 61):
            lines = Text(concept).wrap(Console(width=width), width, overflow="ellipsis")
            shown = [line.plain for line in lines]
            assert all(cell_len(line) <= width for line in shown), (width, shown)
            assert " ".join(shown).split() == concept.split(), (width, shown)


@async_test
async def test_the_event_log_says_the_new_layout_in_words(home: Path) -> None:
    """It said "Layout is now two-tier" (an id); now the words of the layout drop-down."""
    unlock_through(LEVEL_2)
    async with two_level_game().run_test(size=SIZES[0]) as pilot:
        play = await play_at(pilot, LEVEL_2, 10.0)  # a change before the clock runs is free: no move
        play.session.set_knob("layout", "two-tier")
        play.advance(240.0)
        await pilot.pause()
        done = [e for e in play.session.sim.log if e.code == "migrate_done"]
        assert done, "the move to two tiers did not finish"
        words = shared_texts.CHOICE_LABELS[("layout", "two-tier")]
        assert words in describe(done[-1]) and "two-tier" not in describe(done[-1])
        async for size in each_size(pilot):
            shown = " ".join(str(log.render()).replace("\n", " ")
                             for log in play.query(EventLog) if log.display)
            assert words.split()[0] in shown, f"at {size[0]}×{size[1]}: {shown}"


def test_a_migration_entry_in_words() -> None:
    entry = LogEntry(120.0, "migrate_done", "good", {"layout": "two-tier"})
    assert describe(entry) == game_texts.EVENTS["migrate_done"].format(
        layout=shared_texts.CHOICE_LABELS[("layout", "two-tier")])


@async_test
async def test_the_briefings_traffic_chart_names_its_unit(home: Path) -> None:
    async with two_level_game().run_test(size=SIZES[0]) as pilot:
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(pilot.app.screen, BriefingScreen)
        async for size in each_size(pilot):
            with at(size):
                legend = pilot.app.screen.query_one("#preview-chart", SeriesChart).border_title
                plain = legend.plain if isinstance(legend, Text) else str(legend)
                assert "requests/s" in plain
                assert texts.SERIES_PLAN_UNIT in plain


@pytest.mark.slow
@async_test
async def test_every_time_chart_marks_the_crash_and_its_detection(home: Path) -> None:
    """Level 3, 25 s after web-2 crashed: the crash (✖) and the balancer taking it out (⊘) came
    seconds apart, one column; every chart on screen draws both, on rows of their own."""
    unlock_through(LEVEL_3)
    async with make_app(manual_clock=True).run_test(size=SIZES[0]) as pilot:
        play = await play_at(pilot, LEVEL_3, 1175.0, solution_knobs(LEVEL_3))
        async for size in each_size(pilot):
            with at(size):
                charts = [c for c in play.query(SeriesChart) if c.display]
                assert len(charts) == (3 if size == (200, 60) else 2)  # the CPU chart joins on a wide screen
                for chart in charts:
                    kinds = {m.kind for m in chart.drawn[2]}
                    assert {"failure", "out_of_rotation"} <= kinds, (chart.id, kinds)


def test_markers_in_one_column_stack_by_kind() -> None:
    marks = [Marker(100.0, "failure"), Marker(101.0, "out_of_rotation"), Marker(102.0, "failure"),
             Marker(500.0, "out_of_rotation")]
    stacked = stack_markers(marks, 0.0, 600.0, 20)
    rows = {kind: list(zip(at, level, strict=True)) for kind, at, level in stacked}
    assert rows["failure"] == [(100.0, 0), (102.0, 0)]
    assert rows["out_of_rotation"] == [(101.0, 1), (500.0, 0)]


@pytest.mark.slow
# a run per size: the panel must grow while the clock runs, with no resize; a resize lays the
# screen out again and grows it anyway (with GaugesView never asking for a layout, a resized app
# passes where a fresh one at that size fails)
@pytest.mark.parametrize("size", SIZES, ids=lambda size: f"{size[0]}x{size[1]}")
@async_test
async def test_the_live_panel_grows_when_the_errors_row_wraps(home: Path, size: tuple[int, int]) -> None:
    """In the flash crowd the errors row lists its causes on two lines: the panel kept the height
    it had at 00:00, and "cost" fell off it (seen in the sandbox at 200×60)."""
    async with make_app(manual_clock=True).run_test(size=size) as pilot:
        play = await open_sandbox(pilot, "flash-crowd", 120.0)
        gauges = play.query_one(GaugesView)
        width = gauges.content_size.width
        lines = Console(width=width).render_lines(gauges_table(gauges.data), pad=False)
        assert any("cost" in "".join(s.text for s in line) for line in lines), size
        assert gauges.content_size.height >= len(lines), (size, gauges.content_size.height, len(lines))


def objectives_lines(play: PlayScreen) -> list[str]:
    """The objectives panel's rows as drawn at its width."""
    view = play.query_one(ObjectivesView)
    width = view.content_size.width
    table = objectives_table(view.objectives, width)
    return ["".join(s.text for s in line) for line in Console(width=width).render_lines(table, pad=False)]


@pytest.mark.slow
@pytest.mark.parametrize("level_id", [LEVEL_1, LEVEL_3, LEVEL_8])
@async_test
async def test_every_objective_is_named_whole_and_its_long_label_is_in_the_tooltip(
        home: Path, level_id: str) -> None:
    """At 80×24 the panel read "Seconds out of …" and "Cost of the eve…": it now names each
    objective by its short label where the long one does not fit (never an ellipsis), a wide
    screen keeps the long one where it fits, and the tooltip pairs each short name with it."""
    unlock_through(level_id)
    async with make_app(manual_clock=True).run_test(size=SIZES[0]) as pilot:
        play = await play_at(pilot, level_id, 60.0, solution_knobs(level_id))
        async for size in each_size(pilot):
            with at(size):
                lines = objectives_lines(play)
                assert not any("…" in line for line in lines), lines
                objectives = play.query_one(ObjectivesView).objectives
                for o in objectives:
                    assert any(o.heading in line or o.label in line for line in lines), (o.label, lines)
                tooltip = str(play.query_one(ObjectivesView).tooltip)
                assert all(o.label in tooltip for o in objectives if o.short_label), tooltip
                if size == (80, 24):
                    assert all(any(o.heading in line for line in lines) for o in objectives), lines
                elif level_id == LEVEL_1:
                    assert any("Cost of the evening" in line for line in lines), lines


def test_an_objectives_name_wraps_rather_than_loses_its_end_beside_wide_numbers() -> None:
    """A failing run's "7,899 ms" and "23.64 %" leave "Failed requests" 14 columns at 80×24: the
    name takes a second line instead of reading "Failed reques…"."""
    rows = (ObjectiveResult("p95", "p95 latency", "latency_p95_ms", "<=", 300, None, 7899.0, False, False),
            ObjectiveResult("errors", "Failed requests", "error_rate_pct", "<=", 1.0, None, 23.64, False,
                            False))
    lines = ["".join(s.text for s in line) for line in
             Console(width=34).render_lines(objectives_table(rows, 34), pad=False)]
    assert not any("…" in line for line in lines), lines
    assert "Failed" in lines[1] and "requests" in lines[2], lines


@pytest.mark.slow
@pytest.mark.parametrize("level_id", [LEVEL_1, LEVEL_8])
@async_test
async def test_every_chart_legend_fits_its_rule_and_names_the_target(home: Path, level_id: str) -> None:
    """At 80×24 the latency chart's rule read "⠒ p95 ms  ─ target …" and the requests chart's
    "· plan  ⠒ offered  …": each legend now fits its chart, the target named in words, before
    the clock starts (the plan and the capacity line) and while it runs."""
    unlock_through(level_id)
    async with make_app(manual_clock=True).run_test(size=SIZES[0]) as pilot:
        play = await open_level(pilot, level_id)
        for seconds, sizes in ((0.0, SIZES), (60.0, SIZES[::-1])):  # 80×24, 200×60, 200×60, 80×24
            play.advance(seconds)
            await pilot.pause()
            async for size in each_size(pilot, sizes):
                with at(size):
                    for chart in (c for c in play.query(SeriesChart) if c.display):
                        plain = Text.from_markup(str(chart.border_title)).plain
                        assert "…" not in plain and cell_len(plain) <= chart.size.width - 2, (chart.id, plain)
                    latency = play.query_one("#chart-latency", SeriesChart).border_title
                    assert "─ target" in Text.from_markup(str(latency)).plain, (seconds, latency)


@async_test
async def test_level_6s_database_card_shows_each_replicas_lag(home: Path) -> None:
    """At 80×24 the card read "replica-1 …": squeezed to an equal share of a board with a scroll
    bar, each line lost its state and lag. The other cards now give way first."""
    unlock_through(LEVEL_6)
    async with make_app(manual_clock=True).run_test(size=SIZES[0]) as pilot:
        play = await play_at(pilot, LEVEL_6, 120.0, {"replicas": "2", "reads": "read_your_writes"})
        replicas = [b for b in play.session.snapshot().boxes if b.role == "replica"]
        assert len(replicas) == 2
        async for size in each_size(pilot):
            with at(size):
                view = play.query_one(TopologyView)
                # on screen at this size: a hidden view keeps the size it had and draws at it
                assert view.display and view.region.width > 0, view.region
                drawing = str(view.render())
                assert "…" not in drawing, drawing
                for box in replicas:
                    line = next((line for line in drawing.splitlines() if box.name in line), None)
                    assert line is not None and fmt.lag_short(box.lag_ms) in line, (box.name, drawing)


@pytest.mark.parametrize("inner", range(4, 22))
def test_a_narrow_database_card_keeps_each_boxs_state_and_lag(inner: int) -> None:
    """Narrower still (a smaller board): the names give way before the state mark and the lag."""
    boxes = [BoxView("db-1", "db", "m5.large", 2, "running", 0.0, 30.0, 0, 1, 0.1),
             BoxView("replica-1", "replica", "m5.large", 2, "running", 0.0, 30.0, 0, 1, 0.1, lag_ms=48.0),
             BoxView("replica-2", "replica", "m5.large", 2, "crashed", 0.0, 0.0, 0, 0, 0.1, lag_ms=0.0)]
    lines = [line.plain for line in database.db_card(boxes, inner + 2)]
    assert all(cell_len(line) == inner + 2 for line in lines), lines
    if inner >= database.Form(0, False, cpu=False).width:
        assert not any("…" in line for line in lines[1:]), lines
        assert "48ms" in lines[3] and "–" in lines[2], lines


@pytest.mark.slow
@async_test
async def test_the_debriefs_verdicts_fit_and_the_star_is_explained(home: Path) -> None:
    """Level 1 lost with its cost's stretch target met: the verdict "met ★ stretch met" ran into
    the scroll bar at 80×24. A row now says "met ★", whole, and one line under the table says
    what the star means."""
    async with two_level_game().run_test(size=SIZES[0]) as pilot:
        play = await open_level(pilot)
        play.advance(play.level.duration_s)
        await pilot.pause()
        screen = pilot.app.screen
        assert isinstance(screen, DebriefScreen)
        async for size in each_size(pilot):
            with at(size):
                width = screen.query_one("#debrief-objectives", Static).content_size.width
                drawn = Console(width=width).render_lines(debrief_objectives(screen.result), pad=False)
                lines = ["".join(s.text for s in line).rstrip() for line in drawn]
                verdict = f"{texts.DEBRIEF_MET} {texts.DEBRIEF_STRETCH}"
                cost = next((line for line in lines if "Cost of the evening" in line), "")
                assert cost.endswith(verdict), lines
                assert all(cell_len(line) <= width for line in lines), lines
                assert any(line.startswith(texts.DEBRIEF_STRETCH) and texts.DEBRIEF_STRETCH_LEGEND in line
                           for line in lines), lines


@pytest.mark.slow
@async_test
async def test_level_8s_scaling_history_has_its_rows_under_the_long_settings(home: Path) -> None:
    """At 200×60 level 8's settings and their help lines, capped at the whole right column, left
    the scaling history its title row at the bottom of the screen; the settings now take what
    the objectives and the history leave, and scroll. At 80×24 the history is its one line.

    The run is at 200×60, where the history grows a row per change while the clock runs (a
    resize would lay it out again whether or not it asked); then 80×24 by resizing."""
    unlock_through(LEVEL_8)
    async with make_app(manual_clock=True).run_test(size=(200, 60)) as pilot:
        play = await play_at(pilot, LEVEL_8, 960.0, solution_knobs(LEVEL_8))
        changes = play.session.snapshot().scaling
        assert changes, "no scaling change by 16:00"
        history = play.query_one(ScalingHistory)
        async for size in each_size(pilot, ((200, 60), (80, 24))):
            with at(size):
                region = history.region
                assert region.height > 0 and region.bottom <= play.query_one("#play-right").region.bottom
                drawn = str(history.render())
                assert clock(changes[-1].t) in drawn, drawn
                if size == (200, 60):
                    # its title rule, the header and every change so far
                    assert region.height == 2 + len(changes), region
                    assert len(drawn.splitlines()) == 1 + len(changes), drawn
                    policy = play.query_one(PolicyPanel)
                    assert policy.region.bottom <= play.query_one(ObjectivesView).region.y


@async_test
async def test_the_help_names_the_debriefs_keys_and_its_watch_key_is_reachable(home: Path) -> None:
    """F1 listed the play screen's keys only: the debrief's w ("watch a winning run", offered
    after two losses) was nowhere. It has its own table now, at the end of the help, which the
    help scrolls to (End) at either size."""
    async with two_level_game().run_test(size=SIZES[0]) as pilot:
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(pilot.app.screen, HelpScreen)
        async for size in each_size(pilot):
            with at(size):
                await pilot.press("home", "end")  # from the top, as after opening it at this size
                await pilot.pause()
                shown = render(pilot.app).text
                assert re.search(r"\bw\b.*watch a winning run beside yours", shown), shown
                # the row wraps inside its cell at 80 columns (after "offered after", since the key
                # column is as wide as Ctrl+E), and is whole at 200
                assert "offered after" in shown and "losses of a level not yet" in shown, shown
                assert re.search(r"Ctrl\+E\s*│ export the settings the run ended with", shown), shown


def test_the_compare_tables_names_wrap_rather_than_lose_their_end() -> None:
    """The compare screen's side column at 80×24 (37 cells) beside a lost run's "8,090 ms" and
    "44.01 %" read "Failed reque…" and "Evening's co…" (seen in tmux, level 1 lost twice, then w)."""
    from scaleout_tui.ui.screens.compare import objectives_table as compare_objectives

    lost = (ObjectiveResult("errors", "Failed requests", "error_rate_pct", "<=", 1.0, None, 44.01, False,
                            False),
            ObjectiveResult("cost", "Cost of the evening", "cost", "<=", 0.4, None, 0.05, True, False,
                            short_label="Evening's cost"))
    won = (ObjectiveResult("errors", "Failed requests", "error_rate_pct", "<=", 1.0, None, 0.0, True, False),
           ObjectiveResult("cost", "Cost of the evening", "cost", "<=", 0.4, None, 0.19, True, False,
                           short_label="Evening's cost"))
    lines = ["".join(s.text for s in line) for line in
             Console(width=37).render_lines(compare_objectives(lost, won), pad=False)]
    assert not any("…" in line for line in lines), lines
    text = " ".join(" ".join(lines).split())
    assert "Failed" in text and "requests" in text and "Evening's" in text and "cost" in text, lines
    assert all(cell_len(line.rstrip()) <= 37 for line in lines), lines


@pytest.mark.parametrize(("size", "classes"), [((80, 24), {"-narrow", "-short"}),
                                               ((200, 60), {"-wide", "-tall"})])
@async_test
async def test_the_play_screen_has_its_breakpoint_classes_from_its_first_layout(
        home: Path, monkeypatch: pytest.MonkeyPatch, size: tuple[int, int], classes: set[str]) -> None:
    """Textual sets them when the screen first handles a ``Resize``, after its first layout; laid
    out without them, the policy panel wrapped its help for a scrollbar and kept it
    (``textual_fixes.breakpoints_from_the_start``)."""
    from textual.screen import Screen

    first: list[set[str]] = []
    layout = Screen._refresh_layout

    def recording(screen: Screen[object], *args: object, **kwargs: object) -> None:
        if isinstance(screen, PlayScreen) and not first:
            first.append(set(screen.classes))
        layout(screen, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Screen, "_refresh_layout", recording)
    async with make_app(manual_clock=True).run_test(size=size) as pilot:
        await open_level(pilot, LEVEL_1)
    assert first and classes <= first[0], first
