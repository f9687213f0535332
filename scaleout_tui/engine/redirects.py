"""Redirects, and how an absolute one defeats the balancer.

After a login an app answers ``302 Found`` with a ``Location`` to send the browser on
(to ``/account``, say). If the app builds that URL from its *own* configured host name
(``https://web-2.shop.example/account``) instead of a relative path or the host the
request came in on, the browser follows it straight to that box. Every link on the
pages it then gets is relative to that host, so the user stays there: the balancer
never sees them again. Load piles up unevenly, and when that box dies its users get
connection errors although the balancer has long taken the box out of rotation.
Health checks cannot help: the traffic does not pass through the balancer.

The model: a box whose app redirects to its own host name pins every user whose login
it serves. A pinned user's requests go to that box directly until the user is idle for
``idle_s`` (the visit ends; the next one starts at the shop's address again). With the
app set to relative redirects no one is pinned, whatever a box's configuration says.
Pins made before a fix stay until they expire: fixing the redirect does not move the
browsers already on the box's host name, which is why the real fix is made *before*
the second box goes live.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from scaleout_tui.engine.arrays import F64, I64
from scaleout_tui.engine.requests import OK, Gate, WebBatch
from scaleout_tui.engine.traffic import KINDS

LOGIN = KINDS.index("login")
MODES = ("base_url", "relative")
NOT_PINNED = -1


class Redirects(Gate):
    """Which users each box's redirects pinned to it, and the requests that bypassed
    the balancer because of it."""

    name = "redirects"

    def __init__(self, users: int, mode: str = "base_url", idle_s: float = 1_800.0) -> None:
        self.mode = mode
        self.idle_s = idle_s
        self.pinned_to = np.full(users, NOT_PINNED, dtype=np.int64)
        self.last_seen = np.zeros(users)
        self.self_redirecting: set[int] = set()  # box indices whose base URL is their own host
        self.pins = 0       # logins that pinned a user
        self.bypassed = 0   # requests that went to a box directly, not through the balancer
        self.bypassed_failed = 0  # ... and found it down, hung or broken

    @property
    def active(self) -> bool:
        """Whether anything can differ from plain balancing this tick (the common case is
        no: then the data plane skips the per-request loop)."""
        return bool(self.self_redirecting and self.mode == "base_url") or self.pins > 0

    def route_users(self, t: F64, user: I64, kind: npt.NDArray[np.int8], box: I64) -> npt.NDArray[np.bool_]:
        """Apply a tick's requests in arrival order: rewrite ``box`` in place for pinned
        users, and pin users whose login lands on a self-redirecting box. Returns the mask
        of requests that bypassed the balancer."""
        n = t.size
        bypass = np.zeros(n, dtype=np.bool_)
        if n == 0 or not self.active:
            return bypass
        pinned, seen = self.pinned_to, self.last_seen
        pinning = self.self_redirecting if self.mode == "base_url" else set()
        idle = self.idle_s
        t_l, u_l, k_l = t.tolist(), user.tolist(), kind.tolist()
        for i in range(n):
            u = u_l[i]
            p = pinned[u]
            if p != NOT_PINNED:
                if t_l[i] - seen[u] > idle:
                    pinned[u] = NOT_PINNED
                else:
                    box[i] = p
                    bypass[i] = True
            seen[u] = t_l[i]
            b = int(box[i])
            if k_l[i] == LOGIN and b in pinning and pinned[u] != b:
                pinned[u] = b
                self.pins += 1
        self.bypassed += int(bypass.sum())
        return bypass

    def route(self, batch: WebBatch) -> None:
        """Users pinned by an absolute redirect talk to their box, not the balancer."""
        if self.active:
            arr = batch.arr
            batch.bypass = self.route_users(arr.t, arr.user, arr.kind, batch.box)
            batch.cause[batch.bypass] = OK

    def admit(self, batch: WebBatch) -> None:
        if batch.bypass is not None and not batch.all_well:
            self.bypassed_failed += int((batch.bypass & ~batch.live).sum())

    def pinned_users(self, now: float) -> dict[int, int]:
        """Users pinned to each box now (not yet idle for ``idle_s``)."""
        live = (self.pinned_to != NOT_PINNED) & (now - self.last_seen <= self.idle_s)
        boxes, counts = np.unique(self.pinned_to[live], return_counts=True)
        return {int(b): int(c) for b, c in zip(boxes, counts, strict=True)}
