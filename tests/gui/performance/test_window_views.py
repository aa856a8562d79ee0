"""The Window view on a window explained from real sources: Top SQL deltas of the rig's
PostgreSQL, a migration applied by the console's runner, a console action in the audit log, load
sampled from pg_stat_activity; the sections side by side; a section whose reader fails says why
while the others show."""

from __future__ import annotations

import threading
import time
from datetime import datetime, timedelta, timezone
from types import SimpleNamespace

import pytest

from aurora_console.core.audit import AuditLog
from aurora_console.core.db.migrations.engine import MigrationRunner
from aurora_console.core.errors import ConsoleError
from aurora_console.core.performance.activity_history import ActivityHistory
from aurora_console.core.performance.explain_window import (
    RdsEvent,
    audit_in_window,
    gather_window,
    read_migrations,
)
from aurora_console.core.performance.load import LoadReader, LoadTarget
from aurora_console.core.performance.snapshots import SnapshotStore
from aurora_console.core.performance.statements import read_statements
from aurora_console.core.performance.top_sql import take_snapshot, top_sql
from aurora_console.ui.performance.window_view import WindowView

pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore("does not support propagateSizeHints")]


def _view(qtbot) -> WindowView:
    view = WindowView(utc=True)
    qtbot.addWidget(view)
    view.resize(1400, 600)
    view.show()
    qtbot.waitExposed(view)
    return view


def test_a_real_window_side_by_side(qtbot, new_database, tmp_path):
    db = new_database()
    store = SnapshotStore(tmp_path / "top_sql.sqlite3")
    audit = AuditLog(tmp_path / "audit.jsonl")
    history = ActivityHistory()
    folder = tmp_path / "sql"
    folder.mkdir()
    (folder / "V1__posts.sql").write_text("CREATE TABLE posts (id int PRIMARY KEY, title text);")
    start = datetime.now(timezone.utc) - timedelta(seconds=1)
    with db.connect(autocommit=True, application_name="aurora-console performance") as conn:
        conn.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements")
        take_snapshot(conn, store, "blog-1", now=start.timestamp())
        MigrationRunner(db.conninfo, folder).migrate()
        with db.connect(autocommit=True) as app:
            for n in range(25):
                app.execute("INSERT INTO posts VALUES (%s, %s)", (n, f"post {n}"))
            app.execute("SELECT count(*) FROM posts p JOIN posts q ON q.title = p.title")
        audit.record(SimpleNamespace(profile="prod", region="eu-west-1"), "performance.cancel",
                     {"pid": 4242, "cluster": "blog", "instance": "blog-1"}, "ok")
        with db.connect(autocommit=True, application_name="report") as sleeper:
            sleeping = threading.Thread(target=lambda: sleeper.execute("SELECT pg_sleep(1.5)"))
            sleeping.start()
            deadline = time.time() + 5
            while time.time() < deadline and not any(
                    s.wait == "Timeout:PgSleep" for s in history.sample(conn).sessions):
                time.sleep(0.1)
            history.sample(conn)
            sleeping.join(10)
        end = datetime.now(timezone.utc) + timedelta(seconds=1)
        take_snapshot(conn, store, "blog-1", now=end.timestamp() - 0.5)
        reader = LoadReader(LoadTarget("blog-1", "db.r6g.large"), history)
        explanation = gather_window(
            start=start, end=end, cluster_id="blog", instance_id="blog-1",
            top_sql=lambda: [r for r in top_sql(store, "blog-1", start.timestamp(), end.timestamp())
                             if r.database == db.name],
            load=lambda: reader.read(start, end, step_s=1),
            rds_events=lambda: [RdsEvent(start + timedelta(milliseconds=500), "db-instance", "blog-1",
                                         "DB instance restarted")],
            migrations=lambda: read_migrations(conn, start, end),
            audit=lambda: audit_in_window(audit, start, end, cluster_id="blog"))
    store.close()

    view = _view(qtbot)
    explained = []
    view.explain_requested.connect(explained.append)
    view.set_explanation(explanation)
    assert view.title_label.text().startswith("Window ") and "cluster blog · instance blog-1" in \
        view.title_label.text()
    # side by side: three sections in one row, left to right
    boxes = [view.splitter.widget(i) for i in range(3)]
    assert [b.title() for b in boxes] == ["Top statements", "Load by wait", "What happened then"]
    xs = [b.mapTo(view, b.rect().topLeft()) for b in boxes]
    assert xs[0].x() < xs[1].x() < xs[2].x() and len({p.y() for p in xs}) == 1
    assert all(b.width() > 150 for b in boxes)

    statements = view.top_sql.state.visible
    insert = next(s for s in statements if s.query and s.query.startswith("INSERT INTO posts"))
    assert insert.calls == 25 and not view.top_sql_note.isVisible()
    assert view.top_sql.select_statement(insert.queryid)
    view.top_sql.explain_button.click()
    assert explained and explained[0].splitlines()[-2:] == ["EXPLAIN", insert.query]

    # load: the seconds sampled while a session slept in pg_sleep
    assert "sampled" in view.load_source_label.text() and not view.load_note.isVisible()
    waits = [wait for wait, _sessions, _share in view.load_rows()]
    assert "Timeout:PgSleep" in waits

    rows = view.timeline_rows()
    kinds = [kind for _when, kind, _text in rows]
    assert kinds.count("Migration") == 1 and kinds.count("RDS event") == 1 and kinds.count("Console action") == 1
    migration = next(text for _w, kind, text in rows if kind == "Migration")
    assert "posts" in migration and "aurora_console_schema_history" in migration
    assert [w for w, _k, _t in rows] == sorted(w for w, _k, _t in rows)  # in time order
    assert view.counts_label.text() == "1 RDS event · 1 migration · 1 console action"
    assert not view.timeline_note.isVisible()


def test_a_failing_section_says_why_and_the_others_show(qtbot, new_database):
    db = new_database()  # no pg_stat_statements extension here
    start = datetime.now(timezone.utc) - timedelta(minutes=5)
    end = datetime.now(timezone.utc)

    def denied():
        raise ConsoleError("Not authorized to call DescribeEvents.", hint="Grant rds:DescribeEvents.")

    with db.connect(autocommit=True) as conn:
        explanation = gather_window(start=start, end=end, cluster_id="blog",
                                    top_sql=lambda: read_statements(conn).rows,
                                    load=lambda: {"CPU": 0.75, "IO:DataFileRead": 0.25},
                                    rds_events=denied)
    view = _view(qtbot)
    view.set_explanation(explanation)
    assert view.top_sql_note.isVisible() and "CREATE EXTENSION pg_stat_statements" in view.top_sql_note.text()
    assert view.top_sql.model.rowCount() == 0
    assert view.load_rows() == [("CPU", "0.75", "75 %"), ("IO:DataFileRead", "0.25", "25 %")]
    assert view.timeline_note.isVisible() and "RDS events: Not authorized" in view.timeline_note.text()
    assert "rds:DescribeEvents" in view.timeline_note.text()

    view.set_message("Explaining the window…")
    assert view.title_label.text() == "Explaining the window…"
    assert view.load_table.rowCount() == 2  # the last explanation stays until the next one
