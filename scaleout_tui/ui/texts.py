"""Every string the game's screens show: titles, labels, key names, help, notices.

Why one module: wording is part of the game (a player learns from it), so it is reviewed
in one place, and a translation can replace this module without touching layout code.
Sentences that come from the simulation (event log lines, debrief sentences) are the
game layer's (``scaleout_tui.game.texts``); this module only frames them.
Templates use ``str.format`` with named fields.
"""

from __future__ import annotations

from scaleout_tui import i18n
from scaleout_tui.i18n import Ctx, Plural

APP_TITLE = "scaleout"
APP_SUBTITLE = "from one box to an autoscaled fleet"

# ---- the campaign as planned (CURRICULUM.md): shown even before a level's file exists -----------
PLANNED_LEVELS: tuple[str, ...] = (
    "Single server",
    "Two tiers",
    "Load balancer + health checks",
    "Session sharing",
    "Shared storage",
    "Master / replica DB",
    "Sharding",
    "Autoscaling",
    "Device ingest tier",
    "Cache tier",
)

# ---- campaign map -------------------------------------------------------------------------------
MAP_TITLE = "Campaign"
#: The key that changes the language: named in the *other* language, so that a player who cannot
#: read this one still finds it.
KEY_LANGUAGE = "한국어"
LANGUAGE_CHANGED = "The game now speaks {name}; your choice is saved."
LANGUAGE_NOT_SAVED = "The game now speaks {name}, but the choice could not be saved."
CMD_LANGUAGE = "Language: {name}"
CMD_LANGUAGE_HELP = "Speak this language from now on (saved with your progress)"
MAP_ROW = "{order}. {title}"
MAP_LOCKED = "locked"
MAP_SOON = "coming soon"
MAP_DETAIL_LOCKED = "Win level {prev} to unlock this one."
MAP_DETAIL_SOON = "This level is not written yet."
MAP_DETAIL_CONCEPTS = "What it teaches"
MAP_DETAIL_PLAYS = "Played {plays}; best {stars}."
NOUN_TIME = Plural("{n} time", "{n} times")
MAP_TOTAL = "{stars} of {max} stars"
STAR_ON = "★"
STAR_OFF = "☆"
LEVELS_BROKEN = "Some level files could not be loaded: {errors}"

# ---- briefing -----------------------------------------------------------------------------------
BRIEFING_HEADING = "Level {order}: {title}"
BRIEFING_SITUATION = "The situation"
BRIEFING_FACTS = "In the real world"
BRIEFING_OBJECTIVES = "Objectives (all must be met to win)"
#: A sandbox's objectives are gauges to watch: its briefing says "nothing to win".
BRIEFING_OBJECTIVES_SANDBOX = "Gauges to watch (targets, not a test)"
BRIEFING_KNOBS = "What you can change"
BRIEFING_DURATION = "The run lasts {clock} of simulated time."
BRIEFING_OBJECTIVE = "{label}: {op} {target}"
BRIEFING_STRETCH = " (★★★ at {op} {stretch})"
BRIEFING_KNOB_NOW = " (now {value})"
BRIEFING_START = "Start (Enter)"
BRIEFING_BACK = "Back (Esc)"

# ---- play ---------------------------------------------------------------------------------------
PANEL_TOPOLOGY = "Topology"
PANEL_GAUGES = "Live (last {span:.0f} s)"
#: The rule under the board when some of it is out of view (a short terminal, a big level).
OVERVIEW_MORE_BELOW = "▼ more below: PgDn or the mouse wheel"
OVERVIEW_MORE_ABOVE = "▲ more above: PgUp or the mouse wheel"
PANEL_CHART_LATENCY = "[yellow]p95[/] ms [red]target[/]"
PANEL_CHART_RPS = "requests/s [cyan]in[/] [green]out[/]"
PANEL_CHART_CPU = "[magenta]CPU %[/] of the busiest box"
PANEL_CHART_CAPACITY = "[bright_blue]desired[/] [green]serving[/] [yellow]booting[/]"
PANEL_SCALING = "Scaling history"
SCALING_NONE = "No capacity change yet."
SCALING_HEADER = "time   size     cause"
SCALING_ROW = "{t}  {old:>2} → {new:<2}  "
SCALING_LAST = "Last scaling {t}: {old} → {new} "
PANEL_POLICY = "Policy"
#: The panel's title once a setting differs from the level's start (in a game, and in a replay).
PANEL_POLICY_CHANGED = "Policy · * changed · [0] reset"
PANEL_POLICY_CHANGED_REPLAY = "Policy · * changed"
PANEL_OBJECTIVES = "Objectives so far"
PANEL_LOG = "Event log"
LOG_EMPTY = "Nothing has happened yet: your changes, resizes and failures will show here."

