"""The history table: one row per applied (or failed) migration, like Flyway's.

Columns: installed_rank, version, description, type, script, checksum (sha256 hex),
installed_by, installed_on, execution_time (milliseconds), success.

Types: ``SQL`` (versioned), ``SQL_REPEATABLE``, ``BASELINE``, and ``DELETE``: a marker that
``repair`` appends (as Flyway 7+ does) for an applied migration whose file is gone. The marker
cancels the earlier rows of the same version (or, for a repeatable, of the same script); the
original rows stay, so the table remains a log of what really ran.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

import psycopg
from psycopg import sql

from .version import Version

DEFAULT_TABLE = "aurora_console_schema_history"
DEFAULT_SCHEMA = "public"
TYPE_VERSIONED = "SQL"
TYPE_REPEATABLE = "SQL_REPEATABLE"
TYPE_BASELINE = "BASELINE"
TYPE_DELETE = "DELETE"
_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_$]{0,62}$")


def check_identifier(value: str, what: str) -> str:
    """Schema and table names are plain identifiers (validated before any SQL is sent)."""
    if not _IDENT.match(value or ""):
        raise ValueError(
            f"{what} {value!r} is not a plain identifier (letters, digits, _; up to 63 characters)"
        )
    return value


@dataclass(frozen=True)
class AppliedMigration:
    installed_rank: int
    version: Version | None
    description: str
    type: str
    script: str
    checksum: str | None
    installed_by: str
    installed_on: datetime
    execution_time: int
    success: bool

    @property
    def repeatable(self) -> bool:
        return self.type == TYPE_REPEATABLE

    @property
    def baseline(self) -> bool:
        return self.type == TYPE_BASELINE

    @property
    def delete_marker(self) -> bool:
        """A ``DELETE`` row written by ``repair``: the migration it names was marked deleted."""
        return self.type == TYPE_DELETE


class HistoryTable:
    """SQL for one history table; every method takes the connection to use."""

    def __init__(self, schema: str = DEFAULT_SCHEMA, table: str = DEFAULT_TABLE) -> None:
        self.schema = check_identifier(schema, "schema")
        self.table = check_identifier(table, "table")
        self.ident = sql.Identifier(self.schema, self.table)

    @property
    def qualified_name(self) -> str:
        return f"{self.schema}.{self.table}"

    def exists(self, conn: psycopg.Connection) -> bool:
        row = conn.execute(
            "SELECT to_regclass(%s) IS NOT NULL", [f'"{self.schema}"."{self.table}"']
        ).fetchone()
        return bool(row and row[0])

    def create(self, conn: psycopg.Connection) -> None:
        conn.execute(sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(sql.Identifier(self.schema)))
        conn.execute(
            sql.SQL(
                """CREATE TABLE IF NOT EXISTS {} (
                installed_rank integer PRIMARY KEY,
                version varchar(50),
                description varchar(200) NOT NULL,
                type varchar(20) NOT NULL,
                script varchar(1000) NOT NULL,
                checksum varchar(64),
                installed_by varchar(100) NOT NULL,
                installed_on timestamptz NOT NULL DEFAULT now(),
                execution_time integer NOT NULL,
                success boolean NOT NULL
            )"""
            ).format(self.ident)
        )

    def read(self, conn: psycopg.Connection) -> list[AppliedMigration]:
        if not self.exists(conn):
            return []
        rows = conn.execute(
            sql.SQL(
                "SELECT installed_rank, version, description, type, script, checksum, installed_by,"
                " installed_on, execution_time, success FROM {} ORDER BY installed_rank"
            ).format(self.ident)
        ).fetchall()
        return [
            AppliedMigration(
                r[0], Version.parse(r[1]) if r[1] else None, r[2], r[3], r[4], r[5], r[6], r[7], r[8], r[9]
            )
            for r in rows
        ]

    def next_rank(self, conn: psycopg.Connection) -> int:
        row = conn.execute(
            sql.SQL("SELECT coalesce(max(installed_rank), 0) + 1 FROM {}").format(self.ident)
        ).fetchone()
        return int(row[0])

    def insert(
        self,
        conn: psycopg.Connection,
        *,
        rank: int,
        version: Version | None,
        description: str,
        type: str,
        script: str,
        checksum: str | None,
        execution_ms: int,
        success: bool,
        installed_by: str | None = None,
    ) -> None:
        conn.execute(
            sql.SQL(
                "INSERT INTO {} (installed_rank, version, description, type, script, checksum, installed_by,"
                " execution_time, success) VALUES (%s, %s, %s, %s, %s, %s, coalesce(%s, current_user), %s, %s)"
            ).format(self.ident),
            [
                rank,
                str(version) if version is not None else None,
                description[:200],
                type,
                script[:1000],
                checksum,
                installed_by,
                execution_ms,
                success,
            ],
        )

    def delete_failed(self, conn: psycopg.Connection) -> int:
        cur = conn.execute(sql.SQL("DELETE FROM {} WHERE NOT success").format(self.ident))
        return cur.rowcount

    def delete_rows(self, conn: psycopg.Connection, ranks: list[int]) -> int:
        cur = conn.execute(
            sql.SQL("DELETE FROM {} WHERE installed_rank = ANY(%s)").format(self.ident), [list(ranks)]
        )
        return cur.rowcount

    def realign(self, conn: psycopg.Connection, rank: int, checksum: str, description: str) -> None:
        conn.execute(
            sql.SQL("UPDATE {} SET checksum = %s, description = %s WHERE installed_rank = %s").format(
                self.ident
            ),
            [checksum, description[:200], rank],
        )
