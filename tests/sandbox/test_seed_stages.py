"""The sandbox is seeded in two stages: the clusters first (the fleet listing answers at once), then
their surroundings; a request for those made in between waits for them instead of seeing a
half-seeded account, and a re-seed after a reset goes through both stages again."""

from __future__ import annotations

import threading
from dataclasses import replace

import boto3
import pytest

from aurora_console.sandbox import aws_seed
from aurora_console.sandbox import seed_catalog as cat
from aurora_console.sandbox.aws_server import sandbox_credentials
from aurora_console.sandbox.runtime import Sandbox

pytestmark = pytest.mark.integration


def _client(info, service: str, region: str = "us-east-1"):
    # an ordinary client, as the console's screens make them (not the seeder's)
    return boto3.client(service, endpoint_url=info.endpoint_url, **sandbox_credentials(region).client_kwargs())


def _surroundings(info) -> dict:
    rds, ec2 = _client(info, "rds"), _client(info, "ec2")
    snaps = rds.describe_db_cluster_snapshots(DBClusterIdentifier=cat.BLOG_CLUSTER)["DBClusterSnapshots"]
    reservations = ec2.describe_instances(Filters=[{"Name": "tag:Name", "Values": ["sandbox-bastion"]}])
    return {
        "snapshot": [s["DBClusterSnapshotIdentifier"] for s in snaps if s["SnapshotType"] == "manual"],
        "subscription": [s["CustSubscriptionId"] for s in rds.describe_event_subscriptions()["EventSubscriptionsList"]],
        "ssm": _client(info, "ssm").get_parameter(Name=cat.BLOG_SSM_PARAMETER)["Parameter"]["Name"],
        "secrets": sorted(s["Name"] for s in _client(info, "secretsmanager").list_secrets()["SecretList"]),
        "bastion": [i["InstanceId"] for r in reservations["Reservations"] for i in r["Instances"]],
    }


def _expected(info) -> dict:
    return {"snapshot": [cat.BLOG_SNAPSHOT], "subscription": [cat.BLOG_EVENT_SUBSCRIPTION],
            "ssm": cat.BLOG_SSM_PARAMETER, "secrets": sorted([cat.BLOG_SECRET_ID, cat.SHOP_SECRET_ID]),
            "bastion": [info.seed.bastion_instance_id]}


def test_clusters_first_then_the_rest_which_a_screen_waits_for(tmp_path):
    sandbox = Sandbox(tmp_path / "sbx", live_metrics=False)
    try:
        info = sandbox.start_aws()
        assert not info.seed.surroundings_seeded and info.seed.bastion_instance_id == ""
        gate = sandbox._aws.gate
        assert not gate.is_open
        # the fleet listing is answered from the first stage, in every seeded region
        for region in info.regions:
            rds = _client(info, "rds", region)
            listed = {c["DBClusterIdentifier"] for c in rds.describe_db_clusters()["DBClusters"]}
            assert listed == {s.cluster_id for s in cat.CLUSTERS if s.region == region}
            instances = {i["DBInstanceIdentifier"] for i in rds.describe_db_instances()["DBInstances"]}
            assert instances == {i.instance_id for s in cat.CLUSTERS if s.region == region for i in s.instances}
        assert gate.held == 0 and not info.seed.surroundings_seeded  # the listing asked for nothing more
        # a screen opened now (Snapshots, the blog's SSM password...) waits for the rest, which it
        # asked for, and then sees it
        seen: dict = {}
        screen = threading.Thread(target=lambda: seen.update(_surroundings(info)))
        screen.start()
        screen.join(120)
        assert not screen.is_alive()
        assert gate.held >= 1 and gate.is_open
        assert info.seed.surroundings_seeded and info.seed.bastion_instance_id
        assert seen == _expected(info)
        # asking again changes nothing: the second stage ran once
        assert sandbox.seed_surroundings().seed is info.seed
    finally:
        sandbox.stop()


def test_a_reset_endpoint_is_seeded_again_through_both_stages(tmp_path):
    sandbox = Sandbox(tmp_path / "sbx", live_metrics=False)
    try:
        first = sandbox.start_aws()
        sandbox.seed_surroundings()
        first_bastion = first.seed.bastion_instance_id
        sandbox._aws.reset()  # as a test wiping moto's state does
        assert _client(first, "rds").describe_db_clusters()["DBClusters"] == []
        sandbox.ensure_seeded()  # everything again, as the smoke-test kit's console fixture asks
        info = sandbox.info
        assert info.seed.surroundings_seeded and sandbox._aws.gate.is_open
        assert info.seed.bastion_instance_id and info.seed.bastion_instance_id != first_bastion
        assert _surroundings(info) == _expected(info)
        listed = {c["DBClusterIdentifier"] for c in _client(info, "rds").describe_db_clusters()["DBClusters"]}
        assert cat.BLOG_CLUSTER in listed and info.metrics is not None
    finally:
        sandbox.stop()


def test_a_second_stage_that_failed_partway_runs_again(tmp_path, monkeypatch):
    """The bastion's stage runs the second stage again when the gate's run failed: what the failed
    run made (snapshot, subscription, parameters, secrets) must not fail the next one."""
    sandbox = Sandbox(tmp_path / "sbx", live_metrics=False, aws_in_process=True)  # the flaky seed: in this process
    real = aws_seed.create_bastion_instance
    calls: list[int] = []

    def flaky(ec2):
        calls.append(1)
        if len(calls) == 1:
            raise ConnectionError("the endpoint dropped the connection")
        return real(ec2)

    monkeypatch.setattr(aws_seed, "create_bastion_instance", flaky)
    try:
        info = sandbox.start_aws()
        with pytest.raises(ConnectionError):
            sandbox.seed_surroundings()
        assert sandbox._aws.gate.is_open and not info.seed.surroundings_seeded
        sandbox.seed_surroundings()  # as _start_bastion does
        assert info.seed.surroundings_seeded and _surroundings(info) == _expected(info)
        # the whole stage once more over a complete one: it keeps what is there, makes nothing twice
        again = aws_seed.seed_surroundings(info.endpoint_url, replace(info.seed, surroundings_seeded=False),
                                           credentials=sandbox_credentials(), db_password=sandbox._password)
        assert again.bastion_instance_id == info.seed.bastion_instance_id and len(calls) == 2
        assert _surroundings(info) == _expected(info)
        assert again.sns_topic_arn == info.seed.sns_topic_arn
    finally:
        sandbox.stop()
