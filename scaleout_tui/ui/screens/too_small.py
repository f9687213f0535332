"""The notice shown instead of the game when the terminal is too small to lay it out.

Why a screen of its own: squeezing the play screen below 80×24 produces a layout where
panels overlap or vanish and the player cannot tell a broken game from a small window.
The app pushes this screen whenever the size drops below the minimum and pops it when
the terminal grows back, so whatever was underneath resumes exactly where it was.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Center, Middle
from textual.screen import Screen
from textual.widgets import Static

from scaleout_tui.ui import texts

MIN_WIDTH = 80
MIN_HEIGHT = 24


def too_small(width: int, height: int) -> bool:
    return width < MIN_WIDTH or height < MIN_HEIGHT


def notice(width: int, height: int) -> str:
    return texts.TOO_SMALL.format(need_w=MIN_WIDTH, need_h=MIN_HEIGHT, w=width, h=height)


class TooSmallScreen(Screen[None]):
    """Centred notice with the needed and the current size; updated on every resize."""

    def __init__(self, width: int, height: int) -> None:
        super().__init__()
        self._wh = (width, height)

    def compose(self) -> ComposeResult:
        with Middle(), Center():
            yield Static(notice(*self._wh), id="too-small-notice")

    def show_size(self, width: int, height: int) -> None:
        self._wh = (width, height)
        self.query_one("#too-small-notice", Static).update(notice(width, height))
