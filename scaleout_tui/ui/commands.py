"""Game commands in the command palette (Ctrl+P): every key's action, findable by name.

Why a provider rather than only keys: a player who forgot that ``4`` means "max speed"
can type "speed" and see every choice with its key. The commands offered depend on the
screen the palette was opened over: clock commands only make sense on the play screen, and
the failure drill's ("Crash web-2", "Repair web-2") only in a level that allows it.

Every setting of the level is a command too (issue 14: "minimum" found nothing): "Set Minimum
size…" focuses the setting and opens its list, and, when searched for, each choice is one
("Set Minimum size to 4"); the empty palette lists only the "Set …" ones, or a level with many
settings would bury the game's own commands under their choices.

Why the names are built here as plain ``Content``: Textual's palette reads a command's name and
help as markup, and ``Matcher.highlight`` parses the name as markup too. A setting's label comes
from the level file, and a label holding ``[/]`` raised ``MarkupError`` in the palette's worker,
which ended the game (issue 15). The name is highlighted here on the plain text, and the help
is escaped, so a bracket reads as written.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Matcher, Provider
from textual.content import Content
from textual.markup import escape

from scaleout_tui import i18n
from scaleout_tui.ui import texts
from scaleout_tui.ui.navigation import BackToMap, SwitchLanguage
from scaleout_tui.ui.screens.campaign import CampaignScreen
from scaleout_tui.ui.screens.debrief import DebriefScreen
from scaleout_tui.ui.screens.play import PlayScreen
from scaleout_tui.ui.widgets.policy import PolicyPanel, choice_label

Command = tuple[str, str, Callable[[], object]]


def one_line(label: str) -> str:
    """A choice's label without the padding that lines the drop-down's columns up."""
    return " ".join(label.split())


def knob_commands(screen: PlayScreen, *, choices: bool) -> list[Command]:
    """"Set Instance size…" for every setting (and, with ``choices``, "Set Instance size to
    m5.xlarge …" for every other value of it); none in a replay or after the run."""
    if not screen.can_change_knobs():
        return []
    panel = screen.query_one(PolicyPanel)
    out: list[Command] = []
    for knob in screen.level.knobs:
        now = screen.session.knobs.get(knob.id, knob.default)
        shown_now = one_line(choice_label(knob, now, screen.catalog))
        key = panel.key_of(knob.id)
        help_text = (texts.CMD_KNOB_OPEN_HELP.format(value=shown_now, key=key) if key is not None
                     else texts.CMD_KNOB_OPEN_HELP_NO_KEY.format(value=shown_now))
        out.append((texts.CMD_KNOB_OPEN.format(label=knob.label), help_text,
                    partial(screen.open_knob, knob.id)))
        if choices:
            for choice in knob.choices:
                if choice != now:
                    shown = one_line(choice_label(knob, choice, screen.catalog))
                    out.append((texts.CMD_KNOB_CHOICE.format(label=knob.label, choice=shown),
                                texts.CMD_KNOB_CHOICE_HELP.format(value=shown_now),
                                partial(screen.choose_knob, knob.id, choice)))
    out.append((texts.CMD_RESET, texts.CMD_RESET_HELP, screen.action_reset_knobs))
    return out


def drill_commands(screen: PlayScreen) -> list[Command]:
    """"Crash web-2", "Repair web-2" ...: the level's failure kinds on each web box now."""
    out: list[Command] = []
    targets = screen.drill_targets()
    for box in targets:
        for kind in screen.injections:
            name = texts.CMD_INJECT.get(kind, kind + " {box}").format(box=box)
            what = texts.DRILL_KIND_HELP.get(kind, kind)
            out.append((name, texts.CMD_INJECT_HELP.format(what=what), partial(screen.inject, kind, box)))
    for box in targets:
        out.append((texts.CMD_REPAIR.format(box=box), texts.CMD_REPAIR_HELP.format(box=box),
                    partial(screen.repair, box)))
    return out


class GameCommands(Provider):
    def commands(self, *, choices: bool = False) -> list[Command]:
        """(name, help, callback) for the screen the palette was opened over; ``choices`` adds
        one command per value of each setting (searches only)."""
        screen = self.screen
        app = self.app
        out: list[Command] = []
        if isinstance(screen, PlayScreen):
            out.append((texts.CMD_PAUSE, texts.CMD_PAUSE_HELP, screen.action_toggle_pause))
            for i, name in enumerate(texts.SPEED_NAMES):
                out.append((texts.CMD_SPEED.format(name=name),
                            texts.CMD_SPEED_HELP.format(name=name, key=i + 1),
                            partial(screen.action_speed, i)))
            out.append((texts.CMD_RESTART, texts.CMD_RESTART_HELP, screen.action_restart))
            out.extend(knob_commands(screen, choices=choices))
            out.extend(drill_commands(screen))
            if not screen.ended:
                out.append((texts.CMD_EXPORT, texts.CMD_EXPORT_HELP, screen.action_export))
            out.append((texts.CMD_MAP, texts.CMD_MAP_HELP, screen.action_leave))
        elif isinstance(screen, DebriefScreen):
            out.append((texts.CMD_EXPORT, texts.CMD_EXPORT_HELP, screen.action_export))
            out.append((texts.CMD_MAP, texts.CMD_MAP_HELP, lambda: app.post_message(BackToMap())))
        elif not isinstance(screen, CampaignScreen):
            out.append((texts.CMD_MAP, texts.CMD_MAP_HELP, lambda: app.post_message(BackToMap())))
        out.append((texts.CMD_HELP, texts.CMD_HELP_HELP, partial(app.run_action, "help")))
        for lang in i18n.LANGUAGES:
            if lang != i18n.active():
                out.append((texts.CMD_LANGUAGE.format(name=i18n.NAMES[lang]), texts.CMD_LANGUAGE_HELP,
                            partial(app.post_message, SwitchLanguage(lang))))
        return out

    async def discover(self) -> Hits:
        for name, help_text, callback in self.commands():
            yield DiscoveryHit(Content(name), callback, text=name, help=escape(help_text))

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, help_text, callback in self.commands(choices=True):
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, highlight(matcher, name), callback, text=name, help=escape(help_text))


def highlight(matcher: Matcher, name: str) -> Content:
    """``name`` as plain text with the letters the query matched styled, as
    ``Matcher.highlight`` does, without reading ``name`` as markup."""
    content = Content(name)
    _, offsets = matcher.fuzzy_search.match(matcher.query, name)
    for offset in offsets:
        if not name[offset].isspace():
            content = content.stylize(matcher.match_style, offset, offset + 1)
    return content
