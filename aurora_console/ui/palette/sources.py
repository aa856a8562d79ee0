"""What the command palette lists, gathered from the window when it opens (no I/O: only what the
console already holds): menu actions and screens, clusters and instances of the cluster model,
cluster actions (as verbs: "failover blog"), connection profiles with what opens on them, saved
queries, and the tables of open content workspaces. Features can add their own with
``add_palette_source(window, source)``."""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable, Iterator

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu

from aurora_console.core.palette import PaletteItem
from aurora_console.ui.icon_names import ACTIONS

log = logging.getLogger(__name__)

Source = Callable[[object], list[PaletteItem]]
_EXTRA_SOURCES = "_palette_sources"


def add_palette_source(window, source: Source) -> None:
    """A feature's own entries: ``source(window) -> list[PaletteItem]``, called on each opening."""
    sources = getattr(window, _EXTRA_SOURCES, None)
    if sources is None:
        sources = []
        setattr(window, _EXTRA_SOURCES, sources)
    sources.append(source)


def gather(window) -> list[PaletteItem]:
    """Every entry for one opening of the palette; a source that fails is logged and skipped."""
    items: list[PaletteItem] = []
    sources: list[Source] = [menu_actions, clusters, cluster_verbs, profiles, snippets, content_tables]
    sources += getattr(window, _EXTRA_SOURCES, [])
    for source in sources:
        try:
            items.extend(source(window))
        except Exception:  # noqa: BLE001 - one broken source must not empty the palette
            log.exception("command palette source %s failed", getattr(source, "__name__", source))
    return items


def _plain(text: str) -> str:
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&")


def _walk(menu: QMenu, path: tuple[str, ...]) -> Iterator[tuple[tuple[str, ...], QAction]]:
    for action in menu.actions():
        if action.isSeparator() or not action.isVisible():
            continue
        sub = action.menu()
        if sub is not None:
            yield from _walk(sub, (*path, _plain(action.text())))
        elif action.text():
            yield path, action


def menu_actions(window) -> list[PaletteItem]:
    """Every enabled menu entry ("Tools ▸ Connections and tunnels…"), run as if clicked."""
    items = []
    for top in window.menuBar().actions():
        menu = top.menu()
        if menu is None or not top.isVisible():
            continue
        for path, action in _walk(menu, (_plain(top.text()),)):
            if not action.isEnabled() or action.objectName() == "actionCommandPalette":
                continue
            title = _plain(action.text()).rstrip("…").rstrip(".")
            shortcut = action.shortcut().toString()
            detail = " ▸ ".join(path) + (f"  ({shortcut})" if shortcut else "")
            kind = "screen" if action.objectName().startswith("action") else "action"
            items.append(PaletteItem(kind, title, detail, key=f"menu:{' ▸ '.join(path)} ▸ {title}",
                                     run=action.trigger, icon=ACTIONS.get(action.objectName(), "")))
    return items


def clusters(window) -> list[PaletteItem]:
    """Each cluster (opens it in the fleet view) and each instance (its cluster, in the fleet view)."""
    from aurora_console.ui.fleet import open_fleet

    def show(ref) -> None:
        open_fleet(window, select=ref)

    items = []
    add = items.append
    for inv, cluster in window.clusters.loader.model.clusters():
        ref = inv.ref(cluster)
        where = f"{inv.profile} · {inv.region}"
        add(PaletteItem("cluster", cluster.id, f"{cluster.engine} · {cluster.status} · {where}",
                        f"cluster:{inv.profile}/{inv.region}/{cluster.id}", show, target=ref))
        for inst in cluster.instances:
            role = "writer" if inst.is_writer else "reader"
            add(PaletteItem("instance", inst.id, f"{role} of {cluster.id} · {where}",
                            f"instance:{inv.profile}/{inv.region}/{inst.id}", show, target=ref))
    return items


