"""``console.performance(profile)`` unchanged on a MySQL profile (the rig's MariaDB over TLS, the
password asked as for any profile): a sleeping query with its text, a SELECT ... FOR UPDATE queue
as the blocking tree, KILL QUERY behind the typed confirmation (written to the audit log), a
read-only profile refused, Top SQL that says performance_schema is off (and what to set), deltas on
a server with it on (and in Explain a window), and the Replication tab saying it is not available on MySQL."""

from __future__ import annotations

import threading
import time
from dataclasses import replace

import pytest
from PySide6.QtCore import Qt

from aurora_console.core.errors import ConsoleError
from aurora_console.testing.pages import ConsoleRoot
from tests.rig.mysql import MysqlDatabaseFactory
from tests.rig.mysql_ps import performance_schema_server

pytestmark = [pytest.mark.gui, pytest.mark.timeout(180),
              pytest.mark.qt_log_ignore("does not support propagateSizeHints")]


@pytest.fixture(scope="module")
def ps_server(tmp_path_factory):
    with performance_schema_server(tmp_path_factory.mktemp("gui-mysql-ps")) as server:
        yield server


def _save(profile):
    from aurora_console.core.connections.store import ProfileStore
    from aurora_console.core.paths import app_paths

    ProfileStore.for_paths(app_paths()).save(profile)
    return profile


class Clients:
    """Client threads of the test (not the console's): closed at the end."""

    def __init__(self, db) -> None:
        self.db, self.conns, self.threads, self.outcome = db, [], [], {}

    def open(self, **kw):
        conn = self.db.connect(program_name="pytest-client", **kw)
        self.conns.append(conn)
        return conn

    def run(self, conn, statement, key):
        def go():
            cur = conn.cursor()
            try:
                cur.execute(statement)
                self.outcome[key] = cur.fetchall()
            except Exception as exc:  # noqa: BLE001 - the test reads what ended it
                self.outcome[key] = exc

        t = threading.Thread(target=go, daemon=True)
        t.start()
        self.threads.append(t)

    def close(self):
        from aurora_console.core.connections.engines.mysql import MYSQL

        for c in self.conns:
            for step in (MYSQL.cancel, lambda c: c.rollback()):
                try:
                    step(c)
                except Exception:  # noqa: BLE001 - some were killed
                    pass
        for t in self.threads:
            t.join(20)
        for c in self.conns:
            try:
                c.close()
            except Exception:  # noqa: BLE001
                pass


@pytest.fixture
def clients(mysql_db):
    conn = mysql_db.connect()
    cur = conn.cursor()
    cur.execute("CREATE TABLE items (id INT PRIMARY KEY, n INT) ENGINE=InnoDB")
    cur.execute("INSERT INTO items VALUES (1, 10), (2, 20)")
    conn.close()
    c = Clients(mysql_db)
    yield c
    c.close()


def _root(window, qtbot, server):
    root = ConsoleRoot(window, qtbot, allow_changes=True, sandbox=False)
    root.connections.secrets = {"password": server.password}
    return root


