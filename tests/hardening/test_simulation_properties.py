"""Properties of the simulation under random play: conservation, determinism, signs, finiteness.

Why random command sequences: the tests next to each mechanism check what a careful player does.
A real player (or a classroom) presses anything at any time: resizes a box that is booting,
shrinks a group below its minimum, crashes the database and repairs it twice, turns sticky
sessions on in a level without a balancer. Each example takes a real level (shortened to at most
45 s of simulated time, so examples stay tiny), draws a sequence of timed commands from the
engine's own vocabulary (every knob choice of the level, every knob parameter with in- and
out-of-range values, failure drills on the boxes that exist at that moment, repairs) and checks
after each command:

* **conservation**: every request that arrived is completed, failed (by some cause) or still in
  flight;
* **signs**: costs, counts, queue lengths, rates are never negative;
* **no NaN or infinity reaches a gauge**: every number of the snapshot the dashboard renders is
  finite (the per-second latency series may hold NaN for a second with no completed request,
  which the charts draw as a gap; never an infinity);

and at the end **determinism**: replaying the commands the simulation recorded (only the ones it
accepted), at the times it recorded them, with the same seed, gives the same digest. A command
the engine refuses must therefore leave no trace.

A refused command raises :class:`CommandError` with a reason; any other exception fails the test.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Iterator
from functools import cache
from typing import Any

import msgspec
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scaleout_tui.content import find_level, load_level
from scaleout_tui.content.catalog import load_catalog_default
from scaleout_tui.content.knobs import BadChoice, read_knob
from scaleout_tui.content.schema import KNOB_PARAMS, Level
from scaleout_tui.engine import Command, CommandError, Simulation
from scaleout_tui.engine.failures import FAILURE_KINDS
from scaleout_tui.engine.snapshot import Snapshot, take
from scaleout_tui.game.session import Session
from scaleout_tui.game.texts import REFUSALS, refusal
from tests.power import power

LEVELS = ("01-single-server", "02-two-tiers", "03-load-balancer", "04-sessions", "05-shared-storage",
          "06-replicas", "07-sharding", "08-autoscaling")
QUICK = 20
#: 700 + 300 = 1,000 examples in the slow run under ``make stress`` (tests/power.py), a third of
#: that in the everyday suite; the replay test runs each play twice
FULL_INVARIANTS = power(240, 700)
FULL_REPLAY = power(100, 300)
#: latency series: NaN marks a second in which nothing completed (a gap in the chart)
GAP_SERIES = frozenset({"p50_ms", "p95_ms", "p99_ms"})
#: values a player never offers but a bad knob file or a script might send
ODD_VALUES: tuple[str | float | int, ...] = (
    "", "0", "-1", "1", "2", "3", "5", "8", "64", "65", "1e9", "nan", "inf", "-inf", "on", "off", "yes",
    "none", "garbage", "m5.large", "t3.micro", "two-tier", "single", "round_robin", "shared", "object",
    "user_hash", "hpa", "step", "target", "simple", "3@30", "6@0", "99@10", "1@", 0, -5, 2.5,
    float("nan"), float("inf"),
)
ROLES = ("web", "db", "lb", "session", "replica")


def _profile(examples: int) -> settings:
    return settings(max_examples=examples, derandomize=True, database=None, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow], print_blob=True)


@cache
def _level(level_id: str) -> Level:
    return load_level(find_level(level_id))


@cache
def _catalog() -> Any:
    return load_catalog_default()


# ---- drawing a play --------------------------------------------------------------------------------
@dataclasses.dataclass(frozen=True)
class Play:
    level_id: str
    seed: int
    duration_s: int
    # (seconds to wait first, command); a target of "#n" means "the n-th live box, modulo"
    steps: tuple[tuple[float, str, str | float | int], ...]


@st.composite
def plays(draw: st.DrawFn, levels: tuple[str, ...] = LEVELS) -> Play:
    level_id = draw(st.sampled_from(levels))
    level = _level(level_id)
    knob_commands = [(k.param, c) for k in level.knobs for c in k.choices]
    command = st.one_of(
        st.sampled_from(knob_commands) if knob_commands else st.nothing(),
        st.tuples(st.sampled_from(KNOB_PARAMS), st.sampled_from(ODD_VALUES)),
        st.tuples(st.sampled_from([f"inject.{k}" for k in FAILURE_KINDS] + ["repair"]),
                  st.one_of(st.sampled_from(ROLES), st.integers(0, 20).map(lambda n: f"#{n}"))),
        st.tuples(st.sampled_from(["inject.reboot", "web.colour", "nonsense", "asg.nothing"]),
                  st.just("web-1")),
    )
    steps = draw(st.lists(st.tuples(st.sampled_from([0.0, 0.5, 1.0, 3.0, 7.5, 15.0, 30.0]), command),
                          max_size=12))
    return Play(level_id, draw(st.integers(0, 2**31)), draw(st.sampled_from([10, 20, 30, 45])),
                tuple((wait, param, value) for wait, (param, value) in steps))


def _session(play: Play) -> Session:
    level = msgspec.structs.replace(_level(play.level_id), duration_s=play.duration_s)
    return Session(level, _catalog(), seed=play.seed)


def _resolve(sim: Simulation, value: str | float | int) -> str | float | int:
    """"#n" -> the name of the n-th live box (so drills hit boxes that exist right now)."""
    if isinstance(value, str) and value.startswith("#"):
        live = sim.live_boxes
        return live[int(value[1:]) % len(live)].name if live else "web-1"
    return value


def _command(sim: Simulation, param: str, value: str | float | int) -> Command:
    """The command a player's action becomes: a knob's text read by the content layer's one
    parser (which may refuse it), a drill's target as a box name, anything else as it came."""
    if param in KNOB_PARAMS:
        return Command(param, read_knob(param, str(value), _catalog()))
    return Command(param, str(_resolve(sim, value)))


