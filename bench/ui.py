"""What does the screen cost the game? The UI's performance budgets, measured.

Budgets (issue 7):

1. **Simulation share**: with the UI at its default refresh rate, the simulation at "max" keeps
   at least 80 % of the speed it has with no UI. Measured: the play screen headless
   (``App.run_test`` at 200×60, the real wall-clock timer) runs N simulated seconds at max,
   against the :class:`~scaleout_tui.game.session.Session` alone advancing over the very same
   stretch of simulated time (it gets to its start untimed: a later stretch of a level can
   cost more per simulated second, with a bigger fleet), in the same steps; three times
   each, in turn, and the median share is the figure. The
   same share per CPU second of this process is printed too: on a shared machine the wall
   clock also counts other programs' time.
2. **Refresh cost**: a full dashboard refresh takes at most 25 % of the update period
   (``REFRESH_INTERVAL``). Measured during the run above: each ``refresh_view`` (the snapshot
   handed to every widget, charts redrawn) plus the screen paints that follow it before the
   next refresh (Textual's compositor rendering the widgets that changed).
3. **Only what changed redraws; charts throttle in fast-forward**: over the same wall-clock
   window at 1× and at max, how often each chart re-plotted its data, how often each panel's
   content was rendered again (``render()``: only when its data changed; a chart draws on its
   canvases when it re-plots, so for charts read the re-plots), and how often the
   compositor asked each panel for its lines (``render_lines``, mostly from the panel's cache:
   Textual 8 crops a partial update to the bounding box of everything that changed, so the
   clock bar at the top and a chart at the bottom make it walk the whole screen).
4. **First frame**: from starting ``python -m scaleout_tui`` in a 200×60 pseudo-terminal to
   the campaign map on it, at most 1 s, with the game's bytecode already compiled (as
   ``pip install`` leaves it; one start before the five counted writes it).
5. **Key press**: with the clock running at 60×, a key (space: pause, then resume) answers
   within 100 ms, measured two ways: ``Pilot.press`` until the clock's state changed, and
   end to end in the pseudo-terminal, from writing the key to the new state on the screen.

Headless, Textual composes and renders every frame but skips writing it to a terminal; the
pseudo-terminal figures include that write. Figures are printed, never asserted: they depend
on the machine (this one may be shared). Wrappers count and time Textual's paint step
(``Screen._on_timer_update``) and each widget's ``render_lines``; they are installed by this
script only.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import fcntl
import os
import pty
import select
import statistics
import struct
import sys
import tempfile
import termios
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout without installing

from textual.screen import Screen
from textual.widget import Widget
from textual_plot import PlotWidget

from scaleout_tui.content import find_level, load_level
from scaleout_tui.game.session import Session
from scaleout_tui.ui import texts
from scaleout_tui.ui.app import make_app
from scaleout_tui.ui.campaign import load_content
from scaleout_tui.ui.clock import MAX_STEP, REFRESH_INTERVAL, SPEEDS, refresh_interval
from scaleout_tui.ui.screens.play import PlayScreen

SIZE = (200, 60)
MAX = SPEEDS.index(None)
X60 = SPEEDS.index(60.0)
X1 = SPEEDS.index(1.0)


# ---- instrumentation -------------------------------------------------------------------------------
@dataclass
class Meter:
    """What the UI did: timed refreshes and paints, repaints per panel, chart re-plots."""

    refreshes: list[tuple[float, float]] = field(default_factory=list)  # (start, duration)
    paints: list[tuple[float, float]] = field(default_factory=list)
    repaints: Counter[str] = field(default_factory=Counter)
    renders: Counter[str] = field(default_factory=Counter)
    plots: Counter[str] = field(default_factory=Counter)
    on: bool = False

    def reset(self) -> None:
        self.refreshes.clear()
        self.paints.clear()
        self.repaints.clear()
        self.renders.clear()
        self.plots.clear()


#: The play screen's panels, as counted: a widget inside one (a knob, a chart's canvas) counts
#: for its panel; the layout containers and the screen are left out.
PANELS = ("clockbar", "topology", "services", "targets", "database", "gauges", "chart-latency",
          "chart-rps", "chart-capacity", "chart-cpu", "policy", "objectives", "scaling", "log")


def panel_of(widget: Widget) -> str:
    """The panel ``widget`` belongs to, or its class name outside any (the footer)."""
    node: Any = widget
    while node is not None and not isinstance(node, Screen):
        if getattr(node, "id", None) in PANELS:
            return str(node.id)
        node = node.parent
    return type(widget).__name__


@contextlib.contextmanager
def instrumented(meter: Meter) -> Iterator[None]:
    """Wrap the refresh, the paint step, widget rendering and chart plotting with counters."""
    originals: list[tuple[type, str, Any]] = []

    def wrap(cls: type, name: str, make: Callable[[Any], Any]) -> None:
        original = getattr(cls, name)
        originals.append((cls, name, original))
        setattr(cls, name, make(original))

    def timed(store: Callable[[], list[tuple[float, float]]]) -> Callable[[Any], Any]:
        def make(original: Any) -> Any:
            def run(self: Any, *args: Any, **kwargs: Any) -> Any:
                t0 = time.perf_counter()
                try:
                    return original(self, *args, **kwargs)
                finally:
                    if meter.on:
                        store().append((t0, time.perf_counter() - t0))
            return run
        return make

    def counted(store: Callable[[], Counter[str]]) -> Callable[[Any], Any]:
        def make(original: Any) -> Any:
            def run(self: Any, *args: Any, **kwargs: Any) -> Any:
                if meter.on:
                    store()[panel_of(self)] += 1
                return original(self, *args, **kwargs)
            return run
        return make

    wrap(PlayScreen, "refresh_view", timed(lambda: meter.refreshes))
    wrap(Screen, "_on_timer_update", timed(lambda: meter.paints))
    wrap(Widget, "render_lines", counted(lambda: meter.repaints))
    wrap(Widget, "_render", counted(lambda: meter.renders))
    wrap(PlotWidget, "clear", counted(lambda: meter.plots))  # SeriesChart.show clears before re-plotting
    try:
        yield
    finally:
        for cls, name, original in reversed(originals):
            setattr(cls, name, original)


# ---- 1-3: the play screen at a speed ----------------------------------------------------------------
@dataclass(frozen=True)
class Run:
    speed: str
    #: The simulated time the run started at (the clock may move before the first sample).
    sim_from: float
    sim_s: float
    wall_s: float
    cpu_s: float
    meter: Meter

    @property
    def rate(self) -> float:
        return self.sim_s / self.wall_s

    @property
    def cpu_rate(self) -> float:
        return self.sim_s / self.cpu_s


async def _open_play(app: Any, level_id: str, speed: int) -> PlayScreen:
    level = next(lv for lv in app.content.levels if lv.id == level_id)
    app.open_briefing(level)  # start_level replaces the briefing, as the Start button does
    await asyncio.sleep(0.1)
    app.start_level(level, speed_index=speed)
    for _ in range(100):
        await asyncio.sleep(0.02)
        if isinstance(app.screen, PlayScreen) and app.screen.is_mounted:
            break
    screen = app.screen
    assert isinstance(screen, PlayScreen)
    return screen


async def run_ui(level_id: str, speed: int, *, sim_s: float | None, wall_s: float | None,
                 home: Path, meter: Meter) -> Run:
    """The play screen headless at ``speed`` until ``sim_s`` simulated or ``wall_s`` wall seconds."""
    app = make_app(progress_path=home / "progress.json")
    async with app.run_test(size=SIZE) as pilot:
        play = await _open_play(app, level_id, speed)
        await pilot.pause(0.3)  # the first layout and paint are not part of the run
        # The clock starts here, as the space key would: Pilot.press waits for the screen to
        # settle, and at max the clock would run on for a while before the first sample.
        play.action_toggle_pause()
        meter.reset()
        meter.on = True
        # Samples of (simulated, wall, CPU) time; the run ends at the last sample taken before the
        # level finished (the end of a level opens the debrief, which is not the game running).
        first = last = (play.session.now, time.perf_counter(), time.process_time())
        while True:
            await asyncio.sleep(0.02)
            sample = (play.session.now, time.perf_counter(), time.process_time())
            if play.session.finished:
                break
            last = sample
            if (sim_s is not None and last[0] - first[0] >= sim_s) or (
                    wall_s is not None and last[1] - first[1] >= wall_s):
                break
        meter.on = False
        run = Run(texts.SPEED_NAMES[speed], first[0], last[0] - first[0], last[1] - first[1],
                  last[2] - first[2], meter)
        await pilot.press("space")
    return run


def session_alone(level_id: str, sim_from: float, sim_s: float, seed: int = 1) -> tuple[float, float]:
    """Simulated seconds per wall second, and per CPU second, of the session with no UI, in the
    UI's max steps, from ``sim_from`` (reached untimed) over ``sim_s`` simulated seconds."""
    level = load_level(find_level(level_id))
    session = Session(level, load_content().catalog, seed)
    while session.now < sim_from - 1e-9 and not session.finished:
        session.advance(min(MAX_STEP, sim_from - session.now))
    begin = session.now
    start, cpu = time.perf_counter(), time.process_time()
    while session.now < begin + sim_s - 1e-9 and not session.finished:
        session.advance(MAX_STEP)
    done = session.now - begin
    return done / (time.perf_counter() - start), done / (time.process_time() - cpu)


