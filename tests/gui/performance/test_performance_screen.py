"""The Performance screen on the rig's real PostgreSQL: real sessions (filters, thresholds, the
whole query in the detail pane), real blocking (the tree, root blocker first with the count it
holds up and the row lock), real cancel and terminate behind the typed confirmation (audited;
refused on a read-only profile and for the console's own backend), and a lost connection that
pauses the views, says so and resumes."""

from __future__ import annotations

import psycopg
import pytest

from aurora_console.core.errors import ConsoleError, ReadOnlyError
from aurora_console.testing.pages_performance import PerformancePage
from aurora_console.ui.performance.feature import open_performance

pytestmark = [pytest.mark.gui, pytest.mark.timeout(180),
              pytest.mark.qt_log_ignore("does not support propagateSizeHints")]


def _page(window, qtbot, db, *, read_only=False, name="rig"):
    screen = open_performance(window, name, connect=db.dsn, read_only=read_only)
    assert window.find_tab("performance:rig" if name == "rig" else f"performance:{name}") is screen
    return PerformancePage.for_widget(qtbot, screen)


def _mine(page, db):
    return {s["application"]: s for s in page.sessions() if s["database"] == db.name}


def test_sessions_show_real_backends_with_filters_thresholds_and_the_whole_query(window, qtbot, sessions):
    db = sessions.db
    idle_tx = sessions.open("rig-idle-tx")
    idle_tx.execute("BEGIN")
    idle_tx.execute("UPDATE items SET qty = qty + 1 WHERE id = 1")
    sleeper = sessions.open("rig-sleeper")
    long_query = "SELECT pg_sleep(30) /* " + "a long comment " * 30 + "*/"
    sessions.run_in_background(sleeper, long_query, "sleeper")
    page = _page(window, qtbot, db)
    qtbot.waitUntil(lambda: "rig-sleeper" in _mine(page, db) and _mine(page, db)["rig-sleeper"]["state"] == "active",
                    timeout=20000)
    mine = _mine(page, db)
    assert mine["rig-idle-tx"]["state"] == "idle in transaction"
    assert mine["rig-idle-tx"]["pid"] == sessions.pid(idle_tx)
    assert mine["rig-sleeper"]["query"] == long_query and mine["rig-sleeper"]["wait_event"] == "PgSleep"
    assert not any(s["application"].startswith("aurora-console") for s in page.sessions())  # not the console's own

    page.screen.show_tab("Replication")
    page.screen.show_tab("Sessions")  # the table is drawn again when it comes back to the front
    page.set_thresholds(idle_in_xact_s=1)
    qtbot.waitUntil(lambda: "idle in transaction" in _mine(page, db)["rig-idle-tx"]["flags"], timeout=10000)
    assert page.screen.sessions_view.model.rowCount() >= 2
    # the whole query, not the elided one, in the detail pane
    detail = page.detail(sessions.pid(sleeper))
    assert long_query in detail and f"pid {sessions.pid(sleeper)}" in detail
    page.set_filter("rig-sleeper")
    assert [s["application"] for s in page.sessions(visible_only=True)] == ["rig-sleeper"]
    page.set_filter("", "idle in transaction")
    assert "rig-idle-tx" in {s["application"] for s in page.sessions(visible_only=True)}
    assert "rig-sleeper" not in {s["application"] for s in page.sessions(visible_only=True)}


