"""Line charts of the run over simulated time, on textual-plot's ``PlotWidget``.

Charts that explain themselves (issue 14): the time axis reads mm:ss; each series has a glyph
as well as a colour, and the legend in the panel's title shows that very glyph (a braille line
"⠒", or the one character a dotted series is drawn with), so the chart reads without colour; a
target is a labelled "─" line; a capacity estimate a labelled "═" line; and the events of the
log (a crash, a box out of rotation, a failover, a scale-out or -in, a scheduled action, a
setting changed) are markers on the time axis, with the same glyph the event log puts before
the event's sentence (:func:`marker_of`, one mapping for both).

Why these settings: ``PlotWidget`` is focusable and binds ``+ - arrows r`` for zoom and
pan. In a game whose ``r`` restarts the level that would steal keys, so the chart is
not focusable and pan/zoom is off: it is a read-only gauge. The margins are trimmed so
a useful plot fits the 80×24 layout.

Redrawing a plot costs a few milliseconds, so :meth:`SeriesChart.show` redraws only when
the data changed (a new one-second window arrived), and series are reduced to one point
per braille dot column (:func:`bin_series`). A level's target can be drawn as a
horizontal reference line, so "am I under 300 ms?" is read off the chart directly.
"""

from __future__ import annotations

import itertools
import math
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from rich.cells import cell_len
from rich.style import Style
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Grid
from textual.geometry import Region
from textual.strip import Strip
from textual_hires_canvas import Canvas
from textual_plot import HiResMode, PlotWidget
from textual_plot.axis_formatter import AxisFormatter
from textual_plot.plot_widget import Legend

from scaleout_tui.engine.events import LogEntry
from scaleout_tui.game.texts import clock
from scaleout_tui.ui import texts

Line = tuple[Sequence[float], str, str]  # values, Rich style, how to bin ("mean" or "max")

#: The glyph of a series drawn as a braille line (what textual-plot's own legend shows for one).
BRAILLE = "⠒"
#: The glyph of a target line and of a capacity line.
TARGET_GLYPH = "─"
CAPACITY_GLYPH = "═"


@dataclass(frozen=True, slots=True)
class Series:
    """One series of a chart: its values, colour, how it bins, the glyph it is drawn with
    (:data:`BRAILLE`: a braille line; any other character: that character once per column) and
    its legend label. ``t`` gives the series its own times (the preview's whole evening)."""

    values: Sequence[float]
    style: str
    how: str = "mean"
    glyph: str = BRAILLE
    label: str = ""
    t: Sequence[float] | None = None
    #: the legend's words where ``label`` does not fit (empty: the label)
    short: str = ""


@dataclass(frozen=True, slots=True)
class Guide:
    """A labelled horizontal line: a target ("─") or a capacity estimate ("═")."""

    value: float
    style: str
    glyph: str
    label: str
    #: the legend's words where ``label`` does not fit (empty: the label); a target's number is
    #: on the y axis beside its line, so its short form may leave it out
    short: str = ""


@dataclass(frozen=True, slots=True)
class Marker:
    """An event on the time axis."""

    t: float
    kind: str


#: Each kind of marker: its glyph and colour (the event log uses the same, see ``marker_of``).
MARKER_STYLES: dict[str, tuple[str, str]] = {
    "failure": ("✖", "bold red"),
    "out_of_rotation": ("⊘", "bold yellow"),
    "failover": ("⇄", "bold magenta"),
    "scale_out": ("▲", "bold green"),
    "scale_in": ("▼", "bold bright_blue"),
    "scheduled": ("◷", "bold cyan"),
    "setting": ("◆", "bold white"),
}
_KIND_OF_CODE = {
    "crash": "failure", "fault_hang": "failure", "fault_error": "failure", "fault_slow": "failure",
    "target_unhealthy": "out_of_rotation",
    "promoted": "failover",
    "scale_out": "scale_out", "scale_in": "scale_in",
    "knob": "setting",
}


def marker_of(entry: LogEntry) -> str | None:
    """The marker kind of a log entry, or None for an event without one. A scaling action that a
    schedule made is "scheduled" whichever way it went."""
    kind = _KIND_OF_CODE.get(entry.code)
    if kind in ("scale_out", "scale_in") and entry.params.get("cause") == "scheduled":
        return "scheduled"
    return kind


