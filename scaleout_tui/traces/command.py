"""``scaleout trace``: import an access log as a rate series, list the scenario library.

Kept out of ``scaleout_tui.cli`` so the CLI module only registers the subcommand; the contract is
the CLI's (exit 0 success, 1 bad input said in one line per problem on stderr, 2 usage). Junk
lines are reported (the first few by line number, then a total) but never fail an import.

The progress bar is rich's, on stderr, and only when stderr is a terminal and the file is large
enough to take a while (:data:`PROGRESS_MIN_BYTES`): a pipe or a CI log gets the summary lines
alone, and a small file no flicker.
"""

from __future__ import annotations

import argparse
import math
import sys
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path
from typing import Any

from scaleout_tui import texts
from scaleout_tui.content.errors import LevelError
from scaleout_tui.content.paths import same_file

#: files below this size import in well under a second: no progress bar
PROGRESS_MIN_BYTES = 1 << 20


def _positive(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not (value > 0 and math.isfinite(value)):
        raise argparse.ArgumentTypeError(texts.BAD_POSITIVE.format(arg=text))
    return value


def add_parser(sub: Any) -> None:
    """Register ``trace import`` and ``trace list`` on the CLI's subparsers."""
    trace = sub.add_parser("trace", help=texts.HELP_TRACE, description=texts.HELP_TRACE)
    trace.set_defaults(handler=lambda args: _usage(trace))
    cmds = trace.add_subparsers(title="commands", metavar="COMMAND")
    imp = cmds.add_parser("import", help=texts.HELP_TRACE_IMPORT, description=texts.HELP_TRACE_IMPORT)
    imp.add_argument("file", metavar="FILE", type=Path, help=texts.HELP_TRACE_FILE)
    imp.add_argument("-o", "--output", required=True, type=Path, metavar="TRACE", help=texts.HELP_TRACE_OUT)
    imp.add_argument("--scale", type=_positive, default=1.0, metavar="X", help=texts.HELP_TRACE_SCALE)
    imp.add_argument("--compress", type=_positive, default=1.0, metavar="K", help=texts.HELP_TRACE_COMPRESS)
    imp.set_defaults(handler=_import, parser=imp)
    lst = cmds.add_parser("list", help=texts.HELP_TRACE_LIST, description=texts.HELP_TRACE_LIST)
    lst.set_defaults(handler=_list)


def _usage(parser: argparse.ArgumentParser) -> int:
    parser.print_usage(sys.stderr)
    return 2


def _err(line: object) -> None:
    print(str(line).replace("\r", "\\r").replace("\n", "\\n"), file=sys.stderr)


def _progress(path: Path) -> tuple[AbstractContextManager[Any], Callable[[int], None] | None]:
    """A rich progress bar over the file's bytes on stderr, or nothing when stderr is no TTY."""
    if not sys.stderr.isatty():
        return nullcontext(), None
    from rich.console import Console
    from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn

    try:
        total = path.stat().st_size
    except OSError:
        return nullcontext(), None
    if total < PROGRESS_MIN_BYTES:
        return nullcontext(), None
    bar = Progress(TextColumn("{task.description}"), BarColumn(), DownloadColumn(), TimeRemainingColumn(),
                   console=Console(stderr=True), transient=True)
    task = bar.add_task(texts.TRACE_PROGRESS.format(name=path.name), total=total)
    return bar, lambda done: bar.update(task, completed=done)


def _output_problem(trace_seconds: int, peak: float, scale: float, compress: float) -> str | None:
    """Why ``--scale``/``--compress`` would write a series no reader takes, or None. Checked
    before the arithmetic: ``--compress 1e-8`` asked for 671 GiB, ``1e-300`` raised ValueError,
    and ``--scale 1e300`` wrote a file that then broke ``scaleout trace list`` for every scenario."""
    from scaleout_tui.content.series import MAX_RATE, MAX_SECONDS  # NumPy: only when importing

    seconds = trace_seconds / compress
    if seconds > MAX_SECONDS:
        return texts.TRACE_TOO_LONG.format(k=f"{compress:g}", n=f"{trace_seconds:,}",
                                           seconds=f"{seconds:,.0f}", most=f"{MAX_SECONDS:,}")
    if peak * scale > MAX_RATE:
        return texts.TRACE_TOO_FAST.format(x=f"{scale:g}", peak=f"{peak * scale:,.0f}",
                                           most=f"{MAX_RATE:,.0f}")
    return None


def _import(args: argparse.Namespace) -> int:
    from scaleout_tui.content.series import write_series
    from scaleout_tui.traces.accesslog import count_log

    path: Path = args.file
    if same_file(args.output, path):
        _err(f"{args.parser.prog}: error: " + texts.OUT_IS_INPUT.format(
            option="-o", out=args.output, what=texts.WHAT_LOG, path=path))
        return 2
    bar, progress = _progress(path)
    try:
        with bar:
            result = count_log(path, progress)
    except LevelError as e:
        _err(e)
        return 1
    for line in result.junk_lines:
        _err(texts.TRACE_JUNK.format(path=path, line=line))
    if result.junk:
        _err(texts.TRACE_JUNK_TOTAL.format(path=path, lines=result.lines,
                                           junk=texts.plural(f"{result.junk:,}", texts.NOUN_JUNK_LINE)))
    base = result.series(path.name)
    problem = _output_problem(base.seconds, base.peak, args.scale, args.compress)
    if problem is not None:
        _err(f"{args.parser.prog}: error: {problem}")
        return 2
    series = base.scaled(args.scale).compressed(args.compress)
    try:
        write_series(series, args.output)
    except OSError as e:
        _err(LevelError(args.output, "", texts.TRACE_CANNOT_WRITE.format(reason=e.strerror or e)))
        return 1
    print(texts.TRACE_WROTE.format(out=args.output, seconds=series.seconds, requests=result.requests,
                                   lines=result.lines, mean=series.mean, peak=series.peak))
    return 0


def _list(args: argparse.Namespace) -> int:
    from scaleout_tui.content.scenarios import describe, scenario_names, traces_dir

    names = scenario_names()
    width = max((len(n) for n in names), default=0)
    failed = False
    for name in names:
        try:
            print(texts.SCENARIO_LINE.format(name=name.ljust(width), description=describe(name)))
        except LevelError as e:
            _err(e)
            failed = True
    print(texts.TRACES_FOLDER.format(path=traces_dir()))
    return 1 if failed else 0
