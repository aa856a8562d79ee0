"""The Logs screen on the embedded sandbox, end to end, through the page object a user's smoke
test uses: the blog cluster's writer and readers, the log files the sandbox's endpoint serves
from its real PostgreSQL log (DescribeDBLogFiles / DownloadDBLogFilePortion), the last lines
parsed into columns, follow mode seeing a slow statement and an error that queries caused, the
severity filter and the search, a slow statement opened in the SQL editor, export, and the
CloudWatch tab searching every instance's exported log."""

from __future__ import annotations

import threading
import uuid
from datetime import datetime, timedelta, timezone

import psycopg
import pytest

from aurora_console.testing.stall import StallMonitor

pytestmark = [pytest.mark.gui, pytest.mark.integration, pytest.mark.timeout(240),
              pytest.mark.qt_log_ignore("does not support propagateSizeHints")]


def cause(conninfo: dict, marker: str, outcome: list) -> None:
    with psycopg.connect(**conninfo, autocommit=True) as conn:
        conn.execute(f"SELECT pg_sleep(0.4) AS {marker}")  # over log_min_duration_statement
        try:
            conn.execute(f"SELECT 1/0 AS {marker}_error")
        except psycopg.errors.DivisionByZero as exc:
            outcome.append(str(exc))


def test_blog_logs_follow_a_slow_statement_and_an_error_caused_now(console, aurora_sandbox, qtbot, tmp_path):
    logs = console.logs("blog")
    seed = aurora_sandbox.info.seed
    assert logs.instance() == seed.cluster("blog").writer
    assert len(logs.instances()) >= 2 and logs.instances()[0] == logs.instance()
    files = logs.files()
    assert files and all(f["name"].startswith("error/postgresql.log.") for f in files)
    assert [f["last_written"] for f in files] == sorted((f["last_written"] for f in files), reverse=True)

    first = logs.read(files[0]["name"], lines=200)
    assert first and any(e["severity"] == "LOG" for e in first)

    marker = f"logs_gui_{uuid.uuid4().hex[:10]}"
    outcome: list[str] = []
    with StallMonitor() as stall:
        logs.follow()
        caused = threading.Thread(target=cause, args=(aurora_sandbox.database_conninfo(), marker, outcome))
        caused.start()  # not on the UI thread: the stall measured is the screen's
        slow = logs.wait_for(rf"duration: .*{marker}\b")
        error = logs.wait_for(r"division by zero")
        logs.stop()
    caused.join(30)
    assert outcome == ["division by zero"]
    print(f"longest UI stall while following: {stall.max_stall_ms:.0f} ms")
    assert slow["duration_ms"] >= 400 and marker in slow["statement"]
    assert slow["user"] == seed.blog_master_username and slow["database"] == seed.blog_database
    assert error["severity"] == "ERROR" and f"{marker}_error" in error["details"]["STATEMENT"]
    assert not logs.controller.following

    errors = logs.entries(severity="ERROR")
    assert errors and all(e["severity"] == "ERROR" for e in errors)
    assert any("division by zero" in e["message"] for e in errors)
    everything = logs.entries()
    hits = logs.search(marker)
    assert {h["message"] for h in hits} >= {slow["message"], error["message"]}
    assert len(everything) > len(hits)

    # narrowed to the second the slow statement was logged in, through the Custom range fields
    at = slow["time"].replace(microsecond=0)
    narrowed = logs.set_time_range(at, at + timedelta(seconds=1))
    assert slow["message"] in {e["message"] for e in narrowed}
    assert all(at <= e["time"] < at + timedelta(seconds=1) for e in narrowed)
    assert logs.time_range() == (at, at + timedelta(seconds=1)) and len(narrowed) < len(everything)
    assert logs.screen.filter_bar.range_edit.from_edit.text() == f"{at:%Y-%m-%d %H:%M:%S}"  # UTC, as the table
    with pytest.raises(ValueError, match="end after it starts"):
        logs.set_time_range(at, at)
    assert logs.time_range() == (at, at + timedelta(seconds=1))  # the last usable range stays
    logs.screen.filter_bar.range_combo.setCurrentIndex(0)  # All time again
    assert logs.time_range() == (None, None)

    # the slow statement opens in the SQL editor, EXPLAIN in front, not run
    screen = logs.screen
    # the row as the table shows it (the controller's list may be ahead of the view until it renders)
    def slow_row():
        rows = screen.model.entries
        return next((n for n, e in enumerate(rows) if e.message == slow["message"]), None)

    qtbot.waitUntil(lambda: slow_row() is not None, timeout=10000)
    screen.table.selectRow(slow_row())
    assert screen.model.entry(screen.table.currentIndex().row()).message == slow["message"]
    assert screen.toolbar.sql_button.isEnabled()
    tabs = console.window.tabs.count()
    editor = screen.open_selected_in_sql()
    assert editor is not None and console.window.tabs.count() == tabs + 1

    out = tmp_path / "blog.csv"
    logs.entries(severity=["ERROR", "LOG"])
    count = logs.export(out, "csv")
    assert count == len(logs.controller.shown) and marker in out.read_text()

    # the blog cluster exports its log to CloudWatch Logs (EnabledCloudwatchLogsExports): one search
    # finds the slow statement in every instance's stream
    now = datetime.now(timezone.utc)
    found = logs.search_cloudwatch(marker, now - timedelta(minutes=15), now + timedelta(minutes=1))
    assert screen.cloudwatch_view.between()  # through the tab's From / To fields
    assert logs.controller.cloudwatch_available
    # the view renders the search's end after the page object hears of it
    qtbot.waitUntil(screen.cloudwatch_view.search_button.isEnabled, timeout=10000)
    slow_found = [f for f in found if f["message"] == slow["message"]]
    assert sorted(f["instance"] for f in slow_found) == sorted(logs.instances())
    assert all(f["duration_ms"] == slow["duration_ms"] for f in slow_found)


def test_an_instance_id_opens_that_instance(console, aurora_sandbox):
    reader = aurora_sandbox.info.seed.cluster("blog").readers[0]
    logs = console.logs(reader)
    assert logs.instance() == reader
    assert logs.files()


def test_database_menu_asks_for_the_cluster_then_the_instance(console, aurora_sandbox, monkeypatch):
    from PySide6.QtWidgets import QInputDialog

    from aurora_console.ui.logs.feature import ask_and_open

    reader = aurora_sandbox.info.seed.cluster("blog").readers[0]
    asked = []

    def pick(_parent, _title, label, items, *_args):
        asked.append((label, list(items)))
        wanted = next(i for i in items if i.startswith("blog (") or i == f"reader: {reader}")
        return wanted, True

    monkeypatch.setattr(QInputDialog, "getItem", staticmethod(pick))
    screen = ask_and_open(console.window)
    assert [label for label, _ in asked] == ["Cluster:", "Instance:"]
    assert asked[1][1][0].startswith("writer: ")
    console.qtbot.waitUntil(lambda: screen.controller.instance is not None, timeout=30000)
    assert screen.controller.instance.instance_id == reader
