import pytest

from aurora_console.core.aws.metrics.catalog import (
    CATALOG,
    MYSQL,
    POSTGRES,
    DimensionKind,
    default_metric_keys,
    get_metric,
    metrics_for_engine,
    normalize_engine,
)
from aurora_console.core.aws.metrics.query import InstanceInfo, expand_series

pytestmark = pytest.mark.unit

COMMON = {"CPUUtilization", "DatabaseConnections", "FreeableMemory", "AuroraReplicaLag", "CommitLatency",
          "CommitThroughput", "BufferCacheHitRatio", "Deadlocks", "VolumeBytesUsed", "FreeLocalStorage"}
PG_ONLY = {"ReadIOPS", "WriteIOPS", "ReadLatency", "WriteLatency", "MaximumUsedTransactionIDs"}
MY_ONLY = {"DMLLatency", "SelectLatency"}
INSTANCES = (InstanceInfo("w", "WRITER"), InstanceInfo("r1", "READER"), InstanceInfo("r2", "READER"))


def names(engine):
    return {m.name for m in metrics_for_engine(engine)}


def test_postgres_set_has_the_issue_metrics_and_no_mysql_ones():
    assert COMMON | PG_ONLY <= names("aurora-postgresql")
    assert not MY_ONLY & names("aurora-postgresql")


def test_mysql_set_has_the_issue_metrics_and_no_postgres_ones():
    assert COMMON | MY_ONLY <= names("aurora-mysql")
    assert not PG_ONLY & names("aurora-mysql")


@pytest.mark.parametrize("engine", [POSTGRES, MYSQL])
def test_defaults_belong_to_the_engine(engine):
    keys = default_metric_keys(engine)
    assert len(keys) == 8 and len(set(keys)) == 8
    allowed = {m.key for m in metrics_for_engine(engine)}
    assert set(keys) <= allowed


def test_units_stats_and_dimensions():
    assert get_metric("CPUUtilization").unit == "Percent"
    assert get_metric("FreeableMemory").unit == "Bytes"
    assert get_metric("ReadLatency").unit == "Seconds"
    assert get_metric("CommitThroughput").unit == "Count/Second"
    assert get_metric("MaximumUsedTransactionIDs").default_stat == "Maximum"
    assert get_metric("VolumeBytesUsed").kind is DimensionKind.CLUSTER
    assert get_metric("CPUUtilization@role").kind is DimensionKind.CLUSTER_ROLE
    assert len({m.key for m in CATALOG}) == len(CATALOG)


def test_engine_names():
    assert normalize_engine("aurora") == MYSQL
    assert normalize_engine("Aurora-PostgreSQL") == POSTGRES
    with pytest.raises(ValueError):
        normalize_engine("oracle-ee")


def test_replica_lag_only_for_readers():
    specs = expand_series(get_metric("AuroraReplicaLag"), "c1", INSTANCES, "Average", 60)
    assert [s.label for s in specs] == ["r1", "r2"]
    assert specs[0].key.dimensions == (("DBInstanceIdentifier", "r1"),)


def test_dimension_kinds_expand():
    cluster = expand_series(get_metric("VolumeBytesUsed"), "c1", INSTANCES, "Average", 300)
    assert [(s.label, s.key.dimensions) for s in cluster] == [("c1", (("DBClusterIdentifier", "c1"),))]
    role = expand_series(get_metric("CPUUtilization@role"), "c1", INSTANCES, "Average", 60)
    assert [s.key.dimensions for s in role] == [
        (("DBClusterIdentifier", "c1"), ("Role", "WRITER")),
        (("DBClusterIdentifier", "c1"), ("Role", "READER")),
    ]
    writer_only = expand_series(get_metric("CPUUtilization@role"), "c1", INSTANCES[:1], "Average", 60)
    assert [s.label for s in writer_only] == ["writer"]
    focus = expand_series(get_metric("CPUUtilization"), "c1", INSTANCES, "p99", 60, focus_instance="r2")
    assert [(s.label, s.key.stat) for s in focus] == [("r2", "p99")]
