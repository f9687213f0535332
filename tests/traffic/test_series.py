"""The ``scaleout-rate 1`` format and what scaling and compressing a series mean."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

from scaleout_tui.content.errors import LevelError
from scaleout_tui.content.series import RateSeries, read_series, write_series


def _series(*values: float) -> RateSeries:
    return RateSeries(np.asarray(values, dtype=float))


def test_round_trip_keeps_values_and_notes(tmp_path: Path) -> None:
    path = tmp_path / "t.rate"
    write_series(RateSeries(np.asarray([3.0, 0.0, 2.5]), ("start: x",)), path)
    assert path.read_text() == "scaleout-rate 1\n# start: x\n3\n0\n2.5\n"
    back = read_series(path)
    assert back.values.tolist() == [3.0, 0.0, 2.5]
    assert back.notes == ("start: x",)


def test_compress_averages_each_run_second() -> None:
    # 5 trace seconds, 2 per run second: (1+2)/2, (3+4)/2, and the last half-bin 5 alone
    assert _series(1, 2, 3, 4, 5).compressed(2).values.tolist() == [1.5, 3.5, 5.0]
    # a non-whole factor: bins [0, 1.5) and [1.5, 3): (2 + 0.5*4)/1.5 and (0.5*4 + 6)/1.5
    assert _series(2, 4, 6).compressed(1.5).values.tolist() == pytest.approx([8 / 3, 16 / 3])
    # slowed down: each trace second lasts two run seconds
    assert _series(1, 3).compressed(0.5).values.tolist() == [1.0, 1.0, 3.0, 3.0]


def test_compress_keeps_the_mean_rate() -> None:
    rng = np.random.default_rng(3)
    s = RateSeries(rng.poisson(40, 86_400).astype(float))
    day = s.compressed(96)  # a day in 15 minutes
    assert day.seconds == 900
    assert day.mean == pytest.approx(s.mean, rel=1e-12)


def test_scale_and_normalise() -> None:
    assert _series(1, 2, 3).scaled(10).values.tolist() == [10, 20, 30]
    shape = _series(1, 2, 3).normalised()
    assert shape.mean == pytest.approx(1.0)
    assert shape.values.tolist() == pytest.approx([0.5, 1.0, 1.5])


@pytest.mark.parametrize(("text", "expected"), [
    ("", ":1: not a rate series: the first line must be 'scaleout-rate 1'"),
    ("rate 1\n1\n", ":1: not a rate series"),
    ("scaleout-rate 2\n1\n", ":1: rate series format '2'; this version reads format 1"),
    ("scaleout-rate 1\n# c\n4\n-1\n", ":4: '-1' is not a request count (a number from 0 to 1,000,000)"),
    ("scaleout-rate 1\n4\nnan\n", ":3: 'nan' is not a request count"),
    ("scaleout-rate 1\n\n12 13\n", ":3: '12 13' is not a request count"),
    ("scaleout-rate 1\n# only a comment\n", ": the rate series has no seconds"),
])
def test_bad_files_name_the_line(tmp_path: Path, text: str, expected: str) -> None:
    path = tmp_path / "bad.rate"
    path.write_text(text)
    with pytest.raises(LevelError) as e:
        read_series(path)
    assert str(e.value).startswith(f"{path}{expected}")


def test_not_utf8_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "bin.rate"
    path.write_bytes(b"scaleout-rate 1\n1\n\xff\n")
    with pytest.raises(LevelError, match=r"bin\.rate:3: not UTF-8"):
        read_series(path)


@pytest.mark.parametrize("kind", ["fifo", "device", "huge"])
def test_a_series_that_is_no_regular_file_or_too_big_is_refused_unread(tmp_path: Path, kind: str) -> None:
    """A level's ``[traffic.series] file`` naming /dev/zero made validate read past 4 GB, and a
    FIFO hung it: both are refused by a look at the file, as is a file past the largest series."""
    from scaleout_tui.content.series import MAX_FILE_BYTES

    path = tmp_path / "rate.txt"
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "huge":
        with path.open("wb") as f:  # sparse: nothing may read it
            f.truncate(MAX_FILE_BYTES + 1)
    else:
        path = Path("/dev/zero")
    with pytest.raises(LevelError) as e:
        read_series(path)
    assert str(e.value).startswith(f"{path}: ")
    assert ("not a regular file" if kind != "huge" else "too large") in str(e.value)
