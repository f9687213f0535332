"""The policy panel: one drop-down per knob of the level, with the knob's help text.

Why it only posts what the player chose: whether a change is allowed right now (a box
that is already stopped cannot be resized again) is a rule of the simulation, so the
screen hands the choice to the session and, if the session refuses, calls
:meth:`PolicyPanel.show_values` to put the drop-down back to the value really in force.

Choices are labelled with what a player needs to compare them: an instance type's
vCPUs and price, a layout's meaning in words.

A level that lets the player break boxes gets the failure drill at the end of the panel
(:class:`~scaleout_tui.ui.widgets.drill.FailureDrill`), as one more group: Tab reaches it
like any knob, and a short terminal shows its help only while it has the focus.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from textual import events
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Label, Select, Static

from scaleout_tui.content.schema import Knob
from scaleout_tui.engine.instance import InstanceType
from scaleout_tui.ui import texts
from scaleout_tui.ui.fmt import reflow
from scaleout_tui.ui.widgets.drill import FailureDrill


def choice_label(knob: Knob, choice: str, catalog: Mapping[str, InstanceType]) -> str:
    """How a choice reads in the drop-down: ``m5.xlarge    4 vCPU  $0.192/h``, padded so the
    columns of all the knob's choices line up (the list is read as a price table)."""
    if knob.param.endswith(".size") and choice in catalog:
        it = catalog[choice]
        sizes = [catalog[c] for c in knob.choices if c in catalog]
        name_w = max(len(s.name) for s in sizes)
        cpu_w = max(len(str(s.vcpus)) for s in sizes)
        return texts.KNOB_INSTANCE.format(name=it.name.ljust(name_w), vcpus=str(it.vcpus).rjust(cpu_w),
                                          price=it.price_per_hour)
    if knob.param == "layout":
        return texts.LAYOUTS.get(choice, choice)
    return choice


def select_id(knob_id: str) -> str:
    return f"knob-{knob_id}"


class PolicyPanel(VerticalScroll, can_focus=False):
    """Label, drop-down and help for each knob, in the level's order; then the drill."""

    def __init__(self, knobs: tuple[Knob, ...], values: Mapping[str, str],
                 catalog: Mapping[str, InstanceType], *, injections: Sequence[str] = (),
                 targets: Sequence[str] = (), drill_help: str = texts.DRILL_HELP,
                 id: str | None = None) -> None:
        super().__init__(id=id)
        self._knobs = knobs
        self._values = dict(values)
        self._catalog = catalog
        self._injections = tuple(injections)
        self._targets = tuple(targets)
        self._drill_help = drill_help

    def compose(self) -> ComposeResult:
        for knob in self._knobs:
            # One group per knob, so a short terminal can show the help of the focused knob
            # only (see on_descendant_focus).
            with Vertical(classes="knob-group"):
                yield Label(knob.label, classes="knob-label")
                select: Select[str] = Select(
                    [(choice_label(knob, c, self._catalog), c) for c in knob.choices],
                    value=self._values.get(knob.id, knob.default),
                    allow_blank=False,
                    compact=True,
                    id=select_id(knob.id),
                    classes="knob",
                )
                if knob.help:
                    select.tooltip = knob.help
                yield select
                if knob.help:
                    yield Static(reflow(knob.help), classes="knob-help")
        if self._injections:
            yield FailureDrill(self._injections, self._targets, help_text=self._drill_help, id="drill",
                               classes="knob-group")

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        """Mark the knob group holding the focus (short terminals show only its help).

        Done here rather than with ``:focus-within`` in CSS: Textual re-styles the focused
        group itself but not the help text inside it, so the help would not appear.
        """
        for group in self.query(".knob-group"):
            group.set_class(event.widget in group.walk_children(), "-active")

    @staticmethod
    def knob_of(select: Select[Any]) -> str | None:
        """The knob id a drop-down belongs to, or ``None`` for a foreign Select."""
        sid = select.id or ""
        return sid.removeprefix("knob-") if sid.startswith("knob-") else None

    def show_values(self, values: Mapping[str, str]) -> None:
        """Make every drop-down show the value in force (after a refused change)."""
        for knob in self._knobs:
            value = values.get(knob.id)
            select = self.query_one(f"#{select_id(knob.id)}", Select)
            if value is not None and select.value != value:
                select.value = value
