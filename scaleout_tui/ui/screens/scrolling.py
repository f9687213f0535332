"""Scroll keys for a screen whose text scrolls while a button has the focus.

The briefing and the debrief focus a button (Enter starts the level, or goes on), so
Textual's scroll keys, which a scrollable container only handles while *it* is focused,
did nothing: at 80×24 a player on the keyboard could not read the end of a long
briefing or debrief. These screen bindings send the usual keys to the text instead
(left and right stay unbound: buttons side by side may want them one day).
"""

from __future__ import annotations

from textual.binding import Binding, BindingType
from textual.containers import ScrollableContainer
from textual.dom import DOMNode

#: Key → the container's own action (Widget.action_<name>).
SCROLL_KEYS: dict[str, str] = {
    "up": "scroll_up",
    "down": "scroll_down",
    "pageup": "page_up",
    "pagedown": "page_down",
    "home": "scroll_home",
    "end": "scroll_end",
}

SCROLL_BINDINGS: list[BindingType] = [
    Binding(key, f"scroll_text('{how}')", show=False) for key, how in SCROLL_KEYS.items()
]


def scroll_text(screen: DOMNode, selector: str, how: str) -> None:
    """Scroll the container ``selector`` of ``screen`` the way its own key would.

    A key can reach a screen whose text is already gone: in a burst, Escape may dismiss the
    briefing while a Page Down for it is still queued. Then there is nothing to scroll."""
    if how in SCROLL_KEYS.values():
        for box in screen.query(selector).results(ScrollableContainer):
            getattr(box, f"action_{how}")()
