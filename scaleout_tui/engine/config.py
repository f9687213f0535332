"""Everything a run needs, as the content layer builds it from a level file.

Each mechanism keeps its own spec in its own module (``BalancerSpec`` in :mod:`balancer`,
``ReplicationSpec`` in :mod:`replication` ...); :class:`SimConfig` only gathers them, with the
run's own numbers: its length, the tick, the client's timeout, the cloud's timings.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from scaleout_tui.engine.autoscaler_spec import ScalingSpec
from scaleout_tui.engine.balancer import BalancerSpec
from scaleout_tui.engine.cache import CacheSpec
from scaleout_tui.engine.cloning import AppSpec
from scaleout_tui.engine.closedloop import LoadTest
from scaleout_tui.engine.failures import ScheduledFailure
from scaleout_tui.engine.fleet import FleetSpec
from scaleout_tui.engine.healthcheck import HealthCheckSpec
from scaleout_tui.engine.ingest import IngestSpec
from scaleout_tui.engine.instance import InstanceType
from scaleout_tui.engine.replication import ReplicationSpec
from scaleout_tui.engine.sessions import SessionSpec
from scaleout_tui.engine.shardrouter import ShardingSpec
from scaleout_tui.engine.storage import StorageSpec
from scaleout_tui.engine.traffic import Shape, TrafficSpec


@dataclass(frozen=True, slots=True)
class SimConfig:
    """Everything the engine needs; built by the content layer from a level file."""

    duration_s: float
    traffic: TrafficSpec
    fleet: FleetSpec
    catalog: Mapping[str, InstanceType]
    tick_s: float = 0.1
    window_s: float = 1.0
    timeout_s: float = 30.0
    rtt_s: float = 0.0005
    queue_limit: int = 511
    colocation_penalty: float = 1.0
    resize_downtime_s: float = 90.0
    boot_s: float = 60.0
    restart_s: float = 10.0
    dispatch: Literal["random", "round_robin"] = "random"
    failures: tuple[ScheduledFailure, ...] = ()
    balancer: BalancerSpec | None = None
    health: HealthCheckSpec | None = None
    sessions: SessionSpec | None = None
    storage: StorageSpec | None = None
    deregistration_delay_s: float = 300.0
    aux_type: str | None = None  # instance type of balancer and session-store boxes
    replication: ReplicationSpec | None = None
    sharding: ShardingSpec | None = None
    scaling: ScalingSpec | None = None
    load_tests: tuple[LoadTest, ...] = ()  # closed-loop clients instead of the open curve
    app: AppSpec | None = None
    #: scenarios the player may switch to while the clock runs (``traffic.scenario``), by name
    scenarios: tuple[Shape, ...] = ()
    #: a look-aside cache in front of the database (two-tier levels; None: no cache)
    cache: CacheSpec | None = None
    #: a device-ingest tier beside the web tier: comm servers behind an L4 balancer pair, devices
    #: holding long-lived connections, each reading a database write (None: no such tier)
    ingest: IngestSpec | None = None
