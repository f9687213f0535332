"""Progress of a long headless run (issue 15): minutes of silence must not look like a hang.

The listener is throttled by wall time and the command line's line appears only on a terminal
after a second, or in a log every ten seconds; both are driven here by a fake clock, so no test
waits. One real run checks the line reaches a real pseudo-terminal and is wiped before the report.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

from scaleout_tui.cli import _clock, _Progress
from scaleout_tui.game.grading import _within
from scaleout_tui.game.progress import ProgressListener

REPO = Path(__file__).resolve().parents[2]


class Clock:
    def __init__(self) -> None:
        self.t = 100.0

    def __call__(self) -> float:
        return self.t


def _session(now: float, duration: float) -> SimpleNamespace:
    return SimpleNamespace(sim=SimpleNamespace(now=now, config=SimpleNamespace(duration_s=duration)))


def test_the_listener_reports_at_most_every_quarter_second_of_wall_time() -> None:
    clock, told = Clock(), []
    listener = ProgressListener(lambda d, t: told.append((d, t)), clock=clock)
    for tick in range(1, 101):  # 100 ticks of one simulated second, 10 ms of wall time each
        clock.t += 0.01
        listener.ticked(_session(float(tick), 1800.0))  # type: ignore[arg-type]
    # a report at 0.25, 0.50, 0.75 and 1.00 s of wall time: ticks 25, 50, 75, 100
    assert [d for d, _ in told] == [25.0, 50.0, 75.0, 100.0]
    assert all(t == 1800.0 for _, t in told)


def test_a_serial_grade_reports_runs_with_the_fraction_under_way() -> None:
    told: list[tuple[float, float]] = []
    third = _within(lambda d, t: told.append((d, t)), 2, 4)
    assert third is not None
    third(450.0, 1800.0)
    third(1800.0, 1800.0)
    assert told == [(2.25, 4), (3.0, 4)]
    assert _within(None, 0, 4) is None


def test_on_a_terminal_the_line_waits_a_second_redraws_in_place_and_is_wiped(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("shutil.get_terminal_size", lambda fallback=(80, 24): os.terminal_size((120, 40)))
    clock, out = Clock(), io.StringIO()
    progress = _Progress("08-autoscaling", clock=clock, stream=out, tty=True)
    clock.t += 0.5
    progress(300.0, 3600.0)
    assert out.getvalue() == ""  # a run of a second never flickers
    clock.t += 1.0
    progress(1215.0, 3600.0)
    clock.t += 0.25
    progress(1800.0, 3600.0)
    drawn = out.getvalue()
    assert drawn.count("\r") == 2 and "\n" not in drawn  # redrawn in place, never scrolled
    assert "08-autoscaling  [##########----------]  50 %  simulated 30:00 of 1:00:00  (2 s so far)" in drawn
    progress.close()
    assert out.getvalue().endswith("\r\x1b[K")  # wiped: the report that follows stands alone


def test_into_a_log_a_line_every_ten_seconds_and_nothing_for_a_short_run() -> None:
    clock, out = Clock(), io.StringIO()
    progress = _Progress("05-shared-storage", runs=True, clock=clock, stream=out, tty=False)
    for _ in range(79):  # 9.875 s: a short run adds nothing to the log
        clock.t += 0.125
        progress(1.0, 6.0)
    assert out.getvalue() == ""
    for _ in range(161):  # to 30 s: a line at 10, 20 and 30 s
        clock.t += 0.125
        progress(2.5, 6.0)
    lines = out.getvalue().splitlines()
    assert len(lines) == 3
    assert lines[0] == "05-shared-storage  [########------------]  41 %  2.5 of 6 runs done  (10 s so far)"
    progress.close()
    assert len(out.getvalue().splitlines()) == 3  # a log keeps its lines


def test_a_narrow_terminal_gets_a_line_cut_to_fit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("shutil.get_terminal_size", lambda fallback=(80, 24): os.terminal_size((30, 5)))
    clock, out = Clock(), io.StringIO()
    progress = _Progress("08-autoscaling", clock=clock, stream=out, tty=True)
    clock.t += 2
    progress(10.0, 3600.0)
    line = out.getvalue().removeprefix("\r").removesuffix("\x1b[K")
    assert len(line) == 29  # one cell spare: a line that fills the width would wrap on some terminals


@pytest.mark.parametrize(("seconds", "shown"), [
    (0, "0:00"), (59.9, "0:59"), (1215, "20:15"), (3600, "1:00:00"), (86399, "23:59:59"),
])
def test_simulated_time_reads_as_a_clock(seconds: float, shown: str) -> None:
    assert _clock(seconds) == shown


@pytest.mark.slow
@pytest.mark.skipif(not hasattr(os, "openpty"), reason="needs a pseudo-terminal")
def test_a_real_run_on_a_terminal_shows_the_line_and_leaves_only_the_report(tmp_path: Path) -> None:
    # level 5 simulates for a few seconds: long enough for the line to appear after its second
    master, slave = os.openpty()
    env = {**os.environ, "PYTHONPATH": str(REPO), "SCALEOUT_HOME": str(tmp_path)}
    proc = subprocess.Popen([sys.executable, "-m", "scaleout_tui", "run", "05-shared-storage"],
                            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=slave, env=env)
    os.close(slave)
    out, _ = proc.communicate(timeout=240)
    err = bytearray()
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:
            break
        if not chunk:
            break
        err += chunk
    os.close(master)
    assert proc.returncode == 0
    assert b"05-shared-storage  [" in err and b"simulated " in err and b" of 30:00" in err
    assert err.endswith(b"\r\x1b[K")  # the last thing written to the terminal wipes the line
    assert out.startswith(b"05-shared-storage (seed 1): ")  # the report on stdout is untouched
