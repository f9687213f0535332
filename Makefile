# One place for every check, so a developer runs exactly what CI runs (.ci/run calls `make check`).
# Assumes $(VENV) holds the project with its test extras:
#   python3 -m venv .venv && .venv/bin/pip install -e '.[test]'

VENV ?= .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
PYTEST_ARGS ?=
# Each test run ends with its 15 slowest tests and its wall time: the budgets (issue 12) are
# `make test-fast` within 3 minutes and `make check` within 8 on two cores.
DURATIONS := --durations=15
# The whole suite runs pytest's `-n auto` (pyproject.toml) with one worker more than there are
# cores: its slow tests wait on terminals, servers and child processes, and a third worker fills
# that time (two cores: 712 s against 784 s, the machine 94-97 % busy instead of 85 %). The quick
# tests hardly wait, and there the extra worker costs more than it gives (188 s against 168 s), so
# `test-fast` and plain `pytest` keep one worker per core.
XDIST_WORKERS ?= $(shell echo $$(( $$(nproc) + 1 )))

# The Korean catalogs: extract the English, update every .po (docs/translating.md).
catalogs:
	$(PY) -m scaleout_tui.catalogs update
	$(PY) -m scaleout_tui.catalogs check

.PHONY: catalogs slow-list test-levels stress check lint typecheck test test-fast bench bench-quick bench-ui bench-accuracy bench-scale bench-ingest bench-all snapshots-update soak attack

# Runs all three even when one fails, so one run shows every problem; fails if any failed.
check:
	@fail=0; \
	$(MAKE) --no-print-directory lint || fail=1; \
	$(MAKE) --no-print-directory typecheck || fail=1; \
	$(MAKE) --no-print-directory test || fail=1; \
	if [ $$fail -ne 0 ]; then echo "make check: FAILED (see above)"; fi; \
	exit $$fail

# Style, then the import contracts in pyproject.toml ([tool.importlinter]: the layers, no circles).
# --no-cache: the import graph builds in under a second, and a cache left in the tree can go stale.
lint:
	$(BIN)/ruff check scaleout_tui tests bench
	$(BIN)/lint-imports --no-cache

typecheck:
	$(BIN)/mypy scaleout_tui

# pytest exits 5 when it collected no test. With a test suite in the repo that means the
# collection broke (a bad testpaths, an import error swallowed): say so, and fail.
test:
	@PYTEST_XDIST_AUTO_NUM_WORKERS=$${PYTEST_XDIST_AUTO_NUM_WORKERS:-$(XDIST_WORKERS)} \
	$(PY) -m pytest $(DURATIONS) $(PYTEST_ARGS); rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "make test: pytest collected no tests; that is a failure here"; fi; \
	exit $$rc

# Everything but the tests marked slow: each test that takes over about 3 s of a CI worker (the
# measured list tests/slow_tests.txt, which `make slow-list` rewrites), so every whole level but
# level 1 on seed 1, screenshots and Pilot tests after long runs, the SIGKILL save test, the
# queueing-theory statistics, the fuzzers and the UI's stress tests. A few core paths, marked
# `core`, stay in however long they take: winning level 1, the keys of the play screen, one seed
# reproducing a run. CI runs them all (`make check`).
test-fast:
	$(PY) -m pytest -m "not slow" $(DURATIONS) $(PYTEST_ARGS)

# The whole suite as `make test` runs it, every duration printed, then tests/slow_tests.txt
# rewritten from them (tests/slow_tests.py). The report stays in .slow-list-report.txt.
# A failed test's duration counts as well; the target still fails with pytest.
slow-list:
	@PYTEST_XDIST_AUTO_NUM_WORKERS=$${PYTEST_XDIST_AUTO_NUM_WORKERS:-$(XDIST_WORKERS)} \
	$(PY) -m pytest --durations=0 -q $(PYTEST_ARGS) > .slow-list-report.txt; rc=$$?; \
	tail -n 3 .slow-list-report.txt; \
	$(PY) -m tests.slow_tests .slow-list-report.txt && exit $$rc

bench:
	$(PY) bench/fastforward.py

bench-quick:
	$(PY) bench/fastforward.py --quick

# The UI's budgets: the simulation's share under the screen, refresh cost, what redraws,
# first frame, key answers (about 2 minutes).
bench-ui:
	$(PY) bench/ui.py

# Mean response and p99 wait against Erlang C, 10^6 requests per point (about 1 minute); then the
# engine against Ciw where no closed form exists: M/G/c, least_conn (JSQ) by tick, mixed sizes,
# finite queues (about 3 minutes more).
bench-accuracy:
	$(PY) bench/accuracy.py

# Cost per request from 1 to 5,000 servers, peak memory, and the time to build 20,000 servers
# (one to two minutes; `$(PY) bench/scale.py --quick` for a smoke test).
bench-scale:
	$(PY) bench/scale.py

# The ingest tier's engine core: 20,000 devices, 600 simulated seconds with a server stopped, one
# added and a balancer failover; simulated messages and connect attempts per wall-second (seconds).
bench-ingest:
	$(PY) bench/ingest.py --mode all

# Issue 15's attack re-run as real processes: hostile files, arguments, recordings, access logs,
# saves, key/paste/resize storms in a pseudo-terminal and browser sessions, each counted as clean,
# traceback, hang, data loss or unclean (about ten minutes).
attack:
	$(PY) bench/attack.py

# Every bench, one after the other, each printing its figures.
bench-all: bench bench-accuracy bench-ui bench-scale bench-ingest soak attack

snapshots-update:
	$(PY) -m pytest --snapshot-update $(PYTEST_ARGS)

# One simulated hour of level 08 at 60× with the UI running headless, three times in a row: RSS at
# the start, every 10 simulated minutes and at the end of each run (about four minutes of wall time).
soak:
	$(PY) bench/soak.py

# The stress tests at full power (tests/power.py): 10,000 mutated level files, 1,000 random plays,
# 30 start/quit cycles, two 3,000-key storms. The everyday suite runs them at a third of that.
stress:
	SCALEOUT_TEST_POWER=full $(PY) -m pytest $(DURATIONS) tests/hardening tests/ui/test_key_storms.py tests/ui/test_terminal_hardening.py $(PYTEST_ARGS)

# Every level over seeds 1-10: its starting set-up loses and its reference solution wins (CI runs
# seeds 1-3; run this after a change that moves the engine's numbers or a level).
test-levels:
	SCALEOUT_LEVEL_SEEDS=10 $(PY) -m pytest tests/levels $(PYTEST_ARGS)
