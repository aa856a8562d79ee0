"""SSH over Session Manager: the ``ssm`` carrier.

Each SSH connection to the bastion is one Session Manager session with the AWS-owned document
``AWS-StartSSHSession`` (``portNumber`` = the bastion's SSH port), carried by AWS's
``session-manager-plugin`` with SSH on its stdin/stdout (the plugin contract is in
:mod:`.plugin`). The console makes the ``ssm:StartSession`` call itself, so the plugin never
gets AWS credentials.

* paramiko (and the host-key check of both backends): ``open_socket()`` starts a session and
  returns one end of a socket pair whose other end a thread joins to the plugin's pipes
  (:class:`PluginSession`).
* the native backend: ssh's ``ProxyCommand`` is the console's small helper
  (:mod:`.ssm_proxy`) which connects to a relay on 127.0.0.1 that this carrier runs
  (:class:`SessionRelay`, which lets in only the helper holding its cookie); each connection to
  the relay is a new :class:`PluginSession`. ssh
  therefore never runs the plugin itself and the session token never reaches ssh's environment.

When the plugin stops before the bastion's SSH banner arrives, the opening fails with the
plugin's own words (:class:`~.plugin.PluginExited`).
"""

from __future__ import annotations

import logging
import os
import secrets
import shutil
import socket
import subprocess
import tempfile
import threading
import time
from pathlib import Path

from aurora_console.core.aws.bastion_route.carrier import Carrier
from aurora_console.core.aws.bastion_route.instances import ClientFactory, InstanceFacts
from aurora_console.core.aws.bastion_route.plugin import (
    INSTALL_URL,
    PluginExited,
    SessionGrant,
    exit_text,
    find_plugin,
    plugin_version,
    spawn_plugin,
    start_session,
    stop_plugin,
    terminate_session,
)
from aurora_console.core.ssh.config import AwsBastion

log = logging.getLogger(__name__)

SSH_DOCUMENT = "AWS-StartSSHSession"
LABEL = "Session Manager"
CHUNK = 64 * 1024
#: how long the bastion's SSH banner may take to come through a new session
BANNER_TIMEOUT = 30.0
#: the relay's cookie (what the ProxyCommand helper proves it was started by this console with)
COOKIE_BYTES = 32
COOKIE_TIMEOUT = 10.0


