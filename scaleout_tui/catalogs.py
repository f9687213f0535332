"""The translation catalogs, managed with Babel: extract the English, update the ``.po`` files,
check every translation.

``python -m scaleout_tui.catalogs update`` (``make catalogs``) extracts every message (the texts
modules' data, the level and scenario files' words), adds the new ones to each language's ``.po``
untranslated, and drops the ones no longer used. ``python -m scaleout_tui.catalogs check`` prints
``file:line: field: message`` for each missing, fuzzy or broken translation and exits 1 when there
is one; the test suite runs the same check (``tests/i18n``).

Why an extractor of our own instead of ``pybabel extract``'s Python extractor: the game's messages
are module data (``EVENTS = {"crash": "..."}``), not ``_()`` calls, and a level's words are TOML
fields. Both extractors read exactly what the game translates at run time
(:func:`scaleout_tui.i18n.messages`, :func:`scaleout_tui.content.translations.level_texts`), so
what is extracted and what is looked up cannot drift apart. Reading and writing the ``.po``
files, and merging, are Babel's.
"""

from __future__ import annotations

import ast
import importlib
import io
import re
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

import scaleout_tui
from scaleout_tui import i18n, texts
from scaleout_tui.content.decode import load_struct, read_text
from scaleout_tui.content.errors import LevelError
from scaleout_tui.content.locate import format_field
from scaleout_tui.content.paths import levels_dir, scenarios_dir
from scaleout_tui.content.scenarios import spikes_dir
from scaleout_tui.content.schema import Level, ScenarioFile
from scaleout_tui.content.translations import level_texts, message_problem, scenario_texts

#: the modules whose upper-case data are the game's words
TEXT_MODULES = ("scaleout_tui.texts", "scaleout_tui.game.texts", "scaleout_tui.ui.texts",
                "scaleout_tui.deploy.texts")
PACKAGE = Path(scaleout_tui.__file__).resolve().parent
#: ``{name}``, ``%(name)s``, ``%s``: placeholders, which are not words
_NOT_WORDS = re.compile(r"\{[^{}]*\}|%\([a-z_]+\)[a-z]|%[a-z]|\[/?[a-z_ ]*\]")
PO_WIDTH = 100
HEADER = """\
# Korean words of scaleout ({what}).
# English is the source: each msgid is the English text, found by the game as written.
# Update with `make catalogs`; rules and glossary in docs/translating.md.
#"""


def is_words(message: str) -> bool:
    """Whether a message holds a letter outside its placeholders and markup (``{t}  {old:>2}``
    and ``★`` are layout, not words)."""
    return any(ch.isalpha() for ch in _NOT_WORDS.sub("", message))


def _assignment_lines(path: Path) -> dict[str, int]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    lines: dict[str, int] = {}
    for node in tree.body:
        targets = node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(
            node, ast.AnnAssign) else []
        for t in targets:
            if isinstance(t, ast.Name):
                lines[t.id] = node.lineno
    return lines


def code_messages() -> Iterator[tuple[str | tuple[str, str] | i18n.Ctx, str, int, str]]:
    """``(msgid, file, line, name)`` of every message of the game's own words; a plural's msgid
    is its ``(one, many)`` pair."""
    for name in TEXT_MODULES:
        importlib.import_module(name)
    files = {name: PACKAGE.parent / (name.replace(".", "/") + ".py") for name in TEXT_MODULES}
    lines = {name: _assignment_lines(path) for name, path in files.items()}
    for module, attr, value in i18n.originals():
        if module not in files:
            continue
        where = files[module].relative_to(PACKAGE.parent).as_posix()
        line = lines[module].get(attr, 1)
        for msgid in i18n.catalog_ids(value):
            if is_words(i18n.text_of(msgid)):
                yield msgid, where, line, attr


def code_template(lang: str) -> Catalog:
    """The game's own messages as an untranslated catalog for ``lang``."""
    catalog = Catalog(locale=lang, domain=i18n.DOMAIN, project="scaleout", version=scaleout_tui.__version__,
                      header_comment=HEADER.format(what="the game's own words"), fuzzy=False,
                      copyright_holder="the scaleout authors", msgid_bugs_address="")
    for found, where, line, attr in code_messages():
        context = found.context if isinstance(found, i18n.Ctx) else None
        msgid = found.text if isinstance(found, i18n.Ctx) else found
        existing = catalog.get(msgid, context=context)
        if existing is None:
            catalog.add(msgid, "" if isinstance(msgid, str) else ("",), locations=[(where, line)],
                        auto_comments=[attr], context=context)
        elif attr not in existing.auto_comments:
            existing.auto_comments.append(attr)
            existing.locations.append((where, line))
    return catalog


# ---- content files -----------------------------------------------------------------------------
def content_files() -> list[Path]:
    """Every shipped content file with words: the levels, the sandboxes and scenarios, the traffic
    scenarios."""
    return [*sorted(levels_dir().glob("*.toml")), *sorted(scenarios_dir().glob("*.toml")),
            *sorted(spikes_dir().glob("*.toml"))]


