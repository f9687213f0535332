"""``scaleout export`` and ``scaleout import``: a design out as production configuration, and
production configuration in as a sandbox policy.

Kept out of ``scaleout_tui.cli`` (which only registers the commands) and out of
:mod:`scaleout_tui.deploy` (which knows no recordings): the export takes a level, a policy and
``--set`` values, or a recording, whose knob values at its end are the design the player won
with. The contract is the CLI's: exit 0 on success, 1 on bad input said in one line per problem
on stderr, 2 on usage errors. What an import cannot play is reported on stderr, never silently
dropped, and does not fail it.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from scaleout_tui import texts as cli_texts
from scaleout_tui.content.errors import LevelError
from scaleout_tui.content.loader import load_level
from scaleout_tui.content.paths import find_level, sandbox_paths
from scaleout_tui.content.policy import load_policy
from scaleout_tui.content.schema import Level
from scaleout_tui.deploy import texts
from scaleout_tui.deploy.design import ConfigError, Design, design_of
from scaleout_tui.deploy.formats import FORMATS, export, read_files, write_files
from scaleout_tui.deploy.policy import adjusted_text, best_sandbox, policy_text
from scaleout_tui.deploy.readme import note_text
from scaleout_tui.recording.reader import RecordingError, read_recording
from scaleout_tui.recording.replay import locate_level


def add_parsers(sub: Any) -> None:
    """Register ``export`` and ``import`` on the CLI's subparsers."""
    exp = sub.add_parser("export", help=texts.HELP_EXPORT, description=texts.HELP_EXPORT)
    exp.add_argument("source", metavar="LEVEL|RECORDING", help=texts.HELP_EXPORT_SOURCE)
    exp.add_argument("--policy", type=Path, metavar="FILE", help=texts.HELP_EXPORT_POLICY)
    exp.add_argument("--set", dest="sets", type=_knob_setting, action="append", default=[],
                     metavar="ID=VALUE", help=texts.HELP_EXPORT_SET)
    exp.add_argument("--to", required=True, choices=list(FORMATS), metavar="FORMAT",
                     help=texts.HELP_EXPORT_TO.format(formats=", ".join(FORMATS)))
    exp.add_argument("-o", "--output", required=True, type=Path, metavar="DIR", help=texts.HELP_EXPORT_OUT)
    exp.set_defaults(handler=_export)
    imp = sub.add_parser("import", help=texts.HELP_IMPORT, description=texts.HELP_IMPORT)
    imp.add_argument("files", nargs="+", type=Path, metavar="FILE", help=texts.HELP_IMPORT_FILES)
    imp.add_argument("-o", "--output", type=Path, metavar="POLICY", help=texts.HELP_IMPORT_OUT)
    imp.set_defaults(handler=_import)


def _knob_setting(text: str) -> tuple[str, str]:
    knob, sep, value = text.partition("=")
    if not sep or not knob.strip() or not value.strip():
        raise argparse.ArgumentTypeError(cli_texts.BAD_SET.format(arg=text))
    return knob.strip(), value.strip()


def _err(line: object) -> None:
    print(str(line).replace("\r", "\\r").replace("\n", "\\n"), file=sys.stderr)


def _is_recording(ref: str) -> bool:
    """A recording is a JSON-lines file (its first line a JSON object); a level is TOML."""
    path = Path(ref)
    if not path.is_file() or path.suffix == ".toml":
        return False
    try:
        with path.open("rb") as f:
            return f.read(64).lstrip().startswith(b"{")
    except OSError:
        return False


def design_from(ref: str, policy: Path | None, sets: list[tuple[str, str]]) -> Design:
    """The design to export: a level (by id or path) with a policy's knobs and ``--set`` values,
    or a recording's level with the knob values its run ended with (the header's, then every
    change the player made, in order). Raises :class:`LevelError` or :class:`RecordingError`."""
    knobs: dict[str, str] = {}
    changes: list[tuple[float, str, str]] = []
    if _is_recording(ref):
        rec = read_recording(ref)
        level = load_level(locate_level(rec))
        ids = {k.id for k in level.knobs}
        knobs.update({k: str(v) for k, v in rec.header.knobs.items()})
        knobs.update({c.name: str(c.value) for _, c in rec.commands if c.name in ids})
    else:
        level = _level(ref)
    if policy is not None:
        p = load_policy(policy, level)
        knobs.update(p.knobs)
        changes = list(p.changes)
    knobs.update(sets)
    return design_of(level, knobs, changes)


def _level(ref: str) -> Level:
    return load_level(find_level(ref))


def _export(args: argparse.Namespace) -> int:
    try:
        design = design_from(args.source, args.policy, args.sets)
    except (LevelError, RecordingError) as e:
        _err(e)
        return 1
    out = export(design, args.to)
    try:
        written = write_files(out, args.output)
    except OSError as e:
        _err(texts.CANNOT_WRITE.format(path=e.filename or args.output, reason=e.strerror or e))
        return 1
    for path in written:
        print(texts.WROTE.format(path=path))
    for note in out.notes:
        print(texts.NOTE_LINE.format(note=note_text(note.code, dict(note.params))))
    return 0


def _import(args: argparse.Namespace) -> int:
    try:
        found = read_files(args.files)
    except ConfigError as e:
        _err(e)
        return 1
    level = best_sandbox(found, [load_level(p) for p in sandbox_paths()])
    text, adjusted = policy_text(found, level, [str(f) for f in args.files])
    for s in found.skipped:
        reason = texts.SKIPPED.get(s.reason, s.reason).format(**s.params)
        _err(texts.SKIPPED_LINE.format(where=s.where, directive=s.directive, reason=reason))
    for a in adjusted:
        _err(adjusted_text(a))
    if args.output is None:
        sys.stdout.write(text)
        return 0
    try:
        args.output.write_text(text, encoding="utf-8")
    except OSError as e:
        _err(texts.CANNOT_WRITE.format(path=args.output, reason=e.strerror or e))
        return 1
    _err(texts.WROTE_POLICY.format(path=args.output, level=level.id))
    return 0
