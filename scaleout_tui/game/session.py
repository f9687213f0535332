"""A game session: one level, one seed, the knobs the player turns, and the verdict.

The session is the only thing the UI and the CLI talk to. It owns the simulation,
applies knob changes (immediately, or at a scheduled time from a policy file),
remembers every change with its time (that list plus the seed *is* the recording),
and judges the objectives when the clock runs out.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Protocol

from scaleout_tui.content.build import build_config, knob_command, knob_defaults
from scaleout_tui.content.knobs import takes
from scaleout_tui.content.labels import choice_words
from scaleout_tui.content.schema import Level
from scaleout_tui.engine.commands import Command, CommandError
from scaleout_tui.engine.instance import InstanceType
from scaleout_tui.engine.simulation import Simulation
from scaleout_tui.engine.snapshot import Snapshot, take
from scaleout_tui.game.scoring import SLO_P95_MS, errors_by_cause, run_metrics

# Settings the simulation changes by itself (a scheduled action moves the group's
# limits), so a knob's last value says nothing about the current one: always apply.
SELF_CHANGING = frozenset({"asg.min_size", "asg.max_size", "asg.desired"})


@dataclass(frozen=True, slots=True)
class ObjectiveResult:
    id: str
    label: str
    metric: str
    op: str
    target: float
    stretch: float | None
    value: float
    met: bool
    stretch_met: bool
    #: the level's ``short_label``: the name where a panel is narrow (see ``Objective.heading``)
    short_label: str | None = None

    @property
    def heading(self) -> str:
        """The objective's name in a narrow panel: the short label, else the label."""
        return self.short_label or self.label


@dataclass(frozen=True, slots=True)
class Result:
    won: bool
    stars: int
    objectives: tuple[ObjectiveResult, ...]
    metrics: dict[str, float]


def meets(value: float, op: str, target: float) -> bool:
    if math.isnan(value):
        return False
    return value <= target if op == "<=" else value >= target


def stars_for(won: bool, objectives: Sequence[ObjectiveResult]) -> int:
    """0 when lost; 1 for a win; 2 when at least half the stretch goals are met, 3 for all.

    Levels without stretch goals give 3 stars for any win.
    """
    if not won:
        return 0
    stretch = [o for o in objectives if o.stretch is not None]
    if not stretch:
        return 3
    met = sum(o.stretch_met for o in stretch)
    if met == len(stretch):
        return 3
    return 2 if met * 2 >= len(stretch) else 1


class SessionListener(Protocol):
    """Told of what happens to a session: how a recorder (``scaleout_tui.recording``) follows a
    run without the session knowing about files.

    ``command`` hears every command given from outside (a player, a take-over, a replay), after
    it succeeded; the changes of the session's own schedule (a policy file's timed changes) are
    not commands: they are part of how the run was set up. ``ticked`` comes after every tick."""

    def command(self, t: float, name: str, value: str) -> None: ...

    def ticked(self, session: Session) -> None: ...


