"""The two RDS reads of the fleet listing that moto lacks (sandbox/cluster_endpoints.py): answered
once the sandbox's seed ran on the endpoint (writer, reader and the seed's custom endpoint; no
pending maintenance), moto's failure before the seed and after a reset."""

from __future__ import annotations

import boto3
import pytest
from botocore.config import Config

from aurora_console.sandbox import seed_catalog as cat
from aurora_console.sandbox.aws_server import sandbox_credentials

pytestmark = pytest.mark.integration

PASSWORD = "Endpoints-test-pw-1"


def _rds(endpoint: str, region: str = "us-east-1"):
    return boto3.client("rds", endpoint_url=endpoint, config=Config(retries={"max_attempts": 1}),
                        **sandbox_credentials(region).client_kwargs())


def _unsupported(call) -> bool:
    """moto's answer: a 500 HTML page botocore cannot parse."""
    try:
        call()
    except Exception as exc:  # noqa: BLE001 - the kind is what is checked
        return type(exc).__name__ in ("ResponseParserError", "ClientError") and "DBClusterNotFound" not in str(exc)
    return False


def test_before_the_seed_and_after_a_reset_moto_answers_as_before(moto_server, moto_endpoint):
    rds = _rds(moto_endpoint)
    assert _unsupported(rds.describe_db_cluster_endpoints)
    assert _unsupported(rds.describe_pending_maintenance_actions)
    moto_server.seed_clusters(PASSWORD)
    assert rds.describe_pending_maintenance_actions()["PendingMaintenanceActions"] == []
    moto_server.reset()
    assert _unsupported(rds.describe_db_cluster_endpoints)
    assert _unsupported(rds.describe_pending_maintenance_actions)


def test_after_the_seed_every_cluster_lists_its_endpoints_and_the_blog_its_custom_one(moto_server, moto_endpoint):
    seed = moto_server.seed_clusters(PASSWORD)
    for region in cat.SEEDED_REGIONS:
        rds = _rds(moto_endpoint, region)
        clusters = {c["DBClusterIdentifier"]: c for c in rds.describe_db_clusters()["DBClusters"]}
        listed = rds.describe_db_cluster_endpoints()["DBClusterEndpoints"]
        assert {e["DBClusterIdentifier"] for e in listed} == set(clusters)  # this region's clusters only
        for cid, cluster in clusters.items():
            mine = [e for e in listed if e["DBClusterIdentifier"] == cid]
            assert {(e["EndpointType"], e["Endpoint"]) for e in mine if e["EndpointType"] != "CUSTOM"} == {
                ("WRITER", cluster["Endpoint"]), ("READER", cluster["ReaderEndpoint"])}
            assert all(e["Status"] == "available" for e in mine)
            custom = [e for e in mine if e["EndpointType"] == "CUSTOM"]
            if cid == cat.BLOG_CLUSTER:
                [analytics] = custom
                assert analytics["DBClusterEndpointIdentifier"] == cat.BLOG_CUSTOM_ENDPOINT
                assert analytics["Endpoint"] == seed.blog_custom_endpoint_host
                assert analytics["StaticMembers"] == list(cat.BLOG_CUSTOM_ENDPOINT_MEMBERS)
                assert analytics["DBClusterEndpointArn"].startswith(f"arn:aws:rds:{region}:")
            else:
                assert custom == []


def test_pending_maintenance_filtered_by_cluster_or_instance_is_answered_too(moto_server, moto_endpoint):
    """The cluster details and the change timeline ask for one cluster's pending actions (a
    db-cluster-id filter): answered (none) instead of moto's 500 ("not supported by this endpoint")."""
    from aurora_console.core.aws.timeline.gather import _pending_actions

    moto_server.seed_clusters(PASSWORD)
    rds = _rds(moto_endpoint)
    for name, value in (("db-cluster-id", cat.BLOG_CLUSTER), ("db-instance-id", f"{cat.BLOG_CLUSTER}-1")):
        found = rds.describe_pending_maintenance_actions(Filters=[{"Name": name, "Values": [value]}])
        assert found["PendingMaintenanceActions"] == []
    assert _pending_actions(rds, cat.BLOG_CLUSTER, "arn:aws:rds:us-east-1:123456789012:cluster:blog", []) == []
    assert _unsupported(lambda: rds.describe_pending_maintenance_actions(  # another filter: moto's, as before
        Filters=[{"Name": "no-such-filter", "Values": ["x"]}]))


def test_the_identifiers_narrow_the_list_and_an_unknown_cluster_is_not_found(moto_server, moto_endpoint):
    moto_server.seed_clusters(PASSWORD)
    rds = _rds(moto_endpoint)
    blog = rds.describe_db_cluster_endpoints(DBClusterIdentifier=cat.BLOG_CLUSTER)["DBClusterEndpoints"]
    assert {e["DBClusterIdentifier"] for e in blog} == {cat.BLOG_CLUSTER} and len(blog) == 3
    only = rds.describe_db_cluster_endpoints(DBClusterEndpointIdentifier=cat.BLOG_CUSTOM_ENDPOINT)["DBClusterEndpoints"]
    assert [e["DBClusterEndpointIdentifier"] for e in only] == [cat.BLOG_CUSTOM_ENDPOINT]
    with pytest.raises(rds.exceptions.DBClusterNotFoundFault):
        rds.describe_db_cluster_endpoints(DBClusterIdentifier="no-such-cluster")


def test_the_fleet_listing_of_the_seeded_endpoint_has_no_warnings_and_shows_the_custom_endpoint(moto_server,
                                                                                                  moto_endpoint):
    from aurora_console.core.aws.fleet.inventory import UnsupportedCalls, load_region
    from aurora_console.core.aws.session import AwsSessionFactory, AwsTarget, StaticCredentials

    seed = moto_server.seed_clusters(PASSWORD)
    creds = sandbox_credentials()
    factory = AwsSessionFactory(endpoint_url=moto_endpoint, credentials=StaticCredentials(
        creds.access_key_id, creds.secret_access_key), config_overrides={"retries": {"max_attempts": 1}})
    region = load_region(factory, AwsTarget("sandbox", "us-east-1"), unsupported=UnsupportedCalls())
    assert region.ok and region.warnings == ()
    custom = [e for e in region.cluster(cat.BLOG_CLUSTER).endpoints if e.kind == "custom"]
    assert [(e.identifier, e.address, e.members) for e in custom] == [
        (cat.BLOG_CUSTOM_ENDPOINT, seed.blog_custom_endpoint_host, cat.BLOG_CUSTOM_ENDPOINT_MEMBERS)]
