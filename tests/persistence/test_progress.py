"""Progress files: round trip, every way a file can be broken, and the unlock rule."""

from __future__ import annotations

import json
import math
import os
from datetime import UTC, datetime
from pathlib import Path

import pytest

from scaleout_tui.home import data_dir
from scaleout_tui.persistence import atomic
from scaleout_tui.persistence.progress import FORMAT, Progress, default_path

ORDER = ["01-single-server", "02-two-tiers", "03-load-balancer"]
WHEN = datetime(2026, 11, 22, 17, 0, tzinfo=UTC)


def _corrupt_files(folder: Path) -> list[Path]:
    return sorted(folder.glob("progress.json.corrupt-*"))


def test_default_path_follows_scaleout_home(scaleout_home: Path) -> None:
    assert data_dir() == scaleout_home
    assert default_path() == scaleout_home / "progress.json"


def test_missing_file_is_a_new_player_and_missing_dir_is_created(scaleout_home: Path) -> None:
    assert not scaleout_home.exists()
    progress, notice = Progress.load()
    assert notice is None
    assert progress.levels == {}
    progress.record("01-single-server", won=True, stars=2, values={"p95_ms": 180.0}, when=WHEN)
    progress.save()
    assert (scaleout_home / "progress.json").is_file()


def test_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "er" / "progress.json"
    progress, _ = Progress.load(path)
    assert progress.record("01-single-server", True, 3, {"p95_ms": 120.5, "cost": 3.25}, when=WHEN)
    progress.record("02-two-tiers", False, 0, {"p95_ms": 9000.0}, when=WHEN)
    progress.save()

    again, notice = Progress.load(path)
    assert notice is None
    assert again.levels == progress.levels
    assert again.stars("01-single-server") == 3
    assert again.won("01-single-server")
    assert again.level("01-single-server").best_values == {"p95_ms": 120.5, "cost": 3.25}  # type: ignore[union-attr]
    assert again.level("02-two-tiers").last_played == WHEN  # type: ignore[union-attr]
    doc = json.loads(path.read_text())
    assert doc["format"] == FORMAT
    assert set(doc["levels"]) == {"01-single-server", "02-two-tiers"}


def test_best_run_keeps_values_that_happened_together(tmp_path: Path) -> None:
    progress, _ = Progress.load(tmp_path / "progress.json")
    lvl = "01-single-server"
    assert progress.record(lvl, False, 0, {"p95_ms": 900.0})
    assert progress.record(lvl, True, 1, {"p95_ms": 400.0})
    assert not progress.record(lvl, True, 1, {"p95_ms": 100.0})  # a tie keeps the earlier run
    assert not progress.record(lvl, False, 0, {"p95_ms": 50.0})   # a loss never replaces a win
    assert progress.record(lvl, True, 3, {"p95_ms": 250.0, "p99_ms": math.nan})
    rec = progress.level(lvl)
    assert rec is not None
    assert (rec.won, rec.best_stars, rec.plays) == (True, 3, 5)
    assert rec.best_values == {"p95_ms": 250.0}  # nan is "no data", not stored


def test_record_rejects_nonsense(tmp_path: Path) -> None:
    progress, _ = Progress.load(tmp_path / "progress.json")
    with pytest.raises(ValueError):
        progress.record("x", True, 4, {})
    with pytest.raises(ValueError):
        progress.record("x", True, -1, {})
    with pytest.raises(ValueError):
        progress.record("", True, 1, {})
    with pytest.raises(ValueError):
        progress.record("x", True, 1, {}, when=datetime(2026, 1, 1))  # naive time


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        pytest.param(b"{\"format\": 1, \"levels\": {", "truncated", id="truncated-json"),
        pytest.param(b"", "truncated", id="empty-file"),
        pytest.param(b"\xff\xfe not json", "malformed", id="binary-garbage"),
        pytest.param(b"[1, 2, 3]", "format", id="not-an-object"),
        pytest.param(b"{\"levels\": {}}", "format", id="no-format"),
        pytest.param(b"{\"format\": \"1\", \"levels\": {}}", "format", id="format-is-a-string"),
        pytest.param(b"{\"format\": true, \"levels\": {}}", "format", id="format-is-a-bool"),
        pytest.param(b"{\"format\": 99, \"levels\": {}}", "newer version", id="future-format"),
        pytest.param(b"{\"format\": 1, \"levels\": {\"a\": {\"best_stars\": \"3\"}}}", "best_stars",
                     id="wrong-type"),
        pytest.param(b"{\"format\": 1, \"levels\": {\"a\": {\"best_stars\": 7}}}", "best_stars",
                     id="stars-out-of-range"),
        pytest.param(b"{\"format\": 1, \"levels\": {\"a\": {\"won\": 1}}}", "won", id="int-for-bool"),
        pytest.param(b"{\"format\": 1, \"levels\": {\"a\": {\"cheat\": true}}}", "cheat", id="unknown-field"),
        pytest.param(b"{\"format\": 1, \"levels\": {}, \"extra\": 0}", "extra", id="unknown-top-field"),
        pytest.param(b"{\"format\": 1, \"levels\": {\"a\": {\"best_values\": {\"x\": 1e999}}}}", "range",
                     id="infinite-value"),
        pytest.param(b"{\"format\": 1, \"levels\": {\"a\": {\"last_played\": \"2026-01-01T00:00:00\"}}}",
                     "last_played", id="naive-timestamp"),
        pytest.param(b"{\"format\": 1, \"levels\": {\"\": {}}}", "length", id="empty-level-id"),
        # a thousand nested arrays raised RecursionError, and the file was not moved aside
        pytest.param(b"{\"format\": 1, \"levels\": " + b"[" * 1000 + b"]" * 1000 + b"}", "nested",
                     id="nested-1000-deep"),
        pytest.param(b"{\"format\": 1, \"levels\": {\"a\": " + b"[" * 1000 + b"]" * 1000 + b"}}", "nested",
                     id="nested-inside-a-level"),
    ],
)
def test_broken_file_is_moved_aside_with_a_notice(tmp_path: Path, content: bytes, problem: str) -> None:
    path = tmp_path / "progress.json"
    path.write_bytes(content)

    progress, notice = Progress.load(path)

    assert progress.levels == {}
    assert notice is not None
    asides = _corrupt_files(tmp_path)
    assert len(asides) == 1, "the broken file must be kept, once"
    assert asides[0].read_bytes() == content, "moved aside byte for byte"
    assert not path.exists()
    assert str(path) in notice and str(asides[0]) in notice
    assert problem.lower() in notice.lower()
    # The fresh progress saves over the now-free name, and the old file stays.
    progress.record("01-single-server", True, 1, {}, when=WHEN)
    progress.save()
    assert Progress.load(path)[1] is None
    assert asides[0].read_bytes() == content


