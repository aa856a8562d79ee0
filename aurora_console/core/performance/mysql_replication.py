"""Replica lag as a MySQL server reports it: Aurora MySQL's ``information_schema.REPLICA_HOST_STATUS``
(one row per instance of the cluster, ``REPLICA_LAG_IN_MILLISECONDS``; the writer's row, session
``MASTER_SESSION_ID``, is left out; https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/AuroraMySQL.Monitoring.html).

A MySQL or MariaDB server that is not Aurora has no such table: :func:`read_replica_lag` raises
:class:`ReplicationUnavailable` ("not available on MySQL"), which the screen shows instead of the
server's column; CloudWatch's ``AuroraReplicaLag`` is read as for PostgreSQL.
"""

from __future__ import annotations

from typing import Any

from aurora_console.core.errors import ConsoleError
from aurora_console.core.performance.replication import AURORA_WRITER_SESSION, ReplicaLag

SOURCE_AURORA_MYSQL = "information_schema.REPLICA_HOST_STATUS"

_SQL = ("SELECT SERVER_ID, SESSION_ID, REPLICA_LAG_IN_MILLISECONDS, LAST_UPDATE_TIMESTAMP "
        "FROM information_schema.REPLICA_HOST_STATUS")


class ReplicationUnavailable(ConsoleError):
    """The server reports no replica lag (MySQL/MariaDB outside Aurora)."""


NOT_AVAILABLE = ("Replica lag from the server is not available on MySQL outside Aurora "
                 "(information_schema.REPLICA_HOST_STATUS is Aurora MySQL's); CloudWatch's AuroraReplicaLag is shown.")


def has_replica_host_status(conn: Any) -> bool:
    cur = conn.cursor()
    try:
        cur.execute("SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = 'information_schema' "
                    "AND TABLE_NAME = 'REPLICA_HOST_STATUS'")
        row = cur.fetchone()
    finally:
        cur.close()
    return bool(row and row[0])


def read_replica_lag(conn: Any) -> list[ReplicaLag]:
    """The lag of each reader of the Aurora MySQL cluster, by instance; raises
    :class:`ReplicationUnavailable` on a server without ``REPLICA_HOST_STATUS``."""
    if not has_replica_host_status(conn):
        raise ReplicationUnavailable(NOT_AVAILABLE)
    cur = conn.cursor()
    try:
        cur.execute(_SQL)
        rows = cur.fetchall()
    finally:
        cur.close()
    out = []
    for server_id, session_id, lag, updated in rows:
        if str(session_id or "") == AURORA_WRITER_SESSION:
            continue
        out.append(ReplicaLag(instance=str(server_id or ""), source=SOURCE_AURORA_MYSQL,
                              lag_ms=None if lag is None or float(lag) < 0 else float(lag),
                              detail=f"last update {updated}" if updated else ""))
    return sorted(out, key=lambda r: r.instance)
