"""The history table: one row per applied (or failed) migration, in one of two formats.

Both formats have Flyway's columns: installed_rank, version, description, type, script, checksum,
installed_by, installed_on, execution_time (milliseconds), success. They differ in the checksum
and in how a repeatable is typed:

* **Flyway's** ``flyway_schema_history``: ``checksum INTEGER`` holding Flyway's CRC32 (see
  :mod:`.checksum`), a repeatable is type ``SQL`` with a NULL version, the table is created with
  Flyway's exact DDL for PostgreSQL (``PostgreSQLDatabase.getRawCreateScript``: the columns below,
  ``installed_on TIMESTAMP NOT NULL DEFAULT now()``, primary key ``"<table>_pk"`` on installed_rank,
  index ``"<table>_s_idx"`` on success; flyway/flyway flyway-database/flyway-database-postgresql/
  src/main/java/org/flywaydb/database/postgresql/PostgreSQLDatabase.java, flyway-13.0.0). Rows are
  written as Flyway writes them (``JdbcTableSchemaHistory``): description cut to 200 characters as
  ``AbbreviationUtils`` does, a ``DELETE`` row copies the checksum and success of the row it
  cancels. Flyway and the console can take turns on such a table.
* **The console's own** (``aurora_console_schema_history`` by default): ``checksum varchar(64)``
  holding the sha256 of the file, repeatables typed ``SQL_REPEATABLE``.

``history_format`` chooses: ``"auto"`` (the default) lets an existing table decide (an INTEGER
checksum column is Flyway's), and a new table named ``flyway_schema_history`` is created in
Flyway's format, any other in the console's (in a Flyway project, one with a configuration file,
every new table is Flyway's); ``"flyway"`` / ``"console"`` choose for a new table and
refuse an existing table of the other format.

Row types: ``SQL`` (and the console's ``SQL_REPEATABLE``) are SQL migrations; ``BASELINE`` (and
Flyway's ``SQL_BASELINE``/``JDBC_BASELINE``) a baseline; ``DELETE`` a marker written by ``repair``
(Flyway 7+) that cancels the earlier rows of the same version (or, for a repeatable, of the same
description/script); ``SCHEMA`` Flyway's "schemas created" marker; ``UNDO_*`` an undo run (Flyway
Teams) that cancels the version it undid; every other type (``JDBC``, ``SPRING_JDBC``, ``SCRIPT``,
``CUSTOM``...) is an *external* migration the console cannot run: listed, never re-run, counted as
applied for ordering, never a validation problem.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

import psycopg
from psycopg import sql

from aurora_console.core.validation import VALUE, ValueValidationError, shown, validator

from .errors import MigrationError
from .files import MigrationFile
from .version import Version

DEFAULT_TABLE = "aurora_console_schema_history"
FLYWAY_TABLE = "flyway_schema_history"
DEFAULT_SCHEMA = "public"
TYPE_VERSIONED = "SQL"
TYPE_REPEATABLE = "SQL_REPEATABLE"
TYPE_BASELINE = "BASELINE"
TYPE_DELETE = "DELETE"
TYPE_SCHEMA = "SCHEMA"
BASELINE_TYPES = frozenset({TYPE_BASELINE, "SQL_BASELINE", "JDBC_BASELINE"})
SQL_TYPES = frozenset({TYPE_VERSIONED, TYPE_REPEATABLE})

FORMAT_FLYWAY = "flyway"
FORMAT_CONSOLE = "console"
FORMAT_AUTO = "auto"
HISTORY_FORMATS = (FORMAT_AUTO, FORMAT_FLYWAY, FORMAT_CONSOLE)
FORMAT_LABELS = {FORMAT_FLYWAY: "Flyway history", FORMAT_CONSOLE: "Aurora Console history"}
FLYWAY_BASELINE_DESCRIPTION = "<< Flyway Baseline >>"  # Flyway's default baselineDescription
CONSOLE_BASELINE_DESCRIPTION = "<< Baseline >>"
SCHEMA_MARKER_DESCRIPTION = "<< Flyway Schema Creation >>"  # SchemaHistory.addSchemasMarker

#: The columns every history table has (Flyway's; both formats), as the console reads them.
HISTORY_COLUMNS = ("installed_rank", "version", "description", "type", "script", "checksum", "installed_by",
                   "installed_on", "execution_time", "success")

_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_$]{0,62}")


@validator(ValueValidationError, args=(VALUE, "table"))
def check_identifier(value: str, what: str) -> str:
    """Schema and table names are plain identifiers (validated before any SQL is sent). The whole
    text must match: surrounding whitespace (a trailing newline would name a second history table
    with another lock key) is refused, not stripped. Raises a ValidationError that is a ValueError."""
    if not isinstance(value, str) or not _IDENT.fullmatch(value):
        raise ValueValidationError(
            f"{what} {shown(value)} is not a plain identifier (letters, digits, _; up to 63 characters)"
        )
    return value


@validator(ValueValidationError)
def check_format(value: str) -> str:
    """One of HISTORY_FORMATS exactly (nothing stripped). Raises a ValidationError that is a ValueError."""
    if not isinstance(value, str) or value not in HISTORY_FORMATS:
        raise ValueValidationError(f"history format {shown(value)} is not one of {', '.join(HISTORY_FORMATS)}")
    return value


def abbreviate_description(text: str) -> str:
    """Flyway's ``AbbreviationUtils.abbreviateDescription``: over 200 characters, 197 and '...'."""
    return text if len(text) <= 200 else text[:197] + "..."


