"""The ``scaleout`` command: play (default), levels, knobs, validate, run, serve.

This is a stable contract (README.md, "Command line"): tests and graders rely on the exit codes
and on one problem per line. Exit codes: 0 success (``run`` returns 0 whether the level was won
or lost: losing is a result, not a failure); 1 bad content (a level, policy or ``--set`` the game
refuses, said in one line on stderr); 2 usage errors (argparse's own convention, and an output
that is one of the command's inputs: no command overwrites the file it reads); 130 Ctrl+C
(``scaleout: interrupted``, one line).

Why the heavy imports are inside the handlers: ``scaleout levels`` and ``scaleout validate`` must
start fast and work on a machine where the UI cannot load, so Textual is imported only by
``play``, the game layer only by ``run``, and the web server only by ``serve``. The text report
borrows the screens' number formats (``ui.fmt``: plain Python, no Textual) so a value reads the
same on screen and in a terminal; Rich's ``cell_len`` is imported only where a column is padded.

Words, not identifiers (issue 14): the text a person reads names settings, choices, error causes
and units in words (choices from ``content.labels``, causes from ``game.texts.CAUSES``); the ids
appear only in ``--json``, in level files, and beside the words where a player must type them
(``scaleout knobs``, a refused ``--set``).
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import json
import os
import shutil
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import scaleout_tui
from scaleout_tui import i18n, texts
from scaleout_tui.content.errors import LevelError
from scaleout_tui.content.labels import choice_words, unit_of
from scaleout_tui.content.loader import load_level, validate_file
from scaleout_tui.content.paths import (
    SANDBOX_ALIAS,
    SANDBOX_ID,
    find_level,
    is_sandbox,
    level_ids,
    levels_dir,
    same_file,
    scenarios_dir,
)
from scaleout_tui.content.schema import Level
from scaleout_tui.deploy_command import add_parsers as add_deploy_parsers
from scaleout_tui.engine import CommandError
from scaleout_tui.game.texts import CAUSES, refusal
from scaleout_tui.traces.command import add_parser as add_trace_parser

Handler = Callable[[argparse.Namespace], int]


#: the exit code of a command ended by Ctrl+C: the shell's own code for "ended by SIGINT"
EXIT_INTERRUPTED = 130


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the process exit code (never raises SystemExit).

    Ctrl+C anywhere in it (choosing the language loads the progress module, and a handler imports
    the game) ends in one line, not a traceback. A grading pool has already stopped its workers
    (game.grading.run_seeds). How the process then leaves: ``scaleout_tui.__main__.entry``."""
    try:
        return _dispatch(argv)
    except KeyboardInterrupt:
        _err(texts.INTERRUPTED)
        return EXIT_INTERRUPTED


