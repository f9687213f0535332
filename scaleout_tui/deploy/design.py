"""A design, what exporting it gives, and what importing configuration gives back.

Why the knobs' vocabulary: a design is compared with what comes back from its own files (the
round trip), and imported files become a sandbox policy. Both need one name per setting, and
the knob parameters (``lb.algorithm``, ``health.interval_s``, ``asg.cooldown_s`` ...) already
are that name: :data:`~scaleout_tui.content.knobs.RULES` says which level field each overrides
and reads its text within the schema's bounds. So :func:`settings_of` states a design in those
names, a format declares which of them it can carry (:attr:`Format.carries`), and an importer
returns them typed exactly as a knob's text reads (:class:`Imported`).

A writer reads the whole engine configuration (:class:`~scaleout_tui.engine.config.SimConfig`),
not only the knobs: a target group's deregistration delay, a cookie's lifetime and an HPA's
``behavior`` are real settings that no knob turns in the campaign, and the files carry them too.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from scaleout_tui.content.build import build_config, resolve_knobs
from scaleout_tui.content.catalog import load_catalog_default
from scaleout_tui.content.knobs import RULES, Value
from scaleout_tui.content.schema import Level
from scaleout_tui.engine.config import SimConfig

#: the level's table a knob rule overrides → the attribute of :class:`SimConfig` holding its spec
_SPEC_OF: dict[str, str] = {
    "balancer": "balancer", "health_check": "health", "sessions": "sessions", "storage": "storage",
    "app": "app", "replication": "replication", "sharding": "sharding", "autoscaling": "scaling",
    "cache": "cache",
}
#: the attribute of a spec when it differs from the level's key
_ATTR_OF: dict[str, str] = {"autoscaling.scheduled": "scheduled"}
#: the ingest tier's knob parameters → where :class:`~scaleout_tui.engine.ingest.IngestSpec` holds
#: each (its four specs); ``ingest.standby`` is the balancer's two nodes
_INGEST_AT: dict[str, tuple[str, ...]] = {
    "ingest.lb_algorithm": ("balancer", "algorithm"),
    "ingest.check_interval_s": ("balancer", "check_interval_s"),
    "ingest.tls": ("comm", "tls"),
    "ingest.max_age_s": ("comm", "max_age_s"),
    "ingest.backoff": ("devices", "backoff"),
    "ingest.jitter": ("devices", "jitter"),
    "ingest.base_s": ("devices", "base_s"),
    "ingest.cap_s": ("devices", "cap_s"),
    "ingest.comm_count": ("comm_count",),
}


@dataclass(frozen=True)
class Design:
    """A level's set-up with the player's knob values applied: what a format writes.

    ``knobs`` are every knob's effective value (the defaults overlaid with the player's);
    ``changes`` are a policy's timed changes, ``(at_s, knob_id, value)``: a configuration file
    is a state, not a timeline, so a writer notes them instead of writing them."""

    level: Level
    config: SimConfig
    knobs: Mapping[str, str] = field(default_factory=dict)
    changes: tuple[tuple[float, str, str], ...] = ()

    @property
    def name(self) -> str:
        """A name for the resources the files declare: the level's id, as DNS labels allow
        (lower-case letters, digits and ``-``, at most 63)."""
        clean = "".join(c if c.isalnum() and c.isascii() else "-" for c in self.level.id.lower())
        return "-".join(p for p in clean.split("-") if p)[:63].strip("-") or "scaleout"

    @property
    def settings(self) -> dict[str, Value]:
        return settings_of(self.config)


def design_of(level: Level, knobs: Mapping[str, str] | None = None,
              changes: Sequence[tuple[float, str, str]] = ()) -> Design:
    """The design of ``level`` with ``knobs`` set (the rest at their defaults). Raises the content
    layer's :class:`~scaleout_tui.content.errors.LevelError` for a knob or value the level does
    not offer, or values that clash (a minimum above the maximum)."""
    effective = resolve_knobs(level, knobs or {})
    return Design(level, build_config(level, load_catalog_default(), effective), effective, tuple(changes))


def settings_of(config: SimConfig) -> dict[str, Value]:
    """Every knob parameter the configuration has a value for, typed as the knob reads it:
    ``{"web.size": "m5.large", "lb.algorithm": "least_conn", "health.interval_s": 10.0, ...}``.
    A parameter whose component the design lacks (no balancer, no group) is absent."""
    fleet = config.fleet
    out: dict[str, Value] = {"web.size": fleet.web_type.name, "layout": fleet.layout}
    if fleet.db_type is not None:
        out["db.size"] = fleet.db_type.name
    for param, rule in RULES.items():
        if rule.table == "topology":
            if config.scaling is None:  # a group's size is its desired count, not a fixed fleet
                out[param] = fleet.web_count
            continue
        if rule.table == "ingest":
            if config.ingest is not None:
                out[param] = _ingest_value(config, param)
            continue
        spec = getattr(config, _SPEC_OF[rule.table])
        if spec is not None:
            out[param] = getattr(spec, _ATTR_OF.get(rule.field, rule.key))
    return out


def _ingest_value(config: SimConfig, param: str) -> Value:
    spec = config.ingest
    assert spec is not None
    if param == "ingest.standby":
        return spec.balancer.nodes > 1
    value: Any = spec
    for attr in _INGEST_AT[param]:
        value = getattr(value, attr)
    return value  # type: ignore[no-any-return]


@dataclass(frozen=True)
class Note:
    """Something the files cannot say, for the export's README: a code (a key of
    :data:`scaleout_tui.deploy.texts.NOTES`) and the numbers and names its sentence needs."""

    code: str
    params: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Export:
    """What a format writes: file name → text, and the notes for its README; ``checks`` are the
    commands that check files beyond the format's own :attr:`Format.check` (level 9's ingest
    files), for the README's check section."""

    files: Mapping[str, str]
    notes: tuple[Note, ...] = ()
    checks: tuple[str, ...] = ()


