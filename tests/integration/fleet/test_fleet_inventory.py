"""Inventory against a real moto server, with faults injected on loopback and Stubber paging."""

from __future__ import annotations

import threading

import pytest
from botocore.stub import Stubber

from aurora_console.core.aws.errors import NOT_SUPPORTED_TEXT
from aurora_console.core.aws.fleet.inventory import UnsupportedCalls, load_inventory, load_region
from aurora_console.core.aws.session import AwsSessionFactory, AwsTarget, StaticCredentials
from aurora_console.core.tasks import Cancelled, TaskContext

from .fault_server import FaultServer
from .seed import make_cluster

pytestmark = pytest.mark.integration


def test_two_regions_topology_and_callbacks(factory, east, west):
    make_cluster(factory.client("rds", east), "orders", 3, tags={"env": "prod"})
    make_cluster(factory.client("rds", east), "billing", 1, engine="aurora-mysql")
    make_cluster(factory.client("rds", west), "eu-app", 2, region="eu-west-1")
    seen, lock = [], threading.Lock()

    def on_region(r):
        with lock:
            seen.append((r.key, threading.current_thread().name))

    regions = load_inventory(factory, [east, west], on_region=on_region)
    assert [r.key for r in regions] == ["sandbox/us-east-1", "sandbox/eu-west-1"]
    assert sorted(k for k, _ in seen) == ["sandbox/eu-west-1", "sandbox/us-east-1"]
    # delivered one at a time on the calling (task) thread, never concurrently
    assert {name for _, name in seen} == {threading.current_thread().name}
    us, eu = regions
    assert us.ok and eu.ok
    assert [c.id for c in us.clusters] == ["billing", "orders"]
    orders = us.cluster("orders")
    assert orders.engine == "aurora-postgresql" and orders.status == "available"
    assert orders.writer.id == "orders-1"
    assert [r.id for r in orders.readers] == ["orders-2", "orders-3"]
    assert [i.tier for i in orders.instances] == [1, 2, 3]
    assert orders.azs == ("us-east-1a", "us-east-1b", "us-east-1c")
    assert orders.tag_dict == {"env": "prod"}
    assert {e.kind for e in orders.endpoints} >= {"writer", "reader"}
    assert us.cluster("billing").engine == "aurora-mysql"
    assert [c.id for c in eu.clusters] == ["eu-app"]
    assert eu.target == west


def test_unsupported_optional_calls_are_warnings_and_remembered(factory, east):
    make_cluster(factory.client("rds", east), "orders", 1)
    memo = UnsupportedCalls()
    region = load_region(factory, east, unsupported=memo)
    # moto lacks these two APIs and answers HTTP 500 with an HTML page
    assert region.ok
    assert f"describe_db_cluster_endpoints: {NOT_SUPPORTED_TEXT}" in region.warnings
    assert f"describe_pending_maintenance_actions: {NOT_SUPPORTED_TEXT}" in region.warnings
    assert region.cluster("orders").endpoints[0].kind == "writer"  # from the cluster's own fields
    assert (factory.endpoint_url, "describe_db_cluster_endpoints") in memo
    again = load_region(factory, east, unsupported=memo)
    assert again.warnings == region.warnings and again.clusters == region.clusters


def _fault_factory(url: str, attempts: int = 3) -> AwsSessionFactory:
    return AwsSessionFactory(endpoint_url=url, credentials=StaticCredentials("testing", "testing"),
                             config_overrides={"retries": {"mode": "standard", "max_attempts": attempts},
                                               "connect_timeout": 2, "read_timeout": 5})


def test_one_failing_region_does_not_break_the_other(factory, fleet_env, east):
    make_cluster(factory.client("rds", east), "orders", 2)
    with FaultServer(fleet_env) as denied:
        denied.faults["DescribeDBClusters"] = "deny"
        bad = AwsTarget("sandbox", "eu-west-1", endpoint_url=denied.url)
        regions = load_inventory(factory, [east, bad])
    us, eu = regions
    assert us.ok and [c.id for c in us.clusters] == ["orders"]
    assert eu.error_kind == "access-denied" and "access denied" in eu.error.lower()
    assert eu.clusters == ()


