"""Load and check level files: the schema first, then what a schema cannot say.

Two passes, on purpose. msgspec checks shapes, types and ranges but stops at its first error;
the semantic pass (:func:`validate_level`) checks meaning (references into the catalog, curves
that go forward in time, knobs whose defaults match the start topology, stretch goals that are
stricter than their targets) and reports *every* problem, so a designer fixes a file in one go.
"""

from __future__ import annotations

import os
import unicodedata
from collections.abc import Iterator, Mapping
from pathlib import Path

import msgspec

from scaleout_tui import i18n, texts
from scaleout_tui.content.asg import group_problems, scaling_spec
from scaleout_tui.content.catalog import load_catalog_default
from scaleout_tui.content.decode import Source, load_struct, read_text, show_number
from scaleout_tui.content.errors import LevelError
from scaleout_tui.content.knobs import RULES, BadChoice, Value, show_value
from scaleout_tui.content.locate import FieldPath
from scaleout_tui.content.paths import find_level, level_ids, levels_dir
from scaleout_tui.content.scenarios import (
    STEADY,
    scenario_names,
    series_path,
    unknown_scenario,
    with_library_choices,
)
from scaleout_tui.content.schema import (
    DISPATCHES,
    DISTRIBUTIONS,
    HEADING_MAX,
    KNOB_PARAMS,
    KNOB_TYPES,
    LAYOUTS,
    METRICS,
    OBJECTIVE_LABEL_MAX,
    OPS,
    SESSION_STORES,
    Knob,
    Level,
)
from scaleout_tui.content.series import read_series
from scaleout_tui.content.translations import catalog_for, level_texts, localize, translation_problems
from scaleout_tui.engine import InstanceType
from scaleout_tui.engine.autoscaler_spec import HPA_POLICY_TYPES, HPA_SELECT, POLICIES
from scaleout_tui.engine.autoscaler_spec import METRICS as SCALING_METRICS
from scaleout_tui.engine.balancer import ALGORITHMS
from scaleout_tui.engine.cache import POLICIES as CACHE_POLICIES
from scaleout_tui.engine.cloning import CLONE_DATABASES, GOTCHA_KINDS
from scaleout_tui.engine.devices import BACKOFFS, JITTERS
from scaleout_tui.engine.failures import FAILURE_KINDS
from scaleout_tui.engine.healthcheck import KINDS as CHECK_KINDS
from scaleout_tui.engine.healthcheck import PATH_COST_S
from scaleout_tui.engine.redirects import MODES as REDIRECT_MODES
from scaleout_tui.engine.replication import ROUTINGS
from scaleout_tui.engine.shardrouter import KEYS as SHARD_KEYS
from scaleout_tui.engine.storage import MODES as STORAGE_MODES
from scaleout_tui.engine.tcpbalancer import ALGORITHMS as TCP_ALGORITHMS
from scaleout_tui.engine.traffic import KINDS

#: what a level's ``[[events]]`` may script: failures, and the gotchas of cloning a server
EVENT_KINDS: tuple[str, ...] = FAILURE_KINDS + GOTCHA_KINDS
#: the failure kinds that need an app on the box (every kind but a crash)
APP_FAULTS: tuple[str, ...] = tuple(k for k in FAILURE_KINDS if k != "crash")

__all__ = ["find_level", "list_levels", "load_level", "loads_level", "validate_file", "validate_level"]


def load_level(path: str | os.PathLike[str], catalog: Mapping[str, InstanceType] | None = None) -> Level:
    """Read, parse and fully check a level file. Raises the first :class:`LevelError`
    (use :func:`validate_file` to get them all)."""
    level, problems = _check_file(path, catalog)
    if problems:
        raise problems[0]
    assert level is not None
    return level


def list_levels(directory: Path | None = None) -> list[Level]:
    """Every level in ``directory`` (default: :func:`~scaleout_tui.content.paths.levels_dir`),
    fully validated, sorted by ``order`` (then id). Raises :class:`LevelError` for the first
    invalid file."""
    folder = directory or levels_dir()
    levels = [load_level(folder / f"{i}.toml") for i in level_ids(folder)]
    return sorted(levels, key=lambda lv: (lv.order, lv.id))


def loads_level(text: str, path: str = "<level>", catalog: Mapping[str, InstanceType] | None = None,
                stem: str | None = None) -> Level:
    """Like :func:`load_level`, from text in memory; ``stem`` (if given) must equal the id."""
    src = Source(path, text)
    level = with_library_choices(_level_struct(src))
    problems = validate_level(level, _catalog(catalog), src, stem=stem)
    if problems:
        raise problems[0]
    return _with_series_path(level, src)


