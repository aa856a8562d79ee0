"""The history table on MySQL: Flyway's ``flyway_schema_history`` (or the console's own format),
with MySQL types, in a database (MySQL's schema).

Flyway's DDL for MySQL (``MySQLDatabase.getRawCreateScript``, github.com/flyway/flyway
flyway-database/flyway-mysql/src/main/java/org/flywaydb/database/mysql/MySQLDatabase.java,
flyway-13.0.0): the same ten columns as on PostgreSQL with ``checksum INT``, ``installed_on
TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP``, ``success BOOL`` (``TINYINT(1)``), primary key
constraint ``<table>_pk`` and index ``<table>_s_idx`` on success. ``installed_by`` defaults to
the user part of ``USER()``, as Flyway's ``MySQLDatabase.doGetCurrentUser``. The console's own
format differs as on PostgreSQL: ``checksum VARCHAR(64)`` holding the sha256.

The schema is a MySQL database; when none is given (the runner's default ``public``, which is a
PostgreSQL name) it is the connection's current database (``DATABASE()``), where Flyway puts the
table too.

A failed migration (``success = 0``) that could not be rolled back (MySQL commits DDL
implicitly) carries where it stopped at the end of its description, for example
``add orders (failed at statement 3 of 3, line 7; statements 1-2 stay applied)``: the only place
in Flyway's columns that ``info``, ``validate`` and Flyway itself show. Reading strips it off
again (``AppliedMigration.description`` stays the file's, ``AppliedMigration.failure`` holds the
rest); ``repair`` deletes such rows, as Flyway's repair does.
"""

from __future__ import annotations

import re
from typing import Any

from aurora_console.core.db.mysql_dialect import qualified as quote

from ..errors import MigrationError
from ..history import (
    FORMAT_AUTO,
    FORMAT_CONSOLE,
    FORMAT_FLYWAY,
    FORMAT_LABELS,
    HISTORY_COLUMNS,
    AppliedMigration,
    HistoryTable,
    abbreviate_description,
    abbreviate_script,
    check_identifier,
)
from ..version import Version
from .connection import execute, one

_FAILURE = re.compile(r"(?P<description>.*) \((?P<failure>failed at statement [0-9]+ of [0-9]+(?:, line [0-9]+)?"
                      r"(?:; statements? 1(?:-[0-9]+)? stays? applied)?)\)", re.S)
_INT_TYPES = ("int", "bigint", "smallint", "mediumint", "tinyint")
_TEXT_TYPES = ("varchar", "char", "text", "tinytext", "mediumtext", "longtext")


def failure_text(reached: int, total: int, line: int | None, kept: int) -> str:
    """'failed at statement 3 of 3, line 7; statements 1-2 stay applied' (``reached`` 1-based)."""
    text = f"failed at statement {reached} of {total}"
    if line:
        text += f", line {line}"
    if kept == 1:
        text += "; statement 1 stays applied"
    elif kept > 1:
        text += f"; statements 1-{kept} stay applied"
    return text


def description_with_failure(description: str, failure: str) -> str:
    """The description column of a failed row: the file's description (shortened so the whole
    fits Flyway's 200 characters) and where it stopped."""
    tail = f" ({failure})"
    room = 200 - len(tail)
    head = description if len(description) <= room else description[: max(0, room - 3)] + "..."
    return head + tail


def split_failure(description: str) -> tuple[str, str]:
    """(the file's description, the failure text) of a description column; no failure: ('...', '')."""
    m = _FAILURE.fullmatch(description)
    if m is None:
        return description, ""
    return m.group("description"), m.group("failure")


