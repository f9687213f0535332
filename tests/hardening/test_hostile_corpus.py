"""The broken-level corpus covers every kind of hostile file the reliability goals name.

Why a test of the corpus itself: the corpus grows file by file with each feature, and a later
clean-up could drop the one file of a category (the only UTF-16 file, the only giant integer)
without any test failing, since every remaining file still passes. This pins at least one file per
category; each file's exact problem is checked in ``tests/content/test_broken_levels.py``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from scaleout_tui.content import validate_file
from tests.content.corpus import BROKEN, EXPECTED, broken_files, make_huge

#: category -> corpus files of that category (``36-huge`` is generated at test time)
CATEGORIES: dict[str, tuple[str, ...]] = {
    "syntax": ("01-bad-syntax", "22-binary-junk", "95-duplicate-key"),
    "types": ("02-wrong-type", "26-datetime-for-string", "27-bool-for-int", "35-not-a-number-in-curve",
              "39-sticky-not-bool"),
    "unknown keys": ("03-unknown-top-key", "04-unknown-nested-key", "34-unknown-key-in-array-table"),
    "missing keys": ("05-missing-key", "18-missing-format", "21-empty"),
    "out of range": ("08-out-of-range", "25-too-short", "40-balancer-count-3", "98-int64-overflow"),
    "non-finite": ("06-nan", "07-inf", "97-float-overflow"),
    "dangling references": ("14-dangling-instance-choice", "23-dangling-event-target",
                            "24-dangling-topology-size", "73-event-target-replica-3"),
    "duplicate names": ("12-duplicate-knob-id", "47-duplicate-injection", "96-duplicate-objective-id"),
    "newer format": ("17-newer-format",),
    "not UTF-8": ("09-not-utf8", "99-utf16"),
    "deep nesting": ("10-deep-nesting",),
    "giant integers": ("11-huge-int", "98-int64-overflow"),
}


def test_the_corpus_has_at_least_forty_files() -> None:
    assert len(broken_files()) + 1 >= 40  # + the generated 10 MB file


@pytest.mark.parametrize("category", sorted(CATEGORIES))
def test_every_category_has_its_files(category: str) -> None:
    for stem in CATEGORIES[category]:
        assert stem in EXPECTED, stem
        assert (BROKEN / f"{stem}.toml").is_file(), stem


def test_huge_files_are_a_category_too(tmp_path: Path) -> None:
    problems = validate_file(make_huge(tmp_path))
    assert len(problems) == 1 and "too large" in problems[0].message
