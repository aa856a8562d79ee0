"""The one way to open a database connection: profile -> route -> credentials -> TLS -> connection.

Every screen (SQL editor, content editor, migrations, "Test connection") and every CLI command
goes through :func:`open_connection` (or :func:`open_profile`, which first finds the profile a
name means in this session: the sandbox's built-in one or a saved one). What it does, in order:

1. **engine**: ``engines.engine_for(profile)`` (PostgreSQL today); everything that differs per
   server (driver, TLS parameters, IAM token, cancel, error wording) is the engine's;
2. **route**: direct, or the profile's bastion tunnel opened (or reused) through a
   ``TunnelManager``; connections then go to 127.0.0.1:<local port> while TLS checks the real host;
3. **credentials**: the password from its source (typed, keyring, SSM, Secrets Manager, IAM
   token), kept as a :class:`Secret` (registered for log redaction, never logged) in a
   ``PasswordFeed``: an IAM token is made again for every connection (they expire after 15
   minutes), a Secrets Manager secret is read again once when the database refuses it;
4. **TLS + parameters**: ``engine.connect_params``;
5. a :class:`DatabaseConnection`: ``connect()`` makes a new DB-API connection each time it is
   called (again after a dropped one), ``close()`` shuts the tunnel opened here.

What only the user can give is passed in (``password``, ``passphrase``) or asked through
``prompt`` (the CLI's terminal prompt); when neither can, the error says what is missing
(``PasswordSourceError(kind="prompt")``, ``PassphraseRequired``, ``HostKeyUnknown``) and the UI
asks and calls again (``ui/connections/controller.py``: one prompt path for every screen).
Runs on a worker thread (network I/O); never on the UI thread.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aurora_console.core.connections.engines import DatabaseConnectError, Engine, engine_for
from aurora_console.core.connections.passwords import PasswordFeed, PasswordSourceError
from aurora_console.core.connections.tunnels import is_up, open_profile_tunnel
from aurora_console.core.errors import ConsoleError
from aurora_console.core.secrets import Secret

#: ``PasswordSourceError.kind`` of a typed password the database refused
REJECTED = "rejected"


@dataclass(frozen=True)
class Route:
    """How connections reach the database: directly, or through a tunnel's local port."""

    kind: str  # "direct" | "tunnel"
    local_port: int | None = None
    backend: str = ""

    @classmethod
    def direct(cls) -> Route:
        return cls("direct")

    def __str__(self) -> str:
        return "direct" if self.kind == "direct" else f"{self.backend} tunnel 127.0.0.1:{self.local_port}"


@dataclass
class DatabaseConnection:
    """A profile made ready to connect: the route is open and the credentials resolved.

    Each :meth:`connect` takes the password from the profile's :class:`PasswordFeed`: a fresh IAM
    auth token every time (a reconnect after 15 minutes never reuses an expired one), a Secrets
    Manager secret read again once when the database refuses it (it may have rotated)."""

    profile: Any  # ConnectionProfile
    engine: Engine
    route: Route
    _credentials: PasswordFeed = field(repr=False)  # holds the password: never shown
    _closers: list[Callable[[], None]] = field(default_factory=list, repr=False)
    application_name: str = "aurora-console"

    @property
    def read_only(self) -> bool:
        return bool(self.profile.read_only)

    def connect(self):
        """A new DB-API connection (autocommit); a refusal comes back as ``DatabaseConnectError``."""
        feed = self._credentials
        secret, generation = feed.current()
        try:
            return self._connect_with(secret)
        except DatabaseConnectError as exc:
            if not (feed.rereadable and self.engine.is_password_refused(exc)):
                raise
        changed = feed.reread(generation)  # the secret may have rotated since it was read
        secret, _ = feed.current()
        try:
            return self._connect_with(secret)
        except DatabaseConnectError as exc:
            if not self.engine.is_password_refused(exc):
                raise
            p = self.profile
            how = ("it had changed, and the new value was refused too" if changed else
                   "it had not changed")
            raise DatabaseConnectError(
                f"The database refused {p.user}@{p.host} with the password from {feed.source_label}, "
                f"also after the secret was re-read ({how}).",
                hint="The secret and the database user's password differ: check the secret's rotation "
                     "(its AWSCURRENT version) or the user's password.", detail=exc.detail) from None

    def _connect_with(self, secret: Secret):
        params = self.engine.connect_params(self.profile, secret, local_port=self.route.local_port,
                                            application_name=self.application_name)
        try:
            return self.engine.connect(**params)
        except Exception as exc:
            if self.engine.is_driver_error(exc):
                raise self.engine.explain_error(exc, self.profile) from None
            raise

    def cancel(self, conn) -> None:
        """The protocol's cancel request for what ``conn`` runs (any thread)."""
        self.engine.cancel(conn)

    def on_close(self, closer: Callable[[], None], *, first: bool = False) -> None:
        """Run ``closer`` on :meth:`close` (``first``: before the ones already there)."""
        if first:
            self._closers.insert(0, closer)
        else:
            self._closers.append(closer)

    def close(self) -> None:
        """Shut what was opened for this connection (its tunnel); connections already made stay
        the caller's. Best effort, idempotent."""
        while self._closers:
            try:
                self._closers.pop()()
            except Exception:  # noqa: BLE001 - closing is best effort
                pass


