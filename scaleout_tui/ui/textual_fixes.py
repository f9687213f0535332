r"""Eleven workarounds for Textual 8.2 and Rich 15 that the tests, play and profiles found; the app
applies all eleven at start (:func:`install`).

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

**Resize storms.** A quick resize to 10×5 and back to 120×40 during a run hung the game: 100 % CPU,
keys ignored, memory growing. A screen lays itself out at the size its ``Resize`` event carries
and, since the screen is in its own layout, posts itself a new ``Resize`` whenever that size
differs from the last. Two events of different sizes in one screen's queue therefore re-post each
other for ever, unless they end up next to each other, where Textual keeps only the newer. They
do not while the app is in a batch (``App.batch_update``, held for instance by the footer while
it recomposes after the size notice closes): then each layout also queues its repaint behind its
own ``Resize``, so the two events never meet (a log of every message the campaign map received
in a hung run read: Resize 10×5, Callback, Callback, Resize 120×40, ... without end).
:func:`screens_follow_the_terminal` makes a screen's ``Resize`` lay it out at the terminal's size
now: a stale event then changes nothing and posts nothing, and the storm ends with the terminal.

**Page keys in a list not yet laid out.** Ctrl+P then PageUp or PageDown at once ended the game
with ``KeyError: 0``: the palette lists its commands and highlights the first one, the key
arrives before the list is laid out, and ``OptionList`` looks for the line of the highlighted
option in a table it fills only once it has a size. :func:`page_keys_wait_for_layout` lets such a
key move the highlight once the list is laid out (and do nothing if it never is).

**A choice in a palette already closed.** A storm of keys (Ctrl+P, Escape, Enter, arrows) ended
the game with ``ScreenStackError: Can't pop screen``: Escape closed the palette, but an Enter
already in the palette's queue still chose its highlighted command, and the palette dismissed
itself a second time. :func:`palette_chooses_only_while_open` drops a choice made after the
palette stopped being the screen on top. In the same way, the palette's search, still running
when the palette closed, showed its results in a list already removed (``NoMatches`` in the
search's worker); the list's visibility then changes nothing.

**A screen dismissed twice.** ``y`` pressed twice in a question ended the game with
``InvalidStateError``: the first press dismissed the question, and the second, already queued,
dismissed it again, setting its result a second time; and ``Screen.dismiss`` pops whatever screen
is on top, so it would have closed the run beneath too. :func:`dismiss_only_on_top` makes
``dismiss`` of a screen that is no longer on top do nothing.

**The last letter before a wrap, in Korean.** Rich wraps a line at a space and then drops the
spaces past the width (``Text.rstrip_end``), but it compares the text's length in characters
with the width in cells. A Hangul syllable is one character and two cells, so a Korean line that
filled its column exactly kept its trailing space, one cell too wide, and the line was cut with an
ellipsis: the map's chapter-two sandbox read "거쳐 com…" for "거쳐 comm" and "캐시…" for "캐시:" at
80×24. :func:`trailing_spaces_in_cells` measures in cells.

**Breakpoints after the first layout.** Textual gives a screen its breakpoint classes (the play
screen's ``-narrow``, ``-short``...) when it handles a ``Resize``, and a new screen gets its first
``Resize`` from its own first layout: it was laid out without them, then styled and laid out
again with them. That cost time (150 ms of opening level 8 at 200×60), and what the first pass
left could stay: the policy panel wrapped its help for a scrollbar it needed only without the
classes, and kept the scrollbar. :func:`breakpoints_from_the_start` sets them as each screen
composes.

**Seven caches for every line.** Textual's ``Strip`` (one line of a widget's rendering) creates
seven small caches when it is made (for its crops, styles, filters...), and a frame makes
thousands of strips, most of which never use one. Making them was most of the cost of a strip
(2.6 µs a strip with them, 0.45 µs without), and making strips was about 5 % of the test suite's
CPU: a full repaint of level 8's play screen at 200×60 took 116-130 ms instead
of 137-227 ms (the least and the median of 25, in two runs). :func:`lazy_line_caches` makes each
cache on its first read.
"""

from __future__ import annotations

import codecs
import functools
import re
from collections.abc import Callable
from functools import lru_cache
from typing import Any, Literal

import rich._wrap
import textual._wrap
from rich import text as rich_text
from rich.color import Color as RichColor
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual._styles_cache import StylesCache
from textual.await_complete import AwaitComplete
from textual.cache import FIFOCache
from textual.color import Color
from textual.command import CommandList, CommandPalette
from textual.filter import LineFilter, Monochrome
from textual.screen import Screen
from textual.strip import Strip
from textual.style import Style as TextualStyle
from textual.widgets import OptionList

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


