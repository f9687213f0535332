"""Every sentence the command line and the content checker show a person.

Why one module: the wording of an error is part of the interface (graders and players read it),
so it should be reviewed in one place, and a translation can replace this module wholesale
without touching logic. Templates use ``str.format`` with named fields.

Two things stay outside: argparse's own words ("usage:", "error:"), which it translates through
gettext, and msgspec's validation messages that have no rewrite rule in
``scaleout_tui.content.decode`` (they are passed through as the library wrote them).
"""

from __future__ import annotations

from scaleout_tui import i18n
from scaleout_tui.i18n import Ctx, Plural


def plural(n: int | float | str, form: Plural) -> str:
    """``1 setting`` / ``2 settings`` / ``설정 2개``: a counted noun, through gettext's plural
    forms (:func:`scaleout_tui.i18n.plural`)."""
    return i18n.plural(n, form)


#: nouns counted with :func:`plural`
NOUN_SETTING = Plural("{n} setting", "{n} settings")
NOUN_INSTANCE = Plural("{n} instance", "{n} instances")
NOUN_ITEM = Plural("{n} item", "{n} items")
NOUN_JUNK_LINE = Plural("{n} junk line", "{n} junk lines")


# ---- command line: help ------------------------------------------------------------------------
PROG_DESCRIPTION = "A terminal game about scaling a web service out."
HELP_VERSION = "show the version and exit"
HELP_LANG = "the language to speak: ko (한국어) or en (English); default: the language chosen in the " \
            "game, else LC_ALL, LC_MESSAGES or LANG, else English"
HELP_COMMANDS = "commands"
CATALOG_BROKEN = "warning: the translation could not be read, so the game speaks English: {problem}"
BAD_LANG = "unknown language {arg!r}; the game speaks {known}"
HELP_PLAY = "start the game (the default)"
HELP_LEVELS = "list every playable id: the campaign's levels, the sandboxes and the scenarios"
HELP_KNOBS = "list a level's settings: id, label, choices (in words and as ids), default, unit"
HELP_KNOBS_LEVEL = "a level id such as 01-single-server, a sandbox or scenario id, or a path to a level file"
HELP_KNOBS_JSON = "print the settings as JSON"
HELP_VALIDATE = "check level files and report every problem"
HELP_VALIDATE_PATHS = "level files (.toml), or folders holding them"
HELP_RUN = "play a level to its end without a screen and report"
HELP_RUN_LEVEL = "a level id such as 01-single-server or sandbox (`scaleout levels` lists them all), or a " \
                 "path to a level file"
HELP_RUN_SEED = "random seed; the same seed and policy give the same run (default: 1)"
#: The example of ``--set`` in the help: a real setting of a real level (a test checks it).
HELP_RUN_SET_EXAMPLE = ("01-single-server", "size", "m5.xlarge")
HELP_RUN_SET = "set a setting before the start, e.g. `scaleout run {level} --set {knob}={value}` " \
               "(repeatable; `scaleout knobs LEVEL` lists a level's settings and their choices)"
HELP_RUN_POLICY = "a TOML file of knob values and timed changes"
HELP_RUN_JSON = "print the full report as JSON"

#: argparse's own words (Python 3.11), translated through the game's catalog (cli.choose_language)
ARGPARSE_WORDS = (
    "usage: ",
    "options",
    "positional arguments",
    "show this help message and exit",
    "show program's version number and exit",
    "the following arguments are required: %s",
    "%(prog)s: error: %(message)s\n",
    "unrecognized arguments: %s",
    "invalid choice: %(value)r (choose from %(choices)s)",
    "expected one argument",
    "argument %(argument_name)s: %(message)s",
    "ambiguous option: %(option)s could match %(matches)s",
    "invalid %(type)s value: %(value)r",
    "not allowed with argument %s",
)

# ---- command line: messages ---------------------------------------------------------------------
VERSION = "scaleout {version}"
VALID = "ok  {path}"
NO_LEVELS = "no levels found in {path}"
LEVEL_LINE = "{id}  {title} — {subtitle}"
LEVELS_CAMPAIGN = "Campaign levels:"
LEVELS_EXTRA = "Sandboxes and scenarios (free play, outside the campaign):"
LEVELS_INDENT = "  "
LEVEL_ALIAS = " (also `{alias}`)"
#: ``scaleout knobs LEVEL``: a heading, then a block per setting.
KNOBS_HEAD = "{id}: {title} — {settings}; set one with `scaleout run {id} --set ID=VALUE`"
KNOB_LINE = "{id}  {label}"
KNOB_DEFAULT = "    default: {value}"
KNOB_UNIT = "    unit: {unit}"
KNOB_CHOICES = "    choices: {choices}"
#: A choice in a list: its id, and its words when they differ (``least_conn (Least connections)``).
CHOICE_ID_WORDS = "{id} ({words})"
#: ``--set`` refused (the level is known by then): what the player can type instead.
SET_UNKNOWN = "error: {level} has no setting {knob!r}; its settings: {known} (`scaleout knobs {level}` " \
              "describes them)"
SET_BAD_VALUE = "error: {label} ({knob}): {value!r} is not one of its choices: {choices}"
BAD_SET = "--set wants ID=VALUE (a setting's id and one of its choices), got {arg!r}"
BAD_SEED = "a seed is a whole number from 0 up, got {arg!r}"
NO_UI = "the game screen is not available in this install ({name} is missing); " \
        "`scaleout levels` and `scaleout run` still work"
