"""The best-effort line finder used by error messages."""

from __future__ import annotations

import pytest

from scaleout_tui.content.locate import LineIndex, format_field, parse_field, split_key

TEXT = '''\
# comment [not.a.table]
title = "x"  # [also = not a table]
[briefing]
text = """
[fake.header]
fake = 1
"""
facts = ['a [b]', "c \\" [d]"]
[[waves]]
name = "one"
[[waves.steps]]
n = 1
[[waves.steps]]
n = 2
[[waves]]
name = "two"
[[waves.steps]]
n = 3
[limits]
"quoted.key" = 1
dotted.inner = 2
curve = [
  [0, 1],   # first
  [10, 2],
  { t = 20, r = 3 },
]
after = 1
'''


@pytest.fixture(scope="module")
def index() -> LineIndex:
    return LineIndex(TEXT)


@pytest.mark.parametrize(("path", "line"), [
    (("title",), 2),
    (("briefing",), 3),
    (("briefing", "text"), 4),
    (("briefing", "facts"), 8),
    (("waves", 0), 9),
    (("waves", 0, "name"), 10),
    (("waves", 0, "steps", 1, "n"), 14),
    (("waves", 1, "name"), 16),
    (("waves", 1, "steps", 0, "n"), 18),
    (("limits", "quoted.key"), 20),
    (("limits", "dotted", "inner"), 21),
    (("limits", "curve", 0), 23),
    (("limits", "curve", 2), 25),
    (("limits", "after"), 27),
    # unknown leaves fall back to the nearest enclosing table or key
    (("limits", "missing"), 19),
    (("limits", "curve", 7, 1), 22),
])
def test_line_of(index: LineIndex, path: tuple[str | int, ...], line: int) -> None:
    assert index.line_of(path) == line


def test_things_inside_strings_and_comments_are_not_headers(index: LineIndex) -> None:
    assert ("fake", "header") not in index.where
    assert ("not", "a", "table") not in index.where
    assert index.line_of(("nowhere",)) is None


@pytest.mark.timeout(10)  # microseconds when right; a regression loops forever
def test_unterminated_things_do_not_hang() -> None:
    LineIndex('a = """\nnever closed\n')
    LineIndex("a = [1, 2,\n")
    LineIndex("a = \"one-line\nb = 1\n")


def test_field_paths_round_trip() -> None:
    assert parse_field("traffic.kinds[1].weight") == ("traffic", "kinds", 1, "weight")
    assert parse_field("traffic.curve[2][0]") == ("traffic", "curve", 2, 0)
    assert parse_field(".engine.tick_s") == ("engine", "tick_s")
    assert format_field(("traffic", "curve", 2, 0)) == "traffic.curve[2][0]"
    assert format_field(()) == ""


def test_split_key() -> None:
    assert split_key('a."b.c".d') == ("a", "b.c", "d")
    assert split_key("a . 'b' ") == ("a", "b")


def test_a_table_defined_only_by_a_deeper_header_or_a_dotted_key_has_a_line() -> None:
    """``[a.b.c]`` makes ``a`` a table on its line, as ``x.y = 1`` makes ``x``: an unknown ``a``
    was reported as ``a: unknown key`` with no line (issue 15)."""
    index = LineIndex('id = "x"\n\n[a.b.c]\nk = 1\n\n[a.b.d]\nj = 2\nx.y = 3\n')
    assert index.line_of(("a",)) == 3
    assert index.line_of(("a", "b")) == 3
    assert index.line_of(("a", "b", "d")) == 6
    assert index.line_of(("a", "b", "d", "x")) == 8
