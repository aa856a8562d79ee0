"""Plugs the SQL editor into the main window (``install(window)``).

Where a tab's connection comes from, in order:
1. ``open_sql(window, profile, connect=...)``: a conninfo string, psycopg kwargs dict or a
   connect callable (page objects and tests pass one);
2. a profile name that is itself a libpq connection string (``host=... dbname=...`` or a
   ``postgresql://`` URL);
3. the connection profile named ``profile`` (or the sandbox's blog profile): password source,
   bastion tunnel and TLS as configured, opened before the tab's first run (asking what the
   profile needs, as every screen does: ``ui/connections/on_demand.py``).
"""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING

from aurora_console.ui.profile_picker import ask_target

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

# the editor, its highlighter (pygments) and the query engine (psycopg) load with the first tab

_keys = itertools.count(1)
#: how long after the start's first load the highlighter's lexers are prepared (see install)
LEXER_WARM_UP_DELAY_MS = 3000


def install(window) -> None:
    window.add_menu_action("File", "New SQL editor…", lambda: ask_and_open(window), shortcut="Ctrl+Shift+N",
                           object_name="actionNewSqlEditor")
    window.add_menu_action("File", "Open SQL file…", lambda: ask_and_open(window, open_file=True),
                           object_name="actionOpenSqlFile")
    # Database ▸ SQL editor… heads the Database menu (Content editor…, Migrations… follow)
    action = window.add_menu_action("Database", "SQL editor…", lambda: ask_and_open(window),
                                    object_name="actionSqlEditor")
    database_menu = window.menu("Database")
    if database_menu.actions() and database_menu.actions()[0] is not action:
        database_menu.removeAction(action)
        database_menu.insertAction(database_menu.actions()[0], action)
    # after a restart: once the connection profiles are known (the sandbox's once its database is up)
    window.register_tab_restorer("sql", lambda spec: restore(window, spec), needs="database")
    # other screens open a statement here through the window (window.open_sql), never importing ui/sql
    window.set_sql_opener(lambda profile, text: open_sql(window, profile, text=text))
    window.set_plan_opener(lambda profile, text, plan: open_plan(window, profile, text, plan))
    # Pygments compiles its PostgreSQL lexer (and MySQL's, 0.26 s, when a profile is MySQL) on first
    # use (~0.3 s): do it off the UI thread, 3 s after the start's first load ended (it would compete
    # with that load for the interpreter; a slow start, such as the sandbox's, outlasts a fixed delay)
    window.after_start(LEXER_WARM_UP_DELAY_MS, lambda: window.services.runner.submit(
        lambda ctx: _warm_lexer(window.services.profiles), name="Prepare SQL highlighting"))


def open_plan(window, profile: str, text: str, plan):
    """A new SQL editor tab on ``profile`` holding ``text`` (not run) with ``plan`` (a
    ``core.db.explain.Plan``, e.g. one the log's auto_explain wrote) in its plan view."""
    tab = open_sql(window, profile, text=text)
    if tab is not None:
        tab.show_plan(plan, "Logged plan")
    return tab


def _warm_lexer(profiles=None) -> None:
    from pygments.lexers.sql import PostgresLexer

    PostgresLexer()
    try:
        mysql = profiles is not None and any(getattr(p, "engine", "") == "mysql" for p in profiles.list())
    except Exception:  # noqa: BLE001 - an unreadable profiles file: the first MySQL tab compiles it
        mysql = False
    if mysql:
        from pygments.lexers.sql import MySqlLexer

        MySqlLexer()


def ask_and_open(window, open_file: bool = False):
    target = ask_target(window, window, "SQL editor")
    if target is None:
        return None
    tab = open_sql(window, target[1] or target[0])
    if open_file:
        from PySide6.QtWidgets import QFileDialog

        path, _ = QFileDialog.getOpenFileName(window, "Open SQL file", "", "SQL files (*.sql);;All files (*)")
        if path:
            tab.open_file(path)
    return tab


def is_conninfo(text: str) -> bool:
    return text.startswith(("postgresql://", "postgres://")) or "=" in text


def strip_password(conninfo: str) -> str:
    """A connection string without its password (libpq can still find one in ~/.pgpass)."""
    if not is_conninfo(conninfo):
        return conninfo
    from aurora_console.core.connections.conninfo import without_password

    return without_password(conninfo)


def _label(profile: str) -> str:
    """A short label for a connection string (never its password)."""
    if not is_conninfo(profile):
        return profile
    from aurora_console.core.redaction import redact

    parts = dict(p.split("=", 1) for p in profile.split() if "=" in p)
    if parts.get("dbname") or parts.get("host"):
        return f"{parts.get('user', '')}@{parts.get('host', '')}:{parts.get('port', '')}/{parts.get('dbname', '')}"
    return redact(profile)