NO_HEADLESS = "headless play is not available in this install ({name} is missing)"
RUN_REFUSED = "error: {reason}"
INTERNAL = "unexpected error (a bug in scaleout; please report it): {kind}: {reason}"

# ---- command line: the short report of `scaleout run` ------------------------------------------
RUN_WON = "{level} (seed {seed}): WON  {stars}"
RUN_LOST = "{level} (seed {seed}): LOST"
#: a sandbox is free play: its objectives are gauges (as the game's briefing and debrief say)
RUN_SANDBOX = "{level} (seed {seed}): run over (free play: the targets are gauges, not a test)"
RUN_INCOMPLETE = ("{level} (seed {seed}): INCOMPLETE (the recording stops before the level's end: "
                  "neither won nor lost)")
RUN_OBJECTIVE = "  {mark} {label}: {value} (target {op} {target}{stretch})"
RUN_STRETCH = ", stretch {op} {stretch}"
RUN_MET = "✓"
RUN_MISSED = "✗"
RUN_LATENCY = "  latency: p50 {p50}, p95 {p95}, p99 {p99} (mean {mean})"
RUN_REQUESTS = "  requests: {requests} arrived, {completed} completed"
RUN_ERRORS = "  errors:"
RUN_ERROR_ITEM = "    {count}  {cause}"
RUN_NO_ERRORS = "  errors: none"
RUN_COST = "  cost: {cost} (peak {peak}, {throughput} served)"
STAR_ON = "★"
STAR_OFF = "☆"

# ---- command line: progress of a long headless run (on stderr) ----------------------------------
PROGRESS_RUN = "{level}  {bar} {pct:3d} %  simulated {done} of {total}  ({wall} so far)"
PROGRESS_GRADE = "{level}  {bar} {pct:3d} %  {done} of {total} runs done  ({wall} so far)"
PROGRESS_WALL = "{s:.0f} s"

# ---- content files: reading and syntax ----------------------------------------------------------
NO_SUCH_FILE = "no such file"
NOT_A_FILE = "not a regular file"
EMPTY_FOLDER = "this folder holds no .toml files"
UNREADABLE = "cannot read the file ({reason})"
TOO_LARGE = "the file is too large ({size} bytes; at most {limit} bytes are read)"
NOT_UTF8 = "not UTF-8 text (byte 0x{byte:02x} at offset {offset})"
BAD_TOML = "invalid TOML: {reason}"
TOO_DEEP = "invalid TOML: values are nested too deeply"
HUGE_INT = "invalid TOML: an integer has more than 4300 digits"
NOT_A_TABLE = "the document must be a TOML table"
UNKNOWN_LEVEL = "no level with this id; known levels: {known}"
UNKNOWN_LEVEL_NONE = "no level with this id, and no levels are installed in {path}"

# ---- content files: the format version ----------------------------------------------------------
FORMAT_MISSING = "missing: a {what} file starts with `format = {version}`"
FORMAT_NOT_INT = "must be a whole number such as {version}, got {got}"
FORMAT_NEWER = "made for a newer scaleout (format {got}); this version reads format {version}"
FORMAT_UNKNOWN = "unknown format {got}; this version reads format {version}"

# ---- content files: schema (rewritten msgspec messages) ----------------------------------------
UNKNOWN_KEY = "unknown key"
UNKNOWN_KEY_HINT = "unknown key (did you mean `{hint}`?)"
UNKNOWN_KEY_TOP = "unknown key here: `{key}` is a top-level key, and TOML puts every key after " \
                  "a [table] header into that table; move it above the first header"
MISSING_KEY = "required key is missing"
WRONG_TYPE = "expected {expected}, got {got}"
AT_LEAST = "must be at least {bound} (got {got})"
AT_MOST = "must be at most {bound} (got {got})"
ABOVE = "must be greater than {bound} (got {got})"
BELOW = "must be less than {bound} (got {got})"
NOT_FINITE = "must be a finite number (got {got})"
OUT_OF_RANGE = "the number is far out of range (got {got})"
MIN_ITEMS = "must have at least {items}"
EXACT_ITEMS = "must have exactly {n} items (got {got})"
NOT_EMPTY = "must not be empty"
NOT_BLANK = "must not be blank"
BAD_LEVEL_ID = "must look like `01-single-server`: two digits, a dash, then a-z, 0-9 and dashes (got {got})"
BAD_NAME = "must start with a letter and hold only a-z, 0-9 and _ (got {got})"
BAD_PATTERN = "does not match the pattern {pattern} (got {got})"
TYPE_NAMES: dict[str, str] = {
    "int": "a whole number",
    "float": "a number",
    "str": "a string",
    "bool": "true or false",
    "array": "a list",
    "list": "a list",
    "dict": "a table",
    "object": "a table",
    "null": "nothing",
    "datetime": "a date-time",
    "date": "a date",
    "time": "a time",
}

