"""The catalogs are complete and sound: every message of the game and of every shipped level has a
Korean translation with the same placeholders, markup and surrounding line breaks; the catalogs
are up to date with the English; and the checks can fail (a planted fault is found, with its file,
line and field)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

import scaleout_tui
from scaleout_tui import catalogs, i18n
from scaleout_tui.content.loader import validate_file
from scaleout_tui.content.paths import levels_dir
from scaleout_tui.content.translations import message_problem


def test_every_message_has_a_sound_korean_translation() -> None:
    problems = catalogs.check("ko")
    assert [str(p) for p in problems] == []


def test_the_catalogs_hold_no_message_the_game_no_longer_has() -> None:
    """``make catalogs`` was run after the English last changed: no stale entry lingers."""
    template = {m.id for m in catalogs.code_template("ko") if m.id}
    with i18n.catalog_path("ko").open("rb") as f:
        shipped = {m.id for m in read_po(f) if m.id}
    assert shipped - template == set()
    for path in catalogs.content_files():
        wanted = {m.id for m in catalogs.content_template(path, "ko") if m.id}
        with i18n.content_catalog_path(path, "ko").open("rb") as f:
            have = {m.id for m in read_po(f) if m.id}
        assert have - wanted == set(), path.name


def test_the_game_catalog_covers_every_texts_module() -> None:
    """Every module named texts.py in the package is extracted (a new one, such as deploy's,
    joins ``catalogs.TEXT_MODULES`` or its words would never reach a translator)."""
    found = {where for _, where, _, _ in catalogs.code_messages()}
    root = Path(scaleout_tui.__file__).resolve().parent
    every = {p.relative_to(root.parent).as_posix() for p in root.rglob("texts.py")}
    assert found == every
    assert {"scaleout_tui/texts.py", "scaleout_tui/ui/texts.py", "scaleout_tui/deploy/texts.py"} <= every
    assert sum(1 for _ in catalogs.code_messages()) > 500


def test_the_message_check_finds_each_kind_of_fault() -> None:
    assert message_problem("{box} crashed", "{box} 장애") is None
    assert message_problem("{box} crashed", "") is not None
    assert message_problem("{box} crashed", "{host} 장애") is not None
    assert message_problem("{n:,} requests", "요청 {n}건") is not None  # the format spec counts
    assert message_problem("[yellow]p95[/] ms", "p95 ms") is not None
    assert message_problem("\nA paragraph\n", "문단\n") is not None


def _level_copy(tmp_path: Path, stem: str = "01-single-server") -> tuple[Path, Path]:
    level = tmp_path / f"{stem}.toml"
    shutil.copy(levels_dir() / level.name, level)
    po = tmp_path / "ko" / f"{stem}.po"
    po.parent.mkdir()
    shutil.copy(levels_dir() / "ko" / f"{stem}.po", po)
    return level, po


def test_validate_names_a_missing_translation_at_the_english_line(tmp_path: Path) -> None:
    level, _ = _level_copy(tmp_path)
    assert validate_file(level) == []
    text = level.read_text(encoding="utf-8")
    text = text.replace('subtitle = "Scale up"', 'subtitle = "Scale up, then out"')
    level.write_text(text, encoding="utf-8")
    problems = validate_file(level)
    assert len(problems) == 1
    line = next(i for i, ln in enumerate(level.read_text().splitlines(), 1) if ln.startswith("subtitle"))
    assert str(problems[0]).startswith(f"{level}:{line}: subtitle: no ko translation in ")


def test_validate_names_a_broken_translation_at_the_catalog_line(tmp_path: Path) -> None:
    level, po = _level_copy(tmp_path)
    lines = po.read_text(encoding="utf-8").splitlines()
    # the Korean of the first hint, made to carry a placeholder the English does not have
    i = next(i for i, ln in enumerate(lines) if ln.startswith("#. hints[0]"))
    j = next(k for k in range(i, len(lines)) if lines[k].startswith("msgstr"))
    lines[j] = 'msgstr "CPU {cpu} 막대를 보세요"'
    po.write_text("\n".join(lines) + "\n", encoding="utf-8")
    problems = validate_file(level)
    assert len(problems) == 1
    assert str(problems[0]).startswith(f"{po}:")
    assert "hints[0].text: placeholders differ" in str(problems[0])


def test_a_level_without_a_catalog_is_valid_and_plays_in_english(tmp_path: Path) -> None:
    level, po = _level_copy(tmp_path)
    shutil.rmtree(po.parent)
    assert validate_file(level) == []


def test_a_short_label_too_wide_in_korean_is_named(tmp_path: Path) -> None:
    level, po = _level_copy(tmp_path, "08-autoscaling")
    text = po.read_text(encoding="utf-8")
    lines = text.splitlines()
    i = next(i for i, ln in enumerate(lines) if ln.startswith("#. ") and "short_label" in ln)
    j = next(k for k in range(i, len(lines)) if lines[k].startswith("msgstr"))
    lines[j] = 'msgstr "아주아주아주아주아주아주긴이름"'
    po.write_text("\n".join(lines) + "\n", encoding="utf-8")
    problems = [str(p) for p in validate_file(level)]
    assert len(problems) == 1 and "short_label" in problems[0] and "cells wide" in problems[0]


def test_a_level_in_two_languages_is_the_same_level() -> None:
    from scaleout_tui import i18n as lang
    from scaleout_tui.content.loader import load_level
    from scaleout_tui.content.translations import same_but_words

    path = levels_dir() / "03-load-balancer.toml"
    english = load_level(path)
    lang.activate("ko")
    korean = load_level(path)
    assert korean != english and same_but_words(english, korean)
    other = load_level(levels_dir() / "04-sessions.toml")
    assert not same_but_words(korean, other)


def test_a_broken_level_catalog_is_named_and_the_level_plays_in_english(tmp_path: Path) -> None:
    from scaleout_tui import i18n as lang
    from scaleout_tui.content.loader import load_level

    level, po = _level_copy(tmp_path)
    po.write_bytes(b'msgid "Single server"\nmsgstr "\xff\xfe broken\n')
    problems = [str(p) for p in validate_file(level)]
    assert len(problems) == 1 and problems[0].startswith(f"{po}") and "translation catalog" in problems[0]
    lang.activate("ko")
    assert load_level(level).title == "Single server"  # English, not a crash


def test_a_broken_game_catalog_leaves_the_game_in_english(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    from scaleout_tui import cli, texts
    from scaleout_tui import i18n as lang

    broken = tmp_path / "ko" / "LC_MESSAGES" / "scaleout.mo"
    broken.parent.mkdir(parents=True)
    broken.write_bytes(b"not a catalog")
    monkeypatch.setattr(lang, "LOCALE_DIR", tmp_path)
    monkeypatch.setattr(lang, "_problem", None)
    try:
        assert cli.main(["--lang", "ko", "levels"]) == 0
    finally:
        cli._parser.cache_clear()  # a parser worded without the catalog must not outlive the test
    out = capsys.readouterr()
    assert out.out.splitlines()[0] == texts.LEVELS_CAMPAIGN == "Campaign levels:"
    assert "warning" in out.err and "scaleout.po" in out.err
