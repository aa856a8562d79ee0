"""What the Window view shows of an explained window (Qt-free)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from aurora_console.core.audit import AuditEntry
from aurora_console.core.performance.explain_window import (
    SECTION_AUDIT,
    SECTION_EVENTS,
    SECTION_LOAD,
    SECTION_TOP_SQL,
    MigrationRun,
    RdsEvent,
    explain_window,
)
from aurora_console.core.performance.top_sql import TopStatement
from aurora_console.ui.performance.load_stack import TYPE_COLORS
from aurora_console.ui.performance.window_sections import WindowSections, duration_text

START = datetime(2026, 12, 7, 10, 0, tzinfo=timezone.utc)
END = START + timedelta(minutes=15)


def at(minutes: float) -> datetime:
    return START + timedelta(minutes=minutes)


def full():
    top = [TopStatement(7, "SELECT 1", 10, 100.0, 10.0, 10, 0, 0, 0, 1.0)]
    events = [RdsEvent(at(5), "db-instance", "blog-1", "DB instance restarted", ("availability",))]
    runs = [MigrationRun(at(2), "3", "add index", "SQL", "V3__add_index.sql", True, 1200, "dba",
                         "public.flyway_schema_history", "flyway")]
    audit = [AuditEntry(time=at(9).isoformat(), profile="prod", region="eu-west-1", identity="", action=
                        "performance.terminate", params={"pid": 42, "cluster": "blog"}, outcome="ok")]
    return explain_window(start=START, end=END, top_sql=top, load={"CPU": 1.5, "Lock:transactionid": 0.5},
                          rds_events=events, migrations=runs, audit=audit, cluster_id="blog", instance_id="blog-1",
                          load_source="sampled", load_reason="Performance Insights is not enabled on blog-1.")


def test_title_sections_and_timeline_of_a_window():
    s = WindowSections()
    assert "Explain this window" in s.title()
    s.utc = True
    s.set_explanation(full())
    assert s.title() == ("Window 2026-12-07 10:00:00 – 10:15:00 UTC (15 min) · cluster blog · instance blog-1")
    assert s.problem(SECTION_TOP_SQL) is None and s.problem(SECTION_LOAD) is None and s.timeline_note() is None
    rows = s.load_rows()
    assert [(r.wait, r.sessions, r.share) for r in rows] == [("CPU", 1.5, 0.75), ("Lock:transactionid", 0.5, 0.25)]
    assert rows[0].color == TYPE_COLORS["CPU"] and rows[1].color == TYPE_COLORS["Lock"] and s.load_total() == 2.0
    assert s.load_source() == "Source: sampled by the console. Performance Insights is not enabled on blog-1."
    assert [(r.when, r.kind) for r in s.timeline_rows()] == [
        ("10:02:00", "Migration"), ("10:05:00", "RDS event"), ("10:09:00", "Console action")]
    assert "restarted" in s.timeline_rows()[1].text and "performance.terminate" in s.timeline_rows()[2].text
    assert s.counts() == "1 RDS event · 1 migration · 1 console action"


def test_empty_or_failed_sections_say_why():
    s = WindowSections()
    s.set_explanation(explain_window(start=START, end=START + timedelta(days=1, hours=2), cluster_id="blog",
                                     problems={SECTION_EVENTS: "AccessDenied on DescribeEvents",
                                               SECTION_AUDIT: "audit log unreadable"}))
    s.utc = True
    assert "Top SQL snapshots" in s.problem(SECTION_TOP_SQL)
    assert s.problem(SECTION_LOAD) == "No load was recorded in this window."
    assert s.timeline_note() == "RDS events: AccessDenied on DescribeEvents\nConsole actions: audit log unreadable"
    assert s.title() == "Window 2026-12-07 10:00:00 – 2026-12-08 12:00:00 UTC (26 h) · cluster blog"  # dates: 2 days
    assert s.counts() == "0 RDS events · 0 migrations · 0 console actions" and s.load_source() == ""
    quiet = WindowSections()
    quiet.set_explanation(explain_window(start=START, end=END, problems={SECTION_TOP_SQL: "pg_stat_statements "
                                                                                          "is missing"}))
    assert quiet.problem(SECTION_TOP_SQL) == "pg_stat_statements is missing"
    assert quiet.timeline_note() == "No RDS event, migration or console action in this window."
    quiet.set_message("Explaining the window…")
    assert quiet.message == "Explaining the window…"


def test_duration_text():
    assert [duration_text(s) for s in (5, 60, 95, 3600, 3600 * 26 + 120)] == ["5 s", "1 min", "1 min 35 s", "1 h",
                                                                               "26 h 2 min"]
