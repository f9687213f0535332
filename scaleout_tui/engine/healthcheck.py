"""Health checks: how a balancer decides which targets are in rotation.

Every ``interval_s`` the balancer probes each target:

* **L4** (TCP): open a connection to the target port. It passes whenever the process
  listens, even if the application behind it hangs or answers 500 to everything.
* **L7** (HTTP): ``GET path`` and expect ``200`` within ``timeout_s`` (at most the interval:
  :attr:`HealthCheckSpec.probe_timeout_s`). A hung app
  (no answer), an erroring app (500) and an overloaded one (too slow) all fail it.
  The probe is a real request: it queues behind the target's other work and costs
  CPU. ``/`` renders the whole home page; a dedicated ``/health`` path answers 200 from
  memory for almost nothing.

``unhealthy_threshold`` consecutive failures take a target out of rotation;
``healthy_threshold`` consecutive passes put it back. Detection time therefore
*emerges*: a crash is noticed on the first probe after it and confirmed
``unhealthy_threshold - 1`` intervals later.

Defaults worth knowing (sources in ``docs/defaults.md``): an AWS ALB target group checks
``GET /`` every 30 s with a 5 s timeout, healthy after 5 passes, unhealthy after 2 failures;
an NLB's TCP check runs every 30 s with a 10 s timeout and the same 5 and 2; HAProxy
``inter 2s rise 2 fall 3``. :class:`HealthCheckSpec` defaults to the ALB's, path included:
``/`` is what a target group checks until someone sets a cheap ``/health``, which is the
lesson of the path knob. :data:`NLB_TCP` is the NLB's for a level that wants L4 as AWS
ships it.

A probe's result is a reason code with its parameters (``http_200`` with ``ms``, ``timed_out``
with ``timeout_s``, ``no_listener`` with ``port`` ...): the game layer words it.

Commands: ``health.kind``, ``health.path``, ``health.interval_s``, ``health.timeout_s``,
``health.healthy_threshold``, ``health.unhealthy_threshold``; new settings apply from each
target's next probe.

Probes are staggered: each target's first probe comes at a random phase within the
first interval, as a fleet of balancer nodes does in practice.
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from dataclasses import dataclass, field, replace
from functools import partial
from typing import Any

import numpy as np
import simpy

from scaleout_tui.engine.balancer import APP_PORT
from scaleout_tui.engine.box import Box
from scaleout_tui.engine.commands import Handler, Value
from scaleout_tui.engine.fleet import Fleet
from scaleout_tui.engine.world import World

KINDS: tuple[str, ...] = ("none", "L4", "L7")
PATH_COST_S: dict[str, float] = {"/": 0.030, "/health": 0.0002}


@dataclass(frozen=True, slots=True)
class HealthCheckSpec:
    kind: str = "L7"
    path: str = "/"
    interval_s: float = 30.0
    timeout_s: float = 5.0
    healthy_threshold: int = 5
    unhealthy_threshold: int = 2

    @property
    def path_cost_s(self) -> float:
        return PATH_COST_S.get(self.path, PATH_COST_S["/"])

    @property
    def probe_timeout_s(self) -> float:
        """How long a probe waits for its answer: ``timeout_s``, but never past the interval.

        Why: in no real balancer does a slow answer push the next probe back. An ALB refuses a
        timeout that is not shorter than the interval ("Health check interval must be greater
        than the timeout"); HAProxy without ``timeout check`` gives a check ``inter`` to finish.
        A level that offers a 2 s interval beside a 5 s timeout therefore probes every 2 s, with
        a 2 s timeout, rather than every 5 s."""
        return min(self.timeout_s, self.interval_s)


#: an AWS NLB target group's TCP check as created: every 30 s, 10 s timeout, in after 5 passes,
#: out after 2 failures (the thresholds are the ALB's; only the timeout differs)
NLB_TCP = HealthCheckSpec(kind="L4", interval_s=30.0, timeout_s=10.0, healthy_threshold=5,
                          unhealthy_threshold=2)


@dataclass(slots=True)
class TargetHealth:
    """The balancer's view of one target."""

    status: str = "healthy"   # initial | healthy | unhealthy | draining
    passes: int = 0           # consecutive
    fails: int = 0            # consecutive
    since: float = 0.0
    last_reason: str = ""     # reason code of the last probe's result
    last_params: dict[str, float | int] = field(default_factory=dict)
    checks: int = 0


#: one probe's outcome: (passed, reason code, its parameters, seconds until the answer is known)
Probe = tuple[bool, str, dict[str, float | int], float]


class HealthChecker:
    """Runs one SimPy probe loop per registered target; decides who is in rotation."""

    def __init__(self, world: World, fleet: Fleet, spec: HealthCheckSpec, rng: np.random.Generator,
                 port: Callable[[], int]) -> None:
        self.world = world
        self.fleet = fleet
        self.spec = spec
        self.rng = rng
        self.port = port
        self.health: dict[str, TargetHealth] = {}
        self.check_work_s = 0.0
        self._procs: dict[str, simpy.Process] = {}
        self._generation = 0
        for b in fleet.boxes:
            if b.serves_web:
                self.register(b)
        fleet.register_hooks.append(self._registered)
        fleet.drain_hooks.append(self._draining)
        world.data.rotation_fn = self.rotation

    def commands(self) -> dict[str, Handler]:
        return {f"health.{name}": partial(self._set, name)
                for name in ("kind", "path", "interval_s", "timeout_s", "healthy_threshold",
                             "unhealthy_threshold")}

    def _set(self, name: str, value: Value) -> None:
        self.reconfigure(replace(self.spec, **{name: value}))  # type: ignore[arg-type]
        self.world.data.touch()

    def _registered(self, box: Box, new_target: bool) -> None:
        # a new target must pass a check before it gets traffic
        self.register(box, "initial" if new_target and self.spec.kind != "none" else "healthy")

    def _draining(self, box: Box) -> None:
        if box.name in self.health:
            self.health[box.name].status = "draining"

    def register(self, box: Box, status: str = "healthy") -> None:
        self.health[box.name] = TargetHealth(status=status, since=self.world.env.now)
        if self.spec.kind != "none":
            self._procs[box.name] = self.world.env.process(self._loop(box, self._generation))

    def in_rotation(self, box: Box) -> bool:
        h = self.health.get(box.name)
        if h is None:
            return False
        return self.spec.kind == "none" or h.status == "healthy"

    def rotation(self) -> tuple[list[int], list[int]]:
        """(in rotation, registered) web boxes, as the balancer sees them. A draining box is in
        neither: it gets no new request even when the balancer fails open or checks nothing."""
        registered = self.fleet.registered
        reg = [b for b in self.fleet.boxes
               if b.name in registered and b.state != "terminated" and not b.draining]
        return [b.index for b in reg if self.in_rotation(b)], [b.index for b in reg]

    def reconfigure(self, spec: HealthCheckSpec) -> None:
        """New settings take effect from each target's next probe (counters reset)."""
        self.spec = spec
        self._generation += 1
        for name, h in self.health.items():
            h.passes = h.fails = 0
            if spec.kind == "none":
                h.status = "healthy" if h.status != "draining" else h.status
            box = self.fleet.by_name.get(name)
            # a terminated target keeps its record (the debrief reads it) but is probed no more
            if spec.kind != "none" and box is not None and box.state != "terminated":
                self._procs[name] = self.world.env.process(self._loop(box, self._generation))

    def _loop(self, box: Box, generation: int) -> Generator[simpy.Event, Any, None]:
        env = self.world.env
        yield env.timeout(float(self.rng.random()) * self.spec.interval_s)
        while generation == self._generation and box.name in self.health:
            if box.state == "terminated":
                return
            started = env.now
            passed, reason, params, took = self.probe(box, started)
            yield env.timeout(took)
            if generation != self._generation:
                return
            self._record(box, passed, reason, params)
            wait = self.spec.interval_s - (env.now - started)
            yield env.timeout(max(wait, 0.0))

    def probe(self, box: Box, t: float) -> Probe:
        """One probe: ``(passed, reason, its parameters, seconds until the answer is known)``."""
        spec = self.spec
        rtt = self.world.timings.rtt_s
        port = self.port()
        if box.state != "running":
            return False, "refused", {}, rtt
        if port != APP_PORT:
            return False, "no_listener", {"port": port}, rtt
        if spec.kind == "L4":
            return True, "tcp_ok", {}, rtt
        timeout = spec.probe_timeout_s
        if box.fault == "hang":
            return False, "no_answer", {"timeout_s": timeout}, timeout
        if box.fault == "error":
            return False, "http_500", {}, 0.002
        demand = spec.path_cost_s * box.slow_factor / box.itype.speed
        took = self.world.data.probe(box, t, demand)
        self.check_work_s += demand
        if took > timeout:
            return False, "timed_out", {"timeout_s": timeout}, timeout
        return True, "http_200", {"ms": took * 1000}, took

    def _record(self, box: Box, passed: bool, reason: str, params: dict[str, float | int]) -> None:
        h = self.health.get(box.name)
        if h is None:
            return
        h.checks += 1
        h.last_reason = reason
        h.last_params = params
        spec = self.spec
        now = self.world.env.now
        if passed:
            h.passes += 1
            h.fails = 0
            # a new target ("initial") joins on its first pass, as an ALB target does
            needed = 1 if h.status == "initial" else spec.healthy_threshold
            if h.status in ("unhealthy", "initial") and h.passes >= needed:
                h.status = "healthy"
                h.since = now
                self._changed(box, True, reason, params, h.passes)
        else:
            h.fails += 1
            h.passes = 0
            if h.status in ("healthy", "initial") and h.fails >= spec.unhealthy_threshold:
                h.status = "unhealthy"
                h.since = now
                self._changed(box, False, reason, params, h.fails)

    def _changed(self, box: Box, healthy: bool, reason: str, params: dict[str, float | int],
                 count: int) -> None:
        """A target entered or left rotation: the balancer's tables change, the log says why."""
        self.world.data.touch()
        if healthy:
            self.world.emit("target_healthy", "good", box=box.name, passes=count, reason=reason, **params)
        else:
            self.world.emit("target_unhealthy", "error", box=box.name, fails=count, reason=reason, **params)
        for hook in self.world.health_hooks:
            hook(box, healthy)