# ---- content files: meaning (semantic checks) ---------------------------------------------------
ID_NOT_STEM = "must equal the file name {stem!r} (got {got!r})"
NOT_ONE_OF = "{got!r} is not one of: {allowed}"
UNATTAINABLE_BELOW_ZERO = "{op} {bound} cannot be met: this metric is never below 0, so no run could win"
UNATTAINABLE_ABOVE_100 = "{op} {bound} cannot be met: this share is never above 100 %, so no run could win"
TOO_MANY_TICKS = ("{ticks} ticks over the run, more than the engine runs in a few minutes ({most}): "
                  "a longer tick_s or a shorter run")
TOO_MANY_PER_TICK = ("a peak of about {peak} requests/s with its spikes is {per_tick} arrivals in one tick, "
                     "more than the engine holds at once ({most}): a lower rate or a shorter tick_s")
TOO_MANY_REQUESTS = ("up to {total} requests over the run (the peak held throughout), more than the engine "
                     "runs in a few minutes ({most}): a lower rate or a shorter run")
TRACE_TOO_LONG = ("--compress {k} stretches the trace's {n} seconds to {seconds}, more than a series may "
                  "hold ({most} seconds)")
TRACE_TOO_FAST = ("--scale {x} makes a peak of {peak} requests/s, more than a series may hold ({most} "
                  "requests/s)")
CONTROL_CHARACTER = "holds the control character {code}; text may not carry terminal escapes"
NOT_A_TYPE = "{got!r} is not an instance type in the catalog; known types: {allowed}"
DUPLICATE = "{got!r} is used twice (first at {first})"
CURVE_START = "the first point must be at time 0 (got {got})"
CURVE_ORDER = "time must increase (got {got} after {before})"
AFTER_END = "at {got} s is after the level ends ({end} s)"
DANGLING_BOX = "{got!r} names no box of this level; a target is one of: {what}"
KNOB_TWICE = "{param} is already set by knob {other!r}"
LABEL_NEEDS_SHORT = "is {n} cells wide: the settings panel shows {max} at 80 columns, so give the " \
                    "knob a short_label of at most {max} (the label stays its long form)"
OBJECTIVE_LABEL_NEEDS_SHORT = "is {n} cells wide: the objectives panel shows {max} at 80 columns, " \
                              "so give the objective a short_label of at most {max} " \
                              "(the label stays its long form)"
#: Widths are terminal cells: a Hangul syllable takes two.
SHORT_LABEL_TOO_LONG = "is {n} cells wide; the panel shows {max} at 80 columns (a Hangul syllable " \
                       "takes two cells)"
# ---- level files: their translations (content.translations) -------------------------------------
TRANSLATION_NOT_IN = "no {lang} translation in {catalog}"
TRANSLATION_NO_CATALOG = "no {lang} catalog"
CATALOGS_USAGE = "usage: python -m scaleout_tui.catalogs [update|check]"
TRANSLATION_MISSING = "the translation is empty"
TRANSLATION_FUZZY = "the translation is marked fuzzy: the English changed since; check it and drop the flag"
TRANSLATION_PLACEHOLDERS = "placeholders differ: the English has {english}, the translation {translated}"
TRANSLATION_MARKUP = "markup differs: the English has {english}, the translation {translated}"
TRANSLATION_NEWLINES = "the translation must start and end with a line break where the English does"
TRANSLATION_UNREADABLE = "not a readable translation catalog: {reason}"
SHORT_LABEL_NOT_SHORTER = "must be shorter than the label (otherwise leave it out)"
KNOB_DEFAULT_MISMATCH = "default {got!r} differs from the start setup ({field} = {start}); " \
                        "the level would start on a different setup than it says"
KNOB_NEEDS = "{param} needs {tables} in this level"
LIST_AND = " and "
BAD_CHOICE = "knob {knob!r} ({param}): {got!r} {reason}"
CHOICE_WORDS = "is not one of: {allowed}"
CHOICE_WHOLE = "is not a whole number from {lo} to {hi}"
CHOICE_NUMBER = "is not a number from {lo} to {hi}"
HEALTH_WITHOUT_BALANCER = "health checks need a [balancer] table: the balancer is what runs them"
NEEDS_TWO_TIER = "[{table}] needs a two-tier layout (topology.layout = 'two-tier', or a layout knob " \
                 "offering it): {why}"
REPLICAS_NEED_DB_BOX = "replicas copy a database box of its own"
SHARDS_NEED_DB_BOX = "shards are database boxes of their own"
CACHE_NEEDS_DB_BOX = "the cache sits in front of a database box of its own"
INGEST_NEEDS_DB_BOX = "every device reading is written to a database box of its own"
CHOICE_AGE = "is not '{off}' or a number of seconds from {lo} up"
FAULT_ON_INGEST = "a {kind!r} fault needs an app that answers web requests: {target!r} (the ingest " \
                  "tier) can only crash"
SHARDING_AND_REPLICATION = "[sharding] and [replication] cannot be combined in format 1; a level uses one " \
                           "or the other"
CHOICE_SCHEDULE = "is not '{none}', DESIRED@AT or DESIRED@AT-UNTIL (DESIRED a whole number from {lo} to " \
                  "{hi}, AT and UNTIL seconds from 0 to {end}, UNTIL after AT; e.g. '6@1200' or " \
                  "'6@1200-1800')"
SCHEDULE_AFTER_END = "is at {got} s, after the level ends ({end} s)"
ASG_WITHOUT_BALANCER = "[autoscaling] needs a [balancer] table: instances join and leave the group through " \
                       "the balancer"
