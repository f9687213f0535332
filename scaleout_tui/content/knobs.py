"""What each knob parameter means: how its choices read, what it needs, what it must start at.

Why one table: a knob's choices are text (the UI shows them, the engine's ``Command`` carries
them), but their meaning depends on the parameter: an algorithm's name, a port number, on/off.
The loader must check every choice and compare the default with the level's start value, and
:mod:`scaleout_tui.content.build` must convert the same text to configure the engine from t=0.
Reading the text in one place gives both the same answer, so a level cannot validate and then
build into something else.

Each rule names the level field the knob overrides (``balancer.algorithm``). The field's
annotation in :mod:`~scaleout_tui.content.schema` supplies the type and the range, so a knob
offering ``health.interval_s = "0"`` is refused by exactly the bound that refuses
``interval_s = 0`` in the ``[health_check]`` table. Only the word lists come from elsewhere (the
engine's own constants).

``web.size``, ``db.size`` and ``layout`` are not in this table: their choices are checked
against the instance catalog and the layouts by the loader, as in the first version of the
format. Nor is ``traffic.scenario``: its choices are names in the scenario library
(:mod:`scaleout_tui.content.scenarios`).

:func:`read_knob` is the one reading of a knob's text for every parameter: the session and the
command line turn a player's choice into the engine's typed :class:`~scaleout_tui.engine.Command`
with it, so the engine never parses text and no bound is written twice.

``asg.schedule`` is the one choice that is not a single value: ``"none"``, ``"DESIRED@AT"``, a
scheduled action that sets the group's desired and minimum size at a clock time, or
``"DESIRED@AT-UNTIL"``, the same as a window whose end puts the minimum back. It reads to the
engine's own ``ScheduledAction`` tuple, so its default is compared with the level's
``[[autoscaling.scheduled]]`` entries exactly as the other defaults are with their fields.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from types import NoneType, UnionType
from typing import Annotated, Final, Union, get_args, get_origin, get_type_hints

import msgspec

from scaleout_tui import texts
from scaleout_tui.content.decode import show_number
from scaleout_tui.content.paths import is_sandbox
from scaleout_tui.content.schema import (
    FLAGS,
    LAYOUTS,
    SESSION_STORES,
    App,
    Autoscaling,
    Balancer,
    Cache,
    HealthCheck,
    Ingest,
    Knob,
    Level,
    Replication,
    ScheduledSizes,
    Sessions,
    Sharding,
    Storage,
    Topology,
)
from scaleout_tui.engine.autoscaler_spec import METRICS as SCALING_METRICS
from scaleout_tui.engine.autoscaler_spec import POLICIES, ScheduledAction
from scaleout_tui.engine.balancer import ALGORITHMS
from scaleout_tui.engine.cache import POLICIES as CACHE_POLICIES
from scaleout_tui.engine.cloning import CLONE_DATABASES
from scaleout_tui.engine.commands import Value as CommandValue
from scaleout_tui.engine.devices import BACKOFFS, JITTERS
from scaleout_tui.engine.healthcheck import KINDS as CHECK_KINDS
from scaleout_tui.engine.healthcheck import PATH_COST_S
from scaleout_tui.engine.instance import InstanceType
from scaleout_tui.engine.redirects import MODES as REDIRECT_MODES
from scaleout_tui.engine.replication import ROUTINGS
from scaleout_tui.engine.shardrouter import KEYS as SHARD_KEYS
from scaleout_tui.engine.storage import MODES as STORAGE_MODES
from scaleout_tui.engine.tcpbalancer import ALGORITHMS as TCP_ALGORITHMS

#: what ``asg.schedule`` reads to: the group's scheduled actions (none, or one)
Schedule = tuple[ScheduledAction, ...]
Value = str | bool | int | float | Schedule
#: the parameters whose choices name an instance type in the catalog
SIZE_PARAMS: Final = ("web.size", "db.size")

# Plain decimals only: ``float()`` would also take "nan", "1e3", " 5" and "+5", none of which a
# designer means as a choice shown to a player. Whole numbers stop at 15 digits, far above any
# range here: ``int()`` raises ValueError (not a clean message) on more than 4300.
_WHOLE = re.compile(r"^(?:0|[1-9][0-9]{0,14})$")
_NUMBER = re.compile(r"^(?:0|[1-9][0-9]*)(?:\.[0-9]+)?$")
_SECONDS = r"((?:0|[1-9][0-9]*)(?:\.[0-9]+)?)"
_SCHEDULE = re.compile(rf"^(0|[1-9][0-9]{{0,14}})@{_SECONDS}(?:-{_SECONDS})?$")
NO_SCHEDULE: Final = "none"

_TABLES: Final[dict[str, type[msgspec.Struct]]] = {
    "topology": Topology, "balancer": Balancer, "health_check": HealthCheck, "sessions": Sessions,
    "storage": Storage, "app": App, "replication": Replication, "sharding": Sharding,
    "autoscaling": Autoscaling, "autoscaling.scheduled": ScheduledSizes, "cache": Cache,
    "ingest": Ingest,
}
#: the word a max-age choice uses for "connections never retire" (the engine's infinity)
NO_MAX_AGE: Final = "off"


class BadChoice(ValueError):
    """A choice that does not read as a value of its parameter; the text says why."""


@dataclass(frozen=True)
class KnobRule:
    """One knob parameter: the level field it overrides, the tables it needs, and (for words)
    the allowed words."""

    field: str                  # "table.key": the start value the knob's default must equal
    needs: tuple[str, ...] = ()  # top-level tables the level must have
    words: tuple[str, ...] = ()  # for a string field: the allowed values
    #: "table.key" whose annotation gives the type and range, when narrower than ``field``'s own
    shape: str | None = None

    @property
    def table(self) -> str:
        return self.field.split(".", 1)[0]

    @property
    def key(self) -> str:
        return self.field.split(".", 1)[1]

    def read(self, text: str) -> Value:
        """The typed value of a choice. Raises :class:`BadChoice`."""
        kind, lo, hi = _shape(*(self.shape or self.field).rsplit(".", 1))
        if kind is bool:
            if text not in FLAGS:
                raise BadChoice(texts.CHOICE_WORDS.format(allowed=", ".join(FLAGS)))
            return text == "on"
        if kind is str:
            if text not in self.words:
                raise BadChoice(texts.CHOICE_WORDS.format(allowed=", ".join(self.words)))
            return text
        whole = kind is int
        ok = (_WHOLE if whole else _NUMBER).match(text) is not None
        value = int(text) if ok and whole else float(text) if ok else None
        if value is None or not lo <= value <= hi:
            template = texts.CHOICE_WHOLE if whole else texts.CHOICE_NUMBER
            raise BadChoice(template.format(lo=show_number(lo), hi=show_number(hi)))
        return value

    def start(self, level: Level) -> Value | None:
        """The level's own value of the field, or ``None`` when its table is absent."""
        table = getattr(level, self.table)
        return None if table is None else getattr(table, self.key)

    def start_is_valid(self, start: Value) -> bool:
        """False for a start word the loader already reports (so it is not reported twice)."""
        return not self.words or start in self.words


