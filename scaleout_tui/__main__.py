"""The process's way in and out: ``python -m scaleout_tui`` and the ``scaleout`` command.

Why this module is so small: a Ctrl+C can land while the command line is still loading (the
content, the engine and NumPy take a good part of a second), so the handler must be in place
before any of that is imported. The ``scaleout`` script points here too, not at ``cli.main``.

Why a Ctrl+C ends by clearing a flag first: under ``python -m``, CPython ends the process by
SIGINT at exit (status -2, not our 130) if a KeyboardInterrupt ever escaped code that ``exec`` or
``eval`` ran from text, even when the program caught it and raised ``SystemExit(130)``.
``dataclasses`` builds each class's ``__init__`` that way while a module loads, so an interrupt
during the imports hit it: 3 runs in 60 interrupted 0.45-0.93 s after start ended -2, and 4 in 10
of a loop making dataclasses. CPython clears that flag each time it starts running code from text
(``run_eval_code_obj`` in Python/pythonrun.c), so evaluating an empty expression clears it.
``os._exit(130)`` would also do, but it skips the interpreter's shutdown: a stopped grading pool
then leaves its semaphores to the resource tracker, which warns about them on stderr.
tests/cli/test_outputs.py interrupts inside ``exec``'d code, so a CPython that changes this fails
there.
"""

from __future__ import annotations

# the interpreter's own signal module, built in and loaded at start-up (`signal` loads enum first:
# 2 ms in which a Ctrl+C would escape as a traceback, before entry() can catch it); typeshed has
# no stub for it
import _signal  # type: ignore[import-not-found]
import sys

# `typing` alone takes some 20 ms to load, time in which a Ctrl+C would find no handler yet; type
# checkers read a module-level `TYPE_CHECKING` as true, as they read typing's
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import NoReturn

#: the exit code of a command ended by Ctrl+C (as ``cli.EXIT_INTERRUPTED``, which cannot be
#: imported before the handler is in place)
_EXIT_INTERRUPTED = 130


#: set by :func:`_on_ctrl_c`: a Ctrl+C came, whether or not its KeyboardInterrupt reached us
_interrupted = False


def _on_ctrl_c(signum: int, frame: object) -> None:
    """Python's own Ctrl+C handler, that also remembers the Ctrl+C.

    Why: the ``KeyboardInterrupt`` is raised in whatever Python code runs when the signal is
    handled, and code that catches every exception and goes on loses it there (a bare
    ``except:``, or a C path that clears errors while it calls Python code, such as a dictionary
    lookup calling a dataclass's ``__hash__``); the command then ran to its end and left with 0
    as if no Ctrl+C had come. CI saw that once (``tests/cli/test_outputs.py``, a run of level 5
    interrupted after a second ended 0 with its whole report); 265 interrupts at random moments
    on a loaded machine did not show it again, so which code lost it is not known. With the
    flag, a Ctrl+C that landed anywhere ends the command with 130.
    """
    global _interrupted
    _interrupted = True
    raise KeyboardInterrupt


def entry() -> NoReturn:
    """Run the command line and leave with its exit code: after Ctrl+C, 130 whatever was running."""
    if _signal.getsignal(_signal.SIGINT) is _signal.default_int_handler:  # not where ignored
        _signal.signal(_signal.SIGINT, _on_ctrl_c)
    try:
        # before msgspec, whose start-up takes datetime's C interface without checking that it
        # came: a Ctrl+C while msgspec imported datetime left that interface unset, and the first
        # typed decode (the progress file's, for its language) then crashed the process (SIGSEGV
        # in msgspec's typenode_collect_type: 6 runs in 300 interrupted 60-180 ms after start;
        # none in 300 with this line)
        import datetime  # noqa: F401

        from scaleout_tui.cli import main

        code: int | None = main()
    except KeyboardInterrupt:  # while the command line was still loading: said below
        code = None
    # main() said it when it caught the interrupt itself; not when the interrupt came while the
    # command line loaded, nor when code on the way lost it
    if code is None or (_interrupted and code != _EXIT_INTERRUPTED):
        from scaleout_tui import texts  # (again, if the interrupt came while it was loading)

        print(texts.INTERRUPTED, file=sys.stderr)
        code = _EXIT_INTERRUPTED
    if code == _EXIT_INTERRUPTED:
        eval("None")  # clears CPython's "a Ctrl+C escaped" flag (the module's docstring says why)
    raise SystemExit(code)


if __name__ == "__main__":
    entry()
