"""Recordings: written as the run goes, read back strictly, replayed exactly, taken over exactly.

Most tests play levels cut to a few simulated minutes (the level object's duration is shortened
in memory, since a level file that short would not validate: its scripted events come later), so
every level is covered in a few seconds; one test records and replays a whole level through the
command line, byte for byte.
"""

from __future__ import annotations

import json
from pathlib import Path

import msgspec
import pytest

import scaleout_tui
from scaleout_tui.cli import main
from scaleout_tui.content.catalog import load_catalog_default
from scaleout_tui.content.loader import load_level
from scaleout_tui.content.paths import find_level, level_ids, levels_dir, solution_path
from scaleout_tui.content.policy import load_policy
from scaleout_tui.content.schema import Level
from scaleout_tui.game.headless import report
from scaleout_tui.game.session import Session
from scaleout_tui.recording import Recorder, RecordingError, Replay, header_for, open_replay, read_recording
from scaleout_tui.recording.replay import apply_command

REPO = Path(__file__).resolve().parents[2]
SHORT_S = 240.0


def short_level(level_id: str) -> tuple[Level, Path]:
    path = find_level(level_id)
    return msgspec.structs.replace(load_level(path), duration_s=SHORT_S), path


def solution(level: Level) -> tuple[dict[str, str], list[tuple[float, str, str]]]:
    # checked against the whole level: its changes may come after the short one ends
    path = solution_path(level.id)
    assert path is not None
    policy = load_policy(path, load_level(find_level(level.id)))
    return dict(policy.knobs), [c for c in policy.changes if c[0] < SHORT_S]


def a_live_command(session: Session) -> tuple[str, str]:
    """A knob change a player could make: the first knob to its last choice that differs."""
    for knob in session.level.knobs:
        for choice in reversed(knob.choices):
            if choice != session.knobs[knob.id]:
                return knob.id, choice
    raise AssertionError("a level with no knob to turn")


def record(level: Level, level_path: Path, path: Path, seed: int = 1,
           commands: list[tuple[float, str, str]] | None = None,
           schedule: list[tuple[float, str, str]] | None = None) -> tuple[dict, Session]:
    """Play ``level`` with its solution (or its knobs and ``schedule``) and ``commands`` given
    live at their times, recording."""
    knobs, own = solution(level)
    schedule = own if schedule is None else schedule
    session = Session(level, load_catalog_default(), seed, knobs, schedule)
    recorder = Recorder(path, header_for(session, level_path))
    session.listeners.append(recorder)
    for t, name, value in commands or []:
        session.advance(t - session.now)
        apply_command(session, name, value)
    result = report(session, session.run())
    recorder.finish(result)
    return result, session


def replay_of(path: Path, level: Level, level_path: Path) -> Replay:
    return Replay(read_recording(path), level, load_catalog_default(), level_path)


@pytest.mark.parametrize("level_id", level_ids(levels_dir()))
def test_every_level_replays_to_the_same_bytes_and_checksums(tmp_path: Path, level_id: str) -> None:
    level, level_path = short_level(level_id)
    probe = Session(level, load_catalog_default(), 3, *solution(level))
    commands = [(61.0, *a_live_command(probe))]
    if level.injections:  # a failure drill and its repair, where the level offers one
        box = probe.sim.role_box("web").name
        commands += [(90.0, f"inject.{level.injections[0]}", box), (150.0, "repair", box)]
    path = tmp_path / "run.jsonl"
    original, _ = record(level, level_path, path, seed=3, commands=commands)

    rec = read_recording(path)
    assert [(c.t, c.name, c.value) for _, c in rec.commands] == commands
    assert len(rec.checkpoints) == SHORT_S / rec.header.checkpoint_s
    replay = replay_of(path, level, level_path)
    replayed = replay.run()
    assert replay.mismatches == []
    assert replay.checksums_matched == len(rec.checkpoints)
    assert json.dumps(replayed, indent=2) == json.dumps(original, indent=2)


