"""A level's words in another language: which fields are words, and their translation catalogs.

A level file is written in English; its Korean sits in a gettext catalog beside it, in a folder
named after the language (``levels/01-single-server.toml`` → ``levels/ko/01-single-server.po``),
keyed by the English text (``docs/level-format.md``, "Translations"). Why a catalog and not a
second set of keys in the level file: translators get the standard tools (Babel, Poedit, msgmerge
marking a changed English text as fuzzy), and a level designer's file stays one language.

One list of fields (:func:`level_texts`) serves the three users: the extractor that writes the
catalog, :func:`localize` that reads it, and :func:`translation_problems` that checks it, so a new
text field needs one line here.
"""

from __future__ import annotations

import gettext
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import msgspec

from scaleout_tui import i18n, texts
from scaleout_tui.content.errors import LevelError
from scaleout_tui.content.locate import FieldPath, format_field
from scaleout_tui.content.schema import HEADING_MAX, OBJECTIVE_LABEL_MAX, Level, ScenarioFile

#: ``{name}``, ``{n:,}``, ``{reason!r}``: a ``str.format`` field as written
_FIELD = re.compile(r"\{[^{}]*\}")
#: ``[yellow]``, ``[/]``, ``[b red]``: a Rich markup tag (level texts have none; the game's may)
_TAG = re.compile(r"\[/?[a-z][a-z0-9_ .#-]*\]|\[/\]")


def level_texts(level: Level) -> Iterator[tuple[FieldPath, str]]:
    """Every translatable text of a level, with the field it sits in, in file order."""
    yield ("title",), level.title
    yield ("subtitle",), level.subtitle
    for i, concept in enumerate(level.concepts):
        yield ("concepts", i), concept
    yield ("briefing", "text"), level.briefing.text
    for i, fact in enumerate(level.briefing.facts):
        yield ("briefing", "facts", i), fact
    for i, spike in enumerate(level.traffic.spikes):
        yield ("traffic", "spikes", i, "name"), spike.name
    for i, k in enumerate(level.knobs):
        yield ("knobs", i, "label"), k.label
        if k.help:
            yield ("knobs", i, "help"), k.help
        if k.short_label is not None:
            yield ("knobs", i, "short_label"), k.short_label
    for i, o in enumerate(level.objectives):
        yield ("objectives", i, "label"), o.label
        if o.short_label is not None:
            yield ("objectives", i, "short_label"), o.short_label
    for i, h in enumerate(level.hints):
        yield ("hints", i, "text"), h.text
    for i, e in enumerate(level.events):
        if e.note:
            yield ("events", i, "note"), e.note


def scenario_texts(scenario: ScenarioFile) -> Iterator[tuple[FieldPath, str]]:
    """Every translatable text of a traffic scenario file."""
    yield ("description",), scenario.description


def catalog_for(source: str | os.PathLike[str], lang: str | None = None) -> gettext.NullTranslations:
    """The catalog of a content file in ``lang`` (default: the active language); empty when the
    file has none (then its English shows)."""
    lang = lang or i18n.active()
    if lang == i18n.SOURCE:
        return gettext.NullTranslations()
    try:
        return i18n.load_catalog(i18n.content_catalog_path(Path(source), lang))
    except Exception:
        return gettext.NullTranslations()


def _replace(obj: Any, **changes: Any) -> Any:
    changed = {k: v for k, v in changes.items() if v != getattr(obj, k)}
    return msgspec.structs.replace(obj, **changed) if changed else obj


def localize(level: Level, catalog: gettext.NullTranslations) -> Level:
    """``level`` with its words from ``catalog`` (an untranslated text stays English)."""
    if type(catalog) is gettext.NullTranslations:
        return level

    def t(text: str) -> str:
        return i18n.lookup(catalog, text)

    localized: Level = _replace(
        level,
        title=t(level.title), subtitle=t(level.subtitle),
        concepts=tuple(t(c) for c in level.concepts),
        briefing=_replace(level.briefing, text=t(level.briefing.text),
                          facts=tuple(t(f) for f in level.briefing.facts)),
        traffic=_replace(level.traffic,
                         spikes=tuple(_replace(s, name=t(s.name)) for s in level.traffic.spikes)),
        knobs=tuple(_replace(k, label=t(k.label), help=t(k.help),
                             short_label=None if k.short_label is None else t(k.short_label))
                    for k in level.knobs),
        objectives=tuple(_replace(o, label=t(o.label),
                                  short_label=None if o.short_label is None else t(o.short_label))
                         for o in level.objectives),
        hints=tuple(_replace(h, text=t(h.text)) for h in level.hints),
        events=tuple(_replace(e, note=t(e.note)) for e in level.events),
    )
    return localized


