"""Choosing the language (``--lang``, then the saved choice, then the environment, then English),
and what a change of language changes: the texts modules, plurals, the levels' words, the
command line."""

from __future__ import annotations

import gettext
import io
import json
from pathlib import Path

import pytest

from scaleout_tui import cli, i18n, texts
from scaleout_tui.content.loader import load_level
from scaleout_tui.content.paths import levels_dir
from scaleout_tui.game import texts as game_texts
from scaleout_tui.persistence.progress import Progress
from scaleout_tui.ui import texts as ui_texts


# ---- choosing ----------------------------------------------------------------------------------
@pytest.mark.parametrize(("value", "expected"), [
    ("ko", "ko"), ("ko_KR.UTF-8", "ko"), ("ko-KR", "ko"), ("KO", "ko"), ("ko_KR.eucKR@x", "ko"),
    ("en_US.UTF-8", "en"), ("C", "en"), ("C.UTF-8", "en"), ("POSIX", "en"),
    ("fr_FR.UTF-8", None), ("", None), (None, None),
])
def test_a_locale_name_reads_as_a_language(value: str | None, expected: str | None) -> None:
    assert i18n.normalize(value) == expected


def test_the_first_locale_variable_set_decides_as_in_posix() -> None:
    assert i18n.from_environment({"LANG": "ko_KR.UTF-8"}) == "ko"
    assert i18n.from_environment({"LC_MESSAGES": "ko_KR.UTF-8", "LANG": "en_US.UTF-8"}) == "ko"
    # LC_ALL=C overrides a Korean LANG, as it does for every program
    assert i18n.from_environment({"LC_ALL": "C", "LANG": "ko_KR.UTF-8"}) == "en"
    assert i18n.from_environment({"LC_ALL": "", "LANG": "ko_KR.UTF-8"}) == "ko"  # empty: not set
    assert i18n.from_environment({}) is None


def test_the_flag_beats_the_saved_choice_which_beats_the_environment() -> None:
    env = {"LANG": "ko_KR.UTF-8"}
    assert i18n.choose("en", "ko", env) == "en"
    assert i18n.choose(None, "en", env) == "en"
    assert i18n.choose(None, None, env) == "ko"
    assert i18n.choose(None, None, {}) == "en"
    assert i18n.choose(None, "xx", {"LANG": "fr_FR"}) == "en"  # neither spoken: English


# ---- what a change changes ---------------------------------------------------------------------
def test_activating_korean_rebinds_every_texts_module_and_english_puts_them_back() -> None:
    english = (texts.LEVELS_CAMPAIGN, ui_texts.MAP_TITLE, game_texts.EVENTS["crash"])
    causes = game_texts.CAUSES
    i18n.activate("ko")
    korean = (texts.LEVELS_CAMPAIGN, ui_texts.MAP_TITLE, game_texts.EVENTS["crash"])
    assert all(k != e for k, e in zip(korean, english, strict=True))
    assert all(any("\uac00" <= ch <= "\ud7a3" for ch in k) for k in korean)  # Hangul syllables
    assert game_texts.CAUSES is causes  # updated in place: `from game.texts import CAUSES` follows
    i18n.activate("en")
    assert (texts.LEVELS_CAMPAIGN, ui_texts.MAP_TITLE, game_texts.EVENTS["crash"]) == english


def test_plurals_go_through_gettext() -> None:
    assert texts.plural(1, texts.NOUN_SETTING) == "1 setting"
    assert texts.plural("1,200", texts.NOUN_SETTING) == "1,200 settings"
    assert texts.plural(0, texts.NOUN_SETTING) == "0 settings"
    i18n.activate("ko")
    one, many = texts.plural(1, texts.NOUN_SETTING), texts.plural(3, texts.NOUN_SETTING)
    assert "1" in one and "3" in many and "setting" not in one + many
    assert one.replace("1", "3") == many  # one form for every count


def test_a_key_name_fixed_in_one_language_follows_the_change() -> None:
    assert i18n.current(ui_texts.KEY_HELP) == ui_texts.KEY_HELP
    fixed_in_english = ui_texts.KEY_HELP
    i18n.activate("ko")
    assert i18n.current(fixed_in_english) == ui_texts.KEY_HELP != fixed_in_english
    fixed_in_korean = ui_texts.KEY_HELP
    i18n.activate("en")
    assert i18n.current(fixed_in_korean) == fixed_in_english


def test_a_level_loads_in_the_active_language() -> None:
    path = levels_dir() / "01-single-server.toml"
    english = load_level(path)
    i18n.activate("ko")
    korean = load_level(path)
    assert korean.title != english.title and korean.briefing.text != english.briefing.text
    assert [k.id for k in korean.knobs] == [k.id for k in english.knobs]
    assert korean.knobs[0].choices == english.knobs[0].choices  # ids stay ids
    assert korean.traffic == english.traffic or korean.traffic.spikes != english.traffic.spikes
    assert korean.objectives[0].target == english.objectives[0].target


