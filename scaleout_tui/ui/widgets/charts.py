"""Line charts of the run over simulated time, on textual-plot's ``PlotWidget``.

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

import math
from collections.abc import Sequence

import numpy as np
from textual_plot import HiResMode, PlotWidget

Line = tuple[Sequence[float], str, str]  # values, Rich style, how to bin ("mean" or "max")


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
    for step in (1, 2, 5, 10, 15, 30, 60):
        if span / step + 1 <= max(max_ticks, 2):
            break
    first = math.ceil(start / step - 1e-9) * step
    return [float(m) for m in np.arange(first, end + 1e-9, step)]


class SeriesChart(PlotWidget, can_focus=False):
    """A read-only time chart: x is simulated minutes, one or more lines share the y axis."""

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes, allow_pan_and_zoom=False)
        self._key: tuple[object, ...] | None = None
        self._last_args: tuple[Sequence[float], Sequence[Line], float, float | None, float | None] | None
        self._last_args = None

    def on_mount(self) -> None:
        self.margin_top = 0
        self.margin_bottom = 1
        self.margin_left = 7

    def on_resize(self) -> None:
        """Redraw for the new size even while the game is paused (no refresh would come)."""
        if self._last_args is not None:
            self.show(*self._last_args)

    def show(self, t: Sequence[float], lines: Sequence[Line], duration_s: float,
             reference: float | None = None, ceiling: float | None = None) -> None:
        """Plot ``lines`` against ``t`` (seconds) if anything changed since the last call;
        ``reference`` is a target drawn as a red horizontal line; ``ceiling`` fixes the top
        of the y axis (100 for a percentage), otherwise it follows the data."""
        self._last_args = (t, lines, duration_s, reference, ceiling)
        width = max(self.size.width, 10)
        key = (len(t), t[-1] if t else None, self.size, duration_s, reference, ceiling, tuple(
            (len(v), v[-1] if v else None, style) for v, style, _ in lines))
        if key == self._key:
            return
        self._key = key
        self.clear()
        # The x axis spans the whole run (or the last ten minutes of a longer one), so the
        # line grows from left to right as time passes.
        start = max(0.0, (t[-1] if t else 0.0) - 600.0) if duration_s > 600.0 else 0.0
        end = start + min(duration_s, 600.0) if duration_s > 0 else 1.0
        self.set_xlimits(start / 60.0, end / 60.0)
        # A tick label takes up to 3 cells; keep two cells between labels.
        self.set_xticks(minute_ticks(start / 60.0, end / 60.0, (width - self.margin_left - 2) // 5))
        # Braille gives two dots per cell across the plot area (the width minus the margin).
        bins = max(2 * (width - self.margin_left - 2), 4)
        top = 0.0
        for values, style, how in lines:
            xs, ys = bin_series(t, values, start, end, bins, how)
            if ys.size:
                top = max(top, float(ys.max()))
            self.plot(xs / 60.0, ys, line_style=style, hires_mode=HiResMode.BRAILLE)
        if reference is not None:
            self.plot([start / 60.0, end / 60.0], [reference, reference], line_style="red",
                      hires_mode=HiResMode.BRAILLE)
            top = max(top, reference)
        if ceiling is not None:
            top = ceiling
        # Rows of the plotting area: the widget minus its top rule, the margins and the frame.
        rows = self.size.height - 1 - self.margin_top - self.margin_bottom - 2
        ticks = nice_ticks(top * 1.05 if ceiling is None else top, max(2, min(7, rows // 3 + 1)))
        self.set_ylimits(0.0, ticks[-1])
        if reference is not None:
            # Label the target itself, and drop round ticks so close that they would share its row.
            row = ticks[-1] / max(rows, 1)
            ticks = sorted([t for t in ticks if t == 0 or abs(t - reference) >= 1.5 * row] + [reference])
        self.set_yticks(ticks)
