"""Plugs the content editor into the main window (``install(window)``).

Where a connection comes from, in order:
1. ``open_content(window, profile, connect=...)``: a conninfo string, psycopg kwargs dict or a
   connect callable (page objects and tests pass one);
2. the connection profile named ``profile`` (or the sandbox's blog profile): password source,
   bastion tunnel and TLS as configured, opened on a worker thread;
3. from the menu, with no profile: the user picks a profile or types a libpq connection string.
"""

from __future__ import annotations

from aurora_console.ui.profile_picker import ask_target, postgres_profile_for

# The workspace, its session and psycopg load when a workspace opens, not at start-up.

MENU = "Database"
TAB_KIND = "content"


def install(window) -> None:
    window.add_menu_action(MENU, "Content editor…", lambda: ask_and_open(window), object_name="actionContentEditor")
    window.add_cluster_action("Edit table contents…", lambda ref: open_for_cluster(window, ref))
    # Profile-based workspaces come back after a restart (a typed connection string never is saved).
    window.register_tab_restorer(TAB_KIND, lambda spec: open_content(window, spec["profile"]))


def open_for_cluster(window, ref):
    profile = postgres_profile_for(window, ref, "Content editor", "the content editor")
    return None if profile is None else open_content(window, profile)


def ask_and_open(window):
    target = ask_target(window, window, "Content editor")
    if target is None:
        return None
    profile, conninfo = target
    return open_content(window, profile, connect=conninfo)


def open_content(window, profile: str, *, connect=None, read_only: bool | None = None):
    """Open (or focus) the content workspace of ``profile``.

    With ``connect`` the workspace is returned at once; otherwise the profile is opened on a
    worker thread and its handle is returned (``done``/``state``/``error``; the tab appears once
    connected). What the profile needs from the user (the database password of an "ask each
    time" profile, the key passphrase, trusting the bastion's host key) is asked through the
    window's ``ConnectionsController``; a cancelled question opens nothing and says so in the
    status bar.
    """
    services = window.services
    key = f"content:{profile}"
    existing = window.find_tab(key)
    if existing is not None:
        return window.open_tab(key, "", lambda: existing)
    if connect is not None:
        ro = services.is_read_only(profile) if read_only is None else read_only
        return _open_tab(window, profile, connect, ro, None)

    def done(pc):
        ro = (pc.read_only or services.is_read_only(profile)) if read_only is None else read_only
        _open_tab(window, profile, pc.connect, ro, pc.close, spec={"kind": TAB_KIND, "profile": profile})

    from aurora_console.core.db.content.session import APPLICATION_NAME
    from aurora_console.ui.connections.controller import connect_for_screen

    return connect_for_screen(window, profile, screen="Content editor", queue=f"content:{profile}", on_connected=done,
                              application_name=APPLICATION_NAME)


def _open_tab(window, profile, connect, read_only, on_close, spec=None):
    from aurora_console.core.db.content.session import ContentSession

    from .workspace import ContentWorkspace

    services = window.services

    def make():
        session = ContentSession(connect, profile=profile, read_only=bool(read_only),
                                 store_root=services.paths.data_dir, on_close=on_close)
        return ContentWorkspace(services.runner, session)

    return window.open_tab(f"content:{profile}", f"Content · {profile}", make, spec=spec)