ASG_MIN_ABOVE_MAX = "min_size {lo} is above max_size {hi}"
ASG_DESIRED_OUTSIDE = "desired {got} is outside min_size..max_size ({lo}..{hi})"
ASG_WEB_COUNT = "desired {got} differs from topology.web_count ({count}): the group starts with the web " \
                "boxes the level starts with"
ASG_SCALE_IN = "{field} {got} must be below {out_field} ({out}): otherwise one reading can call " \
               "for both"
ASG_DATAPOINTS = "must be at most evaluation_periods ({n}) (got {got}): the alarm counts breaching " \
                 "datapoints among the last evaluation_periods"
ASG_BOOT = "must be at least boot_min_s ({lo}) (got {got})"
ASG_PERIOD = "CloudWatch alarms take a period of 10, 20 or 30 s or a whole number of minutes (got {got})"
ASG_STEPS_ORDER = "breach must increase (got {got} after {before})"
ASG_SCHEDULED_NO_SIZE = "a scheduled action sets at least one of min_size, max_size, desired"
ASG_SCHEDULED_MIN_ABOVE_MAX = "leaves min_size {lo} above max_size {hi}"
ASG_SCHEDULED_DESIRED = "desired {got} is outside min_size..max_size ({lo}..{hi}) at {at} s"
ASG_SCHEDULED_UNTIL = "ends at {got} s, not after it starts ({at} s)"
ASG_SCHEDULED_UNTIL_NO_LIMIT = "an action that ends (until) sets min_size or max_size: its end puts them back"
ASG_WEB_COUNT_KNOB = "web.count cannot be a knob with [autoscaling]: the group sets the count (use " \
                     "asg.desired)"
LOAD_TESTS_SPIKE = "a spike never comes with [[load_tests]]: load tests replace the open traffic"
FAULT_ON_BALANCER = "a balancer node has no app to {kind}: it can only crash (target {target!r})"
FACTOR_NOT_SLOW = "only a 'slow' event reads factor (this one is {kind!r})"
GOTCHA_NEEDS_APP = "a {kind!r} event needs an [app] table (how the app builds redirects and what a clone " \
    "talks to)"
CLONE_NEEDS_TWO_TIER = "a 'clone' event needs a two-tier layout: with one box there is no shared database " \
    "for the clone to miss"
STRETCH_LOOSER = "stretch {stretch} must be at least as strict as target {target} (op {op})"
UNKNOWN_KNOB = "this level has no knob {got!r}; its knobs: {allowed}"
BAD_KNOB_VALUE = "{got!r} is not one of this knob's choices: {allowed}"
KNOB_VALUE_TYPE = "a knob value must be a string, got {got}"
NOT_IN_CATALOG = "instance type {got!r} is missing from the catalog in use"

# ---- traffic: rate series, access-log import, the scenario library (issue 6) -------------------
HELP_TRACE = "import access logs as traffic, and list the traffic scenarios"
HELP_TRACE_IMPORT = "read an nginx/Apache access log (combined or common format; gzip or bzip2 " \
                    "welcome) and write its requests per second as a rate series"
HELP_TRACE_FILE = "the access log"
HELP_TRACE_OUT = "the rate series to write (scaleout-rate format, see docs/level-format.md)"
HELP_TRACE_SCALE = "multiply every rate by X (default: 1)"
HELP_TRACE_COMPRESS = "play K seconds of the log in one second, at the mean rate of the K (default: 1)"
HELP_TRACE_LIST = "list the named traffic scenarios levels and the sandbox can use"
BAD_POSITIVE = "wants a positive number, got {arg!r}"
TRACE_PROGRESS = "reading {name}"
TRACE_WROTE = "wrote {out}: {seconds:,} s, {requests:,} requests from {lines:,} lines, " \
              "mean {mean:.3g} req/s, peak {peak:.3g} req/s"
TRACE_JUNK = "{path}:{line}: junk line skipped (not a combined or common log line)"
TRACE_JUNK_TOTAL = "{path}: {junk} skipped of {lines:,}"
TRACE_CANNOT_WRITE = "cannot write the series ({reason})"
SCENARIO_LINE = "{name}  {description}"
SERIES_MAGIC = "not a rate series: the first line must be '{magic} {version}'"
SERIES_VERSION = "rate series format {got!r}; this version reads format {version}"
SERIES_BAD_VALUE = "{got!r} is not a request count (a number from 0 to {most})"
SERIES_TOO_LONG = "a rate series holds at most {most:,} seconds"
SERIES_EMPTY = "the rate series has no seconds"
SERIES_NOTE_START = "start: {start}"
SERIES_NOTE_SOURCE = "source: {source}, {lines} lines, {junk} junk"
LOG_NO_REQUESTS = "no request lines found ({lines} lines, {junk} junk): nothing to import"
LOG_TOO_LONG = "the log spans {days:.1f} days; a rate series holds at most {most} days"
LOG_NOT_REGULAR = "not a regular file (a {kind}): only a log file on disk can be imported"
LOG_TOO_BIG = "the log is too large (over {limit:,} bytes once decompressed): import a part of it"
LOG_TOO_MANY_LINES = "the log has over {limit:,} lines: import a part of it"
LOG_BOMB = "the archive decompresses to over {ratio} times its size ({out:,} bytes from {packed:,}): " \
    "not a log, refused"
