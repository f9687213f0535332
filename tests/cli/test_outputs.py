"""No command destroys a user's file, and Ctrl+C ends any command in one line.

An output that is an input of the same command (``run --record`` onto the level or the policy,
``trace import -o`` onto the log) is refused before anything is written, by path or by identity
(a symlink, a hard link); ``--record`` into a missing folder is refused without creating it; and
SIGINT ends ``run`` and grading with exit code 130, one line on stderr and no worker left behind.
The refusals happen before any simulation, so these tests simulate nothing. Two Ctrl+C tests run
the real entry point and interrupt it after about a second; the others interrupt it at chosen
places, where an interrupt at the wrong moment used to end the process by SIGINT or crash it.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import scaleout_tui
from scaleout_tui import cli

REPO = Path(scaleout_tui.__file__).resolve().parent.parent
LEVEL = REPO / "levels" / "01-single-server.toml"
LOG_LINE = '1.2.3.4 - - [10/Oct/2000:13:55:36 -0700] "GET / HTTP/1.0" 200 2326\n'


@pytest.fixture
def level(tmp_path: Path) -> Path:
    path = tmp_path / "my.toml"
    shutil.copyfile(LEVEL, path)
    return path


def _refused(capsys: pytest.CaptureFixture[str], argv: list[str], code: int) -> str:
    assert cli.main(argv) == code
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.count("\n") == 1 and "Traceback" not in captured.err
    return captured.err


# ---- an output that is an input ------------------------------------------------------------------
def test_record_onto_the_level_is_refused(level: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = level.read_bytes()
    err = _refused(capsys, ["run", str(level), "--record", str(level)], 2)
    assert level.read_bytes() == before
    assert err.startswith("scaleout run: error: --record") and str(level) in err


def test_record_onto_the_level_through_a_symlink_is_refused(level: Path,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    before = level.read_bytes()
    link = level.with_name("link.jsonl")
    link.symlink_to(level)
    err = _refused(capsys, ["run", str(level), "--record", str(link)], 2)
    assert level.read_bytes() == before and link.is_symlink()
    assert str(link) in err and str(level) in err


def test_record_onto_a_hard_link_of_the_level_is_refused(level: Path,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    before = level.read_bytes()
    hard = level.with_name("hard.jsonl")
    os.link(level, hard)
    err = _refused(capsys, ["run", str(level), "--record", str(hard)], 2)
    assert level.read_bytes() == before and str(hard) in err


def test_record_onto_the_policy_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    policy = tmp_path / "policy.toml"
    policy.write_bytes(b"# my policy\n")
    err = _refused(capsys, ["run", "01-single-server", "--policy", str(policy), "--record", str(policy)], 2)
    assert policy.read_bytes() == b"# my policy\n"
    assert "policy file" in err and str(policy) in err


def test_trace_import_onto_its_log_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    log = tmp_path / "access.log"
    log.write_text(LOG_LINE)
    err = _refused(capsys, ["trace", "import", str(log), "-o", str(log)], 2)
    assert log.read_text() == LOG_LINE
    assert err.startswith("scaleout trace import: error: -o") and str(log) in err
    link = tmp_path / "out.rate"
    link.symlink_to(log)
    _refused(capsys, ["trace", "import", str(log), "-o", str(link)], 2)
    assert log.read_text() == LOG_LINE


# ---- --record creates no folder ------------------------------------------------------------------
def test_record_into_a_missing_folder_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "no" / "such"
    out = missing / "x.jsonl"
    err = _refused(capsys, ["run", "01-single-server", "--record", str(out)], 1)
    assert not missing.exists() and not missing.parent.exists()
    assert str(out) in err and f"no folder {missing}" in err


# ---- Ctrl+C --------------------------------------------------------------------------------------
def _children(pid: int) -> set[int]:
    """The processes whose parent is ``pid`` (from /proc: no psutil needed)."""
    found = set()
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid:  # field 4, after "pid (comm) state"
            found.add(int(entry))
    return found


def _alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def _sigint_at_default() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _interrupt(argv: list[str], *, children: int = 0) -> tuple[subprocess.CompletedProcess[str], set[int]]:
    """Start ``python -m scaleout_tui ARGV`` in its own process group, wait about a second (and
    for ``children`` child processes), then press Ctrl+C: SIGINT to the whole group, as a
    terminal does. Returns the finished process and the children seen."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    # A shell starts a command with SIGINT at its default; a test worker may not have it so (a
    # child inherits an ignored SIGINT, and Python then installs no handler: the Ctrl+C was lost
    # and the run went to its end, depending on which tests the worker had run before).
    proc = subprocess.Popen([sys.executable, "-m", "scaleout_tui", *argv], cwd=REPO, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
                            preexec_fn=_sigint_at_default)
    try:
        time.sleep(1.0)
        seen: set[int] = set()
        deadline = time.monotonic() + 30
        while len(seen) < children and time.monotonic() < deadline and proc.poll() is None:
            seen |= _children(proc.pid)
            time.sleep(0.05)
        assert proc.poll() is None, "the command ended before it could be interrupted"
        os.killpg(proc.pid, signal.SIGINT)
        out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    return subprocess.CompletedProcess(proc.args, proc.returncode, out, err), seen


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")
def test_ctrl_c_ends_a_run_in_one_line() -> None:
    # a level that takes several seconds to simulate, so the interrupt lands mid-run
    done, _ = _interrupt(["run", "05-shared-storage"])
    assert done.returncode == 130
    assert done.stderr == "scaleout: interrupted\n"


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")
def test_ctrl_c_ends_grading_and_its_workers() -> None:
    done, seen = _interrupt(["run", "01-single-server", "--seeds", "1-6", "--jobs", "2"], children=2)
    assert done.returncode == 130
    assert done.stderr == "scaleout: interrupted\n"
    assert len(seen) >= 2
    # the workers are gone (multiprocessing's resource tracker, if any, leaves when its pipe closes)
    deadline = time.monotonic() + 10
    while any(_alive(p) for p in seen) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not [p for p in seen if _alive(p)]


