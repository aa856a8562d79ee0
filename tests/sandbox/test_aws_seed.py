"""The sandbox's local AWS endpoint and its seed, checked through boto3 against a real moto server.

Uses the rig's session ``moto_server`` (tests/rig/moto.py); this module seeds it once and never
uses ``moto_endpoint`` (which resets the server around each test).
"""

from __future__ import annotations

import json
import socket

import boto3
import pytest
from hypothesis import given
from hypothesis import strategies as st

from aurora_console.sandbox import seed_catalog as cat
from aurora_console.sandbox.aws_seed import SeedInfo, custom_endpoint_host, seed_aws, validate_password
from aurora_console.sandbox.aws_server import SANDBOX_ACCOUNT_ID, LocalAwsServer, sandbox_credentials

PASSWORD = "Blog-test-pw-4711"


class SeededAws:
    def __init__(self, server: LocalAwsServer) -> None:
        self.server = server
        self.info: SeedInfo = self.reseed()

    def reseed(self) -> SeedInfo:
        self.server.reset()
        self.info = seed_aws(self.server.endpoint_url, db_password=PASSWORD)
        return self.info

    def client(self, service: str, region: str = "us-east-1"):
        return boto3.client(service, endpoint_url=self.server.endpoint_url,
                            **sandbox_credentials(region).client_kwargs())


@pytest.fixture(scope="module")
def aws(moto_server):
    seeded = SeededAws(moto_server)
    yield seeded
    moto_server.reset()  # leave the shared server empty for the next module


def _cluster(aws: SeededAws, cluster_id: str, region: str = "us-east-1") -> dict:
    return aws.client("rds", region).describe_db_clusters(DBClusterIdentifier=cluster_id)["DBClusters"][0]


@pytest.mark.integration
def test_each_seeded_region_has_clusters_of_both_engines(aws):
    assert aws.info.regions == ("us-east-1", "eu-west-1")
    for region in aws.info.regions:
        engines = {c["Engine"] for c in aws.client("rds", region).describe_db_clusters()["DBClusters"]}
        assert engines == {"aurora-postgresql", "aurora-mysql"}, region
    for region in aws.info.empty_regions:
        assert aws.client("rds", region).describe_db_clusters()["DBClusters"] == []


@pytest.mark.integration
def test_blog_has_one_writer_and_two_readers_on_distinct_tiers_and_zones(aws):
    members = _cluster(aws, "blog")["DBClusterMembers"]
    writers = [m["DBInstanceIdentifier"] for m in members if m["IsClusterWriter"]]
    readers = [m for m in members if not m["IsClusterWriter"]]
    assert writers == ["blog-1"]
    assert sorted(m["DBInstanceIdentifier"] for m in readers) == ["blog-2", "blog-3"]
    tiers = [m["PromotionTier"] for m in readers]
    assert len(set(tiers)) == 2 and sorted(tiers) == [1, 2]
    instances = aws.client("rds").describe_db_instances(Filters=[{"Name": "db-cluster-id", "Values": ["blog"]}])
    zones = {i["DBInstanceIdentifier"]: i["AvailabilityZone"] for i in instances["DBInstances"]}
    assert len(set(zones.values())) == 3
    seeded = aws.info.cluster("blog")
    assert (seeded.writer, seeded.readers) == ("blog-1", ("blog-2", "blog-3"))


def _window_minutes(window: str) -> tuple[int, int]:
    """"19:00-22:00" or "sun:23:00-sun:23:30" -> minutes of the day (no midnight wrap here)."""
    start, end = (part.split(":")[-2:] for part in window.split("-"))
    return int(start[0]) * 60 + int(start[1]), int(end[0]) * 60 + int(end[1])


@pytest.mark.integration
def test_blog_cluster_settings(aws):
    c = _cluster(aws, "blog")
    assert (c["Engine"], c["EngineVersion"], c["Port"], c["MasterUsername"]) == (
        "aurora-postgresql", "15.4", 5432, "blog_admin")
    assert c["BackupRetentionPeriod"] == 5
    assert c["PreferredBackupWindow"] == "19:00-22:00"
    assert c["PreferredMaintenanceWindow"] == "sun:23:00-sun:23:30"
    m_start, m_end = _window_minutes(c["PreferredMaintenanceWindow"])
    b_start, b_end = _window_minutes(c["PreferredBackupWindow"])
    assert m_end <= b_start or m_start >= b_end, "maintenance overlaps the backup window"
    assert c["DeletionProtection"] and c["StorageEncrypted"] and c["IAMDatabaseAuthenticationEnabled"]
    assert {"project": "blog", "env": "sandbox"}.items() <= {t["Key"]: t["Value"] for t in c["TagList"]}.items()
    assert c["DBClusterParameterGroup"] == cat.BLOG_PARAMETER_GROUP