def validate_file(path: str | os.PathLike[str],
                  catalog: Mapping[str, InstanceType] | None = None) -> list[LevelError]:
    """Every problem of a level file; an empty list means it is valid. Never raises for a bad
    file: unreadable, binary, malformed and huge files come back as one problem each.

    Its translations are checked too (:func:`~scaleout_tui.content.translations.translation_problems`),
    against the English the file has now."""
    level, problems = _check_file(path, catalog, localized=False)
    if level is not None and not problems:
        src = read_text(path)
        found = list(level_texts(level))
        for lang in i18n.LANGUAGES:
            if lang != i18n.SOURCE:
                problems += translation_problems(path, found, src.index.line_of, lang)
    return problems


def _check_file(path: str | os.PathLike[str], catalog: Mapping[str, InstanceType] | None,
                localized: bool = True) -> tuple[Level | None, list[LevelError]]:
    try:
        src = read_text(path)
        level = with_library_choices(_level_struct(src))
        cat = _catalog(catalog)
    except LevelError as e:
        return None, [e]
    problems = validate_level(level, cat, src, stem=Path(path).stem)
    if problems:
        return level, problems
    level = _with_series_path(level, src)
    # in the language the game speaks now (the checks above ran on the English, the source)
    return (localize(level, catalog_for(path)) if localized else level), problems


#: Level files already parsed, by their text. The map, each game started and most UI tests read
#: the same dozen files, and parsing the TOML was half the time of loading them (about 30 ms of
#: 60 for the campaign). A :class:`Level` is frozen and holds only tuples, so one parse can be
#: shared; the checks after it still run on every load (they read the catalog and other files).
_PARSED: dict[str, Level] = {}
#: a fuzzer feeds thousands of texts: the oldest parse goes once this many are kept
_PARSED_MAX = 64


def _level_struct(src: Source) -> Level:
    """``load_struct(src, Level)``, parsed once per text (see :data:`_PARSED`)."""
    level = _PARSED.get(src.text)
    if level is None:
        level = load_struct(src, Level, "level")
        if len(_PARSED) >= _PARSED_MAX:
            del _PARSED[next(iter(_PARSED))]
        _PARSED[src.text] = level
    return level


def _base(src: Source) -> Path:
    """The folder a level's relative file references start from: the level file's own."""
    return Path(src.path).parent


def _with_series_path(level: Level, src: Source) -> Level:
    """The level with its ``[traffic.series]`` file as an absolute path, so building the run
    later does not depend on where the level file was or on the working folder."""
    series = level.traffic.series
    if series is None:
        return level
    resolved = msgspec.structs.replace(series, file=str(series_path(series, _base(src)).absolute()))
    return msgspec.structs.replace(level, traffic=msgspec.structs.replace(level.traffic, series=resolved))


def _catalog(catalog: Mapping[str, InstanceType] | None) -> Mapping[str, InstanceType]:
    return load_catalog_default() if catalog is None else catalog


def validate_level(level: Level, catalog: Mapping[str, InstanceType], source: Source | None = None,
                   *, stem: str | None = None) -> list[LevelError]:
    """The semantic problems of a schema-valid level, in file order.

    ``source`` gives the file name and text for line numbers (default: the level id, no lines);
    ``stem`` is the file name without ``.toml``, which the id must equal.
    """
    src = source or Source(level.id)
    return [src.error(where, message) for where, message in _problems(level, catalog, stem, _base(src))]


def _one_of(got: str, allowed: tuple[str, ...] | list[str]) -> str:
    return texts.NOT_ONE_OF.format(got=got, allowed=", ".join(allowed))


def _not_a_type(name: str, catalog: Mapping[str, InstanceType]) -> str:
    return texts.NOT_A_TYPE.format(got=name, allowed=", ".join(catalog))


