"""The Windows start path (pg_ctl start/stop, pid from postmaster.pid), run here on Linux.

Windows itself cannot run here: the command builders are checked as text for win32, and the
whole PostgresServer pg_ctl flow runs against the real pg_ctl/postgres binaries of this
machine, with POSIX process operations in place of the Win32 handle/job calls.
"""

from __future__ import annotations

import os
import shutil
import signal
import time
from pathlib import Path

import pytest

from aurora_console.sandbox import postgres_env, postgres_win
from aurora_console.sandbox.postgres import PostgresServer, _stop_steps
from aurora_console.sandbox.postgres_env import PostgresError, RunAs, find_postgres_bin, short_temp_dir
from tests.rig.pg import FAST_SETTINGS


@pytest.mark.unit
def test_windows_commands_use_pg_ctl_exe_and_tcp_only() -> None:
    bin_dir, data, log = Path("C:/PG/17/bin"), Path("C:/Users/u/AppData/pg"), Path("C:/Users/u/pg.log")
    opts = postgres_win.server_options("127.0.0.1", 5433, {"fsync": "off", "search_path": "a, b"})
    assert opts == '-p 5433 -h 127.0.0.1 -c fsync=off -c "search_path=a, b"'
    assert "-k" not in opts and "unix_socket" not in opts
    start = postgres_win.pg_ctl_start_argv(bin_dir, data, log, opts, 60)
    assert start == [str(bin_dir / "pg_ctl.exe"), "start", "-w", "-t", "60", "-D", str(data), "-l", str(log),
                     "-o", opts]
    assert postgres_win.pg_ctl_stop_argv(bin_dir, data)[1:] == ["stop", "-D", str(data), "-m", "fast", "-W"]
    assert _stop_steps(30.0, use_pg_ctl=True) == [("pg_ctl", 30.0), ("terminate", 5.0)]


@pytest.mark.unit
@pytest.mark.parametrize("name,value", [("fsync", "off & calc"), ("x", 'a"b'), ("bad name", "1"), ("a", "%PATH%")])
def test_server_options_refuse_what_cmd_would_interpret(name: str, value: str) -> None:
    with pytest.raises(PostgresError):
        postgres_win.server_options("127.0.0.1", 5432, {name: value})


@pytest.mark.unit
def test_postmaster_pid_reads_the_first_line(tmp_path: Path) -> None:
    assert postgres_win.postmaster_pid(tmp_path) is None
    (tmp_path / "postmaster.pid").write_text("4242\nC:/data\n1700000000\n5432\n\n127.0.0.1\n  1  2\nready   \n")
    assert postgres_win.postmaster_pid(tmp_path) == 4242
    assert postgres_win.postmaster_pid(tmp_path, started_after=1699999999) == 4242
    assert postgres_win.postmaster_pid(tmp_path, started_after=1700000100) is None  # stale file: ignored
    (tmp_path / "postmaster.pid").write_text("-4242\n")  # single-user backend: not a postmaster
    assert postgres_win.postmaster_pid(tmp_path) is None


@pytest.mark.unit
def test_windows_binaries_and_install_folders(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    assert postgres_env.exe_name("pg_ctl", "win32") == "pg_ctl.exe"
    assert postgres_env.exe_name("pg_ctl", "linux") == "pg_ctl"
    for version in ("9.6", "17", "16"):
        (tmp_path / "PostgreSQL" / version / "bin").mkdir(parents=True)
    found = postgres_env.windows_install_bins([str(tmp_path), None])
    assert found == [tmp_path / "PostgreSQL" / v / "bin" for v in ("17", "16", "9.6")]
    folder = found[0]
    for name in ("postgres.exe", "initdb.exe"):
        (folder / name).touch()
    assert not postgres_env._has_server(folder, "win32")  # pg_ctl.exe is required there
    (folder / "pg_ctl.exe").touch()
    assert postgres_env._has_server(folder, "win32") and not postgres_env._has_server(folder, "linux")


class PosixOps:
    """The win32_job functions for a process that is not our child, on Linux (no job object)."""

    open_process = staticmethod(lambda pid: pid)
    kill_on_close_job = staticmethod(lambda: None)
    assign = staticmethod(lambda job, handle: False)
    close = staticmethod(lambda handle: None)

    @staticmethod
    def exit_code(pid: int) -> int | None:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            return 0
        return 0 if state == "Z" else None

    @staticmethod
    def wait(pid: int, timeout: float | None) -> bool:
        deadline = time.monotonic() + (timeout if timeout is not None else 1e9)
        while PosixOps.exit_code(pid) is None:
            if time.monotonic() > deadline:
                return False
            time.sleep(0.05)
        return True

    @staticmethod
    def terminate_process(pid: int) -> None:
        os.kill(pid, signal.SIGKILL)


@pytest.mark.integration
@pytest.mark.skipif(find_postgres_bin() is None or not (find_postgres_bin() / "pg_ctl").is_file(),
                    reason="no PostgreSQL binaries with pg_ctl")
def test_pg_ctl_start_path_serves_and_stops(monkeypatch: pytest.MonkeyPatch) -> None:
    """start() through pg_ctl: the pid comes from postmaster.pid; stop() is pg_ctl stop -m fast."""
    monkeypatch.setattr(postgres_win.Postmaster, "ops", PosixOps)
    folder = short_temp_dir("pgctl-")  # reachable by the server account when we are root
    RunAs.for_current_process().chown(folder)
    server = PostgresServer(folder / "data", password="pw-secret", settings=FAST_SETTINGS, use_pg_ctl=True)
    try:
        with server:
            assert isinstance(server._proc, postgres_win.Postmaster)
            pid = server.pid
            assert pid == postgres_win.postmaster_pid(server.data_dir)
            with server.connect() as conn:
                assert conn.execute("SELECT pg_backend_pid() <> %s", (pid,)).fetchone() == (True,)
                assert conn.execute("SHOW fsync").fetchone() == ("off",)
        assert PosixOps.exit_code(pid) == 0  # stopped by pg_ctl stop -m fast, not killed
        assert not (server.data_dir / "postmaster.pid").exists()  # a clean shutdown removes it
        assert "pg_ctl start" in server.log_file.read_text()
    finally:
        server.remove_data()
        shutil.rmtree(folder, ignore_errors=True)


@pytest.mark.unit
@pytest.mark.skipif(__import__("ctypes").sizeof(__import__("ctypes").c_void_p) != 8, reason="64-bit layout")
def test_job_limit_structures_match_the_win64_layout() -> None:
    """JOBOBJECT_BASIC_LIMIT_INFORMATION is 64 bytes and the EXTENDED one 144 on 64-bit Windows."""
    import ctypes

    from aurora_console.sandbox import win32_job

    assert ctypes.sizeof(win32_job._BasicLimit) == 64
    assert ctypes.sizeof(win32_job._ExtendedLimit) == 144
    assert win32_job._ExtendedLimit.IoInfo.offset == 64
