"""Every sentence the command line and the content checker show a person.

Why one module: the wording of an error is part of the interface (graders and players read it),
so it should be reviewed in one place, and a translation can replace this module wholesale
without touching logic. Templates use ``str.format`` with named fields.

Two things stay outside: argparse's own words ("usage:", "error:"), which it translates through
gettext, and msgspec's validation messages that have no rewrite rule in
``scaleout_tui.content.decode`` (they are passed through as the library wrote them).
"""

from __future__ import annotations

# ---- command line: help ------------------------------------------------------------------------
PROG_DESCRIPTION = "A terminal game about scaling a web service out."
HELP_VERSION = "show the version and exit"
HELP_PLAY = "start the game (the default)"
HELP_LEVELS = "list the levels"
HELP_VALIDATE = "check level files and report every problem"
HELP_VALIDATE_PATHS = "level files (.toml), or folders holding them"
HELP_RUN = "play a level to its end without a screen and report"
HELP_RUN_LEVEL = "a level id such as 01-single-server, or a path to a level file"
HELP_RUN_SEED = "random seed; the same seed and policy give the same run (default: 1)"
HELP_RUN_SET = "set a knob before the start, e.g. --set web_size=m5.xlarge (repeatable)"
HELP_RUN_POLICY = "a TOML file of knob values and timed changes"
HELP_RUN_JSON = "print the full report as JSON"

# ---- command line: messages ---------------------------------------------------------------------
VERSION = "scaleout {version}"
VALID = "ok  {path}"
NO_LEVELS = "no levels found in {path}"
LEVEL_LINE = "{id}  {title} — {subtitle}"
BAD_SET = "--set wants KNOB=VALUE, got {arg!r}"
BAD_SEED = "a seed is a whole number from 0 up, got {arg!r}"
NO_UI = "the game screen is not available in this install ({name} is missing); " \
        "`scaleout levels` and `scaleout run` still work"
NO_HEADLESS = "headless play is not available in this install ({name} is missing)"
RUN_REFUSED = "error: {reason}"
INTERNAL = "unexpected error (a bug in scaleout; please report it): {kind}: {reason}"

# ---- command line: the short report of `scaleout run` ------------------------------------------
RUN_WON = "{level} (seed {seed}): WON  {stars}"
RUN_LOST = "{level} (seed {seed}): LOST"
RUN_OBJECTIVE = "  {mark} {label}: {value} (target {op} {target}{stretch})"
RUN_STRETCH = ", stretch {op} {stretch}"
RUN_MET = "✓"
RUN_MISSED = "✗"
RUN_LATENCY = "  latency: p50 {p50} ms, p95 {p95} ms, p99 {p99} ms (mean {mean} ms)"
RUN_REQUESTS = "  requests: {requests} arrived, {completed} completed"
RUN_ERRORS = "  errors: {errors}"
RUN_ERROR_ITEM = "{cause} {count}"
RUN_NO_ERRORS = "  errors: none"
RUN_COST = "  cost: ${cost} (peak {peak} instances, {throughput} req/s served)"
STAR_ON = "★"
STAR_OFF = "☆"

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
MIN_ITEMS = "must have at least {n} item(s)"
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
NOT_A_TYPE = "{got!r} is not an instance type in the catalog; known types: {allowed}"
DUPLICATE = "{got!r} is used twice (first at {first})"
CURVE_START = "the first point must be at time 0 (got {got})"
CURVE_ORDER = "time must increase (got {got} after {before})"
AFTER_END = "at {got} s is after the level ends ({end} s)"
DANGLING_BOX = "{got!r} names no box of this level; a target is one of: {what}"
KNOB_TWICE = "{param} is already set by knob {other!r}"
KNOB_DEFAULT_MISMATCH = "default {got!r} differs from the start setup ({field} = {start}); " \
                        "the level would start on a different setup than it says"
KNOB_NEEDS = "{param} needs {tables} in this level"
BAD_CHOICE = "knob {knob!r} ({param}): {got!r} {reason}"
CHOICE_WORDS = "is not one of: {allowed}"
CHOICE_WHOLE = "is not a whole number from {lo} to {hi}"
CHOICE_NUMBER = "is not a number from {lo} to {hi}"
HEALTH_WITHOUT_BALANCER = "health checks need a [balancer] table: the balancer is what runs them"
NEEDS_TWO_TIER = "[{table}] needs a two-tier layout (topology.layout = 'two-tier', or a layout knob " \
                 "offering it): {why}"
REPLICAS_NEED_DB_BOX = "replicas copy a database box of its own"
SHARDS_NEED_DB_BOX = "shards are database boxes of their own"
SHARDING_AND_REPLICATION = "[sharding] and [replication] cannot be combined in format 1; a level uses one " \
                           "or the other"
CHOICE_SCHEDULE = "is not '{none}' or DESIRED@AT (DESIRED a whole number from {lo} to {hi}, AT seconds " \
                  "from 0 to {end}; e.g. '6@1200')"
SCHEDULE_AFTER_END = "is at {got} s, after the level ends ({end} s)"
ASG_WITHOUT_BALANCER = "[autoscaling] needs a [balancer] table: instances join and leave the group through " \
                       "the balancer"
ASG_MIN_ABOVE_MAX = "min_size {lo} is above max_size {hi}"
ASG_DESIRED_OUTSIDE = "desired {got} is outside min_size..max_size ({lo}..{hi})"
ASG_WEB_COUNT = "desired {got} differs from topology.web_count ({count}): the group starts with the web " \
                "boxes the level starts with"
ASG_SCALE_IN = "scale_in_cpu {got} must be below scale_out_cpu ({out}): otherwise one reading can call " \
               "for both"
ASG_DATAPOINTS = "must be at most evaluation_periods ({n}) (got {got}): the alarm counts breaching " \
                 "datapoints among the last evaluation_periods"
ASG_BOOT = "must be at least boot_min_s ({lo}) (got {got})"
ASG_STEPS_ORDER = "breach must increase (got {got} after {before})"
ASG_SCHEDULED_NO_SIZE = "a scheduled action sets at least one of min_size, max_size, desired"
ASG_SCHEDULED_MIN_ABOVE_MAX = "leaves min_size {lo} above max_size {hi}"
ASG_SCHEDULED_DESIRED = "desired {got} is outside min_size..max_size ({lo}..{hi}) at {at} s"
ASG_WEB_COUNT_KNOB = "web.count cannot be a knob with [autoscaling]: the group sets the count (use " \
                     "asg.desired)"
LOAD_TESTS_SPIKE = "a spike never comes with [[load_tests]]: load tests replace the open traffic"
FACTOR_NOT_SLOW = "only a 'slow' event reads factor (this one is {kind!r})"
STRETCH_LOOSER = "stretch {stretch} must be at least as strict as target {target} (op {op})"
UNKNOWN_KNOB = "this level has no knob {got!r}; its knobs: {allowed}"
BAD_KNOB_VALUE = "{got!r} is not one of this knob's choices: {allowed}"
KNOB_VALUE_TYPE = "a knob value must be a string, got {got}"
NOT_IN_CATALOG = "instance type {got!r} is missing from the catalog in use"

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