def test_sessions_blocking_and_kill_query_on_a_mysql_profile(window, qtbot, mysql_server, mysql_profile, clients):
    profile = _save(replace(mysql_profile, name="rig-mysql-perf"))
    sleeper = clients.open()
    clients.run(sleeper, "SELECT SLEEP(60) AS gui_sleeper", "sleep")
    holder = clients.open(autocommit=False)
    holder.cursor().execute("SELECT * FROM items WHERE id = 1 FOR UPDATE")
    waiter = clients.open(autocommit=False, init_command="SET SESSION innodb_lock_wait_timeout = 60")
    clients.run(waiter, "UPDATE items SET n = 0 WHERE id = 1", "wait")

    perf = _root(window, qtbot, mysql_server).performance(profile.name)
    pid = sleeper.thread_id()

    def sleeping():
        return next((s for s in perf.sessions() if s["pid"] == pid and s["state"] == "active"), None)

    qtbot.waitUntil(lambda: sleeping() is not None, timeout=15000)
    row = sleeping()
    assert row["query"] == "SELECT SLEEP(60) AS gui_sleeper" and row["user"] == "admin"
    # the Load tab samples the processlist once a second (no Performance Insights without a cluster)
    qtbot.waitUntil(lambda: perf.recorder.samples >= 2, timeout=15000)
    load = perf.load_by_wait(120)
    assert perf.source() == "sampled" and load.get("State:User sleep", 0) > 0 and load.get("Lock:row lock", 0) > 0

    def tree():
        return [n for n in perf.blocking_tree() if n["pid"] == holder.thread_id()]

    qtbot.waitUntil(lambda: bool(tree()), timeout=15000)
    root = tree()[0]
    assert root["held_up"] == 1 and [n["pid"] for n in root["blocked"]] == [waiter.thread_id()]
    assert any("index PRIMARY" in text for text in root["locks"])

    message = perf.cancel(pid)
    assert "Cancelled the query of thread" in message
    assert f"(KILL QUERY {pid})" in perf.confirmations[-1] and "gui_sleeper" in perf.confirmations[-1]
    clients.threads[0].join(10)
    assert not clients.threads[0].is_alive()  # the victim's statement ended
    entry = [e for e in window.services.audit.read() if e.action == "performance.cancel"][-1]
    assert entry.outcome == "ok" and entry.params["statement"] == f"KILL QUERY {pid}"

    with pytest.raises(ConsoleError, match="performance_schema=OFF"):
        perf.snapshot()
    perf.screen.tabs.setCurrentWidget(perf.screen.top_sql_view)
    perf.screen.render()
    shown = perf.screen.top_sql_view.message_label
    assert shown.isVisible() and "performance_schema=ON" in shown.text() and "restart" in shown.text()
    perf.screen.tabs.setCurrentWidget(perf.screen.replication_view)
    perf.screen.render()
    assert "not available on MySQL" in perf.screen.replication_view.summary.text()
    assert perf.replicas() == {} and "not available on MySQL" in perf.replication_note()


def test_read_only_mysql_profile_refuses_kill(window, qtbot, mysql_server, mysql_profile, clients):
    profile = _save(replace(mysql_profile, name="rig-mysql-ro", read_only=True))
    victim = clients.open()
    clients.run(victim, "SELECT SLEEP(5)", "sleep")
    perf = _root(window, qtbot, mysql_server).performance(profile.name)
    qtbot.waitUntil(lambda: victim.thread_id() in {s["pid"] for s in perf.sessions()}, timeout=15000)
    with pytest.raises(ConsoleError, match="read-only"):
        perf.terminate(victim.thread_id())
    assert perf.confirmations == []
    assert victim.thread_id() in {s["pid"] for s in perf.sessions()}


def test_top_sql_deltas_on_a_mysql_server_with_performance_schema(window, qtbot, ps_server, mysql_profile):
    factory = MysqlDatabaseFactory(ps_server)
    db = factory()
    try:
        conn = db.connect()
        cur = conn.cursor()
        cur.execute("CREATE TABLE items (id INT PRIMARY KEY, n INT)")
        cur.execute("INSERT INTO items VALUES (1, 10)")
        profile = _save(replace(mysql_profile, name="rig-mysql-ps", port=ps_server.port, database=db.name,
                                tls=replace(mysql_profile.tls, ca_bundle=str(ps_server.ca_file))))
        perf = _root(window, qtbot, ps_server).performance(profile.name)
        perf.snapshot()
        for _ in range(4):
            cur.execute("SELECT n FROM items WHERE id = 1")
        time.sleep(0.05)
        perf.snapshot()
        rows = [r for r in perf.top_sql(600) if "`items`" in (r["query"] or "")]
        assert [(r["calls"], r["rows"]) for r in rows] == [(4, 4)]
        assert rows[0]["total_ms"] > 0 and rows[0]["shared_blks_read"] == 4  # rows examined
        conn.close()

        view = perf.screen.top_sql_view  # MySQL's titles; the columns with no MySQL counter hidden
        titles = [view.model.headerData(n, Qt.Orientation.Horizontal) for n in range(view.model.columnCount())]
        assert "Rows examined" in titles and "Tmp disk tables" in titles
        assert view.table.isColumnHidden(titles.index("Blocks hit")) and view.table.isColumnHidden(titles.index("Hit %"))
        assert not view.table.isColumnHidden(titles.index("Rows examined"))
        statement = next(st for st in view.state.visible if "`items`" in (st.query or ""))
        assert view.state.explain_text(statement).startswith("-- performance_schema wrote ? where")

        explained = perf.explain_window(time.time() - 600, time.time() + 1)  # Explain this window on MySQL
        assert "migrations" not in explained["problems"] and explained["migrations"] == []
        assert [r["calls"] for r in explained["top statements"] if "`items`" in (r["query"] or "")] == [4]
    finally:
        factory.drop_all()
