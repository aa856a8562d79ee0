"""CloudTrail lookups by the names of the cluster's parameter group and manual snapshots, not
only the cluster's and its instances' (issue 17): calls that name only the parameter group or only
a snapshot, made against the sandbox's endpoint (moto behind its CloudTrail layer), are in the
cluster's timeline; a parameter changed twice shows its before and after; another cluster's
parameter group and snapshots stay out."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from aurora_console.core.aws.timeline.cloudtrail import CallPacer, lookup_pages
from aurora_console.core.aws.timeline.entries import KIND_PARAMETERS, SOURCE_CLOUDTRAIL
from aurora_console.core.aws.timeline.gather import gather_timeline
from tests.integration.fleet.seed import make_cluster

pytestmark = pytest.mark.integration

FAMILY = "aurora-postgresql16"


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _set(rds, group: str, name: str, value: str) -> None:
    rds.modify_db_cluster_parameter_group(
        DBClusterParameterGroupName=group,
        Parameters=[{"ParameterName": name, "ParameterValue": value, "ApplyMethod": "pending-reboot"}])


@pytest.fixture
def rds(factory, east):
    return factory.client("rds", east)


def test_parameter_group_and_snapshot_calls_are_found_by_their_names(factory, east, rds):
    start = _now() - timedelta(minutes=1)
    for cluster in ("orders", "billing"):
        rds.create_db_cluster_parameter_group(DBClusterParameterGroupName=f"{cluster}-pg",
                                              DBParameterGroupFamily=FAMILY, Description=cluster)
        make_cluster(rds, cluster, 1, DBClusterParameterGroupName=f"{cluster}-pg")
        rds.create_db_cluster_snapshot(DBClusterIdentifier=cluster, DBClusterSnapshotIdentifier=f"{cluster}-before")
    # calls that name the parameter group or the snapshot only, never the cluster
    _set(rds, "orders-pg", "log_min_duration_statement", "500")
    _set(rds, "orders-pg", "log_min_duration_statement", "250")
    _set(rds, "billing-pg", "log_min_duration_statement", "100")
    rds.modify_db_cluster_snapshot_attribute(DBClusterSnapshotIdentifier="orders-before", AttributeName="restore",
                                             ValuesToAdd=["210987654321"])
    rds.modify_db_cluster_snapshot_attribute(DBClusterSnapshotIdentifier="billing-before", AttributeName="restore",
                                             ValuesToAdd=["210987654321"])

    timeline = gather_timeline(cluster_id="orders", since=start, until=_now() + timedelta(minutes=1), rds=rds,
                               cloudtrail=factory.client("cloudtrail", east), sources=[SOURCE_CLOUDTRAIL],
                               pacer=CallPacer())
    assert {"orders", "orders-1", "orders-pg", "orders-before"} <= set(timeline.resources)
    assert not {"billing", "billing-pg", "billing-before"} & set(timeline.resources)
    assert timeline.problems == {}

    groups = [e for e in timeline.entries if e.what.startswith("ModifyDBClusterParameterGroup")]
    assert [e.resource for e in groups] == ["orders-pg", "orders-pg"]  # billing-pg's change is not looked up
    assert all(e.kind == KIND_PARAMETERS and e.who.startswith("arn:aws:") and e.where for e in groups)
    # ParameterValue is a string in RDS's input shape: the sandbox's trail records "500" as CloudTrail does
    first, second = ({c.name: (c.before, c.after) for c in e.changes} for e in groups)
    assert first["log_min_duration_statement"] == (None, "500")  # nothing earlier set it: never made up
    assert second["log_min_duration_statement"] == ("500", "250")
    assert "log_min_duration_statement: 500 → 250" in groups[1].summary()

    shared = [e for e in timeline.entries if e.what.startswith("ModifyDBClusterSnapshotAttribute")]
    assert [e.resource for e in shared] == ["orders-before"]
    assert shared[0].detail["parameters"]["valuesToAdd"] == ["210987654321"]  # an account id is text
    assert [e.what for e in timeline.entries if e.what.startswith("CreateDBClusterSnapshot")] == [
        "CreateDBClusterSnapshot orders"]
    assert "billing" not in " ".join(e.summary() for e in timeline.entries)


def test_a_master_password_never_shows_in_the_timeline(factory, east, rds):
    start = _now() - timedelta(minutes=1)
    make_cluster(rds, "orders", 1)  # created with a master password
    rds.modify_db_cluster(DBClusterIdentifier="orders", MasterUserPassword="Changed-pw-4-reviewer17",
                          ApplyImmediately=True)
    trail = factory.client("cloudtrail", east)
    # the raw events too (paced and backed off: the previous test's lookups may have just used the second)
    pacer = CallPacer()
    raw = list(lookup_pages(trail, "orders", start, _now() + timedelta(minutes=1), pacer=pacer))
    timeline = gather_timeline(cluster_id="orders", since=start, until=_now() + timedelta(minutes=1), rds=rds,
                               cloudtrail=trail, sources=[SOURCE_CLOUDTRAIL], pacer=pacer)
    assert any(e.what.startswith("ModifyDBCluster orders") for e in timeline.entries)
    shown = repr(raw) + " ".join(e.summary() + repr(dict(e.detail)) for e in timeline.entries)
    for secret in ("not-a-real-password-1", "Changed-pw-4-reviewer17"):  # make_cluster's and the new one
        assert secret not in shown