def _words_blanked(level: Level) -> Any:
    data = msgspec.json.decode(msgspec.json.encode(level))  # plain lists and dicts
    for where, _ in level_texts(level):
        node = data
        for part in where[:-1]:
            node = node[part]
        node[where[-1]] = None
    return data


def same_but_words(a: Level, b: Level) -> bool:
    """Whether ``a`` and ``b`` are one level in two languages: equal but for their words (so a
    run of ``a`` may be shown with ``b``'s)."""
    return bool(_words_blanked(a) == _words_blanked(b))


# ---- checking a translation ---------------------------------------------------------------------
def placeholders(text: str) -> list[str]:
    """The ``str.format`` fields of a message, sorted (their order may differ between
    languages; their set may not)."""
    return sorted(_FIELD.findall(text))


def tags(text: str) -> list[str]:
    """The Rich markup tags of a message, sorted."""
    return sorted(_TAG.findall(text))


def message_problem(msgid: str, msgstr: str) -> str | None:
    """What is wrong with one translation, or ``None``: empty, or placeholders, markup or the
    surrounding line breaks differ from the English."""
    if not msgstr:
        return texts.TRANSLATION_MISSING
    if placeholders(msgid) != placeholders(msgstr):
        return texts.TRANSLATION_PLACEHOLDERS.format(english=" ".join(placeholders(msgid)) or "-",
                                                     translated=" ".join(placeholders(msgstr)) or "-")
    if tags(msgid) != tags(msgstr):
        return texts.TRANSLATION_MARKUP.format(english=" ".join(tags(msgid)) or "-",
                                               translated=" ".join(tags(msgstr)) or "-")
    if msgid.startswith("\n") != msgstr.startswith("\n") or msgid.endswith("\n") != msgstr.endswith("\n"):
        return texts.TRANSLATION_NEWLINES
    return None


def read_messages(po: Path) -> tuple[dict[str, tuple[str, int | None, bool]], list[LevelError]]:
    """A ``.po`` file's entries, ``msgid → (msgstr, line, fuzzy)``, and its own problems (it
    cannot be read)."""
    from babel.messages.pofile import PoFileError, read_po

    try:
        with po.open("rb") as f:
            catalog = read_po(f, abort_invalid=True)
    except (OSError, PoFileError, UnicodeDecodeError, ValueError) as e:
        line = getattr(e, "lineno", None)
        return {}, [LevelError(po, "", texts.TRANSLATION_UNREADABLE.format(reason=e), line)]
    entries = {}
    for m in catalog:
        if not m.id:
            continue
        msgid = m.id if isinstance(m.id, str) else m.id[0]
        msgstr = m.string if isinstance(m.string, str) else (m.string[0] if m.string else "")
        entries[msgid] = (msgstr or "", m.lineno, m.fuzzy)
    return entries, []


def translation_problems(source: str | os.PathLike[str], found: list[tuple[FieldPath, str]],
                         line_of: Any, lang: str) -> list[LevelError]:
    """The problems of a content file's ``lang`` catalog: a text with no translation (at the
    English text's line), a fuzzy one, or one whose placeholders, markup or line breaks differ
    (at the catalog's line), a short label too wide for its column. No catalog at all is not a
    problem: the file then plays in English (only the shipped levels must have one, which the
    tests check)."""
    po = i18n.content_catalog_path(Path(source), lang)
    if not po.is_file():
        return []
    entries, problems = read_messages(po)
    if problems:
        return problems
    has_short = {where[:-1] for where, _ in found if where[-1] == "short_label"}
    for where, english in found:
        field = format_field(where)
        if english not in entries:
            problems.append(LevelError(source, field, texts.TRANSLATION_NOT_IN.format(
                lang=lang, catalog=po.as_posix()), line_of(where)))
            continue
        msgstr, line, fuzzy = entries[english]
        problem = texts.TRANSLATION_FUZZY if fuzzy and msgstr else message_problem(english, msgstr)
        shown_in_a_column = where[-1] == "short_label" or (
            where[-1] == "label" and where[0] in ("knobs", "objectives") and where[:-1] not in has_short)
        if problem is None and shown_in_a_column:
            room = HEADING_MAX if where[0] == "knobs" else OBJECTIVE_LABEL_MAX
            if i18n.cells(msgstr) > room:
                problem = texts.SHORT_LABEL_TOO_LONG.format(n=i18n.cells(msgstr), max=room)
        if problem is not None:
            problems.append(LevelError(po, field, problem, line))
    return problems