# ---- resize storms ---------------------------------------------------------------------------------
def screens_follow_the_terminal() -> None:
    """Have ``Screen._on_resize`` see the terminal's current size instead of the size its event
    carries (see the module docstring); Textual's own handler does the rest. Once only."""
    original = Screen.__dict__["_on_resize"]
    if getattr(original, "follows_the_terminal", False):
        return

    async def on_resize(self: Screen[object], event: events.Resize) -> None:
        size = self.app.size
        if event.size != size:  # stale: a newer size is already the terminal's
            event.stop()
            event = events.Resize(size, size)
        await original(self, event)

    on_resize.follows_the_terminal = True  # type: ignore[attr-defined]
    Screen._on_resize = on_resize  # type: ignore[method-assign,assignment]


# ---- breakpoints -----------------------------------------------------------------------------------
def _breakpoint_classes(screen: Screen[Any]) -> dict[str, bool]:
    """The breakpoint classes Textual's ``Screen._on_resize`` gives ``screen`` at the terminal's
    size now (each of its breakpoints' names, on or off); none for a screen without any."""
    width, height = screen.app.size
    wide = (screen.app.HORIZONTAL_BREAKPOINTS if screen.HORIZONTAL_BREAKPOINTS is None
            else screen.HORIZONTAL_BREAKPOINTS) or []
    tall = (screen.app.VERTICAL_BREAKPOINTS if screen.VERTICAL_BREAKPOINTS is None
            else screen.VERTICAL_BREAKPOINTS) or []
    classes = dict.fromkeys((name for _, name in (*wide, *tall)), False)
    for name in (*screen._get_breakpoint_classes(width, wide), *screen._get_breakpoint_classes(height, tall)):
        classes[name] = True
    return classes


def breakpoints_from_the_start() -> None:
    """Give every screen the breakpoint classes of the terminal's size as it composes, before
    its first layout (see the module docstring). Once only."""
    original = Screen.__dict__["_compose"]
    if getattr(original, "breakpoints_first", False):
        return

    async def compose(self: Screen[object]) -> None:
        classes = _breakpoint_classes(self)
        if classes:
            self.update_classes(classes, animate=False)
        await original(self)

    compose.breakpoints_first = True  # type: ignore[attr-defined]
    Screen._compose = compose  # type: ignore[method-assign,assignment]


# ---- page keys -------------------------------------------------------------------------------------
def page_keys_wait_for_layout() -> None:
    """Make ``OptionList``'s PageUp / PageDown wait for the list's layout (see the module
    docstring): before it, the list does not know its lines nor how many make a page. Once only."""
    original = OptionList.__dict__["_move_page"]
    if getattr(original, "waits_for_layout", False):
        return

    def laid_out(options: OptionList) -> bool:
        return (options.highlighted or 0) in options._index_to_line

    def move_page(self: OptionList, direction: Literal[-1, 1]) -> None:
        if not self.option_count or laid_out(self):
            original(self, direction)
            return

        def later() -> None:  # once: a list that is never laid out ignores the key
            if self.option_count and laid_out(self):
                original(self, direction)

        self.call_after_refresh(later)

    move_page.waits_for_layout = True  # type: ignore[attr-defined]
    OptionList._move_page = move_page  # type: ignore[method-assign]


# ---- a palette already closed ----------------------------------------------------------------------
def palette_chooses_only_while_open() -> None:
    """Make the command palette ignore a choice it receives once it is no longer the screen on
    top (see the module docstring). Once only."""
    original = CommandPalette.__dict__["_select_or_command"]
    if getattr(original, "only_while_open", False):
        return

    def select_or_command(self: CommandPalette, event: object = None) -> None:
        if self.is_active:
            original(self, event)

    list_visible = CommandPalette.__dict__["_watch__list_visible"]

    def watch_list_visible(self: CommandPalette) -> None:
        if self.query(CommandList):  # its widgets are gone once it closed
            list_visible(self)

    CommandPalette._watch__list_visible = watch_list_visible  # type: ignore[method-assign]
    select_or_command.only_while_open = True  # type: ignore[attr-defined]
    CommandPalette._select_or_command = select_or_command  # type: ignore[method-assign]
    # it is also the handler of Enter in the palette's input (``@on``), kept in the class's table
    for handlers in CommandPalette.__dict__.get("_decorated_handlers", {}).values():
        handlers[:] = [(select_or_command if method is original else method, selectors)
                       for method, selectors in handlers]