UNKNOWN_SCENARIO = "no traffic scenario {got!r}; the library has: {allowed}"
SCENARIO_SHAPE_OR_SERIES = "a scenario has a shape or a series, exactly one of them"
SCENARIO_SHAPE_START = "the shape starts at 0 s (got {got})"
SERIES_PROBLEM = "{problem}"
CURVE_OR_SERIES = "traffic needs a curve (at least one point) or a [traffic.series], exactly one of them"
SCENARIO_WITH_LOAD_TESTS = "a scenario shapes the open traffic, which [[load_tests]] replace"
SCENARIO_KNOB_DEFAULT = "must equal traffic.scenario ({start!r}; 'steady' when not set), got {got!r}"
TRACE_DESCRIPTION = "imported trace {path}: {seconds:,} s, mean {mean:.3g} req/s, peak {peak:.3g} req/s"
TRACES_FOLDER = "imported traces: any NAME.rate in {path} is a scenario too"

# ---- recordings, replays and grading (issue 6) ---------------------------------------------------
HELP_RUN_RECORD = "write the run as a recording (JSON Lines) to FILE"
HELP_RUN_REPLAY = "replay a recording instead of a level, check every checksum and the report"
HELP_RUN_SEEDS = "grade: run these seeds (e.g. 1-20 or 1,3,5) in parallel and print a summary"
HELP_RUN_JOBS = "grade with at most N worker processes (default: one per CPU core)"
HELP_REPLAY = "open a recording in the game's replay screen"
HELP_REPLAY_FILE = "a recording written by the game or by `scaleout run --record`"
HELP_REPLAY_COMPARE = "a second recording of the same level to compare with"
BAD_SEEDS = "{arg!r} is not a seed list: use a range such as 1-20 or a list such as 1,3,5 " \
            "(seeds are whole numbers from 0)"
BAD_JOBS = "{arg!r} is not a number of workers (a whole number from 1)"
RUN_NEEDS_LEVEL = "give a LEVEL, or --replay FILE"
RUN_REPLAY_AND_LEVEL = "--replay plays the recording's own level: give LEVEL or --replay, not both"
RUN_REPLAY_OPTIONS = "--replay takes only --json: the recording fixes the level, seed and commands"
RUN_SEEDS_AND = "--seeds grades many runs: it cannot be combined with {option}"
REC_CANNOT_READ = "{path}: cannot read the recording ({reason})"
REC_CANNOT_WRITE = "{path}: cannot write the recording ({reason})"
#: An output that is an input of the same command (issue: no command destroys a user's file).
OUT_IS_INPUT = "{option} {out} is the {what} {path}: writing it would destroy it; write to another file"
WHAT_LEVEL = "level file"
WHAT_POLICY = "policy file"
WHAT_LOG = "access log"
REC_NO_FOLDER = "{path}: cannot write the recording (no folder {folder}; create it first)"
#: Ctrl+C: any command ends with this one line and exit code 130.
INTERRUPTED = "scaleout: interrupted"
REC_EMPTY = "{path}: empty file, not a recording"
REC_NOT_A_FILE = "{path}: not a regular file, so not a recording"
REC_TOO_BIG = "{path}: {size:,} bytes, more than a recording can be ({limit:,} bytes)"
REC_TOO_DEEP = "nested too deeply to be a line of a recording"
REC_NOT_JSON = "{path}:{line}: not a JSON object ({reason})"
REC_FIELD = "{path}:{line}: {field}: {reason}"
REC_FIRST_NOT_HEADER = "{path}:1: the first line must be the header (type 'header'), found {got!r}"
REC_SECOND_HEADER = "{path}:{line}: a second header: one recording holds one run"
REC_AFTER_REPORT = "{path}:{line}: a line after the final report"
REC_FUTURE_FORMAT = "{path}:1: format: recording format {got} is newer than this game reads ({known}); " \
                    "update scaleout to replay it"
REC_OLD_FORMAT = "{path}:1: format: recording format {got} is not one this game reads ({known})"
REC_OTHER_GAME = "{path}:1: game: recorded by scaleout {got}, this is scaleout {have}; the simulation " \
                 "may differ, so it is not replayed"
REC_LEVEL_CHANGED = "{path}:1: level_sha256: the level file {level} has changed since the recording " \
                    "was made, so it is not replayed"
REC_NO_LEVEL = "{path}:1: level: {reason}"
REC_CUT = "{path}:{line}: last line cut short; {kept} lines kept"
REC_TIME_BACKWARDS = "{path}:{line}: t: {t} is before the line above ({before})"
REC_COMMAND_REFUSED = "{path}:{line}: the recorded command {name}={value!r} was refused on replay: {reason}"
REC_CHECKSUM = "{path}:{line}: checksum differs at t={t}: the replay went another way"
REC_CHECKPOINT_MISSED = "{path}:{line}: no tick ended at t={t}: the replay went another way"
REC_REPORT_DIFFERS = "{path}:{line}: the replayed report differs from the recorded one at {where}"
REC_NO_REPORT = "{path}: no final report (the run was stopped early); replayed to t={t} and checked " \
                "{checks} checksums"
