"""Small builders of level text shared by the content tests (and the traffic tests that write
levels): a ``[[knobs]]`` entry, an ``[[events]]`` entry, and the problem a level's text reports."""

from __future__ import annotations

from scaleout_tui.content import LevelError, loads_level


def problems_of(text: str) -> list[str]:
    """The problem the level's text reports, as ``["field: message"]``; ``[]`` when it loads."""
    try:
        loads_level(text)
    except LevelError as e:
        return [f"{e.field}: {e.message}"]
    return []


def knob_toml(param: str, choices: list[str], default: str, knob_id: str = "k", label: str = "K") -> str:
    """A ``[[knobs]]`` entry that sets ``param``."""
    quoted = ", ".join(f'"{c}"' for c in choices)
    return (f'[[knobs]]\nid = "{knob_id}"\nlabel = "{label}"\nparam = "{param}"\n'
            f'choices = [{quoted}]\ndefault = "{default}"\n')


def event_toml(target: str, kind: str = "crash", extra: str = "") -> str:
    """An ``[[events]]`` entry at 60 s with a 30 s repair; ``extra`` adds keys (one a line)."""
    return f'[[events]]\nat = 60\nkind = "{kind}"\ntarget = "{target}"\nrepair_s = 30\n{extra}'
