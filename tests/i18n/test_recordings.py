"""A recording made in one language replays in the other: its words differ, its run must not.

The recording's header says the language it was played in; a replay in that language checks the
report byte for byte, as always; in the other, the words (objective labels, the debrief) are set
aside and every id and number is still checked. These play level 1 headless (about 2 s each)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from scaleout_tui import cli


def _record(tmp_path: Path, *lang: str) -> Path:
    path = tmp_path / "run.jsonl"
    assert cli.main([*lang, "run", "01-single-server", "--record", str(path)]) == 0
    return path


@pytest.mark.slow
def test_english_recording_replays_in_korean(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _record(tmp_path)
    header = json.loads(path.read_text(encoding="utf-8").splitlines()[0])
    assert header["language"] == "en"
    capsys.readouterr()
    assert cli.main(["--lang", "ko", "run", "--replay", str(path)]) == 0
    out = capsys.readouterr()
    assert "시드" in out.out
    # stderr holds no problem: at most the progress line a slow machine logs every 10 s
    assert all(line.startswith(f"{path}  [") for line in out.err.splitlines()), out.err


@pytest.mark.slow
def test_a_changed_number_is_still_caught_across_languages(tmp_path: Path,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    path = _record(tmp_path, "--lang", "ko")
    lines = path.read_text(encoding="utf-8").splitlines()
    i = next(i for i, line in enumerate(lines) if '"type":"report"' in line.replace(" ", ""))
    report = json.loads(lines[i])
    report["report"]["objectives"][0]["value"] += 1.0
    lines[i] = json.dumps(report)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    capsys.readouterr()
    assert cli.main(["--lang", "en", "run", "--replay", str(path)]) == 1
    assert "objectives[0].value" in capsys.readouterr().err
