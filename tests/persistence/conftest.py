"""Every persistence test gets its own SCALEOUT_HOME, so nothing touches the real user folder."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def scaleout_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "home"
    monkeypatch.setenv("SCALEOUT_HOME", str(home))
    return home
