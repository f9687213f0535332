"""Re-run issue 15's attack: every hostile input, counted as clean, traceback, hang or data loss.

Why a script and not only tests: the tests pin each reproduction one by one; this runs the whole
attack the way a careless or hostile user would, as real processes with real files, and prints
the counts the issue asks for (tried, clean, traceback, hang, data loss). It asserts nothing and
exits 0: the figures are for a person to read (and for the closing note).

Each case is one command in a fresh process with its own ``SCALEOUT_HOME``, a time limit and a
3 GiB address-space limit (a run that asks for more gets ``MemoryError``, which shows as a
traceback, instead of swapping the machine to death). An outcome is

- **hang**: the time limit passed (the whole process group is killed);
- **traceback**: "Traceback" on stdout or stderr, or death by a signal;
- **data loss**: a file the command was given as input changed or vanished;
- **clean**: none of these, an expected exit code, and at most ``max_lines`` lines on stderr
  besides argparse's usage block (a refusal is one line);
- **unclean**: the rest (an unexpected exit code, or a refusal of many lines).

    python bench/attack.py [--only CATEGORY ...] [--verbose]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gzip
import hashlib
import json
import os
import resource
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
LEVEL_1 = REPO / "levels" / "01-single-server.toml"
BROKEN = REPO / "tests" / "content" / "broken"
MEMORY_LIMIT = 3 * 1024**3


@dataclass
class Case:
    category: str
    name: str
    argv: list[str]
    #: files the command reads: they must be byte-identical afterwards
    inputs: list[Path] = field(default_factory=list)
    codes: frozenset[int] = frozenset({0, 1, 2})
    timeout: float = 120.0
    max_lines: int = 2


@dataclass
class Outcome:
    case: Case
    verdict: str  # clean | traceback | hang | data loss | unclean
    detail: str = ""


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def _digest(path: Path) -> str | None:
    try:
        if not path.is_file():
            return "special" if path.exists() else None
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def run_case(case: Case, home: Path) -> Outcome:
    before = {p: _digest(p) for p in case.inputs}
    env = {**os.environ, "PYTHONPATH": str(REPO), "SCALEOUT_HOME": str(home)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "scaleout_tui", *case.argv],
        cwd=home,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
        preexec_fn=_limit_memory,
    )
    try:
        out, err = proc.communicate(timeout=case.timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        return Outcome(case, "hang", f"over {case.timeout:.0f} s")
    text = (out + err).decode("utf-8", "replace")
    lost = [str(p) for p, d in before.items() if _digest(p) != d]
    if lost:
        return Outcome(case, "data loss", ", ".join(lost))
    if "Traceback" in text or proc.returncode < 0:
        last = [line for line in text.splitlines() if line.strip()][-1:] or [f"signal {-proc.returncode}"]
        return Outcome(case, "traceback", last[0][:200])
    # argparse's usage block (a "usage:" line and its indented continuations) is not a problem line
    lines = [
        line for line in err.decode("utf-8", "replace").splitlines() if not line.startswith(("usage:", " "))
    ]
    if proc.returncode not in case.codes or len(lines) > case.max_lines:
        return Outcome(case, "unclean", f"exit {proc.returncode}, {len(lines)} stderr lines: {lines[:1]}")
    return Outcome(case, "clean", lines[-1][:160] if lines else f"exit {proc.returncode}")


# ---- the cases ---------------------------------------------------------------------------------
def _level(folder: Path, name: str, *changes: tuple[str, str], extra: str = "") -> Path:
    """Level 1 with ``changes`` made (each must apply) and ``extra`` appended, as ``name``."""
    text = LEVEL_1.read_text(encoding="utf-8")
    for old, new in changes:
        if old not in text:
            raise SystemExit(f"attack: {old!r} is not in level 1 any more: update bench/attack.py")
        text = text.replace(old, new, 1)
    path = folder / "01-single-server.toml" if name == "same-id" else folder / name / "01-single-server.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text + extra, encoding="utf-8")
    return path


CURVE = "curve = [[0, 40], [600, 60], [1200, 150], [1800, 150]]"


def level_cases(work: Path) -> list[Case]:
    """The broken corpus and issue 15's hostile levels, each through ``validate`` and ``run``."""
    fifo = work / "series.fifo"
    os.mkfifo(fifo)
    (work / "site.rate").write_text("# rate series\n" + "\n".join(["30"] * 600) + "\n")
    hostile = {
        "series-dev-zero": [(CURVE, '[traffic.series]\nfile = "/dev/zero"')],
        "series-fifo": [(CURVE, f'[traffic.series]\nfile = "{fifo}"')],
        "series-scale-1e6": [(CURVE, f'[traffic.series]\nfile = "{work / "site.rate"}"\nscale = 1000000')],
        "million-rps-x1000-spike": [
            (CURVE, "curve = [[0, 1000000], [1800, 1000000]]"),
            ("factor = 1.5", "factor = 1000"),
        ],
        "hundredth-second-ticks-for-a-day": [
            ("tick_s = 0.5", "tick_s = 0.01"),
            ("duration_s = 1800", "duration_s = 86400"),
        ],
        "escape-in-objective-label": [
            ('label = "p95 latency"', 'label = "\\u001b]0;pwned\\u0007\\u001b[2J"')
        ],
        "p95-target-minus-1": [("target = 300", "target = -1")],
        "markup-in-title": [('title = "Single server"', 'title = "[/] [bold"')],
    }
    cases: list[Case] = []
    for name, changes in hostile.items():
        path = _level(work, name, *changes)
        cases.append(Case("levels", f"validate {name}", ["validate", str(path)], [path]))
        cases.append(Case("levels", f"run {name}", ["run", str(path)], [path]))
    deep = work / "deep" / "01-single-server.toml"
    deep.parent.mkdir()
    deep.write_text(LEVEL_1.read_text() + "\n[" + ".".join(["a"] * 1000) + "]\nx = 1\n")
    cases.append(Case("levels", "validate nested 1000 deep", ["validate", str(deep)], [deep]))
    for path in sorted(BROKEN.glob("*.toml")):
        cases.append(Case("levels", f"validate {path.stem}", ["validate", str(path)], [path]))
    for special in ("/dev/zero", "/dev/null", str(fifo), str(work)):
        cases.append(Case("levels", f"validate {special}", ["validate", special], timeout=30))
        cases.append(Case("levels", f"run {special}", ["run", special], timeout=30))
    return cases


