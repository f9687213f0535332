"""No words bypass the catalogs: a sentence written anywhere but a texts module (or a level file)
could not be translated, and a Korean player would meet it in English.

Checked on the source of every layer above the engine (the engine has its own, stricter check,
``tests/engine/test_no_prose.py``): a string literal that reads as words (two or more words of
letters, once placeholders, markup and style names are taken out) must not appear outside the
texts modules, except the few listed below with the reason each is not for a player.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import scaleout_tui

PACKAGE = Path(scaleout_tui.__file__).resolve().parent
#: files whose literals are the words themselves, or that are checked elsewhere
EXEMPT_FILES = {"texts.py", "i18n.py"}
#: Rich style names: ``"bold red"`` and ``"dim italic"`` are styles, not words
STYLES = {"bold", "dim", "italic", "reverse", "underline", "on", "not", "strike", "red", "green",
          "yellow", "blue", "cyan", "magenta", "white", "black", "grey", "bright"}
#: (file, the literal's start) → why it is not a player's word
ALLOWED: dict[tuple[str, str], str] = {
    ("catalogs.py", "# Korean words of scaleout"): "the header of a .po file, for translators",
    ("catalogs.py", "the scaleout authors"): "a .po file's copyright holder, for translators",
    ("catalogs.py", "the game's own words"): "a .po file's header, for translators",
    ("content/decode.py", r"\s*\((?:at line"): "a pattern matching msgspec's message, not shown",
    ("content/decode.py", "Number out of range"): "msgspec's message, matched to be rewritten",
    ("content/decode.py", "Expected `"): "msgspec's message, matched to be rewritten",
    ("content/decode.py", "Object contains unknown field"): "msgspec's message, matched to be rewritten",
    ("content/decode.py", "Object missing required field"): "msgspec's message, matched to be rewritten",
    ("content/series.py", "a rate series has at least one second"): "a programming error (ValueError)",
    ("content/series.py", "compress must be a positive number"): "a programming error (ValueError)",
    ("persistence/progress.py", "level_id must not be empty"): "a programming error (ValueError)",
    ("persistence/progress.py", "when must be timezone-aware"): "a programming error (ValueError)",
    ("persistence/progress.py", "stars must be within"): "a programming error (ValueError)",
    ("persistence/progress.py", " is not in the campaign order"): "a programming error (ValueError)",
    ("serve.py", "Scaleout Hangul"): "a font family's name in the page's CSS",
    ("serve.py", "public, max-age="): "an HTTP Cache-Control header",
}
_AROUND_WORDS = re.compile(r"\{[^{}]*\}|\[[^\]]*\]")
_WORD = re.compile(r"[A-Za-z][a-z]+[,.:;!?]?")


def _not_words(tree: ast.Module) -> set[int]:
    """ids of the literals that are not shown to a player: docstrings and Textual CSS."""
    out: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                out.add(id(body[0].value))
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id in ("DEFAULT_CSS", "CSS")
                                                for t in node.targets):
            out.update(id(sub) for sub in ast.walk(node.value))
    return out


def reads_as_words(text: str) -> bool:
    words = [w for w in _AROUND_WORDS.sub(" ", text).split() if _WORD.fullmatch(w)]
    return len(words) >= 2 and not all(w.lower() in STYLES for w in words)


def stray_words(source: str) -> list[tuple[int, str]]:
    tree = ast.parse(source)
    skip = _not_words(tree)
    return [(node.lineno, node.value) for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in skip
            and reads_as_words(node.value)]


def test_every_word_a_player_reads_is_in_a_texts_module() -> None:
    found = []
    used = set()
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE).as_posix()
        if path.name in EXEMPT_FILES or rel.startswith("engine/"):
            continue
        for line, text in stray_words(path.read_text(encoding="utf-8")):
            key = next((k for k in ALLOWED if k[0] == rel and text.startswith(k[1])), None)
            if key is None:
                found.append(f"scaleout_tui/{rel}:{line}: {text[:70]!r}")
            else:
                used.add(key)
    assert found == [], "words outside the texts modules (move them to one):\n" + "\n".join(found)
    assert set(ALLOWED) - used == set(), "allowed literals that are gone: drop them from ALLOWED"


def test_the_check_finds_a_sentence() -> None:
    assert stray_words('notify("Level saved to disk")\n') != []
    assert stray_words('notify(texts.SAVED)\n') == []
    assert stray_words('Text("x", style="bold red")\n') == []
    assert stray_words('class A:\n    DEFAULT_CSS = "A { height: auto; }"\n') == []
    assert stray_words('"{n} {noun}"\n') == []
