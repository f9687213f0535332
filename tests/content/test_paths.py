"""Finding levels and assets in a source checkout and in an installed wheel."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import scaleout_tui
from scaleout_tui.content import LevelError, find_level, levels_dir, list_levels
from scaleout_tui.content import paths as paths_mod
from tests.content.corpus import GOOD

REPO = Path(scaleout_tui.__file__).resolve().parent.parent


def test_source_checkout_uses_the_repository_root() -> None:
    assert paths_mod.levels_dir() == REPO / "levels"
    assert paths_mod.assets_dir() == REPO / "assets"


def test_reference_solutions_ship_with_the_assets() -> None:
    folder = REPO / "assets" / "solutions"
    assert paths_mod.solutions_dir() == folder
    assert paths_mod.solution_path("01-single-server") == folder / "01-single-server.toml"
    assert paths_mod.solution_path("99-sandbox") is None  # free play: nothing to solve


def test_installed_layout_is_preferred(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    package = tmp_path / "site-packages" / "scaleout_tui"
    (package / "levels").mkdir(parents=True)
    (package / "assets").mkdir()
    monkeypatch.setattr(paths_mod, "_PACKAGE", package)
    assert paths_mod.levels_dir() == package / "levels"
    assert paths_mod.assets_dir() == package / "assets"
    assert paths_mod.solutions_dir() == package / "assets" / "solutions"


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """Three levels whose file order differs from their play order."""
    text = GOOD.read_text()
    for level_id, order in (("03-third", 3), ("01-first", 1), ("10-second", 2)):
        (tmp_path / f"{level_id}.toml").write_text(
            text.replace('id = "99-good"', f'id = "{level_id}"').replace("order = 99", f"order = {order}"))
    (tmp_path / "README.md").write_text("not a level")
    return tmp_path


def test_find_level_by_id_and_by_path(folder: Path) -> None:
    assert find_level("01-first", folder) == folder / "01-first.toml"
    assert find_level(str(folder / "03-third.toml")) == folder / "03-third.toml"
    assert find_level(folder / "03-third.toml") == folder / "03-third.toml"


def test_unknown_id_lists_the_known_ones(folder: Path) -> None:
    with pytest.raises(LevelError) as info:
        find_level("02-nope", folder)
    assert str(info.value) == "02-nope: no level with this id; known levels: 01-first, 03-third, 10-second"


def test_missing_path_is_a_level_error(folder: Path) -> None:
    with pytest.raises(LevelError, match="no such file"):
        find_level(str(folder / "nope.toml"))
    with pytest.raises(LevelError, match="no such file"):
        find_level("some/dir/01-first")


def test_list_levels_sorts_by_order(folder: Path) -> None:
    assert [lv.id for lv in list_levels(folder)] == ["01-first", "10-second", "03-third"]


def test_list_levels_refuses_a_broken_level(folder: Path) -> None:
    shutil.copy(Path(__file__).parent / "broken" / "08-out-of-range.toml", folder)
    with pytest.raises(LevelError, match=r"08-out-of-range\.toml:4: order"):
        list_levels(folder)


def test_shipped_levels_folder_exists() -> None:
    assert levels_dir().is_dir()
