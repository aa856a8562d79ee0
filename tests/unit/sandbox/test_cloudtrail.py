"""The sandbox's CloudTrail history: query parameters decoded as CloudTrail records them (property
test), LookupEvents' attribute, time range, newest-first pages and tokens, rate limit, reset."""

from __future__ import annotations

import io
import json
import urllib.parse
from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aurora_console.sandbox import cloudtrail as sc

T0 = datetime(2026, 12, 1, tzinfo=timezone.utc)


def test_query_parameters_in_cloudtrail_spelling():
    params = {"Action": "ModifyDBCluster", "Version": "2014-10-31", "DBClusterIdentifier": "orders",
              "BackupRetentionPeriod": "9", "ApplyImmediately": "true", "PreferredBackupWindow": "01:00-01:30",
              "VpcSecurityGroupIds.VpcSecurityGroupId.2": "sg-2", "VpcSecurityGroupIds.VpcSecurityGroupId.1": "sg-1",
              "Tags.Tag.1.Key": "team", "Tags.Tag.1.Value": "db", "Tags.member.10.Key": "z",
              "DBInstanceIdentifier": "007"}
    assert sc.request_parameters(params) == {
        "dBClusterIdentifier": "orders", "backupRetentionPeriod": 9, "applyImmediately": True,
        "preferredBackupWindow": "01:00-01:30", "vpcSecurityGroupIds": ["sg-1", "sg-2"],
        "tags": [{"key": "team", "value": "db"}, {"key": "z"}], "dBInstanceIdentifier": "007"}


def test_values_are_typed_by_the_api_input_shape():
    # ParameterValue is a string in RDS's model (CloudTrail records "500"), an account id in
    # ValuesToAdd too; integers and booleans only where the shape says so
    group = sc.request_parameters({"Action": "ModifyDBClusterParameterGroup", "DBClusterParameterGroupName": "pg",
                                   "Parameters.Parameter.1.ParameterName": "log_min_duration_statement",
                                   "Parameters.Parameter.1.ParameterValue": "500",
                                   "Parameters.Parameter.1.ApplyMethod": "immediate"})
    assert group["parameters"] == [{"parameterName": "log_min_duration_statement", "parameterValue": "500",
                                    "applyMethod": "immediate"}]
    share = sc.request_parameters({"DBClusterSnapshotIdentifier": "s", "AttributeName": "restore",
                                   "ValuesToAdd.AttributeValue.1": "210987654321"},
                                  action="ModifyDBClusterSnapshotAttribute")
    assert share["valuesToAdd"] == ["210987654321"]
    cluster = sc.request_parameters({"Action": "CreateDBCluster", "DBClusterIdentifier": "1234", "Port": "5432",
                                     "StorageEncrypted": "true", "MasterUsername": "true",
                                     "EngineVersion": "16", "BackupRetentionPeriod": "x"})
    assert cluster == {"dBClusterIdentifier": "1234", "port": 5432, "storageEncrypted": True,
                       "masterUsername": "true", "engineVersion": "16", "backupRetentionPeriod": "x"}


def test_a_call_or_parameter_the_model_does_not_know_stays_text():
    assert sc.request_parameters({"Action": "NoSuchCall", "Port": "5432", "Flag": "true"}) == {
        "port": "5432", "flag": "true"}
    assert sc.request_parameters({"Port": "5432"}, service="no-such-service", action="CreateDBCluster") == {
        "port": "5432"}
    assert sc.request_parameters({"Action": "ModifyDBCluster", "Unknown": "7", "Port.1": "3"}) == {
        "unknown": "7", "port": ["3"]}


def test_the_trail_records_values_typed_by_the_call():
    trail = sc.ControlPlaneTrail()
    event = trail.record(action="ModifyDBClusterParameterGroup", region="us-east-1", access_key="AKIA",
                         source_ip="127.0.0.1", user_agent="Boto3/1",
                         params={"DBClusterParameterGroupName": "pg", "Parameters.Parameter.1.ParameterValue": "500"})
    body = json.loads(event["CloudTrailEvent"])
    assert body["requestParameters"]["parameters"] == [{"parameterValue": "500"}]


def test_resources_named_by_a_call():
    assert sc.resources_of({"DBClusterIdentifier": "orders", "TargetDBInstanceIdentifier": "orders-2"}) == [
        {"ResourceType": "AWS::RDS::DBCluster", "ResourceName": "orders"},
        {"ResourceType": "AWS::RDS::DBInstance", "ResourceName": "orders-2"}]


_names = st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz", min_size=1, max_size=8)
_keys = st.lists(st.one_of(_names, st.integers(min_value=1, max_value=30).map(str)), min_size=1, max_size=4).map(".".join)


@settings(max_examples=300)
@given(st.dictionaries(_keys, st.text(max_size=12), max_size=8))
def test_any_query_decodes_to_json_without_raising(params):
    decoded = sc.request_parameters(params)
    json.dumps(decoded)  # plain JSON data, as CloudTrail's record holds
    assert all(isinstance(k, str) and k[:1] == k[:1].lower() for k in decoded)
    for key, value in params.items():
        camel = sc.lower_camel(key)
        clashes = [k for k in params if k.split(".")[0] != key and sc.lower_camel(k.split(".")[0]) == camel]
        if "." in key or key.isdigit() or key in ("Action", "Version") or clashes or any(
                k.startswith(key + ".") for k in params):
            continue
        if sc._input_shape("rds", params.get("Action", "")) is None:
            assert decoded[camel] == value  # no known call: no input shape, every value text


