"""MySQL statements and the transaction around them: keywords, implicit commits, how many
statements stay applied when one fails, how a file runs."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from aurora_console.core.db.migrations.mysql.statements import (
    commits_implicitly,
    decide,
    kept_statements,
    keywords,
    own_transaction_word,
)
from aurora_console.core.db.mysql_split import split_mysql


def test_keywords_skip_comments_and_read_version_comments():
    assert keywords("# note\n-- other\n/* block */ create table t (x int)") == ["CREATE", "TABLE", "T", "X"]
    assert keywords("/*!40101 SET NAMES utf8mb4 */") == ["SET", "NAMES", "UTF8MB4"]
    assert keywords("/*M!100100 ALTER TABLE t FORCE */") == ["ALTER", "TABLE", "T", "FORCE"]
    assert keywords("--x\nSELECT 1", 1) == []  # `--x` is not a comment to the server
    assert keywords("(SELECT 1) UNION (SELECT 2)", 1) == ["SELECT"]


@given(st.text(max_size=200))
def test_keywords_never_fail_and_are_upper_case_words(text):
    words = keywords(text, 6)
    assert len(words) <= 6
    assert all(w == w.upper() and w[:1].isalpha() or w[:1] == "_" for w in words)


def test_what_commits_implicitly():
    for ddl in ("CREATE TABLE t (id INT)", "ALTER TABLE t ADD c INT", "DROP TABLE t", "RENAME TABLE a TO b",
                "TRUNCATE t", "GRANT SELECT ON *.* TO u", "CREATE INDEX i ON t (c)", "CALL p()",
                "LOCK TABLES t WRITE", "SET autocommit = 1", "SET PASSWORD = 'x'", "/*!40101 CREATE TABLE t (a INT) */"):
        assert commits_implicitly(ddl), ddl
    for dml in ("INSERT INTO t VALUES (1)", "update t set c = 1", "DELETE FROM t", "REPLACE INTO t VALUES (1)",
                "WITH x AS (SELECT 1) SELECT * FROM x", "SELECT 1", "SET @a = 1", "SET NAMES utf8mb4",
                "CREATE TEMPORARY TABLE tmp (a INT)", "DROP TEMPORARY TABLE tmp", "SAVEPOINT s", "ROLLBACK TO s",
                "DO SLEEP(0)", "-- only a comment"):
        assert not commits_implicitly(dml), dml


def test_own_transaction_words():
    assert own_transaction_word("START TRANSACTION") == "START TRANSACTION"
    assert own_transaction_word("begin") == "BEGIN"
    assert own_transaction_word("BEGIN WORK") == "BEGIN"
    assert own_transaction_word("BEGIN NOT ATOMIC SELECT 1; END") == ""  # MariaDB's anonymous block
    assert own_transaction_word("COMMIT") == "COMMIT"
    assert own_transaction_word("ROLLBACK TO sp") == ""
    assert own_transaction_word("CREATE PROCEDURE p() BEGIN COMMIT; END") == ""


def _statements(text):
    return split_mysql(text)


def test_kept_statements_in_a_transaction():
    s = _statements("CREATE TABLE a (i INT);\nCREATE TABLE b (i INT);\nINSERT INTO a VALUES (1);\n"
                    "INSERT INTO a VALUES (x);\nCREATE TABLE c (i INT);\n")
    assert kept_statements(s, 3, in_transaction=True) == 2  # the INSERT after the last DDL rolled back
    assert kept_statements(s, 4, in_transaction=True) == 4  # a failing DDL committed what came before it
    assert kept_statements(s, 1, in_transaction=True) == 1
    assert kept_statements(s, 0, in_transaction=True) == 0
    assert kept_statements(s, 3, in_transaction=False) == 3
    only_dml = _statements("INSERT INTO a VALUES (1);\nUPDATE a SET i = 2;\n")
    assert kept_statements(only_dml, 1, in_transaction=True) == 0
    assert kept_statements(only_dml, 2, in_transaction=True, failing_commits=False) == 0


@given(st.lists(st.sampled_from(["CREATE TABLE t (i INT)", "INSERT INTO t VALUES (1)", "SELECT 1", "DROP TABLE t"]),
                min_size=1, max_size=8), st.data())
def test_kept_statements_never_exceed_the_statement_reached(kinds, data):
    statements = _statements("".join(k + ";\n" for k in kinds))
    reached = data.draw(st.integers(0, len(statements)))
    kept = kept_statements(statements, reached, in_transaction=True)
    assert 0 <= kept <= reached
    assert kept == 0 or commits_implicitly(statements[kept - 1].text) or \
        (reached < len(statements) and commits_implicitly(statements[reached].text) and kept == reached)


def test_decide():
    plain = _statements("INSERT INTO t VALUES (1);\nCREATE TABLE t (i INT);\nINSERT INTO t VALUES (1);\n")
    ddl = decide(plain, script="V1__x.sql")
    assert ddl.in_transaction and ddl.implicit_commit == "CREATE TABLE at line 2"
    dml = decide(_statements("INSERT INTO t VALUES (1);\n"), script="V1__x.sql")
    assert dml.in_transaction and dml.implicit_commit == ""
    own = decide(_statements("START TRANSACTION;\nINSERT INTO t VALUES (1);\nCOMMIT;\n"), script="V1__x.sql")
    assert not own.in_transaction and own.own_transaction and "START TRANSACTION at line 1" in own.reason
    conf = decide(plain, script="V1__x.sql", execute_in_transaction=False)
    assert not conf.in_transaction and "executeInTransaction=false" in conf.reason
    assert not decide(plain, script="V1__x.sql", directive=True).in_transaction
    proc = _statements("DELIMITER //\nCREATE PROCEDURE p() BEGIN START TRANSACTION; COMMIT; END //\nDELIMITER ;\n")
    assert decide(proc, script="V1__x.sql").in_transaction  # BEGIN/COMMIT inside a body are not the file's
