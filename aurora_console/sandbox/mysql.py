"""A real local MySQL-compatible server (MariaDB, or MySQL 8.0 where installed) for the sandbox and
the test rig (Qt-free, POSIX).

>>> with MysqlServer(folder / "mysql", password="secret", tls=tls) as my:   # doctest: +SKIP
...     my.create_database("shop")
...     MYSQL.connect(**my.connect_kwargs("shop"))

* ``mariadb-install-db`` (without the ``test`` database) runs on first start (empty data folder);
  later starts reuse the data. The server runs as our child process, listening on 127.0.0.1
  only, its Unix socket in a short private temporary folder; on Linux it gets SIGTERM (a clean
  shutdown) if our process dies, so no server outlives us.
* When we run as root, both run as ``mysql`` (else ``nobody``), as the PostgreSQL server does
  (:class:`~aurora_console.sandbox.postgres_env.RunAs`); a data folder that account cannot reach
  is moved under the temp folder by :mod:`aurora_console.sandbox.postgres_relocation`.
* Login: the account ``admin`` (every privilege, any host) with the given password, created or
  re-keyed at each start through a one-shot ``--init-file`` (private, deleted once the server
  answers); ``root`` keeps MariaDB's socket-only login.
* TLS (``tls``: a :class:`~aurora_console.sandbox.tls.SandboxTls`): the certificate and key are
  copied into the data folder for the server account; the server then accepts TLS and
  ``require_secure_transport`` can be asked for through ``settings``.
* Server output goes to ``mysql.log`` next to the requested data folder.
"""

from __future__ import annotations

import logging
import os
import shutil
import signal
import subprocess
import threading
import time
from pathlib import Path
from types import TracebackType

from aurora_console.core.private_files import open_private, private_dir
from aurora_console.sandbox.postgres_env import (
    RunAs,
    file_tail,
    free_port,
    is_root,
    parent_death_preexec,
    short_temp_dir,
)
from aurora_console.sandbox.postgres_relocation import claim_data_dir, release, remove_data_dir

log = logging.getLogger(__name__)

__all__ = ["HOST", "MysqlError", "MysqlServer", "find_mysql_server"]

HOST = "127.0.0.1"
ADMIN_USER = "admin"

#: Where distributions put the server and its bootstrap script.
_SERVER_NAMES = ("mariadbd", "mysqld")
_SEARCH = (Path("/usr/sbin"), Path("/usr/libexec"), Path("/usr/local/sbin"), Path("/usr/bin"),
           Path("/usr/local/bin"), Path("/opt/homebrew/bin"), Path("/usr/local/mysql/bin"))


class MysqlError(RuntimeError):
    """The server could not be set up, started or stopped; the message says why."""


def find_mysql_server() -> tuple[Path, Path] | None:
    """(server binary, ``mariadb-install-db``/``mysql_install_db``) or None when not installed.

    ``MYSQL_BIN`` (a folder) is searched first, then the ``PATH`` and the usual system folders.
    """
    folders: list[Path] = []
    if os.environ.get("MYSQL_BIN"):
        folders.append(Path(os.environ["MYSQL_BIN"]))
    folders += [Path(p) for p in os.environ.get("PATH", "").split(os.pathsep) if p]
    folders += list(_SEARCH)
    server = _first(folders, _SERVER_NAMES)
    install = _first(folders, ("mariadb-install-db", "mysql_install_db"))
    if server is None or install is None:
        return None
    return server, install


def _first(folders: list[Path], names: tuple[str, ...]) -> Path | None:
    for name in names:
        for folder in folders:
            candidate = folder / name
            if candidate.is_file() and os.access(candidate, os.X_OK):
                return candidate
    return None


def _run_as() -> RunAs:
    """Ourselves normally; ``mysql`` (else ``nobody``) when we are root."""
    if not is_root():
        return RunAs()
    import pwd

    for name in ("mysql", "nobody"):
        try:
            entry = pwd.getpwnam(name)
        except KeyError:
            continue
        return RunAs(user=name, uid=entry.pw_uid, gid=entry.pw_gid)
    raise MysqlError("running as root but neither a 'mysql' nor a 'nobody' account exists")


def _quote(text: str) -> str:
    """``text`` as a MySQL string literal (for the init file, which takes no parameters)."""
    return "'" + text.replace("\\", "\\\\").replace("'", "''") + "'"