def _problems(level: Level, catalog: Mapping[str, InstanceType],
              stem: str | None, base: Path) -> Iterator[tuple[FieldPath, str]]:
    if stem is not None and level.id != stem:
        yield ("id",), texts.ID_NOT_STEM.format(stem=stem, got=level.id)

    if level.engine.dispatch not in DISPATCHES:
        yield ("engine", "dispatch"), _one_of(level.engine.dispatch, DISPATCHES)

    topo = level.topology
    if topo.layout not in LAYOUTS:
        yield ("topology", "layout"), _one_of(topo.layout, LAYOUTS)
    if topo.web_size not in catalog:
        yield ("topology", "web_size"), _not_a_type(topo.web_size, catalog)
    if topo.db_size is not None and topo.db_size not in catalog:
        yield ("topology", "db_size"), _not_a_type(topo.db_size, catalog)
    if level.engine.aux_size is not None and level.engine.aux_size not in catalog:
        yield ("engine", "aux_size"), _not_a_type(level.engine.aux_size, catalog)
    if level.cache is not None and level.cache.size is not None and level.cache.size not in catalog:
        yield ("cache", "size"), _not_a_type(level.cache.size, catalog)
    comm_size = level.ingest.comm_size if level.ingest is not None else None
    if comm_size is not None and comm_size not in catalog:
        yield ("ingest", "comm_size"), _not_a_type(comm_size, catalog)

    yield from _fleet_problems(level)
    yield from _scaling_problems(level)
    yield from _injection_problems(level)
    yield from _traffic_problems(level)
    yield from _scenario_problems(level, base)
    yield from _load_test_problems(level)
    yield from _knob_problems(level, catalog)
    yield from _event_problems(level)
    yield from _objective_problems(level)
    yield from _text_problems(msgspec.to_builtins(level), ())


#: Text may hold line breaks and tabs; any other control character is a terminal command (ESC
#: starts the escapes that retitle a window, clear the screen or move the cursor, and the C1
#: range has one-byte forms of the same), so a level shared by a stranger could take over the
#: player's terminal through its labels in ``scaleout run``'s report or the game's screens.
_ALLOWED_CONTROLS = frozenset("\n\t")


def _text_problems(value: object, where: FieldPath) -> Iterator[tuple[FieldPath, str]]:
    """Every string of the level (labels, briefings, hints, ids, choices) free of control
    characters, named by its field; one problem per string, for its first such character."""
    if isinstance(value, str):
        bad = next((c for c in value if unicodedata.category(c) == "Cc" and c not in _ALLOWED_CONTROLS), None)
        if bad is not None:
            yield where, texts.CONTROL_CHARACTER.format(code=f"U+{ord(bad):04X}")
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _text_problems(item, (*where, str(key)))
    elif isinstance(value, list | tuple):
        for i, item in enumerate(value):
            yield from _text_problems(item, (*where, i))


def _can_be_two_tier(level: Level) -> bool:
    """The level starts two-tier, or a layout knob can make it so before the clock starts."""
    return level.topology.layout == "two-tier" or any(
        k.param == "layout" and "two-tier" in k.choices for k in level.knobs)


def _fleet_problems(level: Level) -> Iterator[tuple[FieldPath, str]]:
    """The optional tables: words from the engine's lists, health checks need a balancer, and
    the database tables need a database box of its own (the engine ignores them otherwise, so a
    level would teach replicas that never appear)."""
    if level.balancer is not None and level.balancer.algorithm not in ALGORITHMS:
        yield ("balancer", "algorithm"), _one_of(level.balancer.algorithm, ALGORITHMS)
    check = level.health_check
    if check is not None:
        if level.balancer is None:
            yield ("health_check",), texts.HEALTH_WITHOUT_BALANCER
        if check.kind not in CHECK_KINDS:
            yield ("health_check", "kind"), _one_of(check.kind, CHECK_KINDS)
        if check.path not in PATH_COST_S:
            yield ("health_check", "path"), _one_of(check.path, tuple(PATH_COST_S))
    if level.sessions is not None and level.sessions.store not in SESSION_STORES:
        yield ("sessions", "store"), _one_of(level.sessions.store, SESSION_STORES)
    if level.storage is not None and level.storage.mode not in STORAGE_MODES:
        yield ("storage", "mode"), _one_of(level.storage.mode, STORAGE_MODES)
    app = level.app
    if app is not None:
        if app.redirect not in REDIRECT_MODES:
            yield ("app", "redirect"), _one_of(app.redirect, REDIRECT_MODES)
        if app.clone_database not in CLONE_DATABASES:
            yield ("app", "clone_database"), _one_of(app.clone_database, CLONE_DATABASES)
    rep, shard = level.replication, level.sharding
    if rep is not None:
        if not _can_be_two_tier(level):
            yield ("replication",), texts.NEEDS_TWO_TIER.format(table="replication",
                                                                why=texts.REPLICAS_NEED_DB_BOX)
        if rep.read_routing not in ROUTINGS:
            yield ("replication", "read_routing"), _one_of(rep.read_routing, ROUTINGS)
    if shard is not None:
        if rep is not None:
            # the engine has no model of sharded replicas yet; refuse rather than half-build it
            yield ("sharding",), texts.SHARDING_AND_REPLICATION
        elif not _can_be_two_tier(level):
            yield ("sharding",), texts.NEEDS_TWO_TIER.format(table="sharding", why=texts.SHARDS_NEED_DB_BOX)
        if shard.key not in SHARD_KEYS:
            yield ("sharding", "key"), _one_of(shard.key, SHARD_KEYS)
    cache = level.cache
    if cache is not None:
        if not _can_be_two_tier(level):
            yield ("cache",), texts.NEEDS_TWO_TIER.format(table="cache", why=texts.CACHE_NEEDS_DB_BOX)
        if cache.policy not in CACHE_POLICIES:
            yield ("cache", "policy"), _one_of(cache.policy, CACHE_POLICIES)
    ingest = level.ingest
    if ingest is not None:
        if not _can_be_two_tier(level):
            yield ("ingest",), texts.NEEDS_TWO_TIER.format(table="ingest", why=texts.INGEST_NEEDS_DB_BOX)
        for key, value, words in (("backoff", ingest.backoff, BACKOFFS), ("jitter", ingest.jitter, JITTERS),
                                  ("lb_algorithm", ingest.lb_algorithm, TCP_ALGORITHMS)):
            if value not in words:
                yield ("ingest", key), _one_of(value, words)


