"""The sandbox's loopback SSH bastion (asyncssh, its own event loop in a daemon thread).

It lets the console exercise its real SSH-tunnel code paths (OpenSSH client or sshtunnel)
against the sandbox: the sandbox's cluster endpoints (``blog.cluster-....rds.amazonaws.com``
port 5432) are not resolvable, so the bastion maps them to the local PostgreSQL.

* Listens on 127.0.0.1 only, on an OS-assigned port.
* Public-key login only, user ``bastion``, only with the key in ``<state_dir>/client_key``
  (see :mod:`aurora_console.sandbox.bastion_keys`); or, as the EC2 instance ``instance_id``,
  a key pushed with EC2 Instance Connect for ``ec2-user``/``bastion`` in the last 60 s
  (``pushed_keys``, filled by the AWS endpoint's SendSSHPublicKey).
* Only ``direct-tcpip`` forwarding (``ssh -L``) to the allow-list ``routes``
  ``{(hostname, port): (local_host, local_port)}`` (hostnames compared case-insensitively);
  any other target gets "administratively prohibited". No shell, exec, sftp, remote forwarding,
  agent or X11 forwarding.

>>> bastion = Bastion(state_dir, {("blog.cluster-x.us-east-1.rds.amazonaws.com", 5432): ("127.0.0.1", pg_port)})
>>> host, port = bastion.start()       # doctest: +SKIP
>>> bastion.stop()                     # doctest: +SKIP
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Mapping
from pathlib import Path

import asyncssh

from aurora_console.sandbox.bastion_keys import BastionKeys, PushedKeys

log = logging.getLogger(__name__)

BASTION_USER = "bastion"
#: the OS users of the EC2 instance this bastion stands for (a key pushed for another user is refused,
#: as sshd refuses a user the instance does not have)
INSTANCE_USERS = ("ec2-user", BASTION_USER)
LISTEN_HOST = "127.0.0.1"

Target = tuple[str, int]
Routes = Mapping[tuple[str, int], tuple[str, int]]


class BastionError(RuntimeError):
    """The bastion could not start or stop; the message says why."""


def normalize_routes(routes: Routes | None) -> dict[Target, Target]:
    """Validated copy of ``routes`` with lower-case host names (raises ``ValueError``)."""
    result: dict[Target, Target] = {}
    for (host, port), (local_host, local_port) in (routes or {}).items():
        for name, value in (("host", host), ("local host", local_host)):
            if not isinstance(value, str) or not value.strip() or any(c.isspace() for c in value):
                raise ValueError(f"bastion route {name} {value!r} is not a host name")
        for name, value in (("port", port), ("local port", local_port)):
            if isinstance(value, bool) or not isinstance(value, int) or not 0 < value < 65536:
                raise ValueError(f"bastion route {name} {value!r} is not a TCP port")
        result[(host.strip().lower().rstrip("."), port)] = (local_host.strip(), local_port)
    return result


class _TargetSide(asyncssh.SSHForwarder):
    """The TCP side of a tunnel (the local PostgreSQL); remembers whether it was closed."""

    closed = False

    def close(self) -> None:
        self.closed = True
        super().close()


class _BastionServer(asyncssh.SSHServer):
    """One per client connection; asks the :class:`Bastion` for its keys and routes."""

    def __init__(self, bastion: Bastion) -> None:
        self._bastion = bastion
        self._conn: asyncssh.SSHServerConnection | None = None
        self._peers: list[_TargetSide] = []
        self._lost = False

    def connection_made(self, conn: asyncssh.SSHServerConnection) -> None:
        self._conn = conn
        self._bastion._connections.add(conn)

    def connection_lost(self, exc: Exception | None) -> None:
        self._bastion._connections.discard(self._conn)
        self._lost = True
        for peer in self._peers:
            peer.close()
        self._peers.clear()

    def begin_auth(self, username: str) -> bool:
        return True  # authentication is always required

    def password_auth_supported(self) -> bool:
        return False

    def kbdint_auth_supported(self) -> bool:
        return False

    def host_based_auth_supported(self) -> bool:
        return False

    def public_key_auth_supported(self) -> bool:
        return True

    def validate_public_key(self, username: str, key: asyncssh.SSHKey) -> bool:
        if username == BASTION_USER and key.public_data == self._bastion.keys.client_public_data:
            return True
        # a key pushed with EC2 Instance Connect, for one of the instance's OS users, within 60 s
        b = self._bastion
        return (b.pushed_keys is not None and username in INSTANCE_USERS
                and b.pushed_keys.accepts(b.instance_id, username, key.public_data))

    def session_requested(self) -> bool:
        return False  # no shell, exec or subsystem

    def server_requested(self, listen_host: str, listen_port: int) -> bool:
        return False  # no remote (-R) forwarding

    def unix_connection_requested(self, dest_path: str) -> bool:
        return False

    def connection_requested(self, dest_host: str, dest_port: int, orig_host: str, orig_port: int):
        target = self._bastion.route(dest_host, dest_port)
        if target is None:
            log.warning("bastion refused a tunnel to %s:%s (not a sandbox endpoint)", dest_host, dest_port)
            raise asyncssh.ChannelOpenError(
                asyncssh.OPEN_ADMINISTRATIVELY_PROHIBITED,
                f"the sandbox bastion does not forward to {dest_host}:{dest_port}",
            )
        return self._forward(*target)

    async def _forward(self, host: str, port: int) -> asyncssh.SSHForwarder:
        """Connect to the mapped target; the TCP side is kept to close it with the SSH connection.

        (A tunnel whose channel closes while it is still opening would otherwise leave it open.)
        """
        try:
            _, peer = await asyncio.get_running_loop().create_connection(_TargetSide, host, port)
        except OSError as exc:
            raise asyncssh.ChannelOpenError(asyncssh.OPEN_CONNECT_FAILED, str(exc)) from None
        if self._lost:  # the client went away while we connected
            peer.close()
            raise asyncssh.ChannelOpenError(asyncssh.OPEN_CONNECT_FAILED, "connection closed")
        self._peers = [p for p in self._peers if not p.closed]
        self._peers.append(peer)
        return asyncssh.SSHForwarder(peer)


class Bastion:
    """The loopback bastion. ``start()`` returns ``(host, port)``; ``stop()`` ends everything."""

    def __init__(self, state_dir: Path | str, routes: Routes | None = None, *, pushed_keys: PushedKeys | None = None,
                 instance_id: str | None = None) -> None:
        self.keys = BastionKeys(state_dir)
        #: EC2 Instance Connect: keys pushed for ``instance_id`` (the EC2 instance the sandbox's
        #: AWS endpoint knows as this bastion) are accepted for 60 s
        self.pushed_keys = pushed_keys
        self.instance_id = instance_id
        self._routes = normalize_routes(routes)
        self._connections: set[asyncssh.SSHServerConnection] = set()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._acceptor: asyncssh.SSHAcceptor | None = None
        self.host = LISTEN_HOST
        self.port: int | None = None

    # ----------------------------------------------------------------- routes and keys
    def update_routes(self, routes: Routes) -> None:
        """Replace the allow-list (open tunnels stay open; new ones use the new list)."""
        self._routes = normalize_routes(routes)

    @property
    def routes(self) -> dict[Target, Target]:
        return dict(self._routes)

    def route(self, host: str, port: int) -> Target | None:
        return self._routes.get((host.lower().rstrip("."), port))

    @property
    def user(self) -> str:
        return BASTION_USER

    @property
    def host_key_path(self) -> Path:
        return self.keys.host_key_path

    @property
    def client_key_path(self) -> Path:
        return self.keys.client_key_path

    @property
    def client_public_key_path(self) -> Path:
        return self.keys.client_public_key_path

    @property
    def known_hosts_path(self) -> Path:
        return self.keys.known_hosts_path

    @property
    def host_fingerprint(self) -> str:
        return self.keys.host_fingerprint

    @property
    def known_hosts_line(self) -> str:
        if self.port is None:
            raise BastionError("the bastion is not running (its port is chosen when it starts)")
        return self.keys.known_hosts_line(self.host, self.port)

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    # ----------------------------------------------------------------- lifecycle
    def start(self, timeout: float = 30.0) -> tuple[str, int]:
        if self.running:
            return self.host, self.port
        self.keys.ensure()
        loop = asyncio.new_event_loop()
        ready = threading.Event()
        failure: list[BaseException] = []

        def run() -> None:
            asyncio.set_event_loop(loop)
            try:
                self._acceptor = loop.run_until_complete(self._listen())
            except BaseException as exc:  # reported by start()
                failure.append(exc)
                ready.set()
                loop.close()
                return
            ready.set()
            try:
                loop.run_forever()
            finally:
                _close_loop(loop)

        self._loop = loop
        self._thread = threading.Thread(target=run, name="sandbox-bastion", daemon=True)
        self._thread.start()
        if not ready.wait(timeout) or failure:
            self._thread.join(5)
            self._loop = self._thread = None
            reason = failure[0] if failure else f"no answer within {timeout:.0f} s"
            raise BastionError(f"the sandbox bastion could not listen on {LISTEN_HOST}: {reason}")
        self.port = self._acceptor.get_port()
        self.keys.write_known_hosts(self.host, self.port)
        log.info("sandbox bastion listening on %s:%s", self.host, self.port)
        return self.host, self.port

    async def _listen(self) -> asyncssh.SSHAcceptor:
        return await asyncssh.listen(
            LISTEN_HOST,
            0,
            server_factory=lambda: _BastionServer(self),
            server_host_keys=[self.keys.host_key],
            config=None,
            agent_forwarding=False,
            x11_forwarding=False,
            allow_scp=False,
            login_timeout=30,
        )

    def stop(self, timeout: float = 10.0) -> None:
        """Close the listener and every client connection, stop the loop, join the thread."""
        loop, thread = self._loop, self._thread
        if loop is None or thread is None:
            return
        if thread.is_alive() and not loop.is_closed():
            future = asyncio.run_coroutine_threadsafe(self._shutdown(), loop)
            try:
                future.result(timeout)
            except Exception as exc:  # noqa: BLE001 - stopping must go on
                log.warning("sandbox bastion shutdown: %s", exc)
            loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout)
        if thread.is_alive():
            raise BastionError("the sandbox bastion thread did not stop")
        self._loop = self._thread = self._acceptor = None
        self.port = None

    async def _shutdown(self) -> None:
        if self._acceptor is not None:
            self._acceptor.close()
        connections = list(self._connections)
        for conn in connections:
            conn.close()
        if self._acceptor is not None:
            await self._acceptor.wait_closed()
        if connections:
            await asyncio.wait([asyncio.ensure_future(c.wait_closed()) for c in connections], timeout=5)

    def __enter__(self) -> Bastion:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


def _close_loop(loop: asyncio.AbstractEventLoop) -> None:
    """Cancel what is left on ``loop``, then close it."""
    try:
        pending = [task for task in asyncio.all_tasks(loop) if not task.done()]
        for task in pending:
            task.cancel()
        if pending:
            loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
        loop.run_until_complete(loop.shutdown_asyncgens())
        loop.run_until_complete(loop.shutdown_default_executor())
    finally:
        loop.close()
