"""Grading: seeds syntax, the process pool against serial runs, the summary, and the usage errors."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from scaleout_tui import i18n
from scaleout_tui.cli import main
from scaleout_tui.content.paths import find_level
from scaleout_tui.game.grading import parse_seeds, run_seeds, summarize

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(("text", "seeds"), [
    ("1-20", list(range(1, 21))), ("1,3,5", [1, 3, 5]), ("7", [7]), ("1-3,7, 2", [1, 2, 3, 7]), ("0-0", [0]),
])
def test_seed_lists(text: str, seeds: list[int]) -> None:
    assert parse_seeds(text) == seeds


@pytest.mark.parametrize("text", ["", "a", "1-", "-3", "5-1", "1,,2", "1.5", "1-2-3", "0-999999999"])
def test_bad_seed_lists_are_usage_errors(text: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(ValueError):
        parse_seeds(text)
    assert main(["run", "01-single-server", "--seeds", text]) == 2
    err = capsys.readouterr().err
    assert f"{text!r} is not a seed list: use a range such as 1-20 or a list such as 1,3,5" in err


@pytest.fixture
def short_level_file(tmp_path: Path) -> Path:
    """Level 1, ten simulated minutes (its spike at 22:00 moved into them): a grading run that
    takes a fraction of a second, so a pool of real worker processes is cheap to test."""
    text = find_level("01-single-server").read_text()
    text = text.replace("duration_s = 1800", "duration_s = 600").replace("at = 1320", "at = 420")
    path = tmp_path / "01-single-server.toml"
    path.write_text(text)
    return path


@pytest.mark.slow  # two spawned workers import the game: about 5 s on a busy machine
def test_the_pool_gives_the_serial_results(short_level_file: Path) -> None:
    seeds = [1, 2, 3, 4]
    serial = run_seeds(str(short_level_file), seeds, {"size": "m5.xlarge"}, None, jobs=1)
    told: list[tuple[float, float]] = []
    pooled = run_seeds(str(short_level_file), seeds, {"size": "m5.xlarge"}, None, jobs=2,
                       progress=lambda done, total: told.append((done, total)))
    assert [r["seed"] for r in pooled] == seeds
    # the pool counts whole runs as they finish, up to all four
    assert told[-1] == (4, 4) and [d for d, _ in told] == sorted(d for d, _ in told)
    assert json.dumps(pooled) == json.dumps(serial)
    assert len({r["digest"] for r in serial}) == len(seeds)  # four different nights


@pytest.mark.slow  # as above: two spawned workers
def test_the_pool_speaks_the_parents_language(short_level_file: Path) -> None:
    # a spawned worker starts in English; the report's words are written where the level runs
    catalog = i18n.content_catalog_path(find_level("01-single-server"), "ko")
    (short_level_file.parent / "ko").mkdir()
    shutil.copy(catalog, i18n.content_catalog_path(short_level_file, "ko"))
    english = run_seeds(str(short_level_file), [1], {"size": "m5.xlarge"}, None, jobs=1)
    i18n.activate("ko")
    serial = run_seeds(str(short_level_file), [1, 2], {"size": "m5.xlarge"}, None, jobs=1)
    pooled = run_seeds(str(short_level_file), [1, 2], {"size": "m5.xlarge"}, None, jobs=2)
    assert json.dumps(pooled) == json.dumps(serial)
    labels = [o["label"] for o in pooled[0]["objectives"]]
    assert labels != [o["label"] for o in english[0]["objectives"]]
    assert all(any("\uac00" <= ch <= "\ud7a3" for ch in label) for label in labels), labels  # Hangul


def test_the_summary_counts_wins_and_takes_median_and_worst() -> None:
    def run(seed: int, won: bool, p95: float, ok: float) -> dict:
        return {"level": "x", "seed": seed, "won": won, "stars": 2 if won else 0, "objectives": [
            {"id": "p95", "label": "p95", "metric": "latency_p95_ms", "op": "<=", "target": 300.0,
             "value": p95, "met": p95 <= 300},
            {"id": "ok", "label": "ok", "metric": "success_pct", "op": ">=", "target": 99.0,
             "value": ok, "met": ok >= 99}]}

    grade = summarize([run(1, True, 100.0, 99.5), run(2, False, 400.0, 98.0), run(3, True, 200.0, 99.9)])
    assert grade["wins"] == 2 and grade["runs"] == 3 and grade["seeds"] == [1, 2, 3]
    p95, ok = grade["objectives"]
    assert (p95["median"], p95["worst"], p95["met"]) == (200.0, 400.0, 2)
    assert (ok["median"], ok["worst"], ok["met"]) == (99.5, 98.0, 2)
    assert grade["stars"] == {"median": 2, "worst": 0}


def test_grading_from_the_command_line(short_level_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", str(short_level_file), "--seeds", "2,3", "--jobs", "1", "--set", "size=m5.xlarge",
                 "--json"]) == 0
    grade = json.loads(capsys.readouterr().out)
    assert grade["seeds"] == [2, 3] and grade["runs"] == 2
    assert main(["run", str(short_level_file), "--seeds", "2,3", "--jobs", "1",
                 "--set", "size=m5.xlarge"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == f"01-single-server: 2 seeds (2-3), policy none: {grade['wins']}/2 won"
    assert lines[1].split() == ["objective", "target", "median", "worst", "met"]
    assert len(lines) == 2 + len(grade["objectives"])


@pytest.mark.parametrize(("argv", "message"), [
    (["run"], "give a LEVEL, or --replay FILE"),
    (["run", "01-single-server", "--replay", "x.jsonl"], "give LEVEL or --replay, not both"),
    (["run", "--replay", "x.jsonl", "--seed", "3"], "--replay takes only --json"),
    (["run", "01-single-server", "--seeds", "1-2", "--record", "x.jsonl"],
     "cannot be combined with --record"),
    (["run", "01-single-server", "--seeds", "1-2", "--seed", "4"], "cannot be combined with --seed"),
    (["run", "01-single-server", "--seeds", "1-2", "--jobs", "0"], "'0' is not a number of workers"),
])
def test_option_clashes_are_usage_errors(argv: list[str], message: str,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_a_missing_recording_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", "--replay", str(tmp_path / "nope.jsonl")]) == 1
    missing = tmp_path / "nope.jsonl"
    assert capsys.readouterr().err == f"{missing}: cannot read the recording (No such file or directory)\n"


def test_an_unwritable_recording_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "file").write_text("")
    assert main(["run", "01-single-server", "--record", str(tmp_path / "file" / "run.jsonl")]) == 1
    err = capsys.readouterr().err.splitlines()
    where = tmp_path / "file" / "run.jsonl"
    assert len(err) == 1 and err[0].startswith(f"{where}: cannot write the recording")


def test_the_replay_screen_refuses_a_bad_recording_before_opening(tmp_path: Path,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"type":"header","format":1,"game":"0.1.0"}\n')
    assert main(["replay", str(bad)]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err == [f"{bad}:1: header: object missing required field `level`"]


@pytest.mark.slow
def test_the_replay_command_opens_the_game_on_both_recordings(tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    import sys
    import types

    from scaleout_tui.recording.headless import run_recorded

    a, b = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    for path, size in ((a, "m5.large"), (b, "m5.xlarge")):
        run_recorded(str(REPO / "levels" / "01-single-server.toml"), path, 1, {"size": size})
    opened: list[tuple[str, str | None]] = []
    module = types.ModuleType("scaleout_tui.ui.app")

    def run_replay_app(replay, other=None) -> int:  # type: ignore[no-untyped-def]
        opened.append((replay.recording.path.name, other.recording.path.name if other else None))
        return 0

    module.run_app = lambda: 0  # type: ignore[attr-defined]
    module.run_replay_app = run_replay_app  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "scaleout_tui.ui.app", module)
    assert main(["replay", str(a)]) == 0
    assert main(["replay", str(a), "--compare", str(b)]) == 0
    assert opened == [("a.jsonl", None), ("a.jsonl", "b.jsonl")]
