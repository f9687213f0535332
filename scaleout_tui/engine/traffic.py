"""Traffic: a rate curve with ramps and spikes, a user population and request kinds.

Arrivals are a non-homogeneous Poisson process sampled by *thinning*: draw at the
highest rate of the tick, keep each candidate with probability ``rate(t)/peak``. That
is exact for any curve, so results do not hinge on the tick length. Each request
carries a user id (later levels use it for sessions), a kind (page, login, write,
upload, download, static) and its CPU demands on the app and on the database.
Demands are lognormal (real service times are right-skewed) with a mean and a
coefficient of variation; ``exponential`` exists so the engine can be checked against
M/M/c theory.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from scaleout_tui.engine.rng import stream

F64 = npt.NDArray[np.float64]

KINDS: tuple[str, ...] = ("page", "login", "write", "upload", "download", "static")


@dataclass(frozen=True, slots=True)
class Spike:
    """A multiplicative surge: ramps up over ``rise_s``, holds, ramps down over ``fall_s``."""

    at: float
    factor: float
    rise_s: float = 30.0
    hold_s: float = 300.0
    fall_s: float = 60.0
    name: str = "spike"

    def knots(self) -> tuple[float, float, float, float]:
        t1 = self.at + self.rise_s
        t2 = t1 + self.hold_s
        return (self.at, t1, t2, t2 + self.fall_s)

    def multiplier(self, t: F64) -> F64:
        a, b, c, d = self.knots()
        return np.interp(t, [a, b, c, d], [1.0, self.factor, self.factor, 1.0])


@dataclass(frozen=True, slots=True)
class KindMix:
    """How often a kind of request occurs and what it costs (seconds at speed 1)."""

    name: str
    weight: float
    app_s: float
    db_s: float = 0.0
    cv: float = 1.0


@dataclass(frozen=True, slots=True)
class TrafficSpec:
    """Everything that shapes the offered load."""

    curve: tuple[tuple[float, float], ...]
    kinds: tuple[KindMix, ...]
    users: int = 1000
    spikes: tuple[Spike, ...] = ()
    distribution: str = "lognormal"  # or "exponential"

    def rate(self, t: F64) -> F64:
        """Requests per second offered at times ``t``."""
        ts = [p[0] for p in self.curve]
        rs = [p[1] for p in self.curve]
        r = np.interp(t, ts, rs)
        for s in self.spikes:
            r = r * s.multiplier(t)
        return r

    def knots(self) -> F64:
        pts = [p[0] for p in self.curve]
        for s in self.spikes:
            pts.extend(s.knots())
        return np.asarray(sorted(pts), dtype=float)


@dataclass(slots=True)
class Arrivals:
    """A batch of requests, as parallel arrays sorted by arrival time."""

    t: F64
    user: npt.NDArray[np.int64]
    kind: npt.NDArray[np.int8]
    app_s: F64
    db_s: F64

    @property
    def size(self) -> int:
        return int(self.t.size)


@dataclass
class TrafficSource:
    """Samples :class:`Arrivals` tick by tick from its own random streams."""

    spec: TrafficSpec
    seed: int
    _knots: F64 = field(init=False)

    def __post_init__(self) -> None:
        self._rng_t = stream(self.seed, "traffic.arrivals")
        self._rng_u = stream(self.seed, "traffic.users")
        self._rng_k = stream(self.seed, "traffic.kinds")
        self._rng_d = stream(self.seed, "traffic.demand")
        self._knots = self.spec.knots()
        kinds = self.spec.kinds
        w = np.asarray([k.weight for k in kinds], dtype=float)
        self._cum = np.cumsum(w / w.sum())
        self._kind_code = np.asarray([KINDS.index(k.name) for k in kinds], dtype=np.int8)
        self._app = np.asarray([k.app_s for k in kinds])
        self._db = np.asarray([k.db_s for k in kinds])
        cv = np.asarray([k.cv for k in kinds])
        self._sigma = np.sqrt(np.log1p(cv**2))

    def rate_span(self, t0: float, t1: float) -> tuple[float, bool]:
        """Peak rate over ``[t0, t1]`` and whether the rate is constant there.

        The curve is piecewise linear, so its extremes over the tick lie on the tick's
        ends or on a knot inside it.
        """
        inside = self._knots[(self._knots > t0) & (self._knots < t1)]
        pts = np.concatenate(([t0, t1], inside))
        r = self.spec.rate(pts)
        peak = float(r.max())
        return peak, bool(float(r.min()) == peak)

    def sample(self, t0: float, t1: float) -> Arrivals:
        """The requests that arrive in ``[t0, t1)``."""
        peak, constant = self.rate_span(t0, t1)
        n = int(self._rng_t.poisson(peak * (t1 - t0))) if peak > 0 else 0
        # n sorted uniforms without a sort: normalised partial sums of n+1 exponentials
        gaps = self._rng_t.standard_exponential(n + 1)
        cum = np.cumsum(gaps)
        t = t0 + (cum[:-1] / cum[-1]) * (t1 - t0)
        if n and not constant:
            keep = self._rng_t.random(n) * peak < self.spec.rate(t)
            t = t[keep]
        n = t.size
        user = self._rng_u.integers(0, self.spec.users, n)
        k = np.searchsorted(self._cum, self._rng_k.random(n), side="right")
        k = np.minimum(k, len(self._cum) - 1)
        app = self._demand(self._app[k], self._sigma[k], n)
        db = self._demand(self._db[k], self._sigma[k], n)
        return Arrivals(t, user, self._kind_code[k], app, db)

    def _demand(self, mean: F64, sigma: F64, n: int) -> F64:
        if self.spec.distribution == "exponential":
            return self._rng_d.exponential(1.0, n) * mean
        z = self._rng_d.standard_normal(n)
        return mean * np.exp(sigma * z - 0.5 * sigma**2)
