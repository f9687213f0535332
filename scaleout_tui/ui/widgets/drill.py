"""The failure drill: pick a box and a kind of failure, then break it or repair it.

Why it lives in the policy panel: breaking a box is one more thing the player *does* to the
system, next to the knobs, and the panel is already the place the keyboard goes (Tab). The
widget only holds the choice; the play screen sends the command (``i`` / ``u``, the buttons
or the command palette all end in the same two screen methods), so a refusal is handled once.

The kinds offered are the level's own ``injections``; the boxes are those of the latest
snapshot that the level lets a player break (see :mod:`scaleout_tui.ui.failures`),
refreshed only when their names change (setting a drop-down's options resets its
selection, which must not happen under the player's cursor every frame).
"""

from __future__ import annotations

from collections.abc import Sequence

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Label, Select, Static

from scaleout_tui.ui import texts
from scaleout_tui.ui.fmt import reflow


class FailureDrill(Vertical):
    """Target and kind drop-downs, then Inject and Repair buttons."""

    def __init__(self, kinds: Sequence[str], targets: Sequence[str], *, help_text: str = texts.DRILL_HELP,
                 id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._kinds = tuple(kinds)
        self._targets = tuple(targets)
        self._help = help_text

    def compose(self) -> ComposeResult:
        yield Label(texts.DRILL_LABEL, classes="knob-label")
        with Horizontal(classes="drill-row"):
            # Blank at first: breaking a box is a deliberate act, so the player names it.
            yield Select([(t, t) for t in self._targets], prompt=texts.DRILL_TARGET_PROMPT,
                         allow_blank=True, compact=True, id="drill-target")
            kind: Select[str] = Select([(texts.DRILL_KINDS.get(k, k), k) for k in self._kinds],
                                       allow_blank=False, compact=True, id="drill-kind")
            kind.tooltip = "\n".join(f"{texts.DRILL_KINDS.get(k, k)}: {texts.DRILL_KIND_HELP.get(k, k)}"
                                     for k in self._kinds)
            yield kind
        with Horizontal(classes="drill-row"):
            yield Button(texts.DRILL_INJECT, variant="error", compact=True, id="drill-inject")
            yield Button(texts.DRILL_REPAIR, variant="success", compact=True, id="drill-repair")
        yield Static(reflow(self._help), classes="knob-help", markup=False)

    @property
    def target(self) -> str | None:
        """The chosen box, or ``None`` when the player has not chosen one."""
        return self.query_one("#drill-target", Select).selection

    @property
    def kind(self) -> str | None:
        return self.query_one("#drill-kind", Select).selection

    @property
    def targets(self) -> tuple[str, ...]:
        return self._targets

    def set_targets(self, targets: Sequence[str]) -> None:
        """Offer these boxes; keep the choice if its box still exists."""
        targets = tuple(targets)
        if targets == self._targets:
            return
        self._targets = targets
        select = self.query_one("#drill-target", Select)
        chosen = select.selection
        select.set_options([(t, t) for t in targets])
        if chosen in targets:
            select.value = chosen