@dataclass
class Session:
    level: Level
    catalog: Mapping[str, InstanceType]
    seed: int = 1
    knobs: dict[str, str] = field(default_factory=dict)
    changes: Sequence[tuple[float, str, str]] = ()
    history: list[tuple[float, str, str]] = field(default_factory=list)
    listeners: list[SessionListener] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.knobs = {**knob_defaults(self.level), **self.knobs}
        for k, v in self.knobs.items():
            self._knob(k, v)  # validates ids and values before anything runs
        #: The knob values the run started with (a recording's header holds them).
        self.start_knobs = dict(self.knobs)
        self.sim = Simulation(build_config(self.level, self.catalog, self.knobs), self.seed)
        self._pending = sorted(self.changes, key=lambda c: c[0])
        self._scheduled = False

    def _did(self, name: str, value: str) -> None:
        self.history.append((self.sim.now, name, value))
        if not self._scheduled:
            for listener in self.listeners:
                listener.command(self.sim.now, name, value)

    @property
    def schedule(self) -> list[tuple[float, str, str]]:
        """The timed changes of the session's own schedule still to come."""
        return list(self._pending)

    def drop_schedule(self) -> None:
        """Forget the timed changes still to come: a player who takes a run over drives it."""
        self._pending = []

    # ---- knobs ------------------------------------------------------------------------
    def _knob(self, knob_id: str, value: str):  # type: ignore[no-untyped-def]
        for k in self.level.knobs:
            if k.id == knob_id:
                if not takes(self.level, k, value, self.catalog):
                    # the ids, which is what a player types (``--set``, a policy file); the command
                    # line words them with ``knob`` and ``param`` (``cli._content_error``)
                    raise CommandError("bad_knob_value", label=k.label, value=value,
                                       choices=", ".join(k.choices), knob=k.id, param=k.param)
                return k
        raise CommandError("unknown_knob", knob=knob_id, known=", ".join(k.id for k in self.level.knobs))

    def set_knob(self, knob_id: str, value: str) -> None:
        """Change a knob now. Raises :class:`CommandError` (a code: the game's texts word it)."""
        knob = self._knob(knob_id, value)
        if self.knobs.get(knob_id) == value and knob.param not in SELF_CHANGING:
            return
        # the content layer reads the text once, into the engine's typed value
        self.sim.apply(knob_command(self.level, knob_id, value, self.catalog))
        self.knobs[knob_id] = value
        # the log shows the choice in words ("You set Balancing to Least connections"); the
        # history (the recording) keeps the id
        self.sim.emit("knob", "info", label=knob.label, value=choice_words(knob.param, value),
                      knob=knob_id, choice=value)
        self._did(knob_id, value)

    def speak(self, level: Level) -> None:
        """Go on with ``level``'s words: the same level, read again in another language.

        The log's setting lines were worded when the player made the change ("You set Shards to
        3 shards"); they keep the knob's id and the choice's id, so they are worded again here
        with the new label and choice words, as a line logged from now on would be."""
        self.level = level
        knobs = {k.id: k for k in level.knobs}
        log = self.sim.log
        for i, entry in enumerate(log):
            knob = knobs.get(str(entry.params.get("knob", ""))) if entry.code == "knob" else None
            if knob is not None:
                words = choice_words(knob.param, str(entry.params["choice"]))
                log[i] = replace(entry, params={**entry.params, "label": knob.label, "value": words})

    # ---- drills -------------------------------------------------------------------------
    def inject(self, kind: str, box: str) -> None:
        """Break a box now, as a drill (``crash``, ``hang``, ``error`` or ``slow``); it stays
        broken until :meth:`repair`. Raises :class:`CommandError` with a reason."""
        if kind not in self.level.injections:
            raise CommandError("drill_not_allowed", kind=kind)
        self.sim.apply(Command(f"inject.{kind}", box))
        self._did(f"inject.{kind}", box)

    def repair(self, box: str) -> None:
        """Repair a box broken by a drill (or by the script, ahead of time)."""
        self.sim.apply(Command("repair", box))
        self._did("repair", box)

    # ---- time -------------------------------------------------------------------------
    @property
    def now(self) -> float:
        return self.sim.now

    @property
    def finished(self) -> bool:
        return self.sim.finished

    def advance(self, seconds: float) -> None:
        """Advance the clock, applying scheduled changes at the first tick at or after
        their time."""
        end = min(self.sim.now + seconds, self.sim.config.duration_s)
        while self.sim.now < end - 1e-9:
            while self._pending and self._pending[0][0] <= self.sim.now + 1e-9:
                _, knob, value = self._pending.pop(0)
                self._scheduled = True
                try:
                    self.set_knob(knob, value)
                except CommandError as e:
                    self.sim.emit("command_failed", "warn", refusal=e.code, **e.params)
                finally:
                    self._scheduled = False
            self.sim.step()
            for listener in self.listeners:
                listener.ticked(self)

    def run(self) -> Result:
        self.advance(self.sim.config.duration_s)
        return self.result()

    def snapshot(self) -> Snapshot:
        return take(self.sim)

    # ---- verdict ----------------------------------------------------------------------
    def slo_p95_ms(self) -> float:
        """The level's own p95 target, if it has one, defines a second in violation."""
        for o in self.level.objectives:
            if o.metric == "latency_p95_ms" and o.op == "<=":
                return float(o.target)
        return SLO_P95_MS

    def result(self) -> Result:
        values = run_metrics(self.sim, self.slo_p95_ms())
        objs = []
        for o in self.level.objectives:
            v = values[o.metric]
            objs.append(ObjectiveResult(o.id, o.label, o.metric, o.op, o.target, o.stretch, v,
                                        meets(v, o.op, o.target),
                                        o.stretch is not None and meets(v, o.op, o.stretch),
                                        o.short_label))
        won = all(o.met for o in objs)
        return Result(won, stars_for(won, objs), tuple(objs), values)

    def errors(self) -> dict[str, int]:
        return errors_by_cause(self.sim)
