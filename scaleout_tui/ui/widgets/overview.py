"""The board above the charts (the diagram and the live gauges), scrolled on a short terminal.

Why a widget of its own: at 80×24 the board of a big level is taller than the rows it may take
(the charts keep theirs), and the rows that did not fit, such as level 8's "Live" latency,
errors and cost, sat below the fold with only a one-column scroll bar to hint at them, and no
key reached them (a scrollable container takes keys only while it has the focus, and the focus
stays in the settings). So when the board overflows, a rule under it says what is hidden and
how to see it (PgDn / PgUp, which the play screen sends here, or the mouse wheel); the rule is
gone when everything fits, so a board that fits loses no row.
"""

from __future__ import annotations

from textual.containers import ScrollableContainer

from scaleout_tui.ui import texts


class Overview(ScrollableContainer, can_focus=False):
    """The diagram and the gauges; ``-overflow`` (a rule with a hint) while some of it is hidden."""

    def overflows(self) -> bool:
        """Whether some of the board is out of view (above or below)."""
        return self.max_scroll_y > 0

    def update_hint(self) -> None:
        """Show or hide the rule, and say which way the hidden rows are."""
        over = self.overflows()
        self.set_class(over, "-overflow")
        if not over:
            self.border_subtitle = ""
        elif self.scroll_y < self.max_scroll_y:
            self.border_subtitle = texts.OVERVIEW_MORE_BELOW
        else:
            self.border_subtitle = texts.OVERVIEW_MORE_ABOVE

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        self.update_hint()

    def on_resize(self) -> None:
        """A new size or new content (a fleet that grew) may hide rows or show them all."""
        self.update_hint()

    def page(self, down: bool) -> None:
        """PgDn / PgUp from the play screen (the focus is in the settings, not here)."""
        if down:
            self.scroll_page_down(animate=False)
        else:
            self.scroll_page_up(animate=False)
