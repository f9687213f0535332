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


def stream(seed: int, name: str) -> np.random.Generator:
    """The generator for component ``name`` in a run seeded with ``seed``."""
    key = zlib.crc32(name.encode("utf-8"))
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(key,)))
