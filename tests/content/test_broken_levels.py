"""Every broken level gives LevelError (never another exception), naming file, field and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from scaleout_tui.content import LevelError, load_level, validate_file
from tests.content.corpus import EXPECTED, broken_files, make_huge


def test_corpus_matches_its_expectations() -> None:
    """A file added without an expectation (or the reverse) would silently test nothing."""
    assert {p.stem for p in broken_files()} == set(EXPECTED)
    assert len(EXPECTED) >= 20
    assert sum(1 for stem in EXPECTED if int(stem[:2]) >= 37) >= 15  # the scale-out keys


@pytest.mark.parametrize("path", broken_files(), ids=lambda p: p.stem)
def test_broken_level_reports_file_field_and_line(path: Path) -> None:
    field, count, fragment, line = EXPECTED[path.stem]
    problems = validate_file(path)
    assert len(problems) == count, problems
    first = problems[0]
    assert isinstance(first, LevelError)
    assert first.path == str(path)
    assert first.field == field
    assert fragment in first.message
    assert first.line == line
    text = str(first)
    assert "\n" not in text
    assert text.startswith(f"{path}:{line}: " if line is not None else f"{path}: ")
    if field:
        assert f": {field}: " in text


@pytest.mark.parametrize("path", broken_files(), ids=lambda p: p.stem)
def test_load_level_raises_only_level_error(path: Path) -> None:
    with pytest.raises(LevelError) as info:
        load_level(path)
    assert info.value == validate_file(path)[0]


def test_ten_megabyte_file_is_refused_without_reading_it(tmp_path: Path) -> None:
    path = make_huge(tmp_path)
    problems = validate_file(path)
    assert len(problems) == 1
    assert problems[0].field == ""
    assert "too large" in problems[0].message
    assert str(path) in str(problems[0])


def test_missing_file_and_folder_are_problems_not_exceptions(tmp_path: Path) -> None:
    missing = validate_file(tmp_path / "01-nope.toml")
    assert len(missing) == 1 and "no such file" in str(missing[0])
    folder = validate_file(tmp_path)
    assert len(folder) == 1 and "not a regular file" in str(folder[0])


def test_random_bytes_never_escape_as_another_exception(tmp_path: Path) -> None:
    """A cheap fuzz over junk, truncations of the good file and byte flips."""
    import random

    from tests.content.corpus import GOOD

    rng = random.Random(7)
    good = GOOD.read_bytes()
    samples = [bytes(rng.randrange(256) for _ in range(rng.randrange(1, 400))) for _ in range(40)]
    samples += [good[: rng.randrange(len(good))] for _ in range(40)]
    for _ in range(40):
        b = bytearray(good)
        b[rng.randrange(len(b))] = rng.randrange(256)
        samples.append(bytes(b))
    path = tmp_path / "99-good.toml"
    for data in samples:
        path.write_bytes(data)
        for problem in validate_file(path):
            assert isinstance(problem, LevelError)
            assert "\n" not in str(problem)
