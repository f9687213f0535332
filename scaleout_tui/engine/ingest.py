"""The device-ingest tier as the kernel builds it: comm boxes, an L4 balancer pair, a device fleet.

Why a tier beside the others and not a gate: devices are not web users. They hold one TCP
connection for hours through their own balancer (:mod:`tcpbalancer`) to their own servers (the
comm servers), and the web tier, its balancer and the database behind it stay exactly as they
are; the two tiers meet only in the database, where every reading is a write (:mod:`ingestplane`).

What the kernel gets from this module:

* **boxes**: ``comm-1``, ``comm-2`` ... (role ``comm``, of :attr:`IngestSpec.comm_type`) are boxes
  of the fleet, billed and counted like web boxes, with their CPU and queue on the gauges; the
  balancer nodes ``tcp-lb-1`` (the keepalived primary) and ``tcp-lb-2`` (the standby; absent with
  ``nodes = 1``) are role ``tcp-lb``: billed like the web balancer's nodes (the aux type) and,
  like them, not counted among the instances doing the work.
* **each tick**, before the data plane: :meth:`DeviceFleet.step` over ``[t0, t1)``, then its work
  on the comm boxes' queues and the connects' verdicts back to the devices
  (:class:`~ingestplane.IngestPlane`). A tick hook runs after the clock has reached ``t1``, so
  ``world.now`` is the tick's end.
* **failures** through the existing mechanism: ``inject.crash`` / ``repair`` and scheduled failures
  on a comm box close and reopen its port (the balancer sees RST; the devices on it reconnect);
  on a ``tcp-lb`` box they fail and repair that balancer node (keepalived moves the address).
  A crash is taken from the crash hooks at its exact time; a repair is noticed before the next
  tick and dated by the box's own ``since`` (when it came back), so both reach the balancer's
  timeline exactly. Only crashes: a comm server or a balancer node has no app fault to inject.
* **commands**: the device fleet's ``ingest.*`` settings (:meth:`DeviceFleet.commands`), with
  ``ingest.standby`` also adding or removing the standby's box, and ``ingest.comm_count`` (int):
  more comm servers. Before the clock starts it sets the count (the devices are spread over
  them); afterwards each new server boots like any box (``boot_s``, billed from the start, as
  ``comm-new`` among the pending boxes) and then joins the balancer, which lets it in on its
  first passing check. Comm servers are never removed (``comm_cannot_shrink``).
* **events**, as codes in the world's log: the balancer's (:data:`EVENT_CODES`, with box names
  for its node and target numbers), ``comm_boot`` and ``comm_joined``.

Random streams: ``ingest.lb`` (probe phases) and ``ingest.devices`` (phases, ages, jitter); no
other stream moves, and a level without an ingest tier builds none of this.
"""

from __future__ import annotations

from collections.abc import Generator
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import simpy

from scaleout_tui.engine.box import Box
from scaleout_tui.engine.commands import CommandError, Handler, Value
from scaleout_tui.engine.devices import CommSpec, DeviceFleet, DeviceSpec
from scaleout_tui.engine.events import Severity
from scaleout_tui.engine.fleet import Fleet
from scaleout_tui.engine.ingestplane import IngestPlane
from scaleout_tui.engine.instance import InstanceType
from scaleout_tui.engine.rng import stream
from scaleout_tui.engine.tcpbalancer import TcpBalancer, TcpBalancerSpec
from scaleout_tui.engine.world import World

#: the balancer's event codes as the world logs them, and their severity
EVENT_CODES: dict[str, tuple[str, Severity]] = {
    "tcp_target_down": ("tcp_target_down", "warn"),
    "tcp_target_up": ("tcp_target_up", "good"),
    "lb_node_down": ("tcp_lb_down", "error"),
    "lb_node_up": ("tcp_lb_up", "good"),
    "lb_vip_lost": ("tcp_lb_vip_lost", "error"),
    "lb_takeover": ("tcp_lb_takeover", "warn"),
}


