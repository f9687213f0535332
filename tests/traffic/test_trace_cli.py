"""``scaleout trace`` and ``scaleout run sandbox``: the CLI contract (exit codes 0/1/2, one line
per problem on stderr) and the sandbox level."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

from scaleout_tui.cli import main
from scaleout_tui.content.catalog import load_catalog_default
from scaleout_tui.content.loader import load_level, validate_file
from scaleout_tui.content.paths import find_level, sandbox_path
from scaleout_tui.content.scenarios import scenario_names
from scaleout_tui.content.series import read_series
from scaleout_tui.engine.traffic import TrafficSource
from scaleout_tui.game.session import Session
from tests.traffic.test_accesslog import HOSTILE


def test_import_writes_the_series_and_reports_junk(tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "hostile.rate"
    assert main(["trace", "import", str(HOSTILE), "-o", str(out)]) == 0
    captured = capsys.readouterr()
    assert captured.out == (f"wrote {out}: 10 s, 9 requests from 14 lines, mean 0.9 req/s, peak 4 req/s\n")
    errors = captured.err.splitlines()
    assert errors[:5] == [f"{HOSTILE}:{n}: junk line skipped (not a combined or common log line)"
                          for n in (3, 6, 10, 11, 12)]
    assert errors[5] == f"{HOSTILE}: 5 junk lines skipped of 14"
    assert read_series(out).values.tolist() == [1, 0, 0, 3, 0, 4, 0, 0, 0, 1]


def test_import_scales_and_compresses(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "h.rate"
    assert main(["trace", "import", str(HOSTILE), "-o", str(out), "--scale", "10", "--compress", "5"]) == 0
    # seconds 0-4 hold 4 requests, 5-9 hold 5; over 5 s, times 10
    assert read_series(out).values.tolist() == [8.0, 10.0]


@pytest.mark.parametrize("args", [
    ["trace", "import", "x.log"],                                  # -o is required
    ["trace", "import", "x.log", "-o", "y", "--scale", "0"],
    ["trace", "import", "x.log", "-o", "y", "--compress", "nan"],
    ["trace"],
])
def test_usage_errors_exit_2(args: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(args) == 2


def test_bad_input_exits_1_in_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "missing.log"
    assert main(["trace", "import", str(missing), "-o", str(tmp_path / "o.rate")]) == 1
    assert capsys.readouterr().err == f"{missing}: no such file\n"
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    assert main(["trace", "import", str(HOSTILE), "-o", str(blocker / "o.rate")]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err[-1].startswith(f"{blocker / 'o.rate'}: cannot write the series (")


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero")
def test_import_of_dev_zero_exits_1_in_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # it once raised MemoryError, reading an endless line
    assert main(["trace", "import", "/dev/zero", "-o", str(tmp_path / "o.rate")]) == 1
    assert capsys.readouterr().err == ("/dev/zero: not a regular file (a character device): "
                                       "only a log file on disk can be imported\n")
    assert not (tmp_path / "o.rate").exists()


def test_import_creates_a_missing_output_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "traces" / "new" / "h.rate"
    assert main(["trace", "import", str(HOSTILE), "-o", str(out)]) == 0
    assert out.read_text(encoding="utf-8").startswith("scaleout-rate 1\n")


def test_list_shows_every_scenario(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["trace", "list"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split()[0] for line in lines[:-1]] == scenario_names()
    assert any(line.startswith("flash-crowd") and "ten times" in line for line in lines)


def test_sandbox_is_found_by_name_and_offers_the_whole_library() -> None:
    assert find_level("sandbox") == sandbox_path()
    assert validate_file(sandbox_path()) == []
    level = load_level(sandbox_path())
    [knob] = [k for k in level.knobs if k.param == "traffic.scenario"]
    assert sorted(knob.choices) == scenario_names()
    assert not any(o.metric in ("cost", "cost_per_hour") for o in level.objectives)  # no budget


def test_sandbox_runs_a_chosen_scenario() -> None:
    level = load_level(sandbox_path())
    session = Session(level, load_catalog_default(), 1, {"traffic": "ddos"})
    source = session.sim.data.source
    assert isinstance(source, TrafficSource)
    assert source.rate(np.asarray([0.0, 600.0])).tolist() == [60, 3000]
    session.advance(30.0)
    session.set_knob("traffic", "flash-crowd")  # while the clock runs: starts now
    assert source.rate(np.asarray([30.0 + 200.0])).tolist() == [600]
    session.advance(30.0)
    assert session.sim.metrics.arrived > 0


def test_run_sandbox_refuses_an_unknown_scenario(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", "sandbox", "--set", "traffic=tsunami"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "'tsunami' is not one of" in err and "flash-crowd" in err


def test_an_imported_trace_is_a_scenario_the_sandbox_offers(home: Path,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    traces = home / "traces"
    traces.mkdir()
    assert main(["trace", "import", str(HOSTILE), "-o", str(traces / "mysite.rate")]) == 0
    assert main(["trace", "list"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert any(line.startswith("mysite") and "imported trace" in line for line in out)
    assert out[-1] == f"imported traces: any NAME.rate in {traces} is a scenario too"
    level = load_level(sandbox_path())
    [knob] = [k for k in level.knobs if k.param == "traffic.scenario"]
    assert knob.choices[-1] == "mysite"  # "*" expands to the names the file does not list
    session = Session(level, load_catalog_default(), 1, {"traffic": "mysite"})
    source = session.sim.data.source
    assert isinstance(source, TrafficSource)
    # hostile.log: [1, 0, 0, 3, 0, 4, 0, 0, 0, 1], mean 0.9; on the sandbox's 60 req/s
    rates = source.rate(np.arange(10.0)).tolist()
    assert rates == pytest.approx([60 * v / 0.9 for v in [1, 0, 0, 3, 0, 4, 0, 0, 0, 1]])


def test_progress_bar_only_on_a_terminal_and_a_large_file(tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    from rich.progress import Progress

    from scaleout_tui.traces import command

    big = tmp_path / "big.log"
    big.write_bytes(HOSTILE.read_bytes() * (command.PROGRESS_MIN_BYTES // len(HOSTILE.read_bytes()) + 1))
    assert command._progress(big)[1] is None  # pytest's stderr is no terminal
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    bar, update = command._progress(big)
    assert isinstance(bar, Progress) and update is not None
    assert command._progress(HOSTILE)[1] is None  # small: no bar


@pytest.mark.parametrize(("option", "value", "says"), [
    ("--compress", "1e-300", "--compress 1e-300 stretches the trace's 10 seconds to"),  # was ValueError
    ("--compress", "1e-8", "--compress 1e-08 stretches the trace's 10 seconds to 1,000,000,000"),  # 671 GiB
    ("--scale", "1e300", "--scale 1e+300 makes a peak of"),  # its file broke `trace list`
])
def test_an_output_no_reader_takes_is_refused_before_any_arithmetic(
        tmp_path: Path, option: str, value: str, says: str, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "h.rate"
    assert main(["trace", "import", str(HOSTILE), "-o", str(out), option, value]) == 2
    err = capsys.readouterr().err.splitlines()
    assert err[-1].startswith("scaleout trace import: error: " + says), err
    assert not out.exists()
