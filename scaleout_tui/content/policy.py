"""Policy files: knob values plus timed changes, for ``scaleout run --policy`` and the reference
solutions in ``assets/solutions/``.

Why a file and not only ``--set``: the interesting answers change something *during* the run
(resize before the launch ad, split the database before the crash), and a policy file records
that as data a test can replay. It is read as strictly as a level, and every knob and value is
checked against the level it is meant for, so a solution cannot silently rot when a level
changes.

::

    format = 1
    [knobs]
    web_size = "m5.2xlarge"
    [[changes]]
    at = 600
    knob = "web_size"
    value = "m5.4xlarge"
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from scaleout_tui import texts
from scaleout_tui.content.catalog import load_catalog_default
from scaleout_tui.content.decode import Source, load_struct, read_text, show_number
from scaleout_tui.content.errors import LevelError
from scaleout_tui.content.knobs import takes
from scaleout_tui.content.locate import FieldPath
from scaleout_tui.content.schema import Level, PolicyFile


@dataclass(frozen=True)
class Policy:
    """Knob values at the start, and ``(at_s, knob_id, value)`` changes sorted by time
    (changes at the same time keep their file order)."""

    knobs: dict[str, str] = field(default_factory=dict)
    changes: list[tuple[float, str, str]] = field(default_factory=list)


def load_policy(path: str | os.PathLike[str], level: Level) -> Policy:
    """Read a policy file and check it against ``level``. Raises the first :class:`LevelError`."""
    policy, problems = _check(read_text(path), level)
    if problems:
        raise problems[0]
    return policy


def loads_policy(text: str, level: Level, path: str = "<policy>") -> Policy:
    """Like :func:`load_policy`, from text in memory."""
    policy, problems = _check(Source(path, text), level)
    if problems:
        raise problems[0]
    return policy


def validate_policy_file(path: str | os.PathLike[str], level: Level) -> list[LevelError]:
    """Every problem of a policy file for ``level``; empty when it is valid."""
    try:
        return _check(read_text(path), level)[1]
    except LevelError as e:
        return [e]


def _check(src: Source, level: Level) -> tuple[Policy, list[LevelError]]:
    doc = load_struct(src, PolicyFile, "policy")
    problems: list[LevelError] = []
    knobs: dict[str, str] = {}
    for knob_id, value in doc.knobs.items():
        message = _knob_problem(level, knob_id, value)
        if message:
            problems.append(src.error(("knobs", knob_id), message))
        else:
            knobs[knob_id] = value
    changes: list[tuple[float, str, str]] = []
    for i, c in enumerate(doc.changes):
        where: FieldPath = ("changes", i)
        if c.at > level.duration_s:
            problems.append(src.error((*where, "at"), texts.AFTER_END.format(
                got=show_number(c.at), end=show_number(level.duration_s))))
        if level.knob(c.knob) is None:
            problems.append(src.error((*where, "knob"), _unknown(level, c.knob)))
            continue
        message = _knob_problem(level, c.knob, c.value)
        if message:
            problems.append(src.error((*where, "value"), message))
        else:
            changes.append((float(c.at), c.knob, c.value))
    changes.sort(key=lambda ch: ch[0])
    return Policy(knobs, changes), problems


def _unknown(level: Level, knob_id: str) -> str:
    return texts.UNKNOWN_KNOB.format(got=knob_id, allowed=", ".join(k.id for k in level.knobs))


def _knob_problem(level: Level, knob_id: str, value: object) -> str | None:
    knob = level.knob(knob_id)
    if knob is None:
        return _unknown(level, knob_id)
    if not isinstance(value, str):
        return texts.KNOB_VALUE_TYPE.format(got=texts.TYPE_NAMES.get(type(value).__name__,
                                                                     type(value).__name__))
    if not takes(level, knob, value, load_catalog_default()):
        return texts.BAD_KNOB_VALUE.format(got=value, allowed=", ".join(knob.choices))
    return None