class MySqlHistoryTable(HistoryTable):
    """:class:`HistoryTable` over a MySQL connection. ``schema`` None: the connection's database,
    learnt by :meth:`resolve_schema` before anything else is done."""

    def __init__(self, schema: str | None, table: str, history_format: str = FORMAT_AUTO, *,
                 flyway_project: bool = False) -> None:
        super().__init__("public", table, history_format, flyway_project=flyway_project)
        self.schema = check_identifier(schema, "schema") if schema is not None else None  # type: ignore[assignment]

    @property
    def qualified_name(self) -> str:
        return f"{self.schema or '(current database)'}.{self.table}"

    @property
    def quoted(self) -> str:
        return quote(self._schema(), self.table)

    def _schema(self) -> str:
        if self.schema is None:
            raise MigrationError("the history table's database is not known yet (no connection made)")
        return self.schema

    def resolve_schema(self, conn: Any) -> str:
        """The database the table lives in: the one given, else the connection's current one."""
        if self.schema is None:
            row = one(conn, "SELECT DATABASE()")
            if not row or not row[0]:
                raise MigrationError(
                    "The connection has no current database, so the console does not know where the history "
                    "table goes.", hint="Name the database in the connection profile, or give the schema "
                    "(--schema, or Flyway's schemas/defaultSchema).")
            self.schema = check_identifier(row[0], "schema")
        return self.schema

    def detect(self, conn: Any) -> str | None:
        rows = execute(
            conn,
            "SELECT COLUMN_NAME, DATA_TYPE FROM information_schema.COLUMNS"
            " WHERE TABLE_SCHEMA = %s AND TABLE_NAME = %s",
            [self.resolve_schema(conn), self.table],
        )
        if not rows:
            self.found = False
            return None
        columns = {str(name).lower(): str(type_).lower() for name, type_ in rows}
        missing = [c for c in HISTORY_COLUMNS if c not in columns]
        if missing and "checksum" not in missing:
            raise MigrationError(
                f"{self.qualified_name} lacks the history columns {', '.join(missing)}: it is not a "
                "migrations history table (or not one the console can read); choose another table name")
        checksum_type = columns.get("checksum", "")
        if checksum_type in _INT_TYPES:
            found = FORMAT_FLYWAY
        elif checksum_type in _TEXT_TYPES:
            found = FORMAT_CONSOLE
        else:
            raise MigrationError(f"{self.qualified_name} is not a migrations history table (its checksum column "
                                 f"is {checksum_type or 'missing'}); choose another table name")
        if self.requested not in (FORMAT_AUTO, found):
            raise MigrationError(
                f"{self.qualified_name} holds {FORMAT_LABELS[found].lower()}, not "
                f"{FORMAT_LABELS[self.requested].lower()}; use history format '{found}' or 'auto'")
        self.format = found
        self.found = True
        return found

    def create(self, conn: Any) -> None:
        if self.detect(conn) is not None:
            return
        schema = self._schema()
        if not execute(conn, "SELECT 1 FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = %s", [schema]):
            execute(conn, f"CREATE DATABASE IF NOT EXISTS {quote(schema)}")
        for statement in (flyway_create_statements(schema, self.table) if self.flyway
                          else console_create_statements(schema, self.table)):
            execute(conn, statement)
        self.found = True

    def read(self, conn: Any) -> list[AppliedMigration]:
        if self.detect(conn) is None:
            return []
        rows = execute(conn, "SELECT installed_rank, version, description, type, script, checksum, installed_by,"
                             f" installed_on, execution_time, success FROM {self.quoted} ORDER BY installed_rank")
        out = []
        for r in rows:
            success = bool(r[9])
            description, failure = (r[2], "") if success else split_failure(r[2])
            checksum = r[5]
            if checksum is not None and self.flyway:
                checksum = int(checksum)
            out.append(AppliedMigration(int(r[0]), self._version(r[0], r[1]), description, r[3], r[4], checksum,
                                        r[6], r[7], int(r[8]), success, failure))
        return out

    def next_rank(self, conn: Any) -> int:
        row = one(conn, f"SELECT COALESCE(MAX(installed_rank), 0) + 1 FROM {self.quoted}")
        return int(row[0]) if row else 1

    def insert(self, conn: Any, *, rank: int, version: Version | None, description: str, type: str, script: str,
               checksum: str | int | None, execution_ms: int, success: bool, installed_by: str | None = None,
               failure: str = "") -> None:
        if self.flyway and isinstance(checksum, str):
            raise TypeError("Flyway's history table records integer checksums")
        text = description_with_failure(description, failure) if failure else abbreviate_description(description)
        execute(
            conn,
            f"INSERT INTO {self.quoted} (installed_rank, version, description, type, script, checksum, installed_by,"
            " execution_time, success) VALUES (%s, %s, %s, %s, %s, %s, COALESCE(%s, SUBSTRING_INDEX(USER(), '@', 1)),"
            " %s, %s)",
            [rank, str(version) if version is not None else None, text, type, abbreviate_script(script), checksum,
             installed_by, execution_ms, 1 if success else 0],
        )

    def record(self, conn: Any, mig, *, rank: int, execution_ms: int, success: bool,
               installed_by: str | None = None, failure: str = "") -> None:
        self.insert(conn, rank=rank, version=mig.version, description=mig.description, type=self.type_for(mig),
                    script=mig.script, checksum=self.checksum_for(mig), execution_ms=execution_ms,
                    success=success, installed_by=installed_by, failure=failure)

    def delete_failed(self, conn: Any) -> int:
        cur = conn.cursor()
        try:
            return cur.execute(f"DELETE FROM {self.quoted} WHERE NOT success")
        finally:
            cur.close()

    def delete_rows(self, conn: Any, ranks: list[int]) -> int:
        if not ranks:
            return 0
        cur = conn.cursor()
        try:
            marks = ", ".join(["%s"] * len(ranks))
            return cur.execute(f"DELETE FROM {self.quoted} WHERE installed_rank IN ({marks})", list(ranks))
        finally:
            cur.close()

    def realign(self, conn: Any, rank: int, checksum, description: str | None = None) -> None:
        from ..files import MigrationFile

        if isinstance(checksum, MigrationFile):
            mig = checksum
            execute(conn, f"UPDATE {self.quoted} SET checksum = %s, description = %s, type = %s"
                          " WHERE installed_rank = %s",
                    [self.checksum_for(mig), abbreviate_description(mig.description), self.type_for(mig), rank])
            return
        execute(conn, f"UPDATE {self.quoted} SET checksum = %s, description = %s WHERE installed_rank = %s",
                [checksum, abbreviate_description(description or ""), rank])


