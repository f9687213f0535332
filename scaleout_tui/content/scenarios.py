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

Imported traces join the library: every ``NAME.rate`` in the player's traces folder
(``$SCALEOUT_HOME/traces`` or the user-data folder's, see :func:`traces_dir`) is a scenario called
``NAME``, its shape the series over its mean (a shipped scenario of the same name wins). A
``traffic.scenario`` knob may offer ``"*"`` among its choices: it stands for every library name
the knob does not list itself, so the sandbox offers the player's own traces too.
"""

from __future__ import annotations

import os
import re
from functools import cache
from pathlib import Path

import msgspec

from scaleout_tui import texts
from scaleout_tui.content.decode import Source, load_struct, read_text, show_number
from scaleout_tui.content.errors import LevelError
from scaleout_tui.content.paths import assets_dir
from scaleout_tui.content.schema import Level, ScenarioFile, TrafficSeries
from scaleout_tui.content.series import RateSeries, read_series
from scaleout_tui.engine.traffic import Shape
from scaleout_tui.home import data_dir

#: the scenario that leaves the base rate as it is; a level without ``traffic.scenario`` has it
STEADY = "steady"
#: a ``traffic.scenario`` knob choice that stands for every other scenario in the library
EVERY = "*"
#: imported trace names that can be a knob choice and a command-line word as they are
_TRACE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")


def spikes_dir() -> Path:
    """The folder of the scenario library."""
    return assets_dir() / "spikes"


def traces_dir() -> Path:
    """The player's folder of imported traces: each ``NAME.rate`` in it is a scenario."""
    return data_dir() / "traces"


def _files(folder: Path, suffix: str) -> dict[str, Path]:
    try:
        return {p.stem: p for p in folder.glob(f"*{suffix}") if p.is_file()}
    except OSError:
        return {}


def imported_traces() -> dict[str, Path]:
    """The player's imported traces that are not shadowed by a shipped scenario, by name."""
    shipped = _files(spikes_dir(), ".toml")
    return {name: path for name, path in _files(traces_dir(), ".rate").items()
            if name not in shipped and _TRACE_NAME.fullmatch(name)}


def scenario_names() -> list[str]:
    """Every scenario in the library (shipped and imported), sorted."""
    return sorted(set(_files(spikes_dir(), ".toml")) | set(imported_traces()))


def expand_choices(choices: tuple[str, ...]) -> tuple[str, ...]:
    """``choices`` with :data:`EVERY` replaced by the library names not already listed."""
    if EVERY not in choices:
        return choices
    rest = [n for n in scenario_names() if n not in choices]
    i = choices.index(EVERY)
    return (*choices[:i], *rest, *(c for c in choices[i + 1:] if c != EVERY))


def with_library_choices(level: Level) -> Level:
    """The level with :data:`EVERY` expanded in its ``traffic.scenario`` knobs."""
    knobs = tuple(msgspec.structs.replace(k, choices=expand_choices(k.choices))
                  if k.param == "traffic.scenario" and EVERY in k.choices else k for k in level.knobs)
    return level if knobs == level.knobs else msgspec.structs.replace(level, knobs=knobs)


def describe(name: str) -> str:
    """The one-line description of a scenario; for an imported trace, what its file holds."""
    trace = imported_traces().get(name)
    if trace is None:
        return load_scenario_file(name).description
    series = read_series(trace)
    return texts.TRACE_DESCRIPTION.format(path=trace, seconds=series.seconds, mean=series.mean,
                                          peak=series.peak)


def unknown_scenario(name: str) -> str:
    """The message for a name the library lacks, listing the names it has."""
    return texts.UNKNOWN_SCENARIO.format(got=name, allowed=", ".join(scenario_names()))


@cache
def load_scenario_file(name: str) -> ScenarioFile:
    """Read and check one scenario file. Raises :class:`LevelError` (file, line, field)."""
    if not (spikes_dir() / f"{name}.toml").is_file():
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
    trace = imported_traces().get(name)
    if trace is not None:
        return Shape(name, read_series(trace).normalised().curve())
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
