"""The fleet: every box of the run, the tiers they form, and the cloud's hands that change them.

What it models: boxes are launched from a size (billed while booting, serving once running),
stopped to resize, restarted to pick up a configuration, drained for the deregistration delay
before they terminate (ELB's default is 300 s), and split into tiers: one box doing everything,
or web boxes in front of a database box of their own. Moving between the two layouts is a real
migration: boot the database box, copy, restart the apps on the new address.

A box that is on its way (booting) is not in :attr:`Fleet.boxes` yet: it is one of the
:attr:`Fleet.pending` boxes, billed from the start of its boot, which is what a cloud console and
an auto scaling group both count.

Commands: ``web.size``, ``web.count``, ``db.size``, ``layout``. Before the clock starts they just
configure; afterwards they cost what they cost in reality (a stop, a boot, a restart).
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Mapping
from dataclasses import dataclass
from typing import Any, Literal

import simpy

from scaleout_tui.engine.box import Box, BoxState, Role
from scaleout_tui.engine.commands import CommandError, Handler, Value
from scaleout_tui.engine.instance import InstanceType
from scaleout_tui.engine.world import World

Layout = Literal["single", "two-tier"]
LAYOUTS: tuple[str, ...] = ("single", "two-tier")
#: the roles a command may name instead of a box: the box that holds the role now
ROLES: tuple[str, ...] = ("db", "web", "lb", "session", "replica", "cache", "comm", "tcp-lb")


@dataclass(slots=True, eq=False)
class Launch:
    """One web box on its way for the group: its placeholder once the launch has begun, and
    whether the group has since called it off (:meth:`Fleet.cancel_launches`). Compared by
    identity: two launches of one moment are still two."""

    pending: Box | None = None
    cancelled: bool = False
    process: simpy.Process | None = None


@dataclass(frozen=True, slots=True)
class FleetSpec:
    layout: Layout
    web_type: InstanceType
    db_type: InstanceType | None = None
    web_count: int = 1


class Fleet:
    """The boxes, their tiers and their life cycle; the other mechanisms' way to add or stop one."""

    def __init__(self, world: World, spec: FleetSpec, catalog: Mapping[str, InstanceType],
                 aux_type: str | None) -> None:
        self.world = world
        self.env = world.env
        self.catalog = catalog
        self.layout: Layout = spec.layout
        self.boxes: list[Box] = []
        #: boxes on their way (booting), not yet in :attr:`boxes`
        self.pending: list[Box] = []
        #: the group's launches still on their way, oldest first (the group may call them off)
        self.launches: list[Launch] = []
        #: web boxes registered with the balancer (in rotation or not), by name, in order
        self.registered: dict[str, None] = {}
        #: told of each box registered: ``(box, new_target)``; a new target must pass a check first
        self.register_hooks: list[Callable[[Box, bool], None]] = []
        #: told of each web box that has just booted, before it registers
        self.launch_hooks: list[Callable[[Box], None]] = []
        #: told of each box that starts draining (the balancer stops sending it new requests)
        self.drain_hooks: list[Callable[[Box], None]] = []
        self._named: dict[str, int] = {}
        #: every box ever in the fleet, by name (names are never reused)
        self.by_name: dict[str, Box] = {}
        self._live = False
        self.web_type = spec.web_type
        self.db_type = spec.db_type or spec.web_type
        self.aux_type = (catalog[aux_type] if aux_type and aux_type in catalog
                         else min(catalog.values(), key=lambda t: t.price_per_hour))
        role: Role = "app+db" if spec.layout == "single" else "web"
        for _ in range(spec.web_count):
            self.registered[self.new_box("web", role, spec.web_type).name] = None
        if spec.layout == "two-tier":
            self.new_box("db", "db", self.db_type)

    def attach(self) -> None:
        """The data plane exists now: boxes added from here on join it at once."""
        self._live = True
        self.world.data.db_box = self.role_index("db")

    def commands(self) -> dict[str, Handler]:
        return {"web.size": self._web_size, "web.count": self._web_count, "db.size": self._db_size,
                "layout": self._layout}

    # ---- building -----------------------------------------------------------------------
    def new_box(self, prefix: str, role: Role, itype: InstanceType) -> Box:
        """A box named after its prefix (``web-3``): numbers are never reused, so a counter per
        prefix names it in constant time (scanning every box made building a fleet quadratic)."""
        n = self._named.get(prefix, 0) + 1
        self._named[prefix] = n
        box = Box(f"{prefix}-{n}", role, itype, len(self.boxes), "running", self.env.now)
        self.boxes.append(box)
        self.by_name[box.name] = box
        return box

    def add_live_box(self, prefix: str, role: Role, itype: InstanceType) -> Box:
        box = self.new_box(prefix, role, itype)
        if self._live:
            self.world.data.add_box(box, self.env.now)
        return box

    def booting(self, name: str, role: Role, itype: InstanceType) -> Box:
        """A placeholder for a box on its way, billed from now until :meth:`booted`."""
        box = Box(name, role, itype, -1, "booting", self.env.now)
        self.pending.append(box)
        return box

    def booted(self, box: Box) -> None:
        self.pending.remove(box)

    # ---- queries ------------------------------------------------------------------------
    def box(self, name: str) -> Box:
        """The live box named ``name``."""
        b = self.by_name.get(name)
        if b is None or b.state == "terminated":
            raise CommandError("no_such_box", box=name)
        return b

    def role_index(self, role: str) -> int | None:
        for b in self.boxes:
            if b.role == role and b.state != "terminated":
                return b.index
        return None

    def role_box(self, role: str) -> Box:
        """The live box currently doing ``role`` (``web``, ``db``, ``lb``, ``session``, ``replica``)."""
        if role == "db" and self.layout == "single":
            role = "web"
        for b in self.boxes:
            if b.state != "terminated" and (b.role == role or (role == "web" and b.role == "app+db")):
                return b
        raise CommandError("no_box_with_role", role=role)

    def target(self, name: str) -> Box:
        """A box named by a command: its name, or a role for the box that holds it now."""
        return self.role_box(name) if name in ROLES else self.box(name)

    @property
    def live_boxes(self) -> list[Box]:
        return [b for b in self.boxes if b.state != "terminated"]

    @property
    def web_role(self) -> Role:
        return "app+db" if self.layout == "single" else "web"

    def pending_web(self) -> int:
        """Web boxes booting for the group: what an auto scaling group counts as on its way."""
        return sum(1 for b in self.pending if b.name == "web-new")

    def instance_count(self) -> int:
        """Boxes you pay for that do the work (balancer nodes are counted apart), plus those
        still booting: the number an autoscaling group would report."""
        return self.world.data.tables().working + len(self.pending)

    def pending_cost_rate(self) -> float:
        """$/h of the boxes on their way, which the data plane's tables do not hold yet."""
        return sum(b.itype.price_per_hour for b in self.pending)

    # ---- state --------------------------------------------------------------------------
    def set_state(self, box: Box, state: BoxState) -> None:
        box.state = state
        box.since = self.env.now
        self.world.data.touch()

    def register(self, box: Box, new_target: bool) -> None:
        self.registered[box.name] = None
        for hook in self.register_hooks:
            hook(box, new_target)
        self.world.data.touch()

    def deregister(self, box: Box) -> None:
        self.registered.pop(box.name, None)

    # ---- commands -----------------------------------------------------------------------
    def _web_size(self, value: Value) -> None:
        assert isinstance(value, InstanceType)
        self.web_type = value
        for b in [b for b in self.boxes if b.serves_web]:
            self.resize(b, value)

    def _db_size(self, value: Value) -> None:
        assert isinstance(value, InstanceType)
        self.db_type = value
        if self.layout == "two-tier":
            self.resize(self.role_box("db"), value)

    def _web_count(self, value: Value) -> None:
        assert isinstance(value, int)
        n = value
        live = [b for b in self.boxes if b.serves_web and b.name in self.registered and not b.draining]
        role = self.web_role
        if self.env.now == 0.0:
            while len(live) < n:
                box = self.add_live_box("web", role, self.web_type)
                self.register(box, new_target=False)
                live.append(box)
            while len(live) > n:
                box = live.pop()
                self.deregister(box)
                self.set_state(box, "terminated")
            return
        for _ in range(n - len(live)):
            self.env.process(self.launch_web(role))
        for box in live[n:][::-1] if n < len(live) else []:
            self.env.process(self.drain(box))

    def _layout(self, value: Value) -> None:
        assert value in LAYOUTS
        layout: Layout = "single" if value == "single" else "two-tier"
        if layout == self.layout:
            return
        if self.env.now == 0.0:
            self._relayout(layout)
            return
        self.env.process(self._migrate(layout))

    # ---- life cycle ---------------------------------------------------------------------
    def resize(self, box: Box, itype: InstanceType) -> None:
        if itype == box.itype:
            return
        if self.env.now == 0.0:
            box.itype = itype
            self.world.data.restart_box(box, 0.0)
            return
        if box.state != "running":
            raise CommandError("resize_not_running", box=box.name, state=box.state)
        self.env.process(self._resize(box, itype))

    def _resize(self, box: Box, itype: InstanceType) -> Generator[simpy.Event, Any, None]:
        down = self.world.timings.resize_downtime_s
        self.set_state(box, "stopping")
        self.world.emit("resize_start", "warn", box=box.name, old=box.itype.name, new=itype.name,
                        down_s=down)
        yield self.env.timeout(min(15.0, down / 3))
        self.set_state(box, "stopped")
        yield self.env.timeout(down - min(15.0, down / 3))
        box.itype = itype
        self.world.data.restart_box(box, self.env.now)
        self.set_state(box, "running")
        self.world.emit("resize_done", "good", box=box.name, new=itype.name, vcpus=itype.vcpus)

    def _relayout(self, layout: Layout) -> None:
        webs = [b for b in self.boxes if b.serves_web]
        if layout == "two-tier":
            for w in webs:
                w.role = "web"
            self.add_live_box("db", "db", self.db_type)
        else:
            db = self.role_box("db")
            db.state = "terminated"
            for w in webs:
                w.role = "app+db"
        self.layout = layout
        self.world.data.db_box = self.role_index("db")
        self.world.data.touch()

    def _migrate(self, layout: Layout) -> Generator[simpy.Event, Any, None]:
        """Split or merge the database: boot a DB box (billed from boot), copy, and
        restart the app pointed at the new address: a short outage at cutover."""
        t = self.world.timings
        self.world.emit("migrate_start", "info", layout=layout, boot_s=t.boot_s)
        pending: Box | None = None
        if layout == "two-tier":
            pending = self.booting("db-new", "db", self.db_type)
            yield self.env.timeout(t.boot_s)
        webs = [b for b in self.boxes if b.serves_web and b.state == "running"]
        for web in webs:
            self.set_state(web, "stopping")
            self.world.emit("app_restart", "warn", box=web.name, down_s=t.restart_s)
        yield self.env.timeout(t.restart_s)
        if pending is not None:
            self.booted(pending)
        self._relayout(layout)
        for web in webs:
            self.world.data.restart_box(web, self.env.now)
            self.set_state(web, "running")
        self.world.emit("migrate_done", "good", layout=layout)

    def launch_web(self, role: Role, boot_s: float | None = None,
                   launch: Launch | None = None) -> Generator[simpy.Event, Any, None]:
        """Boot a web box; once up it registers and must pass a check before it gets traffic.
        A group's ``launch`` may be called off while it boots: the box is then never billed again
        and never serves."""
        boot = self.world.timings.boot_s if boot_s is None else boot_s
        pending = self.booting("web-new", role, self.web_type)
        self.world.emit("launch", "info", boot_s=boot)
        if launch is not None:
            launch.pending = pending
        try:
            yield self.env.timeout(boot)
        except simpy.Interrupt:
            self.booted(pending)
            self.world.emit("launch_cancelled", "info")
            return
        finally:
            if launch is not None and launch in self.launches:
                self.launches.remove(launch)
        self.booted(pending)
        box = self.add_live_box("web", role, self.web_type)
        for hook in self.launch_hooks:
            hook(box)
        self.register(box, new_target=True)
        self.world.emit("launched", "good", box=box.name)

    def drain(self, box: Box) -> Generator[simpy.Event, Any, None]:
        """Deregister ``box`` gracefully: it finishes what it holds for the deregistration delay,
        then terminates, and whatever it still holds then fails (ALB: a deregistering target that
        closes its connections gives the client a 5xx; the Classic balancer "forcibly closes
        connections" when the delay runs out)."""
        delay = self.world.timings.deregistration_delay_s
        # a fleet-level state, not a health verdict: rotation excludes it even with no health
        # check (the check's status only shows it)
        box.draining = True
        for hook in self.drain_hooks:
            hook(box)
        self.world.data.touch()
        self.world.emit("draining", "info", box=box.name, delay_s=delay)
        yield self.env.timeout(delay)
        self.deregister(box)
        self.world.data.kill_box(box, self.env.now)
        self.set_state(box, "terminated")
        self.world.emit("terminated", "info", box=box.name)

    def restart_app(self, box: Box) -> Generator[simpy.Event, Any, None]:
        """A configuration change needs the app restarted: a short outage on that box."""
        down = self.world.timings.restart_s
        self.set_state(box, "stopping")
        self.world.emit("app_restart", "warn", box=box.name, down_s=down)
        yield self.env.timeout(down)
        if box.state == "stopping":
            self.world.data.restart_box(box, self.env.now)
            self.set_state(box, "running")

    def resize_to(self, n: int, serving: list[Box], boot_time: Callable[[], float]) -> list[simpy.Process]:
        """Launch or drain web boxes until ``n`` are in service (``serving``) or on their way. Returns
        the launches and drains started: the scaling activity, which completes when they all have
        (a launch once its box is in service, a drain once its box has terminated)."""
        current = len(serving) + self.pending_web()
        activity = [self._launch(boot_time()) for _ in range(n - current)]
        if n < current:
            # what is still booting goes first, so the boxes serving keep serving (Kubernetes
            # deletes pending pods first; AWS keeps the group at its desired count): draining the
            # serving boxes for launches still minutes away was an outage
            excess = current - n - self.cancel_launches(current - n)
            # then newest first: the longest-running boxes keep their warm caches
            newest = sorted(serving, key=lambda b: -b.index)[:excess]
            activity += [self.env.process(self.drain(box)) for box in newest]
        return activity

    def _launch(self, boot_s: float) -> simpy.Process:
        """A launch for the group, which it may call off while the box boots."""
        launch = Launch()
        launch.process = self.env.process(self.launch_web(self.web_role, boot_s, launch))
        self.launches.append(launch)
        return launch.process

    def cancel_launches(self, most: int) -> int:
        """Call off up to ``most`` of the group's launches that are booting, newest first;
        returns how many."""
        booting = [x for x in self.launches if x.pending is not None and not x.cancelled][::-1][:most]
        for launch in booting:
            launch.cancelled = True
            assert launch.process is not None
            launch.process.interrupt("cancelled")
        return len(booting)

    def replace(self, box: Box, boot_s: float) -> simpy.Process:
        """Terminate an unhealthy instance and launch its replacement (returned: the
        replacement completes when its box has booted and registered)."""
        self.deregister(box)
        self.set_state(box, "terminated")
        self.world.emit("replaced", "warn", box=box.name)
        return self._launch(boot_s)