# An interrupt at a chosen place, run as `python -m PROBE` (the flag CPython keeps after a
# KeyboardInterrupt leaves `exec`'d text changes the exit status only under `-m`). `exec` stands
# for a dataclass's generated methods, where a real Ctrl+C during the imports lands.
_PROBE_WHILE_LOADING = '''
import sys

class Interrupting:
    """Ctrl+C while the command line itself is being imported."""
    def find_spec(self, name, path=None, target=None):
        if name == "scaleout_tui.cli":
            exec("raise KeyboardInterrupt")
        return None

sys.meta_path.insert(0, Interrupting())
from scaleout_tui.__main__ import entry
sys.argv = ["scaleout", "levels"]
entry()
'''

_PROBE_CHOOSING_LANGUAGE = '''
import sys
from scaleout_tui import cli
from scaleout_tui.__main__ import entry

def interrupted(argv):
    """Ctrl+C while the language is chosen, before any command's handler runs."""
    exec("raise KeyboardInterrupt")

cli.choose_language = interrupted
sys.argv = ["scaleout", "levels"]
entry()
'''


_PROBE_SWALLOWED = '''
import os, signal, sys
from scaleout_tui import cli
from scaleout_tui.__main__ import entry

def swallowing(argv=None):
    """A real Ctrl+C inside code that catches every exception and goes on to finish with 0."""
    try:
        os.kill(os.getpid(), signal.SIGINT)
        for _ in range(1000):  # the handler runs between two bytecodes
            pass
    except BaseException:
        pass
    return 0

cli.main = swallowing
sys.argv = ["scaleout", "levels"]
entry()
'''


@pytest.mark.parametrize("probe", [_PROBE_WHILE_LOADING, _PROBE_CHOOSING_LANGUAGE, _PROBE_SWALLOWED],
                         ids=["loading", "language", "swallowed"])
def test_ctrl_c_ends_in_one_line_and_130_even_after_exec_d_code(tmp_path: Path, probe: str) -> None:
    (tmp_path / "ctrl_c_probe.py").write_text(probe)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO), str(tmp_path)])}
    # SIGINT at its default, as a shell starts a command (see _interrupt): CI's test workers
    # inherit it ignored, and the swallowed probe's real SIGINT then never came
    done = subprocess.run([sys.executable, "-m", "ctrl_c_probe"], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=60, preexec_fn=_sigint_at_default)
    assert (done.returncode, done.stderr, done.stdout) == (130, "scaleout: interrupted\n", "")


def test_datetime_is_loaded_before_msgspec_so_an_early_ctrl_c_cannot_crash_it(tmp_path: Path) -> None:
    # msgspec takes datetime's C interface at start-up without checking it; interrupted there, it
    # crashed later (scaleout_tui.__main__.entry). A finder first in line sees each import begin.
    probe = ("import sys\n"
             "began = []\n"
             "class Watch:\n"
             "    def find_spec(self, name, path=None, target=None):\n"
             "        began.append(name)\n"
             "sys.meta_path.insert(0, Watch())\n"
             "import atexit\n"
             "atexit.register(lambda: print(began.index('datetime') < began.index('msgspec')))\n"
             "from scaleout_tui.__main__ import entry\n"
             "sys.argv = ['scaleout', 'levels']\n"
             "entry()\n")
    (tmp_path / "order_probe.py").write_text(probe)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO), str(tmp_path)])}
    done = subprocess.run([sys.executable, "-m", "order_probe"], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1] == "True"