CLIENTS = "clients"
ARROW = "─▶"
ARROW_SHORT = "▶"
BOX_TYPE = "{itype} · {vcpus} vCPU"
BOX_CPU = "CPU"
BOX_QUEUE = "queue {queue}"
BOX_BUSY = "busy {busy}/{vcpus}"
BOX_QUEUE_SHORT = "q {queue}"
BOX_BUSY_SHORT = "{busy}/{vcpus} busy"
PENDING = "+ {what}"
PENDING_BOX = "{name} ({state})"
FLEET_MORE = "+{n} more, CPU {cpu:.0f}% avg"
TARGETS_MORE = "+{n} more"
SERVICE_LB = "balancer: {algorithm}"
SERVICE_STICKY = ", sticky sessions"
SERVICE_LB_DOWN = " (DOWN)"
SERVICE_CHECK = "health check: {check}"
SERVICE_SESSIONS = "sessions: {store} store, {n:,} logged in"
SERVICE_FILES = "uploaded files: {mode}"
#: The same facts as chips, for a short terminal where each line of the board counts.
SERVICE_LB_SHORT = "LB {algorithm}"
SERVICE_STICKY_SHORT = " sticky"
SERVICE_LB_DOWN_SHORT = " DOWN"
SERVICE_CHECK_SHORT = "{kind} {what} every {every}"
SERVICE_CHECK_L4 = "TCP"
SERVICE_CHECK_L7 = "GET {path}"
SERVICE_THRESHOLDS_SHORT = "out at {out}✗, in at {into}✓"
SERVICE_NO_CHECK = "no health checks"
SERVICE_SESSIONS_SHORT = "{n:,} sessions ({store})"
SERVICE_FILES_SHORT = "files: {mode}"
SERVICE_EVERY = "{s:g} s"
SERVICE_READS = "database reads: {routing}"
SERVICE_SHARD_KEY = "shard key: {key}"
SERVICE_STALE = "stale reads so far: {n:,}"
SERVICE_LOST = "writes lost so far: {n:,}"
SERVICE_READS_SHORT = "reads: {routing}"
SERVICE_SHARD_KEY_SHORT = "shard key: {key}"
SERVICE_STALE_SHORT = "{n:,} stale reads"
SERVICE_LOST_SHORT = "{n:,} writes lost"
SERVICE_REDIRECT = "redirects: {mode}"
SERVICE_PINNED = "{n:,} users pinned to a box"
SERVICE_DIVERGENT = "{n:,} reads from another copy"
SERVICE_REDIRECT_SHORT = "redirect: {mode}"
SERVICE_PINNED_SHORT = "{n:,} pinned"
SERVICE_DIVERGENT_SHORT = "{n:,} split reads"

#: The database column (levels 6-7): a card with a line per box, and a table on tall terminals.
DB_TITLE_REPLICAS = Plural("master + {n} replica", "master + {n} replicas")
DB_TITLE_SHARDS = "{n} shards"
DB_TITLE_SHORT = "db ×{n}"
DB_HEAD_CPU = "CPU"
DB_HEAD_LAG = "lag"
DB_HEAD_SHARE = "inserts"
DB_HEAD_SHARE_SHORT = "ins."
DB_NO_LAG = "–"
DB_ROLE_MASTER = "master"
DB_ROLE_REPLICA = "replica"
DB_ROLE_SHARD = "shard"
DB_TABLE_HEAD = ("database", "role", "box", "CPU", "queue")
DB_TABLE_LAG = "behind the master"
DB_TABLE_SHARE = "share of inserts"

#: The balancer's targets, one row each (tall terminals): the checks behind each mark.
TARGETS_HEAD = (Ctx("a balancer's target", "target"), "box", "balancer", "checks in a row", "last check")
TARGET_PASSED = "{n:,} passed"
TARGET_FAILED = "{n:,} failed"
TARGET_NOT_CHECKED = "–"
#: The TCP balancer's comm servers, one row each (tall terminals, level 9): where the devices'
#: long-lived connections are, and what each server does a second.
COMM_HEAD = ("comm server", "box", "TCP balancer", "connections", "share", "msg/s", "checks/s")