@pytest.mark.integration
def test_blog_parameter_group_forces_ssl(aws):
    params = aws.client("rds").describe_db_cluster_parameters(
        DBClusterParameterGroupName=cat.BLOG_PARAMETER_GROUP, Source="user")["Parameters"]
    assert {p["ParameterName"]: p["ParameterValue"] for p in params}["rds.force_ssl"] == "1"


@pytest.mark.integration
def test_blog_security_group_admits_postgres_from_the_app_subnets_only(aws):
    c = _cluster(aws, "blog")
    assert [g["VpcSecurityGroupId"] for g in c["VpcSecurityGroups"]] == [aws.info.security_group_id]
    group = aws.client("ec2").describe_security_groups(GroupIds=[aws.info.security_group_id])["SecurityGroups"][0]
    rules = [(p["IpProtocol"], p["FromPort"], p["ToPort"], [r["CidrIp"] for r in p["IpRanges"]])
             for p in group["IpPermissions"]]
    assert rules == [("tcp", 5432, 5432, [cat.APP_CIDR])]


@pytest.mark.integration
def test_blog_snapshot_and_event_subscription(aws):
    snaps = aws.client("rds").describe_db_cluster_snapshots(DBClusterIdentifier="blog")["DBClusterSnapshots"]
    manual = [s for s in snaps if s["DBClusterSnapshotIdentifier"] == aws.info.snapshot_id]
    assert manual and manual[0]["Status"] == "available"
    subs = aws.client("rds").describe_event_subscriptions(SubscriptionName=aws.info.event_subscription)
    sub = subs["EventSubscriptionsList"][0]
    assert sub["SourceIdsList"] == ["blog"] and sub["Enabled"]
    topics = [t["TopicArn"] for t in aws.client("sns").list_topics()["Topics"]]
    assert sub["SnsTopicArn"] == aws.info.sns_topic_arn and sub["SnsTopicArn"] in topics


@pytest.mark.integration
def test_blog_password_is_a_secure_string_and_a_secret(aws):
    ssm = aws.client("ssm")
    param = ssm.get_parameter(Name="/web/blog/database/secret", WithDecryption=True)["Parameter"]
    assert param["Type"] == "SecureString" and param["Value"] == PASSWORD
    assert ssm.get_parameter(Name="/web/blog/database/secret")["Parameter"]["Value"] != PASSWORD
    secret = json.loads(aws.client("secretsmanager").get_secret_value(SecretId="blog/database")["SecretString"])
    assert secret == {"username": "blog_admin", "password": PASSWORD}
    assert PASSWORD not in repr(aws.info)


@pytest.mark.integration
def test_other_clusters_states_and_topologies(aws):
    shop = _cluster(aws, "shop")
    assert shop["Engine"] == "aurora-mysql" and shop["EngineVersion"] == "8.0.mysql_aurora.3.05.2"
    assert shop["BacktrackWindow"] == 86400
    assert sorted((m["DBInstanceIdentifier"], m["IsClusterWriter"]) for m in shop["DBClusterMembers"]) == [
        ("shop-1", True), ("shop-2", False)]
    assert _cluster(aws, "reports-archive")["Status"] == "stopped"
    archive = aws.client("rds").describe_db_instances(DBInstanceIdentifier="reports-archive-1")["DBInstances"][0]
    assert archive["DBInstanceStatus"] == "stopped"
    analytics = _cluster(aws, "analytics-eu", "eu-west-1")
    assert [(m["DBInstanceIdentifier"], m["IsClusterWriter"]) for m in analytics["DBClusterMembers"]] == [
        ("analytics-eu-1", True)]
    assert _cluster(aws, "orders-eu", "eu-west-1")["Engine"] == "aurora-mysql"


