"""Pure pieces: building the topology from raw answers, security group analysis, error wording,
audit scrubbing and reading."""

from __future__ import annotations

import json

import pytest
from botocore.exceptions import ClientError, EndpointConnectionError
from botocore.parsers import ResponseParserError
from hypothesis import given
from hypothesis import strategies as st

from aurora_console.core.audit import AuditLog, read_audit, scrub
from aurora_console.core.aws.errors import classify_failure as classify
from aurora_console.core.aws.fleet.build import build_region
from aurora_console.core.aws.fleet.sg_rules import group_from_raw, world_open_warnings

from .fixtures import TARGET

pytestmark = pytest.mark.unit


def _raw_cluster(cid, members, arn_suffix=None):
    return {"DBClusterIdentifier": cid, "Engine": "aurora-mysql", "Status": "available", "Port": 3306,
            "DBClusterArn": f"arn:c:{arn_suffix or cid}", "Endpoint": f"{cid}.cluster-x", "ReaderEndpoint": f"{cid}.cluster-ro-x",
            "DBClusterMembers": [{"DBInstanceIdentifier": m, "IsClusterWriter": w, "PromotionTier": t} for m, w, t in members]}


def test_build_region_roles_globals_proxies_pending():
    raw = {
        "describe_db_clusters": [_raw_cluster("b", [("b2", False, 3), ("b1", True, 0)]), _raw_cluster("a", [])],
        "describe_db_instances": [{"DBInstanceIdentifier": "b1", "DBInstanceStatus": "available", "DBInstanceArn": "arn:i:b1",
                                   "PerformanceInsightsEnabled": True, "MonitoringInterval": 60},
                                  {"DBInstanceIdentifier": "b2", "DBInstanceStatus": "rebooting"}],
        "describe_global_clusters": [{"GlobalClusterIdentifier": "g", "GlobalClusterMembers": [{"DBClusterArn": "arn:c:b"}]},
                                     {"GlobalClusterIdentifier": "elsewhere", "GlobalClusterMembers": [{"DBClusterArn": "arn:c:zz"}]}],
        "describe_db_proxies": [{"DBProxyName": "p1"}, {"DBProxyName": "p2"}],
        "proxy_targets": {"p1": [{"RdsResourceId": "b1", "Type": "RDS_INSTANCE"}], "p2": []},
        "describe_pending_maintenance_actions": [{"ResourceIdentifier": "arn:i:b1",
                                                  "PendingMaintenanceActionDetails": [{"Action": "os-upgrade"}]}],
    }
    r = build_region("prod", "us-east-1", None, raw)
    assert [c.id for c in r.clusters] == ["a", "b"]
    b = r.cluster("b")
    assert [(i.id, i.role, i.tier) for i in b.instances] == [("b1", "writer", 0), ("b2", "reader", 3)]
    assert b.writer.performance_insights and b.writer.enhanced_monitoring
    assert b.writer.pending[0].action == "os-upgrade"
    assert b.global_cluster_id == "g" and [g.id for g in r.global_clusters] == ["g"]
    assert [p.name for p in b.proxies] == ["p1"] and r.cluster("a").proxies == ()
    assert [e.kind for e in b.endpoints] == ["writer", "reader"]


def test_world_open_rules():
    g = group_from_raw({"GroupId": "sg-1", "GroupName": "db", "IpPermissions": [
        {"IpProtocol": "-1", "Ipv6Ranges": [{"CidrIpv6": "::/0"}]},
        {"IpProtocol": "tcp", "FromPort": 3000, "ToPort": 4000, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]},
        {"IpProtocol": "tcp", "FromPort": 5432, "ToPort": 5432, "IpRanges": [{"CidrIp": "10.0.0.0/8"}],
         "UserIdGroupPairs": [{"GroupId": "sg-app"}]},
    ]})
    assert [r.source for r in g.rules] == ["::/0", "0.0.0.0/0", "10.0.0.0/8", "sg-app"]
    assert len(world_open_warnings([g], 3306)) == 2  # all-traffic ::/0 and the 3000-4000 range
    assert len(world_open_warnings([g], 5432)) == 1  # only the all-traffic rule
    assert world_open_warnings([g], None) == ()


def _client_error(code, status=400, op="DescribeDBClusters"):
    return ClientError({"Error": {"Code": code, "Message": "msg"}, "ResponseMetadata": {"HTTPStatusCode": status}}, op)