def test_two_breakages_in_the_same_second_keep_both(tmp_path: Path) -> None:
    path = tmp_path / "progress.json"
    for content in (b"{", b"}"):
        path.write_bytes(content)
        _, notice = Progress.load(path)
        assert notice is not None
    assert sorted(p.read_bytes() for p in _corrupt_files(tmp_path)) == [b"{", b"}"]


def test_a_directory_in_the_way_is_moved_aside(tmp_path: Path) -> None:
    path = tmp_path / "progress.json"
    path.mkdir()
    progress, notice = Progress.load(path)
    assert notice is not None and len(_corrupt_files(tmp_path)) == 1
    progress.save()
    assert path.is_file()


def test_a_byte_order_mark_is_not_damage(tmp_path: Path) -> None:
    """Saved by an editor that writes a UTF-8 BOM: the progress is read, not moved aside."""
    path = tmp_path / "progress.json"
    progress = Progress(path)
    progress.record("01-single-server", True, 2, {"p95": 120.0}, when=WHEN)
    progress.save()
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    again, notice = Progress.load(path)
    assert notice is None and again.stars("01-single-server") == 2
    assert _corrupt_files(tmp_path) == []


def test_a_fifo_is_moved_aside_without_waiting_for_it(tmp_path: Path) -> None:
    """A FIFO in the file's place left the game on a blank screen for ever (its read blocks)."""
    path = tmp_path / "progress.json"
    os.mkfifo(path)
    progress, notice = Progress.load(path)
    assert notice is not None and "not a regular file" in notice
    assert len(_corrupt_files(tmp_path)) == 1
    progress.save()
    assert path.is_file()


def test_a_huge_file_is_moved_aside_unread(tmp_path: Path) -> None:
    path = tmp_path / "progress.json"
    with path.open("wb") as f:  # sparse: nothing may read its gigabytes
        f.truncate(2**30)
    _, notice = Progress.load(path)
    assert notice is not None and "more than a progress file can be" in notice
    assert len(_corrupt_files(tmp_path)) == 1


def test_unlock_rule(tmp_path: Path) -> None:
    progress, _ = Progress.load(tmp_path / "progress.json")
    assert progress.is_unlocked(ORDER[0], ORDER)
    assert not progress.is_unlocked(ORDER[1], ORDER)
    progress.record(ORDER[0], False, 0, {})
    assert not progress.is_unlocked(ORDER[1], ORDER), "playing is not enough; winning unlocks"
    progress.record(ORDER[0], True, 1, {})
    assert progress.is_unlocked(ORDER[1], ORDER)
    assert not progress.is_unlocked(ORDER[2], ORDER)
    with pytest.raises(ValueError, match="not in the campaign"):
        progress.is_unlocked("99-nope", ORDER)


def test_a_won_level_stays_unlocked_when_the_campaign_is_reordered(tmp_path: Path) -> None:
    progress, _ = Progress.load(tmp_path / "progress.json")
    progress.record("03-load-balancer", True, 2, {})
    new_order = ["01-single-server", "01b-new-level", "02-two-tiers", "03-load-balancer"]
    assert progress.is_unlocked("03-load-balancer", new_order)
    assert not progress.is_unlocked("02-two-tiers", new_order)


def test_stars_of_an_unplayed_level_is_zero(tmp_path: Path) -> None:
    progress, _ = Progress.load(tmp_path / "progress.json")
    assert progress.stars("01-single-server") == 0
    assert not progress.won("01-single-server")
    progress.record("01-single-server", True, 2, {})
    progress.record("02-two-tiers", True, 3, {})
    assert progress.total_stars() == 5


def test_stale_temp_files_are_swept_on_load(tmp_path: Path) -> None:
    path = tmp_path / "progress.json"
    stale = tmp_path / ".progress.json.abc123.tmp"
    stale.write_bytes(b"half a save")
    fresh_other = tmp_path / ".other.json.def456.tmp"
    fresh_other.write_bytes(b"not ours")
    assert atomic.remove_stale_temps(path, older_than_s=3600) == 0, "young temp files may be in use"
    assert atomic.remove_stale_temps(path, older_than_s=-1) == 1
    assert not stale.exists() and fresh_other.exists()