# ---- the checks ------------------------------------------------------------------------------------
def check_conserved(sim: Simulation) -> None:
    m = sim.metrics
    failed = int(m.total_errors.sum())
    assert m.arrived == m.completed + failed + sim.data.in_flight, (
        f"t={sim.now}: arrived {m.arrived} != completed {m.completed} + failed {failed} "
        f"+ in flight {sim.data.in_flight}")


def _numbers(value: Any, where: str) -> Iterator[tuple[str, float]]:
    """Every number inside a snapshot part (dataclasses, tuples, dicts), with its path."""
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return
    if isinstance(value, int | float):
        yield where, float(value)
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for f in dataclasses.fields(value):
            yield from _numbers(getattr(value, f.name), f"{where}.{f.name}")
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from _numbers(v, f"{where}[{k!r}]")
    elif isinstance(value, tuple | list):
        for i, v in enumerate(value):
            yield from _numbers(v, f"{where}[{i}]")


def check_snapshot(snap: Snapshot) -> None:
    """Finite and non-negative, everywhere a gauge, a box, a chart or a total reads it."""
    for part in ("gauges", "totals", "boxes", "services", "capacity", "scaling", "pending"):
        for where, x in _numbers(getattr(snap, part), part):
            assert math.isfinite(x), f"{where} = {x}"
            # a shard's share is -1 for "not a shard"; every other number is a count, a rate,
            # a time, a price or a percentage
            if not where.endswith(".shard_share"):
                assert x >= 0, f"{where} = {x}"
    for name, values in snap.series.items():
        for i, x in enumerate(values):
            if name in GAP_SERIES and math.isnan(x):
                continue
            assert math.isfinite(x) and x >= 0, f"series[{name!r}][{i}] = {x}"
    for where, x in _numbers(snap.log, "log"):
        assert math.isfinite(x), f"{where} = {x}"
    for b in snap.boxes:
        assert 0.0 <= b.cpu_pct <= 100.0, b
    g, t = snap.gauges, snap.totals
    assert 0.0 <= g.error_pct <= 100.0
    assert t.failed == sum(n for _, n in t.errors)
    assert t.arrived == t.completed + t.failed + t.in_flight