def _scaling_problems(level: Level) -> Iterator[tuple[FieldPath, str]]:
    """The auto scaling group: it registers its instances with a balancer, it starts with the
    web boxes the level starts with, and its fields agree with each other (see
    :mod:`scaleout_tui.content.asg`, which the build step applies to the player's knobs too)."""
    group = level.autoscaling
    if group is None:
        return
    if level.balancer is None:
        yield ("autoscaling",), texts.ASG_WITHOUT_BALANCER
    if group.policy not in POLICIES:
        yield ("autoscaling", "policy"), _one_of(group.policy, POLICIES)
    if group.metric not in SCALING_METRICS:
        yield ("autoscaling", "metric"), _one_of(group.metric, SCALING_METRICS)
    for direction in ("scale_up", "scale_down"):
        rules = getattr(group.behavior, direction)
        rules_at: FieldPath = ("autoscaling", "behavior", direction)
        if rules.select_policy not in HPA_SELECT:
            yield (*rules_at, "select_policy"), _one_of(rules.select_policy, HPA_SELECT)
        for i, policy in enumerate(rules.policies or ()):
            if policy.type not in HPA_POLICY_TYPES:
                yield (*rules_at, "policies", i, "type"), _one_of(policy.type, HPA_POLICY_TYPES)
    if group.desired != level.topology.web_count:
        yield ("autoscaling", "desired"), texts.ASG_WEB_COUNT.format(got=group.desired,
                                                                     count=level.topology.web_count)
    for where, message in group_problems(scaling_spec(group)):
        yield ("autoscaling", *where), message
    for i, action in enumerate(group.scheduled):
        for key, t in (("at", action.at), ("until", action.until)):
            if t is not None and t >= level.duration_s:
                yield ("autoscaling", "scheduled", i, key), texts.AFTER_END.format(
                    got=show_number(t), end=show_number(level.duration_s))


def _injection_problems(level: Level) -> Iterator[tuple[FieldPath, str]]:
    seen: dict[str, int] = {}
    for i, kind in enumerate(level.injections):
        if kind not in FAILURE_KINDS:
            yield ("injections", i), _one_of(kind, FAILURE_KINDS)
        elif kind in seen:
            yield ("injections", i), texts.DUPLICATE.format(got=kind, first=f"injections[{seen[kind]}]")
        seen.setdefault(kind, i)


