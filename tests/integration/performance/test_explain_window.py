"""Explaining a window against real peers: migrations from real history tables (the console's and
Flyway's, whose timestamps have no time zone), RDS events from a moto server (and, for what moto
never produces, cluster events and a second page, botocore's Stubber), and the whole explanation
of a window in which the sandbox workload ran on a real PostgreSQL."""

from __future__ import annotations

import time
from datetime import datetime, timedelta, timezone

import botocore.session
import pytest
from botocore.stub import Stubber

from aurora_console.core.aws.session import AwsTarget
from aurora_console.core.db.migrations.blog import apply_bundled_blog_schema
from aurora_console.core.db.migrations.engine import MigrationRunner
from aurora_console.core.db.migrations.history import HistoryTable
from aurora_console.core.performance.explain_window import (
    SECTION_MIGRATIONS,
    SECTION_TOP_SQL,
    find_history_tables,
    gather_window,
    read_migrations,
    read_rds_events,
)

pytestmark = pytest.mark.integration


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _ago(seconds: float) -> datetime:
    return _now() - timedelta(seconds=seconds)


# -- migrations ------------------------------------------------------------------------------------
def test_runs_of_the_console_history_in_the_window(new_database, tmp_path):
    db = new_database()
    folder = tmp_path / "sql"
    folder.mkdir()
    (folder / "V1__first.sql").write_text("CREATE TABLE a (id int);")
    before = _ago(1)
    MigrationRunner(db.conninfo, folder).migrate()
    (folder / "V2__second.sql").write_text("CREATE TABLE b (id int);")
    time.sleep(0.05)
    middle = _now()
    MigrationRunner(db.conninfo, folder).migrate()
    after = _now() + timedelta(seconds=1)
    with db.connect() as conn:
        assert find_history_tables(conn) == [("public", "aurora_console_schema_history", "console")]
        both = read_migrations(conn, before, after)
        only_second = read_migrations(conn, middle, after)
        none = read_migrations(conn, after, after + timedelta(minutes=5))
    assert [(m.version, m.description, m.history_format, m.table) for m in both] == [
        ("1", "first", "console", "public.aurora_console_schema_history"),
        ("2", "second", "console", "public.aurora_console_schema_history")]
    assert [m.version for m in only_second] == ["2"] and none == []
    assert all(before <= m.installed_on <= after and m.success for m in both)


def test_flyway_history_is_read_in_the_database_time_zone(new_database):
    """Flyway writes installed_on as a timestamp without time zone (now() in its session's zone)."""
    db = new_database()
    with db.connect(autocommit=True) as conn:
        conn.execute(f'ALTER DATABASE "{db.name}" SET timezone TO \'America/New_York\'')
    with db.connect() as conn:
        table = HistoryTable("app", "flyway_schema_history", "flyway")
        table.create(conn)
        for rank, (version, minutes_ago, ms) in enumerate([("1", 120, 50), ("2", 30, 25 * 60_000), ("3", 2, 40)], 1):
            conn.execute(
                "INSERT INTO app.flyway_schema_history (installed_rank, version, description, type, script,"
                " checksum, installed_by, installed_on, execution_time, success)"
                " VALUES (%s, %s, %s, 'SQL', %s, 12345, 'flyway', now()::timestamp - make_interval(mins => %s),"
                " %s, %s)", (rank, version, f"change {version}", f"V{version}__change.sql", minutes_ago, ms,
                             version != "3"))
        conn.commit()
        kind = conn.execute("SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid ="
                            " 'app.flyway_schema_history'::regclass AND attname = 'installed_on'").fetchone()[0]
        assert kind == "timestamp without time zone"
        assert find_history_tables(conn) == [("app", "flyway_schema_history", "flyway")]
        runs = read_migrations(conn, _ago(10 * 60), _now() + timedelta(minutes=1))
    # V2 started 30 min ago and ran 25 min: it overlaps; V1 (2 h ago, 50 ms) does not
    assert [(m.version, m.history_format, m.success) for m in runs] == [("2", "flyway", True), ("3", "flyway", False)]
    third = runs[1]
    assert abs((third.installed_on - _ago(120)).total_seconds()) < 60  # 2 min ago in UTC, not 5 h off