STATES: dict[str, str] = {
    "running": "● running",
    "booting": "◌ booting",
    "stopping": "◐ stopping",
    "stopped": "○ stopped",
    "crashed": "✖ crashed",
    "terminated": "terminated",
}

#: The balancer's view of a box (BoxView.health): a mark for the fleet card, words for a card.
HEALTH: dict[str, tuple[str, str]] = {
    "healthy": ("✓", "in rotation"),
    "unhealthy": ("✗", "out of rotation"),
    "initial": ("…", "not checked yet"),
    "draining": ("↓", "draining"),
}
#: An injected application fault (BoxView.fault), as shown on a box.
FAULTS: dict[str, str] = {"hang": "hangs", "error": "answers 500", "slow": "slow"}

GAUGE_RPS = "RPS"
GAUGE_RPS_VALUE = "{rps_in:,.0f} in · {rps_out:,.0f} out"
GAUGE_LATENCY = "latency"
GAUGE_LATENCY_VALUE = "p50 {p50} · p95 {p95} · p99 {p99}"
GAUGE_ERRORS = "errors"
GAUGE_ERRORS_VALUE = "{pct:.1f} %"
GAUGE_ERRORS_NONE = "none"
GAUGE_INSTANCES = "instances"
GAUGE_INSTANCES_VALUE = "{n} (peak {peak})"
GAUGE_INSTANCES_NOW = "{n}"
GAUGE_COST = "cost"
GAUGE_COST_VALUE = "${cost:,.2f} so far · ${rate:,.3f}/h"
GAUGE_CACHE = "cache"
#: the cache in the last second: the share of reads it answered, how full it is
GAUGE_CACHE_VALUE = "{hit:.0f} % hits · {entries:,}/{capacity:,} keys"
#: what went wrong in the last second, after the value: reads of an out-of-date value, and
#: database loads of a key that was already being loaded (a stampede)
GAUGE_CACHE_STALE = "{n:,} stale"
GAUGE_CACHE_DUPLICATES = "{n:,} duplicate loads"
GAUGE_CACHE_DOWN = "down: every read goes to the database"
#: the device-ingest tier (level 9): devices with a live connection out of all, messages a second
GAUGE_DEVICES = "devices"
GAUGE_DEVICES_VALUE = "{connected:,}/{devices:,} connected · {messages:,.0f} msg/s"
#: messages sent on a connection that was already gone, a second
GAUGE_DEVICES_LOST = "{n:,.0f} lost/s"
#: connect attempts a second (a reconnect storm shows here), and how many failed
GAUGE_CONNECTS = "connects"
GAUGE_CONNECTS_VALUE = "{n:,.0f}/s"
GAUGE_CONNECTS_REFUSED = "{n:,.0f}/s refused"
GAUGE_CONNECTS_TIMEOUTS = "{n:,.0f}/s timed out"
#: each comm server's share of the open connections, in the balancer's order
GAUGE_SHARES = "connections"
GAUGE_SHARE = "{name} {pct:.0f} %"
GAUGE_SHARE_BOOTING = "+{n} booting"
GAUGE_REQUESTS = "requests"
GAUGE_REQUESTS_VALUE = "{arrived:,} arrived · {failed:,} failed"

#: Short error-cause names for the gauges, where the game layer's long ones do not fit.
CAUSES_SHORT: dict[str, str] = {
    "refused": "refused",
    "queue_full": "503 queue full",
    "timeout": "timeout",
    "reset": "reset",
    "db_down": "500 DB down",
    "http_500": "500 app",
    "no_target": "503 no target",
    "lb_down": "LB down",
    "session_lost": "session lost",
    "store_down": "store down",
    "not_found": "404",
}

CLOCK_RUNNING = "▶ {speed}"
CLOCK_PAUSED = "❚❚ paused"
#: Beside "paused" while the clock has not run yet: what Space will do, at which speed.
CLOCK_PAUSED_HINT = "space runs at {speed}"
CLOCK_FINISHED = "■ finished"
CLOCK_TIME = "{now} / {duration}"
CLOCK_LEVEL = "{order}. {title}"
SPEED_NAMES: tuple[str, ...] = ("1×", "10×", "60×", "max")

OBJ_ON_TRACK = "✓"
OBJ_OFF_TRACK = "✗"
#: a line of the objectives panel's tooltip: a short name and the long label it stands for
OBJ_LONG_NAME = "{short}: {label}"

