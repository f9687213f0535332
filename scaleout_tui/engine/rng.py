"""Random streams, one per component, all derived from a single run seed.

Why: if every component drew from one generator, adding a health checker in a later
level would shift every arrival after it, and a recording made before the change
could not be replayed. A child :class:`numpy.random.SeedSequence` keyed by the
component's *name* (not by creation order) keeps each stream independent of which
other components exist.
"""

from __future__ import annotations

import zlib

import numpy as np
import numpy.typing as npt


def stream(seed: int, name: str) -> np.random.Generator:
    """The generator for component ``name`` in a run seeded with ``seed``."""
    key = zlib.crc32(name.encode("utf-8"))
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(key,)))


def key_hash(keys: npt.NDArray[np.int64]) -> npt.NDArray[np.uint64]:
    """A fixed hash of each key into [0, 2**32) (Knuth's multiplicative), for placements that
    must not draw from any stream: a client's balancer target, a key's point in a chunk move."""
    return (keys.astype(np.uint64) * np.uint64(2654435761)) % np.uint64(2**32)