def test_history_tables_of_both_formats_and_other_names(new_database, tmp_path):
    db = new_database()
    folder = tmp_path / "sql"
    folder.mkdir()
    (folder / "V1__first.sql").write_text("CREATE TABLE a (id int);")
    other = tmp_path / "ops"
    other.mkdir()
    (other / "V1__first.sql").write_text("CREATE TABLE ops_a (id int);")
    began = _ago(1)
    MigrationRunner(db.conninfo, folder, table="flyway_schema_history").migrate()
    MigrationRunner(db.conninfo, other, schema="ops", table="schema_changes", history_format="console").migrate()
    with db.connect() as conn:
        conn.execute("CREATE TABLE public.lookalike (installed_rank int, version text)")  # not a history table
        conn.commit()
        assert find_history_tables(conn) == [("ops", "schema_changes", "console"),
                                             ("public", "flyway_schema_history", "flyway")]
        runs = read_migrations(conn, began, _now() + timedelta(seconds=5))
    assert sorted((m.table, m.history_format) for m in runs if m.version == "1") == [
        ("ops.schema_changes", "console"), ("public.flyway_schema_history", "flyway")]


def test_a_history_table_the_user_cannot_read_is_skipped(new_database, tmp_path):
    db = new_database()
    folder = tmp_path / "sql"
    folder.mkdir()
    (folder / "V1__first.sql").write_text("CREATE TABLE a (id int);")
    MigrationRunner(db.conninfo, folder).migrate()
    with db.connect(autocommit=True) as conn:
        conn.execute("CREATE ROLE t_explain_reader LOGIN PASSWORD 'pw-explain'")
    try:
        with db.connect() as conn:
            conn.execute("SET ROLE t_explain_reader")
            assert find_history_tables(conn) == []
            assert read_migrations(conn, _ago(60), _now()) == []
    finally:
        with db.connect(autocommit=True) as conn:
            conn.execute("DROP ROLE t_explain_reader")


# -- RDS events ------------------------------------------------------------------------------------
def _cluster(rds, name="orders"):
    rds.create_db_cluster(DBClusterIdentifier=name, Engine="aurora-postgresql", MasterUsername="postgres",
                          MasterUserPassword="not-used-123")
    for ident in (f"{name}-a", f"{name}-b"):
        rds.create_db_instance(DBInstanceIdentifier=ident, DBClusterIdentifier=name, Engine="aurora-postgresql",
                               DBInstanceClass="db.r6g.large")


def test_instance_events_from_moto_within_the_window(aws_factory):
    rds = aws_factory.client("rds", AwsTarget(None, "us-east-1"))
    began = _ago(5)
    _cluster(rds)
    _cluster(rds, "payments")
    events = read_rds_events(rds, "orders", began, _now() + timedelta(seconds=5))
    assert {e.source_id for e in events} == {"orders-a", "orders-b"}  # not payments'
    assert all(e.source_type == "db-instance" for e in events)
    created = [e for e in events if e.message == "DB instance created"]
    assert sorted(e.source_id for e in created) == ["orders-a", "orders-b"]
    assert all("creation" in e.categories for e in created)
    assert [e.time for e in events] == sorted(e.time for e in events)
    # moto ignores StartTime/EndTime: the window is applied to what it answers
    assert read_rds_events(rds, "orders", _ago(7200), _ago(3600)) == []
    only_b = read_rds_events(rds, "orders", began, _now() + timedelta(seconds=5), instance_ids=["orders-b"])
    assert {e.source_id for e in only_b} == {"orders-b"}


def test_cluster_events_and_pages_moto_does_not_produce():
    """moto records no db-cluster events and answers in one page: Stubber for those two."""
    client = botocore.session.get_session().create_client(
        "rds", region_name="us-east-1", aws_access_key_id="testing", aws_secret_access_key="testing")
    start, end = datetime(2026, 12, 7, 10, 0, tzinfo=timezone.utc), datetime(2026, 12, 7, 11, 0, tzinfo=timezone.utc)
    stub = Stubber(client)
    cluster_params = {"SourceType": "db-cluster", "SourceIdentifier": "orders", "StartTime": start, "EndTime": end}
    stub.add_response("describe_events", {"Marker": "page-2", "Events": [
        {"SourceIdentifier": "orders", "SourceType": "db-cluster", "Message": "Started cross AZ failover to DB instance: orders-b",
         "EventCategories": ["failover"], "Date": datetime(2026, 12, 7, 10, 41, 5, tzinfo=timezone.utc)}]},
        cluster_params)
    stub.add_response("describe_events", {"Events": [
        {"SourceIdentifier": "orders", "SourceType": "db-cluster", "Message": "Completed failover to DB instance: orders-b",
         "EventCategories": ["failover"], "Date": datetime(2026, 12, 7, 10, 41, 40, tzinfo=timezone.utc)},
        {"SourceIdentifier": "orders", "SourceType": "db-cluster", "Message": "outside the window",
         "EventCategories": [], "Date": datetime(2026, 12, 7, 11, 0, 0, tzinfo=timezone.utc)}]},
        cluster_params | {"Marker": "page-2"})
    stub.add_response("describe_events", {"Events": [
        {"SourceIdentifier": "orders-b", "SourceType": "db-instance", "Message": "DB instance restarted",
         "EventCategories": ["availability"], "Date": datetime(2026, 12, 7, 10, 41, 30, tzinfo=timezone.utc)}]},
        {"SourceType": "db-instance", "SourceIdentifier": "orders-b", "StartTime": start, "EndTime": end})
    with stub:
        events = read_rds_events(client, "orders", start, end, instance_ids=["orders-b"])
    stub.assert_no_pending_responses()
    assert [e.message for e in events] == ["Started cross AZ failover to DB instance: orders-b",
                                           "DB instance restarted", "Completed failover to DB instance: orders-b"]
    assert events[0].categories == ("failover",) and events[1].source_type == "db-instance"


