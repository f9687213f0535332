"""Recordings a stranger might send: every one gets one line naming the file, the line and the field,
or a verdict that is true; none raises, hangs, or reads gigabytes first.

Each case reproduces an attack on the game (issue 15): a negative seed raised NumPy's ValueError,
thousands of nested arrays a RecursionError, a checkpoint step of 0 a ZeroDivisionError and one of
-10 a loop that ignored Ctrl+Q, a command at ``t = NaN`` switched the time-order check off, a
header alone read "WON ★★★" for 0 requests, and a 10 MB value came back as a 20 MB error line.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from scaleout_tui.cli import main
from scaleout_tui.recording import RecordingError, read_recording
from scaleout_tui.recording.reader import MAX_BYTES
from tests.recording.test_recording import record, refused, short_level, tampered


@pytest.mark.parametrize(("change", "field"), [
    ({"seed": -1}, "seed"),
    ({"seed": 2**64}, "seed"),
    ({"tick_s": 0}, "tick_s"),
    ({"tick_s": float("nan")}, "tick_s"),
    ({"checkpoint_s": 0}, "checkpoint_s"),
    ({"checkpoint_s": -10}, "checkpoint_s"),
    ({"checkpoint_s": float("inf")}, "checkpoint_s"),
    ({"schedule": [[float("nan"), "size", "m5.large"]]}, "schedule"),
    ({"taken_over_at": -5.0}, "taken_over_at"),
])
def test_a_header_number_out_of_range_is_refused_by_field(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                          change: dict[str, object], field: str) -> None:
    path = tampered(tmp_path, change)
    line = refused(path, capsys)
    assert line.startswith(f"{path}:1: {field}"), line


def _with_line(tmp_path: Path, text: str) -> Path:
    """A short recording of level 1 with ``text`` as its third line."""
    path = tmp_path / "run.jsonl"
    record(*short_level("01-single-server"), path)
    lines = path.read_text().splitlines()
    lines.insert(2, text)
    path.write_text("\n".join(lines) + "\n")
    return path


@pytest.mark.parametrize(("text", "message"), [
    ('{"type":"command","t":NaN,"name":"size","value":"m5.large"}', "t: expected `float` >= 0.0"),
    ('{"type":"command","t":-1,"name":"size","value":"m5.large"}', "t: expected `float` >= 0.0"),
    ('{"type":"checkpoint","t":Infinity,"digest":"x"}', "t: expected `float` <= 86400.0"),
    ('{"type":"command","t":1.0,"name":"size","value":' + "[" * 5000 + "]" * 5000 + "}",
     "nested too deeply"),
])
def test_a_hostile_line_is_refused_by_line_and_field(tmp_path: Path, text: str, message: str) -> None:
    path = _with_line(tmp_path, text)
    with pytest.raises(RecordingError) as e:
        read_recording(path)
    assert str(e.value).startswith(f"{path}:3: "), str(e.value)
    assert message in str(e.value), str(e.value)


def test_a_ten_megabyte_value_gets_a_short_refusal(tmp_path: Path) -> None:
    huge = {"type": "command", "t": 1.0, "name": "size", "value": "x" * 10_000_000}
    path = _with_line(tmp_path, json.dumps(huge))
    with pytest.raises(RecordingError) as e:
        read_recording(path)
    assert str(e.value).startswith(f"{path}:3: value") and len(str(e.value)) < 300, str(e.value)[:400]


def test_a_header_alone_is_incomplete_not_won(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "run.jsonl"
    record(*short_level("01-single-server"), path)
    path.write_text(path.read_text().splitlines()[0] + "\n")
    capsys.readouterr()
    assert main(["run", "--replay", str(path)]) == 0
    out = capsys.readouterr().out
    assert "INCOMPLETE" in out and "WON" not in out, out
    assert main(["run", "--replay", str(path), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["won"] is False and report["stars"] == 0 and report["incomplete"] is True


def test_a_fifo_is_refused_without_waiting_for_it(tmp_path: Path) -> None:
    fifo = tmp_path / "run.jsonl"
    os.mkfifo(fifo)
    with pytest.raises(RecordingError, match="not a regular file"):
        read_recording(fifo)


def test_a_huge_file_is_refused_before_it_is_read(tmp_path: Path) -> None:
    path = tmp_path / "run.jsonl"
    with path.open("wb") as f:  # sparse: no disk used, and nothing may read it
        f.truncate(MAX_BYTES + 1)
    with pytest.raises(RecordingError, match="more than a recording can be"):
        read_recording(path)
