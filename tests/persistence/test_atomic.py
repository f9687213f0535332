"""Atomic writes: content, no leftovers, and the old file kept when a write fails."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from scaleout_tui.persistence.atomic import write_bytes_atomic, write_text_atomic


def test_write_creates_folder_and_replaces(tmp_path: Path) -> None:
    target = tmp_path / "a" / "b" / "f.txt"
    write_text_atomic(target, "one\n")
    write_text_atomic(target, "two — ünïcode\n")
    assert target.read_text(encoding="utf-8") == "two — ünïcode\n"
    assert sorted(p.name for p in target.parent.iterdir()) == ["f.txt"], "no temp file left"


def test_failed_write_keeps_old_file_and_cleans_up(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "f.bin"
    write_bytes_atomic(target, b"old")

    def boom(src: object, dst: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(OSError, match="No space"):
        write_bytes_atomic(target, b"new")
    monkeypatch.undo()
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["f.bin"]
