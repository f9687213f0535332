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

SMALL = {"size": "m5.large"}
LARGE = {"size": "m5.2xlarge"}


@pytest.fixture(scope="session")
def level_1_recordings(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("recordings")
    small, large = folder / "small.jsonl", folder / "large.jsonl"
    run_recorded("01-single-server", small, 1, SMALL)
    run_recorded("01-single-server", large, 1, LARGE)
    return small, large
