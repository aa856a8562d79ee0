"""Open a database connection source from a saved connection profile (or the sandbox's blog profile).

Reuses the profile machinery (password source, bastion tunnel, TLS) through
``migrations.profiles.open_profile_connection``; the returned object's ``connect`` makes new
connections (used again after a dropped connection) and ``close`` shuts the tunnel we opened.

What only the user can give (a typed database password for an "ask each time" profile, the
bastion key's passphrase) is passed in as ``password`` / ``passphrase``: the UI asks for it when
a first attempt fails with ``PasswordSourceError(kind="prompt")`` or ``PassphraseRequired`` and
tries again (``ConnectionsController.connect_profile``). A typed password is checked with one
connection here, so a typo comes back as ``PasswordSourceError(kind="rejected")`` and can be
asked again, rather than failing later inside a screen.
"""

from __future__ import annotations

from typing import Any

from aurora_console.core.ssh.secret import Secret

#: ``PasswordSourceError.kind`` of a typed password the database refused
REJECTED = "rejected"


def open_profile_source(profile_name: str, *, aws_factory: Any = None, sandbox_info: Any = None,
                        task: Any = None, manager: Any = None, password: str | Secret | None = None,
                        passphrase: str | Secret | None = None):
    """Resolve ``profile_name`` to a ``ProfileConnection`` (connect factory, read_only, close).

    ``manager``: the window's shared TunnelManager: the tunnel then shows in the tunnel panel and
    the status bar, is shared by every screen on that profile, and stays up when one screen closes.
    Without it a private manager is made and shut when the connection closes.
    ``password``: the database password the user typed (used by a profile whose password source
    is "prompt"); ``passphrase``: the bastion key's passphrase the user typed.
    """
    from aurora_console.core.connections.passwords import clients_from_factory
    from aurora_console.core.connections.profile import SANDBOX_DB_PROFILE
    from aurora_console.core.connections.store import ProfileStore
    from aurora_console.core.db.migrations.profiles import open_profile_connection
    from aurora_console.core.paths import app_paths
    from aurora_console.core.ssh.hostkeys import HostKeyStore
    from aurora_console.core.ssh.manager import TunnelManager

    profile = None
    sandbox_key = None
    if sandbox_info is not None and getattr(sandbox_info, "database_ready", False):
        candidate = sandbox_info.connection_profile()
        if candidate.name == profile_name:
            profile = candidate
            sandbox_key = sandbox_info.bastion
    elif sandbox_info is not None and profile_name == SANDBOX_DB_PROFILE:
        from aurora_console.core.errors import ValidationError  # the sandbox's database is down or not up yet

        why = getattr(sandbox_info, "db_error", None) or "it is still starting"
        raise ValidationError(f"The sandbox's database is not running: {why}")
    if profile is None:
        profile = ProfileStore.default().get(profile_name)
    password = _secret(password)
    passphrase = _secret(passphrase)
    shared = manager is not None
    if profile.bastion is not None and manager is None:
        manager = TunnelManager(HostKeyStore(app_paths().known_hosts_file, user_files=[] if sandbox_key else None))
    if sandbox_key is not None and manager is not None:
        # the sandbox bastion's key is trusted for this session only (never written to known_hosts)
        manager.store.trust_line(sandbox_key.host, sandbox_key.port, sandbox_key.known_hosts_line)
    clients = clients_from_factory(aws_factory) if aws_factory is not None else None
    prompt = (lambda _text: password.reveal()) if password is not None else None
    try:
        if passphrase is not None and profile.bastion is not None:
            _open_tunnel(manager, profile, passphrase, task)  # open_profile_connection then reuses it
        pc = open_profile_connection(profile, manager=manager, clients=clients, prompt=prompt, task=task,
                                     keep_tunnel=shared)
        if password is not None:
            _check_password(pc, profile, task)
    except BaseException:
        if manager is not None and not shared:
            manager.shutdown()
        raise
    if manager is not None and not shared:
        pc._closers.insert(0, manager.shutdown)
    return pc


def _secret(value: str | Secret | None) -> Secret | None:
    if value is None or isinstance(value, Secret):
        return value or None
    return Secret(value) if value else None  # Secret registers the value for log redaction


def _open_tunnel(manager, profile, passphrase: Secret, task) -> None:
    from aurora_console.core.connections.tunnels import tunnel_spec

    status = manager.status(profile.name)
    if status is not None and status.state.value == "up":
        return
    if task is not None:
        task.progress(None, f"Opening the tunnel through {profile.bastion.label}")
    manager.open(tunnel_spec(profile, passphrase))


def _check_password(pc, profile, task) -> None:
    """One connection with the typed password: a refusal is asked again, not found later in a screen."""
    from aurora_console.core.connections.passwords import PasswordSourceError
    from aurora_console.core.connections.tester import DatabaseConnectError

    if task is not None:
        task.progress(None, f"Signing in as {profile.user}")
    try:
        pc.connect().close()
    except BaseException as exc:
        pc.close()
        if isinstance(exc, DatabaseConnectError) and is_password_refused(exc):
            raise PasswordSourceError(f"The database refused the password for {profile.user}@{profile.host}.",
                                      kind=REJECTED, hint="Type it again.", detail=exc.detail) from None
        raise


def is_password_refused(exc: BaseException) -> bool:
    text = f"{exc} {getattr(exc, 'detail', '')}".lower()
    return "password authentication failed" in text or "pam authentication failed" in text
