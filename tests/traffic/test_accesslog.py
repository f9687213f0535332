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

``fixtures/pathological.log`` holds the lines that made the old parser (apachelogs' combined-format
regex) backtrack exponentially: Cyrillic junk of 21, 27 (32 s before) and 53 bytes, a request
quote never closed after forty ``\\"``, a user agent never closed; then one valid line with raw
UTF-8 and an escaped backslash at the end of its user agent. Bigger hostile inputs (1 MB of junk,
a 10 MB line, a gzip bomb) are generated into ``tmp_path``.
"""

from __future__ import annotations

import bz2
import gzip
import os
import time
import tracemalloc
from pathlib import Path

import pytest

from scaleout_tui.content.errors import LevelError
from scaleout_tui.content.paths import assets_dir
from scaleout_tui.traces import accesslog
from scaleout_tui.traces.accesslog import count_log, parse_time

FIXTURES = Path(__file__).parent / "fixtures"
HOSTILE = FIXTURES / "hostile.log"
PATHOLOGICAL = FIXTURES / "pathological.log"
CYRILLIC = "Ошибка подключ\n".encode()  # the reported line: 27 bytes, 32 s in the old parser
VALID = b'10.0.0.1 - - [01/Jul/1995:00:00:05 -0400] "GET / HTTP/1.0" 200 100 "-" "a"\n'
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


def test_pathological_lines_are_junk_at_once() -> None:
    started = time.perf_counter()
    result = count_log(PATHOLOGICAL)
    assert time.perf_counter() - started < 1.0
    assert (result.lines, result.junk, result.junk_lines) == (6, 5, [1, 2, 3, 4, 5])
    assert dict(result.counts) == {T0 + 5: 1}


def test_a_megabyte_of_junk_takes_linear_time(tmp_path: Path) -> None:
    """Exponential backtracking would take hours here; a linear parser well under a second."""
    junk = tmp_path / "junk.log"
    junk.write_bytes(CYRILLIC * (2**20 // len(CYRILLIC)) + VALID)
    started = time.perf_counter()
    result = count_log(junk)
    elapsed = time.perf_counter() - started
    assert elapsed < 2.0, f"1 MB of junk took {elapsed:.1f} s"
    assert result.requests == 1
    assert result.junk == 2**20 // len(CYRILLIC)


@pytest.mark.parametrize("line", [
    CYRILLIC * 2000,
    b'1 - - [01/Jul/1995:00:00:05 -0400] "' + b'\\"' * 30_000,
    b'1 - - [01/Jul/1995:00:00:05 -0400] "GET / HTTP/1.0" 200 1 "' + b'\\' * 60_000 + b'" "',
], ids=["cyrillic", "escaped-quotes", "backslashes"])
def test_one_long_hostile_line_is_linear(line: bytes) -> None:
    started = time.perf_counter()
    assert parse_time(line) is None
    assert time.perf_counter() - started < 1.0


def test_an_overlong_line_is_skipped_without_holding_it(tmp_path: Path) -> None:
    big = tmp_path / "big.log"
    with big.open("wb") as f:
        f.write(VALID)
        for _ in range(10):
            f.write(b"x" * 2**20)  # one 10 MB line
        f.write(b"\n" + VALID + b"y" * (accesslog.MAX_LINE_BYTES + 1))  # and an overlong last line
    tracemalloc.start()
    try:
        result = count_log(big)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 5 * 2**20, f"peak {peak / 2**20:.1f} MB"
    assert (result.lines, result.requests, result.junk, result.overlong) == (4, 2, 2, 2)
    assert result.junk_lines == [2, 4]


def test_a_line_of_exactly_the_cap_is_read(tmp_path: Path) -> None:
    line = VALID[:-2] + b"u" * (accesslog.MAX_LINE_BYTES - len(VALID) + 1) + b'"'  # a long user agent
    assert len(line) == accesslog.MAX_LINE_BYTES
    log = tmp_path / "long.log"
    log.write_bytes(line + b"\n" + line + b"u\n" + line)
    result = count_log(log)
    assert (result.requests, result.overlong, result.junk_lines) == (2, 1, [2])


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_a_fifo_is_refused_in_one_line_without_waiting(tmp_path: Path) -> None:
    fifo = tmp_path / "access.log"
    os.mkfifo(fifo)
    with pytest.raises(LevelError) as e:
        count_log(fifo)  # no writer: a blocking open would hang here
    assert str(e.value) == f"{fifo}: not a regular file (a FIFO): only a log file on disk can be imported"


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="no /dev/zero")
def test_dev_zero_is_refused_in_one_line() -> None:
    with pytest.raises(LevelError) as e:
        count_log("/dev/zero")
    assert str(e.value).startswith("/dev/zero: not a regular file (a character device)")
    assert "\n" not in str(e.value)


def test_a_gzip_bomb_is_refused_past_the_ratio(tmp_path: Path) -> None:
    bomb = tmp_path / "access.log.gz"
    bomb.write_bytes(gzip.compress(b"\0" * 20 * 2**20))  # 20 MB of zeros in about 20 KB
    tracemalloc.start()
    try:
        with pytest.raises(LevelError, match=r"decompresses to over 100 times its size") as e:
            count_log(bomb)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert str(e.value).startswith(f"{bomb}: the archive")
    assert peak < 5 * 2**20, f"peak {peak / 2**20:.1f} MB"


def test_the_sample_archive_is_far_below_the_ratio() -> None:
    assert count_log(SAMPLE).requests == 7472  # about 8 times: a text log compresses like that


def test_size_and_line_caps_refuse_in_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    log = tmp_path / "access.log"
    log.write_bytes(VALID * 100)
    monkeypatch.setattr(accesslog, "MAX_LINES", 99)
    with pytest.raises(LevelError) as e:
        count_log(log)
    assert str(e.value) == f"{log}: the log has over 99 lines: import a part of it"
    monkeypatch.setattr(accesslog, "MAX_LOG_BYTES", 1000)
    with pytest.raises(LevelError) as e:
        count_log(log)
    assert str(e.value) == (f"{log}: the log is too large (over 1,000 bytes once decompressed): "
                            "import a part of it")
