"""The engine stays a small kernel with one small module per mechanism.

Why a test: the shape is what lets the next mechanism be one new module (docs/architecture.md).
A module that grows past 500 lines has usually started to host a second mechanism; the limit
makes that a decision someone takes, not a drift. The kernel
(``simulation.py``: the clock, the step and the dispatch) has the tighter limit.
"""

from __future__ import annotations

from pathlib import Path

import scaleout_tui.engine as engine

ENGINE = Path(engine.__file__).parent
KERNEL_MAX_LINES = 400
MODULE_MAX_LINES = 500


def lines(path: Path) -> int:
    return len(path.read_text(encoding="utf-8").splitlines())


def test_the_kernel_stays_small() -> None:
    assert lines(ENGINE / "simulation.py") <= KERNEL_MAX_LINES


def test_no_engine_module_hosts_more_than_one_mechanism() -> None:
    too_long = {p.name: lines(p) for p in sorted(ENGINE.rglob("*.py")) if lines(p) > MODULE_MAX_LINES}
    assert not too_long, f"split these by mechanism (limit {MODULE_MAX_LINES} lines): {too_long}"
