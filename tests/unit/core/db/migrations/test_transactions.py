"""How a migration runs (in a transaction or not) and why, as Flyway decides it.

Flyway's rules come from ``PostgreSQLParser.detectCanExecuteInTransaction`` (github.com/flyway/flyway,
flyway-database/flyway-database-postgresql/src/main/java/org/flywaydb/database/postgresql/
PostgreSQLParser.java): ``^(CREATE|DROP) (DATABASE|TABLESPACE|SUBSCRIPTION)``, ``^ALTER SYSTEM``,
``^(CREATE|DROP)( UNIQUE)? INDEX CONCURRENTLY``, ``^REINDEX( VERBOSE)? (SCHEMA|DATABASE|SYSTEM)``,
``^VACUUM``, ``^DISCARD ALL`` and, below PostgreSQL 12, ``^ALTER TYPE( .*)? ADD VALUE``, each matched
(Java ``matches()``, the whole string) against the statement's leading keywords joined by spaces
(``Parser.java``: unquoted words at parenthesis depth 0, at most 10). Mixed files:
``ParserSqlScript.parse`` ("Detected both transactional and non-transactional statements within
the same migration (even though mixed is false)"). Per-script ``executeInTransaction``:
``SqlScriptMetadata``.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aurora_console.core.db.migrations.transactions import decide, keywords, non_transactional_reason
from aurora_console.core.db.sql_split import split_sql


def d(sql: str, **kw):
    return decide(split_sql(sql), script="V3__x.sql", **kw)


@pytest.mark.parametrize("sql, label", [
    ("CREATE INDEX CONCURRENTLY i ON t (a)", "CREATE INDEX CONCURRENTLY"),
    ("create unique index concurrently if not exists i on t (a)", "CREATE UNIQUE INDEX CONCURRENTLY"),
    ("DROP INDEX CONCURRENTLY i", "DROP INDEX CONCURRENTLY"),
    ("VACUUM", "VACUUM"),
    ("VACUUM (ANALYZE) t", "VACUUM"),
    ("ALTER SYSTEM SET work_mem = '8MB'", "ALTER SYSTEM"),
    ("CREATE DATABASE x", "CREATE DATABASE"),
    ("DROP DATABASE x", "DROP DATABASE"),
    ("CREATE TABLESPACE ts LOCATION '/x'", "CREATE TABLESPACE"),
    ("CREATE SUBSCRIPTION s CONNECTION 'x' PUBLICATION p", "CREATE SUBSCRIPTION"),
    ("DROP SUBSCRIPTION s", "DROP SUBSCRIPTION"),
    ("REINDEX SCHEMA s", "REINDEX SCHEMA"),
    ("REINDEX VERBOSE DATABASE d", "REINDEX VERBOSE DATABASE"),
    ("DISCARD ALL", "DISCARD ALL"),
    # Beyond Flyway's list: PostgreSQL refuses these in a transaction block too.
    ("REINDEX TABLE CONCURRENTLY t", "REINDEX TABLE CONCURRENTLY"),
    ("REINDEX (VERBOSE) INDEX CONCURRENTLY i", "REINDEX INDEX CONCURRENTLY"),
    ("CLUSTER", "CLUSTER without a table"),
    ("ALTER DATABASE d SET TABLESPACE ts", "ALTER ... TABLESPACE"),
])
def test_statements_that_cannot_run_in_a_transaction(sql, label):
    decision = d(f"-- comment\n{sql};\n")
    assert not decision.in_transaction
    assert decision.reason == f"{label} at line 2"
    assert not decision.problem


@pytest.mark.parametrize("sql", [
    "CREATE INDEX i ON t (a)",
    "REFRESH MATERIALIZED VIEW CONCURRENTLY mv",  # allowed in a transaction block
    "CLUSTER t USING i",
    "REINDEX TABLE t",
    "DISCARD PLANS",
    "SELECT 'CREATE INDEX CONCURRENTLY i ON t (a)'",
    "SELECT $$VACUUM$$",
    "SELECT 1 /* VACUUM */",
    'CREATE TABLE "VACUUM" (a int)',
    "COMMENT ON TABLE t IS 'DROP DATABASE x'",
    "DO $$BEGIN COMMIT; END$$",
    "CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; END",
    "SAVEPOINT a",
    "ROLLBACK TO SAVEPOINT a",
    "ALTER TYPE mood ADD VALUE 'sad'",  # PostgreSQL 12+: allowed in a transaction
    # Flyway stops looking after 10 keywords.
    "CREATE TABLE a1 (x int) INHERITS (p) WITH (fillfactor = 70) TABLESPACE pg_default",
])
def test_ordinary_statements_run_in_a_transaction(sql):
    assert d(sql + ";").in_transaction


def test_alter_type_add_value_depends_on_the_server_version():
    sql = 'ALTER TYPE public."Mood" ADD VALUE IF NOT EXISTS \'sad\';'
    assert d(sql, server_version=160004).in_transaction
    old = d(sql, server_version=110022)
    assert not old.in_transaction and old.reason.startswith("ALTER TYPE ... ADD VALUE (PostgreSQL before 12)")


def test_a_mixed_file_is_refused_unless_mixed_as_in_flyway():
    sql = "CREATE TABLE t (a int);\n\nCREATE INDEX CONCURRENTLY i ON t (a);\n"
    refused = d(sql)
    assert refused.problem and "line 3" in refused.problem and "mixed=true" in refused.problem
    allowed = d(sql, mixed=True)
    assert not allowed.in_transaction and not allowed.problem
    assert allowed.reason == "CREATE INDEX CONCURRENTLY at line 3"


def test_script_config_wins_and_is_named_in_the_reason():
    sql = "CREATE TABLE t (a int);\nCREATE INDEX CONCURRENTLY i ON t (a);"
    off = d(sql, execute_in_transaction=False, conf_name="V3__x.sql.conf")
    assert not off.in_transaction and not off.problem
    assert off.reason == "V3__x.sql.conf: executeInTransaction=false"
    on = d("VACUUM;", execute_in_transaction=True, conf_name="V3__x.sql.conf")
    assert on.in_transaction and on.reason == "V3__x.sql.conf: executeInTransaction=true"


def test_directive_and_global_setting():
    assert d("SELECT 1;", directive=True).reason == "directive '-- aurora-console: no-transaction'"
    off = d("SELECT 1;", default_in_transaction=False)
    assert not off.in_transaction


@pytest.mark.parametrize("sql, word, line", [
    ("BEGIN;\nCREATE TABLE t (a int);\nCOMMIT;", "BEGIN", 1),
    ("CREATE TABLE t (a int);\nSTART TRANSACTION ISOLATION LEVEL SERIALIZABLE;\nCOMMIT;", "START TRANSACTION", 2),
    ("SELECT 1;\ncommit;", "COMMIT", 2),
    ("SELECT 1;\nEND;", "END", 2),
    ("SELECT 1;\nROLLBACK;", "ROLLBACK", 2),
])
def test_a_file_with_its_own_transaction_runs_as_written(sql, word, line):
    decision = d(sql)
    assert not decision.in_transaction and decision.own_transaction and not decision.problem
    assert decision.reason == f"manages its own transaction ({word} at line {line})"


def test_keywords_skip_strings_identifiers_comments_and_parentheses():
    assert keywords("ALTER TYPE \"my type\" ADD VALUE 'x'") == ["ALTER", "TYPE", "ADD", "VALUE"]
    assert keywords("REINDEX (VERBOSE, TABLESPACE ts) TABLE CONCURRENTLY t") == [
        "REINDEX", "TABLE", "CONCURRENTLY", "T"]
    assert keywords("SELECT E'it''s \\' VACUUM' /* DROP /* nested */ DATABASE */ -- x") == ["SELECT"]
    assert keywords("SELECT 'a\\' VACUUM'", standard_conforming_strings=False) == ["SELECT"]


_WORDS = st.sampled_from(["CREATE", "INDEX", "CONCURRENTLY", "VACUUM", "SELECT", "TABLE", "DROP", "ALTER",
                          "SYSTEM", "TYPE", "ADD", "VALUE", "x", "t"])


@given(st.lists(_WORDS, min_size=1, max_size=12), st.text(alphabet="abc VACUUM CONCURRENTLY'", max_size=20))
def test_words_inside_a_string_never_change_the_decision(words, noise):
    """Property: appending a string literal (whatever it says) never changes the decision."""
    base = " ".join(words)
    literal = "'" + noise.replace("'", "''") + "'"
    assert non_transactional_reason(keywords(base + " " + literal)) == non_transactional_reason(keywords(base))