def open_connection(profile, *, manager=None, clients=None, prompt: Callable[[str], str | None] | None = None,
                    keyring_get: Callable[[str], str | None] | None = None, password: str | Secret | None = None,
                    passphrase: str | Secret | None = None, task=None, keep_tunnel: bool = False,
                    application_name: str = "aurora-console", check_password: bool | None = None) -> DatabaseConnection:
    """Open ``profile``'s route and resolve its credentials (see the module docstring).

    ``manager``: the ``TunnelManager`` a bastion profile's tunnel opens in (required then). A
    tunnel opened here closes with :meth:`DatabaseConnection.close`, unless ``keep_tunnel`` (the
    window's shared manager keeps it for every screen) or it was already up.
    ``password``: what the user typed for an "ask each time" profile; ``passphrase``: the bastion
    key's passphrase the user typed. ``prompt(text)``: asks for either when not given.
    ``clients(service, aws_profile, region)``: AWS clients for SSM / Secrets Manager / IAM sources.
    ``check_password`` (default: when ``password`` is given): sign in once here, so a mistyped
    password comes back as ``PasswordSourceError(kind="rejected")`` and can be asked again.
    """
    profile.validate()
    engine = engine_for(profile)
    password, passphrase = _secret(password), _secret(passphrase)
    closers: list[Callable[[], None]] = []
    route = Route.direct()
    if profile.bastion is not None:
        route = _open_tunnel(profile, manager, prompt, keyring_get, passphrase, task, keep_tunnel, closers, clients)
    try:
        if task is not None:
            task.check()
            task.progress(None, "Fetching the password")
        given = password if password is not None and profile.password.kind == "prompt" else None
        feed = PasswordFeed(profile, clients=clients, prompt=prompt, keyring_get=keyring_get, engine=engine,
                            given=given)
        secret = feed.open()
        # checked now (TLS bundle, parameters); each connect builds them again with its own password
        engine.connect_params(profile, secret, local_port=route.local_port, application_name=application_name)
    except BaseException:
        _close_all(closers)
        raise
    opened = DatabaseConnection(profile, engine, route, feed, closers, application_name)
    if check_password if check_password is not None else password is not None:
        _sign_in(opened, task)
    return opened


def _open_tunnel(profile, manager, prompt, keyring_get, passphrase, task, keep_tunnel, closers, clients) -> Route:
    if manager is None:
        raise ConsoleError(f"Profile {profile.name!r} uses a bastion, but no tunnel manager was given.")
    was_up = is_up(manager, profile)
    if task is not None and not was_up:
        task.progress(None, f"Opening the tunnel through {profile.bastion.label}")
    # an EC2 bastion (Instance Connect, endpoint, Session Manager) reaches AWS through the same clients
    status = open_profile_tunnel(manager, profile, prompt=prompt, keyring_get=keyring_get, passphrase=passphrase,
                                 aws_clients=clients)
    if not was_up and not keep_tunnel:  # a shared manager's tunnels stay until closed there
        closers.append(lambda: manager.close(profile.name))
    return Route("tunnel", status.local_port, status.backend)


