"""The database keys of format 1: [replication], [sharding] and the knobs that drive them, from the
file to the engine's specs. Mirrors ``test_scaleout.py`` (the balancer keys), which set the pattern."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from scaleout_tui.content import (
    METRICS,
    Level,
    LevelError,
    build_config,
    commands_for,
    knob_defaults,
    load_catalog_default,
    load_level,
    loads_level,
    validate_file,
)
from scaleout_tui.content.knobs import RULES
from scaleout_tui.content.schema import Replication, Sharding
from scaleout_tui.engine import Command, ScheduledFailure, Simulation
from scaleout_tui.engine.replication import ROUTINGS, ReplicationSpec
from scaleout_tui.engine.shardrouter import KEYS, ShardingSpec
from tests.content.corpus import (
    EXPECTED,
    FIRST_AUTOSCALING,
    FIRST_DATABASE,
    REPLICATED,
    SHARDED,
    expected_line,
    section,
    validate_output,
)
from tests.content.helpers import event_toml, knob_toml, problems_of
from tests.content.test_loader import MINIMAL

TWO_TIER = MINIMAL.replace('layout = "single"', 'layout = "two-tier"')
LAYOUT_KNOB = ('[[knobs]]\nid = "layout"\nlabel = "Layout"\nparam = "layout"\n'
               'choices = ["single", "two-tier"]\ndefault = "single"\n')
REPL = "[replication]\n"
SHARD = "[sharding]\n"
DB_PARAMS = {"db.replicas", "db.read_routing", "db.shards", "db.shard_key"}


@pytest.fixture(scope="module")
def replicated() -> Level:
    return load_level(REPLICATED)


@pytest.fixture(scope="module")
def sharded() -> Level:
    return load_level(SHARDED)


# ---- reading ----------------------------------------------------------------------------------------
def test_the_fixtures_are_valid(replicated: Level, sharded: Level) -> None:
    assert validate_file(REPLICATED) == [] and validate_file(SHARDED) == []
    assert (replicated.id, sharded.id) == (REPLICATED.stem, SHARDED.stem)
    assert replicated.replication == Replication(replicas=2, read_routing="read_your_writes", ryw_window_s=8,
                                                 apply_factor=1.5, failover_s=45)
    assert sharded.sharding == Sharding(shards=2, key="user_range", range_query_share=0.2,
                                        move_s_per_shard=240, move_load=0.5)
    assert (replicated.sharding, sharded.replication) == (None, None)
    # between them the two fixtures hold a knob for every database parameter
    assert {k.param for k in replicated.knobs + sharded.knobs} & DB_PARAMS == DB_PARAMS


def test_the_new_keys_are_optional() -> None:
    level = loads_level(MINIMAL)
    assert (level.replication, level.sharding) == (None, None)


def test_table_defaults_are_the_engines() -> None:
    """A table written with no keys must configure what the engine would by itself."""
    assert dataclasses.asdict(ReplicationSpec()) == {f: getattr(Replication(), f)
                                                     for f in Replication.__struct_fields__}
    assert dataclasses.asdict(ShardingSpec()) == {f: getattr(Sharding(), f)
                                                  for f in Sharding.__struct_fields__}


def test_empty_tables_take_the_defaults() -> None:
    assert loads_level(TWO_TIER + REPL).replication == Replication()
    assert loads_level(TWO_TIER + SHARD).sharding == Sharding()


def test_words_come_from_the_engine() -> None:
    assert RULES["db.read_routing"].words == ROUTINGS
    assert RULES["db.shard_key"].words == KEYS
    for routing in ROUTINGS:
        assert loads_level(TWO_TIER + f'{REPL}read_routing = "{routing}"\n').replication is not None
    for key in KEYS:
        assert loads_level(TWO_TIER + f'{SHARD}key = "{key}"\n').sharding is not None


@pytest.mark.parametrize("metric", ["stale_reads", "writes_lost", "replication_lag_ms_p95",
                                    "max_shard_share_pct"])
def test_the_database_metrics(metric: str) -> None:
    assert metric in METRICS
    assert loads_level(MINIMAL.replace('"error_rate_pct"', f'"{metric}"')).objectives[0].metric == metric


def test_the_game_computes_every_metric(replicated: Level) -> None:
    from scaleout_tui.game.scoring import run_metrics

    sim = Simulation(build_config(replicated, load_catalog_default()), seed=1)
    sim.advance(10)
    assert set(run_metrics(sim)) == set(METRICS)


# ---- rules: the tables ------------------------------------------------------------------------------
@pytest.mark.parametrize(("table", "expected"), [
    (f"{REPL}replicas = 6\n", "replication.replicas: must be at most 5 (got 6)"),
    (f"{REPL}replicas = -1\n", "replication.replicas: must be at least 0 (got -1)"),
    (f"{REPL}replicas = 1.5\n", "replication.replicas: expected a whole number, got a number"),
    (f'{REPL}read_routing = "nearest"\n',
     "replication.read_routing: 'nearest' is not one of: master, replicas, read_your_writes"),
    (f"{REPL}ryw_window_s = 3601\n", "replication.ryw_window_s: must be at most 3600 (got 3601)"),
    (f"{REPL}apply_factor = 10.5\n", "replication.apply_factor: must be at most 10 (got 10.5)"),
    (f"{REPL}apply_factor = -0.5\n", "replication.apply_factor: must be at least 0 (got -0.5)"),
    (f"{REPL}apply_factor = nan\n", "replication.apply_factor: must be a finite number (got nan)"),
    (f"{REPL}failover_s = 3601\n", "replication.failover_s: must be at most 3600 (got 3601)"),
    (f"{REPL}lag_s = 1\n", "replication.lag_s: unknown key"),
    (f"{REPL}failover = 1\n", "replication.failover: unknown key (did you mean `failover_s`?)"),
    (f"{SHARD}shards = 0\n", "sharding.shards: must be at least 1 (got 0)"),
    (f"{SHARD}shards = 9\n", "sharding.shards: must be at most 8 (got 9)"),
    (f'{SHARD}shards = "2"\n', "sharding.shards: expected a whole number, got a string"),
    (f'{SHARD}key = "order_id"\n',
     "sharding.key: 'order_id' is not one of: user_hash, user_range, created_at"),
    (f"{SHARD}range_query_share = 1.5\n", "sharding.range_query_share: must be at most 1 (got 1.5)"),
    (f"{SHARD}range_query_share = -0.1\n", "sharding.range_query_share: must be at least 0 (got -0.1)"),
    (f"{SHARD}move_s_per_shard = 86401\n", "sharding.move_s_per_shard: must be at most 86400 (got 86401)"),
    (f"{SHARD}move_load = 65\n", "sharding.move_load: must be at most 64 (got 65)"),
    (f"{SHARD}move_load = inf\n", "sharding.move_load: must be a finite number (got inf)"),
])
def test_table_ranges_and_words(table: str, expected: str) -> None:
    assert problems_of(TWO_TIER + table) == [expected]


@pytest.mark.parametrize(("table", "edge"), [
    (REPL, "replicas = 0\nryw_window_s = 0\napply_factor = 0\nfailover_s = 0\n"),
    (REPL, "replicas = 5\nryw_window_s = 3600\napply_factor = 10\nfailover_s = 3600\n"),
    (SHARD, "shards = 1\nrange_query_share = 0\nmove_s_per_shard = 0\nmove_load = 0\n"),
    (SHARD, "shards = 8\nrange_query_share = 1\nmove_s_per_shard = 86400\nmove_load = 64\n"),
])
def test_the_ends_of_every_range_are_allowed(table: str, edge: str) -> None:
    assert problems_of(TWO_TIER + table + edge) == []


@pytest.mark.parametrize(("table", "why"), [
    (REPL, "replicas copy a database box of its own"),
    (SHARD, "shards are database boxes of their own"),
])
def test_the_database_tables_need_two_tiers(table: str, why: str) -> None:
    name = table.strip()
    assert problems_of(MINIMAL + table) == [
        f"{name[1:-1]}: {name} needs a two-tier layout (topology.layout = 'two-tier', or a layout knob "
        f"offering it): {why}"]
    assert problems_of(MINIMAL + table + LAYOUT_KNOB) == []  # the player may split the box first
    assert problems_of(TWO_TIER + table) == []


def test_sharding_and_replication_exclude_each_other() -> None:
    assert problems_of(TWO_TIER + REPL + SHARD) == [
        "sharding: [sharding] and [replication] cannot be combined in format 1; a level uses one or "
        "the other"]


def test_every_problem_of_the_database_tables_at_once(tmp_path: Path) -> None:
    text = (MINIMAL.replace('id = "42-minimal"', 'id = "42-many"') + f'{REPL}read_routing = "x"\n'
            + f'{SHARD}key = "y"\n' + knob_toml("db.shards", ["1", "2"], "1") + event_toml("replica"))
    path = tmp_path / "42-many.toml"
    path.write_text(text)
    assert [p.field for p in validate_file(path)] == [
        "replication", "replication.read_routing", "sharding", "sharding.key", "events[0].target"]


# ---- rules: the knobs -------------------------------------------------------------------------------
@pytest.mark.parametrize(("tables", "param", "choices", "default"), [
    (REPL, "db.replicas", ["0", "1", "5"], "0"),
    (f"{REPL}replicas = 3\n", "db.replicas", ["0", "3"], "3"),
    (REPL, "db.read_routing", list(ROUTINGS), "master"),
    (f'{REPL}read_routing = "replicas"\n', "db.read_routing", ["master", "replicas"], "replicas"),
    (SHARD, "db.shards", ["1", "2", "8"], "1"),
    (f"{SHARD}shards = 4\n", "db.shards", ["4", "6"], "4"),
    (SHARD, "db.shard_key", list(KEYS), "user_hash"),
    (f'{SHARD}key = "created_at"\n', "db.shard_key", ["created_at"], "created_at"),
])
def test_every_database_knob_param_is_accepted(tables: str, param: str, choices: list[str],
                                               default: str) -> None:
    level = loads_level(TWO_TIER + tables + knob_toml(param, choices, default))
    assert level.knobs[1].param == param


@pytest.mark.parametrize(("tables", "param", "choices", "default", "expected"), [
    (REPL, "db.replicas", ["0", "6"], "0",
     "knobs[1].choices[1]: knob 'k' (db.replicas): '6' is not a whole number from 0 to 5"),
    (REPL, "db.replicas", ["0", "1.0"], "0",
     "knob 'k' (db.replicas): '1.0' is not a whole number from 0 to 5"),
    (REPL, "db.replicas", ["0", "-1"], "0", "'-1' is not a whole number from 0 to 5"),
    (REPL, "db.replicas", ["0", "00"], "0", "'00' is not a whole number from 0 to 5"),
    (REPL, "db.read_routing", ["master", "nearest"], "master",
     "knob 'k' (db.read_routing): 'nearest' is not one of: master, replicas, read_your_writes"),
    (SHARD, "db.shards", ["1", "9"], "1", "knob 'k' (db.shards): '9' is not a whole number from 1 to 8"),
    (SHARD, "db.shards", ["0", "1"], "1", "knob 'k' (db.shards): '0' is not a whole number from 1 to 8"),
    (SHARD, "db.shard_key", ["user_hash", "order_id"], "user_hash",
     "knob 'k' (db.shard_key): 'order_id' is not one of: user_hash, user_range, created_at"),
    (SHARD, "db.shards", ["1", "2", "2"], "1", "knobs[1].choices[2]: '2' is used twice"),
])
def test_a_bad_choice_names_the_knob(tables: str, param: str, choices: list[str], default: str,
                                     expected: str) -> None:
    problems = problems_of(TWO_TIER + tables + knob_toml(param, choices, default))
    assert len(problems) == 1 and expected in problems[0], problems


@pytest.mark.parametrize(("tables", "param", "choices", "default", "expected"), [
    (REPL, "db.replicas", ["0", "2"], "2", "(replication.replicas = 0)"),
    (REPL, "db.read_routing", ["master", "replicas"], "replicas", "(replication.read_routing = 'master')"),
    (SHARD, "db.shards", ["1", "3"], "3", "(sharding.shards = 1)"),
    (SHARD, "db.shard_key", ["user_hash", "created_at"], "created_at", "(sharding.key = 'user_hash')"),
])
def test_a_knob_default_must_equal_its_start_value(tables: str, param: str, choices: list[str], default: str,
                                                   expected: str) -> None:
    problems = problems_of(TWO_TIER + tables + knob_toml(param, choices, default))
    assert len(problems) == 1, problems
    assert problems[0].startswith(f"knobs[1].default: default '{default}' differs")
    assert expected in problems[0]


@pytest.mark.parametrize(("tables", "param", "choice", "needs"), [
    ("", "db.replicas", "0", "[replication]"),
    ("", "db.read_routing", "master", "[replication]"),
    (SHARD, "db.replicas", "0", "[replication]"),
    ("", "db.shards", "1", "[sharding]"),
    ("", "db.shard_key", "user_hash", "[sharding]"),
    (REPL, "db.shard_key", "user_hash", "[sharding]"),
])
def test_a_knob_needs_its_table(tables: str, param: str, choice: str, needs: str) -> None:
    problems = problems_of(TWO_TIER + tables + knob_toml(param, [choice], choice))
    assert problems == [f"knobs[1].param: {param} needs {needs} in this level"]


def test_every_database_param_has_a_rule() -> None:
    assert {p: (r.field, r.needs) for p, r in RULES.items() if p in DB_PARAMS} == {
        "db.replicas": ("replication.replicas", ("replication",)),
        "db.read_routing": ("replication.read_routing", ("replication",)),
        "db.shards": ("sharding.shards", ("sharding",)),
        "db.shard_key": ("sharding.key", ("sharding",)),
    }


# ---- rules: event targets ---------------------------------------------------------------------------
@pytest.mark.parametrize(("tables", "knobs", "target", "ok"), [
    ("", "", "replica", False),
    ("", "", "replica-1", False),
    (REPL, "", "replica", False),        # no replica can exist: replicas = 0 and no knob adds one
    (REPL, "", "replica-1", False),
    (f"{REPL}replicas = 2\n", "", "replica", True),
    (f"{REPL}replicas = 2\n", "", "replica-2", True),
    (f"{REPL}replicas = 2\n", "", "replica-3", False),
    (f"{REPL}replicas = 2\n", "", "replica-0", False),
    (REPL, knob_toml("db.replicas", ["0", "3"], "0", "n"), "replica", True),
    (REPL, knob_toml("db.replicas", ["0", "3"], "0", "n"), "replica-3", True),
    (REPL, knob_toml("db.replicas", ["0", "3"], "0", "n"), "replica-4", False),
    (f"{REPL}replicas = 4\n", knob_toml("db.replicas", ["2", "4"], "4", "n"), "replica-4", True),
    ("", "", "db-1", True),
    ("", "", "db-2", False),
    (SHARD, "", "db-1", True),
    (SHARD, "", "db-2", False),
    (f"{SHARD}shards = 3\n", "", "db-3", True),
    (f"{SHARD}shards = 3\n", "", "db-4", False),
    (SHARD, knob_toml("db.shards", ["1", "4"], "1", "n"), "db-4", True),
    (SHARD, knob_toml("db.shards", ["1", "4"], "1", "n"), "db-5", False),
    (SHARD, knob_toml("db.shards", ["1", "4"], "1", "n"), "replica", False),
    (f"{REPL}replicas = 1\n", "", "db-2", False),
])
def test_event_targets(tables: str, knobs: str, target: str, ok: bool) -> None:
    problems = problems_of(TWO_TIER + tables + knobs + event_toml(target))
    if ok:
        assert problems == []
    else:
        assert len(problems) == 1, problems
        assert problems[0].startswith(f"events[0].target: {target!r} names no box")


def test_replica_targets_through_a_layout_knob() -> None:
    """A single-box level that a knob can split may target the replicas the split brings."""
    text = MINIMAL + f"{REPL}replicas = 1\n" + LAYOUT_KNOB + event_toml("replica-1")
    assert loads_level(text).events[0].target == "replica-1"


# ---- the corpus: exact messages, and the command line -----------------------------------------------
DATABASE_FILES = section(FIRST_DATABASE, FIRST_AUTOSCALING)


def test_the_corpus_has_the_database_files() -> None:
    assert len(DATABASE_FILES) >= 10
    assert {p.stem for p in DATABASE_FILES} <= set(EXPECTED)


@pytest.mark.parametrize("path", DATABASE_FILES, ids=lambda p: p.stem)
def test_a_broken_database_level_gives_its_exact_line(path: Path) -> None:
    problems = validate_file(path)
    assert [str(p) for p in problems] == [expected_line(path)]


def test_validate_prints_exactly_these_lines_and_exits_1() -> None:
    assert validate_output(DATABASE_FILES) == (1, "", [expected_line(p) for p in DATABASE_FILES])


# ---- building ---------------------------------------------------------------------------------------
def test_build_config_maps_replication(replicated: Level) -> None:
    catalog = load_catalog_default()
    cfg = build_config(replicated, catalog)
    assert cfg == build_config(replicated, catalog, knob_defaults(replicated))
    r = cfg.replication
    assert r is not None
    assert r.replicas == 2
    assert r.read_routing == "read_your_writes"
    assert r.ryw_window_s == 8
    assert r.apply_factor == 1.5
    assert r.failover_s == 45
    assert cfg.sharding is None
    assert cfg.failures == (
        ScheduledFailure(300, "replica-2", 120, "slow", 4.0),
        ScheduledFailure(500, "replica", 60, "crash", 5.0),
        ScheduledFailure(700, "db", 120, "crash", 5.0),
    )


def test_build_config_maps_sharding(sharded: Level) -> None:
    catalog = load_catalog_default()
    cfg = build_config(sharded, catalog)
    assert cfg == build_config(sharded, catalog, knob_defaults(sharded))
    s = cfg.sharding
    assert s is not None
    assert s.shards == 2
    assert s.key == "user_range"
    assert s.range_query_share == 0.2
    assert s.move_s_per_shard == 240
    assert s.move_load == 0.5
    assert cfg.replication is None


def test_a_level_without_the_database_tables_builds_as_before() -> None:
    cfg = build_config(loads_level(TWO_TIER), load_catalog_default())
    assert (cfg.replication, cfg.sharding) == (None, None)


def test_empty_tables_build_the_engines_defaults() -> None:
    catalog = load_catalog_default()
    assert build_config(loads_level(TWO_TIER + REPL), catalog).replication == ReplicationSpec()
    assert build_config(loads_level(TWO_TIER + SHARD), catalog).sharding == ShardingSpec()


def test_knobs_override_the_replication_start(replicated: Level) -> None:
    cfg = build_config(replicated, load_catalog_default(), {"replicas": "0", "reads": "master"})
    assert cfg.replication == ReplicationSpec(replicas=0, read_routing="master", ryw_window_s=8,
                                              apply_factor=1.5, failover_s=45)
    assert isinstance(cfg.replication.replicas, int)
    one = build_config(replicated, load_catalog_default(), {"replicas": "1"}).replication
    assert one == ReplicationSpec(1, "read_your_writes", 8, 1.5, 45)


def test_knobs_override_the_sharding_start(sharded: Level) -> None:
    cfg = build_config(sharded, load_catalog_default(), {"shards": "4", "key": "created_at"})
    assert cfg.sharding == ShardingSpec(shards=4, key="created_at", range_query_share=0.2,
                                        move_s_per_shard=240, move_load=0.5)
    assert isinstance(cfg.sharding.shards, int)


def test_a_bad_database_knob_value_is_refused_before_building(sharded: Level) -> None:
    with pytest.raises(LevelError, match=r"knobs\.shards: '5' is not one of this knob's choices"):
        build_config(sharded, load_catalog_default(), {"shards": "5"})


def test_commands_carry_the_typed_value(replicated: Level, sharded: Level) -> None:
    assert commands_for(replicated, {"reads": "master", "replicas": "1"}) == [
        Command("db.replicas", 1), Command("db.read_routing", "master")]
    assert commands_for(sharded, {"key": "user_hash", "shards": "3"}) == [
        Command("db.shards", 3), Command("db.shard_key", "user_hash")]


@pytest.mark.parametrize(("fixture", "knobs"), [
    ("replicated", {"replicas": "1", "reads": "replicas"}),
    ("replicated", {"replicas": "0", "reads": "master"}),
    ("sharded", {"shards": "4", "key": "user_hash"}),
])
def test_a_knob_before_the_clock_equals_the_built_config(fixture: str, knobs: dict[str, str],
                                                        request: pytest.FixtureRequest) -> None:
    """Building with a knob and applying its command at t=0 give the same replicas and shards.
    The engine keeps a spec's count as the start count and tracks the live one itself, so the
    counts are compared live and the specs without them."""
    level: Level = request.getfixturevalue(fixture)
    catalog = load_catalog_default()
    built = Simulation(build_config(level, catalog, knobs), seed=3)
    applied = Simulation(build_config(level, catalog), seed=3)
    for cmd in commands_for(level, knobs):
        applied.apply(cmd)
    assert [b.name for b in built.live_boxes] == [b.name for b in applied.live_boxes]
    rep_a, rep_b = built.replica_state, applied.replica_state
    assert (rep_a is None) == (rep_b is None)
    if rep_a is not None and rep_b is not None:
        assert len(rep_a.replicas) == len(rep_b.replicas)
        assert dataclasses.replace(rep_a.spec, replicas=0) == dataclasses.replace(rep_b.spec, replicas=0)
    sh_a, sh_b = built.shard_router, applied.shard_router
    assert (sh_a is None) == (sh_b is None)
    if sh_a is not None and sh_b is not None:
        assert sh_a.n == sh_b.n
        assert dataclasses.replace(sh_a.spec, shards=1) == dataclasses.replace(sh_b.spec, shards=1)


def test_the_engine_runs_the_built_configs(replicated: Level, sharded: Level) -> None:
    catalog = load_catalog_default()
    rep = Simulation(build_config(replicated, catalog), seed=1)
    rep.advance(30)
    assert rep.metrics.arrived > 0
    assert [(b.name, b.role) for b in rep.live_boxes if b.role in ("db", "replica")] == [
        ("db-1", "db"), ("replica-1", "replica"), ("replica-2", "replica")]
    shard = Simulation(build_config(sharded, catalog, {"shards": "4"}), seed=1)
    shard.advance(30)
    assert shard.metrics.arrived > 0
    assert [b.name for b in shard.live_boxes if b.role == "db"] == ["db-1", "db-2", "db-3", "db-4"]


@pytest.mark.parametrize(("start", "param", "value"), [
    (f"{REPL}replicas = 2\n", "db.replicas", "0"),
    (f"{REPL}replicas = 2\n", "db.replicas", "5"),
    *[(REPL, "db.read_routing", routing) for routing in ROUTINGS],
    (SHARD, "db.shards", "1"),
    (SHARD, "db.shards", "8"),
    *[(SHARD, "db.shard_key", key) for key in KEYS],
])
def test_the_engine_accepts_every_choice_at_the_bounds(start: str, param: str, value: str) -> None:
    """The content layer's ranges and words are the engine's: a choice the loader allows is
    carried out by ``Simulation.apply`` before the clock starts."""
    level = loads_level(TWO_TIER + start)
    assert RULES[param].read(value) is not None  # the loader reads it as a value of the param
    sim = Simulation(build_config(level, load_catalog_default()), seed=1)
    sim.apply(Command(param, RULES[param].read(value)))