def output_cases(work: Path) -> list[Case]:
    """No command overwrites a file it reads, and --record makes no folder."""
    level = _level(work, "own-level")
    log = work / "access.log"
    log.write_bytes(
        gzip.decompress((REPO / "assets" / "logs" / "sample-access.log.gz").read_bytes())[:200_000]
    )
    return [
        Case("outputs", "run L --record L", ["run", str(level), "--record", str(level)], [level]),
        Case(
            "outputs",
            "run L --policy P --record P",
            ["run", "01-single-server", "--policy", str(level), "--record", str(level)],
            [level],
        ),
        Case("outputs", "trace import LOG -o LOG", ["trace", "import", str(log), "-o", str(log)], [log]),
        Case(
            "outputs",
            "--record into a missing folder",
            ["run", "01-single-server", "--record", str(work / "nonexistent" / "dir" / "x.jsonl")],
        ),
        Case("outputs", "--record onto a folder", ["run", "01-single-server", "--record", str(work)]),
        Case("outputs", "--record /dev/full", ["run", "01-single-server", "--record", "/dev/full"]),
    ]


def cli_cases() -> list[Case]:
    """Hostile arguments: each a usage error (2) or a refusal (1), in a line or two."""
    argvs = [
        ["run", "01-single-server", "--seed", "-1"],
        ["run", "01-single-server", "--seed", "1e400"],
        ["run", "01-single-server", "--seed", "9" * 5000],
        ["run", "01-single-server", "--set", "size"],
        ["run", "01-single-server", "--set", "size=\x1b[2J"],
        ["run", "01-single-server", "--set", "=x"],
        ["run", "no-such-level"],
        ["run", "../../../../etc/passwd"],
        ["run", "\x1b]0;pwned\x07"],
        ["run", "01-single-server", "--seeds", "0-999999999"],
        ["run", "01-single-server", "--jobs", "-3"],
        ["run", "01-single-server", "--policy", "/dev/zero"],
        ["run", "01-single-server", "--policy", "/nope"],
        ["run", "--replay", "/dev/zero"],
        ["run", "--replay", "/etc"],
        ["replay", "/dev/null"],
        ["knobs", "nope"],
        ["knobs", "\x7f\x1b[2J"],
        ["validate"],
        ["frobnicate"],
        ["serve", "--host", ""],
        ["serve", "--port", "99999"],
        ["serve", "--port", "-1"],
        ["trace", "import"],
        ["trace", "import", "/dev/zero", "-o", "x.rate"],
        ["trace", "import", "/nope.log", "-o", "x.rate"],
        ["levels", "extra"],
        ["--lang"],
        ["run", "01-single-server", "--json", "--json"],
    ]
    return [Case("cli", " ".join(a)[:60].encode("unicode_escape").decode(), a, timeout=60) for a in argvs]


