"""A ``NO_COLOR`` filter that survives unstyled cells and the ANSI themes.

Why: with ``NO_COLOR`` set, Textual 8.2 turns every colour grey with its ``Monochrome`` line
filter, and that filter has two traps the game fell into:

* it reads ``style.color`` of each segment, but the charts' canvas (textual-hires-canvas, under
  textual-plot) draws some cells with no style at all: the filter raised ``AttributeError`` and
  the game died the moment a run's charts showed;
* it greys the terminal's *default* colours as if they were black, so after switching to an
  ANSI theme (``ansi-dark``, ``ansi-light``: text in the terminal's own default colours) every
  cell came out black on black.

This filter greys only colours given exactly (RGB, 256-colour), keeps the default colours, and
turns the 16 palette colours into the default ones, as ``NO_COLOR`` asks. The app swaps it in
for Textual's own.
"""

from __future__ import annotations

from functools import lru_cache

from rich.color import Color as RichColor
from rich.segment import Segment
from rich.style import Style
from textual.color import Color
from textual.filter import LineFilter, Monochrome

_PLAIN = Style()
_DEFAULT = RichColor.default()


def _grey(color: RichColor | None) -> RichColor | None:
    if color is None or color.is_default:
        return color
    if color.is_system_defined:  # a palette colour: the terminal's own; no colour means default
        return _DEFAULT
    return Color.from_rich_color(color).monochrome.rich_color


@lru_cache(1024)
def grey_style(style: Style | None) -> Style:
    """``style`` with its colours greyed (see the module docstring); no style is the plain one."""
    if style is None:
        return _PLAIN
    return style + Style.from_color(_grey(style.color), _grey(style.bgcolor))


class SafeMonochrome(Monochrome):
    """Textual's ``Monochrome``, for segments with or without a style, in any theme."""

    def apply(self, segments: list[Segment], background: Color) -> list[Segment]:
        return [Segment(text, grey_style(style), control) for text, style, control in segments]


def safe_filters(filters: list[LineFilter]) -> list[LineFilter]:
    """``filters`` with Textual's ``Monochrome`` replaced by :class:`SafeMonochrome`."""
    return [SafeMonochrome(f.enabled) if type(f) is Monochrome else f for f in filters]