def _traffic_problems(level: Level) -> Iterator[tuple[FieldPath, str]]:
    t = level.traffic
    if t.distribution not in DISTRIBUTIONS:
        yield ("traffic", "distribution"), _one_of(t.distribution, DISTRIBUTIONS)
    if bool(t.curve) == (t.series is not None):
        yield ("traffic", "series") if t.curve else ("traffic",), texts.CURVE_OR_SERIES
    if t.curve and t.curve[0][0] != 0:
        yield ("traffic", "curve", 0), texts.CURVE_START.format(got=show_number(t.curve[0][0]))
    for i in range(1, len(t.curve)):
        if t.curve[i][0] <= t.curve[i - 1][0]:
            yield ("traffic", "curve", i), texts.CURVE_ORDER.format(got=show_number(t.curve[i][0]),
                                                                    before=show_number(t.curve[i - 1][0]))
    for i, s in enumerate(t.spikes):
        if level.load_tests:  # the closed-loop clients are the whole load: nothing multiplies a curve
            yield ("traffic", "spikes", i), texts.LOAD_TESTS_SPIKE
        elif s.at >= level.duration_s:
            yield ("traffic", "spikes", i, "at"), texts.AFTER_END.format(got=show_number(s.at),
                                                                         end=show_number(level.duration_s))
    seen: dict[str, int] = {}
    for i, k in enumerate(t.kinds):
        if k.name not in KINDS:
            yield ("traffic", "kinds", i, "name"), _one_of(k.name, KINDS)
        elif k.name in seen:
            yield ("traffic", "kinds", i, "name"), texts.DUPLICATE.format(
                got=k.name, first=f"traffic.kinds[{seen[k.name]}]")
        seen.setdefault(k.name, i)


def _scenario_problems(level: Level, base: Path) -> Iterator[tuple[FieldPath, str]]:
    """A named scenario exists in the library, shapes open traffic only, and a rate series file
    reads (its own problem, with its file and line, inside the message)."""
    t = level.traffic
    if t.scenario is not None:
        if t.scenario not in scenario_names():
            yield ("traffic", "scenario"), unknown_scenario(t.scenario)
        elif level.load_tests:
            yield ("traffic", "scenario"), texts.SCENARIO_WITH_LOAD_TESTS
    if t.series is not None:
        try:
            series = read_series(series_path(t.series, base))
        except LevelError as e:
            yield ("traffic", "series", "file"), texts.SERIES_PROBLEM.format(problem=e)
        else:
            yield from _load_problems(level, series.peak * t.series.scale)
    elif t.curve:
        yield from _load_problems(level, max(v for _, v in t.curve))


#: What one run may ask of the engine, so that a level validates only if it runs in minutes and
#: in memory: every tick costs about half a millisecond however quiet, a tick's arrivals are held
#: as arrays (about 100 bytes a request), and the engine moves some 3 million requests a second.
#: ``tick_s = 0.01`` over a day was 8.6 million ticks (14 minutes of nothing on screen); a 1 M
#: req/s curve with a x1000 spike asked for arrays of 10^8 requests and died after 6 minutes.
MAX_TICKS = 1_000_000
MAX_TICK_REQUESTS = 1_000_000
MAX_RUN_REQUESTS = 1_000_000_000


def _load_problems(level: Level, base_peak: float) -> Iterator[tuple[FieldPath, str]]:
    """The run's cost, from the level's own numbers: its ticks, and an upper bound on its
    arrivals (the base peak times every spike's factor, as if they all overlapped)."""
    ticks = level.duration_s / level.engine.tick_s
    if ticks > MAX_TICKS:
        yield ("engine", "tick_s"), texts.TOO_MANY_TICKS.format(
            ticks=f"{ticks:,.0f}", most=f"{MAX_TICKS:,}")
    if level.load_tests:  # closed-loop clients: their concurrency bounds the load, not a curve
        return
    peak = base_peak
    for s in level.traffic.spikes:
        peak *= max(s.factor, 1.0)
    per_tick = peak * level.engine.tick_s
    if per_tick > MAX_TICK_REQUESTS:
        yield ("traffic",), texts.TOO_MANY_PER_TICK.format(
            peak=f"{peak:,.0f}", per_tick=f"{per_tick:,.0f}", most=f"{MAX_TICK_REQUESTS:,}")
    elif peak * level.duration_s > MAX_RUN_REQUESTS:
        yield ("traffic",), texts.TOO_MANY_REQUESTS.format(
            total=f"{peak * level.duration_s:,.0f}", most=f"{MAX_RUN_REQUESTS:,}")


def _scenario_knob_problems(level: Level, i: int) -> Iterator[tuple[FieldPath, str]]:
    """A ``traffic.scenario`` knob: every choice a library scenario, once; the default the
    level's own scenario (``steady`` when it names none)."""
    k = level.knobs[i]
    known = scenario_names()
    if level.load_tests:
        yield ("knobs", i, "param"), texts.SCENARIO_WITH_LOAD_TESTS
    firsts: dict[str, int] = {}
    for j, c in enumerate(k.choices):
        if c not in known:
            yield ("knobs", i, "choices", j), unknown_scenario(c)
        elif c in firsts:
            first = f"knobs[{i}].choices[{firsts[c]}]"
            yield ("knobs", i, "choices", j), texts.DUPLICATE.format(got=c, first=first)
        firsts.setdefault(c, j)
    start = level.traffic.scenario or STEADY
    if k.default not in k.choices:
        yield ("knobs", i, "default"), _one_of(k.default, k.choices)
    elif k.default != start:
        yield ("knobs", i, "default"), texts.SCENARIO_KNOB_DEFAULT.format(start=start, got=k.default)