class MysqlServer:
    """One MariaDB/MySQL server process on 127.0.0.1 (see the module docstring)."""

    def __init__(self, data_dir: Path | str, *, password: str, port: int = 0, tls=None,
                 settings: dict[str, str] | None = None, log_file: Path | str | None = None) -> None:
        found = find_mysql_server()
        self.requested_data_dir = Path(data_dir).expanduser().absolute()
        self.server_bin, self.install_bin = found if found else (None, None)
        self.user = ADMIN_USER
        self._password = password
        self._wanted_port = port
        self.port = port
        self.tls = tls
        self.settings = dict(settings or {})
        self.log_file = Path(log_file) if log_file else self.requested_data_dir.parent / "mysql.log"
        self.run_as = _run_as()
        self.data_dir = self.requested_data_dir
        self._socket_dir: Path | None = None
        self._proc: subprocess.Popen | None = None
        self._keeper: threading.Thread | None = None
        self._holder_lock: int | None = None
        self._installer: subprocess.Popen | None = None
        self._installs = 0  # install-db runs started (a retry is allowed after one failed run)
        self._stop_asked = False

    def __repr__(self) -> str:  # never shows the password
        state = f"port {self.port}" if self.running else "stopped"
        return f"<MysqlServer {self.data_dir} {state}>"

    # ----------------------------------------------------------------- connection info
    @property
    def host(self) -> str:
        return HOST

    @property
    def password(self) -> str:
        return self._password

    @property
    def running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    @property
    def ca_file(self) -> Path | None:
        return self.tls.ca_file if self.tls is not None else None

    def connect_kwargs(self, database: str | None = None, *, tls: bool = True) -> dict:
        """Keyword arguments for ``MYSQL.connect``: the admin login, TLS verify-full against the
        private CA (its certificate names 127.0.0.1) when the server has TLS and ``tls`` is true."""
        kw: dict = {"host": HOST, "port": self.port, "user": self.user, "password": self._password,
                    "database": database, "connect_timeout": 10, "tls_mode": "disable"}
        if tls and self.tls is not None:
            kw.update(tls_mode="verify-full", tls_ca=str(self.tls.ca_file))
        return kw

    def connect(self, database: str | None = None, **kwargs):
        from aurora_console.core.connections.engines.mysql import MYSQL

        return MYSQL.connect(**{**self.connect_kwargs(database), **kwargs})

    def execute(self, *statements: str, database: str | None = None) -> None:
        """Run ``statements`` as the admin account (autocommit)."""
        conn = self.connect(database)
        try:
            with conn.cursor() as cur:
                for statement in statements:
                    cur.execute(statement)
        finally:
            conn.close()

    # ----------------------------------------------------------------- databases
    def create_database(self, name: str) -> dict:
        """Create database ``name`` (utf8mb4); its ``connect_kwargs``."""
        self.execute(f"CREATE DATABASE `{_ident(name)}` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci")
        return self.connect_kwargs(name)

    def drop_database(self, name: str) -> None:
        self.execute(f"DROP DATABASE IF EXISTS `{_ident(name)}`")

    # ----------------------------------------------------------------- lifecycle
    def start(self, timeout: float = 60.0) -> MysqlServer:
        """Initialise the data folder if needed, start the server, wait until the admin logs in."""
        if self.running:
            return self
        self._stop_asked = False
        if self.server_bin is None:
            raise MysqlError("no MariaDB/MySQL server found: install mariadb-server (or set MYSQL_BIN)")
        try:
            self._start(timeout)
        except BaseException:
            self._holder_lock = release(self._holder_lock)
            raise
        return self

    def _start(self, timeout: float) -> None:
        if self._holder_lock is None:
            try:
                self.data_dir, self._holder_lock = claim_data_dir(self.requested_data_dir, self.run_as)
            except RuntimeError as exc:
                raise MysqlError(str(exc)) from None
        private_dir(self.log_file.parent, narrow_existing=False)
        self.data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        if not (self.data_dir / "mysql").is_dir():
            self._install_fresh()
        self._place_tls()
        attempts = 3 if self._wanted_port == 0 else 1
        for attempt in range(attempts):
            self.port = self._wanted_port or free_port(HOST)
            init_dir = self._write_init_file()
            try:
                self._launch(init_dir / "init.sql")
                self._wait_ready(timeout)
                log.info("MySQL-compatible server running on %s:%s (pid %s)", HOST, self.port, self._proc.pid)
                return
            except MysqlError:
                tail = self.log_tail(20)
                port_taken = "Address already in use" in tail or "Can't start server: Bind" in tail
                lock, self._holder_lock = self._holder_lock, None
                self.stop(timeout=10.0)
                self._holder_lock = lock
                if not (port_taken and attempt + 1 < attempts):
                    raise
            finally:
                shutil.rmtree(init_dir, ignore_errors=True)

    def stop(self, timeout: float = 30.0) -> None:
        """Clean shutdown (SIGTERM); SIGKILL if it does not finish within ``timeout``. A first
        start still initialising the data folder is ended too (its start then fails)."""
        installer = self._installer
        if installer is not None and installer.poll() is None:
            self._stop_asked = True  # no second try of an install stopped on purpose
            _kill_group(installer)
        proc, keeper = self._proc, self._keeper
        if proc is not None:
            for sig, wait in ((signal.SIGTERM, timeout), (signal.SIGKILL, 5.0)):
                if proc.poll() is not None:
                    break
                try:
                    proc.send_signal(sig)
                except (ProcessLookupError, OSError):
                    pass
                if keeper is not None:
                    keeper.join(wait)
                else:
                    try:
                        proc.wait(wait)
                    except subprocess.TimeoutExpired:
                        pass
        if keeper is not None:
            keeper.join(5.0)
        self._proc = self._keeper = None
        if self._socket_dir is not None:
            shutil.rmtree(self._socket_dir, ignore_errors=True)
            self._socket_dir = None
        self._holder_lock = release(self._holder_lock)

    def remove_data(self) -> None:
        """Stop the server and delete its data folder (a relocated one with its holder)."""
        self.stop()
        remove_data_dir(self.requested_data_dir, self.run_as)

    def __enter__(self) -> MysqlServer:
        return self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()

    def log_tail(self, lines: int = 30) -> str:
        return file_tail(self.log_file, lines)

    # ----------------------------------------------------------------- internals
    def _env(self) -> dict[str, str]:
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LC_ALL": "C", "LANG": "C"}
        if "TZ" in os.environ:
            env["TZ"] = os.environ["TZ"]
        return env

    def _install_fresh(self) -> None:
        """``_install_db``, once more on an empty folder when the first try fails: MariaDB's bootstrap
        server has crashed (SIGSEGV) now and then on a loaded machine, which a second run gets past.
        A folder without the ``mysql`` schema holds only what an install killed midway left (the
        console closed within seconds of a first start): emptied first, else install-db fails on
        its InnoDB files ("wrong space ID") at every later start."""
        leftovers = list(self.data_dir.iterdir())
        if leftovers:
            log.info("removing what an interrupted mariadb-install-db left in %s", self.data_dir)
            self._empty_data_dir()
        empty = not any(self.data_dir.iterdir())
        installer_count = self._installs
        try:
            self._install_db()
        except MysqlError as exc:
            if not empty or self._installs != installer_count + 1 or self._stop_asked:
                raise
            log.warning("mariadb-install-db failed, trying once more: %s", str(exc).splitlines()[0])
            self._empty_data_dir()
            self._install_db()

    def _empty_data_dir(self) -> None:
        for child in list(self.data_dir.iterdir()):
            shutil.rmtree(child) if child.is_dir() and not child.is_symlink() else child.unlink()

    def _install_db(self) -> None:
        self.run_as.chown(self.data_dir, recursive=True)
        argv = [str(self.install_bin), "--no-defaults", f"--datadir={self.data_dir}", "--skip-test-db",
                "--skip-name-resolve", "--auth-root-authentication-method=socket"]
        if self.server_bin.parent != Path("/usr/sbin"):
            argv.append(f"--basedir={self.server_bin.parent.parent}")
        with open_private(self.log_file, "ab", private_parent=False) as out:
            out.write(f"--- {time.strftime('%Y-%m-%d %H:%M:%S')} install-db\n".encode())
            out.flush()
            # its own process group, so that stop() ends it with its bootstrap server
            installer = subprocess.Popen(argv, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                         cwd=self.data_dir, env=self._env(), start_new_session=True,
                                         **self.run_as.popen_kwargs())
            self._installer = installer
            self._installs += 1
            try:
                code = installer.wait(180)
            except subprocess.TimeoutExpired:
                _kill_group(installer)
                code = installer.wait()
            finally:
                self._installer = None
        if code != 0:
            shutil.rmtree(self.data_dir / "mysql", ignore_errors=True)  # half made: made again next time
            raise MysqlError(f"mariadb-install-db failed (exit {code}); log {self.log_file}:\n"
                             f"{self.log_tail(80)}")

    def reload_tls(self, tls) -> None:
        """Serve ``tls`` from now on without a restart (the sandbox re-issued its certificate: its
        endpoint names changed after AWS was seeded again): the files copied into the data folder,
        then ``FLUSH SSL`` (MariaDB 10.4+) or ``ALTER INSTANCE RELOAD TLS`` (MySQL 8)."""
        self.tls = tls
        if not self.running:
            return
        self._place_tls()
        # encrypted but not verified: the server still shows the old certificate until it reloads
        conn = self.connect(tls_mode="require")
        try:
            with conn.cursor() as cur:
                try:
                    cur.execute("FLUSH SSL")
                except Exception:  # noqa: BLE001 - MySQL 8 spells it otherwise
                    cur.execute("ALTER INSTANCE RELOAD TLS")
        finally:
            conn.close()

    def _place_tls(self) -> None:
        """Copy the certificate and key where the server account can read them."""
        if self.tls is None:
            return
        for src, name in ((self.tls.cert_file, "server-cert.pem"), (self.tls.key_file, "server-key.pem"),
                          (self.tls.ca_file, "ca.pem")):
            dst = self.data_dir / name
            shutil.copyfile(src, dst)
            os.chmod(dst, 0o600)
            self.run_as.chown(dst)

    def _write_init_file(self) -> Path:
        """A one-shot init file (private, the server account's) creating or re-keying the admin."""
        folder = short_temp_dir("myinit-")
        pw = _quote(self._password)
        sql = (f"CREATE USER IF NOT EXISTS '{ADMIN_USER}'@'%' IDENTIFIED BY {pw};\n"
               f"ALTER USER '{ADMIN_USER}'@'%' IDENTIFIED BY {pw};\n"
               f"GRANT ALL PRIVILEGES ON *.* TO '{ADMIN_USER}'@'%' WITH GRANT OPTION;\n")
        path = folder / "init.sql"
        with open_private(path, "w", private_parent=False) as handle:
            handle.write(sql)
        self.run_as.chown(folder, recursive=True)
        return folder

    def _argv(self, init_file: Path) -> list[str]:
        argv = [str(self.server_bin), "--no-defaults", f"--datadir={self.data_dir}", f"--port={self.port}",
                f"--bind-address={HOST}", f"--socket={self._socket_dir / 'mysqld.sock'}",
                f"--pid-file={self._socket_dir / 'mysqld.pid'}", "--skip-name-resolve",
                f"--log-error={self.log_file}", f"--init-file={init_file}", "--skip-log-bin",
                "--innodb-buffer-pool-size=32M", "--innodb-log-file-size=16M",
                "--character-set-server=utf8mb4", "--collation-server=utf8mb4_unicode_ci",
                "--max-connections=200"]
        if self.tls is not None:
            argv += [f"--ssl-ca={self.data_dir / 'ca.pem'}", f"--ssl-cert={self.data_dir / 'server-cert.pem'}",
                     f"--ssl-key={self.data_dir / 'server-key.pem'}"]
        for name, value in self.settings.items():
            argv.append(f"--{name}={value}")
        return argv

    def _launch(self, init_file: Path) -> None:
        self._socket_dir = short_temp_dir("mysock-")
        self.run_as.chown(self._socket_dir)
        # the error log is written by the server account: it must be able to open it
        with open_private(self.log_file, "ab", private_parent=False) as out:
            out.write(f"--- {time.strftime('%Y-%m-%d %H:%M:%S')} server on port {self.port}\n".encode())
        self.run_as.chown(self.log_file)
        argv = self._argv(init_file)
        ready = threading.Event()
        outcome: dict = {}

        def keep() -> None:
            # spawned here, and this thread waits for it: PR_SET_PDEATHSIG fires when the forking
            # thread exits (see sandbox/postgres.py)
            try:
                outcome["proc"] = subprocess.Popen(
                    argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                    cwd=self.data_dir, env=self._env(), start_new_session=True,
                    preexec_fn=parent_death_preexec(signal.SIGTERM), **self.run_as.popen_kwargs())
            except BaseException as exc:  # reported to start()
                outcome["error"] = exc
                return
            finally:
                ready.set()
            outcome["proc"].wait()

        self._keeper = threading.Thread(target=keep, name=f"mysqld:{self.port}", daemon=True)
        self._keeper.start()
        ready.wait()
        if "error" in outcome:
            raise MysqlError(f"could not run {argv[0]}: {outcome['error']}")
        self._proc = outcome["proc"]

    def _wait_ready(self, timeout: float) -> None:
        import pymysql

        deadline = time.monotonic() + timeout
        last_error = ""
        while True:
            code = self._proc.poll()
            if code is not None:
                raise MysqlError(f"the MySQL server exited with code {code} while starting; "
                                 f"log {self.log_file}:\n{self.log_tail()}")
            try:
                conn = pymysql.connect(host=HOST, port=self.port, user=self.user, password=self._password,
                                       connect_timeout=2)
                conn.close()
                return
            except pymysql.err.MySQLError as exc:
                last_error = str(exc)
            if time.monotonic() > deadline:
                raise MysqlError(f"the MySQL server did not accept logins within {timeout:.0f} s "
                                 f"({last_error}); log {self.log_file}:\n{self.log_tail()}")
            time.sleep(0.05)


def _kill_group(proc: subprocess.Popen) -> None:
    """SIGKILL ``proc``'s process group (a start_new_session child and what it started)."""
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError, OSError):
        pass


def _ident(name: str) -> str:
    """A database name for a backtick-quoted identifier (backticks doubled; NUL refused)."""
    if not name or "\0" in name:
        raise ValueError(f"not a database name: {name!r}")
    return name.replace("`", "``")
