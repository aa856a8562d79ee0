"""Plugs the migrations panel into the main window: Database ▸ Migrations…

A panel is opened for a connection profile (direct or through its bastion tunnel, opened on a
worker thread), for the sandbox's blog profile (folder: the bundled blog migrations), or for a
typed libpq connection string. Each profile remembers its migrations folder.
"""

from __future__ import annotations

from pathlib import Path

from aurora_console.ui.profile_picker import SANDBOX_PROFILE, ask_target

# The panel, the engine and psycopg load when a panel opens, not at start-up.

MENU = "Database"
TAB_KIND = "migrations"


def install(window) -> None:
    window.add_menu_action(MENU, "Migrations…", lambda: ask_and_open(window), object_name="actionMigrations")
    # Profile-based panels come back after a restart, like the other tabs (a typed connection string never is saved).
    window.register_tab_restorer(TAB_KIND, lambda spec: open_migrations(window, spec["profile"]))


def ask_and_open(window):
    target = ask_target(window, window, "Migrations")
    if target is None:
        return None
    profile, conninfo = target
    return open_migrations(window, profile, connect=conninfo)


def default_folder(folders, profile: str) -> Path | None:
    """The folder ``folders`` (``services.migration_folders``) remembers for ``profile``; the
    bundled blog migrations for the sandbox's profile."""
    from aurora_console.core.resources import blog_migrations_dir

    folder = folders.get(profile)
    if folder is None and profile == SANDBOX_PROFILE:
        return blog_migrations_dir()
    return folder


def open_migrations(window, profile: str, *, connect=None, folder: Path | None = None, read_only: bool | None = None):
    """Open (or focus) the migrations panel of ``profile``.

    With ``connect`` (a conninfo string, a psycopg kwargs dict or a connection factory) the panel
    is returned at once; otherwise the profile is opened on a worker thread and its handle is
    returned (the tab appears once the tunnel and password are ready). What the profile needs
    from the user (an "ask each time" password, the key passphrase, trusting the bastion's host
    key) is asked through the window's ``ConnectionsController``; a cancelled question opens
    nothing and says so in the status bar.
    """
    services = window.services
    key = f"migrations:{profile}"
    existing = window.find_tab(key)
    if existing is not None:
        return window.open_tab(key, "", lambda: existing)
    if connect is not None:
        ro = services.is_read_only(profile) if read_only is None else read_only
        return _open_tab(window, profile, connect, folder, ro, None)

    def done(pc):
        ro = (pc.read_only or services.is_read_only(profile)) if read_only is None else read_only
        _open_tab(window, profile, pc.connect, folder, ro, pc.close,
                  spec={"kind": TAB_KIND, "profile": profile})

    from aurora_console.core.db.migrations.engine import APPLICATION_NAME
    from aurora_console.ui.connections.controller import connect_for_screen

    return connect_for_screen(window, profile, screen="Migrations", queue=f"migrations:{profile}", on_connected=done,
                              application_name=APPLICATION_NAME)


def _open_tab(window, profile, connect, folder, read_only, on_close, spec=None):
    from .panel import MigrationsPanel

    services = window.services
    if not callable(connect):
        from aurora_console.core.db.migrations import connection_factory

        connect = connection_factory(connect)

    def remember(path: Path) -> None:
        services.runner.submit(lambda ctx: services.migration_folders.set(profile, path),
                               name=f"Remember the migrations folder of {profile}")

    def make():
        start_folder = folder or default_folder(services.migration_folders, profile)
        panel = MigrationsPanel(services.runner, profile, connect, start_folder,
                                read_only=bool(read_only), on_folder_changed=remember)
        if on_close is not None:
            panel.destroyed.connect(lambda *_: _close_source(services.runner, profile, on_close))
        return panel

    return window.open_tab(f"migrations:{profile}", f"Migrations · {profile}", make, spec=spec)


def _close_source(runner, profile: str, on_close) -> None:
    """Close the profile's tunnel off the UI thread; inline once the runner has shut down (app exit)."""
    if runner.closed:
        on_close()
    else:
        runner.submit(lambda ctx: on_close(), name=f"Close {profile}")
