"""The look-aside cache in format 1: the ``[cache]`` table and the ``cache.*`` knobs, from the file to
the engine's ``CacheSpec``. Follows ``test_database_keys.py``: every key, both ends of every range, a
word the engine does not know, broken files with their ``file:line: field: message``."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from scaleout_tui.content import (
    METRICS,
    build_config,
    commands_for,
    load_catalog_default,
    loads_level,
    validate_file,
)
from scaleout_tui.content.knobs import RULES, read_knob
from scaleout_tui.content.labels import choice_words, unit_of
from scaleout_tui.content.schema import KNOB_PARAMS, Cache
from scaleout_tui.engine import Command, Simulation
from scaleout_tui.engine.cache import POLICIES, CacheSpec
from tests.content.helpers import event_toml, knob_toml, problems_of
from tests.content.test_loader import MINIMAL

TWO_TIER = MINIMAL.replace('layout = "single"', 'layout = "two-tier"')
LAYOUT_KNOB = ('[[knobs]]\nid = "layout"\nlabel = "Layout"\nparam = "layout"\n'
               'choices = ["single", "two-tier"]\ndefault = "single"\n')
CACHE = "[cache]\n"
CACHE_PARAMS = ("cache.capacity", "cache.ttl_s", "cache.ttl_jitter", "cache.policy", "cache.invalidate",
                "cache.single_flight", "cache.swr_s")
EVERY_KEY = (CACHE + 'keys = 2000\nzipf_s = 1.2\ncapacity = 500\nttl_s = 60\nttl_jitter = 0.25\n'
             'policy = "write-through"\ninvalidate = true\nsingle_flight = true\nswr_s = 15\nget_ms = 0.3\n'
             'op_ms = 0.02\nsize = "m5.xlarge"\n')


def test_the_table_is_optional_and_empty_takes_the_engines_defaults() -> None:
    assert loads_level(TWO_TIER).cache is None
    assert loads_level(TWO_TIER + CACHE).cache == Cache()
    spec = build_config(loads_level(TWO_TIER + CACHE), load_catalog_default()).cache
    assert spec == CacheSpec()


def test_table_defaults_are_the_engines() -> None:
    """The designer's units (ms) aside, a table with no keys configures what the engine would."""
    engine = dataclasses.asdict(CacheSpec())
    table = Cache()
    ours = {f: getattr(table, f) for f in Cache.__struct_fields__}
    assert ours.pop("get_ms") / 1000 == engine.pop("get_s")
    assert ours.pop("op_ms") / 1000 == engine.pop("op_s")
    assert ours.pop("size") is engine.pop("box_type") is None
    assert ours == engine


def test_every_key_reaches_the_engine() -> None:
    level = loads_level(TWO_TIER + EVERY_KEY)
    spec = build_config(level, load_catalog_default()).cache
    assert spec == CacheSpec(keys=2000, zipf_s=1.2, capacity=500, ttl_s=60.0, ttl_jitter=0.25,
                             policy="write-through", invalidate=True, single_flight=True, swr_s=15.0,
                             get_s=0.0003, op_s=0.00002, box_type="m5.xlarge")
    sim = Simulation(build_config(level, load_catalog_default()), seed=1)
    assert sim.cache is not None and sim.cache.box.name == "redis-1"
    assert sim.cache.box.itype.name == "m5.xlarge"


def test_policies_are_the_engines() -> None:
    assert RULES["cache.policy"].words == POLICIES
    for policy in POLICIES:
        assert loads_level(TWO_TIER + f'{CACHE}policy = "{policy}"\n').cache is not None


@pytest.mark.parametrize(("table", "expected"), [
    (f"{CACHE}keys = 0\n", "cache.keys: must be at least 1 (got 0)"),
    (f"{CACHE}keys = 1000001\n", "cache.keys: must be at most 1000000 (got 1000001)"),
    (f"{CACHE}keys = 1.5\n", "cache.keys: expected a whole number, got a number"),
    (f"{CACHE}zipf_s = -0.1\n", "cache.zipf_s: must be at least 0 (got -0.1)"),
    (f"{CACHE}zipf_s = 3.5\n", "cache.zipf_s: must be at most 3 (got 3.5)"),
    (f"{CACHE}zipf_s = nan\n", "cache.zipf_s: must be a finite number (got nan)"),
    (f"{CACHE}capacity = -1\n", "cache.capacity: must be at least 0 (got -1)"),
    (f"{CACHE}capacity = 1000001\n", "cache.capacity: must be at most 1000000 (got 1000001)"),
    (f"{CACHE}ttl_s = 0.5\n", "cache.ttl_s: must be at least 1 (got 0.5)"),
    (f"{CACHE}ttl_s = 604801\n", "cache.ttl_s: must be at most 604800 (got 604801)"),
    (f"{CACHE}ttl_s = inf\n", "cache.ttl_s: must be a finite number (got inf)"),
    (f"{CACHE}ttl_jitter = 1.5\n", "cache.ttl_jitter: must be at most 1 (got 1.5)"),
    (f"{CACHE}ttl_jitter = -0.1\n", "cache.ttl_jitter: must be at least 0 (got -0.1)"),
    (f'{CACHE}policy = "write-back"\n',
     "cache.policy: 'write-back' is not one of: cache-aside, write-through"),
    (f'{CACHE}invalidate = "yes"\n', "cache.invalidate: expected true or false, got a string"),
    (f"{CACHE}single_flight = 1\n", "cache.single_flight: expected true or false, got a whole number"),
    (f"{CACHE}swr_s = -1\n", "cache.swr_s: must be at least 0 (got -1)"),
    (f"{CACHE}swr_s = 86401\n", "cache.swr_s: must be at most 86400 (got 86401)"),
    (f"{CACHE}get_ms = 1001\n", "cache.get_ms: must be at most 1000 (got 1001)"),
    (f"{CACHE}op_ms = -0.01\n", "cache.op_ms: must be at least 0 (got -0.01)"),
    (f'{CACHE}size = "t9.huge"\n', "cache.size: 't9.huge' is not an instance type in the catalog"),
    (f"{CACHE}hit_ratio = 0.9\n", "cache.hit_ratio: unknown key"),
    (f"{CACHE}ttl = 60\n", "cache.ttl: unknown key (did you mean `ttl_s`?)"),
])
def test_table_ranges_and_words(table: str, expected: str) -> None:
    problems = problems_of(TWO_TIER + table)
    assert len(problems) == 1 and problems[0].startswith(expected), problems


