"""Which language the game speaks, and the gettext catalogs that let it speak it.

English is the source language: every message is written in English in a texts module or a level
file, and that English text is the gettext ``msgid`` a translation is looked up by. Korean comes
from standard ``.po`` catalogs (``scaleout_tui/locale/ko/LC_MESSAGES/scaleout.po`` for the game's
own words, ``ko/NAME.po`` beside each content file for a level's words; ``docs/translating.md``).

Why texts modules are *rebound* rather than wrapped in ``_()`` at every use: the game's words are
module constants read at the moment they are shown (``texts.MAP_TITLE``), so replacing the
constants' values when the language changes switches every screen, log line and report at once,
without threading a translator through the layout code. :func:`translatable` registers a texts
module; :func:`activate` rebinds every registered module from its English originals. Dicts are
updated in place, so a ``from ... import CAUSES`` elsewhere sees the change too.

Plural forms go through gettext (:func:`ngettext`): Korean has one form, English two.

Why the catalogs are read two ways: a wheel carries compiled ``.mo`` files (``hatch_build.py``
builds them from the ``.po`` sources), which the standard library reads; a source checkout has
only the ``.po`` files, which Babel compiles in memory on first use. Either way only the language
in use is loaded, and English loads nothing.

This module imports nothing from the game, so every layer may use it.
"""

from __future__ import annotations

import gettext
import io
import os
import re
import unicodedata
from collections.abc import Callable, Iterator, Mapping, MutableMapping
from functools import cache
from pathlib import Path
from typing import Any, Final, NamedTuple

#: the languages the game speaks, source first
LANGUAGES: Final[tuple[str, ...]] = ("en", "ko")
SOURCE: Final = "en"
#: each language by its own name (what a player looks for in a menu, whatever it speaks now)
NAMES: Final[dict[str, str]] = {"en": "English", "ko": "한국어"}
DOMAIN: Final = "scaleout"
#: where the game's own catalogs live: ``LOCALE_DIR/ko/LC_MESSAGES/scaleout.po`` (and ``.mo``)
LOCALE_DIR: Final = Path(__file__).resolve().parent / "locale"
#: the environment variables that name a language, in the order POSIX gives them precedence
ENV_VARS: Final[tuple[str, ...]] = ("LC_ALL", "LC_MESSAGES", "LANG")


class Plural(NamedTuple):
    """A message with its plural: ``Plural("{n} setting", "{n} settings")``. Used through
    :func:`plural`; a rebinding leaves it as written (the lookup happens when it is counted)."""

    one: str
    many: str


class Ctx(NamedTuple):
    """A message whose English is one word for two meanings (``target``: a balancer's target, an
    objective's threshold), told apart by gettext's message context so a translation can say each
    its own way. Read as plain text: a registered module holds the translated string."""

    context: str
    text: str


# ---- choosing the language ---------------------------------------------------------------------
def normalize(value: str | None) -> str | None:
    """``ko``, ``ko_KR.UTF-8``, ``ko-KR``, ``KO`` → ``ko``; ``C``, ``POSIX``, ``en_US`` → ``en``;
    anything else (a language the game does not speak, an empty value) → ``None``."""
    if not value:
        return None
    code = re.split(r"[_.@\-]", value.strip(), maxsplit=1)[0].lower()
    if code in ("c", "posix"):
        return SOURCE
    return code if code in LANGUAGES else None


def from_environment(environ: Mapping[str, str] | None = None) -> str | None:
    """The language the environment asks for: the first of ``LC_ALL``, ``LC_MESSAGES``, ``LANG``
    that is set decides, as it does for every POSIX program (``LC_ALL=C`` means English even when
    ``LANG`` says Korean). ``None`` when none is set, or the one that decides names a language
    the game does not speak."""
    env = os.environ if environ is None else environ
    for name in ENV_VARS:
        value = env.get(name, "")
        if value:
            return normalize(value)
    return None


def choose(flag: str | None = None, saved: str | None = None,
           environ: Mapping[str, str] | None = None) -> str:
    """The language to speak: ``--lang`` first, then the player's saved choice, then the
    environment, then English."""
    for candidate in (normalize(flag), normalize(saved), from_environment(environ)):
        if candidate is not None:
            return candidate
    return SOURCE


# ---- width ---------------------------------------------------------------------------------------
def cells(text: str) -> int:
    """How many terminal cells ``text`` takes: a Hangul syllable or another wide character two,
    a combining mark none, the rest one. (The screens measure with Rich, which agrees; this is
    for the layers below them, which know no Rich.)"""
    width = 0
    for ch in text:
        if unicodedata.combining(ch) or ch in "\u200b\u200d":
            continue
        width += 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
    return width


