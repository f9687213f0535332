"""Which key a request asks for: Zipf popularity over a finite catalog.

Why Zipf: the popularity of web objects falls off as a power of their rank. Breslau et al.
("Web Caching and Zipf-like Distributions: Evidence and Implications", INFOCOM 1999) fit
exponents of 0.64-0.83 to six proxy traces; YCSB, the usual benchmark of key-value stores,
draws its keys with exponent 0.99 (``ZipfianGenerator.ZIPFIAN_CONSTANT``), and Facebook's
memcached pools show the same long tail (Atikoglu et al., "Workload Analysis of a Large-Scale
Key-Value Store", SIGMETRICS 2012). A small head of hot keys takes most requests, which is why
a cache holding a few per cent of the catalog can answer most reads, and why one hot key
expiring can send a burst of queries to the database.

Why a finite catalog and an inverse CDF: with ``K`` keys, key of rank ``r`` (0 is the hottest)
has probability ``p_r = (r + 1)^-s / H(K, s)``. Sampling is one uniform draw per request and a
binary search in the cumulative probabilities (``np.searchsorted``), vectorised over a tick's
requests: exact for any ``s >= 0`` (``s = 0`` is uniform), unlike rejection samplers that
need ``s > 1``.
"""

from __future__ import annotations

import numpy as np

from scaleout_tui.engine.arrays import F64, I64

#: YCSB's default exponent (``ZipfianGenerator.ZIPFIAN_CONSTANT``)
YCSB_S = 0.99


class Zipf:
    """Zipf(``s``) popularity over keys ``0 .. keys - 1``, key 0 the most popular."""

    __slots__ = ("cdf", "keys", "p", "s")

    def __init__(self, keys: int, s: float = YCSB_S) -> None:
        if keys < 1 or s < 0:
            raise ValueError("zipf_params", keys, s)
        self.keys = keys
        self.s = s
        w = np.arange(1, keys + 1, dtype=np.float64) ** -s
        self.p: F64 = w / w.sum()
        cdf = np.cumsum(self.p)
        cdf[-1] = 1.0  # rounding must not leave a sliver above the last key
        self.cdf: F64 = cdf

    def sample(self, rng: np.random.Generator, n: int) -> I64:
        """``n`` keys drawn independently (the independent reference model)."""
        u = rng.random(n)
        # side="right": u in [cdf[r-1], cdf[r]) picks r, an interval of length p[r]
        return np.searchsorted(self.cdf, u, side="right").astype(np.int64)

    def top_share(self, count: int) -> float:
        """The share of requests for the ``count`` hottest keys: the hit ratio of a cache that
        held exactly them (no cache of that size does better under independent requests)."""
        return float(self.cdf[min(max(count, 1), self.keys) - 1]) if count > 0 else 0.0