def markers(log: Iterable[LogEntry]) -> tuple[Marker, ...]:
    """The markers of the events in ``log``, in order."""
    return tuple(Marker(e.t, k) for e in log if (k := marker_of(e)) is not None)


def stack_markers(marks: Sequence[Marker], start: float, end: float,
                  columns: int) -> list[tuple[str, list[float], list[int]]]:
    """For each kind of marker: its times and, for each, the row it goes on (0: the time axis).

    Why: a crash and the balancer noticing it come seconds apart, in one column of a chart that
    spans ten minutes; drawn on one row, the later glyph hid the earlier (level 3 showed "⊘" and
    never the "✖" of the crash). Each kind present in a column gets its own row, in the order the
    kinds first happened there; markers of one kind in one column share a row (one glyph says it).
    """
    span = max(end - start, 1e-9)
    rows_of: dict[int, list[str]] = {}
    out: dict[str, tuple[list[float], list[int]]] = {}
    for m in marks:
        col = min(int((m.t - start) / span * columns), max(columns - 1, 0))
        kinds = rows_of.setdefault(col, [])
        if m.kind not in kinds:
            kinds.append(m.kind)
        at, level = out.setdefault(m.kind, ([], []))
        at.append(m.t)
        level.append(kinds.index(m.kind))
    return [(kind, at, level) for kind, (at, level) in out.items()]


def marker_text(kind: str) -> Text:
    """A marker's glyph in its colour (the event log puts it before the event's sentence)."""
    glyph, style = MARKER_STYLES[kind]
    return Text(glyph, style=style)


def legend(title: str, series: Sequence[Series], guides: Sequence[Guide] = (),
           marks: Sequence[Marker] = (), width: int = 0) -> Text:
    """``title`` then each labelled series and guide as "glyph label", then the glyph and name of
    each kind of marker present, as many as fit ``width`` cells (0: all).

    The panel's border would cut a legend too long for it with an ellipsis, at 80×24 in the
    middle of the target ("target …"), so it gives way in order of importance instead: the title
    first, then each line's long words for its short ones (a target's number is on the y axis
    beside it), then whole entries, series last to first before any guide (a labelled line says
    what a player aims at or can carry). Markers that do not fit are still explained beside
    each event in the log."""
    lines = [(s.glyph, s.style, s.label, s.short or s.label) for s in series if s.label]
    lines += [(g.glyph, g.style, g.label, g.short or g.label) for g in guides if g.label]

    def room(labels: Sequence[str]) -> int:
        return sum(cell_len(label) + 2 for label in labels) + 2 * max(len(labels) - 1, 0)

    long_words = [long for _, _, long, _ in lines]
    short_words = [short for _, _, _, short in lines]
    with_title = not width or cell_len(title) + (2 + room(long_words) if lines else 0) <= width
    chosen = long_words if not width or room(long_words) <= width else short_words
    keep = list(range(len(lines)))
    # importance, least first: the series from the last, then the guides from the last
    n_series = len([s for s in series if s.label])
    order = [*reversed(range(n_series)), *reversed(range(n_series, len(lines)))]
    while width and keep and room([chosen[i] for i in keep]) > width:
        keep.remove(next(i for i in order if i in keep))
    parts = [(lines[i][0], lines[i][1], chosen[i]) for i in keep]
    kinds = list(dict.fromkeys(m.kind for m in marks))
    out = Text(title if with_title else "", style="bold")
    for glyph, style, label in parts:
        out.append_text(_entry(out, glyph, style, label))
    for k in kinds:
        piece = _entry(out, *MARKER_STYLES[k], texts.MARKER_NAMES[k])
        if width and cell_len(out.plain + piece.plain) > width:
            break
        out.append_text(piece)
    return out


def _entry(before: Text, glyph: str, style: str, label: str) -> Text:
    """One legend entry, "glyph label", two spaces after what comes before it."""
    piece = Text("  " if before.plain else "")
    piece.append(glyph, style=style)
    piece.append(" " + label)
    return piece


#: the steps a time axis counts in, in minutes: labels a reader adds up without thinking
MINUTE_STEPS = (1, 2, 5, 10, 15, 30, 60)