def test_blocking_tree_cancel_and_terminate_on_real_contention(window, qtbot, sessions, tmp_path):
    db = sessions.db
    holder = sessions.open("rig-holder")
    holder.execute("BEGIN")
    holder.execute("UPDATE items SET qty = 1 WHERE id = 5")
    waiters = [sessions.open(f"rig-waiter-{n}") for n in range(2)]
    for n, w in enumerate(waiters):
        sessions.run_in_background(w, "UPDATE items SET qty = 2 WHERE id = 5", f"waiter-{n}")
    page = _page(window, qtbot, db)

    def roots():
        return [r for r in page.blocking_tree() if r["pid"] == sessions.pid(holder)]

    qtbot.waitUntil(lambda: bool(roots()) and roots()[0]["held_up"] == 2, timeout=20000)
    (root,) = roots()
    waiting = {root["blocked"][0]["pid"]} | {b["pid"] for b in root["blocked"][0]["blocked"]} | {
        b["pid"] for b in root["blocked"]}
    assert waiting == {sessions.pid(w) for w in waiters}
    # the locks involved: the holder's transaction lock, the first waiter queued on it (holding the
    # row's tuple lock), the second waiting for that tuple of items
    assert any(lock.startswith("ExclusiveLock on transaction") for lock in root["locks"])
    first_waiter = root["blocked"][0]
    assert any(lock.startswith("ShareLock on transaction") and lock.endswith("(waiting)")
               for lock in first_waiter["locks"])
    assert any("tuple (0,5) of items (waiting)" in lock for n in first_waiter["blocked"] for lock in n["locks"])
    page.screen.show_tab("Blocking")
    assert page.screen.blocking_view.tree.topLevelItemCount() >= 1
    assert page.screen.blocking_view.tree.topLevelItem(0).text(0).endswith("(root)")

    # cancel a waiter: its UPDATE ends with "canceling statement due to user request"
    first = sessions.pid(waiters[0])
    message = page.cancel(first)
    assert str(first) in message
    assert str(first) in page.confirmations[-1] and "UPDATE items" in page.confirmations[-1]
    qtbot.waitUntil(lambda: "waiter-0" in sessions.errors, timeout=10000)
    assert isinstance(sessions.errors["waiter-0"], psycopg.errors.QueryCanceled)

    # terminate the holder: its session ends, the other waiter goes through
    message = page.terminate(sessions.pid(holder))
    assert str(sessions.pid(holder)) in message
    assert "rolled back" in page.confirmations[-1]
    qtbot.waitUntil(lambda: not sessions.threads[1].is_alive(), timeout=10000)
    assert "waiter-1" not in sessions.errors
    assert sessions.pid(holder) not in {s["pid"] for s in page.sessions()}
    assert page.blocking_tree() == [] or all(r["pid"] != sessions.pid(holder) for r in page.blocking_tree())

    entries = [e for e in window.services.audit.read() if e.action.startswith("performance.")]
    assert [e.action for e in entries[-2:]] == ["performance.cancel", "performance.terminate"]
    assert entries[-2].params["pid"] == first and entries[-2].outcome == "ok"
    assert "UPDATE items" in entries[-2].params["query"]


def test_read_only_profiles_and_the_consoles_own_backend_are_refused(window, qtbot, sessions):
    db = sessions.db
    victim = sessions.open("rig-victim")
    page = _page(window, qtbot, db, read_only=True, name="rig-ro")
    assert not page.screen.sessions_view.terminate_button.isEnabled()
    with pytest.raises(ConsoleError, match="read-only"):
        page.terminate(sessions.pid(victim))
    assert page.confirmations == [] and "read-only" in page.refusals[-1]
    assert sessions.pid(victim) in {s["pid"] for s in page.sessions()}

    rw = _page(window, qtbot, db, name="rig-rw")
    own = rw.controller.reading.sessions.own_pid
    with pytest.raises(ConsoleError):
        rw.controller.request_signal(own, "terminate")  # not listed: the console's own backends are hidden
    assert rw.confirmations == []
    with pytest.raises(ReadOnlyError):
        page.controller.request_signal(sessions.pid(victim), "cancel")


