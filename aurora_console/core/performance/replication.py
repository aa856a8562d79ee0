"""Replica lag, as the database reports it and as CloudWatch does: the Performance screen's
Replication tab.

:func:`read_replica_lag` asks the instance ``conn`` is connected to:
- on Aurora PostgreSQL, ``aurora_replica_status()`` (one row per instance of the cluster;
  ``replica_lag_in_msec`` per reader; the writer's row, session ``MASTER_SESSION_ID``, is left out;
  see https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/aurora_replica_status.html);
- elsewhere, on a primary, ``pg_stat_replication`` (one row per walsender: ``replay_lag``, and the
  bytes of WAL not yet replayed; PostgreSQL shows ``replay_lag`` as NULL once a standby has caught up
  and WAL is quiet, which is reported as 0 ms when no byte is outstanding);
- on a plain standby, its own lag from ``pg_last_xact_replay_timestamp()`` (0 when everything it
  received is replayed).

:func:`cloudwatch_replica_lag` reads the latest CloudWatch ``AuroraReplicaLag`` (AWS/RDS, per
``DBInstanceIdentifier``, milliseconds) for each instance with one ``GetMetricData`` call per 500
instances; an instance without datapoints in the window (the writer, a stopped reader) gets None.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

from aurora_console.core.performance.activity import short_transaction

SOURCE_AURORA = "aurora_replica_status()"
SOURCE_PG_STAT_REPLICATION = "pg_stat_replication"
SOURCE_STANDBY = "pg_last_xact_replay_timestamp()"
SOURCE_CLOUDWATCH = "CloudWatch AuroraReplicaLag"

#: Aurora's session id of the writer in ``aurora_replica_status()``.
AURORA_WRITER_SESSION = "MASTER_SESSION_ID"
#: CloudWatch caps the queries of one GetMetricData call at 500.
_MAX_QUERIES = 500


@dataclass(frozen=True)
class ReplicaLag:
    """The lag of one replica in milliseconds (None: not known right now), where it came from
    (``source``: one of the ``SOURCE_*`` constants), and what else the source said: ``lag_bytes``
    (WAL not yet replayed, pg_stat_replication), ``state`` (e.g. "streaming"), ``detail``."""

    instance: str
    lag_ms: float | None
    source: str
    lag_bytes: int | None = None
    state: str = ""
    detail: str = ""


_KIND_SQL = ("SELECT EXISTS (SELECT 1 FROM pg_proc WHERE proname = 'aurora_replica_status'"
             " AND pg_function_is_visible(oid)) AS aurora, pg_is_in_recovery() AS standby")


def has_aurora_replica_status(conn: Any) -> bool:
    """True when ``aurora_replica_status()`` can be called (Aurora PostgreSQL)."""
    with short_transaction(conn), conn.cursor() as cur:
        cur.execute(_KIND_SQL)
        return bool(cur.fetchone()[0])


def read_replica_lag(conn: Any) -> list[ReplicaLag]:
    """The lag of each replica the instance ``conn`` is connected to knows about, by instance name
    (two statements: which source applies, then its rows)."""
    from psycopg.rows import dict_row

    with short_transaction(conn), conn.cursor(row_factory=dict_row) as cur:
        cur.execute(_KIND_SQL)
        kind = cur.fetchone()
        if not getattr(conn, "autocommit", False):
            cur.execute("SELECT pg_stat_clear_snapshot()")  # fresh activity inside a transaction
        if kind["aurora"]:
            cur.execute(_AURORA_SQL)
            return _aurora(cur.fetchall())
        if kind["standby"]:
            cur.execute(_STANDBY_SQL)
            return _standby(cur.fetchall())
        cur.execute(_WALSENDERS_SQL)
        return _walsenders(cur.fetchall())


_AURORA_SQL = ("SELECT server_id::text AS server_id, session_id::text AS session_id,"
               " replica_lag_in_msec::float8 AS lag_ms, last_update_timestamp FROM aurora_replica_status()")


def _aurora(rows: list[dict[str, Any]]) -> list[ReplicaLag]:
    out = []
    for d in rows:
        if (d.get("session_id") or "") == AURORA_WRITER_SESSION:
            continue
        lag = d.get("lag_ms")
        out.append(ReplicaLag(instance=d.get("server_id") or "", source=SOURCE_AURORA,
                              lag_ms=None if lag is None or lag < 0 else float(lag),
                              detail=f"last update {d['last_update_timestamp']}" if d.get("last_update_timestamp") else ""))
    return sorted(out, key=lambda r: r.instance)


_WALSENDERS_SQL = """
    SELECT application_name, client_addr::text AS client_addr, state, sync_state,
           (EXTRACT(epoch FROM replay_lag) * 1000)::float8 AS replay_ms,
           pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn)::bigint AS lag_bytes
      FROM pg_stat_replication
     ORDER BY application_name, pid"""


def _walsenders(rows: list[dict[str, Any]]) -> list[ReplicaLag]:
    out = []
    for d in rows:
        lag_ms = d.get("replay_ms")
        lag_bytes = d.get("lag_bytes")
        if lag_ms is None and lag_bytes == 0:
            lag_ms = 0.0  # caught up and quiet: PostgreSQL clears replay_lag
        name = d.get("application_name") or (d.get("client_addr") or "").split("/")[0] or "replica"
        detail = f"{d['sync_state']}" if d.get("sync_state") else ""
        out.append(ReplicaLag(instance=name, lag_ms=None if lag_ms is None else float(lag_ms),
                              source=SOURCE_PG_STAT_REPLICATION, lag_bytes=lag_bytes,
                              state=d.get("state") or "", detail=detail))
    return out


_STANDBY_SQL = """
    SELECT current_setting('cluster_name') AS name,
           CASE WHEN pg_last_wal_receive_lsn() IS NOT DISTINCT FROM pg_last_wal_replay_lsn() THEN 0::float8
                ELSE (EXTRACT(epoch FROM clock_timestamp() - pg_last_xact_replay_timestamp()) * 1000)::float8
           END AS lag_ms,
           pg_wal_lsn_diff(pg_last_wal_receive_lsn(), pg_last_wal_replay_lsn())::bigint AS lag_bytes"""


def _standby(rows: list[dict[str, Any]]) -> list[ReplicaLag]:
    d = rows[0]
    return [ReplicaLag(instance=d.get("name") or "this standby", lag_ms=d.get("lag_ms"), source=SOURCE_STANDBY,
                       lag_bytes=d.get("lag_bytes"), state="in recovery")]


def cloudwatch_replica_lag(cw: Any, instance_ids: Iterable[str], *, now: datetime | None = None,
                           window: timedelta = timedelta(minutes=10), period: int = 60,
                           stat: str = "Average") -> dict[str, float | None]:
    """The latest ``AuroraReplicaLag`` (ms) of each instance within ``window`` before ``now``, from a
    boto3 CloudWatch client ``cw``; None for an instance with no datapoint there (a writer has none)."""
    ids = list(dict.fromkeys(instance_ids))
    end = now or datetime.now(timezone.utc)
    out: dict[str, float | None] = {i: None for i in ids}
    for start_at in range(0, len(ids), _MAX_QUERIES):
        chunk = ids[start_at:start_at + _MAX_QUERIES]
        queries = [{"Id": f"lag{n}", "ReturnData": True,
                    "MetricStat": {"Metric": {"Namespace": "AWS/RDS", "MetricName": "AuroraReplicaLag",
                                              "Dimensions": [{"Name": "DBInstanceIdentifier", "Value": inst}]},
                                   "Period": period, "Stat": stat}}
                   for n, inst in enumerate(chunk)]
        latest: dict[str, tuple[datetime, float]] = {}
        request = {"MetricDataQueries": queries, "StartTime": end - window, "EndTime": end,
                   "ScanBy": "TimestampDescending"}
        while True:
            page = cw.get_metric_data(**request)
            for result in page.get("MetricDataResults", []):
                inst = chunk[int(str(result["Id"])[3:])]
                for ts, value in zip(result.get("Timestamps", []), result.get("Values", []), strict=False):
                    if inst not in latest or ts > latest[inst][0]:
                        latest[inst] = (ts, float(value))
            token = page.get("NextToken")
            if not token:
                break
            request["NextToken"] = token
        for inst, (_ts, value) in latest.items():
            out[inst] = value
    return out


def lag_by_instance(lags: Iterable[ReplicaLag]) -> Mapping[str, float | None]:
    """{instance: lag ms} (what the automation's ``replicas()`` returns)."""
    return {r.instance: r.lag_ms for r in lags}
