"""Grading: one policy over many seeds, run in parallel, summed up per objective.

Why many seeds: one seed is one night of traffic; a policy that wins on seed 1 may lose on a
burstier one. A grade is the number of wins, and per objective the median and the *worst* value
over the seeds (worst in the objective's own direction: the highest latency, the lowest success).

Why processes and spawn: the simulation is pure Python and NumPy, so threads would share one
interpreter lock; a process pool uses every core. The worker is a module-level function given
only plain data (paths and strings), so it works with the ``spawn`` start method (macOS, Windows,
and here too, so a worker never inherits a half-initialised state from a fork).

Why the workers ignore SIGINT: Ctrl+C in a terminal reaches the whole process group, and a
worker's own ``KeyboardInterrupt`` would print a traceback per worker. The parent alone handles
it: it cancels the queued runs, stops the workers (none outlives the command) and lets the
interrupt reach ``cli.main``, which says so in one line.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
import statistics
import threading
from collections.abc import Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from pathlib import Path
from typing import Any

from scaleout_tui import i18n
from scaleout_tui.game.headless import run_level
from scaleout_tui.game.progress import Report


def parse_seeds(text: str) -> list[int]:
    """``1-20`` → 1..20, ``1,3,5`` → [1, 3, 5], and mixes (``1-3,7``). Raises ``ValueError``."""
    seeds: list[int] = []
    for part in text.split(","):
        part = part.strip()
        lo, sep, hi = part.partition("-")
        if not lo.strip().isdigit() or (sep and not hi.strip().isdigit()):
            raise ValueError(text)
        first, last = int(lo), int(hi) if sep else int(lo)
        if last < first or last - first > 100_000:
            raise ValueError(text)
        seeds.extend(range(first, last + 1))
    if not seeds:
        raise ValueError(text)
    return list(dict.fromkeys(seeds))


Work = tuple[str, int, dict[str, str], str | None]


def _one(args: Work, progress: Report | None = None) -> dict[str, Any]:
    level_ref, seed, sets, policy = args
    return run_level(level_ref, seed, sets, Path(policy) if policy else None, progress)


def run_seeds(level_ref: str, seeds: Sequence[int], sets: dict[str, str] | None = None,
              policy_path: Path | None = None, jobs: int | None = None,
              progress: Report | None = None) -> list[dict[str, Any]]:
    """The reports of ``seeds``, in the order given. ``jobs=1`` runs them here, one after the
    other; otherwise a pool of ``jobs`` processes (default: one per core, at most one per seed).
    A worker's error (a bad level or policy) is raised here.

    ``progress(done, total)`` counts runs: in a pool, whole runs as they finish; here, one after
    the other, also the fraction of the run under way (the workers' clocks are not visible)."""
    work = [(level_ref, s, dict(sets or {}), str(policy_path) if policy_path else None) for s in seeds]
    jobs = min(jobs or os.cpu_count() or 1, len(work))
    if jobs <= 1:
        return [_one(w, _within(progress, i, len(work))) for i, w in enumerate(work)]
    pool = ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context("spawn"),
                               initializer=_start_worker, initargs=(i18n.active(),))
    try:
        with _workers_ignore_sigint():
            futures = [pool.submit(_one, w) for w in work]  # each submit starts a worker, to `jobs`
        pending: set[Future[dict[str, Any]]] = set(futures)
        while pending:
            # a second at most between reports, so the line's wall clock moves while runs go on
            done, pending = wait(pending, timeout=1.0, return_when=FIRST_COMPLETED)
            for f in done:
                f.result()  # a worker's error (a bad level or policy) stops the grade now
            if progress is not None:
                progress(len(futures) - len(pending), len(futures))
        reports = [f.result() for f in futures]
    except BaseException:  # Ctrl+C, or a worker's error: the other runs are of no use now
        _stop(pool)
        raise
    pool.shutdown()
    return reports


def _within(progress: Report | None, index: int, runs: int) -> Report | None:
    """Run ``index``'s progress as a part of all ``runs``."""
    if progress is None:
        return None
    return lambda done, total: progress(index + (done / total if total else 1.0), runs)


@contextlib.contextmanager
def _workers_ignore_sigint() -> Iterator[None]:
    """Ignore SIGINT here while the workers start, so that they start ignoring it.

    Why: the initializer below runs only once a worker has imported the game, which takes a
    second; Ctrl+C in that second printed the worker's ``KeyboardInterrupt`` traceback from the
    middle of its imports (the CLI test caught it on a loaded machine). Python installs its own
    SIGINT handler at start-up only where the parent left SIGINT at its default, so a worker
    started while it is ignored ignores it from its first instruction. A Ctrl+C in the few
    milliseconds of the starts is lost; the next one stops the grade.
    """
    if threading.current_thread() is not threading.main_thread():  # only the main thread may
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def _start_worker(lang: str) -> None:
    """A worker's initializer: Ctrl+C is the parent's to handle (see the module's docstring), and
    the worker speaks the parent's language. A spawned worker starts in English, and a report's
    words (the objectives' labels, the debrief) are written where the level runs: a Korean grade
    had English rows."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    i18n.activate(lang)


def _stop(pool: ProcessPoolExecutor) -> None:
    """Cancel the queued runs and end the running ones now, rather than wait for them."""
    # the executor's own worker table (no public way to end running workers before Python 3.14)
    processes = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for p in processes:
        p.terminate()
    for p in processes:
        p.join()


def _worst(values: list[float], op: str) -> float:
    return max(values) if op == "<=" else min(values)


def summarize(reports: Sequence[dict[str, Any]], policy: str | None = None) -> dict[str, Any]:
    """The grade of a set of run reports (same level): wins, stars, and per objective the
    median and worst value and on how many seeds it was met."""
    first = reports[0]
    objectives = []
    for i, o in enumerate(first["objectives"]):
        values = [float(r["objectives"][i]["value"]) for r in reports]
        objectives.append({
            "id": o["id"], "label": o["label"], "metric": o["metric"], "op": o["op"], "target": o["target"],
            "median": round(statistics.median(values), 3), "worst": round(_worst(values, o["op"]), 3),
            "met": sum(bool(r["objectives"][i]["met"]) for r in reports),
        })
    return {
        "level": first["level"],
        "policy": policy,
        "seeds": [r["seed"] for r in reports],
        "runs": len(reports),
        "wins": sum(bool(r["won"]) for r in reports),
        "stars": {"median": statistics.median(r["stars"] for r in reports),
                  "worst": min(r["stars"] for r in reports)},
        "objectives": objectives,
        "per_seed": [{"seed": r["seed"], "won": r["won"], "stars": r["stars"],
                      "values": {o["id"]: o["value"] for o in r["objectives"]}} for r in reports],
    }
