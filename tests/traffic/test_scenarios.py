"""The scenario library: each shape against the fact it claims, and scenarios in levels.

Arrival counts are Poisson, so a count is checked against its expectation within four standard
deviations (a false alarm about once in 16,000 runs; the seeds are fixed, so never in practice).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from scaleout_tui.content.build import build_config
from scaleout_tui.content.catalog import load_catalog_default
from scaleout_tui.content.errors import LevelError
from scaleout_tui.content.loader import load_level, loads_level, validate_file
from scaleout_tui.content.scenarios import load_scenario, load_scenario_file, scenario_names
from scaleout_tui.content.series import RateSeries, write_series
from scaleout_tui.engine import Command, KindMix, Simulation
from scaleout_tui.engine.traffic import Shape, TrafficSource, TrafficSpec
from tests.content.helpers import knob_toml
from tests.content.test_loader import MINIMAL

LIBRARY = ["ad-campaign", "ddos", "diurnal", "flash-crowd", "heavy-tailed", "steady", "world-cup"]
GRID = np.arange(0.0, 4_500.0, 0.25)


def _m(name: str) -> np.ndarray:
    return load_scenario(name).multiplier(GRID)


def _rise(m: np.ndarray, top: float) -> float:
    """Seconds from the first moment above 1 to the first at ``top``."""
    return float(GRID[np.argmax(m >= top)] - GRID[np.argmax(m > 1.0)])


def _poisson_ok(n: int, expected: float) -> bool:
    return abs(n - expected) <= 4 * np.sqrt(expected)


def _count(spec: TrafficSpec, t0: float, t1: float, seed: int = 1, tick: float = 0.1) -> int:
    src = TrafficSource(spec, seed)
    return sum(src.sample(t, t + tick).size for t in np.arange(t0, t1 - 1e-9, tick))


def test_library_names_and_descriptions() -> None:
    assert scenario_names() == LIBRARY
    for name in LIBRARY:
        description = load_scenario_file(name).description
        assert description.strip() and "\n" not in description


def test_flash_crowd_is_ten_times_within_30_s() -> None:
    m = _m("flash-crowd")
    assert m.max() == 10
    assert _rise(m, 10) <= 30
    assert m[GRID == 0][0] == 1 and m[-1] == 1  # back to the base rate


def test_ad_campaign_is_a_hundred_times() -> None:
    m = _m("ad-campaign")
    assert m.max() == 100
    assert _rise(m, 100) == pytest.approx(300, abs=0.25)  # minutes, not seconds: the ad spreads


def test_diurnal_peak_is_twice_the_trough_each_day() -> None:
    m = load_scenario("diurnal").multiplier(np.arange(0.0, 3_600.0, 1.0))
    for day in (m[:1800], m[1800:]):
        assert day.max() / day.min() == 2
        assert int(np.argmax(day)) - int(np.argmin(day)) == 900  # 02:00 to 14:00 is half a day


def test_world_cup_has_two_matches_with_surges() -> None:
    m = _m("world-cup")
    above = m >= 3
    starts = np.flatnonzero(above[1:] & ~above[:-1])
    assert len(starts) == 4  # two halves in each of two matches
    assert m.max() == 8
    assert m[(GRID > 810) & (GRID < 960)].max() == 2.5  # half time dips


def test_heavy_tailed_is_a_mean_one_shape_with_a_heavy_tail() -> None:
    shape = load_scenario("heavy-tailed")
    values = np.asarray([p[1] for p in shape.points])
    assert values.size == 3600
    assert values.mean() == pytest.approx(1.0, rel=1e-9)
    assert np.median(values) < 0.75  # most seconds are quiet ...
    assert values.max() >= 10  # ... a few are far above the mean
    top = np.sort(values)[-36:]  # the busiest 1 % of seconds
    assert top.sum() / values.sum() >= 0.08


def test_ddos_floods_fast_and_stops_fast() -> None:
    m = _m("ddos")
    assert m.max() == 50
    assert _rise(m, 50) <= 10
    last = int(np.flatnonzero(m >= 50).max())
    back = last + int(np.argmax(m[last:] <= 1))
    assert GRID[back] - GRID[last] <= 5


def test_flash_crowd_drives_arrivals_at_ten_times_the_base() -> None:
    spec = TrafficSpec(curve=((0.0, 20.0),), kinds=(KindMix("page", 1.0, 0.01),),
                       shape=load_scenario("flash-crowd"))
    assert _poisson_ok(_count(spec, 0, 60), 20 * 60)
    assert _poisson_ok(_count(spec, 90, 390), 20 * 10 * 300)


def test_switching_scenario_mid_run_starts_it_then() -> None:
    level = loads_level(MINIMAL.replace("curve = [[0, 5]]", "curve = [[0, 40]]")
                        + knob_toml("traffic.scenario", ["steady", "flash-crowd"], "steady"))
    cfg = build_config(level, load_catalog_default())
    assert [s.name for s in cfg.scenarios] == ["steady", "flash-crowd"]
    a, b = Simulation(cfg, 3), Simulation(cfg, 3)
    for sim in (a, b):
        sim.advance(20.0)
        sim.apply(Command("traffic.scenario", "flash-crowd"))
    src = a.data.source
    assert isinstance(src, TrafficSource)
    assert src.rate(np.asarray([70.0, 79.0, 110.0, 111.0])).tolist() == [40, 40, 400, 400]
    a.advance(60.0)
    b.advance(60.0)
    assert a.digest() == b.digest()  # deterministic per seed, switch included


def test_unknown_scenario_names_field_line_and_library(tmp_path: Path) -> None:
    path = tmp_path / "42-minimal.toml"
    path.write_text(MINIMAL.replace("curve = [[0, 5]]", 'curve = [[0, 5]]\nscenario = "flash-mob"'))
    [problem] = validate_file(path)
    line = path.read_text().splitlines().index('scenario = "flash-mob"') + 1
    assert str(problem) == (f"{path}:{line}: traffic.scenario: no traffic scenario 'flash-mob'; the library "
                            f"has: {', '.join(LIBRARY)}")


def test_knob_choices_must_be_library_names_and_default_the_start() -> None:
    with pytest.raises(LevelError, match=r"knobs\[1\]\.choices\[1\]: no traffic scenario 'tsunami'"):
        loads_level(MINIMAL + knob_toml("traffic.scenario", ["steady", "tsunami"], "steady"))
    with pytest.raises(LevelError, match=r"knobs\[1\]\.default: must equal traffic\.scenario \('steady'"):
        loads_level(MINIMAL + knob_toml("traffic.scenario", ["steady", "ddos"], "ddos"))


def test_series_drives_arrivals_at_its_mean_rate(tmp_path: Path) -> None:
    rng = np.random.default_rng(11)
    counts = rng.poisson(30, 2400).astype(float)  # 40 minutes of a 30 req/s site
    counts[600:660] = 300  # a minute of ten times that
    write_series(RateSeries(counts), tmp_path / "site.rate")
    series = '[traffic.series]\nfile = "site.rate"\nscale = 0.5\ncompress = 4'
    text = MINIMAL.replace("curve = [[0, 5]]", series)
    text = text.replace("duration_s = 120", "duration_s = 600")
    (tmp_path / "42-minimal.toml").write_text(text)
    level = load_level(tmp_path / "42-minimal.toml")  # the file is found next to the level
    cfg = build_config(level, load_catalog_default())
    assert len(cfg.traffic.curve) == 600
    expected_rate = 0.5 * counts.mean()  # compressing keeps the rate; scale halves it
    src = TrafficSource(cfg.traffic, 5)
    n = sum(src.sample(t, t + 0.5).size for t in np.arange(0.0, 600.0, 0.5))
    grid = np.arange(0.0, 600.0, 0.01)
    integral = float(np.mean(src.rate(grid)) * 600)
    assert integral == pytest.approx(expected_rate * 600, rel=0.01)
    assert _poisson_ok(n, integral)
    # the burst lands at trace second 600, run second 150, at five times the mean rate
    assert src.rate(np.asarray([155.0]))[0] == pytest.approx(150.0)


def test_a_level_needs_a_curve_or_a_series_and_a_readable_series(tmp_path: Path) -> None:
    with pytest.raises(LevelError, match=r"traffic: traffic needs a curve .* or a \[traffic\.series\]"):
        loads_level(MINIMAL.replace("curve = [[0, 5]]", ""))
    path = tmp_path / "42-minimal.toml"
    path.write_text(MINIMAL.replace("curve = [[0, 5]]", '[traffic.series]\nfile = "gone.rate"'))
    [problem] = validate_file(path)
    assert problem.field == "traffic.series.file"
    assert problem.message == f"{tmp_path / 'gone.rate'}: no such file"


def test_shape_helpers() -> None:
    shape = Shape("x", ((0.0, 1.0), (10.0, 3.0))).at(100.0)
    assert shape.multiplier(np.asarray([50.0, 105.0, 500.0])).tolist() == [1.0, 2.0, 3.0]


@pytest.mark.parametrize(("text", "expected"), [
    ('format = 1\ndescription = "x"\nshape = [[5, 1]]\n', ":3: shape[0]: the shape starts at 0 s (got 5)"),
    ('format = 1\ndescription = "x"\nshape = [\n  [0, 1],\n  [0, 2],\n]\n',
     ":5: shape[1]: time must increase (got 0 after 0)"),
    ('format = 1\ndescription = "x"\n', ": shape: a scenario has a shape or a series, exactly one of them"),
    ('format = 1\ndescription = "x"\nshape = [[0, 1]]\nseries = { file = "a.rate" }\n',
     ":4: series: a scenario has a shape or a series"),
    ('format = 1\ndescription = "x"\nseries = { file = "gone.rate" }\n', ":3: series.file: "),
    ('format = 1\ndescription = "x"\nshape = [[0, 1]]\nshpae = 1\n', ":4: shpae: unknown key"),
])
def test_a_broken_scenario_file_names_file_line_and_field(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                          text: str, expected: str) -> None:
    import scaleout_tui.content.scenarios as scenarios

    monkeypatch.setattr(scenarios, "spikes_dir", lambda: tmp_path)
    scenarios.load_scenario_file.cache_clear()
    scenarios.load_scenario.cache_clear()
    try:
        (tmp_path / "bad.toml").write_text(text)
        with pytest.raises(LevelError) as e:
            load_scenario("bad")
        assert str(e.value).startswith(f"{tmp_path / 'bad.toml'}{expected}")
    finally:
        scenarios.load_scenario_file.cache_clear()
        scenarios.load_scenario.cache_clear()
