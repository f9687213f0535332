"""Recordings for the replay screen tests, made once per test session.

Level 1 is the quickest level to simulate (a whole run in about a second), and two runs that
differ only in the box size show a comparison at its clearest: the small box drowns in the spike
at 22:00, the bigger one does not. The files are named ``small.jsonl`` and ``large.jsonl`` so
their names on screen are the same on every run.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from scaleout_tui.recording.headless import run_recorded
from tests.once import shared_folder

SMALL = {"size": "m5.large"}
LARGE = {"size": "m5.2xlarge"}


def _record(folder: Path) -> None:
    run_recorded("01-single-server", folder / "small.jsonl", 1, SMALL)
    run_recorded("01-single-server", folder / "large.jsonl", 1, LARGE)


@pytest.fixture(scope="session")
def level_1_recordings(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The two recordings, made once for the whole run (tests/once.py): tests only read them."""
    folder = shared_folder(tmp_path_factory, "level-1-recordings", _record)
    return folder / "small.jsonl", folder / "large.jsonl"
