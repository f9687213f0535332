"""The [app] table and the two gotcha events (``redirect``, ``clone``): from the file to the
engine, with a one-line problem for each way to get them wrong."""

from __future__ import annotations

from scaleout_tui.content import LevelError, build_config, load_catalog_default, loads_level
from scaleout_tui.engine import ScheduledFailure
from scaleout_tui.engine.cloning import AppSpec
from tests.content.test_loader import MINIMAL

TWO_TIER = MINIMAL.replace('layout = "single"', 'layout = "two-tier"\ndb_size = "m5.large"\nweb_count = 2')
APP = '[app]\nredirect = "base_url"\nclone_database = "local"\n'


def _event(kind: str, target: str = "web-1") -> str:
    return f'[[events]]\nat = 60\nkind = "{kind}"\ntarget = "{target}"\nrepair_s = 30\n'


def _knob(param: str, choices: list[str], default: str) -> str:
    quoted = ", ".join(f'"{c}"' for c in choices)
    return (f'[[knobs]]\nid = "k"\nlabel = "K"\nparam = "{param}"\n'
            f'choices = [{quoted}]\ndefault = "{default}"\n')


def _problem(text: str) -> str | None:
    try:
        loads_level(text)
    except LevelError as e:
        return f"{e.field}: {e.message}"
    return None


def test_gotcha_events_and_knobs_reach_the_engine() -> None:
    text = (TWO_TIER + APP + _knob("app.redirect", ["base_url", "relative"], "base_url")
            + _event("clone") + _event("redirect", "web-2"))
    level = loads_level(text)
    cfg = build_config(level, load_catalog_default(), {"k": "relative"})
    assert cfg.app == AppSpec(redirect="relative", clone_database="local")
    assert cfg.failures == (ScheduledFailure(60.0, "web-1", 30.0, "clone"),
                            ScheduledFailure(60.0, "web-2", 30.0, "redirect"))


def test_without_an_app_table_the_engine_models_neither_gotcha() -> None:
    assert build_config(loads_level(TWO_TIER), load_catalog_default()).app is None


def test_a_gotcha_event_needs_the_app_table() -> None:
    assert _problem(TWO_TIER + _event("redirect")) == (
        "events[0].kind: a 'redirect' event needs an [app] table (how the app builds redirects and "
        "what a clone talks to)")


def test_a_clone_needs_a_shared_database_to_miss() -> None:
    problem = _problem(MINIMAL + APP + _event("clone"))
    assert problem is not None
    assert problem.startswith("events[0].kind: a 'clone' event needs a two-tier layout")


def test_unknown_words_in_the_app_table_list_the_known_ones() -> None:
    assert _problem(TWO_TIER + APP.replace('"base_url"', '"absolute"')) == (
        "app.redirect: 'absolute' is not one of: base_url, relative")
    assert _problem(TWO_TIER + APP.replace('"local"', '"nfs"')) == (
        "app.clone_database: 'nfs' is not one of: local, shared")


def test_an_unknown_event_kind_lists_the_gotchas_too() -> None:
    problem = _problem(TWO_TIER + APP + _event("meteor"))
    assert problem == "events[0].kind: 'meteor' is not one of: crash, hang, error, slow, redirect, clone"


def test_an_app_knob_needs_the_app_table() -> None:
    problem = _problem(TWO_TIER + _knob("app.clone_database", ["local", "shared"], "local"))
    assert problem is not None and problem.startswith("knobs[1].param") and "[app]" in problem
