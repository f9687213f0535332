"""The key bar at the bottom of every screen, rebuilt only when the keys it shows change.

Why not Textual's ``Footer`` as it is: it rebuilds every key widget whenever the screen says its
bindings *may* have changed: each change of focus, each screen resume, and every
``refresh_bindings()`` a screen calls because one key's availability depends on the game's
state. On the play screen that is a dozen rebuilds to show the same keys, each mounting and
styling some twenty new widgets; the profile of opening a level put a sixth of its CPU time
there. This footer compares what it would show (each key, its label, whether it is enabled, its
tooltip, its group) with what it shows, and rebuilds only on a difference, so a key greyed out
or relabelled still shows at once.
"""

from __future__ import annotations

from collections.abc import Hashable

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer


class KeysFooter(Footer):
    """Textual's footer, rebuilt only when the keys on show differ."""

    def __init__(self) -> None:
        super().__init__()
        self._shown: Hashable = None

    def keys(self) -> Hashable:
        """What the footer shows, as a value two moments can be compared by."""
        return tuple(
            (binding.key, binding.action, binding.description, binding.show, enabled, tooltip,
             binding.group.description if binding.group else None)
            for _, binding, enabled, tooltip in self.screen.active_bindings.values()
        )

    def compose(self) -> ComposeResult:
        if self._bindings_ready:
            self._shown = self.keys()
        yield from super().compose()

    def bindings_changed(self, screen: Screen[object]) -> None:
        self._bindings_ready = True
        if not screen.app.app_focus:
            return
        if self.is_attached and screen is self.screen:
            self.call_after_refresh(self._rebuild_if_changed)

    async def _rebuild_if_changed(self) -> None:
        if self.is_attached and self.keys() != self._shown:
            await self.recompose()