def recording_cases(work: Path) -> list[Case]:
    """A real recording, then each way it can be broken, through ``run --replay`` and ``replay``."""
    base = work / "base.jsonl"
    env = {**os.environ, "PYTHONPATH": str(REPO), "SCALEOUT_HOME": str(work)}
    subprocess.run(
        [sys.executable, "-m", "scaleout_tui", "run", "01-single-server", "--record", str(base)],
        env=env,
        check=True,
        capture_output=True,
    )
    lines = base.read_text().splitlines()
    header = json.loads(lines[0])

    def variant(name: str, text: str | bytes) -> Path:
        path = work / f"{name}.jsonl"
        path.write_bytes(text if isinstance(text, bytes) else text.encode())
        return path

    def with_header(**changes: object) -> str:
        return "\n".join([json.dumps({**header, **changes}), *lines[1:]]) + "\n"

    def with_line(line: str) -> str:
        return "\n".join([*lines[:2], line, *lines[2:]]) + "\n"

    files = {
        "seed-minus-1": with_header(seed=-1),
        "seed-2-64": with_header(seed=2**64),
        "checkpoint-0": with_header(checkpoint_s=0),
        "checkpoint-minus-10": with_header(checkpoint_s=-10),
        "tick-0": with_header(tick_s=0),
        "level-missing": with_header(level="99-nope", level_file="/nope/99-nope.toml"),
        "header-only": lines[0] + "\n",
        "empty": "",
        "junk": os.urandom(4096),
        "truncated": "".join(lines)[:300],
        "t-nan": with_line('{"type":"command","t":NaN,"name":"size","value":"m5.large"}'),
        "t-backwards": with_line('{"type":"command","t":-5,"name":"size","value":"m5.large"}'),
        "nested-5000": with_line(
            '{"type":"command","t":1,"name":"size","value":' + "[" * 5000 + "]" * 5000 + "}"
        ),
        "value-10mb": with_line(
            json.dumps({"type": "command", "t": 1.0, "name": "size", "value": "x" * 10_000_000})
        ),
        "unknown-knob": with_line('{"type":"command","t":1,"name":"\\u001b[2J","value":"x"}'),
        "bom": "\ufeff" + "\n".join(lines) + "\n",
        "utf16": "\n".join(lines).encode("utf-16"),
        "report-tampered": "\n".join([*lines[:-1], lines[-1].replace('"digest":"', '"digest":"0')]) + "\n",
        "report-broken": "\n".join([*lines[:-1], lines[-1].replace('"won":', '"won":!')]) + "\n",
    }
    from scaleout_tui.recording import RecordingError, open_replay

    cases: list[Case] = []
    for name, text in files.items():
        path = variant(name, text)
        cases.append(Case("recordings", f"run --replay {name}", ["run", "--replay", str(path)], [path]))
        try:  # a recording the game can open opens its replay screen: `replay` is headless only on refusal
            open_replay(path)
        except RecordingError:
            cases.append(Case("recordings", f"replay {name}", ["replay", str(path)], [path], timeout=60))
    return cases


