"""The policy panel: one drop-down per knob of the level, with the knob's help text.

Why it only posts what the player chose: whether a change is allowed right now (a box
that is already stopped cannot be resized again) is a rule of the simulation, so the
screen hands the choice to the session and, if the session refuses, calls
:meth:`PolicyPanel.show_values` to put the drop-down back to the value really in force.

Choices are labelled with what a player needs to compare them: an instance type's
vCPUs and price; any other choice in words with its unit (``content.labels.choice_words``: one
table for the drop-downs, the event log, the debrief and the command line).

A level that lets the player break boxes gets the failure drill at the end of the panel
(:class:`~scaleout_tui.ui.widgets.drill.FailureDrill`), as one more group: Tab reaches it
like any knob, and a short terminal shows its help only while it has the focus.

Why each heading carries a marker, a key and a mark (issue 14): a player who cannot tell which
drop-down has the focus changes the wrong setting. The focused setting's heading starts with
"▶" and its drop-down gets a bar and reversed text (a grey step alone vanished in some themes
and under ``NO_COLOR``); the key in brackets goes straight to the setting (:data:`KNOB_KEYS`);
" *" marks a value that differs from the level's start, which Retry keeps and ``0`` resets.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from typing import Any

from rich.cells import cell_len
from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.widget import Widget
from textual.widgets import Label, Select, Static

from scaleout_tui.content.labels import choice_words
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
        name_w = max(cell_len(s.name) for s in sizes)
        cpu_w = max(cell_len(str(s.vcpus)) for s in sizes)
        name = it.name + " " * (name_w - cell_len(it.name))
        vcpus = " " * (cpu_w - cell_len(str(it.vcpus))) + str(it.vcpus)
        return texts.KNOB_INSTANCE.format(name=name, vcpus=vcpus, price=it.price_per_hour)
    return choice_words(knob.param, choice)


def knob_help(knob: Knob) -> str:
    """The help line (and tooltip) of a setting. When the heading is the short label, the line
    starts with the long one, so what the heading leaves out ("(simple, step)": which policies
    read the setting) is one focus away, also at 80×24 where only the focused help shows."""
    if knob.heading == knob.label:
        return knob.help
    if not knob.help:
        return texts.KNOB_LONG_FORM.format(label=knob.label)
    return texts.KNOB_LONG_FORM_HELP.format(label=knob.label, help=knob.help)


def select_id(knob_id: str) -> str:
    return f"knob-{knob_id}"


#: The letters the play screen leaves free for the settings' direct keys, in order: not c i p q r
#: t u (the drill's i/u, restart's r, a replay's t and c; p and q, which a player may press by
#: habit to pause or quit). The help screen (texts.HELP_TEXT) names the same exclusions.
KNOB_LETTERS = "abdefghjklmnosvwxyz"
#: Every setting's direct key, in the panel's order: the letters, then the same with Shift (the
#: sandbox has 35 settings). A level with more settings than keys leaves the rest to Tab and Ctrl+P.
KNOB_KEYS: tuple[str, ...] = tuple(KNOB_LETTERS) + tuple(KNOB_LETTERS.upper())


def knob_heading(label: str, key: str | None, *, focused: bool, changed: bool) -> Text:
    """``▶ [a] Instance size *``: the focus marker (or as many blanks), the key, the label,
    the changed mark. The marker's blank keeps every label in the same column."""
    out = Text()
    out.append(texts.KNOB_FOCUS_MARK if focused else texts.KNOB_NO_FOCUS_MARK, style="bold")
    if key is not None:
        out.append(texts.KNOB_KEY.format(key=key), style="bold" if focused else "")
    out.append(label, style="bold reverse" if focused else "bold")
    if changed:
        out.append(texts.KNOB_CHANGED_MARK, style="bold")
    return out