def test_throttling_is_retried_then_shown_on_the_region(fleet_env):
    with FaultServer(fleet_env) as srv:
        srv.faults["DescribeDBClusters"] = "throttle"
        region = load_region(_fault_factory(srv.url, attempts=2), AwsTarget("sandbox", "us-east-1"))
        # botocore's retries.max_attempts counts retries: the first try and 2 retries
        assert srv.counts["DescribeDBClusters"] == 3
    assert region.error_kind == "throttled"
    assert "throttl" in region.error.lower()


def test_http_500_on_required_call_says_not_supported(fleet_env):
    with FaultServer(fleet_env) as srv:
        srv.faults["DescribeDBClusters"] = "500"
        region = load_region(_fault_factory(srv.url, attempts=1), AwsTarget("sandbox", "us-east-1"))
    assert region.error_kind == "not-supported"
    assert NOT_SUPPORTED_TEXT in region.error
    assert "Traceback" not in region.error


def test_access_denied_on_optional_call_keeps_the_region(factory, fleet_env):
    make_cluster(factory.client("rds", AwsTarget("sandbox", "us-east-1")), "orders", 1)
    with FaultServer(fleet_env) as srv:
        srv.faults["DescribeDBProxies"] = "deny"
        region = load_region(_fault_factory(srv.url, attempts=1), AwsTarget("sandbox", "us-east-1"))
    assert region.ok and [c.id for c in region.clusters] == ["orders"]
    assert any("describe_db_proxies" in w and "access denied" in w.lower() for w in region.warnings)


def test_unreachable_endpoint_is_an_endpoint_error(fleet_env):
    import socket

    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()  # nothing listens there now
    region = load_region(_fault_factory(f"http://127.0.0.1:{port}", attempts=1), AwsTarget("p", "us-east-1"))
    assert region.error_kind == "endpoint"
    assert "cannot reach" in region.error


class _StubbedFactory:
    """Hands out one stubbed client (Stubber models Marker paging, which moto ignores)."""

    def __init__(self, client):
        self._client = client

    def client(self, service, target):
        return self._client


def test_marker_paging_follows_every_page():
    raw_factory = AwsSessionFactory(endpoint_url="http://127.0.0.1:9", credentials=StaticCredentials("a", "b"))
    rds = raw_factory.client("rds", AwsTarget("stub", "us-east-1"))
    stub = Stubber(rds)

    def cluster(cid, members):
        return {"DBClusterIdentifier": cid, "Engine": "aurora-postgresql", "EngineVersion": "15.4", "Status": "available",
                "DBClusterArn": f"arn:aws:rds:us-east-1:1:cluster:{cid}",
                "DBClusterMembers": [{"DBInstanceIdentifier": m, "IsClusterWriter": n == 0, "PromotionTier": n}
                                     for n, m in enumerate(members)]}

    def inst(iid, cid):
        return {"DBInstanceIdentifier": iid, "DBClusterIdentifier": cid, "DBInstanceClass": "db.r6g.large",
                "DBInstanceStatus": "available", "AvailabilityZone": "us-east-1a"}

    stub.add_response("describe_db_clusters", {"DBClusters": [cluster("a", ["a1", "a2"])], "Marker": "p2"}, {})
    stub.add_response("describe_db_clusters", {"DBClusters": [cluster("b", ["b1"])], "Marker": "p3"}, {"Marker": "p2"})
    stub.add_response("describe_db_clusters", {"DBClusters": [cluster("c", [])]}, {"Marker": "p3"})
    stub.add_response("describe_db_instances", {"DBInstances": [inst("a1", "a"), inst("a2", "a")], "Marker": "i2"}, {})
    stub.add_response("describe_db_instances", {"DBInstances": [inst("b1", "b")]}, {"Marker": "i2"})
    stub.add_response("describe_db_cluster_endpoints", {"DBClusterEndpoints": [
        {"DBClusterIdentifier": "a", "Endpoint": "custom-a.cluster-custom-x", "EndpointType": "CUSTOM",
         "DBClusterEndpointIdentifier": "analytics"}], "Marker": "e2"}, {})
    stub.add_response("describe_db_cluster_endpoints", {"DBClusterEndpoints": []}, {"Marker": "e2"})
    stub.add_response("describe_global_clusters", {"GlobalClusters": [
        {"GlobalClusterIdentifier": "g1", "GlobalClusterMembers": [
            {"DBClusterArn": "arn:aws:rds:us-east-1:1:cluster:a", "IsWriter": True}]}]}, {})
    stub.add_response("describe_db_proxies", {"DBProxies": [{"DBProxyName": "px", "EngineFamily": "POSTGRESQL",
                                                             "Status": "available"}]}, {})
    stub.add_response("describe_pending_maintenance_actions", {"PendingMaintenanceActions": [
        {"ResourceIdentifier": "arn:aws:rds:us-east-1:1:cluster:b",
         "PendingMaintenanceActionDetails": [{"Action": "system-update", "Description": "patch"}]}]}, {})
    stub.add_response("describe_db_proxy_targets", {"Targets": [{"RdsResourceId": "b", "Type": "TRACKED_CLUSTER"}],
                                                    "Marker": "t2"}, {"DBProxyName": "px"})
    stub.add_response("describe_db_proxy_targets", {"Targets": [{"RdsResourceId": "b1", "Type": "RDS_INSTANCE",
                                                                 "Role": "READ_WRITE"}]},
                      {"DBProxyName": "px", "Marker": "t2"})
    with stub:
        # Stubber answers in queue order: one call at a time
        region = load_region(_StubbedFactory(rds), AwsTarget("stub", "us-east-1"), parallel_calls=1)
        stub.assert_no_pending_responses()
    assert region.ok, region.error
    assert [c.id for c in region.clusters] == ["a", "b", "c"]
    a, b, c = region.clusters
    assert [i.id for i in a.instances] == ["a1", "a2"] and a.writer.id == "a1"
    assert a.global_cluster_id == "g1" and [g.id for g in region.global_clusters] == ["g1"]
    assert any(e.kind == "custom" and e.identifier == "analytics" for e in a.endpoints)
    assert [p.name for p in b.proxies] == ["px"] and len(b.proxies[0].targets) == 2
    assert b.pending[0].action == "system-update"
    assert c.instances == ()