KNOB_INSTANCE = "{name} {vcpus} vCPU ${price:.3f}/h"
KNOB_REFUSED = "Not changed: {reason}"
#: A setting's heading in the policy panel: the focus marker (or its blank), the direct key,
#: the label, and the mark of a value changed from the level's start.
KNOB_FOCUS_MARK = "▶ "
KNOB_NO_FOCUS_MARK = "  "
KNOB_KEY = "[{key}] "
KNOB_CHANGED_MARK = " *"
#: A knob with a short heading: its help line and tooltip start with the long label (issue 14).
KNOB_LONG_FORM = "{label}."
KNOB_LONG_FORM_HELP = "{label}: {help}"
KNOB_RESET_DONE = "Every setting is back to the level's start."
KNOB_RESET_NOTHING = "Every setting is already at the level's start."
KNOB_RESET_PARTLY = "Not every setting went back: {reason}"
CONFIRM_RESET = ("Put every setting back to the level's start now? The clock has run, so each change "
                 "costs what it costs in reality (a resize stops the box).")

# ---- failure drill (the player breaks a box on purpose) ------------------------------------------
DRILL_LABEL = "Break a box"
BRIEFING_DRILL = ("During the run, break a web box yourself (i) and repair it (u), to see how fast the "
                  "health checks notice and what users see meanwhile:")
DRILL_HELP = ("Pick a web box and a failure, then Inject (i); Repair (u) fixes it. Watch how long "
              "the balancer takes to notice, and what the users see meanwhile.")
#: The database levels also offer their database boxes (the master, replicas, shards).
BRIEFING_DRILL_DATABASE = ("During the run, break a box yourself (i), the database ones included, and "
                           "repair it (u): see what the others can still serve, and what is lost:")
DRILL_HELP_DATABASE = ("Pick a box and a failure, then Inject (i); Repair (u) fixes it. Crash a "
                       "database box to see what the others still serve, and what is lost.")
#: The ingest level also offers its comm servers and its TCP balancer nodes.
BRIEFING_DRILL_INGEST = ("During the run, break a box yourself (i), a comm server or a TCP balancer node "
                         "included, and repair it (u): see where the devices reconnect, and how fast:")
DRILL_HELP_INGEST = ("Pick a box and a failure, then Inject (i); Repair (u) fixes it. Crash a comm "
                     "server or the active TCP balancer node to start a reconnect storm.")
DRILL_TARGET_PROMPT = "which box?"
DRILL_INJECT = "Inject (i)"
DRILL_REPAIR = "Repair (u)"
#: How each failure kind reads in the drop-down (short: the column is narrow).
DRILL_KINDS: dict[str, str] = {
    "crash": "crash",
    "hang": "hang",
    "error": "500 errors",
    "slow": "slow",
}
#: What each kind does, for the command palette and tooltips.
DRILL_KIND_HELP: dict[str, str] = {
    "crash": "the box dies: its port closes",
    "hang": "the app hangs: the port stays open, nothing answers",
    "error": "the app answers 500 to everything",
    "slow": "the app runs several times slower",
}
DRILL_NO_TARGET = "Choose a box to break first."
DRILL_NO_KIND = "Choose a kind of failure first."
DRILL_NO_REPAIR_TARGET = "Choose the box to repair first."
DRILL_REFUSED = "Not done: {reason}"
#: A drill happens at once (the board shows it even paused); paused, say how to watch what follows.
DRILL_SENT = "{kind} on {box}: done."
DRILL_SENT_PAUSED = "{kind} on {box}: done. Space runs the clock to see what follows."
DRILL_REPAIR_SENT = "{box} repaired."
DRILL_REPAIR_SENT_PAUSED = "{box} repaired. Space runs the clock to see what follows."

CONFIRM_LEAVE = "Leave this run and go back to the map?"
CONFIRM_QUIT = "Quit the game in the middle of this run?"
#: What happens to the recording of the run being left, as the play screen knows it.
REC_FATE_DISCARDED = "Nothing has run yet, so no recording is kept."
REC_FATE_KEPT = ("The run so far stays recorded, without a result, in {path}: the map's "
                 "Load replay (l) plays it back.")
REC_FATE_NONE = "This run is not being recorded."
CONFIRM_YES = "Yes (y)"
CONFIRM_NO = "No (n)"

# ---- units --------------------------------------------------------------------------------------
MS = "{v:,.0f} ms"
SECONDS_FROM_MS = "{v:,.1f} s"
PCT = "{v:.2f} %"
DOLLARS = "${v:,.2f}"
DOLLARS_PER_HOUR = "${v:,.3f}/h"
RPS = "{v:,.0f} req/s"
COUNT = "{v:,.0f}"
SECONDS = "{v:,.0f} s"
#: a rate of events other than requests (connect attempts a second)
PER_SECOND = "{v:,.0f}/s"

