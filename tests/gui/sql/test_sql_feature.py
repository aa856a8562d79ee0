"""The SQL editor plugged into the main window: menus, page object, the sandbox through its bastion."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore("does not support propagateSizeHints")]


@pytest.fixture
def window(qtbot, qapp):
    from aurora_console.app import build_services, shutdown_services
    from aurora_console.testing.console import console_options
    from aurora_console.ui.main_window import MainWindow

    services = build_services(console_options(sandbox=False), qapp)
    win = MainWindow(services)
    qtbot.addWidget(win)
    yield win
    win.close()
    shutdown_services(services)


def test_feature_menus_and_page_object(window, qtbot, sql_gui_db, tmp_path):
    from aurora_console.testing.pages import ConsoleRoot
    from aurora_console.ui.sql.feature import sql_tabs

    names = [a.objectName() for a in window.menu("File").actions()]
    assert "actionNewSqlEditor" in names and "actionOpenSqlFile" in names
    assert "actionSqlEditor" in [a.objectName() for a in window.menu("Database").actions()]
    console = ConsoleRoot(window, qtbot, allow_changes=False, sandbox=False)
    page = console.sql(sql_gui_db.dsn)
    assert sql_tabs(window) == [page.tab]
    assert "password" not in window.tabs.tabText(window.tabs.indexOf(page.tab))
    # a new tab connects on its first statement: it is not "disconnected" before that
    assert "[disconnected]" not in window.tabs.tabText(window.tabs.indexOf(page.tab))
    assert page.tab.tx_label.text() == "connects on first run"
    first, second = page.run("select count(*) as n from items; select name from items where id = 3")
    assert page.tab.tx_label.text() == "idle"
    assert first.columns() == ["n"] and first.rows() == [("20",)] and second.rows() == [("item 3",)]
    assert console.sql(sql_gui_db.dsn).tab is page.tab  # the same profile reuses its tab
    assert page.export(tmp_path / "x.csv", "csv") == 1
    assert (tmp_path / "x.csv").read_text().splitlines() == ["name", "item 3"]
    page.tab.ask = lambda *a: None
    assert window.close_tab(window.tabs.indexOf(page.tab))


@pytest.mark.integration
# the whole console runs here: moto's server logs NotImplementedError for fleet calls other screens
# make (describe_db_cluster_endpoints...); this test checks that nothing of the SQL editor logs errors
@pytest.mark.expected_errors
def test_sandbox_blog_through_the_bastion(console, caplog):
    """The sandbox's blog profile: SSM password, bastion tunnel, verify-full TLS, like a real cluster."""
    page = console.sql("sandbox-blog")
    (res,) = page.run("select current_database(), ssl from pg_stat_ssl where pid = pg_backend_pid()")
    assert res.error() is None, res.error()
    assert res.rows()[0][1] == "true"  # TLS (verify-full against the sandbox CA) through the tunnel
    (tables,) = page.run("select count(*) from information_schema.tables where table_schema = 'public'")
    assert int(tables.rows()[0][0]) > 0
    err = page.run("select 1/0")[0]
    assert err.error_kind == "server" and "division by zero" in err.error()
    console.wait()
    ours = [r for r in caplog.records if r.levelname == "ERROR" and not r.name.startswith("werkzeug")]
    assert ours == []


def test_open_tabs_and_their_text_survive_a_restart(window, qtbot, qapp, sql_gui_db):
    from aurora_console.ui.main_window import MainWindow
    from aurora_console.ui.sql.feature import open_sql, sql_tabs

    tab = open_sql(window, sql_gui_db.dsn)
    tab.editor.setPlainText("select 'unsaved work'")
    tab.autosave()
    qtbot.waitUntil(lambda: tab.autosave_path.exists(), timeout=10000)
    window.save_layout()
    saved = window.services.settings.settings.open_tabs
    sql_specs = [s for s in saved if s.get("kind") == "sql"]
    assert sql_specs and "password" not in str(sql_specs)  # never a secret in the settings
    again = MainWindow(window.services)
    qtbot.addWidget(again)
    again.restore_tabs()
    (restored,) = sql_tabs(again)
    qtbot.waitUntil(lambda: restored.editor.toPlainText() == "select 'unsaved work'", timeout=10000)
    assert restored.tab_id == tab.tab_id
    restored.shutdown()
    tab.shutdown()