def refresh_costs(meter: Meter) -> list[float]:
    """Per refresh: its own time plus the paints before the next refresh (seconds)."""
    starts = [t for t, _ in meter.refreshes] + [float("inf")]
    costs = []
    for i, (t0, d) in enumerate(meter.refreshes):
        painted = sum(pd for pt, pd in meter.paints if t0 <= pt < starts[i + 1])
        costs.append(d + painted)
    return costs


def pctl(xs: list[float], q: float) -> float:
    s = sorted(xs)
    return s[min(len(s) - 1, int(q * len(s)))] if s else float("nan")


# ---- 4-5: a real terminal ---------------------------------------------------------------------------
class Terminal:
    """``python -m scaleout_tui`` in a pseudo-terminal of SIZE, its output read as it comes."""

    def __init__(self, home: Path) -> None:
        # Bytecode as an installed game has it (``pip install`` compiles every module): cached
        # under the bench's folder, and written even where PYTHONDONTWRITEBYTECODE is set (a
        # shell may set it). Without it each start compiled the game's modules
        # from source, about a quarter of a second more than a player waits.
        env = {**os.environ, "SCALEOUT_HOME": str(home), "TERM": "xterm-256color",
               "COLUMNS": str(SIZE[0]), "LINES": str(SIZE[1]),
               "PYTHONPYCACHEPREFIX": str(home / "pycache")}
        env.pop("NO_COLOR", None)
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        self.started = time.perf_counter()
        pid, fd = pty.fork()
        if pid == 0:  # the child: become the game
            os.execve(sys.executable, [sys.executable, "-m", "scaleout_tui"], env)
        fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", SIZE[1], SIZE[0], 0, 0))
        self.pid, self.fd = pid, fd
        self.out = b""

    def read_until(self, needle: bytes, timeout: float = 20.0, since: int = 0) -> float:
        """Read until ``needle`` shows at or after offset ``since``; the time it was read."""
        deadline = time.perf_counter() + timeout
        while needle not in self.out[since:]:
            left = deadline - time.perf_counter()
            if left <= 0:
                raise TimeoutError(f"{needle!r} did not appear in {timeout} s")
            ready, _, _ = select.select([self.fd], [], [], left)
            if ready:
                try:
                    self.out += os.read(self.fd, 65536)
                except OSError:
                    raise TimeoutError(f"the game exited before {needle!r}") from None
        return time.perf_counter()

    def drain(self, seconds: float) -> None:
        end = time.perf_counter() + seconds
        while (left := end - time.perf_counter()) > 0:
            ready, _, _ = select.select([self.fd], [], [], left)
            if ready:
                with contextlib.suppress(OSError):
                    self.out += os.read(self.fd, 65536)

    def send(self, keys: bytes) -> float:
        t = time.perf_counter()
        os.write(self.fd, keys)
        return t

    def close(self) -> None:
        with contextlib.suppress(OSError):
            os.write(self.fd, b"\x11")  # ctrl+q
        for _ in range(50):
            done, _ = os.waitpid(self.pid, os.WNOHANG)
            if done:
                break
            self.drain(0.1)
        else:
            os.kill(self.pid, 9)
            os.waitpid(self.pid, 0)
        os.close(self.fd)