REC_REPLAYED = "{path}: replayed {commands} commands, {checks} checksums match, the report matches"
GRADE_HEAD = "{level}: {runs} seeds ({seeds}), policy {policy}: {wins} won"
GRADE_HEAD_SANDBOX = "{level}: {runs} seeds ({seeds}), policy {policy}: free play, the gauges below"
GRADE_COLUMNS = ("objective", "target", "median", "worst", "met")
GRADE_NO_POLICY = "none"
GRADE_RUN_FAILED = "seed {seed}: {reason}"

# ---- play in a browser (scaleout serve) ---------------------------------------------------------
HELP_SERVE = "serve the game to web browsers, one game per browser tab (no password: see --host)"
HELP_SERVE_HOST = "address to listen on (default: 127.0.0.1, this machine only; 0.0.0.0 opens it " \
                  "to every network this machine is on)"
HELP_SERVE_PORT = "port to listen on (default: 8000)"
BAD_PORT = "a port is a whole number from 1 to 65535, got {arg!r}"
SERVE_TITLE = "scaleout"
SERVE_LISTENING = "scaleout: serving the game on {url} (open it in a browser; Ctrl+C stops)"
SERVE_EXPOSED = "warning: listening on {host}, so anyone who can reach this machine on port {port} " \
                "can play, with no password, and each browser tab starts a game process here; " \
                "--host 127.0.0.1 keeps it to this machine"
SERVE_CANNOT_LISTEN = "cannot listen on {host} port {port}: {reason}"
NO_SERVE = "playing in a browser is not available in this install ({name} is missing)"

# ---- serve (issue 15) ----
HELP_SERVE_ALLOW_ORIGIN = "also accept browser pages from this origin (scheme://host[:port], e.g. " \
                          "http://teacher-laptop.local:8000, the address students type); repeatable. " \
                          "By default only pages served by this server itself may open a game"
BAD_HOST = "--host needs an address, such as 127.0.0.1 or 0.0.0.0 (got {arg!r})"
BAD_ORIGIN = "--allow-origin takes an origin such as http://teacher.example:8000: http or https, a " \
             "host, an optional port, nothing after it (got {arg!r})"
#: The answer (HTTP 403) to a websocket opened by a page from another site.
SERVE_FOREIGN_ORIGIN = "refused: this game only opens for pages served by this server (Origin {origin}); " \
                       "scaleout serve --allow-origin {origin} would allow that page"
#: The answer (HTTP 400) to a page asked for by a name this server does not know as its own.
SERVE_UNKNOWN_HOST = "refused: this server does not know the name {host} as its own; open it at one of " \
                     "this machine's addresses, or start it with --allow-origin http://{host}"
#: The answer (HTTP 400) to a plain request for the websocket's address.
SERVE_NOT_WEBSOCKET = "this address is the game's websocket: open the page at / instead"