# ---- debrief ------------------------------------------------------------------------------------
DEBRIEF_WON = "Level won"
DEBRIEF_LOST = "Level lost"
#: a sandbox's debrief heading: free play has gauges, nothing to win or lose
DEBRIEF_SANDBOX = "Run over"
DEBRIEF_OBJECTIVES = "Objectives"
DEBRIEF_WHY = "What happened"
DEBRIEF_HINTS = "Hints for the next try"
DEBRIEF_MET = "met"
DEBRIEF_MISSED = "missed"
#: after "met" when the stretch target was met too; the legend under the table says so
DEBRIEF_STRETCH = "★"
DEBRIEF_STRETCH_LEGEND = "stretch target met too (it earns stars)"
DEBRIEF_ROW = "{label}"
DEBRIEF_TARGET = "target {op} {target}"
DEBRIEF_RETRY = "Retry (r)"
DEBRIEF_NEXT = "Next level (n)"
DEBRIEF_MAP = "Map (m)"
DEBRIEF_SAVED = "Progress saved."
DEBRIEF_SAVE_FAILED = "Could not save progress: {error}"
DEBRIEF_UNLOCKED = "Unlocked: {title}"
DEBRIEF_BEST = "A new best for this level."

# ---- too small ----------------------------------------------------------------------------------
TOO_SMALL = "Make the terminal bigger: the game needs {need_w}×{need_h}, this one is {w}×{h}."

# ---- help ---------------------------------------------------------------------------------------
HELP_TITLE = "How to play"
HELP_CLOSE = "Close (Esc)"
HELP_TEXT = """\
## The game

You run a web service. Each level starts with a real scaling problem: the traffic grows, a box
runs out of CPU, a server dies. You watch it happen on a live simulation of every request, then
change the **policy** (the instance size, where the database lives, ...) until the objectives
are met: latency, errors, cost.

A level is won when every objective is met at the end of the run. Stretch targets earn more
stars (★★★). Winning a level unlocks the next one.

## Reading the play screen

- **Topology**: each box with its instance type, state, CPU use and queue. A full CPU bar
  means every core is busy and new requests wait in the queue. Behind a load balancer each
  web box also shows the balancer's view of it: ✓ in rotation, ✗ out of rotation, … not
  checked yet, ↓ draining; a red ! is an app that runs but is broken (hung, failing, slow).
- **Database** (replicas and shards): a line per database box. A replica shows its **lag**,
  how far behind the master it is (green under 100 ms, yellow under 1 s, red above); a
  shard shows its **share of the inserts** so far. Under the diagram: the read routing or
  shard key, stale reads, and writes lost (red: data that is gone for good).
- **Break a box** (some levels): crash, hang or slow down a web box yourself and watch
  whether, and how fast, the health checks take it out of rotation; in the database levels,
  crash a database box and watch what still works.
- **Live**: requests per second in and out, latency percentiles (p95: 95 % of the answered
  requests were faster than this), errors by cause, instances (the boxes you pay for that do
  the work, and those still booting; balancer nodes are counted apart) and cost.
- **Charts**: p95 latency and traffic over the simulated time.
- **Event log**: what happened and when (resizes, crashes, your own changes).
- **Objectives so far**: each objective on the run so far, green when on track.

Changes cost what they cost in reality: resizing a running box stops it for a while. Changing
before the clock starts is free.

## Keys

| key | what it does |
|---|---|
| Space | pause / resume the clock |
| 1-4 | speed 1×, 10×, 60×, as fast as possible; Space runs at the speed chosen (10× at first) |
| a,b,d… | open a setting: the key in brackets beside it, [a] for the first |
| 0 | put every setting back to the level's start (* marks each one changed) |
| Tab | move between the policy settings; ▶ marks the one you are on |
| PgDn/Up | scroll the board above the charts when a rule under it says "more" (PgDn, PgUp) |
| i / u | inject the failure chosen under "Break a box" / repair that box (levels that allow it) |
| r | restart the level, keeping your settings |
| Ctrl+E | export your settings as real configuration: nginx, HAProxy, Kubernetes, AWS |
| Esc | back to the map (asks first) |
| Ctrl+P | command palette: every command by name, every setting ("Set …") |
| F1, ? | this help |
| Ctrl+Q | quit (asks first during a run) |

The settings' keys are the letters in panel order, skipping c i p q r t u (kept for other
commands and for habit); after z come the same letters with Shift (A, B, D …). Retry and
restart keep the settings you chose; 0, or "Reset settings" in the palette, puts them back.

## After a run: the debrief

Each objective against its target, "met ★" where the stretch target was met too, then what
happened and why, in the run's own numbers.

| key | what it does |
|---|---|
| r | try the level again, keeping your settings |
| n | the next level (after a win) |
| w | watch a winning run beside yours: offered after two losses of a level not yet won |
| Ctrl+E | export the settings the run ended with as real configuration files |
| m | back to the map (Esc too) |
"""

