r"""Four workarounds for Textual 8.2 and Rich that the tests found; the app applies all four.

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

**No-break spaces.** The game keeps a number and its unit together with a no-break space
(``96\u00a0%\u00a0CPU``, see ``game/texts.py``), but Rich and Textual find line breaks with
``\s``, which matches U+00A0 too: the debrief at 80 columns still read "96" at the end of one
line and "% CPU" at the start of the next. :func:`install` gives both word splitters the same
patterns with the no-break spaces (U+00A0, U+202F) counted as part of a word.

**Bytes that are not UTF-8.** Textual's input thread decodes the terminal's bytes as strict UTF-8,
so one Latin-1 byte (a Latin-1 terminal typing "é") or a pasted ``\xff\xfe`` raised
``UnicodeDecodeError`` in that thread and the game quit with status 0, losing the run.
:func:`lenient_terminal_input` makes the decoder replace such bytes with U+FFFD, which the key
parser passes on as a character no binding uses.
"""

from __future__ import annotations

import codecs
import functools
import re
from collections.abc import Callable
from functools import lru_cache

import rich._wrap
import textual._wrap
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


# ---- no-break spaces ------------------------------------------------------------------------------
#: Whitespace a line may break at: any but the no-break spaces.
_BREAKABLE = r"[^\S\u00a0\u202f]"
#: A word's characters: anything else.
_WORD = r"[\S\u00a0\u202f]"
#: Rich's ``re_word`` (``\s*\S+\s*``) and Textual's ``re_chunk`` (``\S+\s*|\s+``), no-break aware.
RICH_WORD = re.compile(f"{_BREAKABLE}*{_WORD}+{_BREAKABLE}*")
TEXTUAL_CHUNK = re.compile(f"{_WORD}+{_BREAKABLE}*|{_BREAKABLE}+")


def keep_no_break_spaces() -> None:
    """Make Rich's and Textual's line breaking respect no-break spaces (their functions read
    these module globals at each call)."""
    rich._wrap.re_word = RICH_WORD
    textual._wrap.re_chunk = TEXTUAL_CHUNK


def lenient_terminal_input() -> None:
    """Decode the terminal's input with ``errors="replace"`` (see the module docstring). Textual's
    Linux driver looks ``getincrementaldecoder`` up in its own module when its input thread
    starts, so rebinding that name there is enough."""
    from textual.drivers import linux_driver

    names = vars(linux_driver)  # (not an attribute the module exports: its own import)
    if getattr(names.get("getincrementaldecoder"), "lenient", False):
        return

    def lenient(encoding: str) -> Callable[[], codecs.IncrementalDecoder]:
        return functools.partial(codecs.getincrementaldecoder(encoding), errors="replace")

    lenient.lenient = True  # type: ignore[attr-defined]
    names["getincrementaldecoder"] = lenient


def install() -> None:
    """Swap in the instance-free cache (once; harmless if Textual has changed the method), keep
    no-break spaces unbroken, and survive undecodable input bytes."""
    keep_no_break_spaces()
    lenient_terminal_input()
    current = StylesCache.__dict__.get("get_inner_outer")
    if hasattr(current, "cache_info"):  # Textual's own lru_cache-wrapped method
        StylesCache.get_inner_outer = staticmethod(_inner_outer)  # type: ignore[assignment,method-assign]