@dataclass(frozen=True)
class ScheduleRule(KnobRule):
    """``asg.schedule``: ``"none"``, or ``"DESIRED@AT"`` for one scheduled action that sets the
    group's minimum and desired size to DESIRED at AT seconds (the tutorials' "six instances from
    20:00"), or ``"DESIRED@AT-UNTIL"`` for the same as a window: at UNTIL the minimum goes back to
    what it was before AT (AWS users write that as a second action). Whether AT and UNTIL fall
    inside the level is the loader's check: a choice alone does not know the level's length."""

    def read(self, text: str) -> Value:
        if text == NO_SCHEDULE:
            return ()
        m = _SCHEDULE.match(text)
        _, lo_n, hi_n = _shape("autoscaling.scheduled", "desired")
        _, lo_t, hi_t = _shape("autoscaling.scheduled", "at")
        until = None if m is None or m.group(3) is None else float(m.group(3))
        if (m is None or not lo_n <= int(m.group(1)) <= hi_n or not lo_t <= float(m.group(2)) <= hi_t
                or (until is not None and not float(m.group(2)) < until <= hi_t)):
            raise BadChoice(texts.CHOICE_SCHEDULE.format(none=NO_SCHEDULE, lo=show_number(lo_n),
                                                         hi=show_number(hi_n), end=show_number(hi_t)))
        n = int(m.group(1))
        return (ScheduledAction(at=float(m.group(2)), min_size=n, desired=n, until=until),)

    def start(self, level: Level) -> Value | None:
        group = level.autoscaling
        if group is None:
            return None
        return tuple(ScheduledAction(at=a.at, min_size=a.min_size, max_size=a.max_size, desired=a.desired,
                                     until=a.until)
                     for a in group.scheduled)