# ---- footer and command palette -----------------------------------------------------------------
KEY_HELP = "Help"
KEY_QUIT = "Quit"
KEY_OPEN = "Open"
KEY_PALETTE = "palette"
KEY_PALETTE_TOOLTIP = "Open the command palette"
KEY_START = "Start"
KEY_BACK = "Back"
KEY_PAUSE = "Pause/resume"
KEY_SPEED = "Speed {name}"
KEY_RESTART = "Restart"
KEY_RUN_PAUSE = "Run/pause"
KEY_SPEEDS = "Speed"
KEY_SPEEDS_DISPLAY = "1-4"
KEY_KNOB = "Setting {n}"
KEY_RESET = "Reset settings"
KEY_BOARD_DOWN = "Scroll the board down"
KEY_BOARD_UP = "Scroll the board up"
KEY_MAP = "Map"
KEY_INJECT = "Inject"
KEY_REPAIR = "Repair"
KEY_RETRY = "Retry"
KEY_NEXT = "Next"
KEY_YES = "Yes"
KEY_NO = "No"

CMD_PAUSE = "Pause or resume the clock"
CMD_PAUSE_HELP = "Stop or restart simulated time (Space)"
CMD_SPEED = "Speed: {name}"
CMD_SPEED_HELP = "Run simulated time at {name} (key {key})"
CMD_RESTART = "Restart level"
CMD_RESTART_HELP = "Start this level again from 00:00 with the settings you chose (r)"
CMD_KNOB_OPEN = "Set {label}…"
CMD_KNOB_OPEN_HELP = "Open this setting's choices; now {value} (key {key})"
CMD_KNOB_OPEN_HELP_NO_KEY = "Open this setting's choices; now {value}"
CMD_KNOB_CHOICE = "Set {label} to {choice}"
CMD_KNOB_CHOICE_HELP = "Now {value}"
CMD_RESET = "Reset settings to the level's start"
CMD_RESET_HELP = "Put every setting back to what the level starts with (0)"
CMD_MAP = "Back to the map"
CMD_MAP_HELP = "Leave the current screen for the campaign map"
CMD_INJECT: dict[str, str] = {
    "crash": "Crash {box}",
    "hang": "Hang {box}",
    "error": "Make {box} answer 500",
    "slow": "Slow down {box}",
}
CMD_INJECT_HELP = "Failure drill: {what}"
CMD_REPAIR = "Repair {box}"
CMD_REPAIR_HELP = "Undo a failure on {box}: restart it or fix its app"
CMD_HELP = "Open help"
CMD_HELP_HELP = "Controls and how the game works (F1)"

PROGRESS_NOTICE_TITLE = "Saved progress"

# ---- the sandbox on the campaign map (issue 6) ----------------------------------------------------
MAP_SANDBOX_STATUS = "free play"