def access_log_cases(work: Path) -> list[Case]:
    """Access logs a stranger could hand over, and hostile --scale/--compress."""
    sample = work / "sample.log"
    sample.write_bytes(
        gzip.decompress((REPO / "assets" / "logs" / "sample-access.log.gz").read_bytes())[:200_000]
    )
    fixtures = REPO / "tests" / "traffic" / "fixtures"
    junk = work / "junk.log"
    junk.write_bytes(("Ошибка подключения к базе данных " * 4 + "\n").encode() * 12_000)
    sparse = work / "sparse.log"
    with sparse.open("wb") as f:
        f.truncate(1024**3)
    long_lines = work / "long-lines.log"
    long_lines.write_bytes(b"x" * 10_000_000 + b"\n" + b"y" * 10_000_000 + b"\n")
    bomb = work / "bomb.log.gz"
    with gzip.open(bomb, "wb", compresslevel=9) as f:
        chunk = b"\0" * (1024 * 1024)
        for _ in range(300):
            f.write(chunk)
    fifo = work / "log.fifo"
    os.mkfifo(fifo)
    empty = work / "empty.log"
    empty.write_bytes(b"")
    logs = {
        "pathological": fixtures / "pathological.log",
        "hostile": fixtures / "hostile.log",
        "junk-1mb": junk,
        "sparse-1gb": sparse,
        "two-10mb-lines": long_lines,
        "gzip-bomb": bomb,
        "fifo": fifo,
        "dev-zero": Path("/dev/zero"),
        "empty": empty,
        "folder": work,
    }
    # an import names up to five junk lines, then how many more it skipped: seven lines with a refusal
    cases = [
        Case(
            "access logs",
            f"import {name}",
            ["trace", "import", str(p), "-o", str(work / f"{name}.rate")],
            [p],
            timeout=60,
            max_lines=7,
        )
        for name, p in logs.items()
    ]
    for flag, value in (
        ("--compress", "1e-300"),
        ("--compress", "1e-8"),
        ("--compress", "1e-6"),
        ("--compress", "0"),
        ("--compress", "nan"),
        ("--scale", "1e300"),
        ("--scale", "-1"),
        ("--scale", "inf"),
    ):
        cases.append(
            Case(
                "access logs",
                f"import {flag} {value}",
                ["trace", "import", str(sample), "-o", str(work / "x.rate"), flag, value],
                [sample],
                timeout=60,
                max_lines=7,
            )
        )
    cases.append(Case("access logs", "trace list after all that", ["trace", "list"]))
    return cases