def content_messages(path: Path) -> list[tuple[tuple[str | int, ...], str, int | None]]:
    """``(field, msgid, line)`` of a content file's words, in file order."""
    src = read_text(path)
    if path.parent.resolve() == spikes_dir().resolve():
        found = list(scenario_texts(load_struct(src, ScenarioFile, "scenario")))
    else:
        found = list(level_texts(load_struct(src, Level, "level")))
    return [(where, text, src.index.line_of(where)) for where, text in found if text]


def content_template(path: Path, lang: str) -> Catalog:
    """A content file's words as an untranslated catalog for ``lang``."""
    catalog = Catalog(locale=lang, domain=path.stem, project="scaleout", version=scaleout_tui.__version__,
                      header_comment=HEADER.format(what=_rel(path)), fuzzy=False,
                      copyright_holder="the scaleout authors", msgid_bugs_address="")
    rel = _rel(path)
    for where, text, line in content_messages(path):
        existing = catalog.get(text)
        if existing is None:
            catalog.add(text, "", locations=[(rel, line or 1)], auto_comments=[format_field(where)])
        else:
            existing.auto_comments.append(format_field(where))
    return catalog


def _rel(path: Path) -> str:
    try:
        return path.resolve().relative_to(PACKAGE.parent).as_posix()
    except ValueError:
        return path.as_posix()


# ---- update and check --------------------------------------------------------------------------
#: a printf-style field, which is what gettext's ``python-format`` flag means
_PRINTF = re.compile(r"%\([a-z_]+\)[sdr]|%[sdr]\b")


def _honest_flags(catalog: Catalog) -> Catalog:
    """Babel marks any message holding ``%`` followed by a letter (``30 % surge``) as
    ``python-format``, which makes ``msgfmt -c`` demand printf fields that are not there. The
    game formats with ``str.format`` (``python-brace-format``); only argparse's own words are printf."""
    for m in catalog:
        text = m.id if isinstance(m.id, str) else m.id[0]
        if "python-format" in m.flags and not _PRINTF.search(text):
            m.flags.discard("python-format")
    return catalog


#: the header line that changes on every extraction
_DATED = re.compile(rb'^"POT-Creation-Date: [^"]*"\n', re.MULTILINE)


def _update_one(template: Catalog, po: Path) -> None:
    _honest_flags(template)
    if po.is_file():
        with po.open("rb") as f:
            catalog = read_po(f, locale=template.locale)
        catalog.update(template, no_fuzzy_matching=True, update_header_comment=True)
        _honest_flags(catalog)
    else:
        catalog = template
    out = io.BytesIO()
    write_po(out, catalog, width=PO_WIDTH, ignore_obsolete=True, include_previous=False)
    if po.is_file() and _DATED.sub(b"", po.read_bytes()) == _DATED.sub(b"", out.getvalue()):
        return  # nothing but the extraction's date would change: leave the file (and git) alone
    po.parent.mkdir(parents=True, exist_ok=True)
    po.write_bytes(out.getvalue())


def update(lang: str) -> list[Path]:
    """Bring every ``lang`` catalog up to date with the English; returns the files written."""
    written = [i18n.catalog_path(lang)]
    _update_one(code_template(lang), written[0])
    for path in content_files():
        po = i18n.content_catalog_path(path, lang)
        _update_one(content_template(path, lang), po)
        written.append(po)
    return written


def _check_catalog(template: Catalog, po: Path) -> list[LevelError]:
    if not po.is_file():
        return [LevelError(_rel(po), "", texts.TRANSLATION_NO_CATALOG.format(lang=template.locale))]
    with po.open("rb") as f:
        catalog = read_po(f, locale=template.locale)
    problems = []
    for m in template:
        if not m.id:
            continue
        found = catalog.get(m.id, context=m.context)
        field = ", ".join(m.auto_comments)
        strings: list[str] = []
        if found is not None:
            strings = [found.string] if isinstance(found.string, str) else list(found.string or ())
        if found is None or not strings or not all(strings):
            file, line = m.locations[0] if m.locations else (_rel(po), None)
            missing = texts.TRANSLATION_NOT_IN.format(lang=template.locale, catalog=_rel(po))
            problems.append(LevelError(file, field, missing, line))
            continue
        english = m.id if isinstance(m.id, str) else m.id[-1]  # Korean's one form is the plural's
        problem = texts.TRANSLATION_FUZZY if found.fuzzy else None
        for translated in strings:
            problem = problem or message_problem(english, translated)
        if problem is not None:
            problems.append(LevelError(_rel(po), field, problem, found.lineno))
    return problems


def check(lang: str) -> list[LevelError]:
    """Every missing, fuzzy or broken ``lang`` translation of the game and its shipped content."""
    problems = _check_catalog(code_template(lang), i18n.catalog_path(lang))
    for path in content_files():
        problems += _check_catalog(content_template(path, lang), i18n.content_catalog_path(path, lang))
    return problems


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    command = args[0] if args else "check"
    langs = [lang for lang in i18n.LANGUAGES if lang != i18n.SOURCE]
    if command == "update":
        for lang in langs:
            for po in update(lang):
                print(f"updated {_rel(po)}")
        return 0
    if command == "check":
        problems = [p for lang in langs for p in check(lang)]
        for p in problems:
            print(p)
        return 1 if problems else 0
    print(texts.CATALOGS_USAGE, file=sys.stderr)
    return 2


if __name__ == "__main__":
    raise SystemExit(main())
