"""From bytes on disk to a typed Struct, turning every failure into one :class:`LevelError`.

Why so defensive: ``scaleout validate`` must never print a traceback, whatever it is given. The
traps, each met for real: ``tomllib`` raises ``RecursionError`` on deep nesting and a bare
``ValueError`` for integers over 4300 digits (not only ``TOMLDecodeError``); a binary or
non-UTF-8 file fails at decoding; a huge file should be refused before it is read into memory;
msgspec's messages name a JSON-ish path (``$.traffic.curve[2]``) rather than a line, and speak
of ``object`` and ``array`` where a TOML author thinks of tables and lists.

The format version is checked before msgspec sees the document, so a file from a newer game gets
"made for a newer scaleout" instead of a confusing complaint about some field added later.
"""

from __future__ import annotations

import difflib
import math
import os
import re
import tomllib
import types
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Annotated, Any, TypeVar, Union, get_args, get_origin, get_type_hints

import msgspec

from scaleout_tui import texts
from scaleout_tui.content.errors import LevelError
from scaleout_tui.content.locate import FieldPath, LineIndex, format_field, parse_field
from scaleout_tui.content.schema import FORMAT_VERSION, LEVEL_ID_PATTERN, NAME_PATTERN, NOT_BLANK_PATTERN

T = TypeVar("T")

#: Content files are small (a level is a few kB); anything above this is a mistake, not a level.
MAX_BYTES = 1 << 20

_POSITION = re.compile(r"\s*\((?:at line (\d+), column \d+|at end of document)\)\s*$")
_AT = re.compile(r"(?s)(.*?)(?: - at `\$(.*)`)?")
#: the names of the texts a bound or a pattern is worded with (looked up when an error is worded,
#: so that it speaks the language of the moment)
_BOUND_MESSAGES = {">=": "AT_LEAST", "<=": "AT_MOST", ">": "ABOVE", "<": "BELOW"}
# msgspec quotes a pattern with its backslashes doubled, so look both spellings up
_PATTERN_MESSAGES = {
    spelling: message
    for pattern, message in ((LEVEL_ID_PATTERN, "BAD_LEVEL_ID"), (NAME_PATTERN, "BAD_NAME"),
                             (NOT_BLANK_PATTERN, "NOT_BLANK"))
    for spelling in (pattern, pattern.replace("\\", "\\\\"))
}


@dataclass
class Source:
    """The text a document came from, so later checks can point at a line."""

    path: str
    text: str = ""

    @cached_property
    def index(self) -> LineIndex:
        return LineIndex(self.text)

    def error(self, where: FieldPath | str, message: str) -> LevelError:
        """A :class:`LevelError` for the field ``where`` (a path tuple or dotted string)."""
        path = parse_field(where) if isinstance(where, str) else where
        return LevelError(self.path, format_field(path), message, self.index.line_of(path))


# ---- bytes and text ------------------------------------------------------------------------------
def read_text(path: str | os.PathLike[str], limit: int = MAX_BYTES) -> Source:
    """Read a content file as UTF-8 text, refusing what cannot be one."""
    p = Path(path)
    try:
        if not p.exists():
            raise LevelError(p, "", texts.NO_SUCH_FILE)
        if not p.is_file():
            raise LevelError(p, "", texts.NOT_A_FILE)
        with p.open("rb") as f:
            data = f.read(limit + 1)
        if len(data) > limit:
            raise LevelError(p, "", texts.TOO_LARGE.format(size=max(p.stat().st_size, len(data)),
                                                           limit=limit))
    except (OSError, ValueError) as e:  # ValueError: e.g. a NUL byte in the path
        if isinstance(e, LevelError):
            raise
        reason = e.strerror if isinstance(e, OSError) and e.strerror else str(e)
        raise LevelError(p, "", texts.UNREADABLE.format(reason=reason)) from None
    return Source(str(p), decode_bytes(data, str(p)))


