"""The real game in a real terminal (tmux), in Korean, as a player starts it: ``LANG=ko_KR.UTF-8
scaleout``. What a snapshot cannot show: the terminal's own idea of how wide Hangul is. tmux lays
each syllable over two cells; a line the game measured in characters would overflow the window or
push a border out of its column, and tmux's screen shows it.

One test, two sizes, about 10 s each: the map (every border in its column), the language key
(English, then back), the choice saved in the progress file.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from rich.cells import cell_len

pytestmark = [pytest.mark.slow, pytest.mark.timeout(120),
              pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")]


class Tmux:
    """One game in a tmux server of its own (``-L``: parallel tests share no server)."""

    def __init__(self, home: Path, width: int, height: int) -> None:
        self.socket = f"scaleout-test-{uuid.uuid4().hex[:8]}"
        command = f"{sys.executable} -m scaleout_tui"
        subprocess.run(["tmux", "-L", self.socket, "-u", "new-session", "-d", "-x", str(width),
                        "-y", str(height), "-e", "LANG=ko_KR.UTF-8", "-e", "LC_ALL=",
                        "-e", f"SCALEOUT_HOME={home}", "-e", "TERM=xterm-256color", command], check=True)

    def screen(self) -> list[str]:
        out = subprocess.run(["tmux", "-L", self.socket, "capture-pane", "-p"], check=True,
                             capture_output=True, text=True).stdout
        return out.splitlines()

    def wait_for(self, text: str, timeout: float = 30.0) -> list[str]:
        deadline = time.monotonic() + timeout
        lines: list[str] = []
        while time.monotonic() < deadline:
            lines = self.screen()
            if any(text in line for line in lines):
                return lines
            time.sleep(0.2)
        raise AssertionError(f"{text!r} never showed; the screen:\n" + "\n".join(lines))

    def keys(self, *keys: str) -> None:
        subprocess.run(["tmux", "-L", self.socket, "send-keys", *keys], check=True)

    def close(self) -> None:
        subprocess.run(["tmux", "-L", self.socket, "kill-server"], check=False, capture_output=True)


def _border_columns(line: str) -> list[int]:
    """The cell columns of the vertical rules on a line (``│``), measured as the terminal does."""
    columns, at = [], 0
    for ch in line:
        if ch == "│":
            columns.append(at)
        at += cell_len(ch)
    return columns


@pytest.mark.parametrize("size", [(80, 24), (200, 60)], ids=["80x24", "200x60"])
def test_the_map_in_korean_in_a_real_terminal(tmp_path: Path, size: tuple[int, int]) -> None:
    width, height = size
    game = Tmux(tmp_path, width, height)
    try:
        game.wait_for("캠페인")
        lines = game.wait_for("도움말")  # the key bar, drawn last
        assert all(cell_len(line) <= width for line in lines), "a line wider than the terminal"
        # the two panels' side rules stand in the same columns on every row that has them
        rows = [_border_columns(line) for line in lines if line.count("│") == 4]
        assert len(rows) >= 15 and len({tuple(r) for r in rows}) == 1, rows
        assert any("서버 한 대" in line for line in lines)  # level 1's title, from its catalog
        footer = next(line for line in reversed(lines) if line.strip())
        assert "English" in footer and "도움말" in footer
        game.keys("g")
        game.wait_for("Campaign")
        lines = game.wait_for("Help")
        assert "한국어" in next(line for line in reversed(lines) if line.strip())
        assert json.loads((tmp_path / "progress.json").read_text(encoding="utf-8"))["language"] == "en"
        game.keys("g")
        game.wait_for("캠페인")
        assert json.loads((tmp_path / "progress.json").read_text(encoding="utf-8"))["language"] == "ko"
    finally:
        game.close()
