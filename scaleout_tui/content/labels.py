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
from scaleout_tui.content.knobs import SIZE_PARAMS, BadChoice, read_knob
from scaleout_tui.engine.autoscaler_spec import ScheduledAction

_NUMBER = re.compile(r"^(?:0|[1-9][0-9]*)(?:\.[0-9]+)?$")


def known_words(param: str, value: str) -> str | None:
    """The words for ``value`` of ``param``, or ``None`` when no rule covers it."""
    words = texts.CHOICE_LABELS.get((param, value))
    if words is not None:
        return words
    if param in SIZE_PARAMS:
        return value
    units = texts.CHOICE_UNITS.get(param)
    if units is not None and _NUMBER.match(value):
        return texts.plural(value, units)
    if param == "asg.schedule":
        try:
            actions = read_knob("asg.schedule", value, {})
        except BadChoice:
            return None
        return schedule_words(actions) if isinstance(actions, tuple) else None
    return None


def schedule_words(actions: tuple[ScheduledAction, ...]) -> str:
    """``40 instances from 32:00 to 41:00``: scheduled actions in words, as the drop-down, the
    command line and the debrief say them."""
    if not actions:
        return texts.CHOICE_SCHEDULE_NONE
    words = []
    for a in actions:
        size = a.desired if a.desired is not None else a.min_size
        n = size if size is not None else 0
        many = texts.plural(n, texts.CHOICE_SCHEDULE_N)
        if a.until is None:
            words.append(texts.CHOICE_SCHEDULE_FROM.format(n=many, clock=_clock(a.at)))
        else:
            words.append(texts.CHOICE_SCHEDULE_WINDOW.format(n=many, clock=_clock(a.at),
                                                             until=_clock(a.until)))
    return "; ".join(words)


def choice_words(param: str, value: str) -> str:
    """How a choice reads to a player; the id itself when nothing says otherwise."""
    words = known_words(param, value)
    return value if words is None else words


def choice_short(param: str, value: str) -> str:
    """The shorter words of :data:`~scaleout_tui.texts.CHOICE_SHORT` (a chip at 80 columns);
    :func:`choice_words` where there are none."""
    short = texts.CHOICE_SHORT.get((param, value))  # a Ctx is read as its text once registered
    return str(short) if short else choice_words(param, value)


def unit_of(param: str) -> str:
    """The unit of a parameter's choices (``s``, ``replicas``, ``instance type``), ``""`` for words."""
    if param in SIZE_PARAMS:
        return texts.UNIT_INSTANCE_TYPE
    if param == "asg.schedule":
        return texts.UNIT_SCHEDULE
    return texts.CHOICE_UNIT_NAMES.get(param, "")


def _clock(t: float) -> str:
    """mm:ss of simulated time (minutes past 59 keep counting), as the game's clock says it."""
    return f"{int(t) // 60:02d}:{int(t) % 60:02d}"
