"""Work that tests in several workers need, done once per test run rather than once per worker.

Why: the suite runs on pytest-xdist, and a ``scope="session"`` fixture is made once *per
worker*. For a fixture that costs seconds (cfn-lint loading its schemas, two recorded runs of
level 1) that is two or three times the same deterministic work on two cores. Here the first
worker to ask fills a folder under the run's shared temporary root, holding a lock; the others
wait on the lock and read what it made. Without xdist the folder is the run's own. Each run of
the suite starts empty (pytest gives every run a fresh root), so nothing carries over between
runs, and a fill that raised leaves no result behind: the next test to ask tries again and
reports its own error.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Callable
from pathlib import Path

import pytest

DONE = ".done"


def shared_folder(factory: pytest.TempPathFactory, name: str, fill: Callable[[Path], None]) -> Path:
    """The folder ``name`` of this test run, filled by ``fill`` exactly once across workers."""
    base = factory.getbasetemp()
    root = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base
    folder = root / f"once-{name}"
    with open(root / f"once-{name}.lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        if not (folder / DONE).exists():
            folder.mkdir(exist_ok=True)
            fill(folder)
            (folder / DONE).touch()
    return folder