def _load_test_problems(level: Level) -> Iterator[tuple[FieldPath, str]]:
    for i, run in enumerate(level.load_tests):
        if run.start >= level.duration_s:
            yield ("load_tests", i, "start"), texts.AFTER_END.format(got=show_number(run.start),
                                                                     end=show_number(level.duration_s))


def _start_value(level: Level, param: str) -> tuple[str, str]:
    """What the start topology says for a size or layout knob: (field name, value)."""
    topo = level.topology
    if param == "web.size":
        return "topology.web_size", topo.web_size
    if param == "db.size":
        if topo.db_size is None:
            return "topology.web_size", topo.web_size
        return "topology.db_size", topo.db_size
    return "topology.layout", topo.layout


def _knob_problems(level: Level, catalog: Mapping[str, InstanceType]) -> Iterator[tuple[FieldPath, str]]:
    ids: dict[str, int] = {}
    params: dict[str, str] = {}
    for i, k in enumerate(level.knobs):
        if k.id in ids:
            yield ("knobs", i, "id"), texts.DUPLICATE.format(got=k.id, first=f"knobs[{ids[k.id]}]")
        ids.setdefault(k.id, i)
        yield from _heading_problems(k, i)
        if k.type not in KNOB_TYPES:
            yield ("knobs", i, "type"), _one_of(k.type, KNOB_TYPES)
        if k.param not in KNOB_PARAMS:
            yield ("knobs", i, "param"), _one_of(k.param, KNOB_PARAMS)
            continue
        if k.param in params:
            yield ("knobs", i, "param"), texts.KNOB_TWICE.format(param=k.param, other=params[k.param])
        params.setdefault(k.param, k.id)
        if k.param == "traffic.scenario":
            yield from _scenario_knob_problems(level, i)
            continue
        if k.param in RULES:
            yield from _ruled_knob_problems(level, i)
            continue
        firsts: dict[str, int] = {}
        for j, c in enumerate(k.choices):
            where: FieldPath = ("knobs", i, "choices", j)
            if c in firsts:
                yield where, texts.DUPLICATE.format(got=c, first=f"knobs[{i}].choices[{firsts[c]}]")
            firsts.setdefault(c, j)
            if k.param.endswith(".size") and c not in catalog:
                yield where, _not_a_type(c, catalog)
            elif k.param == "layout" and c not in LAYOUTS:
                yield where, _one_of(c, LAYOUTS)
        if k.default not in k.choices:
            yield ("knobs", i, "default"), _one_of(k.default, k.choices)
            continue
        field, start = _start_value(level, k.param)
        start_valid = start in LAYOUTS if k.param == "layout" else start in catalog
        if start_valid and k.default != start:  # an invalid start is reported once, above
            yield ("knobs", i, "default"), texts.KNOB_DEFAULT_MISMATCH.format(got=k.default, field=field,
                                                                               start=repr(start))


def _heading_problems(k: Knob, i: int) -> Iterator[tuple[FieldPath, str]]:
    """The panel's heading must fit its column at 80×24 (a cut label left players guessing): a
    long ``label`` needs a ``short_label``, which must fit and be shorter than the label."""
    yield from _short_label_problems(("knobs", i), k.label, k.short_label, HEADING_MAX,
                                     texts.LABEL_NEEDS_SHORT)


def _short_label_problems(where: FieldPath, label: str, short_label: str | None, room: int,
                          needs_short: str) -> Iterator[tuple[FieldPath, str]]:
    """One rule for every name a narrow panel shows (a knob's heading, an objective's name): the
    name shown must fit ``room``; a ``short_label`` must also be shorter than the ``label`` it
    stands for (else it only hides the long form)."""
    if short_label is not None:
        if i18n.cells(short_label) > room:
            wide = i18n.cells(short_label)
            yield (*where, "short_label"), texts.SHORT_LABEL_TOO_LONG.format(n=wide, max=room)
        elif i18n.cells(short_label) >= i18n.cells(label):
            yield (*where, "short_label"), texts.SHORT_LABEL_NOT_SHORTER
    elif i18n.cells(label) > room:
        yield (*where, "label"), needs_short.format(n=i18n.cells(label), max=room)