def first_frame(home: Path, timeout: float = 20.0) -> float:
    """Seconds from starting the game to the campaign map on the terminal."""
    term = Terminal(home)
    try:
        return term.read_until(b"Campaign", timeout=timeout) - term.started
    finally:
        term.close()


def key_answers_in_terminal(home: Path, presses: int, speed: int = X60) -> list[float]:
    """Seconds from writing space to the new clock state on screen, at ``speed`` (60× unless
    told), ``presses`` times. At max a key waits for the slice under way to end; level 1 lasts
    about a second there, so each running stretch is short."""
    term = Terminal(home)
    paused = texts.CLOCK_PAUSED.encode()
    running = texts.CLOCK_RUNNING.format(speed=texts.SPEED_NAMES[speed]).encode()
    run_for = 0.3 if SPEEDS[speed] is not None else 0.03
    try:
        term.read_until(b"Campaign")
        term.send(b"\r")  # the briefing of level 1
        term.drain(1.0)
        term.send(b"\r")  # start: the play screen, paused
        term.read_until(paused)
        term.send(str(speed + 1).encode())  # keys 1-4 choose the speed
        term.drain(0.5)
        answers = []
        expect = running
        for _ in range(presses):
            mark = len(term.out)
            sent = term.send(b" ")
            answers.append(term.read_until(expect, since=mark) - sent)
            expect = paused if expect == running else running
            term.drain(run_for if expect == paused else 0.1)  # run a while between presses
        return answers
    finally:
        term.close()