def cluster_verbs(window) -> list[PaletteItem]:
    """Each action on a cluster, as a verb the palette pairs with a cluster the query names."""
    seen: dict[str, Callable] = {}
    for text, callback in [*window.navigator.cluster_actions(), *window.cluster_actions()]:
        seen.setdefault(text, callback)
    return [PaletteItem("cluster action", _plain(text).rstrip("…"), "on a cluster: type its name too",
                        key=f"verb:{text}", run=callback, verb=True, applies_to="cluster")
            for text, callback in seen.items()]


#: what opens on a connection profile: (title, module, function name)
_PROFILE_SCREENS = (
    ("SQL editor", "aurora_console.ui.sql.feature", "open_sql"),
    ("Table contents", "aurora_console.ui.content.feature", "open_content"),
    ("Migrations", "aurora_console.ui.migrations.feature", "open_migrations"),
    ("Performance", "aurora_console.ui.performance.feature", "open_performance"),
)


def _opener(window, module: str, name: str) -> Callable[[str], object]:
    def run(profile: str):
        mod = __import__(module, fromlist=[name])
        return getattr(mod, name)(window, profile)

    return run


def profiles(window) -> list[PaletteItem]:
    """Each connection profile (opens the SQL editor on it), and the screens that open on a
    profile as verbs ("migrations blog")."""
    items = []
    sql = _opener(window, *_PROFILE_SCREENS[0][1:])
    for profile in window.services.profiles.list():
        items.append(PaletteItem("profile", profile.name, f"{profile.engine} · {profile.target_label}",
                                 key=f"profile:{profile.name}", run=sql, target=profile.name))
    for title, module, name in _PROFILE_SCREENS:
        items.append(PaletteItem("profile action", title, "on a connection profile: type its name too",
                                 key=f"verb-profile:{title}", run=_opener(window, module, name), verb=True,
                                 applies_to="profile"))
    return items


def snippets(window) -> list[PaletteItem]:
    """Saved queries (snippets are not per profile): opened in the SQL editor of the current SQL
    tab's profile, else of the first profile."""
    from aurora_console.core.db.history import Snippets

    saved = Snippets.for_paths(window.services.paths).all()
    if not saved:
        return []
    names = window.services.profiles.names()
    if not names:
        return []

    def open_snippet(sql: str) -> None:
        profile = _current_sql_profile(window) or names[0]
        window.open_sql(profile, sql)

    return [PaletteItem("saved query", name, (sql.strip().splitlines() or [""])[0][:80], key=f"snippet:{name}",
                        run=open_snippet, target=sql) for name, sql in saved.items()]


def _current_sql_profile(window) -> str | None:
    profile = getattr(window.tabs.currentWidget(), "profile", None)  # a SQL tab's profile name
    return profile if isinstance(profile, str) and profile in window.services.profiles.names() else None


def _open_table(target) -> None:
    window, workspace, qualified = target
    window.tabs.setCurrentWidget(workspace)
    workspace.open_table(qualified)


def content_tables(window) -> list[PaletteItem]:
    """Tables listed by the open content workspaces ("open posts" opens the grid)."""
    module = sys.modules.get("aurora_console.ui.content.workspace")
    if module is None:  # no content workspace was ever opened
        return []
    items = []
    for i in range(window.tabs.count()):
        ws = window.tabs.widget(i)
        if not isinstance(ws, module.ContentWorkspace):
            continue
        profile = window.tabs.tabText(i)
        for row in range(ws.picker.count()):
            qualified = ws.picker.itemData(row)
            if not qualified:
                continue

            items.append(PaletteItem("table", qualified.partition(".")[2], f"{qualified} · {profile}",
                                     key=f"table:{profile}/{qualified}", run=_open_table, target=(window, ws, qualified)))
    if items:  # "open posts": the verb with a table's name
        items.append(PaletteItem("table action", "Open", "a table of an open content editor: type its name too",
                                 key="verb-table:open", run=_open_table, verb=True, applies_to="table"))
    return items
