"""The ``scaleout`` command line: exit codes, one line per problem, never a traceback.

Most tests run ``main([...])`` in-process with capsys; the game layer and the UI are replaced by
fakes in ``sys.modules`` so these tests pin the CLI's own contract, not the simulation's numbers.
One test runs ``python -m scaleout_tui`` for real, and one plays the fixture level headless.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import types
from pathlib import Path
from typing import Any

import pytest

import scaleout_tui
from scaleout_tui import cli
from scaleout_tui.content import LevelError
from scaleout_tui.engine import CommandError
from tests.content.corpus import BROKEN, EXPECTED, GOOD, broken_files, make_huge

REPO = Path(scaleout_tui.__file__).resolve().parent.parent

REPORT: dict[str, Any] = {
    "level": "99-good",
    "seed": 7,
    "won": True,
    "stars": 2,
    "objectives": [
        {"id": "p95", "label": "p95 latency", "metric": "latency_p95_ms", "op": "<=", "target": 500.0,
         "stretch": 250.0, "value": 212.345, "met": True},
        {"id": "availability", "label": "Availability", "metric": "availability_pct", "op": ">=",
         "target": 95.0, "stretch": None, "value": 99.5, "met": True},
    ],
    "summary": {
        "requests": 28513, "completed": 28400,
        "errors": {"refused": 0, "queue_full": 100, "timeout": 13},
        "latency_ms": {"mean": 40.1, "p50": 30.25, "p95": 212.345, "p99": 480.0},
        "throughput_rps": 47.3, "cost": 0.0144, "peak_instances": 1,
    },
    "lesson": {},
}


# ---- version, help, usage ----------------------------------------------------------------------
def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["--version"]) == 0
    assert capsys.readouterr().out.strip() == f"scaleout {scaleout_tui.__version__}"


def test_help_exits_zero(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["--help"]) == 0
    out = capsys.readouterr().out
    for command in ("play", "levels", "validate", "run"):
        assert command in out


@pytest.mark.parametrize("argv", [
    ["bogus"], ["validate"], ["run"], ["run", "01-x", "--seed", "abc"], ["run", "01-x", "--seed", "-1"],
    ["run", "01-x", "--set", "novalue"], ["run", "01-x", "--set", "=x"], ["levels", "--wat"],
])
def test_usage_errors_exit_2(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(argv) == 2
    err = capsys.readouterr().err
    assert "usage:" in err and "Traceback" not in err


# ---- play ------------------------------------------------------------------------------------------
@pytest.fixture
def fake_ui(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    calls: list[str] = []
    module = types.ModuleType("scaleout_tui.ui.app")

    def run_app() -> int:
        calls.append("run_app")
        return 0

    module.run_app = run_app  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "scaleout_tui.ui.app", module)
    return calls


@pytest.mark.parametrize("argv", [[], ["play"]])
def test_play_starts_the_app(argv: list[str], fake_ui: list[str]) -> None:
    assert cli.main(argv) == 0
    assert fake_ui == ["run_app"]


def test_play_without_the_ui_is_one_clear_line(monkeypatch: pytest.MonkeyPatch,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setitem(sys.modules, "scaleout_tui.ui.app", None)  # makes the import fail
    assert cli.main([]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "scaleout levels" in err


# ---- levels ----------------------------------------------------------------------------------------
def _level_folder(tmp_path: Path, ids_orders: list[tuple[str, int]]) -> Path:
    text = GOOD.read_text()
    tmp_path.mkdir(parents=True, exist_ok=True)
    for level_id, order in ids_orders:
        (tmp_path / f"{level_id}.toml").write_text(
            text.replace('id = "99-good"', f'id = "{level_id}"').replace("order = 99", f"order = {order}")
            .replace('title = "Fixture"', f'title = "Title {order}"'))
    return tmp_path


def test_levels_lists_id_title_subtitle_in_order(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    folder = _level_folder(tmp_path / "levels", [("02-two-tiers", 2), ("01-single-server", 1)])
    extra = _level_folder(tmp_path / "scenarios", [("99-sandbox", 99), ("90-ab-experiment", 90)])
    monkeypatch.setattr(cli, "levels_dir", lambda: folder)
    monkeypatch.setattr(cli, "scenarios_dir", lambda: extra)
    assert cli.main(["levels"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "Campaign levels:",
        "  01-single-server  Title 1 — Every key once",
        "  02-two-tiers      Title 2 — Every key once",
        "",
        "Sandboxes and scenarios (free play, outside the campaign):",
        "  90-ab-experiment  Title 90 — Every key once",
        "  99-sandbox        Title 99 — Every key once (also `sandbox`)",
    ]


def test_levels_reports_a_broken_level_and_lists_the_rest(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    folder = _level_folder(tmp_path / "levels", [("01-single-server", 1)])
    shutil.copy(BROKEN / "08-out-of-range.toml", folder)
    monkeypatch.setattr(cli, "levels_dir", lambda: folder)
    monkeypatch.setattr(cli, "scenarios_dir", lambda: tmp_path / "none")
    assert cli.main(["levels"]) == 1
    out, err = capsys.readouterr()
    assert out.splitlines() == ["Campaign levels:", "  01-single-server  Title 1 — Every key once"]
    assert err.strip().endswith("08-out-of-range.toml:4: order: must be at most 99 (got 100)")


def test_levels_with_no_levels(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                               capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(cli, "levels_dir", lambda: tmp_path)
    assert cli.main(["levels"]) == 1
    assert "no levels found" in capsys.readouterr().err


# ---- validate --------------------------------------------------------------------------------------
def test_validate_good(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["validate", str(GOOD)]) == 0
    assert capsys.readouterr().out == f"ok  {GOOD}\n"


@pytest.mark.parametrize("path", broken_files(), ids=lambda p: p.stem)
def test_validate_broken(path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    field, count, fragment, line = EXPECTED[path.stem]
    assert cli.main(["validate", str(path)]) == 1
    out, err = capsys.readouterr()
    lines = out.splitlines()
    assert len(lines) == count
    assert all(ln.startswith(f"{path}:" if line is not None else f"{path}") for ln in lines)
    where = f"{path}:{line}: " if line is not None else f"{path}: "
    assert lines[0].startswith(where + (f"{field}: " if field else ""))
    assert fragment in lines[0]
    assert "Traceback" not in out + err


def test_validate_many_paths_and_a_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    huge = make_huge(tmp_path)
    argv = ["validate", str(GOOD), str(tmp_path / "missing.toml"), str(tmp_path), str(BROKEN)]
    assert cli.main(argv) == 1
    lines = capsys.readouterr().out.splitlines()
    expected_count = 1 + 1 + 1 + sum(n for _, n, _, _ in EXPECTED.values())
    assert len(lines) == expected_count
    assert lines[0] == f"ok  {GOOD}"
    assert lines[1] == f"{tmp_path / 'missing.toml'}: no such file"
    assert lines[2].startswith(f"{huge}: the file is too large")


def test_validate_an_empty_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["validate", str(tmp_path)]) == 1
    assert capsys.readouterr().out == f"{tmp_path}: this folder holds no .toml files\n"


def test_validate_a_device_and_odd_paths(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["validate", "/dev/null", "bad\0path.toml", "line\nbreak.toml"]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 3
    assert lines[0] == "/dev/null: not a regular file"
    assert lines[2] == "line\\nbreak.toml: no such file"


def test_validate_survives_a_bug(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    def boom(path: object) -> list[LevelError]:
        raise KeyError("oops")

    monkeypatch.setattr(cli, "validate_file", boom)
    assert cli.main(["validate", str(GOOD)]) == 1
    out = capsys.readouterr().out
    assert out.count("\n") == 1 and "KeyError" in out and "Traceback" not in out


def test_validate_via_python_dash_m() -> None:
    """The real entry point, in a fresh interpreter: exit code, one line per problem, no traceback;
    and validating must not import the UI toolkit."""
    files = [str(p) for p in broken_files()]
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    proc = subprocess.run([sys.executable, "-X", "importtime", "-m", "scaleout_tui", "validate", *files],
                          cwd=REPO, env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1
    assert "Traceback" not in proc.stdout + proc.stderr
    assert len(proc.stdout.splitlines()) == sum(n for _, n, _, _ in EXPECTED.values())
    imported = {ln.split("|")[-1].strip().split(".")[0] for ln in proc.stderr.splitlines() if "|" in ln}
    assert "textual" not in imported and "rich" not in imported
    ok = subprocess.run([sys.executable, "-m", "scaleout_tui", "validate", str(GOOD)],
                        cwd=REPO, env=env, capture_output=True, text=True, timeout=120)
    assert (ok.returncode, ok.stdout) == (0, f"ok  {GOOD}\n")


# ---- run -------------------------------------------------------------------------------------------
@pytest.fixture
def fake_headless(monkeypatch: pytest.MonkeyPatch) -> list[tuple[Any, ...]]:
    calls: list[tuple[Any, ...]] = []
    module = types.ModuleType("scaleout_tui.game.headless")

    def run_level(level_ref: str, seed: int = 1, sets: dict[str, str] | None = None,
                  policy_path: Path | None = None, progress: Any = None) -> dict[str, Any]:
        calls.append((level_ref, seed, sets, policy_path))
        assert callable(progress)  # the command line always shows how far a run has come
        if level_ref == "bad-level":
            raise LevelError("bad-level", "", "no level with this id; known levels: 01-single-server")
        if sets and sets.get("web_size") == "refused":
            raise CommandError("bad_knob_value", label="App server size", value="refused", choices="m5.large")
        return REPORT

    module.run_level = run_level  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "scaleout_tui.game.headless", module)
    return calls


def test_run_json(fake_headless: list[tuple[Any, ...]], capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["run", "99-good", "--seed", "7", "--set", "web_size=m5.xlarge", "--set", "layout = two-tier",
            "--policy", "sol.toml", "--json"]
    assert cli.main(argv) == 0
    sets = {"web_size": "m5.xlarge", "layout": "two-tier"}
    assert fake_headless == [("99-good", 7, sets, Path("sol.toml"))]
    out = capsys.readouterr().out
    assert json.loads(out) == REPORT
    assert out == json.dumps(REPORT, indent=2) + "\n"


def test_run_defaults(fake_headless: list[tuple[Any, ...]], capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["run", "99-good"]) == 0
    assert fake_headless == [("99-good", 1, {}, None)]


def test_run_human_summary(fake_headless: list[tuple[Any, ...]], capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["run", "99-good", "--seed", "7"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "99-good (seed 7): WON  ★★☆",
        "  ✓ p95 latency: 212 ms (target ≤ 500 ms, stretch ≤ 250 ms)",
        "  ✓ Availability: 99.50 % (target ≥ 95.00 %)",
        "  latency: p50 30 ms, p95 212 ms, p99 480 ms (mean 40 ms)",
        "  requests: 28,513 arrived, 28,400 completed",
        "  errors:",
        "    100  503: accept queue full",
        "     13  client timed out",
        "  cost: $0.01 (peak 1 instance, 47 req/s served)",
    ]


def test_lost_run_still_exits_zero(fake_headless: list[tuple[Any, ...]], monkeypatch: pytest.MonkeyPatch,
                                   capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setitem(REPORT, "won", False)
    assert cli.main(["run", "99-good"]) == 0
    assert capsys.readouterr().out.startswith("99-good (seed 7): LOST\n")


@pytest.mark.parametrize("won", [True, False])
def test_a_sandbox_run_is_neither_won_nor_lost(won: bool) -> None:
    # free play: its objectives are gauges, as the game's briefing and debrief say
    for level in ("99-sandbox", "97-sandbox-chapter-two"):
        lines = cli.format_report({"level": level, "seed": 2, "won": won, "stars": 3})
        assert lines[0] == f"{level} (seed 2): run over (free play: the targets are gauges, not a test)"
    grade = {"level": "99-sandbox", "runs": 2, "seeds": [1, 2], "policy": None, "wins": int(won),
             "objectives": []}
    assert cli.format_grade(grade)[0] == "99-sandbox: 2 seeds (1-2), policy none: free play, the gauges below"


def test_summary_of_a_sparse_report() -> None:
    lines = cli.format_report({"level": "x", "seed": 1, "won": False})
    assert lines[0] == "x (seed 1): LOST"
    assert "  errors: none" in lines


@pytest.mark.parametrize(("argv", "expected"), [
    (["run", "bad-level"], "bad-level: no level with this id; known levels: 01-single-server"),
    (["run", "99-good", "--set", "web_size=refused"],
     "error: App server size: 'refused' is not one of m5.large"),
])
def test_run_refusals_are_one_line_exit_1(argv: list[str], expected: str,
                                          fake_headless: list[tuple[Any, ...]],
                                          capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(argv) == 1
    out, err = capsys.readouterr()
    assert out == "" and err == expected + "\n"


def test_run_plays_the_fixture_for_real(capsys: pytest.CaptureFixture[str]) -> None:
    """End to end through the real game layer."""
    assert cli.main(["run", str(GOOD), "--json", "--set", "web_size=m5.2xlarge"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["level"] == "99-good" and report["seed"] == 1
    assert {o["id"] for o in report["objectives"]} == {"p95", "availability"}
    assert cli.main(["run", str(GOOD), "--set", "web_size=m5.24xlarge"]) == 1
    assert cli.main(["run", str(GOOD), "--set", "nope=1"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 2 and "Traceback" not in err