def abbreviate_script(text: str) -> str:
    """Flyway's ``AbbreviationUtils.abbreviateScript``: over 1000 characters, '...' then
    characters 3..999 (it keeps the length at 1000 and replaces the first three)."""
    return text if len(text) <= 1000 else "..." + text[3:1000]


@dataclass(frozen=True)
class AppliedMigration:
    installed_rank: int
    version: Version | None
    description: str
    type: str
    script: str
    checksum: str | int | None  # sha256 hex (console format) or Flyway's signed CRC32
    installed_by: str
    installed_on: datetime
    execution_time: int
    success: bool
    #: a failed run that could not be rolled back (MySQL): where it stopped and what stayed
    #: applied, e.g. "at statement 3 of 3 (line 7); statements 1-2 stay applied"
    failure: str = ""

    @property
    def baseline(self) -> bool:
        return self.type in BASELINE_TYPES

    @property
    def delete_marker(self) -> bool:
        """A ``DELETE`` row written by ``repair``: the migration it names was marked deleted."""
        return self.type == TYPE_DELETE

    @property
    def schema_marker(self) -> bool:
        """Flyway's ``SCHEMA`` row: the schemas it created (not a migration)."""
        return self.type == TYPE_SCHEMA

    @property
    def undo(self) -> bool:
        """An undo run (Flyway Teams' ``UNDO_SQL``, ``UNDO_JDBC``...): it undid its version."""
        return self.type.startswith("UNDO_")

    @property
    def external(self) -> bool:
        """A migration the console cannot run (``JDBC``, ``SPRING_JDBC``, Java, scripts...)."""
        return not (self.type in SQL_TYPES or self.baseline or self.delete_marker or self.schema_marker
                    or self.undo)

    @property
    def repeatable(self) -> bool:
        """A run of a repeatable SQL migration (console: ``SQL_REPEATABLE``; Flyway: ``SQL``, no version)."""
        return self.type == TYPE_REPEATABLE or (self.type == TYPE_VERSIONED and self.version is None)

    @property
    def repeatable_key(self) -> tuple[str, str]:
        """What identifies a repeatable: its script in the console's format, its description in
        Flyway's (``MigrationInfoServiceImpl`` matches repeatables by description)."""
        if self.type == TYPE_REPEATABLE:
            return ("script", self.script)
        return ("description", self.description)


def file_matches_checksum(mig: MigrationFile, checksum: str | int | None) -> bool:
    """Whether a recorded checksum is the file's, in whichever format it was recorded, or one
    Flyway accepts as equivalent (a repeatable's checksum before placeholder replacement)."""
    return file_checksum_identical(mig, checksum) or (checksum is not None and checksum in mig.equivalent)


def file_checksum_identical(mig: MigrationFile, checksum: str | int | None) -> bool:
    """Whether a recorded checksum is exactly the file's (not merely equivalent)."""
    if isinstance(checksum, int):
        return checksum == mig.flyway_checksum
    return checksum == mig.checksum


def repeatable_keys(mig: MigrationFile) -> tuple[tuple[str, str], tuple[str, str]]:
    return ("script", mig.script), ("description", mig.description)


