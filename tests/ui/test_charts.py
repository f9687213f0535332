"""Charts that explain themselves and the evening ahead (issue 14): the mm:ss time axis, the
legend's glyphs, the event markers (the same events as the log), the capacity line that moves
with a setting while paused."""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import pytest
from rich.cells import cell_len
from textual.widgets import Select

from scaleout_tui.engine.events import LogEntry
from scaleout_tui.game.texts import clock
from scaleout_tui.ui import texts
from scaleout_tui.ui.app import make_app
from scaleout_tui.ui.widgets.charts import (
    BRAILLE,
    LABEL_GAP,
    MARKER_STYLES,
    MIN_LABEL_GAP,
    ClockFormatter,
    Guide,
    Marker,
    Series,
    SeriesChart,
    axis_ticks,
    clock_ticks,
    label_cells,
    legend,
    marker_of,
    markers,
)
from scaleout_tui.ui.widgets.eventlog import EventLog, entry_text
from tests.ui.conftest import (
    LEVEL_3,
    LEVEL_8,
    async_test,
    open_level,
    play_at,
    solution_knobs,
    unlock_through,
)


def test_the_time_axis_reads_mm_ss() -> None:
    f = ClockFormatter()
    assert f.get_labels_for_ticks([0.0, 300.0, 600.0, 1800.0]) == ["00:00", "05:00", "10:00", "30:00"]
    assert f.get_labels_for_ticks([3600.0]) == ["1:00:00"]
    assert clock_ticks(0.0, 1800.0, 4) == [0.0, 600.0, 1200.0, 1800.0]
    assert clock_ticks(0.0, 600.0, 3) == [0.0, 300.0, 600.0]


def test_each_event_kind_has_its_own_glyph_and_a_name() -> None:
    glyphs = [g for g, _ in MARKER_STYLES.values()]
    assert len(set(glyphs)) == len(glyphs)
    assert all(cell_len(g) == 1 for g in glyphs)
    assert set(texts.MARKER_NAMES) == set(MARKER_STYLES)
    assert BRAILLE not in glyphs


def test_markers_come_from_the_log_events() -> None:
    log = [LogEntry(10, "crash", "error", {"box": "web-2"}),
           LogEntry(20, "target_unhealthy", "error", {"box": "web-2"}),
           LogEntry(30, "promoted", "good", {"box": "replica-1"}),
           LogEntry(40, "scale_out", "info", {"old": 2, "new": 4, "cause": "target"}),
           LogEntry(50, "scale_in", "info", {"old": 4, "new": 3, "cause": "simple_in"}),
           LogEntry(60, "scale_out", "info", {"old": 3, "new": 40, "cause": "scheduled"}),
           LogEntry(70, "knob", "info", {"label": "Size", "value": "m5.xlarge"}),
           LogEntry(80, "launched", "good", {"box": "web-5"})]
    assert [marker_of(e) for e in log] == ["failure", "out_of_rotation", "failover", "scale_out", "scale_in",
                                           "scheduled", "setting", None]
    assert markers(log) == tuple(Marker(float(t), k) for t, k in zip(
        (10, 20, 30, 40, 50, 60, 70), ("failure", "out_of_rotation", "failover", "scale_out", "scale_in",
                                       "scheduled", "setting"), strict=True))
    # the log line carries the same glyph as the chart's marker; an unmarked event none
    assert entry_text(log[0]).plain.startswith("00:10 ✖ ")
    assert "✖" not in entry_text(log[-1]).plain and "◆" in entry_text(log[6]).plain


def test_the_legend_shows_the_glyph_each_series_is_drawn_with() -> None:
    series = [Series((), "yellow", label="p95 ms"), Series((), "green", glyph="•", label="served")]
    guides = [Guide(300.0, "red", "─", "target 300 ms")]
    text = legend("Latency", series, guides, [Marker(5, "failure")])
    assert text.plain == "Latency  ⠒ p95 ms  • served  ─ target 300 ms  ✖ failure"
    # each glyph in the colour of its series
    styles = {text.plain[s.start:s.end]: str(s.style) for s in text.spans}
    assert styles["⠒"] == "yellow" and styles["•"] == "green" and styles["─"] == "red"
    # narrow: markers go first, then the title; the series stay
    narrow = legend("Latency", series, guides, [Marker(5, "failure")], width=40)
    assert narrow.plain == "⠒ p95 ms  • served  ─ target 300 ms"
    assert cell_len(narrow.plain) <= 40



