"""Top SQL counters from MySQL's digest summary mapped to the snapshot store's sample, and the
engine picked by the connection."""

from __future__ import annotations

import pytest

from aurora_console.core.performance.engines import MYSQL, POSTGRES, engine_of
from aurora_console.core.performance.mysql_replication import ReplicationUnavailable, read_replica_lag
from aurora_console.core.performance.mysql_statements import (
    PerformanceSchemaOff,
    dbid_of,
    queryid_of,
    read_statements,
)

from .mysql_fakes import FakeMysql8

pytestmark = pytest.mark.unit

DIGEST = "3f9a0c5e1b2d4f6a8c0e2a4c6e8f0a1b3d5f7a9c1e3b5d7f9a1c3e5b7d9f1a3c"


def test_sha256_and_md5_digests_become_positive_query_ids():
    assert queryid_of(DIGEST) == int(DIGEST[:15], 16) < 2**60
    assert queryid_of("e13765d9d340d2acd7b15b498edb1b6a") > 0
    assert dbid_of("shop") == dbid_of("shop") != dbid_of("blog") and dbid_of(None) == 0


def test_mysql8_sample_maps_the_counters():
    conn = FakeMysql8([
        (("@@GLOBAL.performance_schema",), ((None,), [(1,)])),
        (("setup_consumers",), ((None,), [("YES",)])),
        (("@@aurora_server_id",), ((None,), [("orders-writer-1",)])),
        (("MIN(FIRST_SEEN)",), ((None,), [("2026-12-07 08:00:00.000000",)])),
        (("SUM_TIMER_WAIT",), ((None,) * 9, [
            ("shop", DIGEST, "SELECT * FROM `items` WHERE `id` = ?", 4, 2_500_000_000, 4, 0, 1, 400)])),
    ])
    sample = read_statements(conn, now=50.0)
    assert sample.server_identity == "orders-writer-1|started -|sees all"
    assert sample.stats_reset == "2026-12-07 08:00:00.000000"
    (row,) = sample.rows
    assert (row.calls, row.total_ms, row.rows, row.temp_blks_written, row.database, row.user) == (
        4, 2.5, 4, 1, "shop", None)
    assert (row.shared_blks_read, row.shared_blks_hit) == (400, 0)  # rows examined, in the column titled so
    assert row.query == "SELECT * FROM `items` WHERE `id` = ?"


def test_consumer_off_and_no_privilege_say_what_to_do():
    conn = FakeMysql8([(("@@GLOBAL.performance_schema",), ((None,), [(1,)])),
                       (("setup_consumers",), ((None,), [("NO",)]))])
    with pytest.raises(PerformanceSchemaOff, match="statements_digest") as off:
        read_statements(conn)
    assert "SET ENABLED = 'YES'" in off.value.hint

    import pymysql

    denied = pymysql.err.OperationalError(1142, "SELECT command denied to user 'app'@'%' for table ...")
    conn = FakeMysql8([(("@@GLOBAL.performance_schema",), ((None,), [(1,)])),
                       (("setup_consumers",), ((None,), [("YES",)])),
                       (("CURRENT_USER()",), ((None,), [("app@%",)])), (("@@aurora_server_id",), ((None,), [("w",)])),
                       (("FIRST_SEEN",), denied)])
    with pytest.raises(PerformanceSchemaOff) as off:
        read_statements(conn)
    assert off.value.reason == "no privilege" and "GRANT SELECT ON performance_schema.* TO app@%" in off.value.hint


def test_replica_lag_on_aurora_mysql_and_not_elsewhere():
    conn = FakeMysql8([
        (("information_schema.TABLES",), ((None,), [(1,)])),
        (("REPLICA_HOST_STATUS",), ((None,) * 4, [("orders-1", "MASTER_SESSION_ID", 0.0, None),
                                                  ("orders-2", "a1b2", 17.5, "2026-12-07 09:00:00")])),
    ])
    (lag,) = read_replica_lag(conn)
    assert (lag.instance, lag.lag_ms) == ("orders-2", 17.5)
    with pytest.raises(ReplicationUnavailable, match="not available on MySQL"):
        read_replica_lag(FakeMysql8([(("information_schema.TABLES",), ((None,), [(0,)]))]))


def test_engine_of_a_connection():
    import pymysql

    class Pg:  # a psycopg-like object
        pass

    assert engine_of(Pg()) == POSTGRES
    fake = pymysql.connections.Connection.__new__(pymysql.connections.Connection)
    assert engine_of(fake) == MYSQL