class HistoryTable:
    """SQL for one history table; every method takes the connection to use.

    ``format`` is the chosen format until :meth:`detect` (called by :meth:`read`, :meth:`create`
    and :meth:`exists`) finds the table: then it is the table's.
    """

    def __init__(self, schema: str = DEFAULT_SCHEMA, table: str = DEFAULT_TABLE,
                 history_format: str = FORMAT_AUTO, *, flyway_project: bool = False) -> None:
        """``flyway_project``: a Flyway configuration file was read; with format ``auto`` a new table
        is then Flyway's whatever its name (Flyway creates every history table in its format)."""
        self.schema = check_identifier(schema, "schema")
        self.table = check_identifier(table, "table")
        self.requested = check_format(history_format)
        self.ident = sql.Identifier(self.schema, self.table)
        self.format = self.requested if self.requested != FORMAT_AUTO else (
            FORMAT_FLYWAY if self.table == FLYWAY_TABLE or flyway_project else FORMAT_CONSOLE)
        self.found = False  # whether the table existed when last looked at

    @property
    def qualified_name(self) -> str:
        return f"{self.schema}.{self.table}"

    @property
    def flyway(self) -> bool:
        return self.format == FORMAT_FLYWAY

    @property
    def label(self) -> str:
        """'Flyway history (flyway_schema_history)' or 'Aurora Console history (...)'."""
        return f"{FORMAT_LABELS[self.format]} ({self.table})"

    def exists(self, conn: psycopg.Connection) -> bool:
        return self.detect(conn) is not None

    def detect(self, conn: psycopg.Connection) -> str | None:
        """The format of the existing table (and remember it), or None when there is no table.

        Raises :class:`MigrationError` when the table is not a history table, or is of the other
        format than the one explicitly asked for.
        """
        rows = conn.execute(
            "SELECT a.attname, format_type(a.atttypid, a.atttypmod) FROM pg_attribute a"
            " WHERE a.attrelid = to_regclass(%s) AND a.attnum > 0 AND NOT a.attisdropped",
            [f'"{self.schema}"."{self.table}"'],
        ).fetchall()
        if not rows:
            self.found = False
            return None
        columns = {name.lower(): type_ for name, type_ in rows}
        missing = [c for c in HISTORY_COLUMNS if c not in {name for name, _ in rows}]
        if missing and "checksum" not in missing:
            raise MigrationError(
                f"{self.qualified_name} lacks the history columns {', '.join(missing)}: it is not a "
                "migrations history table (or not one the console can read); choose another table name"
            )
        checksum_type = columns.get("checksum", "")
        if checksum_type in ("integer", "bigint", "smallint"):
            found = FORMAT_FLYWAY
        elif checksum_type.startswith(("character", "text")):
            found = FORMAT_CONSOLE
        else:
            raise MigrationError(
                f"{self.qualified_name} is not a migrations history table (its checksum column is "
                f"{checksum_type or 'missing'}); choose another table name"
            )
        if self.requested not in (FORMAT_AUTO, found):
            raise MigrationError(
                f"{self.qualified_name} holds {FORMAT_LABELS[found].lower()}, not "
                f"{FORMAT_LABELS[self.requested].lower()}; use history format '{found}' or 'auto'"
            )
        self.format = found
        self.found = True
        return found

    def create(self, conn: psycopg.Connection) -> None:
        """Create the table (and its schema) in the chosen format unless it exists."""
        if self.detect(conn) is not None:
            return
        conn.execute(sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(sql.Identifier(self.schema)))
        if self.flyway:
            self._create_flyway(conn)
        else:
            self._create_console(conn)
        self.found = True

    def _create_console(self, conn: psycopg.Connection) -> None:
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

    def _create_flyway(self, conn: psycopg.Connection) -> None:
        """Flyway's DDL for PostgreSQL, statement for statement, in one transaction."""
        with conn.transaction():
            for statement in flyway_create_statements(self.schema, self.table):
                conn.execute(statement)

    def read(self, conn: psycopg.Connection) -> list[AppliedMigration]:
        if self.detect(conn) is None:
            return []
        rows = conn.execute(
            sql.SQL(
                "SELECT installed_rank, version, description, type, script, checksum, installed_by,"
                " installed_on, execution_time, success FROM {} ORDER BY installed_rank"
            ).format(self.ident)
        ).fetchall()
        return [
            AppliedMigration(r[0], self._version(r[0], r[1]), r[2], r[3], r[4], r[5], r[6], r[7], r[8], r[9])
            for r in rows
        ]

    def _version(self, rank: int, text: str | None) -> Version | None:
        if not text:
            return None
        try:
            return Version.parse(text)
        except ValueError:
            raise MigrationError(
                f"{self.qualified_name}, installed_rank {rank}: version {text!r} is not a version number "
                "(digits separated by dots)"
            ) from None

    def next_rank(self, conn: psycopg.Connection) -> int:
        row = conn.execute(
            sql.SQL("SELECT coalesce(max(installed_rank), 0) + 1 FROM {}").format(self.ident)
        ).fetchone()
        return int(row[0])

    # -- what a file is recorded as, in this table's format -----------------------------------
    def checksum_for(self, mig: MigrationFile) -> str | int:
        return mig.flyway_checksum if self.flyway else mig.checksum

    def type_for(self, mig: MigrationFile) -> str:
        return TYPE_REPEATABLE if mig.repeatable and not self.flyway else TYPE_VERSIONED

    def insert(
        self,
        conn: psycopg.Connection,
        *,
        rank: int,
        version: Version | None,
        description: str,
        type: str,
        script: str,
        checksum: str | int | None,
        execution_ms: int,
        success: bool,
        installed_by: str | None = None,
    ) -> None:
        if self.flyway and isinstance(checksum, str):
            raise TypeError("Flyway's history table records integer checksums")
        conn.execute(
            sql.SQL(
                "INSERT INTO {} (installed_rank, version, description, type, script, checksum, installed_by,"
                " execution_time, success) VALUES (%s, %s, %s, %s, %s, %s, coalesce(%s, current_user), %s, %s)"
            ).format(self.ident),
            [
                rank,
                str(version) if version is not None else None,
                abbreviate_description(description),
                type,
                abbreviate_script(script),
                checksum,
                installed_by,
                execution_ms,
                success,
            ],
        )

    def record(self, conn: psycopg.Connection, mig: MigrationFile, *, rank: int, execution_ms: int,
               success: bool, installed_by: str | None = None) -> None:
        """Record a run of ``mig`` as this table's format records it."""
        self.insert(conn, rank=rank, version=mig.version, description=mig.description, type=self.type_for(mig),
                    script=mig.script, checksum=self.checksum_for(mig), execution_ms=execution_ms,
                    success=success, installed_by=installed_by)

    def mark_deleted(self, conn: psycopg.Connection, row: AppliedMigration, *, rank: int,
                     installed_by: str | None = None) -> None:
        """Append the ``DELETE`` row that cancels ``row`` (Flyway 7+ repair).

        Flyway's ``JdbcTableSchemaHistory.delete`` copies version, description, script, checksum and
        success of the cancelled row, execution time 0; the console's format records no checksum.
        """
        self.insert(conn, rank=rank, version=row.version, description=row.description, type=TYPE_DELETE,
                    script=row.script, checksum=row.checksum if self.flyway else None, execution_ms=0,
                    success=row.success if self.flyway else True, installed_by=installed_by)

    def delete_failed(self, conn: psycopg.Connection) -> int:
        cur = conn.execute(sql.SQL("DELETE FROM {} WHERE NOT success").format(self.ident))
        return cur.rowcount

    def delete_rows(self, conn: psycopg.Connection, ranks: list[int]) -> int:
        cur = conn.execute(
            sql.SQL("DELETE FROM {} WHERE installed_rank = ANY(%s)").format(self.ident), [list(ranks)]
        )
        return cur.rowcount

    def realign(self, conn: psycopg.Connection, rank: int, checksum: str | int | MigrationFile,
                description: str | None = None) -> None:
        """Set checksum, description (and, given a file, type) of a row to the file's (repair).

        ``checksum`` may be the file itself: then the checksum and type are this format's.
        """
        if isinstance(checksum, MigrationFile):
            mig = checksum
            conn.execute(
                sql.SQL("UPDATE {} SET checksum = %s, description = %s, type = %s WHERE installed_rank = %s")
                .format(self.ident),
                [self.checksum_for(mig), abbreviate_description(mig.description), self.type_for(mig), rank],
            )
            return
        conn.execute(
            sql.SQL("UPDATE {} SET checksum = %s, description = %s WHERE installed_rank = %s").format(
                self.ident
            ),
            [checksum, abbreviate_description(description or ""), rank],
        )


