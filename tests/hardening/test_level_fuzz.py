"""Fuzz the level loader and ``scaleout validate`` with mutated copies of valid level files.

Why mutate valid files rather than generate random text: random text dies in the TOML parser on
its first line, so it only ever tests one branch. A valid level with one or a few things broken
(a byte flipped, a line gone or doubled, a value swapped for something hostile, a table header
moved) reaches every later stage: the format check, msgspec's schema, the semantic pass and the
line finder. The contract under test is the one the README states: whatever the file, the loader
raises nothing but :class:`LevelError`, and every problem is one line naming the file and a field
or a line. A file the loader accepts must also build into an engine configuration.

Hypothesis runs derandomized and without an example database, so CI sees the same examples on
every machine. The unmarked test runs 300 examples; the ``slow`` one runs 3,000 (10,000 under
``make stress``).
"""

from __future__ import annotations

import contextlib
import io
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from scaleout_tui import cli
from scaleout_tui import texts as cli_texts
from scaleout_tui.content import LevelError, load_level, validate_file
from scaleout_tui.content.build import build_config
from scaleout_tui.content.catalog import load_catalog_default
from scaleout_tui.engine import Simulation
from tests.power import power

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "tests" / "content" / "fixtures"
SEEDS: tuple[tuple[str, str], ...] = tuple(
    (p.stem, p.read_text(encoding="utf-8"))
    for p in sorted((REPO / "levels").glob("*.toml")) + sorted(FIXTURES.glob("*.toml")))

QUICK = 300
#: mutated level files in the slow test: 10,000 under ``make stress`` (tests/power.py)
FULL = power(3_000, 10_000)


def _profile(examples: int) -> settings:
    return settings(max_examples=examples, derandomize=True, database=None, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
                    print_blob=True)


# ---- what to put into a file -----------------------------------------------------------------------
#: values a TOML author (or a bad merge) might put where another value belongs
HOSTILE_VALUES = (
    "nan", "-nan", "inf", "-inf", "+inf", "1e400", "-1e400", "0", "-0", "-1", "0.0", "1e-400",
    "9223372036854775807", "9223372036854775808", "-9223372036854775809", "1" * 400, "0x7fffffff",
    "0o777", "0b101", "1_000", "true", "false", '""', '" "', '"\\u0000"', '"\\n"', "'x'",
    '"""a\nb"""', "1979-05-27T07:32:00Z", "1979-05-27", "07:32:00", "[]", "[[]]", "[1, 'a']",
    "{}", "{ a = 1 }", "[" * 40 + "]" * 40, "{a=" * 30 + "1" + "}" * 30, '"' + "x" * 5000 + '"',
    '"m5.large"', '"two-tier"', '"web-9"', '"p95"', '"round_robin"', "[[0, 10]]", "[[0, 10], [0, 20]]",
    # issue 15's shapes: a terminal escape in a text, a device or FIFO as a series file, effective
    # loads past what the engine can run (rate x spike x scale, ticks x duration), objectives no
    # run can meet (a p95 under zero, more than 100 % success)
    '"\u001b]0;pwned\u0007\u001b[2J"', '"\u009b31m"', '"close [/] and [bold"', '"/dev/zero"', '"/dev/stdin"',
    '"../../../../etc/passwd"', "1000000", "1e300", "0.01", "200.0", "-1.0", "86400",
    "[[0, 1000000], [86400, 1000000]]",
)
STRUCTURE_LINES = (
    "[engine]", "[topology]", "[[knobs]]", "[[objectives]]", "[[events]]", "[traffic]", "[[traffic.kinds]]",
    "[balancer]", "[health_check]", "[autoscaling]", "[[autoscaling.scheduled]]", "[replication]",
    "[sharding]", "[briefing]", "[x.y.z]", "[[a]]", "]]", "[", "format = 2", "format = 1", 'id = "zz"',
    "injections = []", "duration_s = 60", "= 1", "a.b.c = 1", '"quoted key" = 1', "\t", "# comment",
    "[traffic.series]", 'file = "/dev/zero"', "scale = 1000000", "tick_s = 0.01", "duration_s = 86400",
    "a.b.c.d.e.f.g.h = 1", "[a.b.c.d.e.f]",
)


#: any character but a lone surrogate (a file holds bytes; the byte flips make invalid UTF-8)
_CHARS = st.characters(exclude_categories=("Cs",))


