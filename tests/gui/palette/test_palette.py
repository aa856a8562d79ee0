"""The command palette on a real main window: menu entries, clusters of the window's one cluster
model, cluster actions as verbs, recent entries kept in the settings; its page object."""

from __future__ import annotations

from PySide6.QtCore import Qt

from aurora_console.core.aws.fleet.models import Cluster, Instance, RegionInventory


def _fleet(window, n: int = 3) -> None:
    clusters = tuple(
        Cluster(id=name, engine="aurora-postgresql", engine_version="16.4", status="available",
                instances=(Instance(f"{name}-1", name, "WRITER", 1, "db.r6g.large", "us-east-1a", "available"),))
        for name in ("blog", "ledger", "shop")[:n])
    window.clusters.loader.model.set_region(RegionInventory("default", "us-east-1", clusters))


def test_ctrl_k_opens_it_and_a_verb_with_a_cluster_runs_that_action(offline_window, qtbot):
    window = offline_window
    _fleet(window)
    got = []
    window.add_cluster_action("Inspect for the test…", lambda ref: got.append(ref))
    qtbot.keyClick(window, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: getattr(window, "command_palette", None) is not None
                    and window.command_palette.isVisible())
    palette = window.command_palette
    qtbot.keyClicks(palette.field, "inspect ledger")
    assert palette.matches[0].title == "Inspect for the test · ledger"
    qtbot.keyClick(palette.field, Qt.Key.Key_Return)
    assert [r.cluster_id for r in got] == ["ledger"]
    assert got[0].region == "us-east-1" and got[0].profile == "default"
    assert not palette.isVisible()


def test_menu_entries_run_as_clicked_and_become_recent(offline_window, qtbot):
    from aurora_console.testing.pages import ConsoleRoot

    console = ConsoleRoot(offline_window, qtbot, allow_changes=False, sandbox=False)
    palette = console.palette()
    assert "Connections and tunnels" in palette.search("tunnels")
    assert palette.run("conn tunn") == "Connections and tunnels"
    qtbot.waitUntil(lambda: offline_window.find_tab("connections") is not None)
    again = console.palette()
    first = again.dialog.matches[0]
    assert first.title == "Connections and tunnels"  # recent first on an empty query
    again.close()


def test_clusters_and_instances_are_listed_and_unknown_text_finds_nothing(offline_window, qtbot):
    from aurora_console.testing.pages import ConsoleRoot

    _fleet(offline_window)
    console = ConsoleRoot(offline_window, qtbot, allow_changes=False, sandbox=False)
    palette = console.palette()
    assert palette.search("shop")[0] == "shop"
    assert "ledger-1" in palette.search("ledger-1")
    assert palette.search("no such thing qqq") == []
    palette.close()


def test_open_posts_opens_the_table_in_the_content_editor(offline_window, qtbot, pg_dsn):
    import psycopg

    from aurora_console.testing.pages import ConsoleRoot
    from aurora_console.ui.content.feature import open_content

    with psycopg.connect(pg_dsn, autocommit=True) as conn:
        conn.execute("CREATE TABLE posts (id int PRIMARY KEY, title text)")
    workspace = open_content(offline_window, "rig", connect=pg_dsn)
    qtbot.waitUntil(lambda: workspace.picker.count() > 0, timeout=20000)
    console = ConsoleRoot(offline_window, qtbot, allow_changes=False, sandbox=False)
    palette = console.palette()
    assert palette.search("open posts")[0] == "Open · posts"
    palette.run("open posts")
    qtbot.waitUntil(lambda: "public.posts" in workspace.grids, timeout=20000)
