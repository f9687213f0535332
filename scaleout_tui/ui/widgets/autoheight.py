"""Repaint a ``height: auto`` panel when its data changes; lay the screen out only when its height does.

Why: a reactive declared with ``layout=True`` makes Textual lay out the *whole screen* each
time its value changes. The diagram, the objectives and the tables under them get new data at
every refresh of a running game (a CPU bar moves, a value ticks) while their height almost
never changes, so those layouts re-arranged and repainted every panel, the policy panel's
drop-downs included, four times a second: at 200×60 that was most of the cost of a refresh
and of the time taken from the simulation (``bench/ui.py``). Their reactives now only repaint,
and :meth:`FitsContent.fit_height` asks for a layout when the content is taller or shorter
than the room it has.
"""

from __future__ import annotations

from textual.widget import Widget


class FitsContent(Widget):
    """A mixin for ``height: auto`` widgets; call :meth:`fit_height` from the data's watcher."""

    def fit_height(self) -> None:
        """Repaint (the reactive does); lay out too if the content's height changed.

        A widget not laid out yet, or hidden, has no room to compare with: the layout that
        shows it measures it anyway. A cap (``max-height``) that the content exceeds makes the
        heights differ at every change, which lays out as before: never worse than
        ``layout=True``.
        """
        width, height = self.content_size
        if width <= 0 or not self.display:
            return
        self.clear_cached_dimensions()  # the reactive's own repaint clears it only after the watchers
        if self.get_content_height(self.container_size, self.app.size, width) != height:
            self.refresh(layout=True)
