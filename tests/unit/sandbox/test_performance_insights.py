"""The sandbox's ``pi`` answers, computed from an activity history fed by the test (no database
here; sampling a real PostgreSQL through a real boto3 client:
tests/integration/performance/test_load_insights.py)."""

from __future__ import annotations

import io
import json
from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from aurora_console.core.performance.activity_history import ActiveSession, ActivityHistory, ActivitySample
from aurora_console.sandbox.performance_insights import (
    TARGET_PREFIX,
    InsightsWsgi,
    SandboxInsights,
    tokenize_sql,
)

T0 = datetime(2026, 12, 7, 5, 0, 0, tzinfo=timezone.utc)
IDENT = "db-M5ENSHXFPU6XHZ4G4ZEI5QIO2U"
UPDATE = "UPDATE items SET n = n + 1 WHERE id = 1"
SLEEP = "SELECT pg_sleep(30)"


def s(pid, wait, query, *, wtype=None, queryid=None, user="blog", app="blog-app"):
    return ActiveSession(pid=pid, wait=wait, wait_event_type=wtype, wait_event=wait.partition(":")[2] or None,
                         queryid=queryid, query=query, user=user, database="blog", application=app)


@pytest.fixture
def insights() -> SandboxInsights:
    history = ActivityHistory()
    # 120 seconds: minute 0 has a lock waiter and a CPU session every second; minute 1 only a sleeper
    for i in range(60):
        history.add(ActivitySample(T0 + timedelta(seconds=i), (
            s(1, "Lock:transactionid", UPDATE, wtype="Lock", queryid=77),
            s(2, "CPU", "SELECT count(*) FROM posts WHERE id > 10", user="report", app="reports"))))
    for i in range(60, 120):
        history.add(ActivitySample(T0 + timedelta(seconds=i), (s(3, "Timeout:PgSleep", SLEEP, wtype="Timeout"),)))
    return SandboxInsights(history=history, authorized=lambda ident, region: ident == IDENT)


def grm(insights, **body):
    request = {"ServiceType": "RDS", "Identifier": IDENT, "StartTime": T0.timestamp(),
               "EndTime": (T0 + timedelta(minutes=2)).timestamp(), "PeriodInSeconds": 60,
               "MetricQueries": [{"Metric": "db.load.avg", "GroupBy": {"Group": "db.wait_event"}}]}
    request.update(body)
    return insights.handle(TARGET_PREFIX + "GetResourceMetrics", request)


def by_dims(answer):
    return {tuple(sorted((m["Key"].get("Dimensions") or {}).items())): m["DataPoints"] for m in answer["MetricList"]}


def test_load_by_wait_event_per_period_with_a_total_key(insights):
    status, answer = grm(insights)
    assert status == 200
    assert answer["AlignedStartTime"] == T0.timestamp() and answer["Identifier"] == IDENT
    keys = by_dims(answer)
    # END_TIME alignment (the default): a data point is stamped with its period's end
    assert keys[()] == [{"Timestamp": T0.timestamp() + 60, "Value": 2.0}, {"Timestamp": T0.timestamp() + 120, "Value": 1.0}]
    lock = keys[(("db.wait_event.name", "Lock:transactionid"), ("db.wait_event.type", "Lock"))]
    assert [p["Value"] for p in lock] == [1.0, 0.0]
    assert [p["Value"] for p in keys[(("db.wait_event.name", "CPU"), ("db.wait_event.type", "CPU"))]] == [1.0, 0.0]
    assert [p["Value"] for p in keys[(("db.wait_event.name", "Timeout:PgSleep"),
                                      ("db.wait_event.type", "Timeout"))]] == [0.0, 1.0]


def test_start_alignment_limit_dimensions_and_filter(insights):
    _, answer = grm(insights, PeriodAlignment="START_TIME", MetricQueries=[
        {"Metric": "db.load.avg", "GroupBy": {"Group": "db.wait_event", "Limit": 1, "Dimensions": ["db.wait_event.name"]},
         "Filter": {"db.user.name": "blog"}}])
    keys = by_dims(answer)
    assert keys[()][0]["Timestamp"] == T0.timestamp()
    assert [p["Value"] for p in keys[()]] == [1.0, 1.0]  # the report user's session is filtered out
    (member,) = [k for k in keys if k]
    assert member in ((("db.wait_event.name", "Lock:transactionid"),), (("db.wait_event.name", "Timeout:PgSleep"),))