# ---- the browser mode: websocket sessions against a real `scaleout serve` ----------------------
def browser_outcomes(work: Path) -> list[Outcome]:
    """Sessions a hostile page or a broken client opens; each counts the game processes left."""
    import aiohttp

    sys.path.insert(0, str(REPO))  # the test suite's client helpers (the real websocket client)

    from tests.serve.test_hardening import abort, flood, games, huge_resize, server, tab, wait_until

    outcomes: list[Outcome] = []

    def record(name: str, verdict: str, detail: str = "") -> None:
        outcomes.append(Outcome(Case("browser", name, []), verdict, detail))

    async def foreign(running: object, origin: str) -> str:
        async with aiohttp.ClientSession() as http:
            try:
                async with http.ws_connect(running.url + "/ws", origin=origin):  # type: ignore[attr-defined]
                    return "accepted"
            except aiohttp.WSServerHandshakeError as e:
                return str(e.status)

    async def plain_get(running: object, path: str, headers: dict[str, str] | None = None) -> tuple[int, str]:
        async with aiohttp.ClientSession() as http, http.get(running.url + path, headers=headers) as r:  # type: ignore[attr-defined]
            return r.status, await r.text()

    async def tabs_then(running: object, n: int, how: str) -> None:
        async with contextlib.AsyncExitStack() as stack:
            sockets = [await stack.enter_async_context(tab(running)) for _ in range(n)]  # type: ignore[arg-type]
            for ws in sockets:
                if how == "resize":
                    await huge_resize(ws)
                elif how == "flood":
                    await flood(ws)
                if how != "close":
                    abort(ws)

    def leaked(home: Path) -> list[int]:
        with contextlib.suppress(AssertionError):
            wait_until(lambda: not games(home), 60, "games")
        return games(home)

    with server(work) as (running, home):
        for origin in ("http://evil.example", "null", "http://127.0.0.1:1", "https://127.0.0.1:8000"):
            answer = asyncio.run(foreign(running, origin))
            record(
                f"websocket from {origin}",
                "clean" if answer == "403" and not games(home) else "unclean",
                answer,
            )
        for how, n in (("close", 1), ("resize", 1), ("resize", 3), ("flood", 1), ("flood", 3), ("abort", 10)):
            asyncio.run(tabs_then(running, n, how))
            left = leaked(home)
            record(f"{n} tab(s), {how} then gone", "unclean" if left else "clean", f"{len(left)} games left")
        for path, headers, want in (
            ("/ws", None, 400),
            ("/static/", None, 404),
            ("/static/js/", None, 404),
            ("/", {"Host": "evil.example:8000"}, 0),
        ):
            status, body = asyncio.run(plain_get(running, path, headers))
            ok = status == want if want else "evil.example" not in body
            record(f"GET {path} {headers or ''}".strip(), "clean" if ok else "unclean", f"HTTP {status}")
        asyncio.run(stop_with_a_tab_open(running, tab))
        code, _, err = running.stop(timeout=60, interrupt=False)
        left = leaked(home)
        verdict = (
            "traceback" if "Traceback" in err else ("unclean" if left or code not in (0, 130) else "clean")
        )
        record("Ctrl+C on the server with a tab open", verdict, f"exit {code}, {len(left)} games left")
    return outcomes


async def stop_with_a_tab_open(running: Any, tab: Callable[..., Any]) -> None:
    """Ctrl+C on the server while a tab plays; the tab's websocket closes when the server goes."""
    async with tab(running) as ws:
        running.proc.send_signal(signal.SIGINT)
        with contextlib.suppress(Exception):
            await asyncio.wait_for(ws.receive(), 60)


# ---- the game in a real terminal: keys, pastes, resizes, broken saves --------------------------
def _pty_helpers() -> Any:
    sys.path.insert(0, str(REPO))  # the test suite's pseudo-terminal driver
    from tests.ui import test_terminal_storms as storms

    return storms


def _storm_keys() -> list[bytes]:
    """The keys the suite's key-storm test types (every key the game binds, none that quits)."""
    _pty_helpers()
    from tests.ui.test_key_storms import KEYS

    return KEYS


def _judge_game(term: Any, storms: Any, name: str, category: str) -> Outcome:
    """The game after an ordeal: alive, quiet (not spinning), no traceback, and quits cleanly."""
    case = Case(category, name, [])
    # a burst of keys is worked through first (screens opening and closing): wait until the
    # game uses less than half a core over two seconds, up to 90 s; busier after that is a hang
    started, deadline = time.monotonic(), time.monotonic() + 90
    while term.proc.poll() is None and time.monotonic() < deadline:
        cpu_before, _ = storms.cpu_and_memory(term.proc.pid)
        time.sleep(2.0)
        if term.proc.poll() is None and storms.cpu_and_memory(term.proc.pid)[0] - cpu_before < 1.0:
            break
    settled = time.monotonic() - started
    if term.proc.poll() is not None:
        verdict = "traceback" if b"Traceback" in term.output else "unclean"
        return Outcome(case, verdict, f"the game ended (status {term.proc.returncode})")
    cpu_start, _ = storms.cpu_and_memory(term.proc.pid)
    time.sleep(3.0)
    cpu_end, rss = storms.cpu_and_memory(term.proc.pid)
    if cpu_end - cpu_start > 2.0:
        return Outcome(case, "hang", f"{cpu_end - cpu_start:.1f} s of CPU in 3 s, {rss / 1e6:.0f} MB")
    if not storms.quits(term):
        return Outcome(case, "hang", "Ctrl+Q then y did not end the game with status 0")
    if b"Traceback" in term.output:
        return Outcome(case, "traceback", "a traceback on the screen")
    return Outcome(case, "clean", f"settled in {settled:.0f} s, {rss / 1e6:.0f} MB")


