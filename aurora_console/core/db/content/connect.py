"""Open a content-editor connection from a saved connection profile (or the sandbox's blog profile).

Reuses the profile machinery (password source, bastion tunnel, TLS) through
``migrations.profiles.open_profile_connection``; the returned object's ``connect`` makes new
connections (used again after a dropped connection) and ``close`` shuts the tunnel we opened.
"""

from __future__ import annotations

from typing import Any


def open_profile_source(profile_name: str, *, aws_factory: Any = None, sandbox_info: Any = None,
                        task: Any = None, manager: Any = None):
    """Resolve ``profile_name`` to a ``ProfileConnection`` (connect factory, read_only, close).

    ``manager``: the window's shared TunnelManager: the tunnel then shows in the tunnel panel and
    the status bar, is shared by every screen on that profile, and stays up when one screen closes.
    Without it a private manager is made and shut when the connection closes.
    """
    from aurora_console.core.connections.passwords import clients_from_factory
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
    if profile is None:
        profile = ProfileStore.default().get(profile_name)
    shared = manager is not None
    if profile.bastion is not None and manager is None:
        manager = TunnelManager(HostKeyStore(app_paths().known_hosts_file, user_files=[] if sandbox_key else None))
    if sandbox_key is not None and manager is not None:
        # the sandbox bastion's key is trusted for this session only (never written to known_hosts)
        manager.store.trust_line(sandbox_key.host, sandbox_key.port, sandbox_key.known_hosts_line)
    clients = clients_from_factory(aws_factory) if aws_factory is not None else None
    try:
        pc = open_profile_connection(profile, manager=manager, clients=clients, task=task, keep_tunnel=shared)
    except BaseException:
        if manager is not None and not shared:
            manager.shutdown()
        raise
    if manager is not None and not shared:
        pc._closers.insert(0, manager.shutdown)
    return pc
