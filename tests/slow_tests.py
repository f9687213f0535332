"""Which tests ``make test-fast`` leaves to CI: the measured list in ``tests/slow_tests.txt``.

Why a measured list: the rule for the ``slow`` mark is a figure (a test that takes over about
3 s of a CI worker), and a figure drifts. A level gets a new gauge, a screen a new widget, and a
test written at 2 s takes 5 s a year later, with nobody going back to its decorator. Here the
figure is taken from a real run of the whole suite, as CI runs it, and the list is rewritten from
it; ``conftest.py`` marks every test named in it ``slow``. Hand-written ``@pytest.mark.slow``
marks stay where the reason is not the time (statistics, reliability, real terminals).

A test marked ``core`` is never listed: the few paths ``make test-fast`` keeps however long they
take (winning level 1, the play screen's keys, one seed reproducing a run).

Rewrite the list after a full run that printed every duration::

    make slow-list          # = the suite with --durations=0, then this module on its report

or by hand: ``python -m tests.slow_tests REPORT`` reads a pytest report (``--durations=0``).
"""

from __future__ import annotations

import re
import sys
from collections import defaultdict
from pathlib import Path

import pytest

LIST = Path(__file__).with_name("slow_tests.txt")
#: a test whose setup, call and teardown add up to more than this many seconds of a CI worker
THRESHOLD_S = 3.0
_LINE = re.compile(r"^(?P<s>\d+(?:\.\d+)?)s (?:setup|call|teardown)\s+(?P<id>\S.*?)\s*$")


def load(path: Path = LIST) -> dict[str, float]:
    """The node ids in the list with their measured seconds (each line: seconds, then the id;
    ``#`` starts a comment). No list yet (before the first ``make slow-list``) is an empty one."""
    seconds: dict[str, float] = {}
    if not path.exists():
        return seconds
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.split("#", 1)[0].strip()
        if line:
            s, nodeid = line.split(maxsplit=1)
            seconds[nodeid] = float(s)
    return seconds


#: fixture scopes wider than a test but narrower than the run: a test using one stays with its module
_SHARED_SCOPES = frozenset({"class", "module", "package"})


def longest_first(items: list[pytest.Item], seconds: dict[str, float]) -> list[pytest.Item]:
    """``items`` with the listed tests first, the longest first; the others as collected.

    Why: the suite runs on pytest-xdist's ``worksteal`` scheduler, which gives each worker one
    contiguous block of the collection, and a worker that runs dry takes the back half of the
    longest queue left. Collected folder by folder, the longest tests (real terminals, storms:
    ``tests/ui`` comes last) sat inside the last block, where they were often taken late, and a
    run ended with two cores 60-80 % busy for its last minute (``/proc/stat`` every 2 s,
    session 35). Listed first, they start at once at the head of the first block, while the
    others steal its tail, the short tests: the last minute of the next run was 85-100 % busy
    but for its final seconds (476 s -> 467 s of ``make check``, within this machine's noise).
    A listed test that uses a class- or module-wide fixture keeps its place, so the fixture is
    still made once a worker, not once before and once after the move.
    """
    def movable(item: pytest.Item) -> bool:
        if item.nodeid not in seconds:
            return False
        info = getattr(item, "_fixtureinfo", None)  # pytest's; absent on non-function items
        defs = info.name2fixturedefs.values() if info is not None else ()
        return not any(d.scope in _SHARED_SCOPES for group in defs for d in group)

    first = [item for item in items if movable(item)]
    moved = {id(item) for item in first}
    first.sort(key=lambda item: -seconds[item.nodeid])  # stable: equal times keep their order
    return first + [item for item in items if id(item) not in moved]


def measured(report: str) -> dict[str, float]:
    """Seconds per test (setup + call + teardown) from a ``--durations=0`` report."""
    seconds: dict[str, float] = defaultdict(float)
    for line in report.splitlines():
        m = _LINE.match(line)
        if m:
            seconds[m["id"]] += float(m["s"])
    return dict(seconds)


def write(seconds: dict[str, float], core: frozenset[str], path: Path = LIST) -> int:
    """Write the tests over :data:`THRESHOLD_S`, slowest first, leaving out ``core``; returns
    how many were written."""
    slow = sorted(((s, i) for i, s in seconds.items() if s > THRESHOLD_S and i not in core),
                  key=lambda row: (-row[0], row[1]))
    lines = [
        "# Tests `make test-fast` leaves to CI: over "
        f"{THRESHOLD_S:g} s of a CI worker in a full run (see tests/slow_tests.py).",
        "# seconds  test (setup + call + teardown), slowest first. Rewritten by `make slow-list`.",
        *(f"{s:7.2f}  {i}" for s, i in slow),
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return len(slow)


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print("usage: python -m tests.slow_tests REPORT  (a pytest report made with --durations=0)",
              file=sys.stderr)
        return 2
    report = Path(argv[1])
    try:
        seconds = measured(report.read_text(encoding="utf-8"))
    except OSError as e:
        print(f"{report}: {e.strerror}", file=sys.stderr)
        return 1
    if not seconds:
        print(f"{report}: no durations in it (run pytest with --durations=0)", file=sys.stderr)
        return 1
    core = _core_ids()
    n = write(seconds, core)
    print(f"{LIST}: {n} tests over {THRESHOLD_S:g} s of {len(seconds)} timed; "
          f"{len(core)} core tests kept out")
    return 0


def _core_ids() -> frozenset[str]:
    """The node ids of the tests marked ``core``, from a collection run."""
    import subprocess

    out = subprocess.run([sys.executable, "-m", "pytest", "--collect-only", "-q", "-m", "core",
                          "-n", "0"], capture_output=True, text=True, check=False)
    return frozenset(line for line in out.stdout.splitlines() if "::" in line)


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