def test_cancel_stops_the_load(factory, east, west):
    ctx = TaskContext("inv")
    ctx.token.cancel()
    with pytest.raises(Cancelled):
        load_inventory(factory, [east, west], task=ctx)


def test_proxies_and_global_clusters_from_moto(factory, east):
    from .seed import add_global, add_proxy

    rds = factory.client("rds", east)
    make_cluster(rds, "orders", 2)
    make_cluster(rds, "billing", 1)
    add_proxy(rds, factory.client("ec2", east), "orders", "orders-proxy")
    add_global(rds, "orders-global", "arn:aws:rds:us-east-1:123456789012:cluster:orders")
    region = load_region(factory, east)
    orders, billing = region.cluster("orders"), region.cluster("billing")
    [proxy] = orders.proxies
    assert proxy.name == "orders-proxy" and proxy.engine_family == "POSTGRESQL"
    assert [(t.resource_id, t.target_type) for t in proxy.targets] == [("orders", "TRACKED_CLUSTER")]
    assert billing.proxies == ()
    assert orders.global_cluster_id == "orders-global" and billing.global_cluster_id == ""
    assert [g.id for g in region.global_clusters] == ["orders-global"]


def test_a_stop_while_proxy_targets_are_parsed_cancels_the_load(factory, east, monkeypatch):
    """The task's pause runs inside the parse of each answer and raises Cancelled after Stop:
    a Stop while a proxy's targets are parsed cancels the region's load, it is not recorded as
    a warning about that proxy (Cancelled is an Exception, so a broad except used to take it)."""
    from aurora_console.core.aws.fleet import sliced_parse

    from .seed import add_proxy

    monkeypatch.setattr(sliced_parse, "PAUSE_EVERY", 1)  # a pause per structure: small answers too
    rds = factory.client("rds", east)
    make_cluster(rds, "orders", 1)
    add_proxy(rds, factory.client("ec2", east), "orders", "orders-proxy")
    calls: list[str] = []
    rds.meta.events.register("before-call.rds.*", lambda model, **_: calls.append(model.name))

    def pause() -> None:  # Stop pressed once the proxy targets' answer is being read
        if calls and calls[-1] == "DescribeDBProxyTargets":
            ctx.token.cancel()

    ctx = TaskContext("inv", pause=pause)
    with pytest.raises(Cancelled):
        load_region(factory, east, task=ctx, parallel_calls=1)
    assert calls[-1] == "DescribeDBProxyTargets" and ctx.cancelled
