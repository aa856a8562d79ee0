"""Timeline entries: kinds, filters, merging, before/after of changed settings, chart markers."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from hypothesis import given, settings
from hypothesis import strategies as st

from aurora_console.core.aws.timeline import entries as te

T0 = datetime(2026, 12, 1, tzinfo=timezone.utc)


def entry(minutes: float, source=te.SOURCE_CLOUDTRAIL, kind=te.KIND_MODIFICATION, what="x", changes=(), key="",
          resource="orders", who="arn:aws:iam::1:user/a", error=None) -> te.TimelineEntry:
    return te.TimelineEntry(T0 + timedelta(minutes=minutes), source, kind, who, what, resource=resource,
                            changes=tuple(changes), key=key, detail={"error": error})


def test_kinds_of_api_calls_and_audit_actions_agree():
    assert te.kind_of_action("FailoverDBCluster") == te.kind_of_action("failover") == te.KIND_FAILOVER
    assert te.kind_of_action("RebootDBInstance") == te.kind_of_action("reboot") == te.KIND_REBOOT
    assert te.kind_of_action("ModifyDBClusterParameterGroup") == te.KIND_PARAMETERS
    assert te.kind_of_action("CreateDBClusterSnapshot") == te.kind_of_action("create-cluster-snapshot") == te.KIND_SNAPSHOT
    assert te.kind_of_action("modify-backup-settings") == te.KIND_BACKUP
    assert te.kind_of_action("ModifyDBCluster") == te.KIND_MODIFICATION
    assert te.kind_of_action("StopDBCluster") == te.KIND_START_STOP
    assert te.kind_of_action("AddTagsToResource") == te.KIND_TAGS
    assert te.kind_of_action("DeleteDBInstance") == te.KIND_DELETION
    assert te.kind_of_action("something else") == te.KIND_CHANGE


def test_changes_leave_identifiers_out_and_split_parameter_lists():
    changes = te.changes_from_parameters({"dBClusterParameterGroupName": "pg", "parameters": [
        {"parameterName": "work_mem", "parameterValue": "64MB", "applyMethod": "immediate"},
        {"parameterName": "shared_buffers", "parameterValue": "1GB"}], "applyImmediately": True})
    assert [(c.name, c.after) for c in changes] == [("work_mem", "64MB"), ("shared_buffers", "1GB")]


def test_before_values_follow_earlier_changes_of_the_same_source_and_resource():
    a = entry(1, changes=[te.Change("backupRetentionPeriod", 7)])
    failed = entry(2, changes=[te.Change("backupRetentionPeriod", 99)], error="InvalidParameterValue")
    b = entry(3, changes=[te.Change("BackupRetentionPeriod", 9)])
    other_resource = entry(4, changes=[te.Change("backupRetentionPeriod", 1)], resource="billing")
    audit_copy = entry(5, source=te.SOURCE_AUDIT, changes=[te.Change("BackupRetentionPeriod", 12)])
    out = {e.time: e for e in te.with_before_values([b, audit_copy, failed, a, other_resource])}
    assert out[a.time].changes[0].before is None
    assert out[failed.time].changes[0].before == 7
    assert out[b.time].changes[0].before == 7  # the failed call set nothing
    assert out[b.time].changes[0].text() == "BackupRetentionPeriod: 7 → 9"
    assert out[other_resource.time].changes[0].before is None
    assert out[audit_copy.time].changes[0].before is None  # CloudTrail's record of it is not its before


def test_merge_sorts_and_keeps_an_entry_once():
    a, b = entry(2, key="e1"), entry(1, key="e2")
    merged = te.merge([a, b], [entry(2, key="e1", what="again")], [entry(0, source=te.SOURCE_RDS)])
    assert [e.time for e in merged] == sorted(e.time for e in merged)
    assert len(merged) == 3 and [e.what for e in merged].count("again") == 0


def test_filter_by_source_kind_time_and_text():
    rows = [entry(0, source=te.SOURCE_RDS, kind=te.KIND_FAILOVER, what="orders: failover started", who="RDS"),
            entry(10, kind=te.KIND_MODIFICATION, what="ModifyDBCluster orders"),
            entry(20, source=te.SOURCE_AUDIT, kind=te.KIND_REBOOT, what="reboot orders-1")]
    assert te.filter_entries(rows, sources=[te.SOURCE_RDS]) == rows[:1]
    assert te.filter_entries(rows, kinds=[te.KIND_REBOOT, te.KIND_FAILOVER]) == [rows[0], rows[2]]
    assert te.filter_entries(rows, since=T0 + timedelta(minutes=10), until=T0 + timedelta(minutes=20)) == [rows[1]]
    assert te.filter_entries(rows, text="MODIFY") == [rows[1]]
    assert te.filter_entries(rows, sources=[]) == []
    naive = datetime(2026, 12, 1, 0, 5)
    assert te.filter_entries(rows, since=naive) == rows[1:]


def test_rows_for_scripts_are_plain_data():
    row = entry(1, changes=[te.Change("preferredBackupWindow", "01:00-01:30", "03:00-03:30")]).as_row()
    assert row["time"] == "2026-12-01T00:01:00+00:00" and row["source"] == "cloudtrail"
    assert row["what"] == "x (preferredBackupWindow: 03:00-03:30 → 01:00-01:30)"
    assert row["changes"] == [{"name": "preferredBackupWindow", "before": "03:00-03:30", "after": "01:00-01:30"}]


def test_markers_group_close_entries_and_say_what():
    rows = [entry(0, what="first"), entry(0.001, what="second", kind=te.KIND_REBOOT), entry(60, what="later")]
    start, end = T0.timestamp(), (T0 + timedelta(hours=2)).timestamp()
    markers = te.chart_markers(rows, start, end, limit=100)
    assert len(markers) == 2
    assert "first" in markers[0].text and "second" in markers[0].text and markers[0].kind == "several"
    assert "later" in markers[1].text and markers[1].kind == te.KIND_MODIFICATION
    assert te.chart_markers(rows, end, start) == []
    assert te.chart_markers(rows, start + 3600 * 1.5, end) == []


@settings(max_examples=100)
@given(minutes=st.lists(st.floats(min_value=0, max_value=14 * 24 * 60, allow_nan=False), max_size=300),
       limit=st.integers(min_value=1, max_value=200))
def test_markers_never_exceed_the_limit_and_cover_every_entry(minutes, limit):
    rows = [entry(m, what=f"e{i}") for i, m in enumerate(minutes)]
    start, end = T0.timestamp(), (T0 + timedelta(days=14)).timestamp()
    markers = te.chart_markers(rows, start, end, limit=limit)
    assert len(markers) <= limit + 1
    assert [m.time for m in markers] == sorted(m.time for m in markers)
    shown = sum(min(len(m.text.split("\n")), 10) + (int(m.text.rsplit("and ", 1)[-1].split(" ")[0])
                                                     if "… and" in m.text else 0) for m in markers)
    assert shown == len(rows)


def test_what_a_resource_was_created_with_is_the_before_of_its_first_change():
    created = te.TimelineEntry(T0, te.SOURCE_CLOUDTRAIL, te.KIND_CREATION, "arn:x", "CreateDBCluster orders",
                               resource="orders", detail={"parameters": {"dBClusterIdentifier": "orders",
                                                                         "preferredBackupWindow": "03:00-03:30"}})
    failed_create = te.TimelineEntry(T0, te.SOURCE_CLOUDTRAIL, te.KIND_CREATION, "arn:x", "CreateDBCluster billing",
                                     resource="billing", detail={"parameters": {"preferredBackupWindow": "x"},
                                                                 "error": "DBClusterAlreadyExistsFault"})
    change = entry(5, changes=[te.Change("preferredBackupWindow", "01:00-01:30")])
    other = entry(6, resource="billing", changes=[te.Change("preferredBackupWindow", "02:00-02:30")])
    out = te.with_before_values([change, created, failed_create, other])
    [first] = [e for e in out if e.resource == "orders" and e.changes]
    assert first.changes[0].text() == "preferredBackupWindow: 03:00-03:30 → 01:00-01:30"
    assert [e for e in out if e.resource == "billing" and e.changes][0].changes[0].before is None
    assert created in out  # shown as it was, no changes of its own