def test_periods_without_samples_have_no_data_point(insights):
    _, answer = grm(insights, StartTime=(T0 - timedelta(minutes=3)).timestamp(), PeriodAlignment="START_TIME")
    total = by_dims(answer)[()]
    assert [p["Timestamp"] for p in total] == [T0.timestamp(), T0.timestamp() + 60]


def test_load_by_tokenized_sql_uses_the_queryid_and_a_digest_of_the_text(insights):
    _, answer = grm(insights, MetricQueries=[{"Metric": "db.load.avg", "GroupBy": {"Group": "db.sql_tokenized"}}])
    members = [dict(k) for k in by_dims(answer) if k]
    statements = {m["db.sql_tokenized.statement"]: m for m in members}
    assert set(statements) == {"UPDATE items SET n = n + ? WHERE id = ?", "SELECT pg_sleep(?)",
                               "SELECT count(*) FROM posts WHERE id > ?"}
    assert statements["UPDATE items SET n = n + ? WHERE id = ?"]["db.sql_tokenized.db_id"] == "77"
    assert statements["SELECT pg_sleep(?)"]["db.sql_tokenized.db_id"].startswith("pi-")
    assert all(len(m["db.sql_tokenized.id"]) == 28 for m in members)


def test_describe_dimension_keys_totals_and_partitions(insights):
    status, answer = insights.handle(TARGET_PREFIX + "DescribeDimensionKeys", {
        "ServiceType": "RDS", "Identifier": IDENT, "StartTime": T0.timestamp(),
        "EndTime": (T0 + timedelta(minutes=2)).timestamp(), "Metric": "db.load.avg",
        "GroupBy": {"Group": "db.sql_tokenized", "Limit": 2}, "PartitionBy": {"Group": "db.wait_event"}})
    assert status == 200
    keys = answer["Keys"]
    assert len(keys) == 2 and [k["Total"] for k in keys] == [0.5, 0.5]
    parts = [p["Dimensions"]["db.wait_event.name"] for p in answer["PartitionKeys"]]
    for key in keys:
        assert sum(key["Partitions"]) == pytest.approx(key["Total"])
        assert len(key["Partitions"]) == len(parts)


@pytest.mark.parametrize(("change", "code"), [
    ({"Identifier": "db-OTHER"}, "NotAuthorizedException"),
    ({"Identifier": "db-bad id"}, "InvalidArgumentException"),
    ({"ServiceType": "DOCDB"}, "InvalidArgumentException"),
    ({"PeriodInSeconds": 30}, "InvalidArgumentException"),
    ({"EndTime": T0.timestamp()}, "InvalidArgumentException"),
    ({"StartTime": 0, "PeriodInSeconds": 1}, "InvalidArgumentException"),  # 57 years of seconds: too many periods
    ({"EndTime": 1e300}, "InvalidArgumentException"),
    ({"StartTime": "yesterday"}, "InvalidArgumentException"),
    ({"MetricQueries": [{"Metric": "db.load.avg", "Filter": ["db.user.name"]}]}, "InvalidArgumentException"),
    ({"MetricQueries": [{"Metric": "os.cpuUtilization.total.avg"}]}, "InvalidArgumentException"),
    ({"MetricQueries": [{"Metric": "db.load.avg", "GroupBy": {"Group": "db.host"}}]}, "InvalidArgumentException"),
    ({"MetricQueries": [{"Metric": "db.load.avg", "GroupBy": {"Group": "db.wait_event", "Limit": 26}}]},
     "InvalidArgumentException"),
    ({"MetricQueries": []}, "InvalidArgumentException"),
])
def test_bad_or_unauthorized_requests_get_the_errors_aws_gives(insights, change, code):
    status, answer = grm(insights, **change)
    assert status == 400 and answer["__type"] == code
    if code == "NotAuthorizedException":
        assert answer["message"] == "The resource db-OTHER for service type RDS is not authorized for this account"


def test_an_operation_the_sandbox_lacks_is_refused(insights):
    status, answer = insights.handle(TARGET_PREFIX + "ListAvailableResourceMetrics",
                                     {"ServiceType": "RDS", "Identifier": IDENT})
    assert status == 400 and "does not implement ListAvailableResourceMetrics" in answer["message"]


