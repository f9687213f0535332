"""Commands: what the layers above ask the engine to change, and how it says no.

Why typed values: a knob's text (``"30"``, ``"on"``, ``"m5.large"``) is read once, by the content
layer, which alone knows each parameter's type and bounds. The engine receives the value already
typed (an int, a float, a bool, a word from its own word lists, an :class:`InstanceType`, a tuple
of scheduled actions) and never parses text, so there is one reading of every setting.

Why codes: the engine writes no prose. A refusal is a :class:`CommandError` with a ``code`` (a
stable identifier such as ``"box_not_running"``) and its parameters; the game layer turns the
pair into a sentence in the player's language.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from scaleout_tui.engine.autoscaler_spec import ScheduledAction
from scaleout_tui.engine.instance import InstanceType

#: A command's typed value.
Value = str | bool | int | float | InstanceType | tuple[ScheduledAction, ...]
#: A mechanism's handler for one parameter path.
Handler = Callable[[Value], None]
#: A refusal's parameters (flat, like a log entry's).
Params = dict[str, str | float | int]


@dataclass(frozen=True, slots=True)
class Command:
    """A change of one setting, or an action.

    ``param`` is an engine parameter path (``web.size``, ``lb.algorithm``, ``health.interval_s``,
    ``inject.crash``, ``repair`` ...): the mechanism that owns the path carries it out. ``value``
    is typed (see the module docstring); for ``inject.*`` and ``repair`` it names the box, or a
    role (``web``, ``db``, ``lb``, ``session``, ``replica``) for the box that holds it now."""

    param: str
    value: Value


class CommandError(ValueError):
    """A command the engine cannot carry out: a ``code`` and its parameters, no words."""

    def __init__(self, code: str, **params: str | float | int) -> None:
        super().__init__(code, params)
        self.code = code
        self.params: Params = dict(params)

    def __str__(self) -> str:  # for logs and tracebacks; players read the game's sentence
        inner = ", ".join(f"{k}={v!r}" for k, v in self.params.items())
        return f"{self.code}({inner})"
