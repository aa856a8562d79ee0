"""Alarm threshold lines from a moto server: per-metric calls for small dashboards, one
describe_alarms for large ones, matched on namespace, metric and dimensions either way."""

import pytest

from aurora_console.core.aws.metrics.alarms import PER_METRIC_CALL_LIMIT, thresholds_for
from aurora_console.core.aws.metrics.catalog import get_metric
from aurora_console.core.aws.metrics.query import InstanceInfo, expand_series

pytestmark = pytest.mark.integration


def put_alarm(cw, name, metric, instance, threshold, op="GreaterThanThreshold"):
    cw.put_metric_alarm(AlarmName=name, Namespace="AWS/RDS", MetricName=metric,
                        Dimensions=[{"Name": "DBInstanceIdentifier", "Value": instance}], Statistic="Average",
                        Period=60, EvaluationPeriods=1, Threshold=threshold, ComparisonOperator=op)


def calls_of(client):
    seen = []
    client.meta.events.register("before-call.cloudwatch.*", lambda model, **kw: seen.append(model.name))
    return seen


@pytest.mark.parametrize("instances", [3, PER_METRIC_CALL_LIMIT + 5])
def test_thresholds_match_their_own_series(cw, uid, instances):
    inst = [InstanceInfo(f"{uid}-{n}", "READER") for n in range(instances)]
    keys = [s.key for s in expand_series(get_metric("CPUUtilization"), "c", inst, "Average", 60)]
    put_alarm(cw, f"{uid}-cpu-high", "CPUUtilization", inst[1].id, 90.0)
    put_alarm(cw, f"{uid}-cpu-low", "CPUUtilization", inst[1].id, 1.0, "LessThanThreshold")
    put_alarm(cw, f"{uid}-mem", "FreeableMemory", inst[1].id, 1e9, "LessThanOrEqualToThreshold")
    put_alarm(cw, f"{uid}-other", "CPUUtilization", "someone-else", 50.0)
    seen = calls_of(cw)
    found, error = thresholds_for(cw, keys)
    assert error is None
    assert set(found) == {keys[1]}
    assert sorted((t.alarm_name, t.operator, t.value) for t in found[keys[1]]) == [
        (f"{uid}-cpu-high", ">", 90.0), (f"{uid}-cpu-low", "<", 1.0)]
    expected = ["DescribeAlarmsForMetric"] * instances if instances <= PER_METRIC_CALL_LIMIT else ["DescribeAlarms"]
    assert seen == expected
