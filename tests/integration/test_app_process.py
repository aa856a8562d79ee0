"""The real program as a user starts it: smoke tests, Ctrl+C, and no process left behind."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

from aurora_console.sandbox.postgres_env import RunAs
from aurora_console.sandbox.postgres_relocation import usable_data_dir

pytestmark = pytest.mark.integration


def _env(home: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["QT_QPA_PLATFORM"] = "offscreen"
    env["AURORA_CONSOLE_HOME"] = str(home / "aurora-console")
    return env


def _is_endpoint_child(proc: psutil.Process, cmd: str) -> bool:
    """An orphaned sandbox AWS endpoint process (``python -m aurora_console.sandbox.aws_process``,
    or the frozen app's ``sandbox-aws-endpoint``) started since this test module was loaded: its
    console is gone (a living console or test process as its parent is a sandbox still in use)."""
    if "aurora_console.sandbox.aws_process" not in cmd and "sandbox-aws-endpoint" not in cmd:
        return False
    try:
        if proc.create_time() < _LOADED_AT:
            return False
        parent = proc.parent()
        if parent is None or parent.pid <= 1:
            return True
        owner = " ".join(parent.cmdline())
        return "aurora_console" not in owner and "pytest" not in owner
    except psutil.Error:
        return False


_LOADED_AT = time.time()


def _leftovers(sandbox_dir: Path) -> list[str]:
    data_dir = str(usable_data_dir((sandbox_dir / "pg").absolute(), RunAs.for_current_process()))
    key = str(sandbox_dir / "bastion")
    found = []
    for p in psutil.process_iter(["cmdline"]):
        cmd = " ".join(p.info["cmdline"] or [])
        if (data_dir in cmd and "postgres" in cmd) or key in cmd or _is_endpoint_child(p, cmd):
            found.append(cmd)
    return found


def _leftovers_after_exit(sandbox_dir: Path, within: float = 15.0) -> list[str]:
    """The sandbox's processes still running ``within`` seconds after the console exited (a
    per-connection sshd or a postgres backend ends on its own just after its parent; a fixed wait
    for that can be too short on a loaded machine)."""
    deadline = time.monotonic() + within
    while (found := _leftovers(sandbox_dir)) and time.monotonic() < deadline:
        time.sleep(0.2)
    return found


def _run_smoke(args, home, timeout=240):
    proc = subprocess.run([sys.executable, "-m", "aurora_console", "--smoke-test", *args], env=_env(home),
                          capture_output=True, text=True, timeout=timeout)
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("{")]
    assert lines, proc.stdout + proc.stderr
    return proc.returncode, json.loads(lines[-1]), proc.stderr


@pytest.mark.no_aws_credentials  # no AWS credentials anywhere: normal mode on no profile, no AWS call
def test_smoke_test_normal_mode(isolated_env):
    code, report, err = _run_smoke([], isolated_env)
    assert code == 0, (report, err)
    assert report["ok"] and report["mode"] == "normal" and report["errors"] == []
    t = report["timings"]
    assert 0 < t["imports"] <= t["first_paint"] <= t["ready"]


def test_smoke_test_fails_with_exit_1_on_a_broken_profile(isolated_env):
    (isolated_env / "home/.aws/config").write_text("[profile broken]\nregion = us-east-1\n")
    code, report, _ = _run_smoke(["--profile", "broken", "--endpoint-url", "http://127.0.0.1:9"], isolated_env)
    assert code == 1 and not report["ok"] and report["errors"]


def test_sandbox_smoke_test_reaches_the_database_and_leaves_nothing(isolated_env, tmp_path):
    sandbox_dir = tmp_path / "sbx"
    code, report, err = _run_smoke(["--sandbox", "--sandbox-dir", str(sandbox_dir)], isolated_env)
    assert code == 0, (report, err[-3000:])
    assert report["mode"] == "sandbox" and {"aurora-postgresql", "aurora-mysql"} <= set(report["engines"])
    assert report["clusters"] >= 4
    checks = report["checks"]
    assert checks["database"] is True and checks["tls"] is True and "tunnel" in checks["route"]
    assert _leftovers_after_exit(sandbox_dir) == []
    # begun before the window was built (sandbox/early_start.py): its first phase precedes the first paint
    log_text = (isolated_env / "aurora-console" / "logs" / "aurora-console.log").read_text()
    made, painted = log_text.rfind("sandbox phase: sandbox made"), log_text.rfind("(sandbox=True)")
    assert 0 <= made < painted, log_text[-3000:]


_IMPORT_LISTS_WATCHED = """
import json, runpy, sys, threading
shifted = []

