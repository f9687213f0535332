"""The library of named traffic scenarios (``assets/spikes/*.toml``) and rate series in levels.

Why a library of *shapes*: a flash crowd or a diurnal day is the same event on a small site and
a big one, so a scenario says only how the traffic moves (a multiplier over time: ``10`` is ten
times the base) and the level's ``traffic.curve`` says how much there is. A level names one with
``traffic.scenario = "flash-crowd"``; the sandbox lets the player switch between all of them.

A scenario is a ``shape`` (piecewise-linear points, like a curve) or a ``series`` (a per-second
``scaleout-rate`` file, divided by its mean so that it is a shape too). A level can also use a
rate series as its *base* (``[traffic.series]``, e.g. an imported access log): rates as they were,
scaled and time-compressed.

Names are file names without ``.toml``; an unknown name is an error that lists the known ones.
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path

from scaleout_tui import texts
from scaleout_tui.content.decode import Source, load_struct, read_text, show_number
from scaleout_tui.content.errors import LevelError
from scaleout_tui.content.paths import assets_dir
from scaleout_tui.content.schema import ScenarioFile, TrafficSeries
from scaleout_tui.engine.traffic import Shape
from scaleout_tui.traces.series import RateSeries, read_series

#: the scenario that leaves the base rate as it is; a level without ``traffic.scenario`` has it
STEADY = "steady"


def spikes_dir() -> Path:
    """The folder of the scenario library."""
    return assets_dir() / "spikes"


def scenario_names() -> list[str]:
    """Every scenario in the library, sorted."""
    try:
        return sorted(p.stem for p in spikes_dir().glob("*.toml") if p.is_file())
    except OSError:
        return []


def unknown_scenario(name: str) -> str:
    """The message for a name the library lacks, listing the names it has."""
    return texts.UNKNOWN_SCENARIO.format(got=name, allowed=", ".join(scenario_names()))


@cache
def load_scenario_file(name: str) -> ScenarioFile:
    """Read and check one scenario file. Raises :class:`LevelError` (file, line, field)."""
    if name not in scenario_names():
        raise LevelError(name, "", unknown_scenario(name))
    src = read_text(spikes_dir() / f"{name}.toml")
    scenario = load_struct(src, ScenarioFile, "scenario")
    _check(scenario, src)
    return scenario


def _check(scenario: ScenarioFile, src: Source) -> None:
    if bool(scenario.shape) == (scenario.series is not None):
        raise src.error("series" if scenario.shape else "shape", texts.SCENARIO_SHAPE_OR_SERIES)
    points = scenario.shape
    if points and points[0][0] != 0:
        raise src.error(("shape", 0), texts.SCENARIO_SHAPE_START.format(got=show_number(points[0][0])))
    for i in range(1, len(points)):
        if points[i][0] <= points[i - 1][0]:
            raise src.error(("shape", i), texts.CURVE_ORDER.format(got=show_number(points[i][0]),
                                                                  before=show_number(points[i - 1][0])))
    if scenario.series is not None:
        try:
            read_series(spikes_dir() / scenario.series.file)
        except LevelError as e:
            raise src.error(("series", "file"), texts.SERIES_PROBLEM.format(problem=e)) from None


@cache
def load_scenario(name: str) -> Shape:
    """The engine's :class:`Shape` of a library scenario, starting at 0 s."""
    scenario = load_scenario_file(name)
    if scenario.series is None:
        points = tuple((float(t), float(m)) for t, m in scenario.shape)
    else:
        series = read_series(spikes_dir() / scenario.series.file)
        points = series.compressed(scenario.series.compress).normalised().curve()
    return Shape(name, points)


def series_path(series: TrafficSeries, base: str | os.PathLike[str]) -> Path:
    """Where a level's ``[traffic.series]`` file is: relative to the level file's folder."""
    return Path(base) / series.file


def base_series(series: TrafficSeries) -> RateSeries:
    """A level's base rate series, scaled and compressed (the file path already resolved)."""
    return read_series(series.file).scaled(series.scale).compressed(series.compress)