@dataclass(frozen=True)
class AgeRule(KnobRule):
    """``ingest.max_age_s``: seconds, or ``"off"`` for connections that never retire (grpc-go's
    default, ``MaxConnectionAge`` infinite): the engine's ``inf``, as ``max_age_s = inf`` in the
    ``[ingest]`` table."""

    def read(self, text: str) -> Value:
        if text == NO_MAX_AGE:
            return math.inf
        try:
            return super().read(text)
        except BadChoice:
            _, lo, _ = _shape(self.table, self.key)
            raise BadChoice(texts.CHOICE_AGE.format(off=NO_MAX_AGE, lo=show_number(lo))) from None


#: Every knob parameter beyond web.size, db.size and layout.
RULES: Final[dict[str, KnobRule]] = {
    "web.count": KnobRule("topology.web_count"),
    "lb.algorithm": KnobRule("balancer.algorithm", ("balancer",), ALGORITHMS),
    "lb.sticky": KnobRule("balancer.sticky", ("balancer",)),
    "lb.count": KnobRule("balancer.count", ("balancer",)),
    "lb.target_port": KnobRule("balancer.target_port", ("balancer",)),
    "health.kind": KnobRule("health_check.kind", ("balancer", "health_check"), CHECK_KINDS),
    "health.path": KnobRule("health_check.path", ("balancer", "health_check"), tuple(PATH_COST_S)),
    "health.interval_s": KnobRule("health_check.interval_s", ("balancer", "health_check")),
    "health.timeout_s": KnobRule("health_check.timeout_s", ("balancer", "health_check")),
    "health.healthy_threshold": KnobRule("health_check.healthy_threshold", ("balancer", "health_check")),
    "health.unhealthy_threshold": KnobRule("health_check.unhealthy_threshold", ("balancer", "health_check")),
    "session.store": KnobRule("sessions.store", ("sessions",), SESSION_STORES),
    "storage.mode": KnobRule("storage.mode", ("storage",), STORAGE_MODES),
    "storage.nfs_cache_s": KnobRule("storage.nfs_cache_s", ("storage",)),
    "app.redirect": KnobRule("app.redirect", ("app",), REDIRECT_MODES),
    "app.clone_database": KnobRule("app.clone_database", ("app",), CLONE_DATABASES),
    "db.replicas": KnobRule("replication.replicas", ("replication",)),
    "db.read_routing": KnobRule("replication.read_routing", ("replication",), ROUTINGS),
    "db.shards": KnobRule("sharding.shards", ("sharding",)),
    "db.shard_key": KnobRule("sharding.key", ("sharding",), SHARD_KEYS),
    "asg.policy": KnobRule("autoscaling.policy", ("autoscaling",), POLICIES),
    "asg.min_size": KnobRule("autoscaling.min_size", ("autoscaling",)),
    "asg.max_size": KnobRule("autoscaling.max_size", ("autoscaling",)),
    # the group's desired size is also the fleet at the start (``topology.web_count``), which has
    # at least one web box: a knob may not start the level without one
    "asg.desired": KnobRule("autoscaling.desired", ("autoscaling",), shape="topology.web_count"),
    "asg.scale_out_cpu": KnobRule("autoscaling.scale_out_cpu", ("autoscaling",)),
    "asg.scale_in_cpu": KnobRule("autoscaling.scale_in_cpu", ("autoscaling",)),
    "asg.target_cpu": KnobRule("autoscaling.target_cpu", ("autoscaling",)),
    "asg.metric": KnobRule("autoscaling.metric", ("autoscaling",), SCALING_METRICS),
    "asg.target_requests": KnobRule("autoscaling.target_requests", ("autoscaling",)),
    "asg.target_latency_ms": KnobRule("autoscaling.target_latency_ms", ("autoscaling",)),
    "asg.cooldown_s": KnobRule("autoscaling.cooldown_s", ("autoscaling",)),
    "asg.period_s": KnobRule("autoscaling.period_s", ("autoscaling",)),
    "asg.warmup_s": KnobRule("autoscaling.warmup_s", ("autoscaling",)),
    "asg.schedule": ScheduleRule("autoscaling.scheduled", ("autoscaling",)),
    "cache.capacity": KnobRule("cache.capacity", ("cache",)),
    "cache.ttl_s": KnobRule("cache.ttl_s", ("cache",)),
    "cache.ttl_jitter": KnobRule("cache.ttl_jitter", ("cache",)),
    "cache.policy": KnobRule("cache.policy", ("cache",), CACHE_POLICIES),
    "cache.invalidate": KnobRule("cache.invalidate", ("cache",)),
    "cache.single_flight": KnobRule("cache.single_flight", ("cache",)),
    "cache.swr_s": KnobRule("cache.swr_s", ("cache",)),
    "ingest.lb_algorithm": KnobRule("ingest.lb_algorithm", ("ingest",), TCP_ALGORITHMS),
    "ingest.check_interval_s": KnobRule("ingest.check_interval_s", ("ingest",)),
    "ingest.standby": KnobRule("ingest.standby", ("ingest",)),
    "ingest.tls": KnobRule("ingest.tls", ("ingest",)),
    "ingest.max_age_s": AgeRule("ingest.max_age_s", ("ingest",)),
    "ingest.backoff": KnobRule("ingest.backoff", ("ingest",), BACKOFFS),
    "ingest.jitter": KnobRule("ingest.jitter", ("ingest",), JITTERS),
    "ingest.base_s": KnobRule("ingest.base_s", ("ingest",)),
    "ingest.cap_s": KnobRule("ingest.cap_s", ("ingest",)),
    # a count like any other, that only grows once the clock runs: the engine refuses fewer comm
    # servers (``comm_cannot_shrink``), and the game words the refusal
    "ingest.comm_count": KnobRule("ingest.comm_count", ("ingest",)),
}


