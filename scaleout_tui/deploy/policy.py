"""Imported settings as a policy file for a sandbox (``scaleout import -o POLICY``).

Why a sandbox: it has every component and every knob of its chapter, and it plays any traffic
scenario or the player's own access log, so production settings meet the traffic they are meant
for (``scaleout run sandbox --policy POLICY --set traffic=mysite``). Of the sandboxes, the import
takes the one that plays the most of what it read (:func:`best_sandbox`).

A sandbox knob takes any value its parameter reads (:func:`~scaleout_tui.content.knobs.takes`),
not only the choices its drop-down lists: HAProxy checks every 2 s by default, an ALB every 30 s,
a team may use 7, and each plays as written. A value outside the game's bounds (a check every
0.5 s, under the 1 s the schema allows) plays as the nearest listed choice, and both the policy
file (as a comment on the line) and the import's report say so, with the file and line it came
from. A setting the sandbox has no knob for, or a word it does not offer (an algorithm it
lacks), is reported the same way and left out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from scaleout_tui.content.catalog import load_catalog_default
from scaleout_tui.content.decode import show_number
from scaleout_tui.content.knobs import Value, takes
from scaleout_tui.content.schema import Knob, Level
from scaleout_tui.deploy import texts
from scaleout_tui.deploy.design import Imported, Where
from scaleout_tui.engine.autoscaler_spec import ScheduledAction


@dataclass(frozen=True)
class Adjusted:
    """A setting the policy could not take as written: where it came from, the knob parameter,
    the value read, what the policy holds instead (``None``: left out) and why (a key of
    :data:`~scaleout_tui.deploy.texts.ADJUSTED`)."""

    where: Where
    param: str
    value: str
    instead: str | None
    reason: str


#: a parameter → the one that says the same in a level with an auto scaling group: files state
#: how many servers there are, which in the sandbox (a group) is the group's desired size
_SAME_FACT: dict[str, str] = {"web.count": "asg.desired"}


def origin_of(found: Imported, param: str) -> Where:
    """Where a setting came from (for a group's size read as a fixed fleet's, where that was)."""
    same = next((fixed for fixed, group in _SAME_FACT.items() if group == param), None)
    return found.origin.get(param) or (found.origin.get(same) if same else None) or Where("?")


def knob_text(value: Value) -> str | None:
    """A typed setting as a knob's choice reads: ``30.0`` → ``"30"``, ``True`` → ``"on"``, a
    one-action schedule → ``"8@300"`` or ``"8@300-900"``; ``None`` for a schedule no choice can
    say (several actions, or one that sets the maximum or differs in minimum and desired)."""
    if isinstance(value, bool):
        return "on" if value else "off"
    if isinstance(value, str):
        return value
    if isinstance(value, tuple):
        return _schedule_text(value)
    return show_number(value)


def _schedule_text(actions: tuple[ScheduledAction, ...]) -> str | None:
    if not actions:
        return "none"
    if len(actions) > 1:
        return None
    a = actions[0]
    if a.max_size is not None or a.desired is None or a.min_size != a.desired:
        return None
    end = "" if a.until is None else f"-{show_number(a.until)}"
    return f"{a.desired}@{show_number(a.at)}{end}"


def _nearest(knob: Knob, text: str) -> str | None:
    """The choice nearest a number (the lower one on a tie, the cautious side for a threshold
    or an interval), or ``None`` when the choices are not numbers."""
    try:
        x = float(text)
        numbers = [(abs(float(c) - x), float(c), c) for c in knob.choices]
    except ValueError:
        return None
    return min(numbers)[2] if numbers else None


def sandbox_knobs(found: Imported, level: Level) -> tuple[dict[str, str], list[Adjusted]]:
    """The knob values (knob id → choice) of ``level`` that the imported settings give, in the
    level's knob order, and every setting that was moved to a nearby choice or left out."""
    by_param = {k.param: k for k in level.knobs}
    knobs: dict[str, str] = {}
    adjusted: list[Adjusted] = []
    catalog = load_catalog_default()
    settings = dict(found.settings)
    for fixed, group in _SAME_FACT.items():
        # a fixed fleet's size is a group's starting size: one fact, said once
        if fixed in settings and fixed not in by_param and group in by_param:
            value = settings.pop(fixed)
            if group not in settings:
                settings[group] = value
    for param, value in settings.items():
        where = origin_of(found, param)
        text = knob_text(value)
        knob = by_param.get(param)
        shown = text if text is not None else repr(value)
        if knob is None or text is None:
            adjusted.append(Adjusted(where, param, shown, None, "no_knob" if knob is None else "no_choice"))
            continue
        if takes(level, knob, text, catalog):
            knobs[knob.id] = text
            continue
        near = _nearest(knob, text)
        adjusted.append(Adjusted(where, param, text, near, "nearest" if near is not None else "no_choice"))
        if near is not None:
            knobs[knob.id] = near
    order = [k.id for k in level.knobs]
    return {k: knobs[k] for k in order if k in knobs}, adjusted


def best_sandbox(found: Imported, sandboxes: Sequence[Level]) -> Level:
    """The sandbox that can play the most of what was read: the one that leaves out the fewest
    settings for want of a knob, the first given on a tie.

    Why not always ``99-sandbox``: it has every component of the first chapter, but the device
    tier and the cache are chapter two's, with knobs only ``97-sandbox-chapter-two`` has. Files
    exported from level 9 or 10 would otherwise lose every ingest or cache setting on the way in."""
    def left_out(level: Level) -> int:
        return sum(a.reason == "no_knob" for a in sandbox_knobs(found, level)[1])

    return min(sandboxes, key=left_out)


def adjusted_text(a: Adjusted) -> str:
    """One line for the report: ``haproxy.cfg:12: health.interval_s = 3: the sandbox offers 2, 5,
    10, 30; playing 2``."""
    return texts.ADJUSTED[a.reason].format(where=a.where, param=a.param, value=a.value, instead=a.instead)


def policy_text(found: Imported, level: Level, sources: Sequence[str]) -> tuple[str, list[Adjusted]]:
    """The policy file (TOML) for ``level`` and the adjustments made. Each knob line says where
    its value came from; a moved value says what was written."""
    knobs, adjusted = sandbox_knobs(found, level)
    moved = {a.param: a for a in adjusted if a.instead is not None}
    by_id = {k.id: k for k in level.knobs}
    lines = [f"# {texts.POLICY_HEADER.format(level=level.id)}",
             *(f"#   {s}" for s in sources),
             f"# {texts.POLICY_RUN.format(level=level.id)}",
             "format = 1", "", "[knobs]"]
    for knob_id, choice in knobs.items():
        param = by_id[knob_id].param
        note = str(origin_of(found, param))
        if param in moved:
            note += "; " + texts.POLICY_MOVED.format(value=moved[param].value)
        lines.append(f'{knob_id} = "{choice}"' + (f"  # {note}" if note else ""))
    left_out = [a for a in adjusted if a.instead is None]
    if left_out:
        lines += ["", f"# {texts.POLICY_LEFT_OUT}"]
        lines += [f"#   {adjusted_text(a)}" for a in left_out]
    return "\n".join(lines) + "\n", adjusted