def test_no_database_attached_means_no_sampling_but_answers():
    pi = SandboxInsights(authorized=lambda *_: True)
    status, answer = grm(pi)
    assert status == 200 and by_dims(answer)[()] == [] and not pi.sampling


@pytest.mark.parametrize(("text", "digest"), [
    ("SELECT * FROM posts WHERE id = 42", "SELECT * FROM posts WHERE id = ?"),
    ("SELECT 'it''s', 1.5e3, -7 FROM t2", "SELECT ?, ?, ? FROM t2"),
    ("SELECT  $1,\n  col_1 FROM t", "SELECT $1, col_1 FROM t"),
])
def test_tokenize_sql(text, digest):
    assert tokenize_sql(text) == digest


@given(st.text(max_size=200))
def test_tokenize_sql_never_fails_and_is_idempotent(text):
    once = tokenize_sql(text)
    assert tokenize_sql(once) == once


def wsgi_call(app, target, body: bytes):
    environ = {"REQUEST_METHOD": "POST", "PATH_INFO": "/", "CONTENT_LENGTH": str(len(body)),
               "wsgi.input": io.BytesIO(body), "HTTP_X_AMZ_TARGET": target,
               "HTTP_AUTHORIZATION": "AWS4-HMAC-SHA256 Credential=AKIA/20261207/eu-west-1/pi/aws4_request, ..."}
    seen = {}

    def start_response(status, headers):
        seen["status"], seen["headers"] = status, dict(headers)

    data = b"".join(app(environ, start_response))
    return seen["status"], seen["headers"], data


def test_the_wsgi_layer_answers_pi_and_passes_everything_else_to_moto(insights):
    regions = []
    insights.authorized = lambda ident, region: regions.append(region) or True
    passed = []

    def moto_app(environ, start_response):
        passed.append(environ["HTTP_X_AMZ_TARGET"])
        start_response("200 OK", [("Content-Type", "text/xml")])
        return [b"<moto/>"]

    app = InsightsWsgi(moto_app, insights)
    assert wsgi_call(app, "Logs_20140328.DescribeLogGroups", b"{}")[2] == b"<moto/>"
    body = json.dumps({"ServiceType": "RDS", "Identifier": IDENT, "StartTime": T0.timestamp(),
                       "EndTime": (T0 + timedelta(minutes=1)).timestamp(), "PeriodInSeconds": 60,
                       "MetricQueries": [{"Metric": "db.load.avg"}]}).encode()
    status, headers, data = wsgi_call(app, TARGET_PREFIX + "GetResourceMetrics", body)
    assert status == "200 OK" and headers["Content-Type"] == "application/x-amz-json-1.1"
    assert json.loads(data)["MetricList"][0]["DataPoints"][0]["Value"] == 2.0
    assert regions == ["eu-west-1"] and passed == ["Logs_20140328.DescribeLogGroups"]
    status, _, data = wsgi_call(app, TARGET_PREFIX + "GetResourceMetrics", b"{not json")
    assert status.startswith("400") and json.loads(data)["__type"] == "InvalidArgumentException"


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4),
    max_leaves=12)
request_fields = st.fixed_dictionaries({"ServiceType": st.just("RDS"), "Identifier": st.just(IDENT)}, optional={
    "StartTime": st.floats(allow_nan=False) | st.integers() | json_values,
    "EndTime": st.floats(allow_nan=False) | st.integers() | json_values,
    "PeriodInSeconds": st.sampled_from([1, 60, 300]) | json_values,
    "PeriodAlignment": json_values,
    "Metric": st.just("db.load.avg") | json_values,
    "MetricQueries": st.lists(st.fixed_dictionaries({"Metric": st.just("db.load.avg") | json_values}, optional={
        "GroupBy": st.fixed_dictionaries({"Group": st.sampled_from(["db.wait_event", "db.sql_tokenized"]) | json_values},
                                         optional={"Limit": json_values, "Dimensions": json_values}) | json_values,
        "Filter": st.dictionaries(st.sampled_from(["db.user.name", "db.host.name", "x"]), json_values) | json_values,
    }) | json_values, max_size=3) | json_values,
    "GroupBy": st.fixed_dictionaries({"Group": st.sampled_from(["db.wait_event", "db.sql_tokenized"]) | json_values},
                                     optional={"Limit": json_values}) | json_values,
    "PartitionBy": json_values,
    "Filter": json_values,
})


