"""How hard the stress tests push: the suite's everyday power, or the full power of ``make stress``.

Why two: a fuzzer or a storm finds more the longer it runs, and CI runs every test on two cores
within a budget (issue 12). So the suite runs each stress test at a power that still exercises
every path it checks (every seed file is mutated, every level is played at random, a key storm
hits the map), and ``make stress`` (``SCALEOUT_TEST_POWER=full``) runs the counts each test was
written with: after a change to the loaders, the engine's commands or the screens' life cycle,
and before a release. Both are deterministic (Hypothesis is derandomized, storms take fixed
seeds), so a failure at either power reproduces.
"""

from __future__ import annotations

import os
from typing import TypeVar

T = TypeVar("T")

#: ``SCALEOUT_TEST_POWER=full``: the stress tests at the counts they were written with
FULL = os.environ.get("SCALEOUT_TEST_POWER", "") == "full"


def power(everyday: T, full: T) -> T:
    """``full`` under ``make stress``, else ``everyday``."""
    return full if FULL else everyday