@pytest.mark.parametrize(("width", "shown"), [
    (30, "⠒ p95 ms  • served  ─ target"),  # the target's short words (its number is on the axis)
    (20, "⠒ p95 ms  ─ target"),  # then whole series, the last first
    (8, "─ target"),  # the guide goes last
    (4, ""),
])
def test_a_narrow_legend_gives_way_by_whole_words_never_an_ellipsis(width: int, shown: str) -> None:
    """At 80×24 the panel's border cut "target 500 ms" to "target …": the legend now fits its
    width by itself, giving up the title, then long words, then whole entries."""
    series = [Series((), "yellow", label="p95 ms"), Series((), "green", glyph="•", label="served")]
    guides = [Guide(300.0, "red", "─", "target 300 ms", "target")]
    text = legend("Latency", series, guides, [Marker(5, "failure")], width=width)
    assert text.plain == shown
    assert cell_len(text.plain) <= width

@async_test
async def test_the_capacity_line_moves_with_a_setting_while_paused(home: Path) -> None:
    app = make_app(manual_clock=True)
    async with app.run_test(size=(120, 40)) as pilot:
        play = await open_level(pilot)
        rps = play.query_one("#chart-rps", SeriesChart)
        _, guides, _ = rps.drawn
        before = guides[0].value
        assert round(before) == 69 and "≈69/s" in guides[0].label
        assert rps.drawn[0][0].label == texts.SERIES_PLAN  # the whole evening's plan
        log = str(play.query_one("#log", EventLog).render())
        assert "Peak: 225 requests/s at 22:30" in log
        play.query_one("#knob-size", Select).value = "m5.xlarge"
        await pilot.pause()
        _, guides, marks = rps.drawn
        assert guides[0].value == 2 * before
        assert [m.kind for m in marks] == ["setting"]
        assert "≈137 requests/s" in str(play.query_one("#log", EventLog).render())
        # once the clock has run, the plan and the estimate leave the board
        play.advance(5)
        await pilot.pause()
        assert rps.drawn[1] == () and all(s.label != texts.SERIES_PLAN for s in rps.drawn[0])


@pytest.mark.slow
@async_test
async def test_a_crash_and_its_detection_are_marked_on_the_charts_and_in_the_log(home: Path) -> None:
    unlock_through(LEVEL_3)
    app = make_app(manual_clock=True)
    async with app.run_test(size=(120, 40)) as pilot:
        play = await play_at(pilot, LEVEL_3, 60.0, solution_knobs(LEVEL_3))
        play.inject("crash", "web-2")
        play.advance(20.0)
        await pilot.pause()
        for chart in ("#chart-latency", "#chart-rps"):
            kinds = [m.kind for m in play.query_one(chart, SeriesChart).drawn[2]]
            assert "failure" in kinds and "out_of_rotation" in kinds
        log = str(play.query_one("#log", EventLog).render())
        assert "✖ web-2 crashed" in log and "⊘ web-2 failed" in log


def test_the_preview_counts_boxes_in_words_and_prices_the_whole_set_up() -> None:
    """"1 box", "5 boxes", never "box(es)"; and the hourly price is the set-up's, so the line
    must not read as boxes × price (level 3: 5 boxes, $1.06/h in all, $0.53 for half an hour)."""
    from scaleout_tui.content import find_level, load_level
    from scaleout_tui.content.catalog import load_catalog
    from scaleout_tui.game.preview import preview
    from scaleout_tui.ui.widgets.preview import preview_lines

    def cost_line(level: str) -> str:
        lines = preview_lines(preview(load_level(find_level(level)), load_catalog()))
        return next(t.plain for t in lines if "evening" in t.plain)

    assert cost_line("01-single-server") == \
        "Cost of the evening: ≈$0.048 (1 box at $0.096/h in all, for 0.5 h)"
    assert cost_line("03-load-balancer") == \
        "Cost of the evening: ≈$0.53 (5 boxes at $1.06/h in all, for 0.5 h)"


def _gaps(cells: list[tuple[int, int]]) -> list[int]:
    return [n[0] - c[1] - 1 for c, n in itertools.pairwise(cells)]