@settings(max_examples=400, deadline=None)
@given(st.sampled_from(["GetResourceMetrics", "DescribeDimensionKeys"]), request_fields | json_values)
@example("DescribeDimensionKeys", {"ServiceType": "RDS", "Identifier": "db-M5ENSHXFPU6XHZ4G4ZEI5QIO2U",
                                   "StartTime": 0.0, "EndTime": 1, "Metric": "db.load.avg",
                                   "GroupBy": {"Group": []}})  # an unhashable Group crashed the lookup
def test_any_request_body_gets_an_answer_or_an_aws_error_never_a_crash(operation, body):
    history = ActivityHistory()
    history.add(ActivitySample(T0, (s(1, "CPU", "SELECT 1"),)))
    pi = SandboxInsights(history=history, authorized=lambda *_: True)
    status, answer = pi.handle(TARGET_PREFIX + operation, body)
    assert (status, "__type" in answer) in ((200, False), (400, True))
    json.dumps(answer, allow_nan=False)


def test_an_empty_history_given_is_the_one_fed_and_read():
    history = ActivityHistory()
    pi = SandboxInsights(history=history, authorized=lambda *_: True)
    assert pi.history is history
    history.add(ActivitySample(T0, (s(1, "CPU", "SELECT 1"),)))
    assert by_dims(grm(pi)[1])[()][0]["Value"] == 1.0


class _DirectPiClient:
    """A stand-in ``pi`` client that hands requests to SandboxInsights.handle as botocore would
    send them (timestamps as epoch seconds) and returns what botocore would parse (datetimes)."""

    def __init__(self, insights: SandboxInsights) -> None:
        self.insights = insights

    def _call(self, operation: str, params: dict) -> dict:
        body = {k: (v.timestamp() if isinstance(v, datetime) else v) for k, v in params.items()}
        status, answer = self.insights.handle(TARGET_PREFIX + operation, json.loads(json.dumps(body)))
        assert status == 200, answer
        for metric in answer.get("MetricList", []):
            for point in metric["DataPoints"]:
                point["Timestamp"] = datetime.fromtimestamp(point["Timestamp"], timezone.utc)
        return answer

    def get_resource_metrics(self, **params):
        return self._call("GetResourceMetrics", params)

    def describe_dimension_keys(self, **params):
        return self._call("DescribeDimensionKeys", params)


WAITS = ["CPU", "Lock:transactionid", "Lock:tuple", "IO:DataFileRead", "Timeout:PgSleep"]


@settings(max_examples=40, deadline=None)
@given(st.lists(st.one_of(st.none(), st.lists(st.sampled_from(WAITS), max_size=5)), min_size=1, max_size=90),
       st.sampled_from([1, 60]))
def test_the_pi_path_draws_what_the_sampled_path_draws_from_the_same_samples(per_second, step):
    """Performance Insights answered by the sandbox and the console's own sampling, fed the same
    samples, give the same chart: equal series per wait (gaps included) and equal averages."""
    from aurora_console.core.performance.load import LoadReader, LoadTarget, load_by_wait

    history = ActivityHistory()
    for i, waits in enumerate(per_second):
        if waits is not None:  # None: a second without a sample
            history.add(ActivitySample(T0 + timedelta(seconds=i, milliseconds=300), tuple(
                s(10 + n, w, f"SELECT {n}", wtype=w.partition(":")[0] if ":" in w else None)
                for n, w in enumerate(waits))))
    end = T0 + timedelta(seconds=len(per_second))
    target = LoadTarget("blog-1", "db.r6g.large", IDENT, True)
    via_pi = LoadReader(target, ActivityHistory(), pi_client=_DirectPiClient(
        SandboxInsights(history=history, authorized=lambda *_: True))).read(T0, end, step_s=step)
    sampled = LoadReader(LoadTarget("blog-1", "db.r6g.large"), history).read(T0, end, step_s=step)
    assert via_pi.source == "performance insights" and sampled.source == "sampled"
    assert via_pi.times == sampled.times
    assert set(via_pi.by_wait) == set(sampled.by_wait)
    for wait, values in sampled.by_wait.items():
        assert via_pi.by_wait[wait] == pytest.approx(values, nan_ok=True)
    assert load_by_wait(via_pi) == pytest.approx(load_by_wait(sampled))