def _ruled_knob_problems(level: Level, i: int) -> Iterator[tuple[FieldPath, str]]:
    """A knob of :data:`~scaleout_tui.content.knobs.RULES`: its tables exist, every choice reads
    as a value in range (two spellings of one number are one choice), and the default equals
    the level's own start value."""
    k = level.knobs[i]
    rule = RULES[k.param]
    missing = [f"[{table}]" for table in rule.needs if getattr(level, table) is None]
    if missing:
        tables = texts.LIST_AND.join(missing)
        yield ("knobs", i, "param"), texts.KNOB_NEEDS.format(param=k.param, tables=tables)
    elif k.param == "web.count" and level.autoscaling is not None:
        # the group owns the count; two controls of one number would fight over it
        yield ("knobs", i, "param"), texts.ASG_WEB_COUNT_KNOB
    firsts: dict[Value, int] = {}
    for j, c in enumerate(k.choices):
        where: FieldPath = ("knobs", i, "choices", j)
        try:
            value: Value = rule.read(c)
        except BadChoice as e:
            yield where, texts.BAD_CHOICE.format(knob=k.id, param=k.param, got=c, reason=e)
            continue
        late = ([t for a in value for t in (a.at, a.until) if t is not None and t >= level.duration_s]
                if isinstance(value, tuple) else [])
        if late:  # a scheduled action (asg.schedule) the run would never reach
            end = show_number(level.duration_s)
            reason = texts.SCHEDULE_AFTER_END.format(got=show_number(late[0]), end=end)
            yield where, texts.BAD_CHOICE.format(knob=k.id, param=k.param, got=c, reason=reason)
        if value in firsts:
            yield where, texts.DUPLICATE.format(got=c, first=f"knobs[{i}].choices[{firsts[value]}]")
        firsts.setdefault(value, j)
    if k.default not in k.choices:
        yield ("knobs", i, "default"), _one_of(k.default, k.choices)
        return
    start = rule.start(level)
    if missing or start is None or not rule.start_is_valid(start):
        return  # reported above: a missing table, or a start word that is not a word
    try:
        default = rule.read(k.default)
    except BadChoice:
        return  # reported as a bad choice
    if default != start:
        yield ("knobs", i, "default"), texts.KNOB_DEFAULT_MISMATCH.format(
            got=k.default, field=rule.field, start=show_value(start))


def _max_choice(level: Level, param: str, start: int) -> int:
    """The largest whole number a ``param`` knob may set, and at least ``start``."""
    rule = RULES[param]
    most = start
    for k in level.knobs:
        if k.param != param:
            continue
        for c in k.choices:
            try:
                value = rule.read(c)
            except BadChoice:
                continue
            if isinstance(value, int):  # a count knob reads to whole numbers only
                most = max(most, value)
    return most


def _targets(level: Level) -> list[str]:
    """Event targets: roles, then box names that exist at the start or can come to exist
    through a knob set before the clock starts (the engine skips a target that is missing
    when its event comes)."""
    webs = _max_choice(level, "web.count", level.topology.web_count)
    if level.autoscaling is not None:  # a larger desired or minimum size starts more web boxes
        webs = max(_max_choice(level, "asg.desired", webs), _max_choice(level, "asg.min_size", webs))
    names = [f"web-{n}" for n in range(1, webs + 1)]
    roles = ["web", "db"]
    if level.sharding is not None:  # the first shard is the db-1 box every two-tier level has
        dbs = _max_choice(level, "db.shards", level.sharding.shards)
        names += [f"db-{n}" for n in range(1, dbs + 1)]
    elif _can_be_two_tier(level):
        names.append("db-1")
    if level.balancer is not None:
        roles.append("lb")
        lbs = _max_choice(level, "lb.count", level.balancer.count)
        names += [f"lb-{n}" for n in range(1, lbs + 1)]
    if level.sessions is not None and (level.sessions.store == "shared" or any(
            k.param == "session.store" and "shared" in k.choices for k in level.knobs)):
        roles.append("session")
        names.append("cache-1")
    if level.cache is not None:  # the engine's look-aside cache box (cachegate.py)
        roles.append("cache")
        names.append("redis-1")
    if level.ingest is not None:  # the ingest tier's comm servers and its L4 balancer nodes
        roles += ["comm", "tcp-lb"]
        comms = _max_choice(level, "ingest.comm_count", level.ingest.comm_count)
        names += [f"comm-{n}" for n in range(1, comms + 1)]
        standby = level.ingest.standby or any(k.param == "ingest.standby" and "on" in k.choices
                                              for k in level.knobs)
        names += ["tcp-lb-1", "tcp-lb-2"] if standby else ["tcp-lb-1"]
    if level.replication is not None:
        replicas = _max_choice(level, "db.replicas", level.replication.replicas)
        if replicas:
            roles.append("replica")
            names += [f"replica-{n}" for n in range(1, replicas + 1)]
    return roles + names