def check_result(session: Session) -> None:
    """The objectives panel reads these: finite, and never negative."""
    for o in session.result().objectives:
        assert math.isfinite(o.value) and o.value >= 0, o


def run(play: Play, checked: bool = True) -> Simulation:
    session = _session(play)
    sim = session.sim
    for wait, param, value in play.steps:
        session.advance(wait)
        try:
            sim.apply(_command(sim, param, value))
        except BadChoice as e:
            assert str(e), "the content layer says why it cannot read the value"
        except CommandError as e:
            assert refusal(e) and e.code in REFUSALS, "a refusal has a code the game words"
        if checked:
            check_conserved(sim)
            check_snapshot(take(sim))
    session.advance(play.duration_s)
    if checked:
        check_conserved(sim)
        check_snapshot(take(sim))
        check_result(session)
    return sim


def replay(play: Play, commands: list[tuple[float, Command]]) -> Simulation:
    """A fresh run that applies the recorded commands at their recorded times."""
    session = _session(play)
    sim = session.sim
    for at, cmd in commands:
        sim.advance(at - sim.now)
        assert abs(sim.now - at) < 1e-9, (sim.now, at)
        sim.apply(cmd)
    sim.run()
    return sim


def check_replay(play: Play, checked: bool = False) -> None:
    sim = run(play, checked)
    again = replay(play, list(sim.commands))
    assert again.commands == sim.commands
    assert again.digest() == sim.digest(), "same seed and commands, different run"


# ---- the tests ---------------------------------------------------------------------------------------
@_profile(QUICK)
@given(plays())
def test_random_play_quick(play: Play) -> None:
    check_replay(play, checked=True)


#: Each slow property runs as two shards, each on every other level, so the suite's two workers
#: share them instead of one worker running a minute-long test alone at the end of the run.
SHARDS = 2


def _check_shard(examples: int, shard: int, body: Callable[[Play], object]) -> None:
    """``body`` on ``examples / SHARDS`` random plays of this shard's levels."""
    @_profile(examples // SHARDS)
    @given(plays(LEVELS[shard::SHARDS]))
    def check(play: Play) -> None:
        body(play)

    check()


@pytest.mark.slow
@pytest.mark.parametrize("shard", range(SHARDS))
def test_random_play_keeps_the_invariants(shard: int) -> None:
    _check_shard(FULL_INVARIANTS, shard, run)


@pytest.mark.slow
@pytest.mark.parametrize("shard", range(SHARDS))
def test_random_play_replays_to_the_same_digest(shard: int) -> None:
    _check_shard(FULL_REPLAY, shard, check_replay)


def test_the_checks_catch_what_they_claim() -> None:
    """Guards against a property that cannot fail: break each invariant by hand."""
    play = Play("03-load-balancer", 1, 20, ((5.0, "inject.crash", "web-1"),))
    sim = run(play)
    sim.metrics.arrived += 1
    with pytest.raises(AssertionError, match="arrived"):
        check_conserved(sim)
    sim.metrics.arrived -= 1
    snap = take(sim)
    bad = dataclasses.replace(snap, gauges=dataclasses.replace(snap.gauges, p95_ms=float("nan")))
    with pytest.raises(AssertionError, match="p95_ms"):
        check_snapshot(bad)
    bad = dataclasses.replace(snap, totals=dataclasses.replace(snap.totals, cost=-0.01))
    with pytest.raises(AssertionError, match="cost"):
        check_snapshot(bad)
    other = replay(dataclasses.replace(play, seed=2), list(sim.commands))
    assert other.digest() != sim.digest()