def _trail(n: int) -> sc.ControlPlaneTrail:
    trail = sc.ControlPlaneTrail()
    for i in range(n):
        trail.record(action="ModifyDBCluster" if i % 2 else "RebootDBInstance",
                     params={"DBClusterIdentifier": "orders"} if i % 2 else {"DBInstanceIdentifier": "orders-1"},
                     region="us-east-1", access_key="AKIA", source_ip="127.0.0.1", user_agent="Boto3/1",
                     when=T0 + timedelta(minutes=i))
    return trail


def test_lookup_pages_newest_first_with_tokens():
    trail = _trail(130)
    attr = [{"AttributeKey": "ResourceName", "AttributeValue": "orders"}]
    seen, token, pages = [], None, 0
    while True:
        events, token = trail.lookup(region="us-east-1", attributes=attr, start=None, end=None, next_token=token)
        pages += 1
        seen += events
        if not token:
            break
    assert pages == 2 and len(seen) == 65
    times = [e["EventTime"] for e in seen]
    assert times == sorted(times, reverse=True) and len({e["EventId"] for e in seen}) == 65
    record = json.loads(seen[0]["CloudTrailEvent"])
    assert record["eventName"] == "ModifyDBCluster" and record["userIdentity"]["arn"] == sc.CALLER_ARN
    assert record["requestParameters"] == {"dBClusterIdentifier": "orders"}


def test_lookup_time_range_region_and_attributes():
    trail = _trail(10)
    start, end = (T0 + timedelta(minutes=2)).timestamp(), (T0 + timedelta(minutes=5)).timestamp()
    events, _ = trail.lookup(region="us-east-1", attributes=[], start=start, end=end)
    assert len(events) == 4
    assert trail.lookup(region="eu-west-1", attributes=[], start=None, end=None)[0] == []
    by_name, _ = trail.lookup(region="us-east-1", attributes=[{"AttributeKey": "EventName",
                                                               "AttributeValue": "RebootDBInstance"}],
                              start=None, end=None)
    assert len(by_name) == 5
    with pytest.raises(ValueError):
        trail.lookup(region="us-east-1", attributes=[{"AttributeKey": "Nope", "AttributeValue": "x"}],
                     start=None, end=None)
    with pytest.raises(ValueError):
        trail.lookup(region="us-east-1", attributes=[], start=None, end=None, next_token="%%%")


def _environ(body: bytes, *, target: str = "", service: str = "rds", path: str = "/") -> dict:
    headers = {"HTTP_AUTHORIZATION": f"AWS4-HMAC-SHA256 Credential=AKIA1/20261201/us-east-1/{service}/aws4_request, "
                                     "SignedHeaders=host, Signature=abc"}
    if target:
        headers["HTTP_X_AMZ_TARGET"] = target
    return {"REQUEST_METHOD": "POST", "PATH_INFO": path, "CONTENT_LENGTH": str(len(body)),
            "wsgi.input": io.BytesIO(body), "REMOTE_ADDR": "127.0.0.1", "HTTP_USER_AGENT": "Boto3/1.35", **headers}


def _moto(status: str, body: bytes):
    calls = []

    def app(environ, start_response):
        calls.append(environ["wsgi.input"].read())
        start_response(status, [("Content-Type", "text/xml")])
        return [body]

    return app, calls


def _call(app, environ):
    seen = {}
    body = b"".join(app(environ, lambda status, headers, exc=None: seen.setdefault("status", status)))
    return seen["status"], body


def test_the_layer_records_changes_passes_everything_on_and_answers_lookups():
    moto, calls = _moto("400 Bad Request", b"<ErrorResponse><Error><Code>DBClusterNotFoundFault</Code>"
                                           b"<Message>orders not found</Message></Error></ErrorResponse>")
    trail = sc.ControlPlaneTrail()
    layer = sc.CloudTrailWsgi(moto, trail)
    query = urllib.parse.urlencode({"Action": "FailoverDBCluster", "DBClusterIdentifier": "orders"}).encode()
    status, body = _call(layer, _environ(query))
    assert status.startswith("400") and b"DBClusterNotFoundFault" in body and calls == [query]
    _call(layer, _environ(urllib.parse.urlencode({"Action": "DescribeDBClusters"}).encode()))
    _call(layer, _environ(b"{}", service="sts"))
    assert len(trail) == 1
    request = json.dumps({"LookupAttributes": [{"AttributeKey": "ResourceName", "AttributeValue": "orders"}]}).encode()
    status, body = _call(layer, _environ(request, target=sc.TARGET, service="cloudtrail"))
    [event] = json.loads(body)["Events"]
    record = json.loads(event["CloudTrailEvent"])
    assert status.startswith("200") and record["errorCode"] == "DBClusterNotFoundFault"
    assert record["errorMessage"] == "orders not found" and record["userAgent"] == "Boto3/1.35"


def test_more_than_two_lookups_a_second_are_throttled():
    now = [0.0]
    layer = sc.CloudTrailWsgi(_moto("200 OK", b"")[0], sc.ControlPlaneTrail(), clock=lambda: now[0])
    answers = []
    for t in (0.0, 0.1, 0.2, 1.05, 1.5, 1.6):
        now[0] = t
        status, body = _call(layer, _environ(b"{}", target=sc.TARGET, service="cloudtrail"))
        answers.append(json.loads(body).get("__type", "ok"))
    assert answers == ["ok", "ok", "ThrottlingException", "ok", "ok", "ThrottlingException"]


def test_a_moto_reset_forgets_the_history():
    trail = _trail(3)
    layer = sc.CloudTrailWsgi(_moto("200 OK", b"")[0], trail)
    _call(layer, _environ(b"", path="/moto-api/reset", service="x"))
    assert len(trail) == 0