@pytest.mark.slow  # two runs of a whole level: 2-8 s
def test_a_whole_level_through_the_command_line_is_byte_identical(tmp_path: Path,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "l1.jsonl"
    policy = solution_path("01-single-server")
    assert policy is not None
    assert main(["run", "01-single-server", "--seed", "4", "--policy", str(policy),
                 "--record", str(path), "--json"]) == 0
    recorded = capsys.readouterr().out
    assert main(["run", "--replay", str(path), "--json"]) == 0
    out = capsys.readouterr()
    assert out.out == recorded
    # stderr holds no problem: at most the progress line a slow machine logs every 10 s
    assert all(line.startswith(f"{path}  [") for line in out.err.splitlines()), out.err
    assert json.loads(recorded)["seed"] == 4
    assert main(["run", "--replay", str(path)]) == 0
    assert "180 checksums match, the report matches" in capsys.readouterr().out


def test_a_replay_that_goes_another_way_names_the_line(tmp_path: Path) -> None:
    level, level_path = short_level("01-single-server")
    path = tmp_path / "run.jsonl"
    record(level, level_path, path)
    lines = path.read_text().splitlines()
    # Another seed in the header: same level, same commands, another night of traffic.
    header = json.loads(lines[0])
    header["seed"] = 2
    lines[0] = json.dumps(header)
    path.write_text("\n".join(lines) + "\n")
    replay = replay_of(path, level, level_path)
    replay.run()
    first = replay.mismatches[0]
    assert first.line == 2 and "checksum differs at t=10.0" in first.message
    assert any("replayed report differs" in m.message for m in replay.mismatches)


def test_a_recording_cut_mid_line_keeps_every_complete_line(tmp_path: Path,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    level, level_path = short_level("03-load-balancer")
    path = tmp_path / "run.jsonl"
    record(level, level_path, path,
           commands=[(30.0, *a_live_command(Session(level, load_catalog_default(), 1, *solution(level))))])
    data = path.read_bytes()
    lines = data.split(b"\n")
    # Kill the writer in the middle of line 12 (a checkpoint): 11 complete lines stay.
    cut = b"\n".join(lines[:11]) + b"\n" + lines[11][:25]
    path.write_bytes(cut)
    rec = read_recording(path)
    assert rec.lines == 11 and rec.report is None
    assert rec.cut == f"{path}:12: last line cut short; 11 lines kept"
    assert len(rec.commands) == 1 and len(rec.checkpoints) == 9
    replay = replay_of(path, level, level_path)
    replay.seek(replay.end)
    assert replay.now == 90.0 and replay.mismatches == [] and replay.checksums_matched == 9


def test_cut_recording_through_the_command_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "run.jsonl"
    assert main(["run", "01-single-server", "--record", str(path)]) == 0
    capsys.readouterr()
    data = path.read_bytes()
    path.write_bytes(data[: data.index(b'"t":570.0') + 3])  # mid-way through line 58
    assert main(["run", "--replay", str(path)]) == 0
    out = capsys.readouterr()
    assert out.err.splitlines() == [f"{path}:58: last line cut short; 57 lines kept"]
    assert "replayed to t=560 and checked 56 checksums" in out.out


def tampered(tmp_path: Path, change: dict[str, object]) -> Path:
    """A recording of level 1 with its header changed (a short run: the header is refused
    before anything is simulated)."""
    path = tmp_path / "run.jsonl"
    record(*short_level("01-single-server"), path)
    lines = path.read_text().splitlines()
    header = json.loads(lines[0])
    header.update(change)
    lines[0] = json.dumps(header)
    path.write_text("\n".join(lines) + "\n")
    return path


def refused(path: Path, capsys: pytest.CaptureFixture[str]) -> str:
    capsys.readouterr()
    assert main(["run", "--replay", str(path), "--json"]) == 1
    out = capsys.readouterr()
    assert out.out == ""
    lines = out.err.splitlines()
    assert len(lines) == 1
    return lines[0]


def test_a_changed_level_file_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tampered(tmp_path, {"level_sha256": "0" * 64})
    level = levels_dir() / "01-single-server.toml"
    assert refused(path, capsys) == (f"{path}:1: level_sha256: the level file {level} has changed since the "
                                     "recording was made, so it is not replayed")


def test_a_level_file_edited_after_recording_is_refused(tmp_path: Path,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "mine").mkdir()
    level_file = tmp_path / "mine" / "01-single-server.toml"
    level_file.write_bytes(find_level("01-single-server").read_bytes() + b"# my copy\n")
    path = tmp_path / "run.jsonl"
    assert main(["run", str(level_file), "--record", str(path)]) == 0
    level_file.write_bytes(level_file.read_bytes().replace(b"duration_s = 1800", b"duration_s = 1200"))
    # The game's own 01-single-server is the other candidate: it does not match either.
    assert "has changed since the recording was made" in refused(path, capsys)


def test_a_future_format_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tampered(tmp_path, {"format": 2, "something_new": True})
    assert refused(path, capsys) == (f"{path}:1: format: recording format 2 is newer than this game reads "
                                     "(1); update scaleout to replay it")


def test_another_game_version_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tampered(tmp_path, {"game": "0.0.1"})
    version = scaleout_tui.__version__
    assert refused(path, capsys) == (f"{path}:1: game: recorded by scaleout 0.0.1, this is scaleout "
                                     f"{version}; the simulation may differ, so it is not replayed")


@pytest.mark.parametrize(("line", "message"), [
    ('{"type":"checkpoint","t":"ten","digest":"x"}', "t: expected `float`, got `str`"),
    ('{"type":"command","t":5.0,"name":"size"}', "object missing required field `value`"),
    ('{"type":"jump","t":5.0}', "invalid value 'jump'"),
    ("[1, 2]", "not a JSON object (found list)"),
    ('{"type":"checkpoint","t":1.0,', "not a JSON object"),
    ('{"type":"command","t":1.0,"name":"size","value":"m5.large"}', "t: 1.0 is before the line above (10.0)"),
])
def test_a_corrupt_line_is_named_by_file_line_and_field(tmp_path: Path, line: str, message: str) -> None:
    level, level_path = short_level("01-single-server")
    path = tmp_path / "run.jsonl"
    record(level, level_path, path)
    lines = path.read_text().splitlines()
    lines.insert(2, line)
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(RecordingError) as e:
        read_recording(path)
    assert str(e.value).startswith(f"{path}:3: ")
    assert message in str(e.value)


def test_take_over_equals_a_fresh_run_given_the_same_commands(tmp_path: Path) -> None:
    """Level 8 with a policy schedule (min at 60 s, max at 200 s) and a live change at 40 s:
    take over at 100 s, change two knobs at 100 s and 150 s. The schedule's change still to come
    is dropped (the player drives now). The taken-over run, a replay of its recording, and a fresh
    session given the new recording's header and commands all end in the same report."""
    level, level_path = short_level("08-autoscaling")
    first = tmp_path / "first.jsonl"
    record(level, level_path, first, commands=[(40.0, "policy", "step")],
           schedule=[(60.0, "min", "2"), (200.0, "max", "30")])
    replay = replay_of(first, level, level_path)
    replay.seek(100.0)
    second = tmp_path / "second.jsonl"
    recorder = replay.take_over(second)
    session = replay.session
    cooldown = next(c for c in level.knobs if c.id == "cooldown")
    other = next(v for v in cooldown.choices if v != session.knobs["cooldown"])
    session.set_knob("policy", "simple")
    session.advance(50.0)
    session.set_knob("cooldown", other)
    taken = report(session, session.run())
    recorder.finish(taken)

    rec = read_recording(second)
    assert rec.header.taken_over_from == "first.jsonl" and rec.header.taken_over_at == 100.0
    assert rec.header.schedule == [(60.0, "min", "2")]
    assert [(c.t, c.name, c.value) for _, c in rec.commands] == [
        (40.0, "policy", "step"), (100.0, "policy", "simple"), (150.0, "cooldown", other)]
    assert [c.t for _, c in rec.checkpoints] == [10.0 * k for k in range(1, 25)]
    # a replay of the new recording
    again = replay_of(second, level, level_path)
    assert json.dumps(again.run()) == json.dumps(taken) and again.mismatches == []
    # a fresh run given the same start and commands, with no recording involved
    h = rec.header
    fresh = Session(level, load_catalog_default(), h.seed, dict(h.knobs), list(h.schedule))
    for _, c in rec.commands:
        fresh.advance(c.t - fresh.now)
        apply_command(fresh, c.name, c.value)
    assert json.dumps(report(fresh, fresh.run())) == json.dumps(taken)
    # and it really is another run than the original
    assert json.dumps(taken) != json.dumps(read_recording(first).report)


def test_seek_backward_restarts_and_lands_on_the_same_state(tmp_path: Path) -> None:
    level, level_path = short_level("06-replicas")
    path = tmp_path / "run.jsonl"
    record(level, level_path, path)
    replay = replay_of(path, level, level_path)
    replay.seek(200.0)
    at_200 = replay.session.sim.digest()
    replay.seek(50.0)
    assert replay.now == 50.0
    replay.seek(200.0)
    assert replay.session.sim.digest() == at_200 and replay.mismatches == []


def test_open_replay_finds_the_level_by_its_id(tmp_path: Path) -> None:
    path = tmp_path / "run.jsonl"
    record(*short_level("02-two-tiers"), path)
    lines = path.read_text().splitlines()
    header = json.loads(lines[0])
    header["level_file"] = str(tmp_path / "moved-away.toml")
    lines[0] = json.dumps(header)
    path.write_text("\n".join(lines) + "\n")
    replay = open_replay(path)
    assert replay.level.id == "02-two-tiers" and replay.level_path == find_level("02-two-tiers")


def test_a_run_killed_mid_write_keeps_every_complete_line(tmp_path: Path) -> None:
    """SIGKILL a real ``scaleout run --record`` while it writes: no flush at exit, no cleanup.
    Every line that reached the file is complete and readable, and the replay of what is there
    matches all of its checksums."""
    import os
    import signal
    import subprocess
    import sys
    import time

    path = tmp_path / "killed.jsonl"
    argv = [sys.executable, "-m", "scaleout_tui", "run", "08-autoscaling", "--record", str(path)]
    proc = subprocess.Popen(argv, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and (not path.exists() or path.read_bytes().count(b"\n") < 30):
            time.sleep(0.05)
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
    rec = read_recording(path)
    assert rec.report is None and len(rec.checkpoints) >= 29
    assert [c.t for _, c in rec.checkpoints] == [10.0 * (k + 1) for k in range(len(rec.checkpoints))]
    replay = open_replay(path)
    replay.seek(replay.end)
    assert replay.mismatches == [] and replay.checksums_matched == len(rec.checkpoints)


class FullDisk:
    def write(self, text: str) -> int:
        raise OSError(28, "No space left on device")

    def flush(self) -> None:
        pass

    def close(self) -> None:
        pass


@pytest.mark.parametrize("strict", [True, False])
def test_a_write_that_fails_later_raises_or_stops_recording(tmp_path: Path, strict: bool) -> None:
    level, level_path = short_level("01-single-server")
    session = Session(level, load_catalog_default())
    recorder = Recorder(tmp_path / "run.jsonl", header_for(session, level_path), strict=strict)
    recorder._file = FullDisk()  # type: ignore[assignment]  # the disk fills up after the header
    if strict:
        with pytest.raises(OSError):
            recorder.command(1.0, "size", "m5.xlarge")
        return
    recorder.command(1.0, "size", "m5.xlarge")
    assert recorder.error == "No space left on device" and recorder.closed
    recorder.command(2.0, "size", "m5.large")  # later lines are dropped quietly
    assert read_recording(tmp_path / "run.jsonl").lines == 1