def _event_problems(level: Level) -> Iterator[tuple[FieldPath, str]]:
    targets = _targets(level)
    for i, e in enumerate(level.events):
        if e.kind not in EVENT_KINDS:
            yield ("events", i, "kind"), _one_of(e.kind, EVENT_KINDS)
        elif e.kind in GOTCHA_KINDS and level.app is None:
            yield ("events", i, "kind"), texts.GOTCHA_NEEDS_APP.format(kind=e.kind)
        elif e.kind == "clone" and not _can_be_two_tier(level):
            yield ("events", i, "kind"), texts.CLONE_NEEDS_TWO_TIER
        elif e.kind in APP_FAULTS and (e.target == "lb" or e.target.startswith("lb-")):
            # the engine would set a fault no request ever meets: refuse it here
            yield ("events", i, "kind"), texts.FAULT_ON_BALANCER.format(kind=e.kind, target=e.target)
        elif e.kind in APP_FAULTS and e.target.startswith(("comm", "tcp-lb")):
            yield ("events", i, "kind"), texts.FAULT_ON_INGEST.format(kind=e.kind, target=e.target)
        elif e.factor is not None and e.kind != "slow":
            yield ("events", i, "factor"), texts.FACTOR_NOT_SLOW.format(kind=e.kind)
        if e.at >= level.duration_s:
            yield ("events", i, "at"), texts.AFTER_END.format(got=show_number(e.at),
                                                              end=show_number(level.duration_s))
        if e.target not in targets:
            yield ("events", i, "target"), texts.DANGLING_BOX.format(got=e.target, what=", ".join(targets))


def _objective_problems(level: Level) -> Iterator[tuple[FieldPath, str]]:
    ids: dict[str, int] = {}
    for i, o in enumerate(level.objectives):
        if o.id in ids:
            yield ("objectives", i, "id"), texts.DUPLICATE.format(got=o.id, first=f"objectives[{ids[o.id]}]")
        ids.setdefault(o.id, i)
        yield from _short_label_problems(("objectives", i), o.label, o.short_label, OBJECTIVE_LABEL_MAX,
                                         texts.OBJECTIVE_LABEL_NEEDS_SHORT)
        if o.metric not in METRICS:
            yield ("objectives", i, "metric"), _one_of(o.metric, METRICS)
        if o.op not in OPS:
            yield ("objectives", i, "op"), _one_of(o.op, OPS)
            continue
        bounds = (("target", o.target), ("stretch", o.stretch))
        unattainable = {name: _unattainable(o.metric, o.op, bound) if o.metric in METRICS else None
                        for name, bound in bounds if bound is not None}
        if target_problem := unattainable.get("target"):
            yield ("objectives", i, "target"), target_problem
        if stretch_problem := unattainable.get("stretch"):
            yield ("objectives", i, "stretch"), stretch_problem
        elif o.stretch is not None and (o.stretch > o.target if o.op == "<=" else o.stretch < o.target):
            yield ("objectives", i, "stretch"), texts.STRETCH_LOOSER.format(
                stretch=show_number(o.stretch), target=show_number(o.target), op=o.op)


#: Metrics that are shares of a whole: no run takes them past 100.
PERCENT_METRICS = frozenset(m for m in METRICS if m.endswith("_pct"))


def _unattainable(metric: str, op: str, bound: float) -> str | None:
    """Why no run could meet ``metric op bound``, or None. Every metric is a count, a time, a cost
    or a share, so none is below 0, and a share is never above 100: "p95 <= -1" or "availability
    >= 200" would make a level nobody can win, which validate must say rather than the debrief."""
    shown = show_number(bound)  # (NaN and infinity never get here: the schema refuses them)
    if op == "<=" and bound < 0.0:
        return texts.UNATTAINABLE_BELOW_ZERO.format(op=op, bound=shown)
    if op == ">=" and metric in PERCENT_METRICS and bound > 100.0:
        return texts.UNATTAINABLE_ABOVE_100.format(op=op, bound=shown)
    return None