# ---- catalogs ----------------------------------------------------------------------------------
def _compile_po(po: Path) -> gettext.GNUTranslations:
    """A ``.po`` file compiled in memory (a source checkout has no ``.mo``)."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with po.open("rb") as f:
        catalog = read_po(f, locale=po.parent.name if po.parent.name in LANGUAGES else None)
    buf = io.BytesIO()
    write_mo(buf, catalog, use_fuzzy=False)
    buf.seek(0)
    return gettext.GNUTranslations(buf)


@cache
def load_catalog(po: Path) -> gettext.NullTranslations:
    """The catalog whose source is ``po``: its compiled ``.mo`` when one is there and not older
    than the ``.po``, else the ``.po`` compiled now; an empty catalog when neither exists."""
    mo = po.with_suffix(".mo")
    if mo.is_file() and (not po.is_file() or mo.stat().st_mtime >= po.stat().st_mtime):
        with mo.open("rb") as f:
            return gettext.GNUTranslations(f)
    if po.is_file():
        return _compile_po(po)
    return gettext.NullTranslations()


def catalog_path(lang: str) -> Path:
    """The ``.po`` source of the game's own catalog for ``lang``."""
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def content_catalog_path(source: Path, lang: str) -> Path:
    """Where a content file's catalog lives: ``levels/01-x.toml`` → ``levels/ko/01-x.po``."""
    return source.parent / lang / f"{source.stem}.po"


#: why the game's own catalog could not be read, if it could not (see :func:`translations`)
_problem: str | None = None


def translations(lang: str) -> gettext.NullTranslations:
    """The game's own catalog for ``lang`` (English: none, the source speaks for itself). A
    catalog that cannot be read (a damaged install, a hand edit gone wrong) leaves the game in
    English, with the reason in :func:`catalog_problem`, rather than not starting at all."""
    global _problem
    if lang == SOURCE:
        return gettext.NullTranslations()
    try:
        return load_catalog(catalog_path(lang))
    except Exception as e:  # (Babel's and gettext's errors have no common base)
        _problem = f"{catalog_path(lang)}: {e}"
        return gettext.NullTranslations()


def catalog_problem() -> str | None:
    """Why the game's own catalog for the active language could not be read, or ``None``."""
    return _problem


# ---- the active language -----------------------------------------------------------------------
_active: str = SOURCE
_catalog: gettext.NullTranslations = gettext.NullTranslations()
#: each registered texts module's namespace, with its English originals
_registered: list[tuple[MutableMapping[str, Any], dict[str, Any]]] = []
_listeners: list[Callable[[str], None]] = []


#: a translated message → its English, for every language loaded so far (see :func:`current`)
_english_of: dict[str, str] = {}


def current(message: str) -> str:
    """``message``, which may be in any language the game has spoken, in the active one.

    For the few words fixed when a class is made (a key's name in a ``BINDINGS`` list): they
    were translated into the language active then, and must follow a change of language."""
    return gettext_(_english_of.get(message, message))


def active() -> str:
    """The language the game speaks now."""
    return _active


def lookup(catalog: gettext.NullTranslations, message: str) -> str:
    """``message`` from ``catalog`` (itself when untranslated), found also where the catalog
    holds it only as the singular of a plural entry.

    Why: gettext tools keep one entry per msgid, so a message the game shows alone ("{n} s", an
    objective's target) and also counts (``Plural("{n} s", ...)``) is written once, as a plural.
    Python's ``gettext()`` reads plural entries only since bpo-18319 (in 3.11.7, not in Debian
    12's 3.11.2), and without that Korean screens showed "≤ 30 s" among Korean words. Looking in
    the plural entry here gives every supported Python the same words."""
    if not message:
        return message
    found = catalog.gettext(message)
    if found != message:
        return found
    return catalog.ngettext(message, message, 1)


def lookup_in_context(catalog: gettext.NullTranslations, context: str, message: str) -> str:
    """:func:`lookup` for a message with a context (:class:`Ctx`)."""
    found = catalog.pgettext(context, message)
    if found != message:
        return found
    return catalog.npgettext(context, message, message, 1)


def gettext_(message: str) -> str:
    """``message`` in the active language (itself when untranslated, or in English)."""
    return lookup(_catalog, message)


def ngettext(one: str, many: str, n: int) -> str:
    """The form of a counted message for ``n`` in the active language."""
    return _catalog.ngettext(one, many, n)


