"""History rows and formats without a database: row types, Flyway's abbreviations, format choice.

Flyway (flyway-13.0.0): CoreMigrationType.java (SCHEMA, BASELINE, DELETE synthetic; SPRING_JDBC read
as JDBC), AbbreviationUtils.java (description > 200 -> 197 chars + '...'; script > 1000 -> '...' +
chars 3..999), PostgreSQLDatabase.getRawCreateScript (the DDL).
"""

from datetime import datetime

import pytest

from aurora_console.core.db.migrations import Version
from aurora_console.core.db.migrations.history import (
    AppliedMigration,
    HistoryTable,
    abbreviate_description,
    abbreviate_script,
    check_format,
    flyway_create_statements,
)

pytestmark = pytest.mark.unit


def applied(type_, version="1", checksum=None):
    return AppliedMigration(1, Version.parse(version) if version else None, "d", type_, "s", checksum, "me",
                            datetime(2026, 1, 1), 0, True)


@pytest.mark.parametrize("type_, version, what", [
    ("SQL", "1", "sql"), ("SQL", None, "repeatable"), ("SQL_REPEATABLE", None, "repeatable"),
    ("BASELINE", "1", "baseline"), ("SQL_BASELINE", "1", "baseline"), ("DELETE", "1", "delete"),
    ("SCHEMA", None, "schema"), ("UNDO_SQL", "1", "undo"), ("UNDO_JDBC", "1", "undo"),
    ("JDBC", "1", "external"), ("SPRING_JDBC", "1", "external"), ("SCRIPT", "1", "external"),
    ("CUSTOM", None, "external"), ("JDBC_BASELINE", "1", "baseline"),
])
def test_row_types(type_, version, what):
    row = applied(type_, version)
    flags = {"baseline": row.baseline, "delete": row.delete_marker, "schema": row.schema_marker,
             "undo": row.undo, "external": row.external, "repeatable": row.repeatable}
    assert {k for k, v in flags.items() if v} == (set() if what == "sql" else {what})


def test_repeatable_keys_per_format():
    assert applied("SQL_REPEATABLE", None).repeatable_key == ("script", "s")  # the console's own rows
    assert applied("SQL", None).repeatable_key == ("description", "d")  # Flyway matches by description


def test_abbreviations_as_flyway():
    assert abbreviate_description("x" * 200) == "x" * 200
    long = "".join(chr(65 + i % 26) for i in range(250))
    assert abbreviate_description(long) == long[:197] + "..." and len(abbreviate_description(long)) == 200
    script = "".join(chr(97 + i % 26) for i in range(1200))
    assert abbreviate_script(script) == "..." + script[3:1000] and len(abbreviate_script(script)) == 1000
    assert abbreviate_script("a/b.sql") == "a/b.sql"


def test_format_choice_for_a_new_table():
    assert HistoryTable().format == "console" and HistoryTable().label == "Aurora Console history " \
        "(aurora_console_schema_history)"
    assert HistoryTable(table="flyway_schema_history").format == "flyway"
    assert HistoryTable(table="flyway_schema_history", history_format="console").format == "console"
    assert HistoryTable(table="changes", history_format="flyway").label == "Flyway history (changes)"
    with pytest.raises(ValueError, match="history format"):
        check_format("liquibase")


def test_flyway_ddl_names_its_key_and_index_after_the_table():
    text = " ".join(repr(s) for s in flyway_create_statements("app", "changes"))
    assert "changes_pk" in text and "changes_s_idx" in text and "INTEGER" in text and "TIMESTAMP NOT NULL" in text