def _dispatch(argv: Sequence[str] | None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    choose_language(args_list)
    parser = _parser(i18n.active())
    try:
        args = parser.parse_args(argv)
    except SystemExit as e:  # --help, --version and usage errors
        return e.code if isinstance(e.code, int) else (0 if e.code is None else 2)
    handler: Handler = args.handler
    try:
        return handler(args)
    except BrokenPipeError:
        # `scaleout levels | head -1`: the reader left. Point stdout at devnull so the interpreter's
        # final flush does not print a second error, and exit like a tool killed by SIGPIPE.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 141


# ---- language ----------------------------------------------------------------------------------
def language_flag(argv: Sequence[str]) -> str | None:
    """The value of ``--lang`` wherever it stands (``scaleout --lang ko run X`` and ``scaleout run X
    --lang ko``), read before the parser is built, because the parser's help is in that language.
    An unknown value is left for the parser to refuse."""
    for i, arg in enumerate(argv):
        if arg == "--":
            break
        if arg == "--lang" and i + 1 < len(argv):
            return argv[i + 1]
        if arg.startswith("--lang="):
            return arg.partition("=")[2]
    return None


def choose_language(argv: Sequence[str]) -> str:
    """Speak what ``--lang`` says, else the player's saved choice, else the environment
    (:func:`scaleout_tui.i18n.choose`), and say it from now on."""
    from scaleout_tui.persistence.progress import Progress

    flag = language_flag(argv)
    saved = None if i18n.normalize(flag) is not None else Progress.saved_language()
    lang = i18n.choose(flag, saved)
    if lang != i18n.active():
        i18n.activate(lang)
        if i18n.catalog_problem():
            _err(texts.CATALOG_BROKEN.format(problem=i18n.catalog_problem()))
    # argparse's own words ("usage:", "error:") go through its module's gettext functions
    argparse._ = i18n.gettext_  # type: ignore[attr-defined]
    argparse.ngettext = i18n.ngettext  # type: ignore[attr-defined]
    return lang


def _lang(text: str) -> str:
    lang = text if text in i18n.LANGUAGES else None
    if lang is None:
        raise argparse.ArgumentTypeError(texts.BAD_LANG.format(arg=text, known=", ".join(i18n.LANGUAGES)))
    return lang


# ---- arguments ---------------------------------------------------------------------------------
def _seed(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = -1
    if value < 0:
        raise argparse.ArgumentTypeError(texts.BAD_SEED.format(arg=text))
    return value


def _port(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if not 1 <= value <= 65535:
        raise argparse.ArgumentTypeError(texts.BAD_PORT.format(arg=text))
    return value


def _host(text: str) -> str:
    """An address to listen on. An empty one would make aiohttp listen on every interface, the
    opposite of what a blank usually means, so it is refused (surrounding spaces are dropped)."""
    if not text.strip():
        raise argparse.ArgumentTypeError(texts.BAD_HOST.format(arg=text))
    return text.strip()


def _knob_setting(text: str) -> tuple[str, str]:
    knob, sep, value = text.partition("=")
    if not sep or not knob.strip() or not value.strip():
        raise argparse.ArgumentTypeError(texts.BAD_SET.format(arg=text))
    return knob.strip(), value.strip()


@functools.cache
def _parser(lang: str) -> argparse.ArgumentParser:
    """The command line's parser in ``lang``, built once per process and language: building it
    costs about 7 ms, which every ``main()`` call paid again, and parsing never changes it.

    ``--lang`` is on the top parser and on every command, so it may stand anywhere."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--lang", type=_lang, metavar="LANG", default=argparse.SUPPRESS, help=texts.HELP_LANG)
    parser = argparse.ArgumentParser(prog="scaleout", description=texts.PROG_DESCRIPTION, parents=[common],
                                     formatter_class=_CellsHelpFormatter)
    parser.add_argument("--version", action="version", help=texts.HELP_VERSION,
                        version=texts.VERSION.format(version=scaleout_tui.__version__))
    parser.set_defaults(handler=_play)
    sub = _Commands(parser.add_subparsers(title=texts.HELP_COMMANDS, metavar="COMMAND"), common)

    play = sub.add_parser("play", help=texts.HELP_PLAY, description=texts.HELP_PLAY)
    play.set_defaults(handler=_play)

    levels = sub.add_parser("levels", help=texts.HELP_LEVELS, description=texts.HELP_LEVELS)
    levels.set_defaults(handler=_levels)

    knobs = sub.add_parser("knobs", help=texts.HELP_KNOBS, description=texts.HELP_KNOBS)
    knobs.add_argument("level", metavar="LEVEL", help=texts.HELP_KNOBS_LEVEL)
    knobs.add_argument("--json", action="store_true", help=texts.HELP_KNOBS_JSON)
    knobs.set_defaults(handler=_knobs)

    validate = sub.add_parser("validate", help=texts.HELP_VALIDATE, description=texts.HELP_VALIDATE)
    validate.add_argument("paths", nargs="+", metavar="PATH", help=texts.HELP_VALIDATE_PATHS)
    validate.set_defaults(handler=_validate)

    run = sub.add_parser("run", help=texts.HELP_RUN, description=texts.HELP_RUN)
    run.add_argument("level", metavar="LEVEL", nargs="?", help=texts.HELP_RUN_LEVEL)
    run.add_argument("--seed", type=_seed, default=1, metavar="N", help=texts.HELP_RUN_SEED)
    run.add_argument("--set", dest="sets", type=_knob_setting, action="append", default=[],
                     metavar="ID=VALUE", help=_set_help())
    run.add_argument("--policy", type=Path, metavar="FILE", help=texts.HELP_RUN_POLICY)
    run.add_argument("--json", action="store_true", help=texts.HELP_RUN_JSON)
    run.add_argument("--record", type=Path, metavar="FILE", help=texts.HELP_RUN_RECORD)
    run.add_argument("--replay", type=Path, metavar="FILE", help=texts.HELP_RUN_REPLAY)
    run.add_argument("--seeds", type=_seeds, metavar="SEEDS", help=texts.HELP_RUN_SEEDS)
    run.add_argument("--jobs", type=_jobs, metavar="N", help=texts.HELP_RUN_JOBS)
    run.set_defaults(handler=_run, parser=run)

    replay = sub.add_parser("replay", help=texts.HELP_REPLAY, description=texts.HELP_REPLAY)
    replay.add_argument("file", type=Path, metavar="FILE", help=texts.HELP_REPLAY_FILE)
    replay.add_argument("--compare", type=Path, metavar="FILE", help=texts.HELP_REPLAY_COMPARE)
    replay.set_defaults(handler=_replay_screen)
    add_trace_parser(sub)
    add_deploy_parsers(sub)

    serve = sub.add_parser("serve", help=texts.HELP_SERVE, description=texts.HELP_SERVE)
    serve.add_argument("--host", type=_host, default="127.0.0.1", metavar="H", help=texts.HELP_SERVE_HOST)
    serve.add_argument("--port", type=_port, default=8000, metavar="P", help=texts.HELP_SERVE_PORT)
    serve.add_argument("--allow-origin", dest="allow_origins", action="append", default=[], metavar="URL",
                       help=texts.HELP_SERVE_ALLOW_ORIGIN)
    serve.set_defaults(handler=_serve, parser=serve)
    return parser


class _CellsHelpFormatter(argparse.HelpFormatter):
    """argparse's help, wrapped by terminal cells: it wraps by characters, and a Korean line of
    as many characters is twice as wide, so it overflowed the terminal."""

    def _split_lines(self, text: str, width: int) -> list[str]:
        return wrap_cells(" ".join(text.split()), width)

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        return "\n".join(indent + line for line in wrap_cells(" ".join(text.split()), width))


def wrap_cells(text: str, width: int) -> list[str]:
    """``text`` in lines of at most ``width`` terminal cells, broken at spaces (a word wider than
    a line gets a line of its own)."""
    lines: list[str] = []
    line = ""
    for word in text.split(" "):
        candidate = f"{line} {word}" if line else word
        if line and i18n.cells(candidate) > width:
            lines.append(line)
            line = word
        else:
            line = candidate
    if line or not lines:
        lines.append(line)
    return lines


class _Commands:
    """The subparsers action, giving every command the shared ``--lang`` option."""

    def __init__(self, action: Any, common: argparse.ArgumentParser) -> None:
        self.action = action
        self.common = common

    def add_parser(self, name: str, **kwargs: Any) -> argparse.ArgumentParser:
        kwargs.setdefault("formatter_class", _CellsHelpFormatter)
        return self.action.add_parser(name, parents=[self.common], **kwargs)  # type: ignore[no-any-return]


def _set_help() -> str:
    level, knob, value = texts.HELP_RUN_SET_EXAMPLE
    # argparse formats help with %: a literal percent sign would need doubling (none here)
    return texts.HELP_RUN_SET.format(level=level, knob=knob, value=value)


def _cells(text: str) -> int:
    """Width in terminal cells (a translated label may hold wide characters)."""
    from rich.cells import cell_len

    return cell_len(text)


def _ljust(text: str, width: int) -> str:
    return text + " " * max(0, width - _cells(text))


def _rjust(text: str, width: int) -> str:
    return " " * max(0, width - _cells(text)) + text


def _err(line: object) -> None:
    print(_one_line(str(line)), file=sys.stderr)


def _one_line(text: str) -> str:
    """A problem is one line, whatever a value or file name holds."""
    return text.replace("\r", "\\r").replace("\n", "\\n")


# ---- progress ------------------------------------------------------------------------------------
class _Progress:
    """How far a long headless run has come, on stderr (issue 15: minutes of silence look hung).

    On a terminal, one line redrawn in place, shown only once the run has lasted ``quiet_s``
    (a run of a second never flickers) and wiped at the end, so the report that follows, the
    interrupt line or an error is all that stays. Into a file or a pipe (a CI log), one line every
    ``log_every_s``, so a short run adds nothing and a long one is seen moving. The report itself
    goes to stdout either way: ``--json`` stays clean.
    """

    quiet_s = 1.0
    log_every_s = 10.0

    def __init__(self, level: str, *, runs: bool = False, clock: Callable[[], float] = time.monotonic,
                 stream: Any = None, tty: bool | None = None) -> None:
        #: What is counted: the simulated seconds of one run, or the runs of a grade.
        self.runs = runs
        self.level = level
        self.clock = clock
        self.stream = stream if stream is not None else sys.stderr
        self.tty = self.stream.isatty() if tty is None else tty
        self.start = clock()
        self._last: float | None = None  # when a line was last written
        self._shown = False  # a line is on the terminal now

    def __call__(self, done: float, total: float) -> None:
        now = self.clock()
        wall = now - self.start
        if self.tty:
            if wall < self.quiet_s:
                return
        elif wall < self.log_every_s or (self._last is not None and now - self._last < self.log_every_s):
            return
        self._last = now
        line = self.line(done, total, wall)
        if self.tty:
            width = shutil.get_terminal_size((80, 24)).columns - 1
            self.stream.write("\r" + _fit(line, width) + "\x1b[K")
            self._shown = True
        else:
            self.stream.write(line + "\n")
        self.stream.flush()

    def line(self, done: float, total: float, wall: float) -> str:
        fraction = min(1.0, done / total) if total > 0 else 1.0
        cells = 20
        filled = int(fraction * cells)
        bar = "[" + "#" * filled + "-" * (cells - filled) + "]"
        if self.runs:
            text, shown_total = texts.PROGRESS_GRADE, f"{total:.0f}"
            shown_done = f"{done:.1f}".removesuffix(".0")
        else:
            text, shown_done, shown_total = texts.PROGRESS_RUN, _clock(done), _clock(total)
        return text.format(level=self.level, bar=bar, pct=int(fraction * 100), done=shown_done,
                                total=shown_total, wall=texts.PROGRESS_WALL.format(s=wall))

    def close(self) -> None:
        """Wipe the line from the terminal (a log keeps its lines)."""
        if self._shown:
            self.stream.write("\r\x1b[K")
            self.stream.flush()
            self._shown = False


def _clock(seconds: float) -> str:
    """Simulated time as m:ss, or h:mm:ss past an hour."""
    s = int(seconds)
    h, m = divmod(s // 60, 60)
    return f"{h}:{m:02d}:{s % 60:02d}" if h else f"{m}:{s % 60:02d}"


def _fit(line: str, width: int) -> str:
    """``line`` cut to ``width`` terminal cells: a wrapped line could not be redrawn in place."""
    if _cells(line) <= width:
        return line
    from rich.cells import set_cell_size

    return set_cell_size(line, max(0, width))


@contextlib.contextmanager
def _progress(level: str, *, runs: bool = False) -> Iterator[_Progress]:
    progress = _Progress(level, runs=runs)
    try:
        yield progress
    finally:
        progress.close()


# ---- play ----------------------------------------------------------------------------------------
def _play(args: argparse.Namespace) -> int:
    try:
        from scaleout_tui.ui.app import run_app
    except ModuleNotFoundError as e:
        if e.name in ("scaleout_tui.ui", "scaleout_tui.ui.app", "textual"):
            _err(texts.NO_UI.format(name=e.name))
            return 1
        raise
    replays = getattr(args, "replays", None)  # set by `scaleout replay`
    if replays is None:
        code = run_app()
    else:
        from scaleout_tui.ui.app import run_replay_app

        code = run_replay_app(*replays)
    return code if isinstance(code, int) else 0


# ---- levels ----------------------------------------------------------------------------------------
def _levels(args: argparse.Namespace) -> int:
    """Every id ``scaleout run`` accepts, grouped: the campaign's levels, then the sandboxes and
    scenarios (which ``find_level`` also finds by id)."""
    folder = levels_dir()
    if not level_ids(folder):
        _err(texts.NO_LEVELS.format(path=folder))
        return 1
    groups = [(texts.LEVELS_CAMPAIGN, _load_all(folder)), (texts.LEVELS_EXTRA, _load_all(scenarios_dir()))]
    failed = any(bad for _, (_, bad) in groups)
    shown = [(heading, found) for heading, (found, _) in groups if found]
    width = max((_cells(lv.id) for _, found in shown for lv in found), default=0)
    for i, (heading, found) in enumerate(shown):
        if i:
            print()
        print(heading)
        for lv in found:
            line = texts.LEVEL_LINE.format(id=_ljust(lv.id, width), title=lv.title, subtitle=lv.subtitle)
            if lv.id == SANDBOX_ID:
                line += texts.LEVEL_ALIAS.format(alias=SANDBOX_ALIAS)
            print(texts.LEVELS_INDENT + line)
    return 1 if failed else 0


def _load_all(folder: Path) -> tuple[list[Level], bool]:
    """The levels of a folder in play order, and whether any failed to load (said on stderr)."""
    found, failed = [], False
    for level_id in level_ids(folder):
        try:
            found.append(load_level(folder / f"{level_id}.toml"))
        except LevelError as e:
            _err(e)
            failed = True
    found.sort(key=lambda lv: (lv.order, lv.id))
    return found, failed


# ---- knobs -----------------------------------------------------------------------------------------
def _knobs(args: argparse.Namespace) -> int:
    try:
        level = load_level(find_level(args.level))
    except LevelError as e:
        _err(e)
        return 1
    if args.json:
        print(json.dumps(knobs_report(level), indent=2, ensure_ascii=False))
        return 0
    print(texts.KNOBS_HEAD.format(id=level.id, title=level.title,
                                  settings=texts.plural(len(level.knobs), texts.NOUN_SETTING)))
    width = max(_cells(k.id) for k in level.knobs)
    for k in level.knobs:
        print(texts.LEVELS_INDENT + texts.KNOB_LINE.format(id=_ljust(k.id, width), label=k.label))
        print(texts.KNOB_CHOICES.format(choices=", ".join(_choice(k.param, c) for c in k.choices)))
        print(texts.KNOB_DEFAULT.format(value=_choice(k.param, k.default)))
        unit = unit_of(k.param)
        if unit:
            print(texts.KNOB_UNIT.format(unit=unit))
    return 0


def _choice(param: str, value: str) -> str:
    """A choice as a player types it, with its words when they differ: ``least_conn (Least
    connections)``, ``5 (5 s)``, ``m5.large``. (A level's ``"*"`` scenario choice is expanded to
    the library's names when the level loads.)"""
    words = choice_words(param, value)
    if words == value or words.startswith((f"{value}:", f"{value} (")):  # "L4: TCP connect"
        return words
    return texts.CHOICE_ID_WORDS.format(id=value, words=words)


def knobs_report(level: Level) -> dict[str, Any]:
    """``scaleout knobs LEVEL --json``: the level's settings, each choice as id and words."""
    def choice(param: str, value: str) -> dict[str, str]:
        return {"id": value, "label": choice_words(param, value)}

    return {
        "level": level.id,
        "title": level.title,
        "knobs": [{"id": k.id, "label": k.label, "param": k.param, "unit": unit_of(k.param),
                   "default": choice(k.param, k.default), "choices": [choice(k.param, c) for c in k.choices],
                   "help": k.help} for k in level.knobs],
    }


# ---- validate ------------------------------------------------------------------------------------
def _targets(raw: str) -> Iterator[tuple[str, list[LevelError]]]:
    """The files a PATH argument stands for (a folder: its .toml files), each with its problems."""
    path = Path(raw)
    try:
        is_dir = path.is_dir()
    except (OSError, ValueError):
        is_dir = False
    if not is_dir:
        yield raw, _problems(path)
        return
    files = sorted(p for p in path.glob("*.toml"))
    if not files:
        yield raw, [LevelError(raw, "", texts.EMPTY_FOLDER)]
    for f in files:
        yield str(f), _problems(f)


def _problems(path: Path) -> list[LevelError]:
    try:
        return validate_file(path)
    except Exception as e:  # the contract is one line per problem, never a traceback
        return [LevelError(path, "", texts.INTERNAL.format(kind=type(e).__name__, reason=e))]


def _validate(args: argparse.Namespace) -> int:
    failed = False
    for raw in args.paths:
        for shown, problems in _targets(raw):
            if problems:
                failed = True
                for p in problems:
                    print(_one_line(str(p)))
            else:
                print(texts.VALID.format(path=shown))
    return 1 if failed else 0


# ---- run -----------------------------------------------------------------------------------------
def _run(args: argparse.Namespace) -> int:
    problem = _run_usage(args)
    if problem:
        args.parser.print_usage(sys.stderr)
        _err(f"{args.parser.prog}: error: {problem}")
        return 2
    clash = _run_clash(args)
    if clash:
        _err(f"{args.parser.prog}: error: {clash}")
        return 2
    if args.record is not None and not args.record.parent.is_dir():  # --record creates no folder
        _err(texts.REC_NO_FOLDER.format(path=args.record, folder=args.record.parent))
        return 1
    if args.replay is not None:
        return _run_replay(args)
    if args.seeds is not None:
        return _grade(args)
    try:
        from scaleout_tui.game.headless import run_level
    except ModuleNotFoundError as e:
        if e.name and e.name.startswith("scaleout_tui"):
            _err(texts.NO_HEADLESS.format(name=e.name))
            return 1
        raise
    sets = dict(args.sets)
    try:
        with _progress(args.level) as progress:
            if args.record is not None:
                from scaleout_tui.recording.headless import run_recorded

                report = run_recorded(args.level, args.record, args.seed, sets, args.policy, progress)
            else:
                report = run_level(args.level, args.seed, sets, args.policy, progress)
    except (LevelError, CommandError) as e:
        _content_error(e, args.level)
        return 1
    except OSError as e:
        _err(texts.REC_CANNOT_WRITE.format(path=args.record, reason=e.strerror or e))
        return 1
    _print(report, args.json, format_report)
    return 0


def _content_error(e: LevelError | CommandError, level_ref: str) -> None:
    if isinstance(e, LevelError):
        _err(e)
    else:
        _err(_set_refused(e, level_ref) or texts.RUN_REFUSED.format(reason=refusal(e)))


def _set_refused(e: CommandError, level_ref: str) -> str | None:
    """A refused ``--set`` with what the player can type instead: the level's setting ids, or the
    setting's choices (ids with their words). ``None`` for any other refusal."""
    if e.code not in ("unknown_knob", "bad_knob_value"):
        return None
    try:
        level = load_level(find_level(level_ref))
    except LevelError:
        return None
    if e.code == "unknown_knob":
        known = ", ".join(texts.CHOICE_ID_WORDS.format(id=k.id, words=k.label) for k in level.knobs)
        return texts.SET_UNKNOWN.format(level=level.id, knob=e.params.get("knob"), known=known)
    knob = next((k for k in level.knobs if k.id == e.params.get("knob")), None)
    if knob is None:
        return None
    return texts.SET_BAD_VALUE.format(label=knob.label, knob=knob.id, value=e.params.get("value"),
                                      choices=", ".join(_choice(knob.param, c) for c in knob.choices))


def _print(report: dict[str, Any], as_json: bool, lines: Callable[[dict[str, Any]], list[str]]) -> None:
    """A report on stdout: as indented JSON (the contract) or as the lines a person reads."""
    if as_json:
        print(json.dumps(report, indent=2))
    else:
        for line in lines(report):
            print(line)


def format_report(report: dict[str, Any]) -> list[str]:
    """The short human summary of a ``run`` report (the JSON contract of README.md): every value
    with its unit, every error cause in words (the ids are in ``--json``).

    Written against ``.get`` throughout: a summary must not crash on a report from a slightly
    different game version, it just shows less.
    """
    from scaleout_tui.ui import fmt

    level, seed = report.get("level", "?"), report.get("seed", "?")
    stars = int(report.get("stars") or 0)
    if report.get("incomplete"):
        lines = [texts.RUN_INCOMPLETE.format(level=level, seed=seed)]
    elif is_sandbox(str(level)):  # nothing to win: "LOST" would tell a player they failed a test
        lines = [texts.RUN_SANDBOX.format(level=level, seed=seed)]
    elif report.get("won"):
        lines = [texts.RUN_WON.format(level=level, seed=seed,
                                      stars=texts.STAR_ON * stars + texts.STAR_OFF * max(0, 3 - stars))]
    else:
        lines = [texts.RUN_LOST.format(level=level, seed=seed)]
    for o in report.get("objectives") or []:
        op = fmt.op(str(o.get("op", "")))
        metric = o.get("metric")
        stretch = o.get("stretch")
        shown_stretch = "" if stretch is None else \
            texts.RUN_STRETCH.format(op=op, stretch=_metric(metric, stretch))
        lines.append(texts.RUN_OBJECTIVE.format(
            mark=texts.RUN_MET if o.get("met") else texts.RUN_MISSED,
            label=o.get("label") or o.get("id", "?"),
            value=_metric(metric, o.get("value")), op=op, target=_metric(metric, o.get("target")),
            stretch=shown_stretch))
    summary = report.get("summary") or {}
    lat = summary.get("latency_ms") or {}
    lines.append(texts.RUN_LATENCY.format(**{k: _metric("latency_p95_ms", lat.get(k))
                                             for k in ("p50", "p95", "p99", "mean")}))
    lines.append(texts.RUN_REQUESTS.format(requests=_n(summary.get("requests")),
                                           completed=_n(summary.get("completed"))))
    errors = {k: v for k, v in (summary.get("errors") or {}).items() if v}
    if errors:
        counts = {k: _n(v) for k, v in errors.items()}
        width = max(_cells(c) for c in counts.values())
        lines.append(texts.RUN_ERRORS)
        lines += [texts.RUN_ERROR_ITEM.format(count=_rjust(c, width), cause=CAUSES.get(k, k))
                  for k, c in counts.items()]
    else:
        lines.append(texts.RUN_NO_ERRORS)
    lines.append(texts.RUN_COST.format(cost=_metric("cost", summary.get("cost")),
                                       peak=texts.plural(_n(summary.get("peak_instances")),
                                                         texts.NOUN_INSTANCE),
                                       throughput=_metric("throughput_rps", summary.get("throughput_rps"))))
    return lines


def _metric(metric: Any, x: Any) -> str:
    """A value in its metric's unit, as the screens show it (``212 ms``, ``$0.40``, ``99.50 %``);
    a plain number when the report does not say the metric (an older report)."""
    if not isinstance(metric, str) or isinstance(x, bool) or not isinstance(x, int | float):
        return _n(x)
    from scaleout_tui.ui import fmt

    return fmt.metric(metric, float(x))


def _n(x: Any) -> str:
    """A number at a precision a person reads: 212.3, 4.27, 0.0123, 1,204,113."""
    if isinstance(x, bool) or not isinstance(x, int | float):
        return "?" if x is None else str(x)
    if isinstance(x, int) or (x == x and abs(x) < 1e15 and float(x).is_integer()):
        return f"{int(x):,}"
    if x != x or abs(x) == float("inf"):
        return str(x)
    if abs(x) >= 100:
        return f"{x:,.1f}"
    if abs(x) >= 1:
        return f"{x:.2f}"
    return f"{x:.3g}"


# ---- recordings, replays and grading (issue 6) ---------------------------------------------------
def _seeds(text: str) -> list[int]:
    from scaleout_tui.game.grading import parse_seeds

    try:
        return parse_seeds(text)
    except ValueError:
        raise argparse.ArgumentTypeError(texts.BAD_SEEDS.format(arg=text)) from None


def _jobs(text: str) -> int:
    if not text.strip().isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(texts.BAD_JOBS.format(arg=text))
    return int(text)


def _run_usage(args: argparse.Namespace) -> str | None:
    """What is wrong with this combination of ``run`` options, if anything."""
    if args.replay is not None:
        if args.level is not None:
            return texts.RUN_REPLAY_AND_LEVEL
        if args.sets or args.policy or args.record or args.seeds or args.jobs or args.seed != 1:
            return texts.RUN_REPLAY_OPTIONS
        return None
    if args.level is None:
        return texts.RUN_NEEDS_LEVEL
    if args.seeds is not None:
        for option, given in (("--record", args.record is not None), ("--seed", args.seed != 1)):
            if given:
                return texts.RUN_SEEDS_AND.format(option=option)
    return None


def _run_clash(args: argparse.Namespace) -> str | None:
    """The refusal when ``--record`` would overwrite one of the run's own inputs (the level file
    or the policy file; ``--replay`` cannot be combined with ``--record`` at all)."""
    if args.record is None:
        return None
    inputs: list[tuple[str, Path]] = []
    if args.level is not None:
        with contextlib.suppress(LevelError):  # no such level: the run says so
            inputs.append((texts.WHAT_LEVEL, find_level(args.level)))
    if args.policy is not None:
        inputs.append((texts.WHAT_POLICY, args.policy))
    for what, path in inputs:
        if same_file(args.record, path):
            return texts.OUT_IS_INPUT.format(option="--record", out=args.record, what=what, path=path)
    return None


def _run_replay(args: argparse.Namespace) -> int:
    from scaleout_tui.recording import RecordingError
    from scaleout_tui.recording.headless import replay_file

    try:
        with _progress(str(args.replay)) as progress:
            replay, report = replay_file(args.replay, progress)
    except RecordingError as e:
        _err(e)
        return 1
    rec = replay.recording
    if rec.cut:
        _err(rec.cut)
    for m in replay.mismatches:
        _err(m.message)
    _print(report, args.json, format_report)
    if not args.json:
        if rec.report is None:
            print(texts.REC_NO_REPORT.format(path=rec.path, t=_n(replay.now),
                                             checks=replay.checksums_matched))
        elif not replay.mismatches:
            print(texts.REC_REPLAYED.format(path=rec.path, commands=replay.commands_applied,
                                            checks=replay.checksums_matched))
    return 1 if replay.mismatches else 0


def _grade(args: argparse.Namespace) -> int:
    from scaleout_tui.game.grading import run_seeds, summarize

    try:
        with _progress(args.level, runs=True) as progress:
            reports = run_seeds(args.level, args.seeds, dict(args.sets), args.policy, args.jobs, progress)
    except (LevelError, CommandError) as e:
        _content_error(e, args.level)
        return 1
    _print(summarize(reports, str(args.policy) if args.policy else None), args.json, format_grade)
    return 0


def format_grade(grade: dict[str, Any]) -> list[str]:
    """The summary table of a grade: one row per objective."""
    seeds = grade["seeds"]
    shown = f"{seeds[0]}-{seeds[-1]}" if seeds == list(range(seeds[0], seeds[-1] + 1)) else \
        ",".join(str(s) for s in seeds)
    head = texts.GRADE_HEAD_SANDBOX if is_sandbox(str(grade["level"])) else texts.GRADE_HEAD
    lines = [head.format(level=grade["level"], runs=grade["runs"], seeds=shown,
                         policy=grade["policy"] or texts.GRADE_NO_POLICY,
                         wins=f"{grade['wins']}/{grade['runs']}")]
    from scaleout_tui.ui import fmt

    rows = [list(texts.GRADE_COLUMNS)]
    for o in grade["objectives"]:
        metric = o.get("metric")
        rows.append([o["label"], f"{fmt.op(o['op'])} {_metric(metric, o['target'])}",
                     _metric(metric, o["median"]), _metric(metric, o["worst"]),
                     f"{o['met']}/{grade['runs']}"])
    widths = [max(_cells(r[i]) for r in rows) for i in range(len(rows[0]))]
    for r in rows:
        lines.append("  " + "  ".join(_ljust(c, w) if i == 0 else _rjust(c, w)
                                      for i, (c, w) in enumerate(zip(r, widths, strict=True))).rstrip())
    return lines


def _replay_screen(args: argparse.Namespace) -> int:
    """Check the recordings headless (a bad file is one line, before any screen opens), then
    open the game on them."""
    from scaleout_tui.recording import RecordingError, open_replay

    try:
        replay = open_replay(args.file)
        other = open_replay(args.compare) if args.compare is not None else None
    except RecordingError as e:
        _err(e)
        return 1
    args.replays = (replay, other)
    return _play(args)


# ---- serve ---------------------------------------------------------------------------------------
def _serve(args: argparse.Namespace) -> int:
    """``--allow-origin`` is checked here, not by argparse: its parser lives in ``serve``, which
    imports the web server, and that import must not happen while parsing (a missing web server
    is one line below, not a crash inside argparse)."""
    try:
        from scaleout_tui.serve import parse_origin, serve
    except ModuleNotFoundError as e:
        if e.name and e.name.split(".")[0] in ("scaleout_tui", "textual_serve", "aiohttp", "aiohttp_jinja2"):
            _err(texts.NO_SERVE.format(name=e.name))
            return 1
        raise
    for origin in args.allow_origins:
        if parse_origin(origin) is None:
            args.parser.print_usage(sys.stderr)
            _err(f"{args.parser.prog}: error: {texts.BAD_ORIGIN.format(arg=origin)}")
            return 2
    try:
        # the shared --lang, when given, is each tab's game's language too
        serve(args.host, args.port, args.allow_origins, getattr(args, "lang", None))
    except OSError as e:
        _err(texts.SERVE_CANNOT_LISTEN.format(host=args.host, port=args.port, reason=e.strerror or e))
        return 1
    return 0