# ---- a screen dismissed twice -----------------------------------------------------------------------
def dismiss_only_on_top() -> None:
    """Make ``Screen.dismiss`` do nothing for a screen no longer on top (see the module
    docstring). Once only."""
    original = Screen.__dict__["dismiss"]
    if getattr(original, "only_on_top", False):
        return

    def dismiss(self: Screen[Any], result: Any = None) -> AwaitComplete:
        if not self.is_active:
            return AwaitComplete.nothing()  # type: ignore[no-untyped-call,no-any-return]
        return original(self, result)  # type: ignore[no-any-return]

    dismiss.only_on_top = True  # type: ignore[attr-defined]
    Screen.dismiss = dismiss  # type: ignore[method-assign]


_TRAILING_SPACE = re.compile(r"\s+$")


def _rstrip_end(self: rich_text.Text, size: int) -> None:
    """``Text.rstrip_end`` measured in cells: drop trailing whitespace beyond ``size`` cells (each
    whitespace character is one cell, so dropping ``excess`` of them drops ``excess`` cells)."""
    excess = self.cell_len - size
    if excess > 0:
        trailing = _TRAILING_SPACE.search(self.plain)
        if trailing is not None:
            self.right_crop(min(len(trailing.group(0)), excess))


def trailing_spaces_in_cells() -> None:
    """Make Rich's wrap drop a line's trailing spaces by cells, not characters."""
    rich_text.Text.rstrip_end = _rstrip_end  # type: ignore[method-assign]


# ---- seven caches for every line ---------------------------------------------------------------------
class _LazyCache:
    """One of a Strip's cache attributes, made on first read.

    A descriptor per cache rather than a ``__getattr__`` on the class: that hook would slow every
    other attribute read of every strip (about 3×, and Python 3.11 stops specialising them)."""

    __slots__ = ("member", "size")

    def __init__(self, member: Any, size: int) -> None:
        self.member = member  # the slot's own descriptor, which holds the value
        self.size = size

    def __get__(self, obj: Strip | None, owner: type | None = None) -> Any:
        if obj is None:
            return self
        try:
            return self.member.__get__(obj, owner)
        except AttributeError:
            cache: FIFOCache[Any, Any] = FIFOCache(self.size)
            self.member.__set__(obj, cache)
            return cache

    def __set__(self, obj: Strip, value: Any) -> None:
        self.member.__set__(obj, value)

    def __delete__(self, obj: Strip) -> None:
        self.member.__delete__(obj)


def lazy_line_caches() -> bool:
    """Let each :class:`Strip` make its caches on first use; whether it was installed.

    The caches and their sizes are read from a strip made by Textual's own ``__init__``, and the
    lazy one is installed only if it leaves every other attribute exactly as Textual's does: a
    Textual that changes ``Strip`` keeps its own until this is looked at again.
    """
    if "_textual_init" in Strip.__dict__:
        return True
    probe = Strip([Segment("probe")], 5)
    sizes = {name: getattr(probe, name)._maxsize for name in Strip.__slots__
             if isinstance(getattr(probe, name, None), FIFOCache)}
    textual_init = Strip.__init__

    def __init__(self: Strip, segments: Any, cell_length: int | None = None) -> None:
        self._segments = list(segments)
        self._cell_length = cell_length
        self._render_cache = None
        self._link_ids = None
        self._cell_count = None

    lazy = object.__new__(Strip)
    __init__(lazy, [Segment("probe")], 5)
    others = [name for name in Strip.__slots__ if name not in sizes]
    if not sizes or any(getattr(lazy, n, lazy) != getattr(probe, n, probe) for n in others):
        return False
    for name, size in sizes.items():
        setattr(Strip, name, _LazyCache(Strip.__dict__[name], size))
    Strip.__init__ = __init__  # type: ignore[method-assign]
    Strip._textual_init = textual_init  # type: ignore[attr-defined]
    return True


def install() -> None:
    """Swap in the instance-free cache (once; harmless if Textual has changed the method), keep
    no-break spaces unbroken, survive undecodable input bytes, resize storms, page keys
    that come before a list is laid out, a choice in a palette already closed, a screen
    dismissed twice, and a Korean line's last letter before a wrap; give screens their
    breakpoint classes before their first layout, and lines their caches when they need them."""
    keep_no_break_spaces()
    trailing_spaces_in_cells()
    lenient_terminal_input()
    screens_follow_the_terminal()
    breakpoints_from_the_start()
    page_keys_wait_for_layout()
    palette_chooses_only_while_open()
    dismiss_only_on_top()
    lazy_line_caches()
    current = StylesCache.__dict__.get("get_inner_outer")
    if hasattr(current, "cache_info"):  # Textual's own lru_cache-wrapped method
        StylesCache.get_inner_outer = staticmethod(_inner_outer)  # type: ignore[assignment,method-assign]