# ---- choices in words (issue 14) -------------------------------------------------------------------
#: How a knob's choice reads to a player, keyed by (parameter, value). Level files, the engine and
#: ``--json`` keep the ids; every screen, the event log and the CLI's text show these words
#: (``scaleout_tui.content.labels.choice_words``). Instance sizes stay the AWS names (``m5.large``:
#: that is what a player will type in real life), and numbers get the units of CHOICE_UNITS.
CHOICE_LABELS: dict[tuple[str, str], str] = {
    ("layout", "single"): "one box: app + database",
    ("layout", "two-tier"): "web box + database box",
    ("lb.algorithm", "round_robin"): "Round robin",
    ("lb.algorithm", "least_conn"): "Least connections",
    ("lb.algorithm", "least_outstanding_requests"): "Least outstanding requests (ALB)",
    ("lb.algorithm", "random"): "Random",
    ("lb.algorithm", "ip_hash"): "IP hash (same client, same box)",
    ("lb.algorithm", "dns"): "DNS round robin",
    ("lb.sticky", "on"): "On",
    ("lb.sticky", "off"): "Off",
    ("health.kind", "none"): "None",
    ("health.kind", "L4"): "L4: TCP connect",
    ("health.kind", "L7"): "L7: HTTP GET",
    ("health.path", "/"): "/ (the home page)",
    ("health.path", "/health"): "/health (a light page)",
    ("session.store", "local"): "On each web box",
    ("session.store", "shared"): "Shared store",
    ("storage.mode", "local"): "Local disk",
    ("storage.mode", "nfs"): "NFS share",
    ("storage.mode", "object"): "Object storage",
    ("app.redirect", "base_url"): "Absolute (base URL)",
    ("app.redirect", "relative"): "Relative",
    ("app.clone_database", "local"): "Its own local copy",
    ("app.clone_database", "shared"): "The shared database",
    ("db.read_routing", "master"): "Master only",
    ("db.read_routing", "replicas"): "Replicas",
    ("db.read_routing", "read_your_writes"): "Read your writes",
    ("db.shard_key", "user_hash"): "User id hash",
    ("db.shard_key", "user_range"): "User id range",
    ("db.shard_key", "created_at"): "Creation time",
    ("asg.policy", "none"): "None (fixed size)",
    ("asg.policy", "simple"): "Simple scaling",
    ("asg.policy", "step"): "Step scaling",
    ("asg.policy", "target"): "Target tracking",
    ("asg.policy", "hpa"): "Kubernetes HPA",
    ("asg.metric", "cpu"): "CPU",
    ("asg.metric", "requests"): "Requests per instance",
    ("asg.metric", "latency"): "Latency",
    ("asg.schedule", "none"): "No scheduled action",
    ("traffic.scenario", "steady"): "Steady",
    ("traffic.scenario", "flash-crowd"): "Flash crowd",
    ("traffic.scenario", "ad-campaign"): "Launch ad",
    ("traffic.scenario", "diurnal"): "A day (diurnal)",
    ("traffic.scenario", "world-cup"): "World Cup surges",
    ("traffic.scenario", "heavy-tailed"): "Heavy-tailed bursts",
    ("traffic.scenario", "ddos"): "DDoS flood",
    ("cache.capacity", "0"): "0 entries: caches nothing",
    ("cache.policy", "cache-aside"): "Cache-aside (writes go to the database)",
    ("cache.policy", "write-through"): "Write-through (writes update the cache too)",
    ("cache.invalidate", "on"): "On: delete the entry on write",
    ("cache.invalidate", "off"): "Off",
    ("cache.single_flight", "on"): "On: one load per key",
    ("cache.single_flight", "off"): "Off",
    ("cache.ttl_jitter", "0"): "None: every entry lives exactly the TTL",
    ("cache.ttl_jitter", "0.1"): "±10 % of the TTL",
    ("cache.ttl_jitter", "0.2"): "±20 % of the TTL",
    ("cache.ttl_jitter", "0.25"): "±25 % of the TTL",
    ("cache.ttl_jitter", "0.5"): "±50 % of the TTL",
    ("cache.swr_s", "0"): "Off",
    ("ingest.lb_algorithm", "round_robin"): "Round robin (new connections in turn)",
    ("ingest.lb_algorithm", "least_conn"): "Least connections (open ones)",
    ("ingest.standby", "on"): "On: a keepalived standby node",
    ("ingest.standby", "off"): "Off: one node",
    ("ingest.tls", "on"): "On: the comm servers terminate TLS",
    ("ingest.tls", "off"): "Off",
    ("ingest.max_age_s", "off"): "Off: connections never retire",
    ("ingest.backoff", "fixed"): "Fixed: always the base",
    ("ingest.backoff", "exponential"): "Exponential: doubled after each failed try",
    ("ingest.jitter", "none"): "None: every device waits the same",
    ("ingest.jitter", "full"): "Full: anywhere from 0 to the delay",
    ("ingest.jitter", "equal"): "Equal: from half the delay to all of it",
}
#: Shorter words where a line has no room (the diagram's chips at 80×24); the rest use CHOICE_LABELS.
CHOICE_SHORT: dict[tuple[str, str], str | Ctx] = {
    ("lb.algorithm", "round_robin"): "round robin",
    ("lb.algorithm", "least_conn"): "least conn.",
    ("lb.algorithm", "least_outstanding_requests"): "least outst.",
    ("lb.algorithm", "random"): "random",
    ("lb.algorithm", "ip_hash"): "IP hash",
    ("lb.algorithm", "dns"): "DNS",
    ("storage.mode", "local"): "local",
    ("storage.mode", "nfs"): "NFS",
    ("storage.mode", "object"): "objects",
    ("app.redirect", "base_url"): "absolute",
    ("app.redirect", "relative"): "relative",
    ("db.read_routing", "master"): "master",
    ("db.read_routing", "replicas"): Ctx("where reads go", "replicas"),
    ("db.read_routing", "read_your_writes"): "your writes",
    ("db.shard_key", "user_hash"): "user hash",
    ("db.shard_key", "user_range"): "user range",
    ("db.shard_key", "created_at"): "created",
    ("cache.policy", "cache-aside"): "cache-aside",
    ("cache.policy", "write-through"): "write-through",
    ("cache.invalidate", "on"): "On",
    ("cache.single_flight", "on"): "On",
    ("cache.ttl_jitter", "0"): "None",
    ("cache.capacity", "0"): "0 entries",
    ("ingest.lb_algorithm", "round_robin"): "round robin",
    ("ingest.lb_algorithm", "least_conn"): "least conn",
    ("ingest.standby", "on"): "On",
    ("ingest.standby", "off"): "Off",
    ("ingest.tls", "on"): "On",
    ("ingest.max_age_s", "off"): "Off",
    ("ingest.backoff", "fixed"): "fixed",
    ("ingest.backoff", "exponential"): "exponential",
    ("ingest.jitter", "none"): "None",
    ("ingest.jitter", "full"): "full",
    ("ingest.jitter", "equal"): "equal",
}
#: A number's unit, by parameter: (one, many), ``{n}`` the number as the level file writes it.
CHOICE_UNITS: dict[str, Plural] = {
    "web.count": Plural("{n} box", "{n} boxes"),
    "lb.count": Plural("{n} node", "{n} nodes"),
    "lb.target_port": Plural("port {n}", "port {n}"),
    "health.interval_s": Plural("{n} s", "{n} s"),
    "health.timeout_s": Plural("{n} s", "{n} s"),
    "health.healthy_threshold": Plural("{n} check", "{n} checks"),
    "health.unhealthy_threshold": Plural("{n} check", "{n} checks"),
    "storage.nfs_cache_s": Plural("{n} s", "{n} s"),
    "db.replicas": Plural("{n} replica", "{n} replicas"),
    "db.shards": Plural("{n} shard", "{n} shards"),
    "asg.min_size": Plural("{n} instance", "{n} instances"),
    "asg.max_size": Plural("{n} instance", "{n} instances"),
    "asg.desired": Plural("{n} instance", "{n} instances"),
    "asg.scale_out_cpu": Plural("{n} %", "{n} %"),
    "asg.scale_in_cpu": Plural("{n} %", "{n} %"),
    "asg.target_cpu": Plural("{n} %", "{n} %"),
    "asg.target_requests": Plural("{n} req/instance/min", "{n} req/instance/min"),
    "asg.target_latency_ms": Plural("{n} ms", "{n} ms"),
    "asg.cooldown_s": Plural("{n} s", "{n} s"),
    "asg.period_s": Plural("{n} s", "{n} s"),
    "asg.warmup_s": Plural("{n} s", "{n} s"),
    "cache.capacity": Plural("{n} entry", "{n} entries"),
    "cache.ttl_s": Plural("{n} s", "{n} s"),
    "cache.ttl_jitter": Plural("±{n} × the TTL", "±{n} × the TTL"),
    "cache.swr_s": Plural("{n} s", "{n} s"),
    "ingest.check_interval_s": Plural("{n} s", "{n} s"),
    "ingest.max_age_s": Plural("{n} s", "{n} s"),
    "ingest.base_s": Plural("{n} s", "{n} s"),
    "ingest.cap_s": Plural("{n} s", "{n} s"),
    "ingest.comm_count": Plural("{n} comm server", "{n} comm servers"),
}
#: The unit column of ``scaleout knobs`` for a parameter whose choices are numbers.
CHOICE_UNIT_NAMES: dict[str, str] = {
    "web.count": "boxes",
    "lb.count": "nodes",
    "lb.target_port": "port",
    "health.interval_s": "s",
    "health.timeout_s": "s",
    "health.healthy_threshold": "checks",
    "health.unhealthy_threshold": "checks",
    "storage.nfs_cache_s": "s",
    "db.replicas": "replicas",
    "db.shards": "shards",
    "asg.min_size": "instances",
    "asg.max_size": "instances",
    "asg.desired": "instances",
    "asg.scale_out_cpu": "%",
    "asg.scale_in_cpu": "%",
    "asg.target_cpu": "%",
    "asg.target_requests": "req/instance/min",
    "asg.target_latency_ms": "ms",
    "asg.cooldown_s": "s",
    "asg.period_s": "s",
    "asg.warmup_s": "s",
    "cache.capacity": "entries",
    "cache.ttl_s": "s",
    "cache.ttl_jitter": "× TTL",
    "cache.swr_s": "s",
    "ingest.check_interval_s": "s",
    "ingest.max_age_s": "s",
    "ingest.base_s": "s",
    "ingest.cap_s": "s",
    "ingest.comm_count": "comm servers",
}
#: ``asg.schedule``'s ``DESIRED@AT`` and ``DESIRED@AT-UNTIL``: a scheduled action in words.
CHOICE_SCHEDULE_NONE = "No scheduled action"
CHOICE_SCHEDULE_N = Plural("{n} instance", "{n} instances")
CHOICE_SCHEDULE_FROM = "{n} from {clock}, for the rest of the run"
CHOICE_SCHEDULE_WINDOW = "{n} from {clock} to {until}"
#: The unit column of ``scaleout knobs`` for the parameters whose choices are not numbers.
UNIT_INSTANCE_TYPE = "instance type"
UNIT_SCHEDULE = "instances @ seconds"


