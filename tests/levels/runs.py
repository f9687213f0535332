"""Whole level runs, each made once per test run and read by every test that asks for it.

Why: a whole level is 2-14 s of CPU, and some tests ask for the very same run: level 9's start
and its reference solution on seed 1 are graded by ``test_campaign_levels`` and their lesson
figures read by ``test_ingest_level``; level 8's start on seed 1 loses in one and misses its SLO in
the other. The engine is deterministic (a seed and the commands reproduce a run, byte for byte:
``tests/engine/test_simulation.py`` and ``tests/recording`` check that), so a second run would
only repeat the first. The first test to ask runs it, in whichever xdist worker, and the others
read its report (:mod:`tests.once`). Tests of determinism itself run their levels twice on purpose
and do not come here.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest

from scaleout_tui.game.headless import run_level
from tests.once import shared_folder


def level_report(factory: pytest.TempPathFactory, level_id: str, seed: int,
                 policy_path: Path | None = None, sets: dict[str, str] | None = None) -> dict[str, Any]:
    """The report of ``run_level(level_id, seed, sets, policy_path)``, run once per test run."""
    key = json.dumps([level_id, seed, None if policy_path is None else str(policy_path),
                      sorted((sets or {}).items())])

    def fill(folder: Path) -> None:
        report = run_level(level_id, seed=seed, sets=sets, policy_path=policy_path)
        (folder / "report.json").write_text(json.dumps(report), encoding="utf-8")

    name = f"level-run-{hashlib.sha256(key.encode()).hexdigest()[:16]}"
    folder = shared_folder(factory, name, fill)
    report: dict[str, Any] = json.loads((folder / "report.json").read_text(encoding="utf-8"))
    return report