@pytest.mark.parametrize("edge", [
    "keys = 1\nzipf_s = 0\ncapacity = 0\nttl_s = 1\nttl_jitter = 0\nswr_s = 0\nget_ms = 0\nop_ms = 0\n",
    "keys = 1000000\nzipf_s = 3\ncapacity = 1000000\nttl_s = 604800\nttl_jitter = 1\nswr_s = 86400\n"
    "get_ms = 1000\nop_ms = 1000\n",
])
def test_the_ends_of_every_range_are_allowed(edge: str) -> None:
    assert problems_of(TWO_TIER + CACHE + edge) == []


def test_the_cache_needs_two_tiers() -> None:
    assert problems_of(MINIMAL + CACHE) == [
        "cache: [cache] needs a two-tier layout (topology.layout = 'two-tier', or a layout knob "
        "offering it): the cache sits in front of a database box of its own"]
    assert problems_of(MINIMAL + CACHE + LAYOUT_KNOB) == []
    assert problems_of(TWO_TIER + CACHE) == []


def test_the_cache_box_is_an_event_target() -> None:
    assert problems_of(TWO_TIER + CACHE + event_toml("cache")) == []
    assert problems_of(TWO_TIER + CACHE + event_toml("redis-1", kind="hang")) == []
    problem = problems_of(TWO_TIER + event_toml("cache"))
    assert problem[0].startswith("events[0].target: no box or role 'cache'") or "'cache'" in problem[0]


def test_a_broken_file_names_its_lines(tmp_path: Path) -> None:
    text = (TWO_TIER.replace('id = "42-minimal"', 'id = "42-cache"')
            + CACHE + 'policy = "lazy"\ncapacity = 100\n'
            + knob_toml("cache.capacity", ["100", "-5"], "100", knob_id="size")
            + knob_toml("cache.single_flight", ["off", "yes"], "off", knob_id="flight")
            + knob_toml("cache.ttl_s", ["300", "60"], "60", knob_id="ttl"))
    path = tmp_path / "42-cache.toml"
    path.write_text(text)
    lines = text.splitlines()

    def line_of(needle: str, after: int = 0) -> int:
        return next(i for i, x in enumerate(lines) if i >= after and needle in x) + 1

    policy = line_of('policy = "lazy"')
    size = line_of('choices = ["100", "-5"]')
    flight = line_of('choices = ["off", "yes"]')
    ttl = line_of('default = "60"', after=line_of('id = "ttl"'))
    assert [str(p) for p in validate_file(path)] == [
        f"{path}:{policy}: cache.policy: 'lazy' is not one of: cache-aside, write-through",
        f"{path}:{size}: knobs[1].choices[1]: knob 'size' (cache.capacity): '-5' is not a whole number "
        "from 0 to 1000000",
        f"{path}:{flight}: knobs[2].choices[1]: knob 'flight' (cache.single_flight): 'yes' is not one of: "
        "on, off",
        f"{path}:{ttl}: knobs[3].default: default '60' differs from the start setup (cache.ttl_s = 300); the "
        "level would start on a different setup than it says",
    ]


# ---- the knobs ------------------------------------------------------------------------------------
def test_every_cache_param_is_a_knob_param() -> None:
    assert set(CACHE_PARAMS) <= set(KNOB_PARAMS) and set(CACHE_PARAMS) <= set(RULES)