@st.composite
def _mutation(draw: st.DrawFn, text: str) -> str:
    lines = text.split("\n")
    kind = draw(st.sampled_from(["flip", "delete", "duplicate", "value", "structure", "swap", "truncate",
                                 "junk"]))
    i = draw(st.integers(0, len(lines) - 1))
    if kind == "flip":
        data = bytearray(text.encode("utf-8", errors="surrogateescape"))
        if not data:  # an earlier truncation emptied the file
            return chr(draw(st.integers(0, 255)))
        pos = draw(st.integers(0, len(data) - 1))
        data[pos] = draw(st.integers(0, 255))
        return data.decode("utf-8", errors="surrogateescape")
    if kind == "delete":
        del lines[i]
    elif kind == "duplicate":
        lines.insert(i, lines[i])
    elif kind == "value":
        keyed = [n for n, line in enumerate(lines) if "=" in line and not line.lstrip().startswith("#")]
        if keyed:
            i = draw(st.sampled_from(keyed))
        key = lines[i].split("=", 1)[0] if "=" in lines[i] else "x "
        value = draw(st.one_of(st.sampled_from(HOSTILE_VALUES),
                               st.integers().map(str),
                               st.floats(allow_nan=True, allow_infinity=True).map(_toml_float),
                               st.text(_CHARS, max_size=30).map(_toml_string)))
        lines[i] = f"{key}= {value}"
    elif kind == "structure":
        lines.insert(i, draw(st.sampled_from(STRUCTURE_LINES)))
    elif kind == "swap":
        j = draw(st.integers(0, len(lines) - 1))
        lines[i], lines[j] = lines[j], lines[i]
    elif kind == "truncate":
        lines = lines[:i]
    else:
        lines.insert(i, draw(st.text(_CHARS, max_size=40)))
    return "\n".join(lines)


def _toml_float(x: float) -> str:
    if x != x:
        return "nan"
    if x in (float("inf"), float("-inf")):
        return "inf" if x > 0 else "-inf"
    return repr(x)


def _toml_string(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


@st.composite
def mutated_levels(draw: st.DrawFn, seeds: tuple[tuple[str, str], ...] = SEEDS) -> tuple[str, bytes]:
    """(file stem, bytes): a valid level of ``seeds`` with one to three mutations."""
    stem, text = draw(st.sampled_from(seeds))
    for _ in range(draw(st.integers(1, 3))):
        text = draw(_mutation(text))
    return stem, text.encode("utf-8", errors="surrogateescape")


# ---- the checks ------------------------------------------------------------------------------------
_CATALOG = load_catalog_default()


def _write(folder: Path, stem: str, data: bytes) -> Path:
    path = folder / f"{stem}.toml"
    path.write_bytes(data)
    return path


def check_loader(path: Path, compare_load: bool = True) -> list[LevelError]:
    """Every problem names the file and a field or line, and (``compare_load``) load_level raises
    the first of them; an accepted file builds an engine that runs."""
    problems = validate_file(path, _CATALOG)
    for p in problems:
        assert isinstance(p, LevelError), repr(p)
        text = str(p)
        assert "\n" not in text and "\r" not in text, text
        assert text.startswith(str(path)), text
        assert p.field or p.line is not None, f"names neither a field nor a line: {text}"
        assert "Traceback" not in text and "unexpected error" not in text, text
    if problems and compare_load:
        with pytest.raises(LevelError) as info:
            load_level(path, _CATALOG)
        assert info.value == problems[0]
    elif not problems:
        # accepted: it must build into an engine that runs
        level = load_level(path, _CATALOG)
        Simulation(build_config(level, _CATALOG), seed=1).advance(2.0)
    return problems


def check_cli(path: Path, problems: list[LevelError]) -> None:
    """``scaleout validate`` prints exactly those problems (one line each) and the right exit code."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
        code = cli.main(["validate", str(path)])
    lines = out.getvalue().splitlines()
    if problems:
        assert code == 1
        assert lines == [str(p) for p in problems]
    else:
        assert code == 0
        assert lines == [cli_texts.VALID.format(path=path)]


def _run(stem: str, data: bytes, compare_load: bool = True) -> None:
    """Both ways in: the loader's API, then the command line on the same file."""
    with tempfile.TemporaryDirectory(prefix="scaleout-fuzz-") as folder:
        path = _write(Path(folder), stem, data)
        problems = check_loader(path, compare_load)
        event("refused" if problems else "accepted")
        check_cli(path, problems)


# ---- the tests ---------------------------------------------------------------------------------------
def test_every_seed_is_valid() -> None:
    """A seed that is already broken would make every mutation trivially "handled"."""
    assert len(SEEDS) >= 15
    with tempfile.TemporaryDirectory() as folder:
        for stem, text in SEEDS:
            assert check_loader(_write(Path(folder), stem, text.encode())) == [], stem


@_profile(QUICK)
@given(mutated_levels())
def test_mutated_levels_quick(case: tuple[str, bytes]) -> None:
    _run(*case)


#: The many-example run as four shards (2,500 each at full power), each on its own quarter of the
#: seed files, so the suite's workers share them (one 10,000-example test kept one worker busy for
#: minutes while the other sat idle at the end of the run). Together they mutate every seed file.
SHARDS = 4


@pytest.mark.slow
@pytest.mark.parametrize("shard", range(SHARDS))
def test_mutated_levels_many(shard: int) -> None:
    @_profile(FULL // SHARDS)
    @given(mutated_levels(SEEDS[shard::SHARDS]))
    def check(case: tuple[str, bytes]) -> None:
        _run(*case, compare_load=False)  # the quick test compares load_level; here speed matters

    check()
