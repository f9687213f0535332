"""The broken-level corpus and what each file must report (shared by content and CLI tests).

Every file in ``broken/`` is a copy of a valid fixture with one thing wrong, named so that its id
matches its file name: the only problem reported is the one the file is about (``33`` has three
wrongs; in ``57`` and ``60`` one wrong shows at two places). Files 01-35 copy
``fixtures/99-good.toml``; from 37 on they break the scale-out keys, most of them in a copy of
``fixtures/98-balanced.toml``, some by adding one scale-out key to ``99-good`` (a health check
or a balancer knob where there is no balancer). From 64 on they break the database keys, in a copy
of ``fixtures/97-replicated.toml`` or ``fixtures/96-sharded.toml``, or by adding one replication
key to ``99-good`` (71, 77); for these the fragment is the whole message. From 79 on they break the
auto scaling keys and load tests, in a copy of one of the autoscaling fixtures (``95-asg-simple``
... ``91-asg-scheduled``); their fragments are whole messages too. From 95 on, hostile inputs the
categories above missed (a key written twice, a duplicate objective id, a float that overflows to
inf, a whole number past 64 bits, a UTF-16 file), copies of ``99-good``. ``10 MB`` is generated at
test time rather than committed.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).parent
REPO = HERE.parents[1]
BROKEN = HERE / "broken"
GOOD = HERE / "fixtures" / "99-good.toml"
BALANCED = HERE / "fixtures" / "98-balanced.toml"
REPLICATED = HERE / "fixtures" / "97-replicated.toml"
SHARDED = HERE / "fixtures" / "96-sharded.toml"
ASG_SIMPLE = HERE / "fixtures" / "95-asg-simple.toml"
ASG_STEP = HERE / "fixtures" / "94-asg-step.toml"
ASG_TARGET = HERE / "fixtures" / "93-asg-target.toml"
ASG_HPA = HERE / "fixtures" / "92-asg-hpa.toml"
ASG_SCHEDULED = HERE / "fixtures" / "91-asg-scheduled.toml"
#: the first file of the database keys, whose expected fragment is the exact message
FIRST_DATABASE = 64
#: the first file of the auto scaling keys (exact messages as well)
FIRST_AUTOSCALING = 79
#: the first of the hostile-input files that follow the auto scaling ones
FIRST_HOSTILE = 95

# file stem -> (field of the first problem, number of problems, a fragment of the first message, line)
# field "" means the file as a whole (syntax, encoding, size); line None means "cannot be told".
EXPECTED: dict[str, tuple[str, int, str, int | None]] = {
    "01-bad-syntax": ("", 1, "invalid TOML", 5),
    "02-wrong-type": ("order", 1, "expected a whole number, got a string", 4),
    "03-unknown-top-key": ("colour", 1, "unknown key", 5),
    "04-unknown-nested-key": ("engine.timout_s", 1, "did you mean `timeout_s`", 19),
    "05-missing-key": ("traffic.users", 1, "required key is missing", 34),
    "06-nan": ("traffic.kinds[0].weight", 1, "finite", 53),
    "07-inf": ("engine.timeout_s", 1, "finite", 19),
    "08-out-of-range": ("order", 1, "at most 99 (got 100)", 4),
    "09-not-utf8": ("", 1, "not UTF-8", 5),
    "10-deep-nesting": ("", 1, "nested too deeply", 3),
    "11-huge-int": ("", 1, "4300 digits", 4),
    "12-duplicate-knob-id": ("knobs[1].id", 1, "used twice", 73),
    "13-default-not-in-choices": ("knobs[0].default", 1, "'m5.4xlarge' is not one of", 70),
    "14-dangling-instance-choice": ("knobs[0].choices[2]", 1, "'m9.mega' is not an instance type", 69),
    "15-unknown-metric": ("objectives[0].metric", 1, "'latency_p90_ms' is not one of", 96),
    "16-curve-not-increasing": ("traffic.curve[2]", 1, "time must increase (got 200 after 300)", 40),
    "17-newer-format": ("format", 1, "made for a newer scaleout (format 2); this version reads format 1", 2),
    "18-missing-format": ("format", 1, "missing", 1),
    "19-id-file-mismatch": ("id", 1, "must equal the file name", 3),
    "20-stretch-looser": ("objectives[0].stretch", 1, "at least as strict", 99),
    "21-empty": ("format", 1, "missing", None),
    "22-binary-junk": ("", 1, "invalid TOML", 2),
    "23-dangling-event-target": ("events[0].target", 1, "'web-3' names no box", 89),
    "24-dangling-topology-size": ("topology.web_size", 1, "'m5.huge' is not an instance type", 30),
    "25-too-short": ("duration_s", 1, "at least 60 (got 30)", 8),
    "26-datetime-for-string": ("subtitle", 1, "expected a string, got a date", 6),
    "27-bool-for-int": ("topology.web_count", 1, "got true or false", 32),
    "28-event-after-end": ("events[0].at", 1, "after the level ends", 87),
    "29-curve-starts-late": ("traffic.curve[0]", 1, "first point must be at time 0", 38),
    "30-blank-title": ("title", 1, "must not be blank", 5),
    "31-bad-id-pattern": ("id", 1, "must look like `01-single-server`", 3),
    "32-unknown-layout": ("topology.layout", 1, "'three-tier' is not one of", 29),
    "33-three-problems": ("traffic.kinds[1].name", 3, "'video' is not one of", 59),
    "34-unknown-key-in-array-table": ("traffic.kinds[1].cpu_ms", 1, "unknown key", 62),
    "35-not-a-number-in-curve": ("traffic.curve[1][1]", 1, "expected a number, got a string", 39),
    # a hang on a balancer node would set a fault that no request meets (issue 13)
    "36-hang-on-balancer": ("events[3].kind", 1, "a balancer node has no app to hang", 209),
    # ---- the scale-out keys -------------------------------------------------------------------
    "37-health-check-without-balancer": ("health_check", 1, "health checks need a [balancer] table", 51),
    "38-bad-algorithm": ("balancer.algorithm", 1,
                         "'fastest' is not one of: round_robin, least_conn, least_outstanding_requests, "
                         "random, ip_hash, dns", 29),
    "39-sticky-not-bool": ("balancer.sticky", 1, "expected true or false, got a string", 30),
    "40-balancer-count-3": ("balancer.count", 1, "must be at most 2 (got 3)", 33),
    "41-port-zero": ("balancer.listen_port", 1, "must be at least 1 (got 0)", 35),
    "42-interval-zero": ("health_check.interval_s", 1, "must be at least 1 (got 0)", 41),
    "43-unknown-health-path": ("health_check.path", 1, "'/status' is not one of: /, /health", 40),
    "44-bad-session-store": ("sessions.store", 1, "'redis' is not one of: local, shared", 47),
    "45-bad-storage-mode": ("storage.mode", 1, "'s3' is not one of: local, nfs, object", 51),
    "46-unknown-injection": ("injections[2]", 1, "'reboot' is not one of: crash, hang, error, slow", 11),
    "47-duplicate-injection": ("injections[2]", 1, "'crash' is used twice (first at injections[0])", 11),
    "48-slow-factor-zero": ("events[1].factor", 1, "must be at least 1 (got 0)", 197),
    "49-event-target-lb-without-balancer": ("events[0].target", 1,
                                            "'lb' names no box of this level; a target is one of: "
                                            "web, db, web-1, db-1", 89),
    "50-knob-lb-algorithm-without-balancer": ("knobs[3].param", 1, "lb.algorithm needs [balancer]", 89),
    "51-knob-default-mismatch-algorithm": ("knobs[2].default", 1, "default 'least_conn' differs from "
                                           "the start setup (balancer.algorithm = 'round_robin')", 101),
    "52-web-count-choice-zero": ("knobs[1].choices[2]", 1,
                                 "knob 'servers' (web.count): '0' is not a whole number from 1 to 64", 93),
    "53-interval-choice-not-a-number": ("knobs[8].choices[1]", 1, "knob 'interval' (health.interval_s): "
                                        "'abc' is not a number from 1 to 300", 142),
    "54-factor-on-a-crash": ("events[3].factor", 1, "only a 'slow' event reads factor", 210),
    "55-unknown-aux-size": ("engine.aux_size", 1, "'t9.tiny' is not an instance type", 20),
    "56-event-target-lb-3": ("events[3].target", 1, "'lb-3' names no box", 210),
    "57-cache-target-without-shared-store": ("events[4].target", 2, "'cache-1' names no box", 216),
    "58-sticky-choice-yes": ("knobs[3].choices[2]", 1,
                             "knob 'sticky' (lb.sticky): 'yes' is not one of: on, off", 107),
    "59-threshold-choice-out-of-range": ("knobs[11].choices[2]", 1,
                                         "knob 'unhealthy' (health.unhealthy_threshold): "
                                         "'11' is not a whole number from 1 to 10", 163),
    "60-storage-knob-without-storage": ("knobs[13].param", 2, "storage.mode needs [storage]", 172),
    "61-deregistration-delay-too-long": ("engine.deregistration_delay_s", 1,
                                         "must be at most 3600 (got 4000)", 19),
    "62-injections-after-a-table": ("knobs[14].injections", 1, "`injections` is a top-level key", 185),
    "63-sticky-default-mismatch": ("knobs[3].default", 1, "(balancer.sticky = true)", 108),
    # ---- the database keys (replication, sharding): exact messages ------------------------------
    "64-replication-without-two-tier": ("replication", 1, "[replication] needs a two-tier layout "
                                        "(topology.layout = 'two-tier', or a layout knob offering it): "
                                        "replicas copy a database box of its own", 26),
    "65-replicas-6": ("replication.replicas", 1, "must be at most 5 (got 6)", 27),
    "66-unknown-read-routing": ("replication.read_routing", 1,
                                "'nearest' is not one of: master, replicas, read_your_writes", 28),
    "67-sharding-with-replication": ("sharding", 1, "[sharding] and [replication] cannot be combined in "
                                     "format 1; a level uses one or the other", 33),
    "68-shards-zero": ("sharding.shards", 1, "must be at least 1 (got 0)", 26),
    "69-unknown-shard-key": ("sharding.key", 1, "'order_id' is not one of: user_hash, user_range, created_at",
                             27),
    "70-range-query-share-over-1": ("sharding.range_query_share", 1, "must be at most 1 (got 1.5)", 28),
    "71-replicas-knob-without-replication": ("knobs[3].param", 1,
                                             "db.replicas needs [replication] in this level", 89),
    "72-shard-key-default-mismatch": ("knobs[2].default", 1, "default 'user_hash' differs from the start "
                                      "setup (sharding.key = 'user_range'); the level would start on a "
                                      "different setup than it says", 67),
    "73-event-target-replica-3": ("events[0].target", 1, "'replica-3' names no box of this level; a "
                                  "target is one of: web, db, replica, web-1, web-2, db-1, replica-1, "
                                  "replica-2", 74),
    "74-shards-choice-9": ("knobs[1].choices[3]", 1,
                           "knob 'shards' (db.shards): '9' is not a whole number from 1 to 8", 59),
    "75-sharding-without-two-tier": ("sharding", 1, "[sharding] needs a two-tier layout (topology.layout = "
                                     "'two-tier', or a layout knob offering it): shards are database "
                                     "boxes of their own", 25),
    "76-event-target-db-5": ("events[1].target", 1, "'db-5' names no box of this level; a target is one "
                             "of: web, db, web-1, web-2, db-1, db-2, db-3, db-4", 79),
    "77-replica-target-without-replicas": ("events[0].target", 1, "'replica' names no box of this level; a "
                                           "target is one of: web, db, web-1, db-1", 92),
    "78-read-routing-choice-unknown": ("knobs[2].choices[1]", 1, "knob 'reads' (db.read_routing): 'nearest' "
                                       "is not one of: master, replicas, read_your_writes", 67),
    # ---- the auto scaling keys and load tests: exact messages -----------------------------------
    "79-autoscaling-without-balancer": ("autoscaling", 1,
                                        "[autoscaling] needs a [balancer] table: instances join and leave "
                                        "the group through the balancer", 23),
    "80-min-above-max": ("autoscaling.min_size", 1, "min_size 2 is above max_size 1", 26),
    "81-desired-outside-limits": ("autoscaling.desired", 1,
                                  "desired 12 is outside min_size..max_size (2..10)", 28),
    "82-web-count-not-desired": ("autoscaling.desired", 1,
                                 "desired 2 differs from topology.web_count (3): the group starts with the "
                                 "web boxes the level starts with", 28),
    "83-unknown-policy": ("autoscaling.policy", 1,
                          "'predictive' is not one of: none, simple, step, target, hpa", 27),
    "84-scale-in-not-below-out": ("autoscaling.scale_in_cpu", 1,
                                  "scale_in_cpu 60 must be below scale_out_cpu (60): otherwise one reading "
                                  "can call for both", 34),
    "85-datapoints-over-evaluation": ("autoscaling.datapoints_to_alarm", 1,
                                      "must be at most evaluation_periods (3) (got 4): the alarm counts "
                                      "breaching datapoints among the last evaluation_periods", 32),
    "86-steps-not-increasing": ("autoscaling.steps[2]", 1, "breach must increase (got 15 after 30)", 39),
    "87-boot-max-below-min": ("autoscaling.boot_max_s", 1, "must be at least boot_min_s (45) (got 30)", 38),
    "88-scheduled-without-size": ("autoscaling.scheduled[1]", 1,
                                  "a scheduled action sets at least one of min_size, max_size, desired", 46),
    "89-scheduled-after-end": ("autoscaling.scheduled[2].at", 1,
                               "at 1800 s is after the level ends (1800 s)", 51),
    "90-schedule-choice-malformed": ("knobs[0].choices[2]", 1,
                                     "knob 'schedule' (asg.schedule): '6@' is not 'none', DESIRED@AT or "
                                     "DESIRED@AT-UNTIL (DESIRED a whole number from 0 to 64, AT and UNTIL "
                                     "seconds from 0 to 86400, UNTIL after AT; e.g. '6@1200' or "
                                     "'6@1200-1800')", 47),
    "91-load-tests-concurrency-zero": ("load_tests[0].concurrency", 1, "must be at least 1 (got 0)", 60),
    "92-schedule-default-mismatch": ("knobs[0].default", 1,
                                     "default 'none' differs from the start setup (autoscaling.scheduled = "
                                     "[{at = 1200, min_size = 6, desired = 6}]); the level would start on "
                                     "a different setup than it says", 48),
    "93-web-count-knob-with-autoscaling": ("knobs[0].param", 1,
                                           "web.count cannot be a knob with [autoscaling]: the group sets "
                                           "the count (use asg.desired)", 71),
    "94-spike-with-load-tests": ("traffic.spikes[0]", 1,
                                 "a spike never comes with [[load_tests]]: load tests replace the open "
                                 "traffic", 53),
    # ---- hostile inputs -------------------------------------------------------------------------
    "95-duplicate-key": ("", 1, "invalid TOML: Cannot overwrite a value", 6),
    "96-duplicate-objective-id": ("objectives[1].id", 1, "'p95' is used twice (first at objectives[0])", 102),
    "97-float-overflow": ("engine.timeout_s", 1, "must be a finite number (got inf)", 19),
    "98-int64-overflow": ("engine.queue_limit", 1, "must be at most 100000 (got 99999999999999999999999)",
                          20),
    "99-utf16": ("", 1, "not UTF-8 text (byte 0xff at offset 0)", 1),
}

HUGE_BYTES = 10 * 1024 * 1024


def broken_files() -> list[Path]:
    return sorted(BROKEN.glob("*.toml"))


def section(first: int, end: int) -> list[Path]:
    """The broken files numbered ``first`` up to (not including) ``end``."""
    return [p for p in broken_files() if first <= int(p.stem[:2]) < end]


def expected_line(path: Path) -> str:
    """The one line ``scaleout validate`` must print for a broken file with an exact message."""
    field, _, message, line = EXPECTED[path.stem]
    return f"{path}:{line}: {field}: {message}"


def run_validate(files: list[Path]) -> subprocess.CompletedProcess[str]:
    """``scaleout validate FILES`` in a fresh interpreter, as a designer or CI runs it."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run([sys.executable, "-m", "scaleout_tui", "validate", *map(str, files)],
                          cwd=REPO, env=env, capture_output=True, text=True, timeout=120)


def validate_output(files: list[Path]) -> tuple[int, str, list[str]]:
    """What ``scaleout validate FILES`` answers: its exit code, its stderr and its stdout's lines
    (a test compares them with ``1, "", [expected_line(p) for p in files]``)."""
    proc = run_validate(files)
    return proc.returncode, proc.stderr, proc.stdout.splitlines()


def make_huge(folder: Path) -> Path:
    """A 10 MB level file: a valid start, then a comment that never ends."""
    path = folder / "36-huge.toml"
    with path.open("wb") as f:
        f.write(b'format = 1\nid = "36-huge"\n# ')
        f.write(b"x" * HUGE_BYTES)
        f.write(b"\n")
    return path
