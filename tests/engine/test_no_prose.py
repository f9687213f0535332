"""The engine writes no prose: events and refusals are codes with parameters, worded above it.

Checked on the source: every string literal in ``scaleout_tui/engine`` that is not a docstring must
not read as words (two or more words separated by spaces). A sentence there could not be
translated, and would drift from the game's own texts.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import scaleout_tui.engine

ENGINE = Path(scaleout_tui.engine.__file__).parent
WORDS = re.compile(r"[A-Za-z]{2,}\s+[A-Za-z]{2,}")


def _docstrings(tree: ast.Module) -> set[int]:
    """ids of the constant nodes that are docstrings (module, class, function)."""
    out: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                out.add(id(body[0].value))
    return out


def prose_in(source: str) -> list[tuple[int, str]]:
    tree = ast.parse(source)
    docs = _docstrings(tree)
    found = []
    for node in ast.walk(tree):
        literal = isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docs
        if literal and WORDS.search(node.value):
            found.append((node.lineno, node.value))
    return found


def test_no_engine_module_holds_a_sentence() -> None:
    found = {p.name: prose_in(p.read_text(encoding="utf-8")) for p in sorted(ENGINE.glob("*.py"))}
    assert {name: hits for name, hits in found.items() if hits} == {}


def test_the_check_finds_a_sentence() -> None:
    """The check itself can fail: a refusal worded in the engine is caught, a code is not."""
    assert prose_in('raise CommandError(f"{box} is not broken")\n') != []
    assert prose_in('raise CommandError("box_not_broken", box=box)\n') == []
    assert prose_in('def f():\n    """A docstring may explain why at length."""\n') == []