@pytest.mark.parametrize(
    ("exc", "kind", "text"),
    [
        (_client_error("AccessDenied", 403), "access-denied", "access denied"),
        (_client_error("Throttling"), "throttled", "throttling"),
        (_client_error("OptInRequired"), "opt-in", "not enabled"),
        (_client_error("ExpiredToken"), "expired", "aws sso login --profile prod"),
        (_client_error("InternalFailure", 500), "not-supported", "not supported by this endpoint"),
        (_client_error("DBClusterNotFoundFault", 404), "not-found", "msg"),
        (ResponseParserError("bad xml"), "not-supported", "not supported by this endpoint"),
        (EndpointConnectionError(endpoint_url="http://x"), "endpoint", "cannot reach"),
    ],
)
def test_error_classification(exc, kind, text):
    f = classify(exc, profile="prod")
    assert f.kind == kind and text in f.message.lower()


@given(st.dictionaries(st.sampled_from(["Password", "MasterUserPassword", "SecretString", "SessionToken",
                                        "DBClusterIdentifier", "PromotionTier"]),
                       st.text(min_size=6, max_size=20, alphabet="abcdefghij"), min_size=1))
def test_scrub_removes_secret_values(params):
    out = json.dumps(scrub({"outer": params}))
    for k, v in params.items():
        if k in ("DBClusterIdentifier", "PromotionTier"):
            assert v in out
        else:
            assert f'"{k}": "***"' in out


def test_audit_append_and_read(tmp_path):
    log = AuditLog(tmp_path / "a" / "audit.jsonl", identity=lambda t: "arn:aws:iam::1:user/dba")
    log.record(TARGET, "reboot-instance", {"DBInstanceIdentifier": "x"}, "ok")
    with (tmp_path / "a" / "audit.jsonl").open("a") as fh:
        fh.write("not json\n\n[1]\n")
    log.record(TARGET, "failover", {"DBClusterIdentifier": "c"}, "error: nope")
    entries = read_audit(tmp_path / "a" / "audit.jsonl")
    assert [(e.action, e.outcome, e.identity, e.profile) for e in entries] == [
        ("reboot-instance", "ok", "arn:aws:iam::1:user/dba", "prod"), ("failover", "error: nope", "arn:aws:iam::1:user/dba", "prod")]
    assert log.read(limit=1)[0].action == "failover"
    assert read_audit(tmp_path / "missing.jsonl") == []


def test_summaries_are_worked_out_once_per_inventory_and_handed_out_as_new_lists():
    from dataclasses import replace

    from aurora_console.core.aws.fleet.clusters import summaries
    from tests.unit.core.aws.fleet.fixtures import cluster, region

    inv = region(cluster("b"), cluster("a"), replace(cluster("m"), engine="mysql"))
    first = summaries(inv)
    assert [s.ref.cluster_id for s in first] == ["a", "b"]  # Aurora only, by id
    first.append("mutated by a caller")
    again = summaries(inv)
    assert [s.ref.cluster_id for s in again] == ["a", "b"]
    assert all(x is y for x, y in zip(again, summaries(inv), strict=True))  # the same objects: not worked out again
    newer = region(cluster("c"))  # the region's next inventory (a refresh): its own
    assert [s.ref.cluster_id for s in summaries(newer)] == ["c"]
    from aurora_console.core.aws.fleet import clusters as module

    assert module._SUMMARIES[inv.key][0] is newer  # the older inventory is not kept alive


def test_a_refresh_reuses_the_summaries_of_unchanged_clusters():
    from dataclasses import replace

    from aurora_console.core.aws.fleet.clusters import summaries
    from aurora_console.core.aws.session import AwsTarget
    from tests.unit.core.aws.fleet.fixtures import cluster, region

    a, b = cluster("a"), cluster("b")
    first = summaries(region(a, b))
    changed = replace(b, status="modifying")
    again = summaries(region(a, changed, cluster("c")))  # the region's next inventory
    assert again[0] is first[0]  # 'a': the same object, its summary kept
    assert again[1].cluster is changed and again[1].status == "modifying"
    assert [s.ref.cluster_id for s in again] == ["a", "b", "c"]
    # another account behind the same key: refs say so, nothing reused
    elsewhere = replace(region(a, b), target=AwsTarget("other", "us-east-1"))
    assert [s.ref.profile for s in summaries(elsewhere)] == ["other", "other"]
