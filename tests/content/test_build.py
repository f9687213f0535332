"""From a level to the engine's SimConfig and Commands."""

from __future__ import annotations

import pytest

from scaleout_tui.content import (
    Level,
    LevelError,
    build_config,
    commands_for,
    knob_defaults,
    load_catalog_default,
    load_level,
)
from scaleout_tui.engine import Command, KindMix, ScheduledFailure, Simulation, Spike
from tests.content.corpus import GOOD


@pytest.fixture(scope="module")
def level() -> Level:
    return load_level(GOOD)


def test_defaults_build_the_start_topology(level: Level) -> None:
    catalog = load_catalog_default()
    cfg = build_config(level, catalog, knob_defaults(level))
    assert cfg == build_config(level, catalog, {})
    assert cfg.duration_s == 600
    assert cfg.fleet.layout == "single"
    assert cfg.fleet.web_type == catalog["m5.large"] and cfg.fleet.db_type == catalog["m5.large"]
    assert cfg.fleet.web_count == 1
    assert cfg.traffic.curve == ((0.0, 20.0), (300.0, 40.0), (600.0, 60.0))
    assert cfg.traffic.kinds == (KindMix("page", 0.7, 0.025, 0.004, 1.0),
                                 KindMix("static", 0.3, 0.001, 0.0, 1.0))
    assert cfg.traffic.users == 5000 and cfg.traffic.distribution == "lognormal"
    assert cfg.traffic.spikes == (Spike(400, 2.0, 30, 60, 30, "launch ad"),)
    assert cfg.failures == (ScheduledFailure(500, "db", 60, "crash"),)
    assert cfg.rtt_s == pytest.approx(0.0005)
    assert (cfg.tick_s, cfg.timeout_s, cfg.queue_limit, cfg.colocation_penalty) == (0.1, 30, 511, 1.2)
    assert (cfg.resize_downtime_s, cfg.boot_s, cfg.restart_s, cfg.dispatch) == (90, 60, 10, "round_robin")
    assert dict(cfg.catalog) == catalog


def test_knobs_override_the_topology(level: Level) -> None:
    catalog = load_catalog_default()
    knobs = {"web_size": "m5.2xlarge", "db_size": "m5.xlarge", "layout": "two-tier"}
    cfg = build_config(level, catalog, knobs)
    assert cfg.fleet.web_type == catalog["m5.2xlarge"]
    assert cfg.fleet.db_type == catalog["m5.xlarge"]
    assert cfg.fleet.layout == "two-tier"


def test_knob_defaults(level: Level) -> None:
    assert knob_defaults(level) == {"web_size": "m5.large", "db_size": "m5.large", "layout": "single"}


@pytest.mark.parametrize(("knobs", "fragment"), [
    ({"cpu": "4"}, "knobs.cpu: this level has no knob 'cpu'; its knobs: web_size, db_size, layout"),
    ({"web_size": "m5.24xlarge"}, "knobs.web_size: 'm5.24xlarge' is not one of this knob's choices"),
])
def test_bad_knobs_name_the_knob(level: Level, knobs: dict[str, str], fragment: str) -> None:
    with pytest.raises(LevelError) as info:
        build_config(level, load_catalog_default(), knobs)
    assert str(info.value).startswith(f"99-good: {fragment}")
    with pytest.raises(LevelError):
        commands_for(level, knobs)


def test_a_catalog_without_the_type_is_an_error(level: Level) -> None:
    catalog = {k: v for k, v in load_catalog_default().items() if k != "m5.xlarge"}
    build_config(level, catalog, {})
    with pytest.raises(LevelError, match=r"knobs\.web_size: instance type 'm5\.xlarge' is missing"):
        build_config(level, catalog, {"web_size": "m5.xlarge"})


def test_commands_for(level: Level) -> None:
    assert commands_for(level, {"layout": "two-tier", "web_size": "m5.xlarge"}) == [
        Command("web.size", load_catalog_default()["m5.xlarge"]), Command("layout", "two-tier"),
    ]
    assert commands_for(level, {}) == []


def test_the_engine_runs_the_built_config(level: Level) -> None:
    catalog = load_catalog_default()
    sim = Simulation(build_config(level, catalog, {}), seed=1)
    for cmd in commands_for(level, {"web_size": "m5.xlarge"}):
        sim.apply(cmd)
    sim.advance(20)
    assert sim.now == pytest.approx(20)
    assert sim.metrics.arrived > 0
    assert sim.boxes[0].itype == catalog["m5.xlarge"]
