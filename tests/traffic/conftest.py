"""Every traffic test gets its own empty ``SCALEOUT_HOME``: the library includes the player's
imported traces, and a real player's folder must not change what a test sees."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from scaleout_tui.content import scenarios
from scaleout_tui.home import HOME_ENV


@pytest.fixture(autouse=True)
def home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    folder = tmp_path_factory.mktemp("home")
    monkeypatch.setenv(HOME_ENV, str(folder))
    scenarios.load_scenario.cache_clear()  # an imported trace's shape is cached by its name
    yield folder
    scenarios.load_scenario.cache_clear()