def test_the_time_axis_has_as_many_labels_as_fit_apart() -> None:
    """Where textual-plot writes each label (the first hangs into the margin, the last ends on
    the frame): for whole runs and for the last ten minutes as a run goes on, at every width the
    labels chosen stay in the chart, MIN_LABEL_GAP blank cells apart (LABEL_GAP on average), and
    the next finer step would not fit so. From 22 cells (three charts in a row at 80 columns) an
    axis always has a label: a minute whose label would cross the frame is left out, not the
    whole step (00:01-10:01 once read bare, its 10:00 two cells too far right)."""
    windows = [(0.0, 600.0), (0.0, 1800.0), (0.0, 3600.0)]
    windows += [(end - 600.0, end) for end in map(float, range(601, 3601, 37))]
    for start, end in windows:
        for width in range(8, 130):
            ticks = axis_ticks(start, end, width, 7)
            cells = label_cells(ticks, start, end, width, 7)
            assert all(a >= 0 and b < width for a, b in cells), (start, end, width, cells)
            gaps = _gaps(cells)
            assert all(g >= MIN_LABEL_GAP for g in gaps), (start, end, width, cells)
            assert sum(gaps) >= LABEL_GAP * len(gaps), (start, end, width, cells)
            assert ticks or width < 22, (start, end, width)
            if len(ticks) < 2:
                continue
            step = round((ticks[1] - ticks[0]) / 60.0)
            finer = [m for m in (1, 2, 5, 10, 15, 30, 60) if m < step]
            if finer:
                minutes = [m * 60.0 for m in range(0, int(end // 60) + 1, finer[-1]) if m * 60.0 >= start]
                more = [c for c in label_cells(minutes, start, end, width, 7) if c[0] >= 0 and c[1] < width]
                closer = _gaps(more)
                assert len(more) < 2 or min(closer) < MIN_LABEL_GAP or \
                    sum(closer) < LABEL_GAP * len(closer), (start, end, width, ticks)
    assert axis_ticks(0.0, 1800.0, 22, 7) == [0.0, 1800.0]
    assert axis_ticks(1440.0, 2040.0, 22, 7) == [1800.0]  # the roundest minute of 24:00-34:00
    assert axis_ticks(560.0, 1160.0, 45, 7) == [600.0, 900.0]
    assert axis_ticks(1.0, 601.0, 80, 7) == [120.0, 240.0, 360.0, 480.0]
    assert axis_ticks(0.0, 1800.0, 9, 7) == [1800.0]  # only the last label fits, against the frame
    assert axis_ticks(0.0, 1800.0, 4, 2) == []


@async_test
async def test_the_briefing_of_an_hour_long_level_shows_every_axis_label_apart(home: Path) -> None:
    from tests.ui.test_terminal_hardening import render

    unlock_through(LEVEL_8)
    app = make_app(manual_clock=True)
    async with app.run_test(size=(120, 35)) as pilot:
        await pilot.press("home", *["down"] * app.content.ordered_ids.index(LEVEL_8), "enter")
        await pilot.pause()
        axis = next(line for line in render(app).text.splitlines() if "00:00" in line and "1:00:00" in line)
        labels = re.sub(r"\x1b\[[0-9;]*H", "", axis).split()  # (the render's cursor moves)
        assert labels[0] == "00:00" and labels[-1] == "1:00:00", axis
        assert all(re.fullmatch(r"(1:)?[0-5]0:00", label) for label in labels), axis


@async_test
async def test_time_axis_labels_are_drawn_where_axis_ticks_expects_them() -> None:
    """What textual-plot draws agrees with :func:`label_cells`, the model :func:`axis_ticks`
    chooses by: at each width where the number of labels changes (and the width before it),
    for 10-, 30- and 60-minute axes, whole or the last ten minutes (ending on a whole minute or
    not), the axis reads exactly the chosen labels, whole, at least MIN_LABEL_GAP cells apart.
    At 80×24 the chapter-two sandbox puts three charts in a row, and "00:00" and "30:00" printed
    over each other as "00:030:00"."""
    from textual.app import App, ComposeResult

    class One(App[None]):
        def compose(self) -> ComposeResult:
            yield SeriesChart(id="chart")

    async with One().run_test(size=(120, 12)) as pilot:
        chart = pilot.app.query_one(SeriesChart)
        for duration_s, whole, now in ((600.0, False, 600), (1800.0, False, 1800), (1800.0, True, 1800),
                                       (3600.0, True, 3600), (1800.0, False, 601), (1800.0, False, 1259)):
            t = [*map(float, range(0, now, 30)), float(now)]
            window = duration_s if whole or duration_s <= 600.0 else 600.0
            start, end = (t[-1] - window, t[-1]) if duration_s > window else (0.0, window)
            counts = {w: len(axis_ticks(start, end, w, 7)) for w in range(7, 121)}
            widths = sorted({x for w in range(8, 121) if counts[w] != counts[w - 1] for x in (w - 1, w)})
            assert len(widths) >= 6, widths
            for width in widths:
                chart.styles.width = width
                await pilot.pause()
                chart.show(t, [Series([1.0] * len(t), "green")], duration_s, whole=whole)
                await pilot.pause()
                axis = chart.query_one("#margin-bottom").render_line(0).text
                expected = [clock(x) for x in axis_ticks(start, end, width, chart.margin_left)]
                assert axis.split() == expected, (duration_s, width, axis)
                spans = [m.span() for m in re.finditer(r"\S+", axis)]
                assert all(b[0] - a[1] >= MIN_LABEL_GAP for a, b in itertools.pairwise(spans)), (width, axis)
