"""The Textual application: one factory for the game and its tests, and the screen flow.

Flow: the campaign map is the base screen and never leaves the stack. Opening a level
pushes its briefing; Start *replaces* the briefing with the play screen, the end of the
run replaces play with the debrief, and Retry / Next replace the debrief in turn. So
"back to the map" is always "pop everything above the base", whatever happened. Screens ask
for these moves with the messages of :mod:`scaleout_tui.ui.navigation`, which bubble up to
the app's ``on_*`` handlers below; they never call the app (nor import it).

Why one factory (:func:`make_app`): the command line and the tests must build the very
same app; the only differences are where progress is stored and whether the clock is
driven by a timer (the game) or by the test (``manual_clock=True``: no timers at all,
so screenshots do not depend on wall time).
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from pathlib import Path
from typing import ClassVar

from textual import events
from textual.app import App
from textual.binding import Binding, BindingType
from textual.command import CommandPalette
from textual.notifications import SeverityLevel
from textual.screen import Screen

from scaleout_tui import i18n
from scaleout_tui.content.schema import Level
from scaleout_tui.content.translations import same_but_words
from scaleout_tui.game.session import Result, Session
from scaleout_tui.persistence.progress import Progress
from scaleout_tui.recording import Replay
from scaleout_tui.ui import texts, textual_fixes
from scaleout_tui.ui.campaign import Content, load_content, reread
from scaleout_tui.ui.clock import DEFAULT_SPEED
from scaleout_tui.ui.commands import GameCommands
from scaleout_tui.ui.language import next_language, retranslate_bindings
from scaleout_tui.ui.navigation import (
    BackToMap,
    LoadReplay,
    OpenBriefing,
    ShowDebrief,
    StartLevel,
    SwitchLanguage,
    WatchWinningRun,
    stale,
)
from scaleout_tui.ui.screens.briefing import BriefingScreen
from scaleout_tui.ui.screens.campaign import CampaignScreen
from scaleout_tui.ui.screens.confirm import ConfirmScreen
from scaleout_tui.ui.screens.debrief import DebriefScreen
from scaleout_tui.ui.screens.help import HelpScreen
from scaleout_tui.ui.screens.play import PlayScreen
from scaleout_tui.ui.screens.too_small import TooSmallScreen, too_small


class ScaleoutApp(App[int]):
    """The game. Build it with :func:`make_app`."""

    CSS_PATH = "scaleout.tcss"
    TITLE = texts.APP_TITLE
    SUB_TITLE = texts.APP_SUBTITLE
    COMMANDS = App.COMMANDS | {GameCommands}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f1", "help", texts.KEY_HELP),
        Binding("question_mark", "help", texts.KEY_HELP, show=False),
        # Asks first during a run, as Esc does (see action_quit_game).
        Binding("ctrl+q", "quit_game", texts.KEY_QUIT, priority=True),
        # Textual's own, with its words in the game's catalog (the footer shows it at the right)
        Binding("ctrl+p", "command_palette", texts.KEY_PALETTE, show=False, priority=True,
                tooltip=texts.KEY_PALETTE_TOOLTIP),
    ]

    def __init__(self, content: Content, progress: Progress, notice: str | None = None, *,
                 manual_clock: bool = False, seed: int = 1) -> None:
        super().__init__()
        # Key names were fixed in the language spoken when the classes were made; speak today's.
        retranslate_bindings(self)
        self.title, self.sub_title = texts.APP_TITLE, texts.APP_SUBTITLE
        textual_fixes.install()  # see scaleout_tui/ui/textual_fixes.py
        self._filters = textual_fixes.safe_filters(self._filters)
        self.content = content
        self.progress = progress
        self.notice = notice
        self.manual_clock = manual_clock
        self.seed = seed
        self._mounted = False
        #: palettes opened so far: each gets its own id (see ``action_command_palette``)
        self._palettes = 0

    def get_default_screen(self) -> Screen[None]:
        return CampaignScreen(self.content, self.progress)

    def on_mount(self) -> None:
        self._mounted = True
        if self.notice:
            self.notify(self.notice, title=texts.PROGRESS_NOTICE_TITLE, severity="warning", timeout=20)
        if self.content.errors:
            self.notify(texts.LEVELS_BROKEN.format(errors="; ".join(self.content.errors)),
                        severity="error", timeout=20)
        self.check_size(*self.size)

    def notify(self, message: str, *, title: str = "", severity: SeverityLevel = "information",
               timeout: float | None = None, markup: bool = True) -> None:
        """Every notice as plain text (``markup`` is ignored): notices carry file names, level
        text and error messages, and a ``[/]`` or ``[bold`` in any of them made Textual raise
        ``MarkupError`` and end the game. No notice of the game uses markup."""
        super().notify(message, title=title, severity=severity, timeout=timeout, markup=False)

    # ---- too small ----------------------------------------------------------------------
    def on_resize(self, event: events.Resize) -> None:
        if self._mounted:
            self.check_size(event.size.width, event.size.height)

    def check_size(self, width: int, height: int) -> None:
        """Cover everything with the size notice below the minimum; uncover above it."""
        top = self.screen
        if too_small(width, height):
            if isinstance(top, TooSmallScreen):
                top.show_size(width, height)
            else:
                self.push_screen(TooSmallScreen(width, height))
        elif isinstance(top, TooSmallScreen):
            self.pop_screen()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Nothing may open over the size notice: it would be laid out in a window too small for it.
        return not (action in ("help", "command_palette") and isinstance(self.screen, TooSmallScreen))

    # ---- screen flow --------------------------------------------------------------------
    def open_briefing(self, level: Level, *, replace: bool = False) -> None:
        screen = BriefingScreen(level, self.content.catalog)
        if replace:
            self.switch_screen(screen)
        else:
            self.push_screen(screen)

    def start_level(self, level: Level, *, speed_index: int = DEFAULT_SPEED,
                    knobs: Mapping[str, str] | None = None) -> None:
        """Replace the top screen (briefing, play or debrief) with a fresh run of ``level``,
        starting from ``knobs`` (the level's own settings where not given)."""
        self.switch_screen(PlayScreen(level, self.content.catalog, seed=self.seed,
                                      manual_clock=self.manual_clock, speed_index=speed_index,
                                      knobs=knobs))

    def show_debrief(self, session: Session, result: Result, play: Screen[None] | None = None,
                     recording: Path | None = None) -> None:
        """Replace the finished run's screen with its debrief. Anything still open above the
        run (a question, the help, the size notice) is closed first, so the debrief replaces
        the run and not the dialog. ``recording`` is the run's file, for the debrief to offer it
        beside a winning run."""
        while play is not None and self.screen is not play and play in self.screen_stack:
            self.pop_screen()
        self.switch_screen(DebriefScreen(session, result, self.content, self.progress, recording))

    def back_to_map(self) -> None:
        while len(self.screen_stack) > 1:
            self.pop_screen()

    def on_open_briefing(self, message: OpenBriefing) -> None:
        if not stale(message.origin, self.screen):
            self.open_briefing(message.level, replace=message.replace)

    def on_start_level(self, message: StartLevel) -> None:
        if not stale(message.origin, self.screen):
            self.start_level(message.level, speed_index=message.speed_index, knobs=message.knobs)

    def on_show_debrief(self, message: ShowDebrief) -> None:
        self.show_debrief(message.session, message.result, message.play, message.recording)

    def on_watch_winning_run(self, message: WatchWinningRun) -> None:
        self.watch_winning_run(message.level, message.recording, message.seed)

    def on_back_to_map(self, message: BackToMap) -> None:
        self.back_to_map()

    def on_load_replay(self, message: LoadReplay) -> None:
        self.load_replay(message.path)

    async def on_switch_language(self, message: SwitchLanguage) -> None:
        await self.switch_language(message.lang or next_language(i18n.active()))

    async def switch_language(self, lang: str) -> None:
        """Speak ``lang``: every screen on the stack redrawn in it, the choice saved (see
        :mod:`scaleout_tui.ui.language`). A run goes on: its screen is drawn again around it."""
        if lang == i18n.active():
            return
        i18n.activate(lang)
        retranslate_bindings(self)
        self.title, self.sub_title = texts.APP_TITLE, texts.APP_SUBTITLE
        self.content = reread(self.content)
        by_id = {lv.id: lv for lv in (*self.content.levels, *self.content.sandboxes)}
        for screen in self.screen_stack:
            if hasattr(screen, "content"):
                screen.content = self.content
            for holder in (screen, getattr(screen, "session", None)):  # a screen, a run's session
                level = getattr(holder, "level", None)
                if isinstance(level, Level) and level.id in by_id and same_but_words(level, by_id[level.id]):
                    if isinstance(holder, Session):
                        holder.speak(by_id[level.id])  # its log's words follow too
                    else:
                        holder.level = by_id[level.id]  # type: ignore[union-attr]
            # what a screen derived from its level's words (a debrief's sentences, a comparison's
            # runs) it derives again, once, here: the one place a change of language is known
            changed = getattr(screen, "language_changed", None)
            if callable(changed):
                changed()
        self.progress.language = lang
        saved = True
        try:
            self.progress.save()
        except OSError:
            saved = False
        for screen in list(self.screen_stack):
            # a storm of keys can close a screen while another is being recomposed: each is
            # checked again after every await, and one already gone is left alone
            if screen.is_attached and not isinstance(screen, TooSmallScreen):
                focused = screen.focused.id if screen.focused is not None else None
                await screen.recompose()
                redraw = getattr(screen, "redraw", None)
                if callable(redraw) and screen.is_attached and screen in self.screen_stack:
                    redraw()  # what a screen fills in on mount, filled in again
                if focused is not None:  # the player's place: the same setting, the same button
                    for widget in screen.query(f"#{focused}"):
                        if widget.focusable:
                            widget.focus()
        # a screen under a dialog composed again unseen: lay it out now, or the dialog would
        # stand on an empty background until the next resize
        for screen in self.screen_stack:
            screen.refresh(layout=True)
        self.refresh_bindings()
        self.notify(texts.LANGUAGE_CHANGED.format(name=i18n.NAMES[lang]) if saved
                    else texts.LANGUAGE_NOT_SAVED.format(name=i18n.NAMES[lang]))

    def running_game(self) -> PlayScreen | None:
        """The run in progress anywhere on the stack (under a dialog or the help too), if any;
        a replay is not a run: nothing of the player's is at stake in it."""
        from scaleout_tui.ui.screens.replay import ReplayScreen

        for screen in reversed(self.screen_stack):
            if isinstance(screen, PlayScreen) and not isinstance(screen, ReplayScreen) and not screen.ended:
                return screen
        return None

    async def action_quit_game(self) -> None:
        """Ctrl+Q: quit at once, except during a run, where it asks the question Esc asks, with
        what will become of the run's recording. A second Ctrl+Q on the question quits."""
        play = self.running_game()
        if play is None or isinstance(self.screen, ConfirmScreen):
            self.exit()
            return

        def answer(yes: bool | None) -> None:
            if yes:
                self.exit()

        self.push_screen(ConfirmScreen(play.leave_question(texts.CONFIRM_QUIT)), answer)

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen | TooSmallScreen):
            self.push_screen(HelpScreen())

    def action_command_palette(self) -> None:
        """Textual's, safe under a burst of keys: one palette at a time, each with its own id.

        Textual opens a palette unless the screen on top is one, and always names it
        ``--command-palette``. Escape then Ctrl+P within one burst pushed a palette while the
        closed one was still being removed, and so still registered under that name: the game
        ended with ``DuplicateIds``. A palette anywhere in the stack (under the help, say) is
        open enough, and a fresh id never meets the one on its way out.
        """
        if self.use_command_palette and not any(isinstance(s, CommandPalette) for s in self.screen_stack):
            self._palettes += 1
            self.push_screen(CommandPalette(id=f"--command-palette-{self._palettes}"))

    # ---- replays (issue 6) -----------------------------------------------------------------
    def show_replay(self, replay: Replay, other: Replay | None = None) -> None:
        """Open a recording over the map (and, given ``other``, its comparison with it)."""
        from scaleout_tui.ui.screens.compare import CompareScreen
        from scaleout_tui.ui.screens.replay import ReplayScreen

        self.push_screen(ReplayScreen(replay, manual_clock=self.manual_clock))
        if other is not None:
            self.push_screen(CompareScreen(replay, other, manual_clock=self.manual_clock))

    def watch_winning_run(self, level: Level, recording: Path | None, seed: int) -> None:
        """Over the debrief: the player's run (A) and the level's reference solution (B) on the
        same seed, so the two evenings differ only by the choices made. The winning run is made
        in memory and simulated as the clock moves (:mod:`scaleout_tui.recording.reference`).
        When the player's run cannot be replayed (not recorded, a file gone or damaged), the
        winning run is shown alone, with the reason: it is still the lesson asked for."""
        from scaleout_tui.content.errors import LevelError
        from scaleout_tui.recording import RecordingError, open_replay, reference_replay
        from scaleout_tui.ui import recordings
        from scaleout_tui.ui.screens.compare import CompareScreen
        from scaleout_tui.ui.screens.replay import ReplayOverScreen

        try:
            winning = reference_replay(level, recordings.level_file(level), seed, self.content.catalog)
        except (LevelError, OSError) as e:
            self.notify(texts.WATCH_BROKEN_SOLUTION.format(reason=e), severity="error", timeout=15)
            return
        if winning is None:
            self.notify(texts.WATCH_NO_SOLUTION, severity="warning")
            return
        mine: Replay | None = None
        reason = texts.WATCH_NOT_RECORDED
        if recording is not None:
            try:
                mine = open_replay(recording, self.content.catalog)
            except RecordingError as e:
                reason = str(e)
        if mine is None:
            self.notify(texts.WATCH_ALONE.format(reason=reason), severity="warning", timeout=15)
            self.push_screen(ReplayOverScreen(winning, manual_clock=self.manual_clock))
            return
        mine_seed = mine.recording.header.seed

        def labels() -> tuple[str, str]:  # worded when drawn: the language may change meanwhile
            return (texts.COMPARE_RUN_YOURS.format(seed=mine_seed),
                    texts.COMPARE_RUN_WINNING.format(seed=seed))

        self.push_screen(CompareScreen(mine, winning, manual_clock=self.manual_clock, labels=labels))

    def load_replay(self, path: Path | str) -> None:
        """Open the recording at ``path``; one that cannot be replayed is a notice, not a crash."""
        from scaleout_tui.recording import RecordingError, open_replay

        try:
            replay = open_replay(path, self.content.catalog)
        except RecordingError as e:
            self.notify(str(e), severity="error", timeout=15)
            return
        self.show_replay(replay)


def make_app(*, progress_path: Path | str | None = None, manual_clock: bool = False,
             content: Content | None = None, seed: int = 1) -> ScaleoutApp:
    """The one way to build the game. ``progress_path=None`` means the default location
    (``$SCALEOUT_HOME`` or the user-data folder); ``manual_clock=True`` is for tests."""
    progress, notice = Progress.load(progress_path)
    return ScaleoutApp(content if content is not None else load_content(), progress, notice,
                       manual_clock=manual_clock, seed=seed)


def run_app() -> int:
    """Run the game in this terminal; the process exit code."""
    from scaleout_tui.content.errors import LevelError

    try:
        app = make_app()
    except (LevelError, OSError) as e:
        print(f"scaleout: {e}", file=sys.stderr)
        return 1
    result = app.run()
    return result if isinstance(result, int) else (app.return_code or 0)


def run_replay_app(replay: Replay, other: Replay | None = None) -> int:
    """``scaleout replay FILE [--compare FILE]``: the game, opened on the recording."""
    from scaleout_tui.content.errors import LevelError

    try:
        app = make_app()
    except (LevelError, OSError) as e:
        print(f"scaleout: {e}", file=sys.stderr)
        return 1
    app.call_later(app.show_replay, replay, other)
    result = app.run()
    return result if isinstance(result, int) else (app.return_code or 0)
