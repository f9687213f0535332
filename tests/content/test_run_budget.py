"""A level validates only if the engine can run it in minutes and in memory (issue 15).

``tick_s = 0.01`` over a day validated and then ran silently for about 14 minutes; a 1 M req/s
curve with a x1000 spike validated and died of an array allocation after 373 s; a series scaled a
million times asked for 745 GiB. Each is refused by ``validate``, naming the field.
"""

from __future__ import annotations

from pathlib import Path

from scaleout_tui.content.loader import MAX_TICK_REQUESTS, validate_file
from scaleout_tui.content.paths import levels_dir

LEVEL_1 = (levels_dir() / "01-single-server.toml").read_text(encoding="utf-8")
CURVE = "curve = [[0, 40], [600, 60], [1200, 150], [1800, 150]]"


def _problems(tmp_path: Path, *changes: tuple[str, str]) -> list[str]:
    text = LEVEL_1
    for old, new in changes:
        assert old in text, old
        text = text.replace(old, new, 1)
    path = tmp_path / "01-single-server.toml"
    path.write_text(text, encoding="utf-8")
    return [str(p).split(": ", 1)[1] for p in validate_file(path)]


def test_a_day_of_hundredth_second_ticks_is_refused(tmp_path: Path) -> None:
    problems = _problems(tmp_path, ("tick_s = 0.5", "tick_s = 0.01"),
                         ("duration_s = 1800", "duration_s = 86400"))
    assert problems == ["engine.tick_s: 8,640,000 ticks over the run, more than the engine runs in a few "
                        "minutes (1,000,000): a longer tick_s or a shorter run"]


def test_a_million_a_second_with_a_thousandfold_spike_is_refused(tmp_path: Path) -> None:
    problems = _problems(tmp_path, (CURVE, "curve = [[0, 1000000], [1800, 1000000]]"),
                         ("factor = 1.5", "factor = 1000"))
    assert len(problems) == 1 and problems[0].startswith("traffic: a peak of about 1,000,000,000 requests/s")
    assert f"({MAX_TICK_REQUESTS:,})" in problems[0]


def test_a_rate_held_too_long_is_refused(tmp_path: Path) -> None:
    """100,000 a second fits a tick, but held for a day it is 8.6 billion requests."""
    problems = _problems(tmp_path, (CURVE, "curve = [[0, 100000], [1800, 100000]]"),
                         ("duration_s = 1800", "duration_s = 86400"), ("factor = 1.5", "factor = 1"))
    assert len(problems) == 1 and problems[0].startswith("traffic: up to 8,640,000,000 requests"), problems


def test_a_series_scaled_a_million_times_is_refused(tmp_path: Path) -> None:
    (tmp_path / "rate.txt").write_text("scaleout-rate 1\n100\n200\n", encoding="utf-8")
    last = LEVEL_1.rstrip().splitlines()[-1]  # the series goes in a table of its own, at the end
    problems = _problems(tmp_path, (CURVE, ""),
                         (last, last + '\n\n[traffic.series]\nfile = "rate.txt"\nscale = 1000000'))
    assert any(p.startswith("traffic: a peak of about") for p in problems), problems


def test_every_shipped_level_is_within_the_budget() -> None:
    for path in sorted(levels_dir().glob("*.toml")):
        assert validate_file(path) == [], path