@cache
def _shape(table: str, key: str) -> tuple[type, float, float]:
    """(base type, lower bound, upper bound) of a schema field, from its annotation (an optional
    field's ``| None`` is left out)."""
    hint = get_type_hints(_TABLES[table], include_extras=True)[key]
    if get_origin(hint) in (Union, UnionType):
        hint = next(arg for arg in get_args(hint) if arg is not NoneType)
    lo, hi = float("-inf"), float("inf")
    if get_origin(hint) is Annotated:
        base, *metas = get_args(hint)
        for meta in metas:
            if isinstance(meta, msgspec.Meta):
                lo = lo if meta.ge is None else float(meta.ge)
                hi = hi if meta.le is None else float(meta.le)
    else:
        base = hint
    return base, lo, hi


def show_value(value: Value) -> str:
    """A start value as a TOML author wrote it: ``true``, ``30``, ``'round_robin'``,
    ``[{at = 1200, min_size = 6, desired = 6}]``."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return repr(value)
    if isinstance(value, tuple):
        return "[" + ", ".join(_show_action(a) for a in value) + "]"
    return show_number(value)


def _show_action(action: ScheduledAction) -> str:
    sizes = [(k, getattr(action, k)) for k in ("min_size", "max_size", "desired")]
    end = [] if action.until is None else [f"until = {show_number(action.until)}"]
    return "{" + ", ".join([f"at = {show_number(action.at)}"]
                           + [f"{k} = {v}" for k, v in sizes if v is not None] + end) + "}"


def takes(level: Level, knob: Knob, text: str, catalog: Mapping[str, InstanceType]) -> bool:
    """Whether ``knob`` takes ``text``: one of its choices; in a sandbox, also any value its
    parameter reads within the schema's bounds.

    Why the sandbox is open: it is where ``scaleout import`` brings production settings to be
    played (``scaleout run sandbox --policy mine.toml``), and a team's 3 s check interval or a
    group of 3 to 30 servers played as the nearest listed choice would be playing something
    else. The campaign's levels stay closed: their choices are the lesson. The traffic knob
    stays closed too (its choices are the scenario library, expanded by the loader)."""
    if text in knob.choices:
        return True
    if not is_sandbox(level.id) or knob.param == "traffic.scenario":
        return False
    try:
        read_knob(knob.param, text, catalog)
    except BadChoice:
        return False
    return True


def read_knob(param: str, text: str, catalog: Mapping[str, InstanceType]) -> CommandValue:
    """The engine's typed value of ``text`` for ``param``. Raises :class:`BadChoice`.

    Sizes read to the catalog's :class:`InstanceType`; ``layout`` and ``traffic.scenario`` to
    their word (a scenario is looked up by name in the run's library); the rest by their rule."""
    if param in SIZE_PARAMS:
        itype = catalog.get(text)
        if itype is None:
            raise BadChoice(texts.NOT_IN_CATALOG.format(got=text))
        return itype
    if param == "layout":
        if text not in LAYOUTS:
            raise BadChoice(texts.CHOICE_WORDS.format(allowed=", ".join(LAYOUTS)))
        return text
    if param == "traffic.scenario":
        return text
    return RULES[param].read(text)
