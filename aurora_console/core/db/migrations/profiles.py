"""Run migrations through a saved connection profile (direct, or over its bastion tunnel).

The engine only needs a connection factory; here it is built from a profile: the password is
resolved once (kept as a :class:`Secret`, never logged), the tunnel (if any) is opened through a
``TunnelManager`` and every connection goes to ``127.0.0.1:<local port>`` while TLS still checks
the real endpoint name. Each profile can remember its migrations folder (``folders``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import psycopg

from .engine import APPLICATION_NAME, ConnectFn
from .folders import MigrationFolders


@dataclass
class ProfileConnection:
    connect: ConnectFn
    folder: Path | None
    read_only: bool
    route: str  # "direct" or "<backend> tunnel 127.0.0.1:<port>"
    _closers: list[Callable[[], None]] = field(default_factory=list, repr=False)

    def close(self) -> None:
        while self._closers:
            try:
                self._closers.pop()()
            except Exception:  # noqa: BLE001 - closing is best effort
                pass


def open_profile_connection(profile, *, manager=None, clients=None, prompt=None, keyring_get=None,
                            folders: MigrationFolders | None = None, task=None,
                            keep_tunnel: bool = False) -> ProfileConnection:
    """Resolve the password, open the tunnel if the profile has a bastion, return a factory.

    ``manager``: a ``TunnelManager`` (required for bastion profiles; the caller owns it unless
    the tunnel was opened here, in which case :meth:`ProfileConnection.close` closes it, except
    with ``keep_tunnel``: the window's shared manager keeps it for every screen and lists it).
    """
    from aurora_console.core.connections.dsn import connect_kwargs
    from aurora_console.core.connections.passwords import resolve_password
    from aurora_console.core.connections.tester import explain_connect_error
    from aurora_console.core.connections.tunnels import open_profile_tunnel
    from aurora_console.core.errors import ConsoleError

    profile.validate()
    closers: list[Callable[[], None]] = []
    local_port = None
    route = "direct"
    if profile.bastion is not None:
        if manager is None:
            raise ConsoleError(f"Profile {profile.name!r} uses a bastion, but no tunnel manager was given.")
        was_up = (st := manager.status(profile.name)) is not None and st.state.value == "up"
        if task is not None:
            task.progress(None, f"Opening the tunnel through {profile.bastion.label}")
        status = open_profile_tunnel(manager, profile, prompt=prompt, keyring_get=keyring_get)
        if not was_up and not keep_tunnel:  # a shared manager's tunnels stay until closed there
            closers.append(lambda: manager.close(profile.name))
        local_port = status.local_port
        route = f"{status.backend} tunnel 127.0.0.1:{local_port}"
    try:
        password = resolve_password(profile, clients=clients, prompt=prompt, keyring_get=keyring_get)
        kwargs = connect_kwargs(profile, password, local_port=local_port, application_name=APPLICATION_NAME)
    except BaseException:
        for c in reversed(closers):
            c()
        raise

    def connect() -> psycopg.Connection:
        try:
            return psycopg.connect(**kwargs, autocommit=True)
        except psycopg.Error as exc:
            raise explain_connect_error(exc, profile) from None

    folder = (folders or MigrationFolders.default()).get(profile.name)
    return ProfileConnection(connect, folder, profile.read_only, route, closers)
