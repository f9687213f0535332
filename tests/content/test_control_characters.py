"""A level file cannot carry terminal escapes in its text (issue 15).

An objective label holding ``ESC ] 0 ; pwned BEL ESC [ 2 J`` reached the terminal raw in
``scaleout run``'s text report: it retitled the window and cleared the screen. Every string of a
level is now checked by ``validate`` (and so by every load), named by file, line and field.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from scaleout_tui.cli import main
from scaleout_tui.content.loader import validate_file
from scaleout_tui.content.paths import levels_dir

LEVEL_1 = (levels_dir() / "01-single-server.toml").read_text(encoding="utf-8")
ESCAPES = "\\u001b]0;x\\u0007\\u001b[2J"  # retitle the window, clear the screen


def _level_with(tmp_path: Path, pattern: str, replacement: str) -> Path:
    text, count = re.subn(pattern, lambda _: replacement, LEVEL_1, count=1, flags=re.M)
    assert count == 1, pattern
    path = tmp_path / "01-single-server.toml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(("pattern", "replacement", "field", "code"), [
    (r'^label = "p95 latency"', f'label = "p95{ESCAPES}"', "objectives[0].label", "U+001B"),
    (r'^title = "([^"]*)"', 'title = "Single\\u009b2Jserver"', "title", "U+009B"),
    (r'^text = "Watch the CPU bar[^"]*"', 'text = "bell\\u0007"', "hints[0].text", "U+0007"),
])
def test_a_control_character_anywhere_is_named_by_line_and_field(tmp_path: Path, pattern: str,
                                                                  replacement: str, field: str,
                                                                  code: str) -> None:
    path = _level_with(tmp_path, pattern, replacement)
    problems = [str(p) for p in validate_file(path)]
    assert len(problems) == 1, problems
    assert re.fullmatch(rf"{re.escape(str(path))}:\d+: {re.escape(field)}: holds the control "
                        rf"character {re.escape(code)}; .*", problems[0]), problems


def test_run_refuses_it_without_writing_the_escape(tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    path = _level_with(tmp_path, r'^label = "p95 latency"', f'label = "p95{ESCAPES}"')
    assert main(["run", str(path)]) == 1
    out = capsys.readouterr()
    assert "\x1b" not in out.out + out.err and "\x07" not in out.out + out.err
    assert "U+001B" in out.err


def test_line_breaks_and_tabs_stay_allowed(tmp_path: Path) -> None:
    path = _level_with(tmp_path, r'^text = "Watch the CPU bar[^"]*"', 'text = "two\\nlines\\tand a tab"')
    assert validate_file(path) == []
