"""``scaleout export`` and ``scaleout import`` as a person types them: the files written and
named, the export of a recording, a round trip through the sandbox policy, and one clean line
for every kind of bad input."""

from __future__ import annotations

from pathlib import Path

import pytest

from scaleout_tui.cli import main
from scaleout_tui.content.catalog import load_catalog_default
from scaleout_tui.content.loader import load_level
from scaleout_tui.content.paths import find_level, sandbox_path, solution_path
from scaleout_tui.content.policy import load_policy
from scaleout_tui.deploy.formats import FORMATS
from scaleout_tui.game.session import Session
from scaleout_tui.recording import Recorder, header_for
from scaleout_tui.recording.replay import apply_command

SOLUTION_03 = solution_path("03-load-balancer")


def one_line(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    return lines[0]


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_export_writes_the_files_and_names_them(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                fmt: str) -> None:
    out = tmp_path / "out"
    args = ["export", "03-load-balancer", "--policy", str(SOLUTION_03), "--to", fmt, "-o", str(out)]
    assert main(args) == 0
    printed = capsys.readouterr().out
    written = sorted(p.name for p in out.iterdir())
    assert "README.md" in written and len(written) >= 2
    for name in written:
        assert f"wrote {out / name}" in printed
    readme = (out / "README.md").read_text(encoding="utf-8")
    assert "03-load-balancer" in readme and 'check = L7' in readme.replace("`", "")


def test_export_then_import_plays_the_same_knobs_in_the_sandbox(tmp_path: Path,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    sets = {"algorithm": "least_conn", "check": "L7", "check_every": "5", "healthy": "2", "unhealthy": "3"}
    args = ["export", "sandbox", "--to", "haproxy", "-o", str(tmp_path / "cfg")]
    for k, v in sets.items():
        args += ["--set", f"{k}={v}"]
    assert main(args) == 0
    policy = tmp_path / "mine.toml"
    capsys.readouterr()
    assert main(["import", str(tmp_path / "cfg" / "haproxy.cfg"), "-o", str(policy)]) == 0
    assert f"wrote {policy}" in capsys.readouterr().err
    knobs = load_policy(policy, load_level(sandbox_path())).knobs
    assert {k: knobs.get(k) for k in sets} == sets


def test_level_9_files_come_in_to_the_sandbox_with_a_device_tier(tmp_path: Path,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    # 99-sandbox has no ingest knobs: offered there, every device-tier setting was left out
    assert main(["export", "09-ingest", "--policy", str(solution_path("09-ingest")), "--to", "kubernetes",
                 "-o", str(tmp_path / "k8s")]) == 0
    policy = tmp_path / "mine.toml"
    capsys.readouterr()
    manifests = sorted(str(p) for p in (tmp_path / "k8s").glob("*.yaml"))
    assert main(["import", *manifests, "-o", str(policy)]) == 0
    err = capsys.readouterr().err
    assert f"play it with scaleout run 97-sandbox-chapter-two --policy {policy}" in err
    assert "no knob" not in err
    knobs = load_policy(policy, load_level(find_level("97-sandbox-chapter-two"))).knobs
    # the reference solution's device tier
    assert (knobs["comm_count"], knobs["max_age"], knobs["backoff"]) == ("3", "120", "exponential")


def test_a_recording_exports_the_knobs_its_run_ended_with(tmp_path: Path) -> None:
    level_path = find_level("03-load-balancer")
    level = load_level(level_path)
    session = Session(level, load_catalog_default(), 1, {"algorithm": "round_robin"})
    rec = tmp_path / "run.jsonl"
    recorder = Recorder(rec, header_for(session, level_path))
    session.listeners.append(recorder)
    session.advance(2.0)
    apply_command(session, "algorithm", "least_conn")
    session.advance(1.0)
    recorder.close()
    assert main(["export", str(rec), "--to", "nginx", "-o", str(tmp_path / "out")]) == 0
    conf = (tmp_path / "out" / "nginx.conf").read_text(encoding="utf-8")
    assert "least_conn;" in conf


@pytest.mark.parametrize(("args", "expected"), [
    (["export", "no-such-level", "--to", "nginx"], "no-such-level"),
    (["export", "03-load-balancer", "--set", "algorithm=fastest", "--to", "nginx"], "fastest"),
    (["export", "03-load-balancer", "--policy", "missing.toml", "--to", "nginx"], "missing.toml"),
])
def test_bad_input_to_export_is_one_line_and_writes_nothing(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str], expected: str) -> None:
    out = tmp_path / "out"
    assert main([*args, "-o", str(out)]) == 1
    assert expected in one_line(capsys.readouterr().err)
    assert not out.exists()


def test_an_unknown_format_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["export", "03-load-balancer", "--to", "terraform", "-o", str(tmp_path)]) == 2
    assert "terraform" in capsys.readouterr().err


def test_an_export_into_a_file_says_so(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    blocker = tmp_path / "taken"
    blocker.write_text("a file, not a folder", encoding="utf-8")
    assert main(["export", "03-load-balancer", "--to", "nginx", "-o", str(blocker / "out")]) == 1
    assert "cannot write" in one_line(capsys.readouterr().err)


@pytest.mark.parametrize(("name", "data", "expected"), [
    ("notes.txt", b"just some words\n", "notes.txt: not a configuration"),
    ("latin1.conf", b"upstream app {\n  server 10.0.0.1; # caf\xe9\n}\n", "latin1.conf:2: not UTF-8"),
])
def test_a_file_import_cannot_read_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str,
                                               data: bytes, expected: str) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    assert main(["import", str(path)]) == 1
    assert one_line(capsys.readouterr().err).startswith(f"{tmp_path}/{expected}")


def test_a_missing_file_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["import", str(tmp_path / "gone.cfg")]) == 1
    assert one_line(capsys.readouterr().err).startswith(f"{tmp_path / 'gone.cfg'}: ")