def terminal_outcomes(work: Path) -> list[Outcome]:
    """Resize storms, palette races, undecodable bytes, paste floods and key storms, each on a
    fresh game in a pseudo-terminal, most during a live run."""
    import random

    storms = _pty_helpers()
    rng = random.Random(15)
    keys = _storm_keys()

    def resize_storms(term: Any) -> None:
        for sizes, pause in storms.STORMS:
            for size in sizes:
                storms.resize(term, *size)
                time.sleep(pause)
            time.sleep(1.0)
        storms.resize(term, 120, 40)

    def palette(page: bytes, split: bool) -> Callable[[Any], None]:
        def press(term: Any) -> None:
            os.write(term.master, storms.CTRL_P + (b"" if split else page))
            if split:
                time.sleep(0.02)
                os.write(term.master, page)
            time.sleep(1.0)
            os.write(term.master, b"\x1b")

        return press

    def paste_flood(term: Any) -> None:
        text = "".join(rng.choice("abcdefghij klmnop\n한국어[/]") for _ in range(200_000)).encode()
        os.write(term.master, b"\x1b[200~" + text + b"\x1b[201~")
        time.sleep(2.0)

    def key_storm(term: Any) -> None:
        for _ in range(3000):
            os.write(term.master, rng.choice(keys))
            if rng.random() < 0.01:
                time.sleep(0.01)
        time.sleep(2.0)
        os.write(term.master, b"\x1b\x1b\x1b")  # out of any question or list the keys opened

    def undecodable(term: Any) -> None:
        for chunk in (b"\xe9", b"\xff\xfe", b"caf\xe9 \xc3(", bytes(range(128, 256))):
            os.write(term.master, chunk)
            time.sleep(0.2)

    ordeals: list[tuple[str, bool, Callable[[Any], None]]] = [
        ("resize storms during a run", True, resize_storms),
        ("Ctrl+P then PageUp at once, on the map", False, palette(storms.PAGE_UP, False)),
        ("Ctrl+P then PageDown 20 ms later, on the map", False, palette(storms.PAGE_DOWN, True)),
        ("Ctrl+P then PageDown at once, during a run", True, palette(storms.PAGE_DOWN, False)),
        ("Latin-1 and invalid UTF-8 bytes, on the map", False, undecodable),
        ("Latin-1 and invalid UTF-8 bytes, during a run", True, undecodable),
        ("a 200 kB paste, during a run", True, paste_flood),
        ("3,000 random keys, during a run", True, key_storm),
        ("3,000 random keys, on the map", False, key_storm),
        ("a 1x1 terminal, then resized", False, lambda t: (storms.resize(t, 1, 1), time.sleep(1.0))),
    ]
    outcomes = []
    for name, in_run, ordeal in ordeals:
        home = Path(tempfile.mkdtemp(dir=work))
        term = storms.Terminal(home)
        try:
            if in_run:
                storms.start_a_run(term)
            elif not term.wait_for(b"Campaign"):
                outcomes.append(Outcome(Case("terminal", name, []), "unclean", "the map never showed"))
                continue
            ordeal(term)
            storms.resize(term, 120, 40)
            outcomes.append(_judge_game(term, storms, name, "terminal"))
        finally:
            term.close()
    return outcomes