def count_of(n: int | float | str) -> int:
    """The number a plural form is chosen by: ``"1,200"`` → 1200; a fraction counts as many."""
    if isinstance(n, str):
        text = n.replace(",", "").strip()
        try:
            value = float(text)
        except ValueError:
            return 2
    else:
        value = float(n)
    return int(value) if value == int(value) and abs(value) < 2**31 else 2


def plural(n: int | float | str, form: Plural) -> str:
    """``{n} setting`` / ``{n} settings`` / ``설정 {n}개``: ``form`` counted and filled with ``n``
    (given as shown: ``1,200`` keeps its separators)."""
    return ngettext(form.one, form.many, count_of(n)).format(n=n)


def _translate(value: Any) -> Any:
    if isinstance(value, str):
        return gettext_(value)
    if isinstance(value, Plural):
        return value
    if isinstance(value, Ctx):
        return lookup_in_context(_catalog, value.context, value.text)
    if isinstance(value, tuple):
        return tuple(_translate(v) for v in value)
    if isinstance(value, dict):
        return {k: _translate(v) for k, v in value.items()}
    return value


def messages(value: Any) -> Iterator[str]:
    """Every message in a texts module's value (what :func:`activate` translates). A
    :class:`Plural` gives its singular (its plural is looked up with it)."""
    for message in catalog_ids(value):
        yield text_of(message)


def text_of(catalog_id: str | tuple[str, str] | Ctx) -> str:
    """The English a catalog id is looked up by: the message, a plural's singular, a context's
    text."""
    if isinstance(catalog_id, Ctx):
        return catalog_id.text
    return catalog_id if isinstance(catalog_id, str) else catalog_id[0]


def catalog_ids(value: Any) -> Iterator[str | tuple[str, str] | Ctx]:
    """The catalog ids of a texts module's value, for extraction: a message, a :class:`Plural`'s
    ``(one, many)`` pair, or a message with its context (:class:`Ctx`)."""
    if isinstance(value, Plural | Ctx):
        yield value if isinstance(value, Ctx) else (value.one, value.many)
    elif isinstance(value, str):
        yield value
    elif isinstance(value, tuple):
        for v in value:
            yield from catalog_ids(v)
    elif isinstance(value, dict):
        for v in value.values():
            yield from catalog_ids(v)


def is_text(name: str, value: Any) -> bool:
    """Whether a module attribute is words to translate: public upper-case data."""
    return name.isupper() and not name.startswith("_") and isinstance(value, str | tuple | dict)


def _rebind(namespace: MutableMapping[str, Any], originals: dict[str, Any]) -> None:
    for name, english in originals.items():
        new = _translate(english)
        current = namespace.get(name)
        if isinstance(current, dict) and isinstance(new, dict):
            current.clear()
            current.update(new)  # in place: `from texts import CAUSES` holds this very dict
        else:
            namespace[name] = new


def translatable(namespace: MutableMapping[str, Any], ids: tuple[str, ...] = ()) -> None:
    """Register a texts module (call with ``globals()`` at its end): its public upper-case string
    data follow the active language from now on, but for ``ids``, the names of data that are
    identifiers a player types (an example of a command), not words."""
    originals = {}
    for name, value in namespace.items():
        if is_text(name, value) and name not in ids:
            originals[name] = {k: v for k, v in value.items()} if isinstance(value, dict) else value
            if isinstance(value, dict):
                namespace[name] = dict(value)
    _registered.append((namespace, originals))
    _rebind(namespace, originals)  # in English too: a Ctx becomes its text
    if _active != SOURCE:
        for value in originals.values():
            for message in messages(value):
                _english_of.setdefault(gettext_(message), message)


def originals() -> Iterator[tuple[str, str, Any]]:
    """``(module, name, English value)`` of every registered text."""
    for namespace, english in _registered:
        for name, value in english.items():
            yield str(namespace.get("__name__", "?")), name, value


def on_change(listener: Callable[[str], None]) -> None:
    """Call ``listener(lang)`` after every change of language (the content layer re-reads its
    catalogs; the UI redraws)."""
    _listeners.append(listener)


def activate(lang: str) -> None:
    """Speak ``lang`` from now on: rebind every registered texts module and tell the listeners."""
    global _active, _catalog
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}; known: {', '.join(LANGUAGES)}")
    _active = lang
    _catalog = translations(lang)
    for namespace, english in _registered:
        _rebind(namespace, english)
        for value in english.values():
            for message in messages(value):
                _english_of.setdefault(gettext_(message), message)
    for listener in list(_listeners):
        listener(lang)