def clock_ticks(start: float, end: float, max_ticks: int) -> list[float]:
    """Ticks in seconds on whole minutes (:func:`minute_ticks`), for mm:ss labels."""
    return [m * 60.0 for m in minute_ticks(start / 60.0, end / 60.0, max_ticks)]


#: blank cells between two time-axis labels: never fewer than MIN_LABEL_GAP, and LABEL_GAP on
#: average (two everywhere read as crowded: "10:00  12:00  14:00"; three everywhere is more than
#: rounding allows where a label lands on a cell, and threw away a step that read well)
MIN_LABEL_GAP = 2
LABEL_GAP = 3


def label_cells(ticks: Sequence[float], start: float, end: float, width: int,
                margin: int) -> list[tuple[int, int]]:
    """The first and last cell of each tick's label on the time axis of a chart ``width`` cells
    wide with a ``margin``-cell left margin, where textual-plot writes them (a tick outside
    ``[start, end]``, which it does not write, gets ``(-1, -1)``).

    Their rules (textual-plot 0.10 and textual-hires-canvas, as pinned, in their arithmetic): a
    tick maps to a column of the plot canvas between 1 and its width - 1 (rounded down); the
    label of the first tick is centred one column left of it, the last one ends on it, the others
    are centred (an even length one cell right of centre), and the canvas starts after the margin.
    """
    plot = width - margin
    out = []
    for tick in ticks:
        if not start <= tick <= end or end <= start:
            out.append((-1, -1))
            continue
        label = cell_len(clock(tick))
        col = math.floor(1 + (tick - start) * (plot - 2) / (end - start))
        if tick == end:
            first = col - (label - 1)
        else:
            first = col - (1 if tick == start else 0) - label // 2 + (1 if label % 2 == 0 else 0)
        out.append((margin + first, margin + first + label - 1))
    return out


def _placed(ticks: Sequence[float], start: float, end: float, width: int,
            margin: int) -> list[tuple[float, tuple[int, int]]]:
    """Each tick whose label is whole inside the chart, with its cells (textual-plot centres a
    minute just short of the end, and its label runs past the frame)."""
    cells = label_cells(ticks, start, end, width, margin)
    return [(t, c) for t, c in zip(ticks, cells, strict=True) if c[0] >= 0 and c[1] < width]


