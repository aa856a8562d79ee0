"""Gathering a cluster's timeline: every source merged, one failing source leaves the others and
a denial names the permission; pending maintenance and pending reboot; migrations per profile."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import botocore.session
import pytest
from botocore.exceptions import ClientError
from botocore.stub import Stubber

from aurora_console.core.audit import AuditEntry
from aurora_console.core.aws.timeline import entries as te
from aurora_console.core.aws.timeline.cloudtrail import CallPacer
from aurora_console.core.aws.timeline.gather import (
    TimelineError,
    gather_timeline,
    permission_text,
    resource_names,
)
from aurora_console.core.aws.timeline.pending import maintenance_entries, pending_reboot_entries
from aurora_console.core.performance.explain_window import MigrationRun

NOW = datetime.now(timezone.utc).replace(microsecond=0)
SINCE = NOW - timedelta(days=2)

CLUSTER = {"DBClusterIdentifier": "orders", "DBClusterArn": "arn:aws:rds:us-east-1:1:cluster:orders",
           "DBClusterParameterGroup": "orders-pg",
           "DBClusterMembers": [{"DBInstanceIdentifier": "orders-1", "DBClusterParameterGroupStatus": "in-sync"},
                                {"DBInstanceIdentifier": "orders-2",
                                 "DBClusterParameterGroupStatus": "pending-reboot"}],
           "PendingModifiedValues": {"BackupRetentionPeriod": 9}}
INSTANCES = {
    "orders-1": {"DBInstanceIdentifier": "orders-1", "DBInstanceArn": "arn:aws:rds:us-east-1:1:db:orders-1",
                 "DBParameterGroups": [{"DBParameterGroupName": "default.aurora-postgresql16",
                                        "ParameterApplyStatus": "in-sync"}]},
    "orders-2": {"DBInstanceIdentifier": "orders-2", "DBInstanceArn": "arn:aws:rds:us-east-1:1:db:orders-2",
                 "DBParameterGroups": [{"DBParameterGroupName": "orders-instance-pg",
                                        "ParameterApplyStatus": "pending-reboot"}]},
}


def _denied(operation: str) -> ClientError:
    return ClientError({"Error": {"Code": "AccessDenied", "Message": "User is not authorized"}}, operation)


class FakeRds:
    """The RDS calls the timeline makes, answered from data (or refused)."""

    def __init__(self, events=(), pending=(), deny=()) -> None:
        self.events = list(events)
        self.pending = list(pending)
        self.deny = set(deny)

    def _check(self, op):
        if op in self.deny:
            raise _denied(op)

    def describe_db_clusters(self, DBClusterIdentifier):  # noqa: N803 - boto3's names
        self._check("DescribeDBClusters")
        return {"DBClusters": [CLUSTER] if DBClusterIdentifier == "orders" else []}

    def describe_db_instances(self, DBInstanceIdentifier):  # noqa: N803
        return {"DBInstances": [INSTANCES[DBInstanceIdentifier]]}

    def get_paginator(self, operation):
        rds = self

        class Pages:
            def paginate(self, **kwargs):
                if operation == "describe_events":
                    rds._check("DescribeEvents")
                    yield {"Events": [e for e in rds.events if e["SourceIdentifier"] == kwargs["SourceIdentifier"]]}
                elif operation == "describe_pending_maintenance_actions":
                    rds._check("DescribePendingMaintenanceActions")
                    yield {"PendingMaintenanceActions": rds.pending}
                elif operation == "describe_db_cluster_snapshots":
                    yield {"DBClusterSnapshots": [{"DBClusterSnapshotIdentifier": "orders-before-release",
                                                   "SnapshotCreateTime": NOW - timedelta(days=1)}]}

        return Pages()


def _trail_client():
    return botocore.session.get_session().create_client("cloudtrail", region_name="us-east-1",
                                                         aws_access_key_id="x", aws_secret_access_key="y")


def _ct_event(event_id, name, minutes_ago, params):
    return {"EventId": event_id, "EventName": name, "EventTime": NOW - timedelta(minutes=minutes_ago),
            "CloudTrailEvent": json.dumps({"eventName": name, "readOnly": False, "requestParameters": params,
                                           "userIdentity": {"arn": "arn:aws:iam::1:user/bob"},
                                           "sourceIPAddress": "198.51.100.2", "userAgent": "console.amazonaws.com"})}


RDS_EVENTS = [{"SourceIdentifier": "orders", "SourceType": "db-cluster", "Message": "Started cross AZ failover",
               "EventCategories": ["failover"], "Date": NOW - timedelta(minutes=30)},
              {"SourceIdentifier": "orders-2", "SourceType": "db-instance", "Message": "DB instance restarted",
               "EventCategories": ["availability"], "Date": NOW - timedelta(minutes=29)}]
AUDIT = [AuditEntry((NOW - timedelta(minutes=31)).isoformat(), "prod", "us-east-1", "arn:aws:iam::1:user/me",
                    "failover", {"DBClusterIdentifier": "orders", "TargetDBInstanceIdentifier": "orders-2"}, "ok"),
         AuditEntry((NOW - timedelta(minutes=5)).isoformat(), "prod", "us-east-1", "arn:aws:iam::1:user/me",
                    "failover", {"DBClusterIdentifier": "billing"}, "ok")]


def _migrations(start, end):
    return [MigrationRun(NOW - timedelta(hours=3), "7", "add index", "SQL", "V7__add_index.sql", True, 1200,
                         "deploy", "public.flyway_schema_history", "flyway")]


def test_every_source_is_merged_in_time_order():
    client = _trail_client()
    with Stubber(client) as stub:
        stub.add_response("lookup_events", {"Events": [
            _ct_event("e1", "FailoverDBCluster", 31, {"dBClusterIdentifier": "orders"})]})
        for _ in range(5):  # orders-1, orders-2, orders-pg, orders-instance-pg, the snapshot
            stub.add_response("lookup_events", {"Events": []})
        timeline = gather_timeline(cluster_id="orders", since=SINCE, until=NOW, rds=FakeRds(RDS_EVENTS),
                                   cloudtrail=client, audit=AUDIT, migrations={"prod-app": _migrations},
                                   pacer=CallPacer(spacing=0), now=NOW)
        stub.assert_no_pending_responses()
    assert timeline.resources == ("orders", "orders-1", "orders-2", "orders-pg", "orders-instance-pg",
                                  "orders-before-release")
    sources = [e.source for e in timeline.entries]
    assert sources == [te.SOURCE_MIGRATIONS, te.SOURCE_CLOUDTRAIL, te.SOURCE_AUDIT, te.SOURCE_RDS, te.SOURCE_RDS,
                       te.SOURCE_PENDING, te.SOURCE_PENDING, te.SOURCE_PENDING]
    migration = timeline.entries[0]
    assert (migration.who, migration.kind, migration.where) == ("deploy", te.KIND_MIGRATION, "profile prod-app")
    assert [e.kind for e in timeline.filtered(sources=[te.SOURCE_RDS])] == [te.KIND_FAILOVER, te.KIND_REBOOT]
    pending = timeline.filtered(sources=[te.SOURCE_PENDING])
    assert {e.what for e in pending} == {
        "orders-2: cluster parameter group orders-pg waits for a reboot",
        "orders-2: parameter group orders-instance-pg waits for a reboot",
        "orders: modifications wait for the maintenance window or a reboot"}
    assert timeline.problems == {}
    assert "billing" not in " ".join(e.what for e in timeline.entries)


def test_a_denied_source_names_its_permission_and_the_others_still_show():
    client = _trail_client()
    with Stubber(client) as stub:
        stub.add_client_error("lookup_events", "AccessDeniedException", "User: x is not authorized", 400)
        timeline = gather_timeline(cluster_id="orders", since=SINCE, until=NOW,
                                   rds=FakeRds(RDS_EVENTS, deny={"DescribePendingMaintenanceActions"}),
                                   cloudtrail=client, audit=AUDIT, pacer=CallPacer(spacing=0), now=NOW)
    assert "cloudtrail:LookupEvents" in timeline.problems[te.SOURCE_CLOUDTRAIL]
    assert "rds:DescribePendingMaintenanceActions" in timeline.problems[te.SOURCE_PENDING]
    assert {e.source for e in timeline.entries} == {te.SOURCE_RDS, te.SOURCE_AUDIT, te.SOURCE_PENDING}


def test_denied_rds_events_leave_cloudtrail_and_audit():
    client = _trail_client()
    with Stubber(client) as stub:
        for _ in range(6):
            stub.add_response("lookup_events", {"Events": []})
        timeline = gather_timeline(cluster_id="orders", since=SINCE, until=NOW,
                                   rds=FakeRds(RDS_EVENTS, deny={"DescribeEvents"}), cloudtrail=client,
                                   audit=AUDIT, pacer=CallPacer(spacing=0), now=NOW)
    assert "rds:DescribeEvents" in timeline.problems[te.SOURCE_RDS]
    assert [e.source for e in timeline.entries if e.source != te.SOURCE_PENDING] == [te.SOURCE_AUDIT]


def test_a_failing_profile_loses_only_its_own_migrations():
    def broken(start, end):
        raise ConnectionError("could not connect to server")

    timeline = gather_timeline(cluster_id="orders", since=SINCE, until=NOW, audit=[],
                               migrations={"good": _migrations, "bad": broken}, now=NOW)
    assert [e.where for e in timeline.entries] == ["profile good"]
    assert "could not connect" in timeline.problems["migrations (bad)"]


def test_only_the_sources_asked_for_are_read():
    rds = FakeRds(RDS_EVENTS, deny={"DescribeEvents"})
    timeline = gather_timeline(cluster_id="orders", since=SINCE, until=NOW, rds=rds, audit=AUDIT,
                               sources=[te.SOURCE_AUDIT], now=NOW)
    assert timeline.sources == (te.SOURCE_AUDIT,) and timeline.problems == {}


def test_events_older_than_14_days_are_said_to_be_gone():
    timeline = gather_timeline(cluster_id="orders", since=NOW - timedelta(days=30), until=NOW, rds=FakeRds(RDS_EVENTS),
                               sources=[te.SOURCE_RDS], now=NOW)
    assert "14 days" in timeline.problems[te.SOURCE_RDS]
    assert len(timeline.entries) == 2


def test_a_bad_range_is_refused():
    with pytest.raises(TimelineError):
        gather_timeline(cluster_id="orders", since=NOW, until=NOW - timedelta(hours=1))
    with pytest.raises(TimelineError):
        gather_timeline(cluster_id="orders", since="yesterday")


def test_permission_text_for_other_failures():
    assert "rds:DescribeEvents" in permission_text(_denied("DescribeEvents"), "rds", "rds:*")
    text = permission_text(ClientError({"Error": {"Code": "ThrottlingException", "Message": "slow"}}, "LookupEvents"),
                           "cloudtrail", "cloudtrail:LookupEvents")
    assert "throttling" in text.lower()


def test_default_parameter_groups_are_not_looked_up():
    names = resource_names({"DBClusterIdentifier": "c", "DBClusterParameterGroup": "default.aurora-postgresql16"},
                           [], ["s1"])
    assert names == ["c", "s1"]


def test_pending_maintenance_is_placed_at_its_apply_date():
    applies = NOW + timedelta(days=3)
    rows = maintenance_entries([{"ResourceIdentifier": "arn:aws:rds:us-east-1:1:db:orders-1",
                                 "PendingMaintenanceActionDetails": [
                                     {"Action": "system-update", "Description": "OS upgrade",
                                      "CurrentApplyDate": applies},
                                     {"Action": "db-upgrade"}]}], NOW)
    assert [(r.time, r.what) for r in rows] == [
        (applies, "Pending maintenance on orders-1: system-update (OS upgrade)"),
        (NOW, "Pending maintenance on orders-1: db-upgrade")]
    assert all(r.kind == te.KIND_MAINTENANCE and r.source == te.SOURCE_PENDING for r in rows)


def test_pending_modified_values_are_changes():
    [row] = [r for r in pending_reboot_entries(CLUSTER, [], NOW) if r.resource == "orders"]
    assert [(c.name, c.after) for c in row.changes] == [("BackupRetentionPeriod", 9)]