@pytest.mark.integration
def test_seed_info_host_names_match_the_api(aws):
    c = _cluster(aws, "blog")
    info = aws.info
    assert (info.blog_writer_host, info.blog_reader_host) == (c["Endpoint"], c["ReaderEndpoint"])
    hosts = {i["DBInstanceIdentifier"]: i["Endpoint"]["Address"]
             for i in aws.client("rds").describe_db_instances()["DBInstances"] if i["DBInstanceIdentifier"].startswith("blog-")}
    assert info.blog_instance_hosts == hosts
    assert info.blog_custom_endpoint_host.startswith("blog-analytics.cluster-custom-")
    assert info.blog_custom_endpoint_host.endswith(".us-east-1.rds.amazonaws.com")
    names = info.blog_host_names()
    assert len(set(names)) == len(names) == 6
    assert info.blog_port == 5432 and info.cluster_ids == tuple(c.cluster_id for c in info.clusters)


@pytest.mark.unit
@pytest.mark.integration
def test_bastion_instance_runs_amazon_linux(aws):
    """Named, not the first of moto's ~1,400 images (a Windows one; listing them all took seconds)."""
    ec2 = aws.client("ec2", aws.info.bastion_region)
    inst = ec2.describe_instances(InstanceIds=[aws.info.bastion_instance_id])["Reservations"][0]["Instances"][0]
    image = ec2.describe_images(ImageIds=[inst["ImageId"]])["Images"][0]
    assert image["Name"].startswith("al2023-ami-2023") and image["Architecture"] == "x86_64"


def test_custom_endpoint_host_follows_the_cluster_domain():
    host = custom_endpoint_host("blog.cluster-abc123.us-east-1.rds.amazonaws.com", "blog-analytics")
    assert host == "blog-analytics.cluster-custom-abc123.us-east-1.rds.amazonaws.com"


_PRINTABLE = st.characters(min_codepoint=33, max_codepoint=126, blacklist_characters='/"@')


@pytest.mark.unit
@given(st.text(_PRINTABLE, min_size=8, max_size=128))
def test_valid_passwords_are_accepted(password):
    validate_password(password)


@pytest.mark.unit
@given(st.text(_PRINTABLE, min_size=7, max_size=60), st.sampled_from(list('/"@ ')), st.integers(0, 60))
def test_passwords_with_forbidden_characters_are_refused(password, bad, pos):
    with pytest.raises(ValueError):
        validate_password(password[:pos] + bad + password[pos:])


@pytest.mark.unit
@pytest.mark.parametrize("password", ["", "short", "x" * 129, "tab\there-long", "caf\u00e9-latte-pw"])
def test_password_length_and_control_characters_are_refused(password):
    with pytest.raises(ValueError):
        validate_password(password)


@pytest.mark.integration
def test_seed_refuses_a_bad_password_before_any_call(aws):
    before = aws.client("ssm").describe_parameters()["Parameters"]
    with pytest.raises(ValueError):
        seed_aws(aws.server.endpoint_url, db_password="has space in it")
    assert aws.client("ssm").describe_parameters()["Parameters"] == before


@pytest.mark.integration
def test_seeding_twice_asks_for_a_reset(aws):
    with pytest.raises(RuntimeError, match="reset it"):
        seed_aws(aws.server.endpoint_url, db_password=PASSWORD)
    assert _cluster(aws, "blog")["Status"] == "available"


@pytest.mark.integration
def test_local_server_listens_on_loopback_and_stops():
    server = LocalAwsServer()
    with server as url:
        assert url.startswith("http://127.0.0.1:")
        sts = boto3.client("sts", endpoint_url=url, **sandbox_credentials().client_kwargs())
        assert sts.get_caller_identity()["Account"] == SANDBOX_ACCOUNT_ID
        port = int(url.rsplit(":", 1)[1])
    assert not server.running
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", port), timeout=2).close()
    server.stop()  # idempotent


@pytest.mark.integration
def test_reset_empties_the_server(aws):
    try:
        aws.server.reset()
        for region in aws.info.regions:
            assert aws.client("rds", region).describe_db_clusters()["DBClusters"] == []
        assert aws.client("ssm").describe_parameters()["Parameters"] == []
    finally:
        aws.reseed()
    assert _cluster(aws, "blog")["Status"] == "available"