@dataclass(frozen=True, slots=True)
class IngestSpec:
    """A level's ingest tier: its devices, what the comm servers pay, its balancer, its servers."""

    devices: DeviceSpec = field(default_factory=DeviceSpec)
    comm: CommSpec = field(default_factory=CommSpec)
    balancer: TcpBalancerSpec = field(default_factory=TcpBalancerSpec)
    comm_count: int = 2             # the monitoring-system tutorial's two comm servers
    comm_type: str | None = None    # a catalog name; None: the web boxes' type
    #: the comm servers' accept backlog (their queue limit); None: the run's ``queue_limit``, 511,
    #: nginx's and Redis's ``listen`` default (Linux caps it at net.core.somaxconn: 4096 since 5.4)
    backlog: int | None = None
    db_write_s: float = 0.001       # assumed: one small INSERT per reading (levels/07's order write: 10 ms)


class IngestTier:
    """The comm boxes, the balancer nodes' boxes, the device fleet and their part in each tick."""

    def __init__(self, world: World, fleet: Fleet, spec: IngestSpec, seed: int) -> None:
        if spec.comm_count < 1 or (spec.backlog is not None and spec.backlog < 1):
            raise ValueError(spec)
        self.world = world
        self.fleet = fleet
        self.spec = spec
        self.seed = seed
        self.comm_type: InstanceType = (fleet.catalog.get(spec.comm_type, fleet.web_type)
                                        if spec.comm_type else fleet.web_type)
        self.plane = IngestPlane(world, spec.db_write_s)
        #: the comm boxes, in the balancer's target order
        self.servers: list[Box] = []
        for _ in range(spec.comm_count):
            self._comm_box()
        #: the balancer nodes' boxes by node number (None: that node is switched off)
        self.nodes: list[Box | None] = [fleet.add_live_box("tcp-lb", "tcp-lb", fleet.aux_type)
                                        for _ in range(spec.balancer.nodes)]
        self.nodes += [None] * (2 - len(self.nodes))
        self.devices = self._fleet(spec.devices, spec.comm, spec.balancer)
        self._booting = 0
        self._events_seen = 0
        self._down: dict[str, Box] = {}
        world.crash_hooks.append(self._crashed)
        world.tick_hooks.append(self._tick)
        world.second_hooks.append(self._window)

    def _fleet(self, dev: DeviceSpec, comm: CommSpec, lb: TcpBalancerSpec) -> DeviceFleet:
        """Devices connected over the servers there are now, from the tier's own random streams."""
        balancer = TcpBalancer(lb, len(self.servers), stream(self.seed, "ingest.lb"))
        return DeviceFleet(dev, comm, balancer, stream(self.seed, "ingest.devices"))

    def _comm_box(self) -> Box:
        box = self.fleet.add_live_box("comm", "comm", self.comm_type)
        if self.spec.backlog is not None:  # the accept backlog is the comm server's queue limit
            self.world.data.bank.reset_server(box.index, self.world.now, queue_limit=self.spec.backlog)
        self.servers.append(box)
        self.plane.add_server(box.index)
        return box

    @property
    def lb(self) -> TcpBalancer:
        return self.devices.lb

    @property
    def booting(self) -> int:
        """Comm servers on their way."""
        return self._booting

    # ---- each tick ----------------------------------------------------------------------------
    def _tick(self, t0: float) -> None:
        t1 = self.world.now  # the clock has run to the tick's end
        for name, box in list(self._down.items()):
            if box.accepting:  # repaired: it listens again since it came back
                del self._down[name]
                self._came_back(box, box.since)
        tick = self.devices.step(t0, t1)
        self._log_events()
        device, t, accepted, answered = self.plane.serve(tick, t0, t1)
        if device.size:
            self.devices.settle(device, t, accepted, answered)

    def _log_events(self) -> None:
        events = self.lb.events
        for t, code, params in events[self._events_seen:]:
            word, severity = EVENT_CODES[code]
            out: dict[str, str | float | int] = {}
            for key, value in params.items():
                if key in ("node", "from"):
                    out[key] = self._node_name(int(value))
                elif key == "target":
                    out["box"] = self.servers[int(value)].name
                else:
                    out["checks"] = value
            self.world.emit_at(t, word, severity, **out)
        self._events_seen = len(events)

    def _node_name(self, k: int) -> str:
        box = self.nodes[k] if 0 <= k < len(self.nodes) else None
        return box.name if box is not None else ""

    def _window(self, t: float) -> None:
        length = self.world.data.metrics.window_s
        self.plane.close_window(t, length, self.devices.totals, self.devices.open_connections(),
                                self.lb.master)

    # ---- failures -----------------------------------------------------------------------------
    def _crashed(self, box: Box) -> None:
        now = self.world.now
        if box in self.servers:
            self.devices.server_down(self.servers.index(box), now)
        elif box in self.nodes:
            self.devices.node_fail(self.nodes.index(box), now)
        else:
            return
        self._down[box.name] = box

    def _came_back(self, box: Box, t: float) -> None:
        if box in self.servers:
            self.devices.server_up(self.servers.index(box), t)
        elif box in self.nodes:
            self.devices.node_repair(self.nodes.index(box), t)

    # ---- commands -----------------------------------------------------------------------------
    def commands(self) -> dict[str, Handler]:
        table = self.devices.commands()
        table["ingest.standby"] = self._standby
        table["ingest.comm_count"] = self._comm_count
        # the fleet may be rebuilt before the clock starts: its handlers must follow it
        for name in list(table):
            if name not in ("ingest.standby", "ingest.comm_count"):
                table[name] = self._forward(name)
        return table

    def _forward(self, name: str) -> Handler:
        def handle(value: Value) -> None:
            self.devices.commands()[name](value)
        return handle

    def _standby(self, value: Value) -> None:
        lb = self.lb
        # switched off and on again before a tick played the switch-off: the balancer still counts
        # the node alive and would not bring it back, so its repair is queued after its failure
        again = bool(value) and lb.spec.nodes == 1 and lb.alive[1]
        self.devices.commands()["ingest.standby"](value)
        if again:
            self.devices.node_repair(1, self.devices.now)
        box = self.nodes[1]
        if value and (box is None or box.state == "terminated"):
            self.nodes[1] = self.fleet.add_live_box("tcp-lb", "tcp-lb", self.fleet.aux_type)
        elif not value and box is not None and box.state != "terminated":
            self._down.pop(box.name, None)
            self.fleet.set_state(box, "terminated")
            self.nodes[1] = None

    def _comm_count(self, value: Value) -> None:
        assert isinstance(value, int)
        have = len(self.servers) + self._booting
        if value < have:
            raise CommandError("comm_cannot_shrink", have=have, asked=value)
        if value == have:
            return
        if self.world.now == 0.0:  # before the clock starts: the devices spread over them all
            while len(self.servers) < value:
                self._comm_box()
            d = self.devices
            self.devices = self._fleet(d.spec, d.comm, d.lb.spec)
            return
        for _ in range(value - have):
            self.world.env.process(self._launch())

    def _launch(self) -> Generator[simpy.Event, Any, None]:
        """Boot a comm server (billed from the start), then it joins the balancer's targets."""
        world, fleet = self.world, self.fleet
        boot = world.timings.boot_s
        self._booting += 1
        pending = fleet.booting("comm-new", "comm", self.comm_type)
        world.emit("comm_boot", "info", boot_s=boot)
        yield world.env.timeout(boot)
        fleet.booted(pending)
        self._booting -= 1
        box = self._comm_box()
        s = self.devices.add_server(world.now)
        assert s == len(self.servers) - 1
        world.emit("comm_joined", "good", box=box.name)

    # ---- views --------------------------------------------------------------------------------
    def fingerprint(self) -> bytes:
        """What the tier did so far, for the run's digest."""
        d = self.devices
        counts = [*d.totals.values(), *self.plane.totals.values(), self.lb.master,
                  *d.open_connections().tolist(), *sorted(self.plane.rows_by_box.items())]
        flat = [x for c in counts for x in (c if isinstance(c, tuple) else (c,))]
        return np.asarray(flat, dtype=np.int64).tobytes() + np.asarray([self.plane.probe_cpu_s]).tobytes()
