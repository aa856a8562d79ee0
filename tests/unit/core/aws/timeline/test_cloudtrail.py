"""LookupEvents reading: pacing under 2 calls a second, back-off on throttling (botocore's Stubber:
moto has no throttling), pages followed, events parsed (property test over any event)."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import botocore.session
import pytest
from botocore.stub import Stubber
from hypothesis import given, settings
from hypothesis import strategies as st

from aurora_console.core.aws.timeline import cloudtrail as ct
from aurora_console.core.aws.timeline.entries import (
    KIND_FAILOVER,
    KIND_MODIFICATION,
    SOURCE_CLOUDTRAIL,
    filter_entries,
    with_before_values,
)
from aurora_console.core.tasks import Cancelled, TaskContext

START = datetime(2026, 12, 1, tzinfo=timezone.utc)
END = datetime(2026, 12, 7, tzinfo=timezone.utc)


def _client():
    session = botocore.session.get_session()
    return session.create_client("cloudtrail", region_name="us-east-1", aws_access_key_id="x",
                                 aws_secret_access_key="y")


def _event(event_id: str, name: str = "ModifyDBCluster", params: dict | None = None, **body) -> dict:
    record = {"eventName": name, "userIdentity": {"arn": "arn:aws:iam::123456789012:user/dba"},
              "sourceIPAddress": "203.0.113.7", "userAgent": "aws-cli/2.15", "readOnly": False,
              "requestParameters": params if params is not None else {"dBClusterIdentifier": "orders"}, **body}
    return {"EventId": event_id, "EventName": name, "EventTime": START + timedelta(hours=1), "ReadOnly": "false",
            "CloudTrailEvent": json.dumps(record), "Resources": [{"ResourceType": "AWS::RDS::DBCluster",
                                                                  "ResourceName": "orders"}]}


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def test_pacer_spaces_calls_over_half_a_second():
    clock = FakeClock()
    pacer = ct.CallPacer(clock=clock)
    times = []
    for _ in range(5):
        pacer.wait(clock.sleep)
        times.append(clock.now)
    gaps = [b - a for a, b in zip(times, times[1:], strict=False)]
    assert all(g >= 1 / ct.LOOKUP_CALLS_PER_SECOND for g in gaps)
    # any one-second window holds at most two calls
    assert max(sum(1 for t in times if s <= t < s + 1.0) for s in times) <= 2


def test_one_pacer_per_account_region_and_endpoint():
    a = ct.pacer_for("p", "us-east-1", "http://x")
    assert ct.pacer_for("p", "us-east-1", "http://x") is a
    assert ct.pacer_for("p", "eu-west-1", "http://x") is not a


def test_two_profiles_of_one_account_share_its_pacer():
    # two roles of account 111122223333: the 2 calls a second are the account's, not each profile's
    admin = ct.pacer_for("admin", "us-east-1", None, account="111122223333")
    assert ct.pacer_for("read-only", "us-east-1", None, account="111122223333") is admin
    assert ct.pacer_for("admin", "eu-west-1", None, account="111122223333") is not admin
    assert ct.pacer_for("other", "us-east-1", None, account="444455556666") is not admin
    # the account unknown: the profile stands for it
    assert ct.pacer_for("read-only", "us-east-1", None) is not admin
    assert ct.pacer_for("read-only", "us-east-1", None) is ct.pacer_for("read-only", "us-east-1", None, account=None)


@pytest.mark.parametrize(("arn", "account"), [
    ("arn:aws:sts::111122223333:assumed-role/Admin/alice", "111122223333"),
    ("arn:aws:iam::123456789012:user/moto", "123456789012"),
    ("arn:aws-cn:sts::111122223333:assumed-role/R/s", "111122223333"),
    ("unknown (NoCredentialsError)", None), ("", None), (None, None),
    ("arn:aws:sts::12345:user/x", None), ("arn:aws:sts::١١١١٢٢٢٢٣٣٣٣:user/x", None)])
def test_account_of_an_arn(arn, account):
    assert ct.account_of(arn) == account


def test_throttled_lookup_backs_off_and_retries_then_follows_pages():
    client = _client()
    clock = FakeClock()
    expected = {"LookupAttributes": [{"AttributeKey": "ResourceName", "AttributeValue": "orders"}],
                "StartTime": START, "EndTime": END, "MaxResults": 50}
    with Stubber(client) as stub:
        stub.add_client_error("lookup_events", "ThrottlingException", "Rate exceeded", 400, expected_params=expected)
        stub.add_client_error("lookup_events", "ThrottlingException", "Rate exceeded", 400, expected_params=expected)
        stub.add_response("lookup_events", {"Events": [_event("e1")], "NextToken": "t2"}, expected)
        stub.add_response("lookup_events", {"Events": [_event("e2")]}, {**expected, "NextToken": "t2"})
        events = list(ct.lookup_pages(client, "orders", START, END, pacer=ct.CallPacer(clock=clock),
                                      task=_task(clock), rng=lambda: 1.0))
        stub.assert_no_pending_responses()
    assert [e["EventId"] for e in events] == ["e1", "e2"]
    # back-off waits 1 s then 2 s (full ceiling with rng=1), and calls stay 0.55 s apart
    assert 1.0 in clock.slept and 2.0 in clock.slept


def test_throttling_that_does_not_stop_is_raised_after_the_last_try():
    client = _client()
    clock = FakeClock()
    with Stubber(client) as stub:
        for _ in range(ct.MAX_THROTTLED_TRIES):
            stub.add_client_error("lookup_events", "ThrottlingException", "Rate exceeded", 400)
        with pytest.raises(Exception) as info:
            list(ct.lookup_pages(client, "orders", START, END, pacer=ct.CallPacer(clock=clock), task=_task(clock),
                                 rng=lambda: 0.0))
        stub.assert_no_pending_responses()
    assert info.value.response["Error"]["Code"] == "ThrottlingException"


def test_access_denied_is_not_retried():
    client = _client()
    with Stubber(client) as stub:
        stub.add_client_error("lookup_events", "AccessDeniedException", "not allowed", 400)
        with pytest.raises(Exception) as info:
            list(ct.lookup_pages(client, "orders", START, END, pacer=ct.CallPacer(spacing=0)))
    assert info.value.response["Error"]["Code"] == "AccessDeniedException"


def test_cancel_stops_between_calls():
    client = _client()
    ctx = TaskContext("t")
    ctx.token.cancel()
    with Stubber(client), pytest.raises(Cancelled):
        list(ct.lookup_pages(client, "orders", START, END, pacer=ct.CallPacer(spacing=0), task=ctx))


def _task(clock: FakeClock) -> TaskContext:
    ctx = TaskContext("t")
    ctx.sleep = clock.sleep  # type: ignore[method-assign]
    return ctx


def test_backoff_grows_and_is_capped():
    assert [ct.backoff_delay(n, lambda: 1.0) for n in (1, 2, 3, 4, 5, 6, 7)] == [1, 2, 4, 8, 16, 20, 20]
    assert all(0.5 * ct.backoff_delay(n, lambda: 1.0) == ct.backoff_delay(n, lambda: 0.0) for n in range(1, 9))


def test_parse_event_reads_who_where_what_and_changes():
    entry = ct.parse_event(_event("e1", params={"dBClusterIdentifier": "orders", "preferredBackupWindow": "01:00-01:30",
                                                "applyImmediately": True}))
    assert entry.source == SOURCE_CLOUDTRAIL and entry.kind == KIND_MODIFICATION and entry.key == "e1"
    assert entry.who == "arn:aws:iam::123456789012:user/dba"
    assert entry.where == "203.0.113.7, aws-cli/2.15"
    assert entry.resource == "orders" and entry.what == "ModifyDBCluster orders"
    assert [(c.name, c.after) for c in entry.changes] == [("preferredBackupWindow", "01:00-01:30")]


def test_parse_event_failover_names_its_cluster_and_a_failure():
    raw = _event("e2", "FailoverDBCluster", {"dBClusterIdentifier": "orders", "targetDBInstanceIdentifier": "orders-2"},
                 errorCode="InvalidDBClusterStateFault")
    entry = ct.parse_event(raw)
    assert entry.kind == KIND_FAILOVER and entry.changes == ()
    assert entry.what == "FailoverDBCluster orders (failed: InvalidDBClusterStateFault)"


def test_parse_event_without_the_json_keeps_the_summary_fields():
    raw = {"EventId": "e3", "EventName": "RebootDBInstance", "EventTime": START, "Username": "alice",
           "Resources": [{"ResourceType": "AWS::RDS::DBInstance", "ResourceName": "orders-1"}],
           "CloudTrailEvent": "{not json"}
    entry = ct.parse_event(raw)
    assert (entry.who, entry.resource, entry.where) == ("alice", "orders-1", "")


def test_read_cloudtrail_keeps_an_event_once_and_leaves_read_only_calls_out():
    client = _client()
    describe = _event("d1", "DescribeDBClusters")
    describe["ReadOnly"] = "true"
    describe["CloudTrailEvent"] = json.dumps({"eventName": "DescribeDBClusters", "readOnly": True})
    with Stubber(client) as stub:
        stub.add_response("lookup_events", {"Events": [_event("e1"), describe]})
        stub.add_response("lookup_events", {"Events": [_event("e1"), _event("e2", "RebootDBInstance")]})
        entries = ct.read_cloudtrail(client, ["orders", "orders-1", "orders"], START, END,
                                     pacer=ct.CallPacer(spacing=0))
        stub.assert_no_pending_responses()
    assert [e.key for e in entries] == ["e1", "e2"]


_json_values = st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=20),
                            lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner,
                                                                                        max_size=3), max_leaves=10)


@settings(max_examples=200)
@given(name=st.one_of(st.none(), st.text(max_size=30), st.integers()),
       when=st.one_of(st.none(), st.datetimes(timezones=st.just(timezone.utc)), st.floats(allow_nan=True),
                      st.integers(), st.text(max_size=10)),
       body=st.one_of(st.text(max_size=50), _json_values.map(json.dumps), st.none(), st.integers()),
       resources=st.one_of(st.none(), st.lists(st.one_of(st.dictionaries(st.sampled_from(
           ["ResourceName", "ResourceType"]), st.text(max_size=10)), st.text(max_size=5)), max_size=3)))
def test_parse_event_never_raises_and_keeps_time_in_utc(name, when, body, resources):
    raw = {"EventName": name, "EventTime": when, "CloudTrailEvent": body, "Resources": resources, "EventId": "x"}
    entry = ct.parse_event(raw)
    if entry is not None:
        assert entry.time.tzinfo is not None and entry.time.utcoffset() == timedelta(0)
        assert isinstance(entry.what, str) and entry.what.startswith(str(name))
        assert isinstance(entry.who, str) and isinstance(entry.where, str)
    else:
        assert not (isinstance(name, str) and name and isinstance(when, datetime))


def test_an_instance_call_names_the_instance_and_keeps_its_cluster():
    create = _event("c1", "CreateDBInstance", {"dBClusterIdentifier": "blog", "dBInstanceIdentifier": "blog-2",
                                              "dBInstanceClass": "db.r6g.large", "engine": "aurora-postgresql"})
    modify = _event("m1", "ModifyDBInstance", {"dBInstanceIdentifier": "blog-2", "dBInstanceClass": "db.r6g.xlarge"})
    modify["EventTime"] = START + timedelta(hours=2)
    other = _event("c2", "CreateDBInstance", {"dBClusterIdentifier": "blog", "dBInstanceIdentifier": "blog-3",
                                             "dBInstanceClass": "db.t4g.medium"})
    entries = [ct.parse_event(e) for e in (create, other, modify)]
    assert [e.what for e in entries[:2]] == ["CreateDBInstance blog-2", "CreateDBInstance blog-3"]
    assert entries[0].resource == "blog-2" and entries[0].detail["cluster"] == "blog"
    # the cluster link: filtering the timeline by the cluster's name still finds its instances' calls
    assert filter_entries(entries, text="blog") == entries
    # the instance's own settings are the before of its later change (not another instance's)
    changed = [e for e in with_before_values(entries) if e.key == "m1"][0]
    assert [(c.name, c.before, c.after) for c in changed.changes] == [("dBInstanceClass", "db.r6g.large",
                                                                       "db.r6g.xlarge")]


def test_cluster_calls_still_name_their_cluster():
    snap = ct.parse_event(_event("s1", "CreateDBClusterSnapshot", {
        "dBClusterIdentifier": "blog", "dBClusterSnapshotIdentifier": "before-upgrade"}))
    failover = ct.parse_event(_event("f1", "FailoverDBCluster", {
        "dBClusterIdentifier": "blog", "targetDBInstanceIdentifier": "blog-2"}))
    group = ct.parse_event(_event("p1", "ModifyDBClusterParameterGroup", {"dBClusterParameterGroupName": "blog-params"}))
    assert (snap.resource, failover.resource, group.resource) == ("blog", "blog", "blog-params")
    assert failover.detail["cluster"] is None and group.detail["cluster"] is None