class PluginSession:
    """One ``AWS-StartSSHSession`` session: the plugin's stdin/stdout joined to ``socket``.

    The session ends (plugin stopped, ``TerminateSession``) when either side closes."""

    def __init__(self, clients: ClientFactory, aws: AwsBastion, facts: InstanceFacts, plugin: str,
                 version: tuple[int, ...] | None, *, port: int = 22, banner_timeout: float = BANNER_TIMEOUT) -> None:
        self._clients, self._aws = clients, aws
        self.grant: SessionGrant = start_session(clients, aws, target=facts.instance_id, document=SSH_DOCUMENT,
                                                 parameters={"portNumber": [str(port)]},
                                                 target_arn=facts.arn(aws.region))
        self._closed = threading.Event()
        self._said: list[str] = []  # the plugin's stderr, and what it printed before the SSH banner
        self._banner = threading.Event()
        try:
            self.proc = spawn_plugin(plugin, self.grant, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     version=version)
        except BaseException:
            terminate_session(clients, aws, self.grant.session_id)
            raise
        self.socket, self._ours = socket.socketpair()
        for target, name in ((self._stderr, "stderr"), (self._down, "down"), (self._up, "up")):
            threading.Thread(target=target, name=f"ssm-{self.grant.session_id}-{name}", daemon=True).start()
        try:
            self._wait_for_banner(banner_timeout)
        except BaseException:
            self.close()
            raise

    def _wait_for_banner(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while not self._banner.wait(0.05):
            if self.proc.poll() is not None:
                time.sleep(0.05)  # the stderr reader's last lines
                raise PluginExited(f"session-manager-plugin stopped before the bastion answered "
                                   f"(session {self.grant.session_id}; {exit_text(self.proc, ''.join(self._said))}).",
                                   hint="Check the instance's SSM Agent and that its sshd listens; "
                                        f"update the plugin if it is old ({INSTALL_URL}).")
            if time.monotonic() > deadline:
                raise PluginExited(f"The bastion's SSH server did not answer through Session Manager within "
                                   f"{timeout:.0f} s (session {self.grant.session_id}"
                                   + (f"; the plugin said: {' '.join(''.join(self._said).split())}" if self._said else "")
                                   + ").", hint="Check that sshd runs on the instance.")

    def _stderr(self) -> None:
        for raw in iter(self.proc.stderr.readline, b""):
            self._said.append(raw.decode("utf-8", "replace"))
            del self._said[:-40]
        self.proc.stderr.close()

    def _down(self) -> None:  # plugin stdout -> socket
        seen = b""
        try:
            while True:
                data = self.proc.stdout.read1(CHUNK) if hasattr(self.proc.stdout, "read1") else self.proc.stdout.read(1)
                if not data:
                    break
                if not self._banner.is_set():
                    seen += data
                    at = seen.find(b"SSH-")
                    if at < 0:  # the plugin's own lines before the stream ("Starting session with ...")
                        continue
                    self._said.append(seen[:at].decode("utf-8", "replace"))
                    data, seen = seen[at:], b""
                    self._banner.set()
                self._ours.sendall(data)
        except OSError:
            pass
        finally:
            if seen:
                self._said.append(seen.decode("utf-8", "replace"))
            self.close()

    def _up(self) -> None:  # socket -> plugin stdin
        try:
            while True:
                data = self._ours.recv(CHUNK)
                if not data:
                    break
                self.proc.stdin.write(data)
                self.proc.stdin.flush()
        except (OSError, ValueError):
            pass
        finally:
            self.close()

    @property
    def closed(self) -> bool:
        return self._closed.is_set()

    def close(self) -> None:
        if self._closed.is_set():
            return
        self._closed.set()
        for end in (self._ours,):
            try:
                end.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            end.close()
        try:
            self.proc.stdin.close()
        except OSError:
            pass
        threading.Thread(target=self._finish, name=f"ssm-{self.grant.session_id}-end", daemon=True).start()

    def _finish(self) -> None:
        try:
            self.proc.wait(timeout=2)
        except subprocess.TimeoutExpired:
            stop_plugin(self.proc)
        terminate_session(self._clients, self._aws, self.grant.session_id)


class SessionRelay:
    """127.0.0.1 listener for the native backend's ProxyCommand helper: each connection gets a
    new :class:`PluginSession`.

    The helper first sends the relay's cookie, read from an owner-only file (``cookie_file``), so
    another local user cannot make the console start sessions in the user's name; a connection
    without it is closed before any AWS call. The helper then reads one status byte: ``0`` then
    the stream, or ``1`` then the reason the session could not start (it prints it for ssh)."""

    def __init__(self, new_session) -> None:
        self._new_session = new_session
        self._cookie = secrets.token_bytes(COOKIE_BYTES)
        self._folder = Path(tempfile.mkdtemp(prefix="aurora-ssm-"))  # 0700
        self.cookie_file = self._folder / "relay-cookie"
        fd = os.open(self.cookie_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(self._cookie)
        self._listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._listener.bind(("127.0.0.1", 0))
        self._listener.listen(4)
        self.port = self._listener.getsockname()[1]
        self._sessions: list[PluginSession] = []
        self._lock = threading.Lock()
        self._closed = threading.Event()
        threading.Thread(target=self._accept, name=f"ssm-relay-{self.port}", daemon=True).start()

    def _accept(self) -> None:
        while not self._closed.is_set():
            try:
                conn, _ = self._listener.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(conn,), daemon=True, name=f"ssm-relay-{self.port}-conn").start()

    def _serve(self, conn: socket.socket) -> None:
        if not self._cookie_matches(conn):
            log.warning("Session Manager relay %d: a connection without the relay's cookie was refused", self.port)
            conn.close()
            return
        try:
            session = self._new_session()
        except Exception as exc:  # noqa: BLE001 - told to ssh through the helper, logged here
            text = exc.user_text() if callable(getattr(exc, "user_text", None)) else str(exc)
            log.warning("Session Manager session for ssh failed: %s", text)
            try:
                conn.sendall(b"\x01" + text.encode("utf-8", "replace"))
            except OSError:
                pass
            conn.close()
            return
        with self._lock:
            if self._closed.is_set():
                session.close()
                conn.close()
                return
            self._sessions = [s for s in self._sessions if not s.closed] + [session]
        conn.sendall(b"\x00")
        _join(conn, session.socket)
        session.close()

    def _cookie_matches(self, conn: socket.socket) -> bool:
        conn.settimeout(COOKIE_TIMEOUT)
        got = b""
        try:
            while len(got) < COOKIE_BYTES:
                chunk = conn.recv(COOKIE_BYTES - len(got))
                if not chunk:
                    break
                got += chunk
        except OSError:
            return False
        conn.settimeout(None)
        return secrets.compare_digest(got, self._cookie)

    def close(self) -> None:
        self._closed.set()
        try:
            self._listener.close()
        except OSError:
            pass
        shutil.rmtree(self._folder, ignore_errors=True)
        with self._lock:
            sessions, self._sessions = self._sessions, []
        for session in sessions:
            session.close()


def _join(a: socket.socket, b: socket.socket) -> None:
    """Copy both ways until either side ends, then close both."""
    def copy(src: socket.socket, dst: socket.socket) -> None:
        try:
            while True:
                data = src.recv(CHUNK)
                if not data:
                    break
                dst.sendall(data)
        except OSError:
            pass
        for s in (a, b):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    other = threading.Thread(target=copy, args=(b, a), daemon=True)
    other.start()
    copy(a, b)
    other.join(timeout=5)
    a.close()
    b.close()


def carrier(clients: ClientFactory, aws: AwsBastion, facts: InstanceFacts, *, port: int = 22) -> Carrier:
    """The ``ssm`` carrier for one tunnel opening: the plugin is looked for first, so a missing
    plugin costs no session."""
    plugin = find_plugin()
    version = plugin_version(plugin)
    sessions: list[PluginSession] = []

    def open_session() -> PluginSession:
        session = PluginSession(clients, aws, facts, plugin, version, port=port)
        sessions.append(session)
        return session

    def open_socket() -> socket.socket:
        return open_session().socket

    relay = SessionRelay(open_session)

    def close() -> None:
        relay.close()
        for session in sessions:
            session.close()

    from aurora_console.core.aws.bastion_route.ssm_proxy import proxy_argv

    log.info("bastion %s through Session Manager (plugin %s, version %s)", facts.instance_id, plugin,
             ".".join(map(str, version)) if version else "unknown")
    return Carrier(label=LABEL, proxy_command=proxy_argv(relay.port, relay.cookie_file), open_socket=open_socket,
                   close=close)