# ---- the command line --------------------------------------------------------------------------
def _levels_heading(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    assert cli.main(list(argv)) == 0
    return capsys.readouterr().out.splitlines()[0]


def test_lang_flag_anywhere_on_the_line(capsys: pytest.CaptureFixture[str]) -> None:
    english = _levels_heading(capsys, "levels")
    korean = _levels_heading(capsys, "--lang", "ko", "levels")
    assert korean != english and any("\uac00" <= ch <= "\ud7a3" for ch in korean)
    assert _levels_heading(capsys, "levels", "--lang", "ko") == korean
    assert _levels_heading(capsys, "levels", "--lang=ko") == korean
    assert _levels_heading(capsys, "--lang", "en", "levels") == english


def test_lang_from_the_environment(capsys: pytest.CaptureFixture[str],
                                   monkeypatch: pytest.MonkeyPatch) -> None:
    english = _levels_heading(capsys, "levels")
    monkeypatch.setenv("LANG", "ko_KR.UTF-8")
    korean = _levels_heading(capsys, "levels")
    assert korean != english
    monkeypatch.setenv("LC_ALL", "C")
    assert _levels_heading(capsys, "levels") == english


def test_the_saved_choice_beats_the_environment(capsys: pytest.CaptureFixture[str],
                                                monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("SCALEOUT_HOME", str(tmp_path))
    english = _levels_heading(capsys, "levels")
    progress, _ = Progress.load()
    progress.language = "ko"
    progress.save()
    assert json.loads(progress.path.read_text())["language"] == "ko"
    korean = _levels_heading(capsys, "levels")
    assert korean != english
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    assert _levels_heading(capsys, "levels") == korean
    assert _levels_heading(capsys, "--lang", "en", "levels") == english


def test_an_unknown_language_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["--lang", "fr", "levels"]) == 2
    err = capsys.readouterr().err
    assert "'fr'" in err and "ko" in err and "en" in err


def test_help_in_korean_includes_argparse_own_words(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["--lang", "ko", "--help"]) == 0
    out = capsys.readouterr().out
    assert "usage:" not in out and "options" not in out
    assert "--lang" in out


def test_validate_speaks_korean(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    bad = tmp_path / "broken.toml"
    bad.write_text("format = 1\nid = 3\n", encoding="utf-8")
    assert cli.main(["validate", str(bad)]) == 1
    english = capsys.readouterr().out + capsys.readouterr().err
    assert cli.main(["--lang", "ko", "validate", str(bad)]) == 1
    captured = capsys.readouterr()
    korean = captured.out + captured.err
    assert str(bad) in korean and korean != english


def test_one_english_word_two_meanings_two_translations() -> None:
    """``target``: a balancer's target (a box) and an objective's threshold; the English is one
    word, the Korean two, told apart by gettext's message context."""
    from scaleout_tui.ui import texts as ui

    assert ui.TARGETS_HEAD[0] == ui.COMPARE_COLUMNS[1] == "target"
    i18n.activate("ko")
    assert ui.TARGETS_HEAD[0] != ui.COMPARE_COLUMNS[1]


# ---- every supported Python finds the same words ---------------------------------------------
def _python_before_bpo_18319(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make the standard library's singular lookups read singular entries only, as Python's
    ``gettext`` did before bpo-18319 (Debian 12's Python 3.11.2 still does)."""
    def exact(self: gettext.GNUTranslations, key: str, message: str) -> str:
        """The singular entry ``key``, else ``message`` untranslated."""
        found = self._catalog.get(key)  # type: ignore[attr-defined]
        return found if isinstance(found, str) else message

    def gettext_(self: gettext.GNUTranslations, message: str) -> str:
        return exact(self, message, message)

    def pgettext(self: gettext.GNUTranslations, context: str, message: str) -> str:
        return exact(self, self.CONTEXT % (context, message), message)  # type: ignore[attr-defined]

    monkeypatch.setattr(gettext.GNUTranslations, "gettext", gettext_)
    monkeypatch.setattr(gettext.GNUTranslations, "pgettext", pgettext)


def test_a_message_the_catalog_keeps_as_a_plural_is_translated_alone_on_any_python(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A message shown alone and also counted ("{n} s": an objective's target, and a count of
    seconds) is one plural entry in the catalog. On Python 3.11.2 Korean screens showed
    "≤ 30 s" among Korean words; each such message must come out translated either way."""
    _python_before_bpo_18319(monkeypatch)
    i18n.activate("ko")
    catalog = i18n.translations("ko")
    entries: dict[object, str] = catalog._catalog  # type: ignore[attr-defined]
    only_plural = {key[0] for key in entries if isinstance(key, tuple)} - set(entries)
    shown_alone = {m for _, _, value in i18n.originals() for m in i18n.messages(value)
                   if isinstance(m, str)} & only_plural
    assert "{n} s" in shown_alone  # the case that was seen; others may join it
    for message in shown_alone:
        assert i18n.gettext_(message) == entries[(message, 0)], message
    assert ui_texts.TARGET_UNITS["seconds"].format(n=30) == "30초"


def test_a_message_with_a_context_kept_as_a_plural_is_translated_alone_too(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The game's catalog has no such entry yet; a translator may write one (a context for a
    counted word), and it must come out as the plain one does."""
    from babel.messages.catalog import Catalog
    from babel.messages.mofile import write_mo

    catalog = Catalog(locale="ko")
    catalog.add(("{n} box", "{n} boxes"), ("상자 {n}개",), context="count")
    catalog.add(("{n} box", "{n} boxes"), ("서버 {n}대",))
    buf = io.BytesIO()
    write_mo(buf, catalog)
    buf.seek(0)
    translations = gettext.GNUTranslations(buf)
    _python_before_bpo_18319(monkeypatch)
    assert translations.pgettext("count", "{n} box") == "{n} box"  # the old lookup misses it
    assert i18n.lookup_in_context(translations, "count", "{n} box") == "상자 {n}개"
    assert i18n.lookup(translations, "{n} box") == "서버 {n}대"
    assert i18n.lookup(translations, "{n} crate") == "{n} crate"  # untranslated stays English
