"""Changing the language while the game runs: every word on screen follows, nothing restarts.

What has to move, and why each is here:
- the texts modules: :func:`scaleout_tui.i18n.activate` rebinds them;
- the levels' words: the content is read again, in the new language (``content.translations``);
- the key names in the footer: Textual copies a class's ``BINDINGS`` when a screen is made, so
  both the class lists and the live screens' copies are translated again
  (:func:`scaleout_tui.i18n.current` knows each name's English);
- what the screens already drew: the screens on the stack compose again (a run keeps its session:
  only its widgets are made anew, and they draw from the next snapshot);
- the choice itself: saved with the player's progress, so the next start speaks it too.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from textual.binding import Binding, BindingsMap
from textual.dom import DOMNode

from scaleout_tui import i18n

if TYPE_CHECKING:
    from textual.app import App


def _subclasses(cls: type[DOMNode]) -> Iterator[type[DOMNode]]:
    sub: type[DOMNode]
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def _translated(binding: Any) -> Any:
    if isinstance(binding, Binding):
        return dataclasses.replace(binding, description=i18n.current(binding.description),
                                   tooltip=i18n.current(binding.tooltip))
    return binding


#: the language the classes' key names were last put in (``None``: as made, not yet checked)
_classes_speak: str | None = None


def retranslate_bindings(app: App[Any]) -> None:
    """Every key name of the game's screens and widgets in the active language: the classes'
    lists (for screens made from now on) and the copies of the screens already made. Nothing to
    do when they already speak it (every app start asks, a change of language does the work)."""
    global _classes_speak
    if _classes_speak == i18n.active():
        return
    _classes_speak = i18n.active()
    ours = [cls for cls in set(_subclasses(DOMNode)) if cls.__module__.startswith("scaleout_tui.")]
    for cls in ours:
        own = cls.__dict__.get("BINDINGS")
        if isinstance(own, list):
            own[:] = [_translated(b) for b in own]
    for cls in ours:  # Textual merges a class's bindings with its bases' once, when it is made
        cls._merged_bindings = cls._merge_bindings()
    for node in [app, *app.screen_stack, *(w for s in app.screen_stack for w in s.walk_children())]:
        bindings = getattr(node, "_bindings", None)
        if isinstance(bindings, BindingsMap):
            for key, found in bindings.key_to_bindings.items():
                bindings.key_to_bindings[key] = [_translated(b) for b in found]


def next_language(lang: str) -> str:
    """The language after ``lang`` in :data:`scaleout_tui.i18n.LANGUAGES` (a key cycles them)."""
    return i18n.LANGUAGES[(i18n.LANGUAGES.index(lang) + 1) % len(i18n.LANGUAGES)]
