"""Access-log import against hand-counted fixtures.

``fixtures/hostile.log`` is 14 lines written by hand: five time zones (-0500 to +0900), out of
order, one common-format line, escaped quotes, a Latin-1 byte and a UTF-8 one, and five junk
lines (a blank, prose, 31 June, a cut line, binary). Counted by hand, in UTC: 04:00:00 one
request (line 8), 04:00:03 three (lines 2, 5, 14), 04:00:05 four (lines 1, 4, 7, 13), 04:00:09
one (line 9); junk lines 3, 6, 10, 11, 12.

The sample log (``assets/logs/sample-access.log.gz``, written by ``make_sample.py``) was counted
with other tools: ``zcat ... | grep -ac ' -0400] "GET '`` gives 7473 lines, one of them the junk
31 February, so 7472 requests; its 6 junk lines are lines 201, 701, 1201, 1701, 2201 and 2701;
``grep -ac '00:07:30 -0400'`` gives 20 (second 450), ``'00:00:00 -0400'`` 2 (second 0),
``'00:14:59 -0400'`` 2 (second 899), ``'00:05:00 -0400'`` 3 (second 300).
"""

from __future__ import annotations

import bz2
import gzip
from pathlib import Path

import pytest

from scaleout_tui.content.errors import LevelError
from scaleout_tui.content.paths import assets_dir
from scaleout_tui.traces.accesslog import count_log

FIXTURES = Path(__file__).parent / "fixtures"
HOSTILE = FIXTURES / "hostile.log"
SAMPLE = assets_dir() / "logs" / "sample-access.log.gz"
T0 = 804_571_200  # 1995-07-01T04:00:00Z

HOSTILE_COUNTS = {T0: 1, T0 + 3: 3, T0 + 5: 4, T0 + 9: 1}


def test_hostile_log_counts_per_utc_second_and_junk() -> None:
    result = count_log(HOSTILE)
    assert dict(result.counts) == HOSTILE_COUNTS
    assert (result.lines, result.junk, result.requests) == (14, 5, 9)
    assert result.junk_lines == [3, 6, 10, 11, 12]


def test_hostile_log_series_fills_the_gaps_with_zeros() -> None:
    series = count_log(HOSTILE).series("hostile.log")
    assert series.values.tolist() == [1, 0, 0, 3, 0, 4, 0, 0, 0, 1]
    assert "start: 1995-07-01T04:00:00Z" in series.notes


@pytest.mark.parametrize("opener", [gzip.open, bz2.open], ids=["gzip", "bzip2"])
def test_compressed_logs_count_the_same(tmp_path: Path, opener: object) -> None:
    packed = tmp_path / "access.log.1"  # no telling suffix: the first bytes decide
    with opener(packed, "wb") as f:  # type: ignore[operator]
        f.write(HOSTILE.read_bytes())
    result = count_log(packed)
    assert dict(result.counts) == HOSTILE_COUNTS
    assert result.junk == 5


def test_sample_log_counts() -> None:
    result = count_log(SAMPLE)
    assert (result.requests, result.junk) == (7472, 6)
    start = min(result.counts)
    assert start == T0
    assert [result.counts[start + s] for s in (0, 300, 450, 899)] == [2, 3, 20, 2]
    assert max(result.counts) - start == 899


def test_empty_log_is_refused_in_one_line(tmp_path: Path) -> None:
    empty = tmp_path / "empty.log"
    empty.write_bytes(b"")
    with pytest.raises(LevelError) as e:
        count_log(empty)
    assert str(e.value) == f"{empty}: no request lines found (0 lines, 0 junk): nothing to import"


def test_all_junk_is_refused_with_the_junk_count(tmp_path: Path) -> None:
    junk = tmp_path / "junk.log"
    junk.write_bytes(b"hello\n\xff\xfe\nworld\n")
    with pytest.raises(LevelError, match=r"\(3 lines, 3 junk\)"):
        count_log(junk)


def test_corrupt_archive_and_missing_file(tmp_path: Path) -> None:
    cut = tmp_path / "cut.log.gz"
    cut.write_bytes(gzip.compress(HOSTILE.read_bytes() * 50)[:200])
    with pytest.raises(LevelError, match="cannot read the file"):
        count_log(cut)
    with pytest.raises(LevelError, match="no such file"):
        count_log(tmp_path / "missing.log")
    with pytest.raises(LevelError, match="not a regular file"):
        count_log(tmp_path)