def _profile_source(window, profile: str):
    """The tab's connection source for a profile: opened before the first run through the
    window's ConnectionsController, the prompt path every screen uses (see
    ``ui/connections/on_demand.py``); then each connection is made on the tab's worker."""
    from aurora_console.core.db.session import SessionSettings
    from aurora_console.ui.connections.on_demand import OnDemandConnection

    services = window.services
    return OnDemandConnection(services.connections.get(), profile, queue=f"connect:{profile}",
                              application_name=SessionSettings.application_name, runner=services.runner)


def engine_of(services, profile: str) -> str:
    """The engine of the connection profile named ``profile`` ("postgres" for a libpq connection
    string or a name no profile has): a saved one, or a built-in one of the sandbox (sandbox-shop),
    which only the window's connections controller lists."""
    if is_conninfo(profile):
        return "postgres"
    try:
        controller = services.connections.get()  # None before the connections feature installs
        found = controller.profile(profile) if controller is not None else services.profiles.get(profile)
        return getattr(found, "engine", "") or "postgres"
    except Exception:  # noqa: BLE001 - an unknown name: the prompt path reports it on the first run
        return "postgres"


def open_sql(window, profile: str, *, connect=None, read_only: bool | None = None, text: str = "",
             path: str | None = None, tab_id: str | None = None, engine: str | None = None) -> QWidget:
    """Open a new SQL tab on ``profile`` (see the module docstring for ``connect``). ``engine``:
    the profile's ("postgres" or "mysql"), read from the profile when not given."""
    services = window.services
    label = _label(profile)
    engine = engine or engine_of(services, profile)
    if connect is not None:
        source = connect
    elif is_conninfo(profile):
        source = profile
    else:
        source = _profile_source(window, profile)
    ro = services.is_read_only(label) if read_only is None else read_only

    from aurora_console.ui.connections.on_demand import OnDemandConnection

    def closed() -> None:  # on the tab's worker, after its session closed
        if isinstance(source, OnDemandConnection):
            source.close()  # the tunnel opened for this tab only (a shared one stays)

    def make() -> QWidget:
        from aurora_console.ui.sql.sql_tab import SqlTab

        return SqlTab(services, label, source, read_only=ro, text=text, path=path, tab_id=tab_id, on_close=closed,
                      engine=engine)

    key = f"sql:{next(_keys)}"
    # reopened after a restart with the text it held; a connection string is kept without its password
    spec = None if connect is not None else {"kind": "sql", "profile": strip_password(profile)}
    tab = window.open_tab(key, label, make, spec=spec)
    if spec is not None:
        spec["tab_id"] = tab.tab_id
    tab.setProperty("sqlOrdinal", _ordinal(window, tab, label))
    tab.title_changed.connect(lambda title, t=tab: window.set_tab_title(t, numbered_title(t, title)))
    window.set_tab_title(tab, numbered_title(tab, tab.title()))
    tab.editor.setFocus()  # type at once (keys went nowhere after File ▸ New SQL editor…)
    return tab


def sql_tabs_of(window, label: str) -> list[QWidget]:
    return [t for t in sql_tabs(window) if t.profile == label]


def _ordinal(window, tab: QWidget, label: str) -> int:
    """The lowest number no other open SQL tab of ``label`` holds (1: the first, shown unnumbered)."""
    taken = {t.property("sqlOrdinal") for t in sql_tabs_of(window, label) if t is not tab}
    return next(n for n in itertools.count(1) if n not in taken)


def numbered_title(tab: QWidget, title: str) -> str:
    """Two editors on one profile: "SQL · sandbox-blog" and "SQL 2 · sandbox-blog" (a tab with a
    file is told apart by the file's name already)."""
    n = tab.property("sqlOrdinal") or 1
    if n > 1 and title.startswith("SQL · "):
        return f"SQL {n} · {title[len('SQL · '):]}"
    return title


def restore(window, spec: dict) -> QWidget | None:
    """Reopen a tab saved in the layout with the SQL it held (from the autosave file)."""
    profile = spec.get("profile")
    if not profile:
        return None
    tab_id = spec.get("tab_id")
    tab = open_sql(window, profile, tab_id=tab_id)
    autosave = tab.autosave_path

    def read(ctx):
        from aurora_console.core.db.sql_files import read_autosave

        return read_autosave(autosave)

    def loaded(text: str) -> None:
        if text:
            tab.editor.load_text(text)

    window.services.runner.submit(read, name="Restore SQL text", on_done=loaded)
    return tab


def sql_tabs(window) -> list[QWidget]:
    import sys

    tab_module = sys.modules.get("aurora_console.ui.sql.sql_tab")  # no tab was ever opened: none open
    if tab_module is None:
        return []
    return [w for i in range(window.tabs.count()) if isinstance(w := window.tabs.widget(i), tab_module.SqlTab)]
