"""The bridge from a level file to the engine: :class:`SimConfig` and :class:`Command`.

Why a separate step: the level speaks a designer's units (milliseconds, knob ids, instance
names) and the engine speaks seconds and objects. Converting in one place keeps both sides
simple, and it is where a knob setting chosen by a player (``--set``, a policy file, the UI) is
checked against the level before anything runs.

Knob values override the level's start values: the effective setting of a knob is the player's
value, else its default (which the loader has checked equals the start value). So a knob set
before the clock starts configures the run from t=0, at no cost: the box count, the balancer,
its health checks, the session store, file storage, the replicas, the shards, the auto scaling
group, the look-aside cache and the device-ingest tier are built that way, not switched later.

The group's knobs can clash although each is in range (a minimum above the maximum): the group
is checked after they are applied, by the loader's own rules, and refused naming the knob. As in
the cloud, moving a limit past the desired size carries the desired size along, unless the
player set that too.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

import msgspec

from scaleout_tui import texts
from scaleout_tui.content.asg import group_problems, scaling_spec
from scaleout_tui.content.catalog import load_catalog_default
from scaleout_tui.content.errors import LevelError
from scaleout_tui.content.knobs import RULES, BadChoice, Value, read_knob, takes
from scaleout_tui.content.locate import FieldPath, format_field
from scaleout_tui.content.scenarios import base_series, load_scenario
from scaleout_tui.content.schema import Level
from scaleout_tui.engine import (
    Command,
    FleetSpec,
    InstanceType,
    KindMix,
    ScheduledFailure,
    Shape,
    SimConfig,
    Spike,
    TrafficSpec,
)
from scaleout_tui.engine.autoscaler_spec import ScalingSpec
from scaleout_tui.engine.balancer import BalancerSpec
from scaleout_tui.engine.cache import CacheSpec
from scaleout_tui.engine.cloning import AppSpec
from scaleout_tui.engine.closedloop import LoadTest
from scaleout_tui.engine.devices import CommSpec, DeviceSpec
from scaleout_tui.engine.healthcheck import HealthCheckSpec
from scaleout_tui.engine.ingest import IngestSpec
from scaleout_tui.engine.replication import ReplicationSpec
from scaleout_tui.engine.sessions import SessionSpec
from scaleout_tui.engine.shardrouter import ShardingSpec
from scaleout_tui.engine.storage import StorageSpec
from scaleout_tui.engine.tcpbalancer import TcpBalancerSpec

__all__ = ["build_config", "commands_for", "injections", "knob_command", "knob_defaults",
           "load_catalog_default", "resolve_knobs"]

# The engine's own default for a slow fault's multiplier, for events that do not set one.
_SLOW_FACTOR = ScheduledFailure(0.0, "", 0.0).factor

# For a group that breaks a rule once the knobs are applied: the knobs that can have caused it,
# by the first part of the rule's field, most likely first. A rule no knob reaches (the steps,
# the boot times) cannot break in a level the loader passed.
_CULPRITS: dict[str, tuple[str, ...]] = {
    "min_size": ("asg.min_size", "asg.max_size"),
    "desired": ("asg.desired", "asg.min_size", "asg.max_size"),
    "scale_in_cpu": ("asg.scale_in_cpu", "asg.scale_out_cpu"),
    "scheduled": ("asg.schedule", "asg.min_size", "asg.max_size"),
    "period_s": ("asg.period_s",),
}


def injections(level: Level) -> tuple[str, ...]:
    """The failure kinds the player may trigger from the game screen; empty for none."""
    return level.injections


def knob_defaults(level: Level) -> dict[str, str]:
    """Each knob's default value, by knob id, in the level's order."""
    return {k.id: k.default for k in level.knobs}


def resolve_knobs(level: Level, knobs: Mapping[str, str]) -> dict[str, str]:
    """The defaults overlaid with ``knobs``, after checking every id and value.

    Raises :class:`LevelError` (path: the level id; field: ``knobs.<id>``) for an unknown knob or
    a value it does not take (:func:`~scaleout_tui.content.knobs.takes`: outside its choices,
    except in a sandbox).
    """
    by_id = {k.id: k for k in level.knobs}
    for knob_id, value in knobs.items():
        knob = by_id.get(knob_id)
        if knob is None:
            raise LevelError(level.id, f"knobs.{knob_id}",
                             texts.UNKNOWN_KNOB.format(got=knob_id, allowed=", ".join(by_id)))
        if not takes(level, knob, value, load_catalog_default()):
            raise LevelError(level.id, f"knobs.{knob_id}",
                             texts.BAD_KNOB_VALUE.format(got=value, allowed=", ".join(knob.choices)))
    defaults = knob_defaults(level)
    return {k: knobs.get(k, v) for k, v in defaults.items()}


def commands_for(level: Level, knobs: Mapping[str, str],
                 catalog: Mapping[str, InstanceType] | None = None) -> list[Command]:
    """The typed engine commands that set ``knobs`` (only those given, in the level's knob order).

    Raises :class:`LevelError` naming the knob for an id or a value the level does not offer."""
    resolve_knobs(level, knobs)
    cat = load_catalog_default() if catalog is None else catalog
    return [knob_command(level, k.id, knobs[k.id], cat) for k in level.knobs if k.id in knobs]


def knob_command(level: Level, knob_id: str, text: str, catalog: Mapping[str, InstanceType]) -> Command:
    """The engine command for one knob set to ``text`` (one of its choices)."""
    knob = next(k for k in level.knobs if k.id == knob_id)
    try:
        return Command(knob.param, read_knob(knob.param, text, catalog))
    except BadChoice as e:
        raise LevelError(level.id, f"knobs.{knob.id}", texts.BAD_CHOICE.format(
            knob=knob.id, param=knob.param, got=text, reason=e)) from None


def _itype(level: Level, catalog: Mapping[str, InstanceType], name: str, field: str) -> InstanceType:
    try:
        return catalog[name]
    except KeyError:
        raise LevelError(level.id, field, texts.NOT_IN_CATALOG.format(got=name)) from None


def _overrides(level: Level, effective: Mapping[str, str]) -> dict[str, dict[str, Any]]:
    """The typed values of the knobs in :data:`~scaleout_tui.content.knobs.RULES`, by the table
    and key they override: ``{"balancer": {"sticky": True}, "topology": {"web_count": 4}}``."""
    out: dict[str, dict[str, Any]] = {}
    for knob in level.knobs:
        rule = RULES.get(knob.param)
        if rule is None:
            continue
        try:
            value: Value = rule.read(effective[knob.id])
        except BadChoice as e:  # the loader refuses such a level; only an unchecked one gets here
            raise LevelError(level.id, f"knobs.{knob.id}", texts.BAD_CHOICE.format(
                knob=knob.id, param=knob.param, got=effective[knob.id], reason=e)) from None
        out.setdefault(rule.table, {})[rule.key] = value
    return out


def build_config(level: Level, catalog: Mapping[str, InstanceType],
                 knobs: Mapping[str, str] | None = None) -> SimConfig:
    """The engine configuration of ``level`` with ``knobs`` applied (defaults for the rest)."""
    effective = resolve_knobs(level, knobs or {})
    over = _overrides(level, effective)
    topo = level.topology
    layout, web, db = topo.layout, topo.web_size, topo.db_size
    web_field, db_field = "topology.web_size", "topology.db_size"
    for knob in level.knobs:
        value = effective[knob.id]
        if knob.param == "web.size":
            web, web_field = value, f"knobs.{knob.id}"
        elif knob.param == "db.size":
            db, db_field = value, f"knobs.{knob.id}"
        elif knob.param == "layout":
            layout = value
    scaling = _scaling(level, over, effective)
    fleet = FleetSpec(
        layout=layout,  # type: ignore[arg-type]  # checked against LAYOUTS by the loader
        web_type=_itype(level, catalog, web, web_field),
        db_type=None if db is None else _itype(level, catalog, db, db_field),
        # a group starts with its desired size (the loader has checked the level's two agree)
        web_count=scaling.desired if scaling is not None else over.get("topology", {}).get(
            "web_count", topo.web_count),
    )
    t = level.traffic
    scenario, scenarios = _scenarios(level, effective)
    traffic = TrafficSpec(
        curve=(base_series(t.series).curve() if t.series is not None
               else tuple((float(at), float(rps)) for at, rps in t.curve)),
        kinds=tuple(KindMix(k.name, k.weight, k.app_ms / 1000.0, k.db_ms / 1000.0, k.cv) for k in t.kinds),
        users=t.users,
        spikes=tuple(Spike(s.at, s.factor, s.rise_s, s.hold_s, s.fall_s, s.name) for s in t.spikes),
        distribution=t.distribution,
        shape=scenario,
    )
    e = level.engine
    if e.aux_size is not None:
        _itype(level, catalog, e.aux_size, "engine.aux_size")
    balancer, health = _balancer(level, over)
    return SimConfig(
        duration_s=float(level.duration_s),
        traffic=traffic,
        fleet=fleet,
        catalog=dict(catalog),
        tick_s=e.tick_s,
        timeout_s=e.timeout_s,
        rtt_s=e.rtt_ms / 1000.0,
        queue_limit=e.queue_limit,
        colocation_penalty=e.colocation_penalty,
        resize_downtime_s=e.resize_downtime_s,
        boot_s=e.boot_s,
        restart_s=e.restart_s,
        dispatch=e.dispatch,  # type: ignore[arg-type]  # checked against DISPATCHES by the loader
        failures=tuple(ScheduledFailure(ev.at, ev.target, ev.repair_s, ev.kind,
                                        _SLOW_FACTOR if ev.factor is None else ev.factor)
                       for ev in level.events),
        balancer=balancer,
        health=health,
        sessions=_sessions(level, over),
        storage=_storage(level, over),
        deregistration_delay_s=e.deregistration_delay_s,
        aux_type=e.aux_size,
        replication=_replication(level, over),
        sharding=_sharding(level, over),
        scaling=scaling,
        app=_app(level, over),
        load_tests=tuple(LoadTest(start=r.start, concurrency=r.concurrency, duration_s=r.duration_s,
                                  requests=r.requests) for r in level.load_tests),
        scenarios=scenarios,
        cache=_cache(level, catalog, over),
        ingest=_ingest(level, catalog, over),
    )


def _scenarios(level: Level, effective: Mapping[str, str]) -> tuple[Shape | None, tuple[Shape, ...]]:
    """The scenario the run starts with (the knob's value, else the level's ``traffic.scenario``)
    and every scenario a ``traffic.scenario`` knob lets the player switch to."""
    name = level.traffic.scenario
    choices: tuple[str, ...] = ()
    for knob in level.knobs:
        if knob.param == "traffic.scenario":
            name, choices = effective[knob.id], knob.choices
    try:
        return (None if name is None else load_scenario(name)), tuple(load_scenario(c) for c in choices)
    except LevelError as e:  # the loader refuses such a level; only an unchecked one gets here
        raise LevelError(level.id, "traffic.scenario", e.message) from None


def _balancer(level: Level, over: Mapping[str, Mapping[str, Any]]) -> tuple[
        BalancerSpec | None, HealthCheckSpec | None]:
    """The balancer and its health checks: the level's tables with the knobs' values on top.
    Health checks exist only behind a balancer; a balancer without a ``[health_check]`` table
    checks nothing (kind ``none``), like a bare nginx ``upstream``."""
    b = level.balancer
    if b is None:
        return None, None
    balancer = replace(BalancerSpec(
        algorithm=b.algorithm, sticky=b.sticky, sticky_ttl_s=b.sticky_ttl_s, dns_ttl_s=b.dns_ttl_s,
        count=b.count, failover_s=b.failover_s, listen_port=b.listen_port, target_port=b.target_port,
    ), **over.get("balancer", {}))
    h = level.health_check
    if h is None:
        return balancer, HealthCheckSpec(kind="none")
    health = replace(HealthCheckSpec(
        kind=h.kind, path=h.path, interval_s=h.interval_s, timeout_s=h.timeout_s,
        healthy_threshold=h.healthy_threshold, unhealthy_threshold=h.unhealthy_threshold,
    ), **over.get("health_check", {}))
    return balancer, health


def _sessions(level: Level, over: Mapping[str, Mapping[str, Any]]) -> SessionSpec | None:
    s = level.sessions
    if s is None:
        return None
    return replace(SessionSpec(store=s.store, ttl_s=s.ttl_s), **over.get("sessions", {}))


def _app(level: Level, over: Mapping[str, Mapping[str, Any]]) -> AppSpec | None:
    a = level.app
    if a is None:
        return None
    return replace(AppSpec(redirect=a.redirect, clone_database=a.clone_database, pin_idle_s=a.pin_idle_s),
                   **over.get("app", {}))


def _storage(level: Level, over: Mapping[str, Mapping[str, Any]]) -> StorageSpec | None:
    st = level.storage
    if st is None:
        return None
    return replace(StorageSpec(mode=st.mode, nfs_cache_s=st.nfs_cache_s), **over.get("storage", {}))


def _replication(level: Level, over: Mapping[str, Mapping[str, Any]]) -> ReplicationSpec | None:
    r = level.replication
    if r is None:
        return None
    return replace(ReplicationSpec(
        replicas=r.replicas, read_routing=r.read_routing, ryw_window_s=r.ryw_window_s,
        apply_factor=r.apply_factor, failover_s=r.failover_s,
    ), **over.get("replication", {}))


def _sharding(level: Level, over: Mapping[str, Mapping[str, Any]]) -> ShardingSpec | None:
    sh = level.sharding
    if sh is None:
        return None
    return replace(ShardingSpec(
        shards=sh.shards, key=sh.key, range_query_share=sh.range_query_share,
        move_s_per_shard=sh.move_s_per_shard, move_load=sh.move_load,
    ), **over.get("sharding", {}))


def _cache(level: Level, catalog: Mapping[str, InstanceType],
           over: Mapping[str, Mapping[str, Any]]) -> CacheSpec | None:
    """The look-aside cache: the level's table in the engine's units (seconds) with the knobs'
    values on top."""
    c = level.cache
    if c is None:
        return None
    if c.size is not None:
        _itype(level, catalog, c.size, "cache.size")
    return replace(CacheSpec(
        keys=c.keys, zipf_s=c.zipf_s, capacity=c.capacity, ttl_s=c.ttl_s, ttl_jitter=c.ttl_jitter,
        policy=c.policy, invalidate=c.invalidate, single_flight=c.single_flight, swr_s=c.swr_s,
        get_s=c.get_ms / 1000.0, op_s=c.op_ms / 1000.0, box_type=c.size,
    ), **over.get("cache", {}))


def _ingest(level: Level, catalog: Mapping[str, InstanceType],
            over: Mapping[str, Mapping[str, Any]]) -> IngestSpec | None:
    """The device-ingest tier: the level's table with the knobs' values on top, in the engine's
    units (seconds) and its four specs (devices, comm servers, L4 balancer, tier)."""
    if level.ingest is None:
        return None
    g = msgspec.structs.replace(level.ingest, **over.get("ingest", {}))
    if g.comm_size is not None:
        _itype(level, catalog, g.comm_size, "ingest.comm_size")
    devices = DeviceSpec(
        count=g.devices, period_s=g.period_s, connect_timeout_s=g.connect_timeout_s,
        ack_timeout_s=g.ack_timeout_s, backoff=g.backoff, base_s=g.base_s, cap_s=g.cap_s, jitter=g.jitter,
    )
    comm = CommSpec(
        message_s=g.message_ms / 1000.0, accept_s=g.accept_ms / 1000.0, hello_s=g.hello_ms / 1000.0,
        tls=g.tls, tls_handshake_s=g.tls_handshake_ms / 1000.0, max_age_s=g.max_age_s,
        age_jitter=g.age_jitter,
    )
    balancer = TcpBalancerSpec(
        algorithm=g.lb_algorithm, nodes=2 if g.standby else 1, check_interval_s=g.check_interval_s,
        check_timeout_s=g.check_timeout_s, rise=g.rise, fall=g.fall, advert_int_s=g.advert_int_s,
        preempt=g.preempt, rtt_s=level.engine.rtt_ms / 1000.0,
    )
    return IngestSpec(devices=devices, comm=comm, balancer=balancer, comm_count=g.comm_count,
                      comm_type=g.comm_size, backlog=g.backlog, db_write_s=g.db_write_ms / 1000.0)


def _scaling(level: Level, over: Mapping[str, Mapping[str, Any]],
             effective: Mapping[str, str]) -> ScalingSpec | None:
    """The auto scaling group: the level's table with the knobs' values on top, checked as a
    whole. Raises :class:`LevelError` naming the knob when the values clash."""
    group = level.autoscaling
    if group is None:
        return None
    spec = replace(scaling_spec(group), **over.get("autoscaling", {}))
    changed = {k.param: k.id for k in level.knobs if effective[k.id] != k.default}
    if "asg.desired" not in changed and spec.min_size <= spec.max_size:
        # like the cloud's update of a group's limits: the desired size follows them
        spec = replace(spec, desired=max(spec.min_size, min(spec.max_size, spec.desired)))
    for where, message in group_problems(spec):
        culprit = next((changed[p] for p in _CULPRITS.get(str(where[0]), ()) if p in changed), None)
        path: FieldPath = ("autoscaling", *where)
        raise LevelError(level.id, format_field(path) if culprit is None else f"knobs.{culprit}", message)
    return spec