# ---- the progress file (persistence.progress): why a saved game could not be read -------------
PROGRESS: dict[str, str] = {
    "moved_aside": (
        "Your saved progress in {path} could not be read ({problem}). "
        "It was moved to {aside} and a new progress file was started."
    ),
    "unreadable": (
        "Your saved progress in {path} could not be read ({problem}). "
        "The game starts from fresh progress; saving may fail until this is fixed."
    ),
    "not_moved": (
        "Your saved progress in {path} could not be read ({problem}), and it could not be "
        "moved aside ({error}). The game starts from fresh progress."
    ),
    "future_format": "it was written by a newer version of scaleout: format {found}, this one reads {ours}",
    "bad_format": "its format field is missing or invalid",
    "not_finite": "a number in it is not finite ({where})",
    "too_deep": "it is nested far deeper than a progress file can be",
    "not_a_file": "it is not a regular file",
    "too_big": "it is {size:,} bytes, more than a progress file can be ({limit:,})",
}


# ---- recordings: where a replay first differs from its recording (recording.replay) -----------
REC_WHERE_KEY_ORDER = "key order"
REC_WHERE_REPORT = "the report"
REC_WHERE_JSON_TEXT = "the JSON text"
REC_TICK_DIFFERS = "{recorded} differs from the level's {level}"
#: what a path is when it is not a regular file (an access log, a level)
FILE_KINDS: dict[str, str] = {
    "folder": "folder",
    "fifo": "FIFO",
    "character_device": "character device",
    "block_device": "block device",
    "socket": "socket",
    "special": "special file",
}


i18n.translatable(globals(), ids=("HELP_RUN_SET_EXAMPLE",))