async def key_answers_pilot(level_id: str, presses: int, home: Path) -> list[float]:
    """Seconds from ``Pilot.press('space')`` to the clock's state changed, at 60×."""
    app = make_app(progress_path=home / "progress.json")
    answers = []
    async with app.run_test(size=SIZE) as pilot:
        play = await _open_play(app, level_id, X60)
        await pilot.pause(0.3)
        for _ in range(presses):
            before = play.clock.paused
            t0 = time.perf_counter()
            await pilot.press("space")
            while play.clock.paused == before:
                await asyncio.sleep(0.001)
            answers.append(time.perf_counter() - t0)
            await asyncio.sleep(0.3 if not play.clock.paused else 0.05)
    return answers


# ---- report -------------------------------------------------------------------------------------------
def ms(x: float) -> str:
    return f"{x * 1e3:.1f} ms"


def report_share(level_id: str, sim_s: float, home: Path, meter: Meter) -> None:
    """[1] and [2]: the simulation's share at max, and the cost of each refresh in that run."""
    # Alone and under the UI in turn, three times: the median is less at the mercy of whatever
    # else the machine does at one moment. Per CPU second: the same, counting only this
    # process's CPU time (what the UI costs, whatever the machine's load).
    shares, cpu_shares, costs, own = [], [], [], []
    for _ in range(3):
        ui = asyncio.run(run_ui(level_id, MAX, sim_s=sim_s, wall_s=None, home=home, meter=meter))
        alone, alone_cpu = session_alone(level_id, ui.sim_from, ui.sim_s)
        shares.append(ui.rate / alone)
        cpu_shares.append(ui.cpu_rate / alone_cpu)
        costs += refresh_costs(ui.meter)
        own += [d for _, d in ui.meter.refreshes]
        print(f"  [1] max: {alone:,.0f} sim-s/s alone, {ui.rate:,.0f} under the UI ({ui.sim_s:,.0f} sim-s "
              f"from {ui.sim_from:,.0f} s in {ui.wall_s:.1f} s): "
              f"{ui.rate / alone * 100:.0f} % of wall speed, "
              f"{ui.cpu_rate / alone_cpu * 100:.0f} % per CPU second")
    print(f"  [1] median share of the UI-off speed: {statistics.median(shares) * 100:.0f} % "
          f"(budget >= 80 %); per CPU second {statistics.median(cpu_shares) * 100:.0f} %")
    print(f"  [2] {len(costs)} refreshes at max: refresh_view mean {ms(statistics.mean(own))}; with the "
          f"paints it caused: median {ms(statistics.median(costs))}, p95 {ms(pctl(costs, 0.95))}, "
          f"max {ms(max(costs))}; median = {statistics.median(costs) / refresh_interval(None) * 100:.0f} "
          f"% of the period at max, {ms(refresh_interval(None))} (budget 25 %)")


