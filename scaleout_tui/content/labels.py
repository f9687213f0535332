"""A knob's choices in words: how ``round_robin`` reads to a player ("Round robin").

Why here: level files, the engine, recordings and ``--json`` keep the ids (they are a format), but
every place a person reads a choice (the play screen's drop-downs, the event log's "You set X to
Y", the debrief, the command line's text) shows the same words, so they come from one function.
The words themselves are in :data:`scaleout_tui.texts.CHOICE_LABELS` and
:data:`~scaleout_tui.texts.CHOICE_UNITS` (one home per text, replaceable by a translation).

Rules, in order: a word in the table; a size stays its AWS name (``m5.large``: real usage); a
number gets its parameter's unit (``5`` s, ``2 replicas``); ``asg.schedule``'s ``DESIRED@AT``
reads as "20 instances from 32:00". Anything else falls back to the id itself, so a value
nobody labelled yet still shows (and ``tests/content/test_labels.py`` lists every choice of
every shipped level to make sure none is forgotten).
"""

from __future__ import annotations

import re

from scaleout_tui import texts
from scaleout_tui.content.knobs import SIZE_PARAMS

_NUMBER = re.compile(r"^(?:0|[1-9][0-9]*)(?:\.[0-9]+)?$")
_SCHEDULE = re.compile(r"^(0|[1-9][0-9]*)@((?:0|[1-9][0-9]*)(?:\.[0-9]+)?)$")


def known_words(param: str, value: str) -> str | None:
    """The words for ``value`` of ``param``, or ``None`` when no rule covers it."""
    words = texts.CHOICE_LABELS.get((param, value))
    if words is not None:
        return words
    if param in SIZE_PARAMS:
        return value
    units = texts.CHOICE_UNITS.get(param)
    if units is not None and _NUMBER.match(value):
        return (units[0] if value == "1" else units[1]).format(n=value)
    if param == "asg.schedule":
        m = _SCHEDULE.match(value)
        if m is not None:
            return texts.CHOICE_SCHEDULE_WORDS.format(n=m.group(1), clock=_clock(float(m.group(2))))
    return None


def choice_words(param: str, value: str) -> str:
    """How a choice reads to a player; the id itself when nothing says otherwise."""
    words = known_words(param, value)
    return value if words is None else words


def choice_short(param: str, value: str) -> str:
    """The shorter words of :data:`~scaleout_tui.texts.CHOICE_SHORT` (a chip at 80 columns);
    :func:`choice_words` where there are none."""
    return texts.CHOICE_SHORT.get((param, value)) or choice_words(param, value)


def unit_of(param: str) -> str:
    """The unit of a parameter's choices (``s``, ``replicas``, ``instance type``), ``""`` for words."""
    if param in SIZE_PARAMS:
        return texts.UNIT_INSTANCE_TYPE
    if param == "asg.schedule":
        return texts.UNIT_SCHEDULE
    units = texts.CHOICE_UNITS.get(param)
    return "" if units is None else units[1].replace("{n}", "").strip()


def _clock(t: float) -> str:
    """mm:ss of simulated time (minutes past 59 keep counting), as the game's clock says it."""
    return f"{int(t) // 60:02d}:{int(t) % 60:02d}"
