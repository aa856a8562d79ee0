"""Starting the sandbox PostgreSQL on Windows through ``pg_ctl`` (Qt-free).

Why not run ``postgres.exe`` directly as on Linux/macOS: PostgreSQL refuses to run under an
account with administrative rights ("Execution of PostgreSQL by a user with administrative
permissions is not permitted") unless it is started by ``pg_ctl``, which launches it with a
restricted token (``CreateRestrictedProcess`` in ``src/bin/pg_ctl/pg_ctl.c``); GitHub's Windows
runners, and many developer accounts, are administrators. ``initdb`` drops the rights itself.

How the server is tracked: ``pg_ctl start -w`` returns once ``postmaster.pid`` says "ready";
its first line is the postmaster's pid (pg_ctl's own child is a ``cmd /C`` shell, not the
server). :class:`Postmaster` opens a handle on that pid right away (so a reused pid cannot
fool us later) and puts the server into a job object of ours with
``JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE``: if the console dies without running
``Sandbox.stop()``, Windows closes our handle and ends the server and its backends. (Since
Windows 8 a process may belong to nested jobs; pg_ctl's own job holds the server too, and ours
has no UI limits, which is what AssignProcessToJobObject requires.) A normal stop is
``pg_ctl stop -m fast``, then TerminateJobObject if the server does not finish in time.

The argument builders and the ``postmaster.pid`` reader are platform-independent and unit-tested
on Linux; the ctypes part only runs on Windows.
"""

from __future__ import annotations

import logging
import re
import subprocess
import sys
import time
from pathlib import Path

from aurora_console.core.private_files import open_private
from aurora_console.sandbox.postgres_env import NO_WINDOW, PostgresError, exe_name, file_tail, short_temp_dir

log = logging.getLogger(__name__)

# characters cmd.exe interprets (pg_ctl runs: cmd /D /C ""postgres.exe" -D ... OPTIONS < nul >> log")
_CMD_SPECIAL = set('"%&|<>^!\r\n')
_SETTING_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_.]*")


def server_options(host: str, port: int, settings: dict[str, str], socket_dir: Path | None = None) -> str:
    """The ``-o`` string pg_ctl appends to the postgres command line (through ``cmd /C``).

    Only TCP on ``host``: ``-k``/``unix_socket_permissions`` do not apply on Windows (``socket_dir``
    is for the same start path on Linux/macOS, as the tests use it). A value with spaces is
    double-quoted; names and values that cmd.exe would interpret are refused.
    """
    parts = ["-p", str(int(port)), "-h", host]
    if socket_dir is not None:
        if _CMD_SPECIAL & set(str(socket_dir)):
            raise PostgresError(f"unusable socket folder {socket_dir}")
        parts += ["-k", f'"{socket_dir}"', "-c", "unix_socket_permissions=0700"]
    for name, value in settings.items():
        value = str(value)
        if not isinstance(name, str) or not _SETTING_NAME.fullmatch(name):  # whole name: no trailing newline
            raise PostgresError(f"invalid PostgreSQL setting name {name!r}")
        if _CMD_SPECIAL & set(value):
            raise PostgresError(f"PostgreSQL setting {name} has characters cmd.exe would interpret")
        pair = f"{name}={value}"
        parts += ["-c", f'"{pair}"' if any(c.isspace() for c in pair) else pair]
    return " ".join(parts)


def pg_ctl_start_argv(bin_dir: Path, data_dir: Path, log_file: Path, options: str, timeout: float,
                      platform: str = "win32") -> list[str]:
    """``pg_ctl start -w -t SECS -D DATA -l LOG -o OPTIONS`` (subprocess quotes each item)."""
    return [str(bin_dir / exe_name("pg_ctl", platform)), "start", "-w", "-t", str(max(1, int(timeout))),
            "-D", str(data_dir), "-l", str(log_file), "-o", options]


def pg_ctl_stop_argv(bin_dir: Path, data_dir: Path, wait: bool = False, platform: str = "win32") -> list[str]:
    """``pg_ctl stop -m fast`` (``-W``: do not wait; we wait on our own process handle)."""
    return [str(bin_dir / exe_name("pg_ctl", platform)), "stop", "-D", str(data_dir), "-m", "fast",
            "-w" if wait else "-W"]


