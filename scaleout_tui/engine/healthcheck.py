"""Health checks: how a balancer decides which targets are in rotation.

Every ``interval_s`` the balancer probes each target:

* **L4** (TCP): open a connection to the target port. It passes whenever the process
  listens, even if the application behind it hangs or answers 500 to everything.
* **L7** (HTTP): ``GET path`` and expect ``200`` within ``timeout_s``. A hung app
  (no answer), an erroring app (500) and an overloaded one (too slow) all fail it.
  The probe is a real request: it queues behind the target's other work and costs
  CPU. ``/`` renders the whole home page; a dedicated ``/health`` path answers 200 from
  memory for almost nothing.

``unhealthy_threshold`` consecutive failures take a target out of rotation;
``healthy_threshold`` consecutive passes put it back. Detection time therefore
*emerges*: a crash is noticed on the first probe after it and confirmed
``unhealthy_threshold - 1`` intervals later.

Defaults worth knowing: AWS ALB checks every 30 s with a 5 s timeout, healthy after 5
passes, unhealthy after 2 failures; AWS NLB (L4) uses 30 s (or 10 s) with thresholds of
3 and 3; HAProxy ``inter 2000ms rise 2 fall 3``.

Probes are staggered: each target's first probe comes at a random phase within the
first interval, as a fleet of balancer nodes does in practice.
"""

from __future__ import annotations

from collections.abc import Generator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import simpy

from scaleout_tui.engine.balancer import APP_PORT

if TYPE_CHECKING:
    from scaleout_tui.engine.fleet import Box
    from scaleout_tui.engine.simulation import Simulation

KINDS: tuple[str, ...] = ("none", "L4", "L7")
PATH_COST_S: dict[str, float] = {"/": 0.030, "/health": 0.0002}


@dataclass(frozen=True, slots=True)
class HealthCheckSpec:
    kind: str = "L7"
    path: str = "/health"
    interval_s: float = 30.0
    timeout_s: float = 5.0
    healthy_threshold: int = 5
    unhealthy_threshold: int = 2

    @property
    def path_cost_s(self) -> float:
        return PATH_COST_S.get(self.path, PATH_COST_S["/"])


@dataclass(slots=True)
class TargetHealth:
    """The balancer's view of one target."""

    status: str = "healthy"   # initial | healthy | unhealthy | draining
    passes: int = 0           # consecutive
    fails: int = 0            # consecutive
    since: float = 0.0
    last_reason: str = ""
    checks: int = 0


class HealthChecker:
    """Runs one SimPy probe loop per registered target."""

    def __init__(self, sim: Simulation, spec: HealthCheckSpec, rng: np.random.Generator) -> None:
        self.sim = sim
        self.spec = spec
        self.rng = rng
        self.health: dict[str, TargetHealth] = {}
        self.check_work_s = 0.0
        self._procs: dict[str, simpy.Process] = {}
        self._generation = 0

    def register(self, box: Box, status: str = "healthy") -> None:
        self.health[box.name] = TargetHealth(status=status, since=self.sim.env.now)
        if self.spec.kind != "none":
            self._procs[box.name] = self.sim.env.process(self._loop(box, self._generation))

    def in_rotation(self, box: Box) -> bool:
        h = self.health.get(box.name)
        if h is None:
            return False
        return self.spec.kind == "none" or h.status == "healthy"

    def reconfigure(self, spec: HealthCheckSpec) -> None:
        """New settings take effect from each target's next probe (counters reset)."""
        self.spec = spec
        self._generation += 1
        for name, h in self.health.items():
            h.passes = h.fails = 0
            if spec.kind == "none":
                h.status = "healthy" if h.status != "draining" else h.status
            box = self.sim.box(name)
            if spec.kind != "none":
                self._procs[name] = self.sim.env.process(self._loop(box, self._generation))

    def _loop(self, box: Box, generation: int) -> Generator[simpy.Event, Any, None]:
        env = self.sim.env
        yield env.timeout(float(self.rng.random()) * self.spec.interval_s)
        while generation == self._generation and box.name in self.health:
            if box.state == "terminated":
                return
            started = env.now
            passed, reason, took = self.probe(box, started)
            yield env.timeout(took)
            if generation != self._generation:
                return
            self._record(box, passed, reason)
            wait = self.spec.interval_s - (env.now - started)
            yield env.timeout(max(wait, 0.0))

    def probe(self, box: Box, t: float) -> tuple[bool, str, float]:
        """One probe: ``(passed, reason, seconds until the answer is known)``."""
        spec = self.spec
        port = self.sim.balancer_spec.target_port if self.sim.balancer_spec else APP_PORT
        if box.state != "running" or port != APP_PORT:
            why = "connection refused" if box.state != "running" else f"nothing listens on :{port}"
            return False, why, self.sim.config.rtt_s
        if spec.kind == "L4":
            return True, "TCP connect ok", self.sim.config.rtt_s
        if box.fault == "hang":
            return False, f"no answer within {spec.timeout_s:g} s", spec.timeout_s
        if box.fault == "error":
            return False, "HTTP 500", 0.002
        demand = spec.path_cost_s * box.slow_factor / box.itype.speed
        took = self.sim.data.probe(box, t, demand)
        self.check_work_s += demand
        if took > spec.timeout_s:
            return False, f"timed out after {spec.timeout_s:g} s", spec.timeout_s
        return True, f"HTTP 200 in {took * 1000:.0f} ms", took

    def _record(self, box: Box, passed: bool, reason: str) -> None:
        h = self.health.get(box.name)
        if h is None:
            return
        h.checks += 1
        h.last_reason = reason
        spec = self.spec
        if passed:
            h.passes += 1
            h.fails = 0
            # a new target ("initial") joins on its first pass, as an ALB target does
            needed = 1 if h.status == "initial" else spec.healthy_threshold
            if h.status in ("unhealthy", "initial") and h.passes >= needed:
                h.status = "healthy"
                h.since = self.sim.env.now
                self.sim.on_health_change(box, True, reason, h.passes)
        else:
            h.fails += 1
            h.passes = 0
            if h.status in ("healthy", "initial") and h.fails >= spec.unhealthy_threshold:
                h.status = "unhealthy"
                h.since = self.sim.env.now
                self.sim.on_health_change(box, False, reason, h.fails)
