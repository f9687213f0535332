"""What a screen asks of the app: to go somewhere else.

The app owns the screen flow (see :mod:`scaleout_tui.ui.app`); a screen never calls the app's
methods, which would mean importing the app that imports every screen. It posts one of these
messages on itself instead: a message bubbles from a screen to its parent, the app, whose
``on_*`` handlers carry it out. So the screens know only this module, and a test can run one
under any app that answers these messages.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from textual.message import Message
from textual.screen import Screen

from scaleout_tui.content.schema import Level
from scaleout_tui.game.session import Result, Session
from scaleout_tui.ui.clock import DEFAULT_SPEED


class OpenBriefing(Message):
    """Open ``level``'s briefing over the map, or (``replace``) in place of the top screen.
    ``origin`` is the screen that asks (see :func:`stale`)."""

    def __init__(self, level: Level, *, replace: bool = False, origin: Screen[None] | None = None) -> None:
        super().__init__()
        self.level = level
        self.replace = replace
        self.origin = origin


class StartLevel(Message):
    """A fresh run of ``level`` in place of the top screen (briefing, play or debrief); ``knobs``
    are the settings to start with (a restart or a retry keeps the player's), the level's own
    where not given."""

    def __init__(self, level: Level, *, speed_index: int = DEFAULT_SPEED,
                 knobs: Mapping[str, str] | None = None, origin: Screen[None] | None = None) -> None:
        super().__init__()
        self.level = level
        self.speed_index = speed_index
        self.knobs = dict(knobs or {})
        self.origin = origin


def stale(origin: Screen[None] | None, top: Screen[object]) -> bool:
    """Whether a request to open or replace a screen came from a screen no longer on top.

    Why: a burst of keys can queue Enter (start the level) and Escape (back to the map) on a
    briefing; by the time the app reads the request, the briefing is gone, and "replace the top
    screen" would have replaced the map itself (``IndexError`` in Textual's ``switch_screen``,
    found by ``bench/attack.py``). Such a request is dropped: the player has moved on.
    """
    return origin is not None and origin is not top


class ShowDebrief(Message):
    """The finished run's debrief in place of ``play``, the screen that ran it; ``recording`` is
    the run's recording, complete (None when it was not recorded or its recording failed)."""

    def __init__(self, session: Session, result: Result, play: Screen[None] | None = None, *,
                 recording: Path | None = None) -> None:
        super().__init__()
        self.session = session
        self.result = result
        self.play = play
        self.recording = recording


class WatchWinningRun(Message):
    """The level's winning run (its reference solution) on ``seed``, beside the player's run
    recorded at ``recording`` (alone, with a word why, when that cannot be replayed)."""

    def __init__(self, level: Level, recording: Path | None, seed: int) -> None:
        super().__init__()
        self.level = level
        self.recording = recording
        self.seed = seed


class BackToMap(Message):
    """Close everything above the campaign map."""


class LoadReplay(Message):
    """Open the recording at ``path`` in the replay screen."""

    def __init__(self, path: Path | str) -> None:
        super().__init__()
        self.path = path


class SwitchLanguage(Message):
    """Speak ``lang`` from now on (``None``: the next language the game speaks), redraw every
    screen in it and save the choice with the player's progress."""

    def __init__(self, lang: str | None = None) -> None:
        super().__init__()
        self.lang = lang
