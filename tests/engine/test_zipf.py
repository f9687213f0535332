"""Zipf key popularity: the sampler draws each key with its probability ∝ 1/rank^s."""

from __future__ import annotations

import numpy as np
import pytest

from scaleout_tui.engine.rng import stream
from scaleout_tui.engine.zipf import Zipf


@pytest.mark.parametrize("s", [0.0, 0.8, 1.0])
def test_sampled_frequencies_match_the_probabilities(s: float) -> None:
    """Each key's count is Binomial(n, p_k): within 4.5 standard deviations for every key of a
    small catalog (50 keys: a false alarm somewhere has probability under 50 × 7e-6)."""
    z = Zipf(50, s)
    n = 200_000
    counts = np.bincount(z.sample(stream(3, "zipf"), n), minlength=50)
    assert counts.size == 50
    expect = n * z.p
    sd = np.sqrt(n * z.p * (1 - z.p))
    assert np.all(np.abs(counts - expect) < 4.5 * sd)


def test_probabilities_follow_the_power_law() -> None:
    z = Zipf(1000, 0.9)
    assert z.p.sum() == pytest.approx(1.0, abs=1e-12)
    # p_1 / p_r = r^s
    assert z.p[0] / z.p[9] == pytest.approx(10**0.9, rel=1e-12)
    assert z.cdf[-1] == 1.0
    assert z.top_share(10) == pytest.approx(z.p[:10].sum(), rel=1e-12)
    assert z.top_share(0) == 0.0
    assert z.top_share(5000) == 1.0
    uniform = Zipf(4, 0.0)
    assert np.allclose(uniform.p, 0.25)


def test_keys_stay_in_the_catalog_and_the_stream_decides_them() -> None:
    z = Zipf(7, 1.2)
    a = z.sample(stream(1, "k"), 10_000)
    assert a.dtype == np.int64
    assert a.min() >= 0 and a.max() <= 6
    assert np.array_equal(a, z.sample(stream(1, "k"), 10_000))
    with pytest.raises(ValueError):
        Zipf(0, 1.0)