@pytest.mark.parametrize(("param", "choices", "default"), [
    ("cache.capacity", ["0", "1000", "1000000"], "10000"),
    ("cache.ttl_s", ["1", "300", "604800"], "300"),
    ("cache.ttl_jitter", ["0", "0.2", "1"], "0"),
    ("cache.policy", list(POLICIES), "cache-aside"),
    ("cache.invalidate", ["off", "on"], "off"),
    ("cache.single_flight", ["off", "on"], "off"),
    ("cache.swr_s", ["0", "10", "86400"], "0"),
])
def test_every_cache_knob_is_accepted(param: str, choices: list[str], default: str) -> None:
    choices = choices if default in choices else [default, *choices]
    level = loads_level(TWO_TIER + CACHE + knob_toml(param, choices, default))
    assert level.knobs[1].param == param
    for c in choices:
        assert choice_words(param, c) != c or param in ("cache.ttl_s",) or c == "0"


@pytest.mark.parametrize(("param", "choice", "reason"), [
    ("cache.capacity", "1000001", "'1000001' is not a whole number from 0 to 1000000"),
    ("cache.capacity", "10.5", "'10.5' is not a whole number from 0 to 1000000"),
    ("cache.ttl_s", "0", "'0' is not a number from 1 to 604800"),
    ("cache.ttl_jitter", "1.5", "'1.5' is not a number from 0 to 1"),
    ("cache.swr_s", "86401", "'86401' is not a number from 0 to 86400"),
    ("cache.policy", "write-back", "'write-back' is not one of: cache-aside, write-through"),
    ("cache.invalidate", "true", "'true' is not one of: on, off"),
])
def test_bad_cache_choices_name_the_knob(param: str, choice: str, reason: str) -> None:
    start = {"cache.capacity": "10000", "cache.ttl_s": "300", "cache.ttl_jitter": "0",
             "cache.policy": "cache-aside", "cache.invalidate": "off", "cache.swr_s": "0"}[param]
    problems = problems_of(TWO_TIER + CACHE + knob_toml(param, [start, choice], start))
    assert problems == [f"knobs[1].choices[1]: knob 'k' ({param}): {reason}"]


def test_a_cache_knob_needs_the_table() -> None:
    assert problems_of(TWO_TIER + knob_toml("cache.capacity", ["10"], "10")) == [
        "knobs[1].param: cache.capacity needs [cache] in this level"]


def test_the_knobs_read_once_into_typed_commands() -> None:
    text = TWO_TIER + CACHE + "".join(
        knob_toml(p, [c, d], d, knob_id=f"k{i}") for i, (p, c, d) in enumerate([
            ("cache.capacity", "500", "10000"), ("cache.ttl_s", "30", "300"),
            ("cache.ttl_jitter", "0.2", "0"),
            ("cache.policy", "write-through", "cache-aside"), ("cache.invalidate", "on", "off"),
            ("cache.single_flight", "on", "off"), ("cache.swr_s", "10", "0")]))
    level = loads_level(text)
    knobs = {"k0": "500", "k1": "30", "k2": "0.2", "k3": "write-through", "k4": "on", "k5": "on", "k6": "10"}
    assert commands_for(level, knobs) == [
        Command("cache.capacity", 500), Command("cache.ttl_s", 30.0), Command("cache.ttl_jitter", 0.2),
        Command("cache.policy", "write-through"), Command("cache.invalidate", True),
        Command("cache.single_flight", True), Command("cache.swr_s", 10.0)]
    spec = build_config(level, load_catalog_default(), knobs).cache
    assert spec == CacheSpec(capacity=500, ttl_s=30.0, ttl_jitter=0.2, policy="write-through",
                             invalidate=True, single_flight=True, swr_s=10.0)
    assert read_knob("cache.capacity", "0", {}) == 0
    sim = Simulation(build_config(level, load_catalog_default()), seed=1)
    for command in commands_for(level, knobs):
        sim.apply(command)  # the engine takes every typed value the content layer reads
    assert sim.cache is not None and sim.cache.spec == spec


def test_cache_choices_in_words() -> None:
    assert choice_words("cache.capacity", "10000") == "10000 entries"
    assert choice_words("cache.capacity", "1") == "1 entry"
    assert choice_words("cache.capacity", "0") == "0 entries: caches nothing"
    assert choice_words("cache.ttl_s", "300") == "300 s"
    assert choice_words("cache.ttl_jitter", "0.2") == "±20 % of the TTL"
    assert choice_words("cache.ttl_jitter", "0.3") == "±0.3 × the TTL"
    assert choice_words("cache.policy", "write-through").startswith("Write-through")
    assert choice_words("cache.single_flight", "on").startswith("On")
    assert choice_words("cache.swr_s", "0") == "Off"
    units = (unit_of("cache.capacity"), unit_of("cache.swr_s"), unit_of("cache.policy"))
    assert units == ("entries", "s", "")


@pytest.mark.parametrize("metric", ["cache_hit_ratio_pct", "duplicate_loads", "db_peak_queue", "stale_reads"])
def test_the_cache_metrics(metric: str) -> None:
    assert metric in METRICS
    assert loads_level(MINIMAL.replace('"error_rate_pct"', f'"{metric}"')).objectives[0].metric == metric


def test_a_hit_ratio_above_100_cannot_be_won() -> None:
    text = MINIMAL.replace('"error_rate_pct"', '"cache_hit_ratio_pct"').replace('op = "<="', 'op = ">="')
    assert problems_of(text.replace("target = 1", "target = 101"))[0].startswith("objectives[0].target:")