@dataclass(frozen=True)
class Where:
    """A place in a configuration file (``line`` counts from 1; 0 when the format has no lines
    to point at, as in a JSON document read whole)."""

    file: str
    line: int = 0

    def __str__(self) -> str:
        return f"{self.file}:{self.line}" if self.line else self.file


@dataclass(frozen=True)
class Skipped:
    """A directive the game cannot model, kept for the report: where it is, what it says
    (``"sticky cookie srv_id"``) and why (a key of :data:`scaleout_tui.deploy.texts.SKIPPED`)."""

    where: Where
    directive: str
    reason: str
    params: Mapping[str, Any] = field(default_factory=dict)


@dataclass
class Imported:
    """What files say, in the knobs' vocabulary: each setting's typed value and the place it came
    from, and every directive left out with its reason. Never silent: a directive is either a
    setting, a skipped entry, or known to mean nothing for the game (a log format, a user)."""

    settings: dict[str, Value] = field(default_factory=dict)
    origin: dict[str, Where] = field(default_factory=dict)
    skipped: list[Skipped] = field(default_factory=list)

    def set(self, param: str, value: Value, where: Where) -> None:
        self.settings[param] = value
        self.origin[param] = where

    def skip(self, where: Where, directive: str, reason: str, **params: Any) -> None:
        self.skipped.append(Skipped(where, directive, reason, params))

    def merge(self, other: Imported) -> None:
        """Add another file's findings; a later file's setting wins (as a later ``-f`` would)."""
        self.settings.update(other.settings)
        self.origin.update(other.origin)
        self.skipped.extend(other.skipped)


class ConfigError(ValueError):
    """A configuration file that cannot be read at all: one line naming the file, the line and
    the problem, already in words (the importer's own texts)."""

    def __init__(self, where: Where, message: str) -> None:
        super().__init__(f"{where}: {message}")
        self.where = where
        self.message = message


@dataclass(frozen=True)
class Format:
    """One kind of production configuration.

    ``carries`` are the knob parameters the format's files state in a way its reader gets back
    exactly (the round trip compares those); everything else the writer knows goes into a
    :class:`Note`. ``claims(name, text)`` says whether a file is this format's, so that
    ``scaleout import`` needs no flag; ``read(name, text)`` reads one such file. ``check`` is
    the command line that checks the written files with the format's own tool, for the README
    (run in the export's folder)."""

    name: str
    carries: frozenset[str]
    write: Callable[[Design], Export]
    claims: Callable[[str, str], bool]
    read: Callable[[str, str], Imported]
    check: str = ""
