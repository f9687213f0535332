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
format.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Annotated, Final, get_args, get_origin, get_type_hints

import msgspec

from scaleout_tui import texts
from scaleout_tui.content.decode import show_number
from scaleout_tui.content.schema import (
    FLAGS,
    SESSION_STORES,
    Balancer,
    HealthCheck,
    Level,
    Replication,
    Sessions,
    Sharding,
    Storage,
    Topology,
)
from scaleout_tui.engine.balancer import ALGORITHMS
from scaleout_tui.engine.healthcheck import KINDS as CHECK_KINDS
from scaleout_tui.engine.healthcheck import PATH_COST_S
from scaleout_tui.engine.replication import ROUTINGS
from scaleout_tui.engine.shardrouter import KEYS as SHARD_KEYS
from scaleout_tui.engine.storage import MODES as STORAGE_MODES

Value = str | bool | int | float

# Plain decimals only: ``float()`` would also take "nan", "1e3", " 5" and "+5", none of which a
# designer means as a choice shown to a player.
_WHOLE = re.compile(r"^(?:0|[1-9][0-9]*)$")
_NUMBER = re.compile(r"^(?:0|[1-9][0-9]*)(?:\.[0-9]+)?$")

_TABLES: Final[dict[str, type[msgspec.Struct]]] = {
    "topology": Topology, "balancer": Balancer, "health_check": HealthCheck, "sessions": Sessions,
    "storage": Storage, "replication": Replication, "sharding": Sharding,
}


class BadChoice(ValueError):
    """A choice that does not read as a value of its parameter; the text says why."""


@dataclass(frozen=True)
class KnobRule:
    """One knob parameter: the level field it overrides, the tables it needs, and (for words)
    the allowed words."""

    field: str                  # "table.key": the start value the knob's default must equal
    needs: tuple[str, ...] = ()  # top-level tables the level must have
    words: tuple[str, ...] = ()  # for a string field: the allowed values

    @property
    def table(self) -> str:
        return self.field.split(".", 1)[0]

    @property
    def key(self) -> str:
        return self.field.split(".", 1)[1]

    def read(self, text: str) -> Value:
        """The typed value of a choice. Raises :class:`BadChoice`."""
        kind, lo, hi = _shape(self.table, self.key)
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
    "db.replicas": KnobRule("replication.replicas", ("replication",)),
    "db.read_routing": KnobRule("replication.read_routing", ("replication",), ROUTINGS),
    "db.shards": KnobRule("sharding.shards", ("sharding",)),
    "db.shard_key": KnobRule("sharding.key", ("sharding",), SHARD_KEYS),
}


@cache
def _shape(table: str, key: str) -> tuple[type, float, float]:
    """(base type, lower bound, upper bound) of a schema field, from its annotation."""
    hint = get_type_hints(_TABLES[table], include_extras=True)[key]
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
    """A start value as a TOML author wrote it: ``true``, ``30``, ``'round_robin'``."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return repr(value)
    return show_number(value)
