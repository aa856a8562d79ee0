"""moto's stop_db_cluster, as the sandbox patches it (a shallow copy for the answer's previous state,
not a deep copy of the whole RDS backend): the same answer and the same state as moto's own."""

from __future__ import annotations

import boto3
import pytest

from aurora_console.sandbox import moto_speedups
from aurora_console.sandbox.aws_server import sandbox_credentials

pytestmark = pytest.mark.integration

VOLATILE = {"DBClusterIdentifier", "DBClusterArn", "DbClusterResourceId", "Endpoint", "ReaderEndpoint",
            "ClusterCreateTime", "EarliestRestorableTime", "LatestRestorableTime", "HostedZoneId",
            "DBClusterMembers", "CustomEndpoints"}


def _stop(endpoint: str, cluster_id: str) -> tuple[dict, dict]:
    rds = boto3.client("rds", endpoint_url=endpoint, **sandbox_credentials().client_kwargs())
    rds.create_db_cluster(DBClusterIdentifier=cluster_id, Engine="aurora-postgresql", EngineVersion="15.4",
                          MasterUsername="admin_user", MasterUserPassword="Stop-test-pw-1")
    rds.create_db_instance(DBInstanceIdentifier=f"{cluster_id}-1", DBClusterIdentifier=cluster_id,
                           Engine="aurora-postgresql", DBInstanceClass="db.r6g.large")
    answer = rds.stop_db_cluster(DBClusterIdentifier=cluster_id)["DBCluster"]
    after = rds.describe_db_clusters(DBClusterIdentifier=cluster_id)["DBClusters"][0]
    with pytest.raises(rds.exceptions.ClientError, match="InvalidDBClusterStateFault"):
        rds.stop_db_cluster(DBClusterIdentifier=cluster_id)  # stopped already
    with pytest.raises(rds.exceptions.ClientError, match="DBClusterNotFound"):
        rds.stop_db_cluster(DBClusterIdentifier=f"{cluster_id}-missing")
    return ({k: v for k, v in answer.items() if k not in VOLATILE},
            {k: v for k, v in after.items() if k not in VOLATILE})


def test_the_patched_stop_answers_as_motos_own(moto_endpoint):
    assert moto_speedups.installed()  # the sandbox's server installs it
    patched = _stop(moto_endpoint, "fast-stop")
    moto_speedups.uninstall()
    try:
        original = _stop(moto_endpoint, "moto-stop")
    finally:
        moto_speedups.install()
    assert patched == original
    assert patched[0]["Status"] == "available" and patched[1]["Status"] == "stopped"  # previous state, then stopped
