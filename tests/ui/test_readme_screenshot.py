"""The README's picture (``docs/screenshot.svg``) is the game as it is now, not as it was.

Refresh it with ``python -m tests.ui.screenshot`` (it writes ``docs/screenshot.svg``), look at it,
and commit it with the change that altered the play screen.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from pytest_textual_snapshot import normalize_svg

from tests.ui.conftest import REPO
from tests.ui.screenshot import shoot

COMMITTED = REPO / "docs" / "screenshot.svg"


@pytest.mark.slow  # a 200×60 screen after 20 simulated minutes of level 3: CI runs it
def test_the_readme_screenshot_matches_the_game(home: Path, tmp_path: Path) -> None:
    """Generate the picture again (same moment, manual clock, throwaway ``SCALEOUT_HOME``) and
    compare it with the committed one, after stripping the unique id Rich puts in every class
    name (``terminal-1234-r5``), as pytest-textual-snapshot compares its snapshots.

    When this fails, the play screen changed: run ``python -m tests.ui.screenshot``, check the
    new ``docs/screenshot.svg`` (e.g. in a browser), and commit it."""
    fresh = tmp_path / "screenshot.svg"
    asyncio.run(shoot(fresh))
    assert normalize_svg(fresh.read_text(encoding="utf-8")) == normalize_svg(
        COMMITTED.read_text(encoding="utf-8")), (
        "docs/screenshot.svg is out of date: run `python -m tests.ui.screenshot` and commit it")