class PolicyPanel(VerticalScroll, can_focus=False):
    """Label, drop-down and help for each knob, in the level's order; then the drill."""

    def __init__(self, knobs: tuple[Knob, ...], values: Mapping[str, str],
                 catalog: Mapping[str, InstanceType], *, injections: Sequence[str] = (),
                 targets: Sequence[str] = (), drill_help: str = texts.DRILL_HELP,
                 resettable: bool = True, id: str | None = None) -> None:
        super().__init__(id=id)
        #: Whether ``0`` resets here (not in a replay): the title's hint says so or not.
        self._resettable = resettable
        self._knobs = knobs
        self._values = dict(values)
        self._catalog = catalog
        self._injections = tuple(injections)
        self._targets = tuple(targets)
        self._drill_help = drill_help
        #: The knob whose drop-down holds the focus (its heading shows the marker).
        self._focused: str | None = None
        #: The group and the drop-down marked as holding the focus (see mark_focus).
        self._marked_group: Widget | None = None
        self._marked_select: Select[Any] | None = None

    def compose(self) -> ComposeResult:
        for i, knob in enumerate(self._knobs):
            # One group per knob, so a short terminal can show the help of the focused knob
            # only (see on_descendant_focus).
            with Vertical(classes="knob-group"):
                yield Label(self._heading(knob, i), id=f"label-{knob.id}", classes="knob-label")
                value = self._values.get(knob.id, knob.default)
                select: Select[str] = Select(
                    [(choice_label(knob, c, self._catalog), c) for c in self._options(knob, value)],
                    value=value,
                    allow_blank=False,
                    compact=True,
                    id=select_id(knob.id),
                    classes="knob",
                )
                help_text = knob_help(knob)
                if help_text:
                    select.tooltip = Content(help_text)  # level text: brackets are not markup
                yield select
                if help_text:
                    yield Static(reflow(help_text), classes="knob-help", markup=False)  # level text
        if self._injections:
            yield FailureDrill(self._injections, self._targets, help_text=self._drill_help, id="drill",
                               classes="knob-group")

    def _heading(self, knob: Knob, index: int) -> Text:
        key = KNOB_KEYS[index] if index < len(KNOB_KEYS) else None
        return knob_heading(knob.heading, key, focused=knob.id == self._focused,
                            changed=self._values.get(knob.id, knob.default) != knob.default)

    def on_mount(self) -> None:
        self._retitle()

    def _retitle(self) -> None:
        """The title says what " *" means (and that 0 resets) once a setting shows it."""
        if not self.changed():
            self.border_title = texts.PANEL_POLICY
        else:
            self.border_title = (texts.PANEL_POLICY_CHANGED if self._resettable
                                 else texts.PANEL_POLICY_CHANGED_REPLAY)

    def _relabel(self, knob_ids: Collection[str] | None = None) -> None:
        """Write the headings again: of ``knob_ids`` only, or of every knob (``None``)."""
        # A query, not query_one: a focus change can still arrive while the panel is torn down.
        labels = {label.id: label for label in self.query(".knob-label").results(Label)}
        for i, knob in enumerate(self._knobs):
            label = labels.get(f"label-{knob.id}")
            if label is not None and (knob_ids is None or knob.id in knob_ids):
                heading, shown = self._heading(knob, i), label.content
                # as wide as the one shown (the focus mark and its blank are): no layout needed
                same = isinstance(shown, Text) and shown.cell_len == heading.cell_len
                label.update(heading, layout=not same)

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        self.mark_focus(event.widget)

    def on_descendant_blur(self, event: events.DescendantBlur) -> None:
        # The focus may have left the panel (a click on a chart): check once it has landed.
        self.call_after_refresh(self._mark_current_focus)

    def _mark_current_focus(self) -> None:
        if self.is_attached:
            self.mark_focus(self.screen.focused)

    def mark_focus(self, widget: Widget | None) -> None:
        """Mark the group and the drop-down holding the focus: the heading's marker, a bar
        beside the drop-down (``-focus``), and, on short terminals, the group's help only.

        Done here rather than with ``:focus-within`` in CSS: Textual re-styles the focused
        group itself but not the help text inside it, so the help would not appear.
        """
        group: Widget | None = None
        select: Select[Any] | None = None
        if widget is not None and self in widget.ancestors:
            # up from the focused widget: the drop-down it is (or is in), then its knob's group
            for node in (widget, *widget.ancestors):
                if node is self:
                    break
                if select is None and isinstance(node, Select):
                    select = node
                if node is not widget and isinstance(node, Widget) and node.has_class("knob-group"):
                    group = node
                    break
        # Only the marks that move are touched: each one re-styles its widget and what it holds.
        # Re-marking all thirteen drop-downs of level 8 (and rewriting every heading, with a
        # layout) was a fifth of what a Tab cost there at 200×60 (145 ms, now 118 ms).
        marks = ((self._marked_group, group, "-active"), (self._marked_select, select, "-focus"))
        for old, new, mark in marks:
            if old is not new:
                if old is not None:
                    old.remove_class(mark)
                if new is not None:
                    new.add_class(mark)
        self._marked_group, self._marked_select = group, select
        focused = self.knob_of(select) if select is not None else None
        if focused != self._focused:
            moved = {k for k in (self._focused, focused) if k is not None}
            self._focused = focused
            self._relabel(moved)

    @staticmethod
    def knob_of(select: Select[Any]) -> str | None:
        """The knob id a drop-down belongs to, or ``None`` for a foreign Select."""
        sid = select.id or ""
        return sid.removeprefix("knob-") if sid.startswith("knob-") else None

    @staticmethod
    def _options(knob: Knob, value: str) -> list[str]:
        """The knob's choices, and the value in force when it is not one of them: a sandbox
        plays an imported production setting as written (``scaleout run sandbox --policy``),
        and its replay shows it in the list it came from."""
        return list(knob.choices) if value in knob.choices else [*knob.choices, value]

    def show_values(self, values: Mapping[str, str]) -> None:
        """Make every drop-down show the value in force (after a refused change, a reset), and
        every heading whether its value differs from the level's start."""
        self._values = dict(values)
        for knob in self._knobs:
            value = values.get(knob.id)
            select = self.query_one(f"#{select_id(knob.id)}", Select)
            if value is not None and select.value != value:
                if value not in knob.choices:  # an imported value the list does not have
                    select.set_options([(choice_label(knob, c, self._catalog), c)
                                        for c in self._options(knob, value)])
                select.value = value
        self._relabel()
        self._retitle()

    def changed(self) -> list[str]:
        """The knobs whose value (as last shown) differs from the level's start, in panel order."""
        return [k.id for k in self._knobs if self._values.get(k.id, k.default) != k.default]

    def key_of(self, knob_id: str) -> str | None:
        """The direct key of a knob, or ``None`` past the last key."""
        for i, knob in enumerate(self._knobs):
            if knob.id == knob_id:
                return KNOB_KEYS[i] if i < len(KNOB_KEYS) else None
        return None

    def open_knob(self, knob_id: str) -> None:
        """Focus a knob's drop-down and open its list (a direct key, a palette command)."""
        select = self.query_one(f"#{select_id(knob_id)}", Select)
        select.focus()
        select.scroll_visible(animate=False)
        select.action_show_overlay()
