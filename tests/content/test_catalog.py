"""The instance catalog is data, read as strictly as a level."""

from __future__ import annotations

from pathlib import Path

import pytest

from scaleout_tui.content import LevelError, assets_dir, load_catalog, load_catalog_default
from scaleout_tui.content.catalog import loads_catalog
from scaleout_tui.engine import InstanceType

EXPECTED = [
    ("m5.large", 2, 8, 1.00, 0.096),
    ("m5.xlarge", 4, 16, 1.00, 0.192),
    ("m5.2xlarge", 8, 32, 0.98, 0.384),
    ("m5.4xlarge", 16, 64, 0.95, 0.768),
    ("m5.8xlarge", 32, 128, 0.90, 1.536),
    ("m5.12xlarge", 48, 192, 0.85, 2.304),
    ("m5.16xlarge", 64, 256, 0.80, 3.072),
    ("m5.24xlarge", 96, 384, 0.72, 4.608),
]

ONE = '''format = 1
[[types]]
name = "m5.large"
vcpus = 2
memory_gb = 8
speed = 1.0
price_per_hour = 0.096
'''


def test_shipped_catalog_is_exactly_the_m5_family() -> None:
    catalog = load_catalog()
    assert list(catalog) == [row[0] for row in EXPECTED]
    assert [InstanceType(*row) for row in EXPECTED] == list(catalog.values())
    assert (assets_dir() / "instance_types.toml").is_file()


def test_capacity_grows_slower_than_price_at_the_top() -> None:
    """The lesson of level 1 lives in these numbers: the last dollars buy the least work."""
    types = list(load_catalog().values())
    per_dollar = [t.capacity / t.price_per_hour for t in types]
    assert per_dollar == sorted(per_dollar, reverse=True)
    assert per_dollar[-1] < 0.75 * per_dollar[0]


def test_default_catalog_is_a_fresh_dict_each_call() -> None:
    a = load_catalog_default()
    a.clear()
    assert len(load_catalog_default()) == len(EXPECTED)


@pytest.mark.parametrize(("change", "field", "fragment"), [
    (("speed = 1.0", "speed = nan"), "types[0].speed", "finite"),
    (("vcpus = 2", "vcpus = 0"), "types[0].vcpus", "at least 1"),
    (("vcpus = 2", "vcpus = 2\ngpus = 1"), "types[0].gpus", "unknown key"),
    (("price_per_hour = 0.096\n", ""), "types[0].price_per_hour", "missing"),
    (("format = 1", "format = 3"), "format", "newer scaleout"),
])
def test_broken_catalogs(change: tuple[str, str], field: str, fragment: str) -> None:
    with pytest.raises(LevelError) as info:
        loads_catalog(ONE.replace(*change), "assets/instance_types.toml")
    assert info.value.field == field
    assert fragment in info.value.message
    assert str(info.value).startswith("assets/instance_types.toml:")


def test_duplicate_names_are_refused() -> None:
    with pytest.raises(LevelError) as info:
        loads_catalog(ONE + ONE[ONE.index("[[types]]"):], "c.toml")
    assert str(info.value).startswith("c.toml:9: types[1].name: 'm5.large' is used twice")


def test_missing_catalog_file(tmp_path: Path) -> None:
    with pytest.raises(LevelError, match="no such file"):
        load_catalog(tmp_path / "nope.toml")
