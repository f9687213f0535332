"""The scale-out keys of format 1: balancer, health checks, sessions, storage, injections, app
faults and the knobs that drive them, from the file to the engine's specs."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import msgspec
import pytest

from scaleout_tui.content import (
    Level,
    LevelError,
    build_config,
    commands_for,
    injections,
    knob_defaults,
    load_catalog_default,
    load_level,
    loads_level,
    validate_file,
)
from scaleout_tui.content.knobs import RULES
from scaleout_tui.content.schema import KNOB_PARAMS, Balancer, EngineParams, HealthCheck, Sessions, Storage
from scaleout_tui.engine import Command, ScheduledFailure, Simulation
from scaleout_tui.engine.balancer import BalancerSpec
from scaleout_tui.engine.healthcheck import HealthCheckSpec
from scaleout_tui.engine.sessions import SessionSpec
from scaleout_tui.engine.simulation import SimConfig
from scaleout_tui.engine.storage import StorageSpec
from tests.content.corpus import GOOD
from tests.content.helpers import event_toml, knob_toml, problems_of
from tests.content.test_loader import MINIMAL

BALANCED = Path(__file__).parent / "fixtures" / "98-balanced.toml"
EVERY_KNOB = {
    "servers": "6", "algorithm": "least_conn", "sticky": "off", "balancers": "1", "port": "80",
    "check": "L4", "path": "/", "interval": "2", "check_timeout": "1", "healthy": "5", "unhealthy": "1",
    "store": "shared", "storage": "object", "nfs_cache": "3",
}


@pytest.fixture(scope="module")
def level() -> Level:
    return load_level(BALANCED)


# ---- reading ----------------------------------------------------------------------------------------
def test_balanced_fixture_is_valid(level: Level) -> None:
    assert validate_file(BALANCED) == []
    assert level.id == BALANCED.stem
    assert level.engine.deregistration_delay_s == 30 and level.engine.aux_size == "m5.large"
    assert level.balancer == Balancer(algorithm="round_robin", sticky=True, sticky_ttl_s=3600, dns_ttl_s=30,
                                      count=2, failover_s=5, listen_port=443, target_port=8080)
    assert level.health_check == HealthCheck(kind="L7", path="/health", interval_s=10, timeout_s=2.5,
                                             healthy_threshold=3, unhealthy_threshold=2)
    assert level.sessions == Sessions(store="local", ttl_s=900)
    assert level.storage == Storage(mode="nfs", nfs_cache_s=45)
    assert [e.factor for e in level.events] == [None, 8, None, None, None, None, None]
    # a knob for every parameter whose tables it has ([replication] and [sharding] exclude each
    # other, so their knobs are in 97-replicated and 96-sharded; the auto scaling knobs are in the
    # autoscaling fixtures, 95-asg-simple onwards; the [app] knobs are in test_app_keys, the [cache]
    # knobs in test_cache_keys, the [ingest] knobs in test_ingest_keys)
    usable = {p for p, rule in RULES.items() if all(getattr(level, t) is not None for t in rule.needs)}
    assert {k.param for k in level.knobs} == usable | {"web.size"}
    assert set(RULES) - usable == {"db.replicas", "db.read_routing", "db.shards", "db.shard_key",
                                   "app.redirect", "app.clone_database"} | {
        p for p in RULES if p.startswith(("asg.", "cache.", "ingest."))}


def test_the_new_keys_are_optional() -> None:
    """Format 1 files written before them stay valid, and say nothing about these parts."""
    level = loads_level(MINIMAL)
    assert (level.balancer, level.health_check, level.sessions, level.storage) == (None, None, None, None)
    assert level.injections == () == injections(level)
    assert level.engine.deregistration_delay_s == 300 and level.engine.aux_size is None
    assert validate_file(GOOD) == []


def test_table_defaults_are_the_engines() -> None:
    """A table written with no keys must configure what the engine would by itself."""
    assert dataclasses.asdict(BalancerSpec()) == msgspec.structs.asdict(Balancer())
    assert dataclasses.asdict(HealthCheckSpec()) == msgspec.structs.asdict(HealthCheck())
    assert (SessionSpec().store, SessionSpec().ttl_s) == (Sessions().store, Sessions().ttl_s)
    assert (StorageSpec().mode, StorageSpec().nfs_cache_s) == (Storage().mode, Storage().nfs_cache_s)
    fields = {f.name: f.default for f in dataclasses.fields(SimConfig)}
    assert fields["deregistration_delay_s"] == EngineParams().deregistration_delay_s
    assert fields["aux_type"] is EngineParams().aux_size is None


def test_empty_tables_take_the_defaults() -> None:
    text = ('injections = []\n' + MINIMAL + "[balancer]\n[health_check]\n[sessions]\n[storage]\n")
    level = loads_level(text)
    assert (level.balancer, level.health_check) == (Balancer(), HealthCheck())
    assert (level.sessions, level.storage) == (Sessions(), Storage())


def test_injections(level: Level) -> None:
    assert injections(level) == ("crash", "hang", "slow")
    every = loads_level('injections = ["crash", "hang", "error", "slow"]\n' + MINIMAL)
    assert injections(every) == ("crash", "hang", "error", "slow")


# ---- rules ------------------------------------------------------------------------------------------
BALANCER = "[balancer]\n"
CHECK = "[balancer]\n[health_check]\ninterval_s = 10\n"


@pytest.mark.parametrize(("tables", "param", "choices", "default"), [
    ("", "web.count", ["1", "2", "64"], "1"),
    (BALANCER, "lb.algorithm", ["round_robin", "dns"], "round_robin"),
    (BALANCER, "lb.sticky", ["on", "off"], "off"),
    (BALANCER, "lb.count", ["1", "2"], "1"),
    (BALANCER, "lb.target_port", ["1", "8080", "65535"], "8080"),
    (CHECK, "health.kind", ["none", "L4", "L7"], "L7"),
    (CHECK, "health.path", ["/", "/health"], "/"),  # ALB's default path
    (CHECK, "health.interval_s", ["1", "10", "2.5", "300"], "10"),
    (CHECK, "health.interval_s", ["1", "10.0"], "10.0"),
    (CHECK, "health.timeout_s", ["1", "5", "300"], "5"),
    (CHECK, "health.healthy_threshold", ["1", "5", "10"], "5"),
    (CHECK, "health.unhealthy_threshold", ["1", "2", "10"], "2"),
    ("[sessions]\n", "session.store", ["local", "shared"], "local"),
    ("[storage]\n", "storage.mode", ["local", "nfs", "object"], "local"),
    ("[storage]\n", "storage.nfs_cache_s", ["0", "30", "600"], "30"),
])
def test_every_new_knob_param_is_accepted(tables: str, param: str, choices: list[str], default: str) -> None:
    level = loads_level(MINIMAL + tables + knob_toml(param, choices, default))
    assert level.knobs[1].param == param


def test_every_knob_param_has_a_rule() -> None:
    # the sizes are checked against the catalog, the layout against LAYOUTS and the scenario
    # against the library (scaleout_tui.content.scenarios), not by a rule
    assert set(KNOB_PARAMS) == {"web.size", "db.size", "layout", "traffic.scenario"} | set(RULES)


@pytest.mark.parametrize(("tables", "param", "choices", "default", "expected"), [
    ("", "web.count", ["1", "65"], "1", "knobs[1].choices[1]: knob 'k' (web.count): '65' is not a whole "
                                        "number from 1 to 64"),
    ("", "web.count", ["1", "2.0"], "1", "knobs[1].choices[1]: knob 'k' (web.count): '2.0' is not a whole"),
    ("", "web.count", ["1", "02"], "1", "'02' is not a whole number"),
    ("", "web.count", ["1", " 2"], "1", "' 2' is not a whole number"),
    (BALANCER, "lb.count", ["1", "3"], "1", "knob 'k' (lb.count): '3' is not a whole number from 1 to 2"),
    (BALANCER, "lb.target_port", ["0", "8080"], "8080", "'0' is not a whole number from 1 to 65535"),
    (BALANCER, "lb.algorithm", ["round_robin", "weighted"], "round_robin",
     "knob 'k' (lb.algorithm): 'weighted' is not one of: round_robin, least_conn, "
     "least_outstanding_requests, random, ip_hash, dns"),
    (BALANCER, "lb.sticky", ["off", "true"], "off", "(lb.sticky): 'true' is not one of: on, off"),
    (CHECK, "health.interval_s", ["10", "nan"], "10", "'nan' is not a number from 1 to 300"),
    (CHECK, "health.interval_s", ["10", "1e2"], "10", "'1e2' is not a number from 1 to 300"),
    (CHECK, "health.interval_s", ["10", "0.5"], "10", "'0.5' is not a number from 1 to 300"),
    (CHECK, "health.timeout_s", ["5", "301"], "5", "'301' is not a number from 1 to 300"),
    (CHECK, "health.path", ["/health", "/status"], "/health", "'/status' is not one of: /, /health"),
    (CHECK, "health.kind", ["L7", "L3"], "L7", "'L3' is not one of: none, L4, L7"),
    ("[sessions]\n", "session.store", ["local", "redis"], "local", "'redis' is not one of: local, shared"),
    ("[storage]\n", "storage.nfs_cache_s", ["30", "601"], "30", "'601' is not a number from 0 to 600"),
    ("[storage]\n", "storage.mode", ["local", "s3"], "local", "'s3' is not one of: local, nfs, object"),
    (CHECK, "health.interval_s", ["10", "10.0"], "10", "knobs[1].choices[1]: '10.0' is used twice"),
])
def test_a_bad_choice_names_the_knob(tables: str, param: str, choices: list[str], default: str,
                                     expected: str) -> None:
    problems = problems_of(MINIMAL + tables + knob_toml(param, choices, default))
    assert len(problems) == 1 and expected in problems[0], problems


@pytest.mark.parametrize(("tables", "param", "choices", "default", "expected"), [
    ("", "web.count", ["1", "2"], "2", "(topology.web_count = 1)"),
    (BALANCER, "lb.algorithm", ["round_robin", "dns"], "dns", "(balancer.algorithm = 'round_robin')"),
    (BALANCER, "lb.sticky", ["on", "off"], "on", "(balancer.sticky = false)"),
    (BALANCER, "lb.count", ["1", "2"], "2", "(balancer.count = 1)"),
    (BALANCER, "lb.target_port", ["80", "8080"], "80", "(balancer.target_port = 8080)"),
    (CHECK, "health.kind", ["L4", "L7"], "L4", "(health_check.kind = 'L7')"),
    (CHECK, "health.path", ["/", "/health"], "/health", "(health_check.path = '/')"),
    (CHECK, "health.interval_s", ["5", "10"], "5", "(health_check.interval_s = 10)"),
    (CHECK, "health.timeout_s", ["2", "5"], "2", "(health_check.timeout_s = 5)"),
    (CHECK, "health.healthy_threshold", ["3", "5"], "3", "(health_check.healthy_threshold = 5)"),
    (CHECK, "health.unhealthy_threshold", ["2", "3"], "3", "(health_check.unhealthy_threshold = 2)"),
    ("[sessions]\n", "session.store", ["local", "shared"], "shared", "(sessions.store = 'local')"),
    ("[storage]\n", "storage.mode", ["local", "nfs"], "nfs", "(storage.mode = 'local')"),
    ("[storage]\n", "storage.nfs_cache_s", ["3", "30"], "3", "(storage.nfs_cache_s = 30)"),
])
def test_a_knob_default_must_equal_its_start_value(tables: str, param: str, choices: list[str], default: str,
                                                   expected: str) -> None:
    problems = problems_of(MINIMAL + tables + knob_toml(param, choices, default))
    assert len(problems) == 1 and problems[0].startswith("knobs[1].default: "), problems
    assert expected in problems[0]


@pytest.mark.parametrize(("tables", "param", "choice", "needs"), [
    ("", "lb.algorithm", "round_robin", "[balancer]"),
    ("", "lb.sticky", "off", "[balancer]"),
    ("", "lb.count", "1", "[balancer]"),
    ("", "lb.target_port", "8080", "[balancer]"),
    ("", "health.kind", "L7", "[balancer] and [health_check]"),
    (BALANCER, "health.interval_s", "30", "[health_check]"),
    ("", "session.store", "local", "[sessions]"),
    ("", "storage.mode", "local", "[storage]"),
    ("", "storage.nfs_cache_s", "30", "[storage]"),
])
def test_a_knob_needs_its_table(tables: str, param: str, choice: str, needs: str) -> None:
    problems = problems_of(MINIMAL + tables + knob_toml(param, [choice], choice))
    assert problems == [f"knobs[1].param: {param} needs {needs} in this level"]


@pytest.mark.parametrize(("tables", "knobs", "target", "ok"), [
    ("", "", "lb", False),
    ("", "", "lb-1", False),
    (BALANCER, "", "lb", True),
    (BALANCER, "", "lb-1", True),
    (BALANCER, "", "lb-2", False),
    ("[balancer]\ncount = 2\n", "", "lb-2", True),
    (BALANCER, knob_toml("lb.count", ["1", "2"], "1", "n"), "lb-2", True),
    ("[sessions]\n", "", "cache-1", False),
    ("[sessions]\n", "", "session", False),
    ('[sessions]\nstore = "shared"\n', "", "cache-1", True),
    ('[sessions]\nstore = "shared"\n', "", "session", True),
    ("[sessions]\n", knob_toml("session.store", ["local", "shared"], "local", "s"), "cache-1", True),
    ("[sessions]\n", knob_toml("session.store", ["local", "shared"], "local", "s"), "session", True),
    ("", "", "web-2", False),
    ("", knob_toml("web.count", ["1", "3"], "1", "n"), "web-3", True),
    ("", knob_toml("web.count", ["1", "3"], "1", "n"), "web-4", False),
    ("", "", "cache-2", False),
])
def test_event_targets(tables: str, knobs: str, target: str, ok: bool) -> None:
    problems = problems_of(MINIMAL + tables + knobs + event_toml(target))
    if ok:
        assert problems == []
    else:
        assert len(problems) == 1 and problems[0].startswith(f"events[0].target: {target!r} names no box")


@pytest.mark.parametrize("kind", ["crash", "hang", "error", "slow"])
def test_every_failure_kind_is_an_event_kind(kind: str) -> None:
    assert loads_level(MINIMAL + event_toml("web", kind)).events[0].kind == kind


@pytest.mark.parametrize(("kind", "factor", "expected"), [
    ("slow", "1", None), ("slow", "100", None), ("slow", "2.5", None),
    ("slow", "0", "events[0].factor: must be at least 1 (got 0)"),
    ("slow", "101", "events[0].factor: must be at most 100 (got 101)"),
    ("hang", "3", "events[0].factor: only a 'slow' event reads factor (this one is 'hang')"),
    ("reboot", "3", "events[0].kind: 'reboot' is not one of: crash, hang, error, slow, redirect, clone"),
])
def test_event_factor(kind: str, factor: str, expected: str | None) -> None:
    assert problems_of(MINIMAL + event_toml("web", kind, f"factor = {factor}\n")) == ([] if expected is None
                                                                                else [expected])


@pytest.mark.parametrize(("line", "expected"), [
    ('injections = ["crash", "crash"]', "injections[1]: 'crash' is used twice (first at injections[0])"),
    ('injections = ["explode"]', "injections[0]: 'explode' is not one of: crash, hang, error, slow"),
    ('injections = "crash"', "injections: expected a list, got a string"),
])
def test_bad_injections(line: str, expected: str) -> None:
    assert problems_of(line + "\n" + MINIMAL) == [expected]


@pytest.mark.parametrize(("table", "expected"), [
    ("[balancer]\nsticky_ttl_s = 0\n", "balancer.sticky_ttl_s: must be at least 1 (got 0)"),
    ("[balancer]\nsticky_ttl_s = 604801\n", "balancer.sticky_ttl_s: must be at most 604800"),
    ("[balancer]\ndns_ttl_s = 86401\n", "balancer.dns_ttl_s: must be at most 86400"),
    ("[balancer]\nfailover_s = 601\n", "balancer.failover_s: must be at most 600"),
    ("[balancer]\ntarget_port = 65536\n", "balancer.target_port: must be at most 65535"),
    ("[balancer]\ncount = 1.0\n", "balancer.count: expected a whole number, got a number"),
    ("[balancer]\n[health_check]\ntimeout_s = 301\n", "health_check.timeout_s: must be at most 300"),
    ("[balancer]\n[health_check]\nhealthy_threshold = 11\n",
     "health_check.healthy_threshold: must be at most 10"),
    ("[balancer]\n[health_check]\nunhealthy_threshold = 0\n",
     "health_check.unhealthy_threshold: must be at least 1"),
    ('[balancer]\n[health_check]\nkind = "l7"\n', "health_check.kind: 'l7' is not one of: none, L4, L7"),
    ("[sessions]\nttl_s = 0\n", "sessions.ttl_s: must be at least 1 (got 0)"),
    ("[storage]\nnfs_cache_s = 601\n", "storage.nfs_cache_s: must be at most 600"),
    ("[storage]\ncache_s = 3\n", "storage.cache_s: unknown key (did you mean `nfs_cache_s`?)"),
    ('[engine]\naux_size = "m5.huge"\n', "engine.aux_size: 'm5.huge' is not an instance type"),
])
def test_table_ranges_and_words(table: str, expected: str) -> None:
    problems = problems_of(MINIMAL + table)
    assert len(problems) == 1 and problems[0].startswith(expected), problems


def test_a_level_may_hold_several_problems_at_once(tmp_path: Path) -> None:
    text = (MINIMAL.replace('id = "42-minimal"', 'id = "42-many"') + '[health_check]\nkind = "L5"\n'
            + knob_toml("lb.algorithm", ["round_robin"], "round_robin") + event_toml("lb"))
    path = tmp_path / "42-many.toml"
    path.write_text(text)
    assert [p.field for p in validate_file(path)] == [
        "health_check", "health_check.kind", "knobs[1].param", "events[0].target"]


# ---- building ---------------------------------------------------------------------------------------
def test_build_config_maps_every_new_table(level: Level) -> None:
    catalog = load_catalog_default()
    cfg = build_config(level, catalog)
    assert cfg == build_config(level, catalog, knob_defaults(level))
    assert cfg.fleet.web_count == 3 and cfg.fleet.layout == "two-tier"
    b = cfg.balancer
    assert b is not None
    assert b.algorithm == "round_robin"
    assert b.sticky is True
    assert b.sticky_ttl_s == 3600
    assert b.dns_ttl_s == 30
    assert b.count == 2
    assert b.failover_s == 5
    assert b.listen_port == 443
    assert b.target_port == 8080
    h = cfg.health
    assert h is not None
    assert h.kind == "L7"
    assert h.path == "/health"
    assert h.interval_s == 10
    assert h.timeout_s == 2.5
    assert h.healthy_threshold == 3
    assert h.unhealthy_threshold == 2
    assert cfg.sessions == SessionSpec(store="local", ttl_s=900)
    assert cfg.storage == StorageSpec(mode="nfs", nfs_cache_s=45)
    assert cfg.deregistration_delay_s == 30
    assert cfg.aux_type == "m5.large"
    assert cfg.failures == (
        ScheduledFailure(200, "web-1", 300, "hang", 5.0),
        ScheduledFailure(400, "web-2", 120, "slow", 8.0),
        ScheduledFailure(500, "web", 60, "error", 5.0),
        ScheduledFailure(600, "lb-2", 60, "crash", 5.0),
        ScheduledFailure(700, "cache-1", 60, "crash", 5.0),
        ScheduledFailure(800, "session", 30, "crash", 5.0),
        ScheduledFailure(850, "lb", 30, "crash", 5.0),
    )


def test_a_balancer_without_health_checks_checks_nothing() -> None:
    cfg = build_config(loads_level(MINIMAL + BALANCER), load_catalog_default())
    assert cfg.balancer == BalancerSpec()
    assert cfg.health == HealthCheckSpec(kind="none")
    assert (cfg.sessions, cfg.storage) == (None, None)


def test_a_level_without_the_new_tables_builds_as_before() -> None:
    cfg = build_config(loads_level(MINIMAL), load_catalog_default())
    assert (cfg.balancer, cfg.health, cfg.sessions, cfg.storage, cfg.aux_type) == (None,) * 5
    assert cfg.deregistration_delay_s == 300


def test_knobs_override_every_start_value(level: Level) -> None:
    cfg = build_config(level, load_catalog_default(), EVERY_KNOB)
    assert cfg.fleet.web_count == 6
    assert cfg.balancer == BalancerSpec(algorithm="least_conn", sticky=False, sticky_ttl_s=3600, dns_ttl_s=30,
                                        count=1, failover_s=5, listen_port=443, target_port=80)
    assert cfg.health == HealthCheckSpec(kind="L4", path="/", interval_s=2, timeout_s=1, healthy_threshold=5,
                                         unhealthy_threshold=1)
    assert cfg.sessions == SessionSpec(store="shared", ttl_s=900)
    assert cfg.storage == StorageSpec(mode="object", nfs_cache_s=3)
    assert isinstance(cfg.fleet.web_count, int) and isinstance(cfg.balancer.count, int)
    assert isinstance(cfg.health.healthy_threshold, int) and isinstance(cfg.balancer.sticky, bool)


def test_sticky_on_is_true(level: Level) -> None:
    catalog = load_catalog_default()
    assert build_config(level, catalog, {"sticky": "on"}).balancer.sticky is True  # type: ignore[union-attr]
    assert build_config(level, catalog, {"sticky": "off"}).balancer.sticky is False  # type: ignore[union-attr]


def test_a_bad_knob_value_is_refused_before_building(level: Level) -> None:
    with pytest.raises(LevelError, match=r"knobs\.servers: '5' is not one of this knob's choices"):
        build_config(level, load_catalog_default(), {"servers": "5"})


def test_an_aux_size_missing_from_the_catalog_in_use(level: Level) -> None:
    catalog = {k: v for k, v in load_catalog_default().items() if k != "m5.large"}
    with pytest.raises(LevelError, match=r"engine\.aux_size: instance type 'm5\.large' is missing"):
        build_config(level, catalog, {"web_size": "m5.xlarge"})


def test_commands_carry_the_typed_value(level: Level) -> None:
    assert commands_for(level, {"interval": "2", "sticky": "on", "servers": "4"}) == [
        Command("web.count", 4), Command("lb.sticky", True), Command("health.interval_s", 2.0),
    ]


def test_a_knob_before_the_clock_equals_the_built_config(level: Level) -> None:
    """Building with a knob and applying its command at t=0 give the same set-up (the boxes
    may be numbered in another order: the engine appends boxes it adds)."""
    catalog = load_catalog_default()
    knobs = {"servers": "4", "algorithm": "least_conn", "interval": "5", "storage": "object"}
    built = Simulation(build_config(level, catalog, knobs), seed=3)
    applied = Simulation(build_config(level, catalog), seed=3)
    for cmd in commands_for(level, knobs):
        applied.apply(cmd)

    def live(sim: Simulation) -> list[tuple[str, str]]:
        return sorted((b.name, b.itype.name) for b in sim.boxes if b.state != "terminated")

    assert live(built) == live(applied)
    assert built.balancers is not None and applied.balancers is not None
    assert built.balancers.spec == applied.balancers.spec
    assert built.health is not None and applied.health is not None
    assert built.health.spec == applied.health.spec
    assert built.files is not None and applied.files is not None
    assert built.files.spec == applied.files.spec


def test_the_engine_runs_the_built_config(level: Level) -> None:
    sim = Simulation(build_config(level, load_catalog_default(), EVERY_KNOB), seed=1)
    sim.advance(30)
    assert sim.metrics.arrived > 0
    names = [b.name for b in sim.boxes if b.state != "terminated"]
    assert names == ["web-1", "web-2", "web-3", "web-4", "web-5", "web-6", "db-1", "lb-1", "cache-1"]


def test_the_engine_accepts_every_choice_at_the_bounds(level: Level) -> None:
    """The content layer's ranges are the engine's: a choice the loader allows never fails in
    ``Simulation.apply``. Checked at both ends of every numeric range."""
    from scaleout_tui.content.knobs import _shape

    catalog = load_catalog_default()
    for param, rule in RULES.items():
        kind, lo, hi = _shape(rule.table, rule.key)
        if kind not in (int, float) or any(getattr(level, t) is None for t in rule.needs):
            continue  # the database knobs: tests/content/test_database_keys.py
        for bound in (lo, hi):
            if param == "web.count" and bound == hi:
                bound = 8  # 64 boxes are accepted too; 8 keeps the test quick
            sim = Simulation(build_config(level, catalog), seed=1)
            text = str(int(bound)) if float(bound).is_integer() else str(bound)
            assert rule.read(text) == bound
            sim.apply(Command(param, rule.read(text)))
