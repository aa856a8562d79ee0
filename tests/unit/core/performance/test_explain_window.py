"""Explaining a window from pieces already read: bounds, ordering, what falls in the window,
which audit entries concern the cluster, and one failing section never hiding the others."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aurora_console.core.audit import AuditEntry, AuditLog
from aurora_console.core.errors import ConsoleError
from aurora_console.core.performance.explain_window import (
    SECTION_AUDIT,
    SECTION_EVENTS,
    SECTION_LOAD,
    SECTION_MIGRATIONS,
    SECTION_TOP_SQL,
    MigrationRun,
    RdsEvent,
    WindowError,
    as_utc,
    audit_in_window,
    explain_window,
    gather_window,
    window_bounds,
)
from aurora_console.core.tasks import Cancelled, TaskContext

pytestmark = pytest.mark.unit

T0 = datetime(2026, 12, 7, 10, 0, tzinfo=timezone.utc)
START, END = T0, T0 + timedelta(minutes=10)


@dataclass(frozen=True)
class Row:  # the shape of top_sql.TopStatement that matters here
    queryid: int
    query: str
    total_ms: float


def _event(minutes: float, source="db-instance", ident="orders-a", message="DB instance restarted"):
    return RdsEvent(T0 + timedelta(minutes=minutes), source, ident, message, ("availability",))


def _run(minutes: float, ms: int = 100, version="3", table="public.flyway_schema_history"):
    return MigrationRun(T0 + timedelta(minutes=minutes), version, "add index", "SQL", f"V{version}__add_index.sql",
                        True, ms, "dba", table, "flyway")


def _audit(minutes: float, action="rds.reboot", **params):
    when = (T0 + timedelta(minutes=minutes)).isoformat(timespec="milliseconds")
    return AuditEntry(when, "prod", "us-east-1", "arn:aws:iam::1:user/dba", action, params, "ok")


def test_sections_keep_what_falls_in_the_window_in_time_order():
    got = explain_window(
        start=START, end=END, cluster_id="orders", instance_id="orders-a",
        top_sql=[Row(1, "select 1", 5.0), Row(2, "update t", 900.0), Row(3, "select 3", 50.0)],
        load={"CPU": 1.5, "Lock:transactionid": 2.25, "IO:DataFileRead": 0.0},
        rds_events=[_event(12), _event(4, message="failover"), _event(-1), _event(1, "db-cluster", "orders")],
        migrations=[_run(-30, ms=60_000), _run(-5, ms=10 * 60_000, version="4"), _run(3, version="5"), _run(10)],
        audit=[_audit(2, DBClusterIdentifier="orders"), _audit(11, DBClusterIdentifier="orders")],
        top_n=2,
    )
    assert [r.queryid for r in got.top_sql] == [2, 3]  # most time first, top_n kept
    assert list(got.load_by_wait) == ["Lock:transactionid", "CPU"]  # largest first, zero dropped
    assert [e.message for e in got.events] == ["DB instance restarted", "failover"]  # 1 and 4 min; not -1, 12
    # the run at -5 min that took 10 min overlaps the window; the one at -30 (1 min) does not; END is excluded
    assert [m.version for m in got.migrations] == ["4", "5"]
    assert len(got.audit) == 1 and got.seconds == 600 and not got.empty
    kinds = [(i.kind, i.time) for i in got.timeline()]
    assert [k for k, _ in kinds] == ["migration", "event", "audit", "migration", "event"]
    assert [t for _, t in kinds] == sorted(t for _, t in kinds)
    plain = got.sections()
    json.dumps(plain)  # plain data only
    assert plain[SECTION_TOP_SQL][0] == {"queryid": 2, "query": "update t", "total_ms": 900.0}
    assert plain[SECTION_LOAD] == {"Lock:transactionid": 2.25, "CPU": 1.5}
    assert plain[SECTION_EVENTS][1]["message"] == "failover"
    assert plain[SECTION_MIGRATIONS][1]["version"] == "5" and plain[SECTION_AUDIT][0]["action"] == "rds.reboot"


def test_epoch_seconds_and_naive_times_are_utc():
    got = explain_window(start=START.timestamp(), end=END.timestamp())
    assert got.start == START and got.end == END and got.empty
    assert as_utc(datetime(2026, 12, 7, 10, 0)) == START
    assert as_utc(START.astimezone(timezone(timedelta(hours=5)))) == START


@pytest.mark.parametrize("bad", [None, "2026-12-07", True, [1]])
def test_what_is_not_a_time_is_refused(bad):
    with pytest.raises(WindowError):
        as_utc(bad)


@given(st.floats(min_value=0, max_value=4e9, allow_nan=False), st.floats(min_value=-1e6, max_value=1e6, allow_nan=False))
def test_a_window_must_end_after_it_starts(start, length):
    if length > 0 and as_utc(start + length) > as_utc(start):
        s, e = window_bounds(start, start + length)
        assert s < e and s.tzinfo is timezone.utc
    else:
        with pytest.raises(WindowError):
            window_bounds(start, start + length)


def test_audit_entries_that_concern_the_cluster(tmp_path):
    log = AuditLog(tmp_path / "audit.jsonl")
    entries = [
        _audit(1, DBClusterIdentifier="orders"),
        _audit(2, "rds.reboot_instance", DBInstanceIdentifier="orders-b"),
        _audit(3, DBClusterIdentifier="payments"),
        _audit(4, "backups.tag", ResourceName="arn:aws:rds:us-east-1:1:cluster:orders"),
        _audit(5, "performance.terminate", pid=42, user="app"),  # names no resource
        _audit(6, "performance.cancel", pid=7, cluster="orders"),
        _audit(30, DBClusterIdentifier="orders"),  # after the window
        AuditEntry("not a time", "prod", "us-east-1", "", "rds.reboot", {"DBClusterIdentifier": "orders"}, "ok"),
    ]
    with open(log.path, "w") as fh:
        fh.writelines(e.to_json() + "\n" for e in entries)
    got = audit_in_window(log, START, END, cluster_id="orders", instance_ids=["orders-a", "orders-b"])
    assert [e.time for e in got] == [entries[i].time for i in (0, 1, 3, 5)]
    with_profile = audit_in_window(log.path, START, END, cluster_id="orders", instance_ids=["orders-b"], profile="prod")
    assert [e.action for e in with_profile][3] == "performance.terminate" and len(with_profile) == 5
    other_region = audit_in_window(entries, START, END, cluster_id="orders", profile="prod", region="eu-west-1")
    assert "performance.terminate" not in [e.action for e in other_region]


def test_a_failing_section_says_why_and_the_others_show():
    class Denied(ConsoleError):
        pass

    def events():
        raise Denied("DescribeEvents was refused.", hint="Allow rds:DescribeEvents.")

    def migrations():
        raise RuntimeError("connection lost\nmore text")

    seen: list[str] = []
    task = TaskContext("explain", progress=lambda pct, text: seen.append(text))
    got = gather_window(start=START, end=END, cluster_id="orders",
                        top_sql=lambda: [Row(1, "select 1", 3.0)], load=lambda: {"CPU": 0.5},
                        rds_events=events, migrations=migrations, audit=None, task=task)
    assert [r.queryid for r in got.top_sql] == [1] and got.load_by_wait == {"CPU": 0.5}
    assert got.problems == {SECTION_EVENTS: "DescribeEvents was refused. Allow rds:DescribeEvents.",
                            SECTION_MIGRATIONS: "RuntimeError: connection lost"}
    assert SECTION_AUDIT not in got.problems and got.audit == ()
    assert seen[0] == "Explaining the window: top statements" and len(seen) == 5


def test_cancelling_stops_the_gathering():
    task = TaskContext("explain")
    calls: list[str] = []

    def top():
        calls.append("top")
        task.token.cancel()
        return []

    with pytest.raises(Cancelled):
        gather_window(start=START, end=END, cluster_id="orders", top_sql=top, load=lambda: calls.append("load"),
                      task=task)
    assert calls == ["top"]


def test_events_older_than_rds_keeps_are_said_to_be_missing():
    old = datetime.now(timezone.utc) - timedelta(days=20)
    got = gather_window(start=old, end=old + timedelta(hours=1), cluster_id="orders", rds_events=lambda: [])
    assert "14 days" in got.problems[SECTION_EVENTS]
    recent = datetime.now(timezone.utc) - timedelta(hours=2)
    assert gather_window(start=recent, end=recent + timedelta(hours=1), cluster_id="orders",
                         rds_events=lambda: []).problems == {}


def test_a_load_series_is_averaged_over_the_window_with_its_source():
    import math

    from aurora_console.core.performance.load import SOURCE_SAMPLED, LoadSeries

    times = tuple(T0 + timedelta(minutes=m) for m in range(-2, 12))  # one step a minute, some outside
    lock = [9.0, 9.0] + [2.0] * 5 + [math.nan] + [4.0] * 4 + [9.0, 9.0]
    cpu = [9.0, 9.0] + [1.0] * 5 + [math.nan] + [1.0] * 4 + [9.0, 9.0]
    series = LoadSeries(source=SOURCE_SAMPLED, reason="Performance Insights is not enabled.", times=times,
                        by_wait={"Lock:tuple": lock, "CPU": cpu, "IO:DataFileRead": [0.0] * 7 + [math.nan] + [0.0] * 6},
                        vcpus=2, step_s=60)
    got = explain_window(start=START, end=END, load=series)
    # the 9 steps with data inside [10:00, 10:10): five at 2.0 and four at 4.0 (the NaN step is a gap)
    assert got.load_by_wait == {"Lock:tuple": pytest.approx(26 / 9), "CPU": pytest.approx(1.0)}
    assert got.load_source == SOURCE_SAMPLED and got.load_reason == "Performance Insights is not enabled."
    assert got.sections()["load source"] == SOURCE_SAMPLED