def axis_ticks(start: float, end: float, width: int, margin: int) -> list[float]:
    """The most whole-minute ticks whose labels fit the axis apart (:data:`MIN_LABEL_GAP` blank
    cells between two at least, :data:`LABEL_GAP` on average) and inside the chart; where two do
    not fit, the roundest minute whose label does; none where not even one does.

    Why exact rather than a number of cells per label: the first label hangs into the margin and
    the last one is pushed against the frame, so a flat 7 cells per label was wrong both ways.
    Three charts in a row at 80 columns had room for "00:00" and "30:00", and showed both; a
    narrower chart was allowed two as well, and printed them over each other ("00:030:00").
    A minute whose label would cross the frame is left out, not the step: the last ten minutes
    from 00:01 to 10:01 read 02:00 ... 08:00, where rejecting the step had left the axis bare.
    """
    # a label is 5 cells or more and keeps 2 from the next; the first hangs into the margin
    for count in range((width - margin) // 7 + 2, 1, -1):
        placed = _placed(clock_ticks(start, end, count), start, end, width, margin)
        gaps = [nxt[0] - cur[1] - 1 for (_, cur), (_, nxt) in itertools.pairwise(placed)]
        if len(placed) >= 2 and min(gaps) >= MIN_LABEL_GAP and sum(gaps) >= LABEL_GAP * len(gaps):
            return [t for t, _ in placed]
    every_minute = clock_ticks(start, end, sys.maxsize)  # no limit: a tick on each minute
    fitting = [t for t, _ in _placed(every_minute, start, end, width, margin)]
    return [max(fitting, key=_roundness)] if fitting else []


def _roundness(t: float) -> tuple[int, float]:
    """How round a whole minute is (the largest of 60, 30, 15, 10, 5, 2, 1 minutes it is a
    multiple of), the earlier first among equals."""
    minute = round(t / 60.0)
    return next(step for step in reversed(MINUTE_STEPS) if minute % step == 0), -t


class ClockFormatter(AxisFormatter):
    """The time axis in seconds, labelled mm:ss (h:mm:ss past an hour)."""

    def get_ticks(self, min_: float, max_: float, max_ticks: int = 8) -> list[float]:
        return clock_ticks(min_, max_, max_ticks)

    def get_labels_for_ticks(self, ticks: Sequence[float]) -> list[str]:
        return [clock(t) for t in ticks]


def bin_series(t: Sequence[float], y: Sequence[float], t0: float, t1: float, bins: int,
               how: str = "mean") -> tuple[np.ndarray, np.ndarray]:
    """Reduce a series to at most ``bins`` points over ``[t0, t1]``: one per pixel column.

    Per-second values are noisy; drawn one per point into a few cells they become a
    scribble. Each bin keeps the mean (traffic) or the maximum (latency, so a spike
    never vanishes) of its points, at the bin's centre. Empty bins are left out, so a
    run that has just started draws only what it has.
    """
    ta = np.asarray(t, dtype=float)
    ya = np.asarray(y, dtype=float)
    size = min(ta.size, ya.size)
    ta, ya = ta[:size], ya[:size]
    ok = np.isfinite(ta) & np.isfinite(ya)
    if t1 > t0:  # points before the window (a long run's first minutes) are not piled into its first bin
        ok &= (ta >= t0) & (ta <= t1)
    ta, ya = ta[ok], ya[ok]
    if bins <= 0 or t1 <= t0 or ta.size == 0:
        return ta, ya
    idx = np.clip(((ta - t0) / (t1 - t0) * bins).astype(int), 0, bins - 1)
    counts = np.bincount(idx, minlength=bins)
    if how == "max":
        vals = np.full(bins, -np.inf)
        np.maximum.at(vals, idx, ya)
    else:
        vals = np.bincount(idx, weights=ya, minlength=bins) / np.maximum(counts, 1)
    centres = t0 + (np.arange(bins) + 0.5) * (t1 - t0) / bins
    used = counts > 0
    return centres[used], vals[used]


def nice_ticks(top: float, max_ticks: int) -> list[float]:
    """Ticks 0, s, 2s ... up to the first one at or above ``top``, with s = 1, 2 or 5 × 10^k
    and at most ``max_ticks`` ticks. The last tick becomes the top of the axis, so every
    label sits on a real row (a short plot with eight labels put them on approximate rows:
    a 300 ms target line appeared beside the "350" label)."""
    top = top if top > 0 else 1.0
    max_ticks = max(max_ticks, 2)
    power = 10.0 ** math.floor(math.log10(top / (max_ticks - 1)))
    for mult in (1.0, 2.0, 2.5, 5.0, 10.0, 20.0):
        step = mult * power
        if math.ceil(top / step) + 1 <= max_ticks:
            break
    n = math.ceil(top / step - 1e-9)
    return [i * step for i in range(n + 1)]


def minute_ticks(start: float, end: float, max_ticks: int) -> list[float]:
    """Whole-minute ticks in ``[start, end]`` at a step of 1, 2, 5, 10, 15, 30 or 60 minutes,
    at most ``max_ticks`` of them, so labels like "10" and "12" never run into each other."""
    span = max(end - start, 1e-9)
    for step in MINUTE_STEPS:
        if span / step + 1 <= max(max_ticks, 2):
            break
    first = math.ceil(start / step - 1e-9) * step
    return [float(m) for m in np.arange(first, end + 1e-9, step)]


class ChartCanvas(Canvas):
    """textual-hires-canvas's canvas, working out its base style once per paint, not per line.

    Why: the canvas asks for ``rich_style`` on every line it paints, and Textual computes that
    anew each time by walking the widget's ancestors. A chart is four canvases of up to 60 lines,
    four charts to a screen: at 200×60 that walk was about 60 % of the time spent painting the
    charts (22 ms of a level-8 refresh, 8.5 ms without it). Within one paint the style cannot
    change, so it is taken once, at the start, and every line of that paint gets the same one.
    """

    _paint_style: Style | None = None

    @property
    def rich_style(self) -> Style:
        style = self._paint_style
        return super().rich_style if style is None else style

    def render_lines(self, crop: Region) -> list[Strip]:
        self._paint_style = super().rich_style
        try:
            return super().render_lines(crop)
        finally:
            self._paint_style = None


class SeriesChart(PlotWidget, can_focus=False):
    """A read-only time chart: x is simulated time in mm:ss, one or more series share the y axis.

    ``title`` heads the legend in the panel's title rule (set on every redraw, so the legend
    always names what is drawn)."""

    def __init__(self, *, id: str | None = None, classes: str | None = None, title: str = "") -> None:
        super().__init__(id=id, classes=classes, allow_pan_and_zoom=False)
        self.title = title
        self._key: tuple[object, ...] | None = None
        self._last: tuple[tuple[object, ...], dict[str, object]] | None = None
        #: what the last redraw drew: the series, guides and markers (tests read it)
        self.drawn: tuple[tuple[Series, ...], tuple[Guide, ...], tuple[Marker, ...]] = ((), (), ())
        #: inside :meth:`show`: textual-plot's calls only mark the plot for a redraw (see _rerender)
        self._batching = False
        self._legend: Text | None = None
        if title:
            self.border_title = title

    def compose(self) -> ComposeResult:
        """textual-plot's children, with :class:`ChartCanvas` for its canvases (same ids)."""
        with Grid():
            for canvas_id in ("margin-top", "margin-left", "plot", "margin-bottom"):
                yield ChartCanvas(1, 1, id=canvas_id)
        yield Legend(id="legend")

    def on_mount(self) -> None:
        self.margin_top = 0
        self.margin_bottom = 1
        self.margin_left = 7
        self.set_x_formatter(ClockFormatter())

    def _update_margin_sizes(self) -> None:
        """textual-plot's, skipped when the chart's grid is gone: a briefing opened and closed
        within one key storm set the preview chart's margins after its children were removed,
        and textual-plot's ``query_one(Grid)`` raised ``NoMatches``, ending the game."""
        if self.query(Grid):
            super()._update_margin_sizes()

    def _rerender(self) -> None:
        """textual-plot's "draw again", which inside :meth:`show` only marks the plot.

        Why: textual-plot draws on its canvases from the chart's own ``render``, so a new plot
        took two frames. The chart's refresh dirtied its whole region, the frame repainted every
        canvas from its old drawing, and the drawing done in that ``render`` dirtied the canvases
        for a second frame that painted them again: each chart was painted twice per refresh, a
        quarter of a refresh's cost at 200×60. :meth:`show` now draws once at its end, straight
        onto the canvases (:meth:`_draw_now`), and only they are painted, in one frame.
        """
        if self._batching:
            self._needs_rerender = True
        else:
            super()._rerender()

    def _draw_now(self) -> None:
        """Draw the marked plot onto its canvases now; hidden (a narrow screen hides one), before
        its first layout (no canvas size yet) or with a resize pending, leave it to
        textual-plot's ``render``, as before: a hidden chart is drawn when it shows."""
        if not self._needs_rerender:
            return
        plots = self.query("#plot") if self.is_mounted and self.display else None
        canvas = plots.first(Canvas) if plots else None
        if canvas is None or canvas._canvas_size is None or self._needs_canvas_resize:
            self.refresh()
            return
        self._render_plot()
        self._needs_rerender = False

    def on_resize(self) -> None:
        """Redraw for the new size even while the game is paused (no refresh would come)."""
        if self._last is not None:
            self._key = None
            self.show(*self._last[0], **self._last[1])  # type: ignore[arg-type]

    def show(self, t: Sequence[float], lines: Sequence[Line | Series], duration_s: float,
             reference: float | None = None, ceiling: float | None = None, *,
             reference_label: str = "", reference_short: str = "", guides: Sequence[Guide] = (),
             marks: Sequence[Marker] = (), whole: bool = False) -> None:
        """Plot ``lines`` against ``t`` (seconds) if anything changed since the last call.

        ``reference`` is a target drawn as a red "─" line (labelled ``reference_label``, or
        ``reference_short`` where the legend is narrow);
        ``guides`` more labelled lines; ``marks`` events on the time axis; ``ceiling`` fixes the
        top of the y axis (100 for a percentage), otherwise it follows the data. The x axis spans
        the whole run when ``whole`` (the preview before the clock starts) or when it is at most
        ten minutes, else the last ten minutes."""
        self._last = ((t, lines, duration_s, reference, ceiling),
                      {"reference_label": reference_label, "reference_short": reference_short,
                       "guides": guides, "marks": marks, "whole": whole})
        series = tuple(x if isinstance(x, Series) else Series(x[0], x[1], x[2]) for x in lines)
        all_guides = tuple(guides)
        if reference is not None:
            target = Guide(reference, "red", TARGET_GLYPH, reference_label, reference_short)
            all_guides = (target, *all_guides)
        width = max(self.size.width, 10)
        key = (len(t), t[-1] if t else None, self.size, duration_s, ceiling, whole, all_guides,
               tuple(marks), tuple((len(s.values), s.values[-1] if s.values else None, s.style,
                                    s.glyph, s.label, len(s.t or ())) for s in series))
        if key == self._key:
            return
        self._key = key
        self._batching = True
        try:
            self._plot(t, series, all_guides, duration_s, ceiling, marks, whole, width)
        finally:
            self._batching = False
        self._draw_now()

    def _plot(self, t: Sequence[float], series: tuple[Series, ...], all_guides: tuple[Guide, ...],
              duration_s: float, ceiling: float | None, marks: Sequence[Marker], whole: bool,
              width: int) -> None:
        """The datasets, limits and ticks of one redraw, and the legend (see :meth:`show`)."""
        self.clear()
        window = duration_s if whole or duration_s <= 600.0 else 600.0
        start = max(0.0, (t[-1] if t else 0.0) - window) if duration_s > window else 0.0
        end = start + window if duration_s > 0 else 1.0
        self.set_xlimits(start, end)
        # the chart's true width: the 10 cells ``width`` is at least are for binning the data
        self.set_xticks(axis_ticks(start, end, self.size.width, self.margin_left))
        # Braille gives two dots per cell across the plot area (the width minus the margin).
        columns = max(width - self.margin_left - 2, 2)
        top = 0.0
        for s in series:
            braille = s.glyph == BRAILLE
            xs, ys = bin_series(s.t if s.t is not None else t, s.values, start, end,
                                2 * columns if braille else columns, s.how)
            if ys.size:
                top = max(top, float(ys.max()))
            if braille:
                self.plot(xs, ys, line_style=s.style, hires_mode=HiResMode.BRAILLE)
            else:
                self.scatter(xs, ys, marker=s.glyph, marker_style=s.style)
        edge = (end - start) / columns / 2
        xs_line = np.linspace(start + edge, end - edge, columns)
        for g in all_guides:
            self.scatter(xs_line, np.full(columns, g.value), marker=g.glyph, marker_style=g.style)
            top = max(top, g.value)
        if ceiling is not None:
            top = ceiling
        # Rows of the plotting area: the widget minus its top rule, the margins and the frame.
        rows = self.size.height - 1 - self.margin_top - self.margin_bottom - 2
        ticks = nice_ticks(top * 1.05 if ceiling is None else top, max(2, min(7, rows // 3 + 1)))
        self.set_ylimits(0.0, ticks[-1])
        labelled = [g.value for g in all_guides[:1]]
        if labelled:
            # Label the target itself, and drop round ticks so close that they would share its row.
            row = ticks[-1] / max(rows, 1)
            ticks = sorted([v for v in ticks if v == 0 or abs(v - labelled[0]) >= 1.5 * row] + labelled)
        self.set_yticks(ticks)
        # The events, on the bottom row of the plot (the time axis), each with its own glyph;
        # events of different kinds in one column stack upwards (see stack_markers).
        shown = tuple(m for m in marks if start <= m.t <= end)
        row_value = ticks[-1] / max(rows, 1)
        for kind, at, level in stack_markers(shown, start, end, columns):
            glyph, style = MARKER_STYLES[kind]
            self.scatter(at, [lv * row_value for lv in level], marker=glyph, marker_style=style)
        self.drawn = (series, all_guides, shown)
        if self.title:
            title = legend(self.title, series, all_guides, shown, width - 2)
            if title != self._legend:  # a new title repaints the whole chart: only when it changes
                self._legend = title
                self.border_title = title
