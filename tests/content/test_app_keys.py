"""The [app] table and the two gotcha events (``redirect``, ``clone``): from the file to the
engine, with a one-line problem for each way to get them wrong."""

from __future__ import annotations

from scaleout_tui.content import build_config, load_catalog_default, loads_level
from scaleout_tui.engine import ScheduledFailure
from scaleout_tui.engine.cloning import AppSpec
from tests.content.helpers import event_toml, knob_toml, problems_of
from tests.content.test_loader import MINIMAL

TWO_TIER = MINIMAL.replace('layout = "single"', 'layout = "two-tier"\ndb_size = "m5.large"\nweb_count = 2')
APP = '[app]\nredirect = "base_url"\nclone_database = "local"\n'


def test_gotcha_events_and_knobs_reach_the_engine() -> None:
    text = (TWO_TIER + APP + knob_toml("app.redirect", ["base_url", "relative"], "base_url")
            + event_toml("web-1", "clone") + event_toml("web-2", "redirect"))
    level = loads_level(text)
    cfg = build_config(level, load_catalog_default(), {"k": "relative"})
    assert cfg.app == AppSpec(redirect="relative", clone_database="local")
    assert cfg.failures == (ScheduledFailure(60.0, "web-1", 30.0, "clone"),
                            ScheduledFailure(60.0, "web-2", 30.0, "redirect"))


def test_without_an_app_table_the_engine_models_neither_gotcha() -> None:
    assert build_config(loads_level(TWO_TIER), load_catalog_default()).app is None


def test_a_gotcha_event_needs_the_app_table() -> None:
    assert problems_of(TWO_TIER + event_toml("web-1", "redirect")) == [
        "events[0].kind: a 'redirect' event needs an [app] table (how the app builds redirects and "
        "what a clone talks to)"]


def test_a_clone_needs_a_shared_database_to_miss() -> None:
    [problem] = problems_of(MINIMAL + APP + event_toml("web-1", "clone"))
    assert problem.startswith("events[0].kind: a 'clone' event needs a two-tier layout")


def test_unknown_words_in_the_app_table_list_the_known_ones() -> None:
    assert problems_of(TWO_TIER + APP.replace('"base_url"', '"absolute"')) == [
        "app.redirect: 'absolute' is not one of: base_url, relative"]
    assert problems_of(TWO_TIER + APP.replace('"local"', '"nfs"')) == [
        "app.clone_database: 'nfs' is not one of: local, shared"]


def test_an_unknown_event_kind_lists_the_gotchas_too() -> None:
    assert problems_of(TWO_TIER + APP + event_toml("web-1", "meteor")) == [
        "events[0].kind: 'meteor' is not one of: crash, hang, error, slow, redirect, clone"]


def test_an_app_knob_needs_the_app_table() -> None:
    [problem] = problems_of(TWO_TIER + knob_toml("app.clone_database", ["local", "shared"], "local"))
    assert problem.startswith("knobs[1].param") and "[app]" in problem