# ---- recordings, replays and comparisons (issue 6) -----------------------------------------------
SPEED_PAUSED = "paused"
REC_NOT_RECORDING = "This run is not being recorded: {reason}"
REPLAY_CLOCK = "Replay · {order}. {title} · {file}"
#: the debrief's winning run shown alone (no file: it is made in memory from the level)
REPLAY_WINNING_CLOCK = "Winning run · {order}. {title}"
REPLAY_SEEKING = "⏩ to {t}"
REPLAY_END = "■ end of recording"
REPLAY_AT_END = "The recording ends here ({result}). Press t to take over and play on, or ←/Home to go back."
REPLAY_RESULT_WON = "won {stars}"
REPLAY_RESULT_LOST = "lost"
REPLAY_RESULT_CUT = "cut short"
REPLAY_TOOK_OVER = "You have the controls from {t}. This run is recorded to {path}"
REPLAY_TAKE_OVER_FAILED = "Cannot take over: {reason}"
REPLAY_MISMATCH = "The replay went another way than the recording: {message}"
REPLAY_WAIT_SEEK = "Wait for the seek to finish."
KEY_SCRUB_BOTH = "±30s"
KEY_SCRUB_BOTH_DISPLAY = "←→"
KEY_SCRUB_FORWARD = "+30s"
KEY_SCRUB_BACK_FAR = "−5min"
KEY_SCRUB_FORWARD_FAR = "+5min"
KEY_SCRUB_START = "Start"
KEY_SCRUB_END = "End"
KEY_TAKE_OVER = "Take over"
KEY_COMPARE = "Compare"
KEY_BACK_TO_MAP = "Map"
KEY_LOAD_REPLAY = "Load replay"
PICK_TITLE = "Load a replay"
PICK_TITLE_COMPARE = "Compare with (same level)"
PICK_EMPTY = "No recordings yet: every run you play is recorded to {folder}"
PICK_EMPTY_COMPARE = "No other recording of this level in {folder}"
PICK_ROW = "{name}  ({size})"
PICK_HINT = "↑/↓ choose · Enter open · Esc cancel"
PICK_FAILED = "{reason}"
COMPARE_TITLE = "Compare · {order}. {title}"
COMPARE_RUN_A = "A {file} (seed {seed})"
COMPARE_RUN_B = "B {file} (seed {seed})"
#: the charts' titles; the legend after each names run A and run B with the glyph each is drawn with
#: (the latency unit is in the target's label, "target 300 ms": so the legend fits 80 columns)
PANEL_COMPARE_LATENCY = "p95 latency"
PANEL_COMPARE_SERVED = "served (req/s)"
PANEL_COMPARE_CPU = "busiest CPU (%)"
SERIES_COMPARE_A = "A"
SERIES_COMPARE_B = "B"
PANEL_COMPARE_OBJECTIVES = "Objectives now"
PANEL_COMPARE_COMMANDS = "Settings that differ, commands"
COMPARE_COLUMNS = ("objective", "target", "A", "B")
COMPARE_NO_COMMANDS = "(none)"
COMPARE_COMMAND = "{t} {what}"
COMPARE_START = "start · {what}"
#: A setting in a comparison's list of commands: its label and the choice in words.
COMPARE_SETTING = "{label}: {value}"
#: A recorded command this game does not know (a newer recording): as recorded.
COMPARE_UNKNOWN = "{name}={value}"

# ---- watching a winning run after two losses (debrief → compare) ---------------------------------
DEBRIEF_WATCH = "Watch a winning run (w)"
KEY_WATCH = "Watch a winning run"
#: a line in the debrief's text when the offer stands (lost twice, never won, a solution exists)
DEBRIEF_WATCH_HINT = "Stuck? Press w to watch a winning run beside yours."
#: the runs above the charts of the compare screen opened from the debrief (not file names)
COMPARE_RUN_YOURS = "A your run (seed {seed})"
COMPARE_RUN_WINNING = "B winning run (reference solution, seed {seed})"
WATCH_NO_SOLUTION = "There is no winning run to show for this level."
WATCH_BROKEN_SOLUTION = "The winning run cannot be shown: {reason}"
WATCH_NOT_RECORDED = "this run was not recorded"
WATCH_ALONE = "Your run cannot be shown beside it ({reason}): here is the winning run alone."

#: an objective's target with its unit (``fmt.target``): ``{n}`` is the number as the level wrote it
TARGET_UNITS: dict[str, str] = {
    "ms": "{n} ms",
    "pct": "{n} %",
    "dollars": "${n}",
    "dollars_per_hour": "${n}/h",
    "rps": "{n} req/s",
    "seconds": "{n} s",
    "per_second": "{n}/s",
    "count": "{n}",
}