def decode_bytes(data: bytes, path: str) -> str:
    """UTF-8 (a leading byte-order mark, as some editors write, is dropped)."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        line = data.count(b"\n", 0, e.start) + 1
        raise LevelError(path, "", texts.NOT_UTF8.format(byte=data[e.start], offset=e.start),
                         line) from None
    return text.removeprefix("\ufeff")


def parse_toml(src: Source) -> dict[str, Any]:
    """``tomllib.loads`` with its three kinds of failure mapped to :class:`LevelError`."""
    try:
        return tomllib.loads(src.text)
    except tomllib.TOMLDecodeError as e:
        msg = str(e)
        m = _POSITION.search(msg)
        line: int | None = None
        if m:
            msg = msg[: m.start()]
            line = int(m.group(1)) if m.group(1) else max(1, len(src.text.splitlines()))
        raise LevelError(src.path, "", texts.BAD_TOML.format(reason=msg), line) from None
    except RecursionError:
        m = re.search(r"(?:[\[{]\s*){100,}", src.text)
        line = src.text.count("\n", 0, m.start()) + 1 if m else None
        raise LevelError(src.path, "", texts.TOO_DEEP, line) from None
    except ValueError:  # Python's int-to-str digit limit, raised from inside tomllib
        m = re.search(r"\d{4301,}", src.text)
        line = src.text.count("\n", 0, m.start()) + 1 if m else None
        raise LevelError(src.path, "", texts.HUGE_INT, line) from None


def check_format(data: dict[str, Any], src: Source, what: str) -> None:
    """Refuse a missing, malformed, older-than-known or newer format version."""
    if "format" not in data:
        raise LevelError(src.path, "format", texts.FORMAT_MISSING.format(what=what, version=FORMAT_VERSION),
                         1 if src.text.strip() else None)
    got = data["format"]
    if not isinstance(got, int) or isinstance(got, bool):
        raise src.error("format", texts.FORMAT_NOT_INT.format(version=FORMAT_VERSION, got=_show(got)))
    if got > FORMAT_VERSION:
        raise src.error("format", texts.FORMAT_NEWER.format(got=got, version=FORMAT_VERSION))
    if got < FORMAT_VERSION:
        raise src.error("format", texts.FORMAT_UNKNOWN.format(got=got, version=FORMAT_VERSION))


def load_struct(src: Source, kind: type[T], what: str) -> T:
    """Parse ``src`` as TOML, check its format version and convert it to ``kind``."""
    data = parse_toml(src)
    check_format(data, src, what)
    try:
        return msgspec.convert(data, kind, strict=True)
    except msgspec.ValidationError as e:
        path, message = explain(str(e), data, kind)
        raise src.error(path, message) from None


# ---- msgspec's messages, in a TOML author's words -----------------------------------------------
def explain(msg: str, data: Any, root: type) -> tuple[FieldPath, str]:
    """Turn a msgspec validation message into (field path, message)."""
    m = _AT.fullmatch(msg)
    body, where = (m.group(1), m.group(2) or "") if m else (msg, "")
    path = parse_field(where)
    if mm := re.fullmatch(r"Object contains unknown field `(.*)`", body):
        name = mm.group(1)
        if path and name in _fields_at(root, ()):
            # `injections = [...]` written after `[[knobs]]` lands in the last knob
            return (*path, name), texts.UNKNOWN_KEY_TOP.format(key=name)
        close = difflib.get_close_matches(name, _fields_at(root, path), n=1)
        return (*path, name), (texts.UNKNOWN_KEY_HINT.format(hint=close[0]) if close else texts.UNKNOWN_KEY)
    if mm := re.fullmatch(r"Object missing required field `(.*)`", body):
        return (*path, mm.group(1)), texts.MISSING_KEY
    got = _value_at(data, path)
    if mm := re.fullmatch(r"Expected `(\w+)`, got `(\w+)`", body):
        return path, texts.WRONG_TYPE.format(expected=_type_name(mm.group(1)), got=_type_name(mm.group(2)))
    if mm := re.fullmatch(r"Expected `\w+` (>=|<=|>|<) (.+)", body):
        if isinstance(got, float) and not math.isfinite(got):
            return path, texts.NOT_FINITE.format(got=got)
        template = getattr(texts, _BOUND_MESSAGES[mm.group(1)])
        return path, template.format(bound=_show_number(mm.group(2)), got=_show(got))
    if body == "Number out of range":
        return path, texts.OUT_OF_RANGE.format(got=_show(got))
    if mm := re.fullmatch(r"Expected `(array|object)` of length >= (\d+)", body):
        return path, texts.MIN_ITEMS.format(items=texts.plural(mm.group(2), texts.NOUN_ITEM))
    if re.fullmatch(r"Expected `str` of length >= 1", body):
        return path, texts.NOT_EMPTY
    if mm := re.fullmatch(r"Expected `array` of length (\d+), got (\d+)", body):
        return path, texts.EXACT_ITEMS.format(n=mm.group(1), got=mm.group(2))
    if mm := re.fullmatch(r"Expected `str` matching regex '(.*)'", body):
        template = getattr(texts, _PATTERN_MESSAGES.get(mm.group(1), "BAD_PATTERN"))
        return path, template.format(pattern=mm.group(1), got=_show(got))
    return path, body


def _type_name(name: str) -> str:
    return texts.TYPE_NAMES.get(name, name)


def _show(value: Any) -> str:
    """A value as a TOML author would write it."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and math.isfinite(value) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    if isinstance(value, float) and math.isfinite(value) and abs(value) >= 1e15:
        return format(value, ".15g")  # 1e+15, not 1000000000000000.0
    if isinstance(value, str):
        return repr(value)
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def show_number(x: float) -> str:
    """A number without a needless ``.0``: ``600.0`` -> ``600``, ``0.25`` -> ``0.25``."""
    return _show(float(x))


def _show_number(text: str) -> str:
    try:
        return _show(float(text))
    except ValueError:
        return text


def _value_at(data: Any, path: FieldPath) -> Any:
    for part in path:
        try:
            data = data[part]
        except (KeyError, IndexError, TypeError):
            return None
    return data


def _strip(t: Any) -> Any:
    """``Annotated[X, ...]`` -> ``X``; ``X | None`` -> ``X``."""
    while True:
        origin = get_origin(t)
        if origin is Annotated:
            t = get_args(t)[0]
        elif origin in (Union, types.UnionType):
            rest = [a for a in get_args(t) if a is not type(None)]
            t = rest[0] if len(rest) == 1 else t
            if len(rest) != 1:
                return t
        else:
            return t


def _fields_at(root: type, path: FieldPath) -> list[str]:
    """The keys a table at ``path`` may hold (for "did you mean" hints); best effort."""
    t: Any = root
    for part in path:
        t = _strip(t)
        if isinstance(part, int):
            args = get_args(t)
            if not args:
                return []
            t = args[0] if len(args) == 2 and args[1] is Ellipsis else args[min(part, len(args) - 1)]
        else:
            try:
                t = get_type_hints(t, include_extras=True).get(part)
            except TypeError:
                return []
    t = _strip(t)
    fields = getattr(t, "__struct_fields__", None)
    return list(fields) if fields else []
