"""SIGKILL a process while it saves, over and over: the file must always parse.

Why a real kill: it is the one failure a ``try/finally`` cannot soften. A child process
loads the progress file, then records and saves in a tight loop (each save grows or
shrinks the file, so a torn write would show); the parent kills it at a random moment,
50 times (150 under ``make stress``), and after every kill loads the file strictly. The play
count must also never go backwards: a kill may lose the save in progress, never an earlier one.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from scaleout_tui.persistence.progress import Progress
from tests.power import power

#: 50 kills everyday (most land mid-save: the child does nothing else), 150 under ``make stress``
#: (tests/power.py); each kill starts a Python that imports the progress module, about 0.2 s
KILLS = power(50, 150)
#: a guard, not a speed target: 150 kills take about 40 s on an idle 2-core machine and over a
#: minute on one running three other jobs (CI saw 149 in 55 s); the suite's timeout is 300 s
BUDGET_S = 180.0

CHILD = textwrap.dedent(
    """
    import sys
    from scaleout_tui.persistence.progress import Progress

    progress, notice = Progress.load(sys.argv[1])
    if notice:
        print("NOTICE", notice, flush=True)
        sys.exit(3)
    n = sum(r.plays for r in progress.levels.values())
    print("ready", flush=True)
    while True:
        n += 1
        level = f"L{n % 37:02d}-" + "x" * (n % 50)
        progress.record(level, n % 3 == 0, n % 4, {"p95_ms": n * 1.5, "cost": n / 7})
        progress.save()
    """
)


def _plays(path: Path) -> int:
    progress, notice = Progress.load(path)
    assert notice is None, notice
    return sum(r.plays for r in progress.levels.values())


@pytest.mark.slow
def test_file_survives_sigkill_during_saves(tmp_path: Path) -> None:
    path = tmp_path / "progress.json"
    repo = Path(__file__).resolve().parents[2]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(repo), *sys.path])}
    rng = random.Random(20261122)
    start = time.monotonic()
    last = 0
    kills = 0
    while kills < KILLS and time.monotonic() - start < BUDGET_S - 5:
        child = subprocess.Popen([sys.executable, "-c", CHILD, str(path)], stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE, env=env, text=True)
        assert child.stdout is not None
        line = child.stdout.readline()
        if not line.startswith("ready"):
            child.kill()
            _, err = child.communicate()
            pytest.fail(f"child did not start cleanly after {kills} kills: {line!r} {err}")
        time.sleep(rng.uniform(0.0, 0.04))
        child.send_signal(signal.SIGKILL)
        child.wait()
        child.stdout.close()
        assert child.stderr is not None
        child.stderr.close()
        kills += 1
        now = _plays(path)  # raises if the file is torn, or moved aside as corrupt
        assert now >= last, f"kill {kills}: play count went back from {last} to {now}"
        last = now
    elapsed = time.monotonic() - start
    leftovers = len(list(tmp_path.glob(".progress.json.*.tmp")))
    corrupt = len(list(tmp_path.glob("progress.json.corrupt-*")))
    print(f"\nSIGKILL test: {kills} kills in {elapsed:.1f} s, {last} saves survived, "
          f"0 unreadable files, {corrupt} moved aside; {leftovers} kills landed mid-save "
          f"(stray temp files)")
    assert kills == KILLS, f"only {kills} kills fit in {BUDGET_S} s"
    assert corrupt == 0