def _sign_in(opened: DatabaseConnection, task) -> None:
    """One connection with the typed password: a refusal is asked again, not found later in a screen."""
    profile = opened.profile
    if task is not None:
        task.progress(None, f"Signing in as {profile.user}")
    try:
        opened.connect().close()
    except BaseException as exc:
        opened.close()
        if isinstance(exc, DatabaseConnectError) and opened.engine.is_password_refused(exc):
            raise PasswordSourceError(f"The database refused the password for {profile.user}@{profile.host}.",
                                      kind=REJECTED, hint="Type it again.", detail=exc.detail) from None
        raise


def open_profile(profile_name: str, *, aws_factory: Any = None, sandbox_info: Any = None, task: Any = None,
                 manager: Any = None, password: str | Secret | None = None, passphrase: str | Secret | None = None,
                 store: Any = None, known_hosts: Any = None,
                 application_name: str = "aurora-console") -> DatabaseConnection:
    """:func:`open_connection` for the profile ``profile_name`` means in this session: the
    sandbox's built-in profile while its database runs (its bastion's key trusted for this
    session only), otherwise the saved one.

    ``manager``: the window's shared TunnelManager: the tunnel then shows in the tunnel panel and
    the status bar, is shared by every screen on that profile, and stays up when one screen
    closes. Without it a private manager is made (on the ``known_hosts`` file) and shut when the
    connection closes. ``store``: the ``ProfileStore`` saved profiles are read from.
    """
    from aurora_console.core.connections.passwords import clients_from_factory
    from aurora_console.core.connections.profile import SANDBOX_DB_PROFILE
    from aurora_console.core.ssh.hostkeys import HostKeyStore
    from aurora_console.core.ssh.manager import TunnelManager

    profile = None
    sandbox_key = None
    if sandbox_info is not None and getattr(sandbox_info, "database_ready", False):
        for candidate in _sandbox_profiles(sandbox_info):
            if candidate.name == profile_name:
                profile = candidate
                sandbox_key = sandbox_info.bastion
                break
    elif sandbox_info is not None and profile_name == SANDBOX_DB_PROFILE:
        from aurora_console.core.errors import ValidationError  # the sandbox's database is down or not up yet

        why = getattr(sandbox_info, "db_error", None) or "it is still starting"
        raise ValidationError(f"The sandbox's database is not running: {why}")
    if profile is None:
        if store is None:
            raise ConsoleError(f"No profile store was given to look up the connection profile {profile_name!r}.")
        profile = store.get(profile_name)
    shared = manager is not None
    if profile.bastion is not None and manager is None:
        if known_hosts is None:
            raise ConsoleError(f"Profile {profile.name!r} uses a bastion, but no tunnel manager was given.")
        manager = TunnelManager(HostKeyStore(known_hosts, user_files=[] if sandbox_key else None))
    if sandbox_key is not None and manager is not None:
        # the sandbox bastion's key is trusted for this session only (never written to known_hosts),
        # also under its EC2 instance's id, how an EC2 bastion's key is checked (its own port, and 22
        # through the Instance Connect Endpoint)
        manager.store.trust_line(sandbox_key.host, sandbox_key.port, sandbox_key.known_hosts_line)
        instance_id = getattr(sandbox_key, "instance_id", "")
        for port in {sandbox_key.port, 22} if instance_id else ():
            manager.store.trust_line(instance_id, port, sandbox_key.known_hosts_line)
    clients = clients_from_factory(aws_factory) if aws_factory is not None else None
    try:
        opened = open_connection(profile, manager=manager, clients=clients, password=password, passphrase=passphrase,
                                 task=task, keep_tunnel=shared, application_name=application_name)
    except BaseException:
        if manager is not None and not shared:
            manager.shutdown()
        raise
    if manager is not None and not shared:
        opened.on_close(manager.shutdown, first=True)
    return opened


def _sandbox_profiles(sandbox_info) -> list:
    """The sandbox's built-in profiles: ``sandbox-blog`` and, once its EC2 bastion instance runs,
    the ones through it (``connection_profiles()``; an older info object has only ``connection_profile()``)."""
    every = getattr(sandbox_info, "connection_profiles", None)
    return list(every()) if every is not None else [sandbox_info.connection_profile()]


def _secret(value: str | Secret | None) -> Secret | None:
    if value is None or isinstance(value, Secret):
        return value or None
    return Secret(value) if value else None  # Secret registers the value for log redaction


def _close_all(closers: list[Callable[[], None]]) -> None:
    for close in reversed(closers):
        try:
            close()
        except Exception:  # noqa: BLE001 - closing is best effort; the first error is the one to report
            pass