# -- the whole window ------------------------------------------------------------------------------
def test_a_window_with_the_sandbox_workload(new_database, tmp_path, aws_factory):
    """Snapshots of pg_stat_statements before and after the workload: its statements top the
    window, beside the events, migrations and audit entries of the same minutes."""
    from aurora_console.core.audit import AuditLog
    from aurora_console.core.performance.explain_window import audit_in_window
    from aurora_console.core.performance.snapshots import SnapshotStore
    from aurora_console.core.performance.top_sql import take_snapshot, top_sql
    from aurora_console.sandbox.workload import Workload, WorkloadPlan

    db = new_database()
    rds = aws_factory.client("rds", AwsTarget(None, "us-east-1"))
    with db.connect(autocommit=True) as conn:
        conn.execute("CREATE EXTENSION pg_stat_statements")
    store = SnapshotStore(tmp_path / "perf" / "top_sql.sqlite3")
    key = "test/orders/orders-a"
    start = _ago(1)
    with db.connect(autocommit=True) as conn:
        take_snapshot(conn, store, key)
    apply_bundled_blog_schema(db.conninfo)  # a migration run inside the window
    _cluster(rds)
    audit = AuditLog(tmp_path / "audit.jsonl")
    audit.record(AwsTarget("test", "us-east-1"), "rds.reboot_instance", {"DBInstanceIdentifier": "orders-a"}, "ok")
    audit.record(AwsTarget("test", "us-east-1"), "rds.reboot_instance", {"DBInstanceIdentifier": "other-a"}, "ok")
    Workload(db.conninfo, WorkloadPlan(duration_s=2.5, waiters=1, mix_pause_s=0.01, slow_every_s=0.5,
                                       slow_size=20_000, lock_hold_s=1.0, lock_pause_s=0.2)).run()
    with db.connect(autocommit=True) as conn:
        take_snapshot(conn, store, key)
    end = _now() + timedelta(seconds=1)
    with db.connect() as conn:
        got = gather_window(
            start=start, end=end, cluster_id="orders", instance_id="orders-a",
            top_sql=lambda: top_sql(store, key, start.timestamp(), end.timestamp()),
            load=lambda: {"Lock:transactionid": 0.4, "CPU": 0.9},
            rds_events=lambda: read_rds_events(rds, "orders", start, end),
            migrations=lambda: read_migrations(conn, start, end),
            audit=lambda: audit_in_window(audit, start, end, cluster_id="orders", instance_ids=["orders-a", "orders-b"]))
    store.close()
    assert got.problems == {}
    queries = [r.query or "" for r in got.top_sql]
    assert any(q.startswith("SELECT p.slug, count(*) FROM posts p CROSS JOIN generate_series") for q in queries)
    assert got.top_sql[0].total_ms >= got.top_sql[-1].total_ms
    assert [m.version for m in got.migrations] == ["1", "2", "3"]  # the blog schema, applied in the window
    assert {e.source_id for e in got.events} == {"orders-a", "orders-b"}
    assert [a.params["DBInstanceIdentifier"] for a in got.audit] == ["orders-a"]
    sections = got.sections()
    assert len(sections[SECTION_MIGRATIONS]) == 3 and sections[SECTION_TOP_SQL][0]["calls"] >= 1
    assert [i.kind for i in got.timeline()].count("migration") == 3