class Watched(list):
    # a change that moves the entries of sys.meta_path / sys.path while another thread may be
    # walking them (importlib walks the live list: an entry taken off the front skips the next)
    def _moved(self, what):
        if threading.active_count() > 1:
            shifted.append(f"{self.name}.{what} on {threading.current_thread().name} beside "
                           f"{[t.name for t in threading.enumerate() if t is not threading.current_thread()]}")
    def insert(self, i, x):
        self._moved("insert"); return super().insert(i, x)
    def remove(self, x):
        self._moved("remove"); return super().remove(x)
    def pop(self, *a):
        self._moved("pop"); return super().pop(*a)
    def __delitem__(self, i):
        self._moved("__delitem__"); return super().__delitem__(i)

sys.meta_path = Watched(sys.meta_path); sys.meta_path.name = "sys.meta_path"
sys.path = Watched(sys.path); sys.path.name = "sys.path"
sys.argv = ["aurora_console", *sys.argv[1:]]
try:
    runpy.run_module("aurora_console", run_name="__main__", alter_sys=True)
finally:
    with open(REPORT, "w") as f:
        json.dump(shifted, f)
"""


def test_no_import_list_is_reordered_while_the_sandbox_threads_import(isolated_env, tmp_path):
    """The sandbox begins on threads of its own before Qt is imported; shiboken6's import puts an
    importer at the front of sys.meta_path and takes it off again, which made a thread's import
    fail now and then ("No module named 'datetime'"). Nothing may move those lists' entries
    while another thread runs."""
    report = tmp_path / "shifted.json"
    code = _IMPORT_LISTS_WATCHED.replace("REPORT", repr(str(report)))
    proc = subprocess.run([sys.executable, "-c", code, "--smoke-test", "--sandbox", "--sandbox-dir",
                           str(tmp_path / "sbx")], env=_env(isolated_env), capture_output=True, text=True, timeout=240)
    assert report.exists(), proc.stderr[-3000:]
    assert json.loads(report.read_text()) == []
    assert '"ok": true' in proc.stdout, proc.stdout[-2000:] + proc.stderr[-2000:]


def test_ctrl_c_before_the_window_exists_leaves_nothing(isolated_env, tmp_path):
    """The sandbox begins before Qt is imported: a Ctrl+C that lands before the window exists (or
    just after) still ends its endpoint process, PostgreSQL and bastion."""
    sandbox_dir = tmp_path / "sbx"
    proc = subprocess.Popen([sys.executable, "-m", "aurora_console", "--sandbox", "--sandbox-dir", str(sandbox_dir)],
                            env=_env(isolated_env), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        console = psutil.Process(proc.pid)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not any(
                "aws_process" in " ".join(c.cmdline()) for c in console.children()):
            assert proc.poll() is None, proc.communicate()[1][-3000:]
            time.sleep(0.01)
        proc.send_signal(signal.SIGINT)  # at once: the window is still being built, if it is at all
        proc.wait(60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(10)
    assert _leftovers_after_exit(sandbox_dir) == []


def test_ctrl_c_stops_the_sandbox(isolated_env, tmp_path):
    sandbox_dir = tmp_path / "sbx"
    proc = subprocess.Popen([sys.executable, "-m", "aurora_console", "--sandbox", "--sandbox-dir", str(sandbox_dir)],
                            env=_env(isolated_env), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline and len(_leftovers(sandbox_dir)) < 1:
            assert proc.poll() is None, proc.communicate()[1][-3000:]
            time.sleep(0.5)
        assert _leftovers(sandbox_dir), "the sandbox database never started"
        known_hosts = sandbox_dir / "bastion"
        while time.monotonic() < deadline and not any(known_hosts.glob("known_hosts*")):
            time.sleep(0.2)
        time.sleep(1.0)
        proc.send_signal(signal.SIGINT)
        proc.wait(60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(10)
    assert proc.returncode == 0, proc.stderr.read()[-3000:]
    assert _leftovers_after_exit(sandbox_dir) == []


def test_headless_commands_reach_the_running_sandbox(isolated_env, tmp_path):
    """`--sandbox migrate info --profile sandbox-blog` and `--sandbox tunnel sandbox-blog` use the
    sandbox the window started: its SSM password, its bastion, its TLS certificate."""
    import psycopg

    sandbox_dir = tmp_path / "sbx"
    env = _env(isolated_env)
    app = subprocess.Popen([sys.executable, "-m", "aurora_console", "--sandbox", "--sandbox-dir", str(sandbox_dir)],
                           env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    tunnel = None
    try:
        state = sandbox_dir / "sandbox.json"
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline and not (state.exists() and json.loads(state.read_text()).get("bastion")):
            assert app.poll() is None
            time.sleep(0.5)
        base = [sys.executable, "-m", "aurora_console", "--sandbox", "--sandbox-dir", str(sandbox_dir)]
        info = subprocess.run(base + ["migrate", "info", "--profile", "sandbox-blog"], env=env,
                              capture_output=True, text=True, timeout=120)
        assert info.returncode == 0, info.stderr
        assert "current version: 3; pending: 0" in info.stdout.lower() and "applied" in info.stdout
        tunnel = subprocess.Popen(base + ["tunnel", "sandbox-blog"], env=env, stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True)
        port = int(tunnel.stdout.readline().strip())
        data = json.loads(state.read_text())
        password = (sandbox_dir / "db_password").read_text().strip()
        with psycopg.connect(host=data["blog"]["host"], hostaddr="127.0.0.1", port=port, dbname="blog",
                             user=data["blog"]["user"], password=password, sslmode="verify-full",
                             sslrootcert=data["ca_file"], connect_timeout=10) as conn:
            assert conn.execute("select count(*) from posts").fetchone()[0] > 0
            assert conn.pgconn.ssl_in_use
        tunnel.send_signal(signal.SIGINT)
        assert tunnel.wait(30) == 0
    finally:
        for p in (tunnel, app):
            if p is not None and p.poll() is None:
                p.send_signal(signal.SIGINT)
                try:
                    p.wait(60)
                except subprocess.TimeoutExpired:
                    p.kill()
    assert app.returncode == 0
    assert not (sandbox_dir / "sandbox.json").exists()
    assert _leftovers_after_exit(sandbox_dir) == []


def test_sandbox_opens_without_postgresql_and_says_why(isolated_env, tmp_path):
    empty_bin = tmp_path / "no-postgres-here"
    empty_bin.mkdir()
    sandbox_dir = tmp_path / "sbx"
    env = _env(isolated_env)
    env["AURORA_SANDBOX_PG_BIN"] = str(empty_bin)
    proc = subprocess.run([sys.executable, "-m", "aurora_console", "--smoke-test", "--sandbox", "--sandbox-dir",
                           str(sandbox_dir)], env=env, capture_output=True, text=True, timeout=240)
    report = json.loads([ln for ln in proc.stdout.splitlines() if ln.startswith("{")][-1])
    assert proc.returncode == 1  # the smoke test reports the missing database as a failure...
    assert report["clusters"] >= 4  # ...but the AWS side of the sandbox is up and listed
    assert report["checks"]["database"] is False
    assert any("sandbox database" in e and "initdb" in e for e in report["errors"]), report["errors"]
    assert _leftovers_after_exit(sandbox_dir) == []
