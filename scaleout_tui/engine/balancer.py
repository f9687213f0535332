"""The load balancer: one address for clients, many targets behind it.

Algorithms, as real balancers name them:

* ``round_robin`` (HAProxy ``roundrobin``, nginx default, ALB default): targets in
  turn, 0 → 1 → 2 → 0 over the targets currently in rotation;
* ``least_conn`` (HAProxy ``leastconn``, nginx ``least_conn``): the target with the fewest
  open requests, ties taken in turn (both balancers round-robin among equally loaded
  targets);
* ``least_outstanding_requests`` (the ALB's name for the same rule): here every request is
  its own connection, so the two are one algorithm under the names the products use;
* ``random``: uniform choice (HAProxy ``random``);
* ``ip_hash`` (nginx ``ip_hash``): a hash of the client picks one of the registered targets,
  so a client keeps its target while that target is in rotation and the registered set stays
  the same; only the clients of a target out of rotation are hashed again, over those in it
  (nginx: "requests from the same client will always be passed to the same server except when
  this server is unavailable"). A target added or drained changes the set, as a changed server
  list does in nginx, and most clients move;
* ``dns``: no balancer box at all, DNS round robin. Each client resolves the name once
  and caches the answer for the TTL, *including dead addresses*: DNS does not health
  check, so a client holding a dead address keeps failing until its cache expires.

Sticky sessions (an ``AWSALB``-style cookie, 86,400 s by default) sit on top of any
algorithm: a client with a valid cookie goes back to the same target while that target
is in rotation. Each answer renews the cookie, so it lapses only after ``sticky_ttl_s`` without
a request, not that long after it was first set.

Commands: ``lb.algorithm``, ``lb.sticky``, ``lb.target_port`` and ``lb.count`` (a second node is
an active/passive pair: when the active node dies the passive one takes over after
``failover_s``, and until then nothing answers; when the passive node dies, nothing changes for
clients, as with VRRP, where only the master holds the address). ``failover_s`` defaults to
VRRP's Master_Down_Interval for keepalived's defaults (:data:`VRRP_TAKEOVER_S`).

When every registered target is unhealthy the balancer *fails open* (as ALB does):
it routes to all of them rather than to none, on the theory that the health check
may be what is wrong.

Least-connections decides request by request with the counts at that request's arrival: the
tick's own earlier assignments are in them, and so are the answers sent back since the tick
began (see :mod:`connections` for how they are known inside a tick).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import partial

import numpy as np

from scaleout_tui.engine.arrays import F64, I64
from scaleout_tui.engine.box import Box
from scaleout_tui.engine.commands import Handler, Value
from scaleout_tui.engine.connections import OpenRequests
from scaleout_tui.engine.fleet import Fleet
from scaleout_tui.engine.rng import key_hash
from scaleout_tui.engine.world import World

ALGORITHMS: tuple[str, ...] = ("round_robin", "least_conn", "least_outstanding_requests", "random",
                               "ip_hash", "dns")
#: the algorithms that count open requests (one rule, two products' names)
LEAST: frozenset[str] = frozenset({"least_conn", "least_outstanding_requests"})
#: the open requests on each of the given targets, followed through a tick
OpenRequestsOf = Callable[[I64], OpenRequests]
APP_PORT = 8080  # what the web boxes listen on
#: RFC 5798 §6.1: a backup takes over after 3 × Advertisement_Interval + Skew_Time, where
#: Skew_Time = (256 − Priority) / 256 × Advertisement_Interval; keepalived's defaults are
#: ``advert_int 1`` and ``priority 100``: 3 + 156/256 = 3.609375 s
VRRP_TAKEOVER_S = 3 * 1.0 + (256 - 100) / 256 * 1.0


@dataclass(frozen=True, slots=True)
class BalancerSpec:
    algorithm: str = "round_robin"
    sticky: bool = False
    sticky_ttl_s: float = 86_400.0
    dns_ttl_s: float = 60.0
    count: int = 1               # balancer nodes: 2 = active/passive pair
    failover_s: float = VRRP_TAKEOVER_S  # the passive node's takeover, VRRP's own timing
    listen_port: int = 80
    target_port: int = APP_PORT  # a mismatch with the app's port refuses everything


class Balancer:
    """Picks a target for every request of a tick."""

    def __init__(self, spec: BalancerSpec, users: int, rng: np.random.Generator) -> None:
        self.spec = spec
        self.rng = rng
        self.rr = 0
        self.least_next = 0  # where least-connections starts looking among equal counts
        self.cookie = np.full(users, -1, dtype=np.int64)
        self.cookie_until = np.zeros(users)
        self.dns_addr = np.full(users, -1, dtype=np.int64)
        self.dns_until = np.zeros(users)
        self.dns_rr = 0

    def route(self, t: F64, user: I64, rotation: I64, registered: I64,
              open_requests: OpenRequestsOf) -> I64:
        """The box index for each request; ``-1`` when there is nowhere to send it.

        ``open_requests`` gives least-connections the open requests of the targets it
        chooses among; the other algorithms never call it.
        """
        n = t.size
        if registered.size == 0:
            return np.full(n, -1, dtype=np.int64)
        if self.spec.algorithm == "dns":
            return self._dns(t, user, registered)
        targets = rotation if rotation.size else registered  # fail open
        if self.spec.algorithm in LEAST:
            # a valid cookie outranks the algorithm, so least-connections must know whose
            # requests are spoken for before it counts
            held = self._held(t, user, targets) if self.spec.sticky else None
            pick = self._least(t, targets, open_requests(targets), held)
        else:
            pick = self._algorithm(user, targets, registered)
        if self.spec.sticky:
            pick = self._sticky(t, user, targets, pick)
        return pick

    def _algorithm(self, user: I64, targets: I64, registered: I64) -> I64:
        n = user.size
        k = targets.size
        alg = self.spec.algorithm
        if alg == "round_robin":
            pick = targets[(self.rr + np.arange(n)) % k]
            self.rr = (self.rr + n) % k
            return pick
        if alg == "random":
            return targets[self.rng.integers(0, k, n)]
        if alg == "ip_hash":
            # nginx hashes over the servers it was given, and hashes again only a client whose
            # server is unavailable: the clients of the healthy servers stay where they were
            h = key_hash(user)
            pick = registered[(h % np.uint64(registered.size)).astype(np.int64)]
            away = ~np.isin(pick, targets)
            if away.any():
                # the high bits of a 64-bit product: a second low-bit hash would give the same
                # answer as the first whenever the count left is a power of two
                again = (h[away] * np.uint64(0x9E3779B97F4A7C15)) >> np.uint64(32)
                pick[away] = targets[(again % np.uint64(k)).astype(np.int64)]
            return pick
        raise AssertionError(alg)  # the content layer offers only ALGORITHMS

    def _least(self, t: F64, targets: I64, open_requests: OpenRequests, held: I64 | None) -> I64:
        """Each request to the target with the fewest open requests at its arrival; equal
        counts in turn (see :meth:`OpenRequests.least_connections`)."""
        out, self.least_next = open_requests.least_connections(
            t.tolist(), held.tolist() if held is not None else None, self.least_next % targets.size)
        return targets[np.asarray(out, dtype=np.int64)]

    def _held(self, t: F64, user: I64, targets: I64) -> I64:
        """For each request, the position in ``targets`` its valid cookie names, or -1."""
        cookie = self.cookie[user]
        has = (cookie >= 0) & (self.cookie_until[user] > t)
        pos = np.full(int(max(targets.max(), cookie.max())) + 1, -1, dtype=np.int64)
        pos[targets] = np.arange(targets.size)
        return np.where(has, pos[np.maximum(cookie, 0)], -1)

    def _sticky(self, t: F64, user: I64, targets: I64, pick: I64) -> I64:
        has = (self.cookie[user] >= 0) & (self.cookie_until[user] > t)
        valid = has & np.isin(self.cookie[user], targets)
        out = np.where(valid, self.cookie[user], pick)
        if valid.any():
            # every answer sets the cookie again, so its lifetime runs from the client's last
            # request (ALB: "the duration is set with each request"; HAProxy ``maxidle``)
            np.maximum.at(self.cookie_until, user[valid], t[valid] + self.spec.sticky_ttl_s)
        new = np.flatnonzero(~valid)
        if new.size:
            # a client's first answer sets the cookie; its later requests in the same
            # tick already carry it, so they all follow the first one's target
            users, first, inverse = np.unique(user[new], return_index=True, return_inverse=True)
            out[new] = pick[new[first]][inverse]
            self.cookie[users] = pick[new[first]]
            self.cookie_until[users] = t[new[first]] + self.spec.sticky_ttl_s
        return out

    def _dns(self, t: F64, user: I64, registered: I64) -> I64:
        k = registered.size
        stale = (self.dns_addr[user] < 0) | (self.dns_until[user] <= t)
        if stale.any():
            # first request of each stale client in this tick resolves; others reuse it
            idx = np.flatnonzero(stale)
            _, first = np.unique(user[idx], return_index=True)
            res = idx[np.sort(first)]
            answers = registered[(self.dns_rr + np.arange(res.size)) % k]
            self.dns_rr = (self.dns_rr + res.size) % k
            self.dns_addr[user[res]] = answers
            self.dns_until[user[res]] = t[res] + self.spec.dns_ttl_s
        # the cached address, even if it has since been taken out of the DNS record
        return self.dns_addr[user]


#: each command's field of :class:`BalancerSpec`
_FIELDS: dict[str, str] = {"lb.algorithm": "algorithm", "lb.sticky": "sticky",
                           "lb.target_port": "target_port", "lb.count": "count"}


class Balancers:
    """The balancer nodes as the operator runs them, and the data plane's dispatcher."""

    def __init__(self, world: World, fleet: Fleet, spec: BalancerSpec, rng: np.random.Generator) -> None:
        self.world = world
        self.fleet = fleet
        self.spec = spec
        self._failover_until = -1.0
        #: the balancer nodes (kept here: scanning the whole fleet every tick grows with it)
        self.nodes: list[Box] = [fleet.add_live_box("lb", "lb", fleet.aux_type) for _ in range(spec.count)]
        #: the node holding the address (VRRP's master); the others stand by
        self.active: Box | None = self.nodes[0] if self.nodes else None
        self.balancer = Balancer(spec, world.users, rng)
        world.data.balancer = self.balancer
        world.data.port_ok = spec.target_port == APP_PORT
        world.tick_hooks.append(self._tick)
        world.crash_hooks.append(self._crashed)

    def commands(self) -> dict[str, Handler]:
        return {param: partial(self.reconfigure, name) for param, name in _FIELDS.items()}

    def reconfigure(self, field: str, value: Value) -> None:
        spec = replace(self.spec, **{field: value})  # type: ignore[arg-type]
        if field == "target_port":
            self.world.data.port_ok = spec.target_port == APP_PORT
        elif field == "count":
            self._set_count(spec.count)
        self.spec = spec
        self.balancer.spec = spec
        self.world.data.touch()

    def _set_count(self, n: int) -> None:
        lbs = [b for b in self.nodes if b.state != "terminated"]
        while len(lbs) < n:
            box = self.fleet.add_live_box("lb", "lb", self.fleet.aux_type)
            self.nodes.append(box)
            lbs.append(box)
        while len(lbs) > n:  # the operator removes a standby, not the node holding the address
            gone = next((b for b in reversed(lbs) if b is not self.active), lbs[-1])
            lbs.remove(gone)
            self.fleet.set_state(gone, "terminated")

    def serving(self, t: float) -> bool:
        """Whether a balancer node answers at ``t``."""
        lbs = [b for b in self.nodes if b.state != "terminated"]
        if not lbs or self.spec.algorithm == "dns":
            return True  # with DNS round robin clients connect straight to the web boxes
        active = self.active
        return active is not None and active.accepting and t >= self._failover_until

    def _tick(self, t0: float) -> None:
        active = self.active
        if active is None or not active.accepting:
            # no node holds the address (all were down, or it was stopped): the first one up
            # takes it; a crash of the active node is handled at once (:meth:`_crashed`)
            self.active = next((b for b in self.nodes if b.accepting), None)
        self.world.data.lb_up = self.serving(t0)

    def _crashed(self, box: Box) -> None:
        """The active node died: the next node up takes over after ``failover_s``, and nothing
        answers meanwhile. A standby's death changes nothing for clients."""
        if box.role != "lb" or box is not self.active:
            return
        self._failover_until = self.world.now + self.spec.failover_s
        self.active = next((b for b in self.nodes if b is not box and b.accepting), None)