# ---- charts that explain themselves; the evening before it starts (issue 14) ----------------
CHART_LATENCY = "Latency"
CHART_RPS = "Requests/s"
CHART_CPU = "CPU"
CHART_CAPACITY = "Web boxes"
#: the ingest tier's connect attempts a second, and those refused or timed out (level 9)
CHART_CONNECTS = "Connects/s"
SERIES_ATTEMPTS = "attempts"
SERIES_FAILED_CONNECTS = "refused or timed out"
SERIES_P95 = "p95 ms"
SERIES_TARGET = "target {value} ms"
#: where "target 300 ms" does not fit the legend (80×24): the axis labels the line with its number
SERIES_TARGET_SHORT = "target"
SERIES_IN = "offered"
SERIES_OUT = "served"
SERIES_PLAN = "plan"
SERIES_CAPACITY = "carries ≈{rps}/s (est.)"
#: where that does not fit the legend; the event log's preamble says it in full
SERIES_CAPACITY_SHORT = "max ≈{rps}/s"
#: The same on the briefing, whose chart has no title with the unit (issue 14).
SERIES_PLAN_UNIT = "planned requests/s"
SERIES_CAPACITY_UNIT = "carries ≈{rps} requests/s (est.)"
SERIES_CPU = "busiest box %"
SERIES_DESIRED = "desired"
SERIES_SERVING = "serving"
SERIES_BOOTING = "booting"
#: the name of each kind of event marker, in a chart's legend
MARKER_NAMES = {
    "failure": "failure",
    "out_of_rotation": "out of rotation",
    "failover": "failover",
    "scale_out": "scale-out",
    "scale_in": "scale-in",
    "scheduled": "scheduled",
    "setting": "setting",
}
PANEL_PREVIEW = "The evening ahead"
#: the preview's numbers, one line each (the briefing; the paused play screen's log before 00:01)
PREVIEW_PEAK = "Peak: {peak} requests/s at {at}"
PREVIEW_VCPU = "One vCPU carries ≈{per_vcpu} requests/s ({work} ms of CPU a request)"
PREVIEW_BOX = "One {itype} box ({vcpus} vCPU) carries ≈{per_box} requests/s"
PREVIEW_CAPACITY = "This set-up carries ≈{capacity} requests/s: {verdict}"
PREVIEW_FITS = "the peak fits"
PREVIEW_SHORT = "the peak needs {times}× that"
PREVIEW_DB = " (the database box ≈{db}/s)"
PREVIEW_COST = "Cost of the evening: ≈${cost} ({boxes} at ${rate}/h in all, for {hours} h)"
#: the noun after a count of boxes, one and many (``game.texts.plural``)
NOUN_BOX = Plural("{n} box", "{n} boxes")
NOUN_COMM_SERVER = Plural("{n} comm server", "{n} comm servers")
#: the ingest level: the devices' load, what the comm servers carry, and with one of them down
PREVIEW_DEVICES = ("{devices} devices send ≈{readings} readings/s; {servers} carry ≈{carry}/s, "
                   "≈{one_down}/s with one down: {verdict}")
PREVIEW_DEVICES_FITS = "the rest carry the fleet"
PREVIEW_DEVICES_SHORT = "one failure is more than the rest can carry"
PREVIEW_NOTE = "Rough estimates from the level data: at 100 % CPU, no queueing margin."


# ---- the design as production configuration: the export dialog (issue 17) ----------------------
KEY_EXPORT = "Export"
CMD_EXPORT = "Export configuration…"
CMD_EXPORT_HELP = "Write these settings as real configuration files: nginx, HAProxy, Kubernetes, AWS (Ctrl+E)"
EXPORT_TITLE = "Export the configuration"
EXPORT_FORMAT = "Format"
#: each format's line in the list, by the name ``scaleout export --to`` takes (a format without one
#: shows its name alone)
EXPORT_FORMATS: dict[str, str] = {
    "nginx": "nginx.conf: upstream, balancing method, checks",
    "haproxy": "haproxy.cfg: backend, balance algorithm, checks",
    "kubernetes": "YAML: Deployment, Service, probes, autoscaler",
    "aws-cloudformation": "a template: ELB, target group, Auto Scaling",
}
EXPORT_NO_FORMATS = "No format can be written yet."
EXPORT_FOLDER = "Folder"
EXPORT_FOLDER_HINT = ("Relative to where the game was started; made if missing. Files of the same "
                      "names in it are replaced.")
EXPORT_OK = "Export (Enter)"
EXPORT_CANCEL = "Cancel (Esc)"
#: the notice after an export: the folder, how many files, and the README to start from
EXPORT_DONE = "{files} written to {folder}. Start with {readme}"
NOUN_FILE = Plural("{n} file", "{n} files")
EXPORT_NO_FOLDER = "Type the folder to write the files into."
EXPORT_WRITE_FAILED = "Could not write {path}: {reason}"
EXPORT_DESIGN_FAILED = "These settings cannot be exported: {reason}"
#: a writer that failed on this design (a bug of the game, said rather than ending the run)
EXPORT_FORMAT_FAILED = "The {format} export failed on these settings: {reason}"


i18n.translatable(globals())