def test_a_lost_connection_pauses_the_views_says_so_and_resumes(window, qtbot, sessions):
    db = sessions.db
    page = _page(window, qtbot, db)
    page.set_interval(1)
    c = page.controller
    before = c.link.connects
    own = c.reading.sessions.own_pid
    shown = c.reading
    with db.connect(autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", (own,))
    c.refresh()  # the next read finds the connection gone
    qtbot.waitUntil(lambda: c.lost is not None, timeout=15000)
    assert "lost" in page.status() and "paused" in page.status()
    assert c.reading is shown and page.screen.sessions_view.model.rowCount() > 0  # the last data stays
    qtbot.waitUntil(lambda: c.lost is None, timeout=15000)  # the next ticks connect again
    assert c.link.connects > before and "resumed" in page.notice()
    page.refresh()
    assert c.reading.sessions.own_pid != own


def test_top_sql_load_and_an_explained_window_from_the_real_server(window, qtbot, sessions):
    db = sessions.db
    with db.connect(autocommit=True) as admin:
        admin.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements")
    page = _page(window, qtbot, db)
    page.screen.show_tab("Top SQL")
    start = page.recorder.clock() - 1
    first = page.snapshot()
    worker = sessions.open("rig-worker")
    for n in range(25):
        worker.execute("SELECT qty FROM items WHERE id = %s", (n % 10 + 1,))
    second = page.snapshot()
    assert second.taken_at > first.taken_at
    rows = page.top_sql(600)
    ours = [r for r in rows if "FROM items WHERE id" in (r["query"] or "")]
    assert ours and ours[0]["calls"] == 25 and ours[0]["rows"] == 25
    assert ours[0]["mean_ms"] == pytest.approx(ours[0]["total_ms"] / 25)
    assert set(rows[0]) >= {"queryid", "query", "calls", "total_ms", "mean_ms", "rows"}
    assert page.screen.top_sql_view.model.rowCount() == len(rows)  # the tab shows them
    # a statement opens in the SQL editor with EXPLAIN, on the same database, not run
    from aurora_console.ui.sql.feature import sql_tabs

    assert page.screen.top_sql_view.select_statement(ours[0]["queryid"])
    text = page.screen.top_sql_view.explain_selected()
    assert text and "EXPLAIN" in text and "FROM items WHERE id" in text
    (editor,) = sql_tabs(window)
    assert editor.editor.toPlainText() == text and editor.outcomes == []
    editor.ask = lambda *a: None
    window.close_tab(window.tabs.indexOf(editor))
    page.screen.show_tab("Top SQL")
    assert page.screen.window_bar.isVisible()

    # the load of the window: no Performance Insights on a plain profile, so sampled, and said why
    sleeper = sessions.open("rig-load")
    sessions.run_in_background(sleeper, "SELECT pg_sleep(4)", "load")
    qtbot.waitUntil(lambda: page.recorder.samples >= 3, timeout=15000)
    qtbot.wait(2500)
    load = page.load_by_wait(60)
    assert page.source() == "sampled" and "sampled from pg_stat_activity" in page.source_reason()
    assert load.get("Timeout:PgSleep", 0) > 0
    page.screen.show_tab("Load")
    assert page.screen.load_chart.stack.layers  # the chart draws the series the page read
    assert "ampled" in page.screen.load_chart.source_label.text()

    end = page.recorder.clock() + 1
    sections = page.explain_window(start, end)
    assert sections["instance"] == "rig" and sections["load source"] == "sampled"
    assert any("FROM items WHERE id" in (r["query"] or "") for r in sections["top statements"])
    assert "Timeout:PgSleep" in sections["load by wait"]
    assert sections["migrations"] == []  # none applied in this database
    assert page.screen.tabs.tabText(page.screen.tabs.currentIndex()) == "Window"
    assert page.screen.window_view.sections.explanation is page.recorder.explained


def test_without_pg_stat_statements_top_sql_says_what_to_do_and_the_rest_works(window, qtbot, sessions):
    db = sessions.db  # the extension is not created in this database
    page = _page(window, qtbot, db)
    with pytest.raises(ConsoleError, match="CREATE EXTENSION pg_stat_statements"):
        page.snapshot()
    page.screen.show_tab("Top SQL")
    page.screen.render()
    assert "CREATE EXTENSION pg_stat_statements" in page.screen.top_sql_view.message_label.text()
    other = sessions.open("rig-other")
    assert sessions.pid(other) in {s["pid"] for s in page.sessions()}


@pytest.mark.expected_errors
def test_explain_this_window_is_offered_on_metrics_charts_and_opens_the_screen_on_that_window(window, qtbot,
                                                                                              sessions):
    from aurora_console.core.aws.fleet.models import ClusterRef

    (action,) = [cb for text, cb in window.time_window_actions() if text == "Explain this window"]
    before = len(window.services.notifier.history)
    action(ClusterRef(None, "us-east-1", "nowhere", "aurora-postgresql"), 100.0, 200.0)
    assert "No connection profile points at nowhere" in window.services.notifier.history[before].text
    assert window.find_tab("performance:nowhere") is None

    db = sessions.db
    with db.connect(autocommit=True) as admin:
        admin.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements")
    import time

    start, end = time.time() - 300, time.time() + 1
    screen = open_performance(window, "rig", connect=db.dsn, explain=(start, end))
    qtbot.waitUntil(lambda: screen.recorder.explained is not None or screen.recorder.explain_problem is not None,
                    timeout=30000)
    assert screen.recorder.explained is not None, screen.recorder.explain_problem
    assert screen.recorder.window == (start, end)  # Top SQL and Load show the same window
    assert screen.window_bar.range_combo.currentText().startswith("Explained:")
    assert screen.tabs.tabText(screen.tabs.currentIndex()) == "Window"
    assert screen.window_view.sections.explanation is screen.recorder.explained


def test_record_in_the_background_is_the_profiles_setting_and_takes_snapshots_with_the_screen_closed(
        window, qtbot, sessions):
    from aurora_console.core.connections.passwords import keyring_name
    from aurora_console.core.connections.profile import ConnectionProfile, PasswordSource, TlsSettings
    from aurora_console.core.secrets import set_secret
    from aurora_console.ui.performance.feature import background_of, open_performance, store_path

    db = sessions.db
    with db.connect(autocommit=True) as admin:
        admin.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements")
    info = db.conninfo
    background = background_of(window)
    assert background is not None and background.profiles() == []
    # a saved profile on the rig's server; its password comes from the keyring (the test's memory keyring):
    # nothing is asked, so it can be recorded unattended
    profile = ConnectionProfile("rig-bg", info["host"], int(info["port"]), db.name, info["user"],
                                password=PasswordSource(kind="keyring"), tls=TlsSettings(mode="disable"))
    window.services.profiles.save(profile)
    set_secret(keyring_name("rig-bg"), info["password"])
    open_performance(window, "rig-bg")
    qtbot.waitUntil(lambda: window.find_tab("performance:rig-bg") is not None, timeout=30000)
    screen = window.find_tab("performance:rig-bg")
    qtbot.waitUntil(lambda: screen.controller.reading is not None or screen.controller.last_error is not None,
                    timeout=30000)
    assert screen.controller.last_error is None, screen.controller.last_error
    box = screen.window_bar.background_box
    assert not box.isHidden() and not box.isChecked()
    box.setChecked(True)
    assert background.enabled("rig-bg")
    assert window.services.settings.settings.top_sql_background_profiles == ["rig-bg"]
    window.close_tab(window.tabs.indexOf(screen))  # the screen closes; the recording goes on
    background.tick()
    qtbot.waitUntil(lambda: "rig-bg" in background.taken or "rig-bg" in background.errors, timeout=30000)
    assert "rig-bg" in background.taken, background.errors
    key = "rig-bg/rig-bg"
    from aurora_console.core.performance.snapshots import SnapshotStore

    with SnapshotStore(store_path(window.services.paths)) as store:
        assert store.snapshot_times(key)  # under the key the screen uses: one history
    box_off = open_performance(window, "rig-bg")
    qtbot.waitUntil(lambda: window.find_tab("performance:rig-bg") is not None, timeout=30000)
    again = window.find_tab("performance:rig-bg")
    assert again.window_bar.background_box.isChecked()
    again.window_bar.background_box.setChecked(False)
    assert background.profiles() == [] and box_off is not None


def test_without_pg_read_all_stats_other_queries_are_hidden_and_the_grant_is_named(window, qtbot, sessions):
    import secrets

    from psycopg import sql
    from psycopg.conninfo import make_conninfo

    db = sessions.db
    role, password = f"viewer_{secrets.token_hex(3)}", secrets.token_urlsafe(12)
    with db.connect(autocommit=True) as admin:
        admin.execute(sql.SQL("CREATE ROLE {} LOGIN PASSWORD {}").format(sql.Identifier(role), sql.Literal(password)))
    try:
        other = sessions.open("rig-secret-query")
        sessions.run_in_background(other, "SELECT pg_sleep(20) /* payroll */", "secret")
        dsn = make_conninfo(db.dsn, user=role, password=password)
        screen = open_performance(window, "viewer", connect=dsn)
        page = PerformancePage.for_widget(qtbot, screen)
        qtbot.waitUntil(lambda: any(s["application"] == "rig-secret-query" and s["query_hidden"]
                                    for s in page.sessions()), timeout=20000)
        row = next(s for s in page.sessions() if s["application"] == "rig-secret-query")
        assert "payroll" not in (row["query"] or "")
        hint = page.privilege_hint()
        assert hint and "pg_read_all_stats" in hint and role in hint
        page.screen.show_tab("Sessions")
        assert not page.screen.sessions_view.hint_label.isHidden()
        assert "pg_read_all_stats" in page.screen.sessions_view.hint_label.text()
        assert "<insufficient privilege>" in page.detail(row["pid"])
        window.close_tab(window.tabs.indexOf(screen))
    finally:
        sessions.close()
        with db.connect(autocommit=True) as admin:
            admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = %s", (role,))
            admin.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(sql.Identifier(role)))