def flyway_create_statements(schema: str, table: str) -> list[str]:
    """Flyway's ``CREATE TABLE`` for MySQL (no tablespace), then its index on ``success``."""
    name = quote(schema, table)
    return [
        f"CREATE TABLE {name} (\n"
        "    `installed_rank` INT NOT NULL,\n"
        "    `version` VARCHAR(50),\n"
        "    `description` VARCHAR(200) NOT NULL,\n"
        "    `type` VARCHAR(20) NOT NULL,\n"
        "    `script` VARCHAR(1000) NOT NULL,\n"
        "    `checksum` INT,\n"
        "    `installed_by` VARCHAR(100) NOT NULL,\n"
        "    `installed_on` TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,\n"
        "    `execution_time` INT NOT NULL,\n"
        "    `success` BOOL NOT NULL,\n"
        f"    CONSTRAINT {quote(table + '_pk')} PRIMARY KEY (`installed_rank`)\n"
        ")",
        f"CREATE INDEX {quote(table + '_s_idx')} ON {name} (`success`)",
    ]


def console_create_statements(schema: str, table: str) -> list[str]:
    """The console's own format on MySQL (sha256 checksums in ``VARCHAR(64)``)."""
    return [
        f"CREATE TABLE IF NOT EXISTS {quote(schema, table)} (\n"
        "    installed_rank INT NOT NULL PRIMARY KEY,\n"
        "    version VARCHAR(50),\n"
        "    description VARCHAR(200) NOT NULL,\n"
        "    type VARCHAR(20) NOT NULL,\n"
        "    script VARCHAR(1000) NOT NULL,\n"
        "    checksum VARCHAR(64),\n"
        "    installed_by VARCHAR(100) NOT NULL,\n"
        "    installed_on TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,\n"
        "    execution_time INT NOT NULL,\n"
        "    success BOOL NOT NULL\n"
        ")",
    ]