def report_redraws(level_id: str, window_s: float, home: Path, meter: Meter) -> None:
    """[3]: refreshes, paints, chart re-plots and repaints per panel, at 1× and at max."""
    for speed in (X1, MAX):
        w = asyncio.run(run_ui(level_id, speed, sim_s=None, wall_s=window_s, home=home, meter=meter))
        ranked = sorted(w.meter.repaints.items(), key=lambda kv: -kv[1])
        per_s = {k: round(v / w.wall_s, 1) for k, v in ranked}
        plots = {k: round(v / w.wall_s, 2) for k, v in sorted(w.meter.plots.items())}
        print(f"  [3] {w.speed:>4} for {w.wall_s:.1f} s ({w.sim_s:,.0f} sim-s): "
              f"{len(w.meter.refreshes) / w.wall_s:.1f} refreshes/s, "
              f"{len(w.meter.paints) / w.wall_s:.1f} paints/s")
        print(f"      chart re-plots per s: {plots}")
        by_count = sorted(w.meter.renders.items(), key=lambda kv: -kv[1])
        renders = {k: round(v / w.wall_s, 1) for k, v in by_count if k in PANELS}
        print(f"      content re-rendered per s (render()), by panel: {renders}")
        print(f"      composited per s (render_lines), by panel: {per_s}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    ap.add_argument("--levels", nargs="+", default=["01-single-server", "08-autoscaling"])
    ap.add_argument("--sim-s", type=float, default=1700.0, help="simulated seconds at max (default 1700)")
    ap.add_argument("--window-s", type=float, default=8.0, help="wall seconds watched at 1× and max")
    ap.add_argument("--presses", type=int, default=20)
    ap.add_argument("--quick", action="store_true",
                    help="short runs (300 simulated s, 3 s windows, 6 presses)")
    args = ap.parse_args(argv)
    if args.quick:
        args.sim_s, args.window_s, args.presses = 300.0, 3.0, 6
    print(f"scaleout UI bench: {SIZE[0]}×{SIZE[1]}, refresh every {ms(REFRESH_INTERVAL)} (budget per "
          f"refresh {ms(REFRESH_INTERVAL * 0.25)}), python {sys.version.split()[0]}, "
          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs"
          f"{' (--quick)' if args.quick else ''}")
    with tempfile.TemporaryDirectory(prefix="scaleout-bench-") as tmp, instrumented(meter := Meter()):
        home = Path(tmp)
        for level_id in args.levels:
            print(f"\n== {level_id}")
            report_share(level_id, args.sim_s, home, meter)
            report_redraws(level_id, args.window_s, home, meter)
        # not counted: it compiles the bytecode the counted starts read (the standard library's,
        # Textual's and NumPy's too: with a cache prefix Python reads no other), hence its time
        first_frame(home, timeout=180.0)
        ff = [first_frame(home) for _ in range(5)]
        print(f"\n[4] first frame (python -m scaleout_tui in a {SIZE[0]}×{SIZE[1]} pty, to the map), "
              f"5 starts: "
              f"{', '.join(f'{x:.2f}' for x in ff)} s; median {statistics.median(ff):.2f} s (budget 1 s)")
        level_id = args.levels[0]
        pilot = asyncio.run(key_answers_pilot(level_id, args.presses, home))
        term = key_answers_in_terminal(home, args.presses)
        print(f"[5] key press at 60× ({level_id}, space {args.presses} times, budget 100 ms):")
        print(f"      Pilot.press until the clock changed: median {ms(statistics.median(pilot))}, "
              f"p95 {ms(pctl(pilot, 0.95))}, max {ms(max(pilot))}")
        print(f"      terminal, key written until the new state is on screen: median "
              f"{ms(statistics.median(term))}, p95 {ms(pctl(term, 0.95))}, max {ms(max(term))}")
        at_max = key_answers_in_terminal(home, min(args.presses, 10), MAX)
        print(f"    and at max (no budget; a key waits for the slice under way), terminal: median "
              f"{ms(statistics.median(at_max))}, p95 {ms(pctl(at_max, 0.95))}, max {ms(max(at_max))}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
