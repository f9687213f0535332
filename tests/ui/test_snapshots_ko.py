"""The screens in Korean, at the minimum size (80×24) and a large one (200×60).

The Korean pictures of the main screens (``test_snapshots.py``) are taken in the same run as the
English ones (``tests/ui/views.py``: one run, the language switched in the game). The rest have
their Korean twin here, taken at the same moment (the ``scene_*`` functions those files share),
and the screens only this file shows (help, the leave question, the size notice) are taken in both.

Hangul takes two cells, so these are the pictures where a column measured in characters, a label
cut in the middle of a syllable or a border pushed out of line would show. Deterministic as the
English ones (manual clock, a fresh ``SCALEOUT_HOME``); the language is chosen the way ``--lang
ko`` chooses it, before the app is made.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable, Coroutine, Iterator
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from scaleout_tui import i18n
from scaleout_tui.ui import recordings
from scaleout_tui.ui.screens.confirm import ConfirmScreen
from scaleout_tui.ui.screens.help import HelpScreen
from tests.ui.conftest import (
    SIZES,
    open_level,
    two_level_game,
)

Scene = Callable[[Pilot[int]], Coroutine[Any, Any, None]]
pytestmark = pytest.mark.usefixtures("home")


@pytest.fixture
def korean() -> Iterator[None]:
    i18n.activate("ko")
    yield
    i18n.activate("en")


@pytest.fixture(params=["en", "ko"])
def lang(request: pytest.FixtureRequest) -> Iterator[str]:
    """Both languages, for the screens only this file shows."""
    i18n.activate(request.param)
    yield request.param
    i18n.activate("en")


# ---- the screens only this file shows, in both languages ----------------------------------------
async def scene_help_over_a_run(pilot: Pilot[int]) -> None:
    await open_level(pilot)
    await pilot.press("f1")
    await pilot.pause()
    assert isinstance(pilot.app.screen, HelpScreen)


async def scene_leave_question(pilot: Pilot[int]) -> None:
    play = await open_level(pilot)
    play.advance(60)
    await pilot.press("escape")
    await pilot.pause()
    assert isinstance(pilot.app.screen, ConfirmScreen)


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("scene", [scene_help_over_a_run, scene_leave_question], ids=["help", "leave"])
def test_dialog_over_a_run(snap_compare, lang: str, size: tuple[int, int], scene: Scene,  # type: ignore[no-untyped-def]
                           monkeypatch: pytest.MonkeyPatch) -> None:
    # the leave question names the run's recording, whose name carries the time it was made
    monkeypatch.setattr(recordings, "utc_now", lambda: time.struct_time((2026, 12, 3, 9, 30, 0, 3, 337, 0)))
    assert snap_compare(two_level_game(), terminal_size=size, run_before=scene)


def test_too_small_notice(snap_compare, lang: str) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(two_level_game(), terminal_size=(60, 16))


@pytest.mark.parametrize("size", SIZES)
def test_recording_picker(snap_compare, lang: str, size: tuple[int, int],  # type: ignore[no-untyped-def]
                          level_1_recordings: tuple[Path, Path]) -> None:
    """The map's "Load replay": the player's recordings by name and size."""
    folder = recordings.folder()
    folder.mkdir(parents=True, exist_ok=True)
    for path in level_1_recordings:
        shutil.copy(path, folder / path.name)
    assert snap_compare(two_level_game(), press=["l"], terminal_size=size)