def saves_outcomes(work: Path) -> list[Outcome]:
    """A broken progress file at start: the game reaches its map, says what it moved aside, and
    the player's bytes survive somewhere (in place, or beside it as ``progress.json.corrupt-*``)."""
    storms = _pty_helpers()
    good = json.dumps({"format": 1, "levels": {}})
    files: dict[str, bytes | None] = {
        "nested 1,000 deep": b"[" * 1000 + b"]" * 1000,
        "a FIFO": None,
        "a byte-order mark": ("\ufeff" + good).encode(),
        "5 MB": b" " * 5_000_000 + good.encode(),
        "junk": os.urandom(2048),
        "empty": b"",
        "truncated": good[:-3].encode(),
        "a newer format": json.dumps({"format": 99, "levels": {}}).encode(),
        "UTF-16": good.encode("utf-16"),
        "a folder": None,
    }
    outcomes = []
    for name, data in files.items():
        home = Path(tempfile.mkdtemp(dir=work))
        path = home / "progress.json"
        if name == "a FIFO":
            os.mkfifo(path)
        elif name == "a folder":
            path.mkdir()
        else:
            path.write_bytes(data or b"")
        term = storms.Terminal(home)
        try:
            if not term.wait_for(b"Campaign", timeout=60):
                verdict = "traceback" if b"Traceback" in term.output else "hang"
                outcomes.append(Outcome(Case("saves", name, []), verdict, "the map never showed"))
                continue
            outcome = _judge_game(term, storms, f"a progress file that is {name}", "saves")
        finally:
            term.close()
        kept = [p for p in home.iterdir() if p.name.startswith("progress.json")]
        if data is not None and not any(p.is_file() and p.read_bytes() == data for p in kept):
            outcome = Outcome(
                outcome.case, "data loss", f"the original bytes are gone: {[p.name for p in kept]}"
            )
        elif data is None and not any(not p.is_file() or p.is_dir() for p in kept):
            outcome = Outcome(outcome.case, "data loss", "the special file is gone")
        outcomes.append(outcome)
    return outcomes


CATEGORIES: dict[str, Callable[[Path], list[Case]]] = {
    "outputs": output_cases,
    "cli": lambda _: cli_cases(),
    "levels": level_cases,
    "recordings": recording_cases,
    "access logs": access_log_cases,
}
#: categories that are not one command each: they run their own sessions and judge them
SESSIONS: dict[str, Callable[[Path], list[Outcome]]] = {
    "browser": browser_outcomes,
    "terminal": terminal_outcomes,
    "saves": saves_outcomes,
}
COLUMNS = ("tried", "clean", "traceback", "hang", "data loss", "unclean")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--only", nargs="*", choices=sorted([*CATEGORIES, *SESSIONS]), help="run these categories only"
    )
    parser.add_argument("--verbose", action="store_true", help="print every case's outcome")
    args = parser.parse_args()
    results: list[Outcome] = []
    started = time.monotonic()

    def show(outcome: Outcome) -> None:
        results.append(outcome)
        if args.verbose or outcome.verdict != "clean":
            print(
                f"  {outcome.verdict:9}  {outcome.case.category}: {outcome.case.name}: {outcome.detail}",
                flush=True,
            )

    with tempfile.TemporaryDirectory(prefix="scaleout-attack-") as tmp:
        for category in [*CATEGORIES, *SESSIONS]:
            if args.only and category not in args.only:
                continue
            work = Path(tmp) / category.replace(" ", "-")
            work.mkdir()
            if category in SESSIONS:
                for outcome in SESSIONS[category](work):
                    show(outcome)
                continue
            for case in CATEGORIES[category](work):
                show(run_case(case, Path(tempfile.mkdtemp(dir=tmp))))
    print(f"\n{'category':14}" + "".join(f"{c:>11}" for c in COLUMNS))
    for category in [c for c in [*CATEGORIES, *SESSIONS] if any(r.case.category == c for r in results)] + [
        "all"
    ]:
        rows = [r for r in results if category in ("all", r.case.category)]
        counts = [len(rows), *(sum(r.verdict == v for r in rows) for v in COLUMNS[1:])]
        print(f"{category:14}" + "".join(f"{n:>11}" for n in counts))
    print(f"\n{len(results)} cases in {time.monotonic() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