def postmaster_pid(data_dir: Path, started_after: float | None = None) -> int | None:
    """The running postmaster's pid from ``postmaster.pid`` (None: no file, single-user, garbage).

    With ``started_after`` (a time.time() value), a file whose start time (line 3) is older is
    ignored, as pg_ctl itself does: a stale file must never make us adopt, and later terminate,
    whatever process now has that pid.
    """
    try:
        lines = (data_dir / "postmaster.pid").read_text(encoding="ascii", errors="replace").splitlines()
        pid = int(lines[0].strip())
        if started_after is not None and int(lines[2].strip()) < int(started_after):
            return None
    except (OSError, ValueError, IndexError):
        return None
    return pid if pid > 0 else None


class Postmaster:
    """A handle on a postmaster we did not spawn ourselves, with the parts of Popen stop() uses.

    ``ops`` is the process API: :mod:`aurora_console.sandbox.win32_job` (the default, Windows),
    or an object with the same functions (the Linux tests run the pg_ctl path with one).
    """

    ops = None  # class-wide override; None: win32_job

    def __init__(self, pid: int) -> None:
        if self.ops is None:
            from aurora_console.sandbox import win32_job as ops
        else:
            ops = self.ops
        self._ops = ops
        self.pid = pid
        self._handle = ops.open_process(pid)
        self._job = ops.kill_on_close_job()
        self.in_job = ops.assign(self._job, self._handle)
        self.returncode: int | None = None

    def poll(self) -> int | None:
        if self.returncode is None and self._handle is not None:
            self.returncode = self._ops.exit_code(self._handle)
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        if self.poll() is None and not self._ops.wait(self._handle, timeout):
            raise subprocess.TimeoutExpired("postgres", timeout or 0)
        return self.poll() or 0

    def terminate(self) -> None:
        """End the server and its backends (the whole job), else the postmaster alone."""
        if self.in_job:
            self._ops.terminate_job(self._job)
        else:
            self._ops.terminate_process(self._handle)

    def close(self) -> None:
        """Release the handles (kill-on-close then ends whatever is still in the job)."""
        self._ops.close(self._handle)
        self._ops.close(self._job)
        self._handle = self._job = None


def start_with_pg_ctl(server, timeout: float) -> Postmaster:
    """``pg_ctl start -w`` for a :class:`~aurora_console.sandbox.postgres.PostgresServer`, then a
    handle on the postmaster from postmaster.pid (raises PostgresError when it did not start).

    pg_ctl's output goes to its own file: its ``cmd /C`` child lives as long as the server
    and inherits pg_ctl's standard handles (a pipe here would never reach end-of-file).
    """
    socket_dir = None
    if sys.platform != "win32":  # pg_ctl mode on Linux/macOS (tests): keep the socket private
        server._socket_dir = socket_dir = short_temp_dir("pgsock-")
        server.run_as.chown(socket_dir)
    options = server_options(server.host, server.port, server.settings, socket_dir=socket_dir)
    argv = pg_ctl_start_argv(server.bin_dir, server.data_dir, server.log_file, options, timeout,
                             platform=server._tool_platform)
    ctl_log = server.pg_ctl_log
    with open_private(server.log_file, "ab", private_parent=False) as log_handle:
        log_handle.write(f"--- {time.strftime('%Y-%m-%d %H:%M:%S')} pg_ctl start, port {server.port}\n".encode())
    if server.run_as.switches:
        server.run_as.chown(server.log_file)
    launched_at = time.time() - 2  # pg_ctl's own slack for the pid file's start time
    with open_private(ctl_log, "ab", private_parent=False) as out:
        try:
            result = subprocess.run(argv, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
                                    cwd=server.data_dir, env=server._env(), timeout=timeout + 30,
                                    **NO_WINDOW, **server.run_as.popen_kwargs())
        except (OSError, subprocess.SubprocessError) as exc:
            raise PostgresError(f"could not run {argv[0]}: {exc}") from None
    proc = None
    pid = postmaster_pid(server.data_dir, started_after=launched_at)
    if pid is not None:
        try:
            proc = Postmaster(pid)
        except OSError as exc:
            log.warning("cannot open PostgreSQL process %s: %s", pid, exc)
    if result.returncode == 0 and proc is None:  # running, but we cannot watch it: stop it
        subprocess.run(pg_ctl_stop_argv(server.bin_dir, server.data_dir, wait=True,
                                    platform=server._tool_platform),
                       stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                       env=server._env(), timeout=60, check=False, **NO_WINDOW, **server.run_as.popen_kwargs())
    if result.returncode != 0 or proc is None:
        raise PostgresError(
            f"pg_ctl start failed (exit {result.returncode}): {file_tail(ctl_log, 5)}; "
            f"log {server.log_file}:\n{server.log_tail()}"
        )
    return proc