def flyway_create_statements(schema: str, table: str) -> list[sql.Composed]:
    """Flyway's ``CREATE TABLE`` for PostgreSQL (no tablespace), then its primary key and index."""
    ident = sql.Identifier(schema, table)
    return [
        sql.SQL(
            "CREATE TABLE {} (\n"
            '    "installed_rank" INT NOT NULL,\n'
            '    "version" VARCHAR(50),\n'
            '    "description" VARCHAR(200) NOT NULL,\n'
            '    "type" VARCHAR(20) NOT NULL,\n'
            '    "script" VARCHAR(1000) NOT NULL,\n'
            '    "checksum" INTEGER,\n'
            '    "installed_by" VARCHAR(100) NOT NULL,\n'
            '    "installed_on" TIMESTAMP NOT NULL DEFAULT now(),\n'
            '    "execution_time" INTEGER NOT NULL,\n'
            '    "success" BOOLEAN NOT NULL\n'
            ")"
        ).format(ident),
        sql.SQL("ALTER TABLE {} ADD CONSTRAINT {} PRIMARY KEY ({})").format(
            ident, sql.Identifier(f"{table}_pk"), sql.Identifier("installed_rank")),
        sql.SQL("CREATE INDEX {} ON {} ({})").format(
            sql.Identifier(f"{table}_s_idx"), ident, sql.Identifier("success")),
    ]
