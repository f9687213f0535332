"""Two workarounds for Textual 8.2 that the hardening tests found; the app applies both.

**NO_COLOR.** With ``NO_COLOR`` set, Textual turns every colour grey with its ``Monochrome``
line filter, which has two traps the game fell into:

* it reads ``style.color`` of each segment, but the charts' canvas (textual-hires-canvas, under
  textual-plot) draws some cells with no style at all: the filter raised ``AttributeError`` and
  the game died the moment a run's charts showed;
* it greys the terminal's *default* colours as if they were black, so after switching to an
  ANSI theme (``ansi-dark``, ``ansi-light``: text in the terminal's own default colours) every
  cell came out black on black.

:class:`SafeMonochrome` greys only colours given exactly (RGB, 256-colour), keeps the default
colours, and turns the 16 palette colours into the default ones, as ``NO_COLOR`` asks.

**Memory of dead widgets.** ``StylesCache.get_inner_outer`` is an ``lru_cache`` on an instance
method, so the cache keeps up to 1024 ``StylesCache`` objects alive, each holding the rendered
lines of a widget long gone. Every run of a level builds a fresh play screen of some 70 widgets,
so each new run kept the previous runs' lines: about 6 MB more per run at 200×60
(``bench/soak.py`` shows it across two runs). :func:`install` replaces it with the same pure
function of the two colours, cached without the instance.
"""

from __future__ import annotations

from functools import lru_cache

from rich.color import Color as RichColor
from rich.segment import Segment
from rich.style import Style
from textual._styles_cache import StylesCache
from textual.color import Color
from textual.filter import LineFilter, Monochrome
from textual.style import Style as TextualStyle

_PLAIN = Style()
_DEFAULT = RichColor.default()


# ---- NO_COLOR --------------------------------------------------------------------------------------
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


# ---- memory --------------------------------------------------------------------------------------
@lru_cache(1024)
def _inner_outer(base_background: Color, background: Color) -> tuple[TextualStyle, TextualStyle]:
    """What ``StylesCache.get_inner_outer`` computes; it never read its instance."""
    return (TextualStyle(background=base_background + background),
            TextualStyle(background=base_background))


def install() -> None:
    """Swap in the instance-free cache (once; harmless if Textual has changed the method)."""
    current = StylesCache.__dict__.get("get_inner_outer")
    if hasattr(current, "cache_info"):  # Textual's own lru_cache-wrapped method
        StylesCache.get_inner_outer = staticmethod(_inner_outer)  # type: ignore[assignment,method-assign]
