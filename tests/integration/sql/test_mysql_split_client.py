"""The MySQL splitter against the real ``mariadb`` command-line client: the same scripts run
through the client (``--batch``) and through the console (split_mysql, then one statement at a
time on a MySqlSession) give the same rows, statement by statement. So the console sends the
statements the client sends: DELIMITER blocks, strings with escapes and delimiters inside,
backticks, every comment style, version comments, ``\\G``."""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest

from aurora_console.core.db.mysql_query import run_statement
from aurora_console.core.db.mysql_session import MySqlSession
from aurora_console.core.db.mysql_split import split_mysql
from aurora_console.core.db.session import SessionSettings

pytestmark = pytest.mark.integration

CLIENT = shutil.which("mariadb") or shutil.which("mysql")

SCRIPTS = {
    "delimiters": (
        "SELECT 1;\n"
        "DELIMITER //\n"
        "CREATE FUNCTION twice(x INT) RETURNS INT DETERMINISTIC\nBEGIN\n  DECLARE y INT;\n  SET y = x * 2;\n"
        "  RETURN y;\nEND //\n"
        "SELECT twice(21) //\n"
        "DELIMITER $$\nSELECT 'a;b' $$ SELECT 3$$\n"
        "delimiter ;;\nSELECT 4;; SELECT twice(5);;\n"
        "DELIMITER ;\nSELECT 5; SELECT 6"
    ),
    "strings": (
        "SELECT 'a;b', 'it''s;', 'x\\';y', \"q\\\";\", \"d\"\";\";\n"
        "SELECT 'multi\nline; string';\n"
        "SELECT `weird;name` FROM (SELECT 1 AS `weird;name`) t;\n"
        "SELECT 'back\\\\';\n"
    ),
    "comments": (
        "# a hash comment; not a statement\n"
        "SELECT 1 # trailing; comment\n;\n"
        "SELECT 2 -- dash; comment\n;\n"
        "SELECT 5--1;\n"
        "SELECT 4 /* block; comment */ + 1;\n"
        "/* leading; comment */ SELECT 'after';\n"
        "-- only a comment;\n"
        "SELECT 7 -- \t;\n;\n"
    ),
    "version_comments": (
        "/*!40101 SET @a = 'x;y' */;\n"
        "SELECT @a;\n"
        "SELECT 1 /*!50000 + 10 */;\n"
        "/*M!100100 SELECT 'maria' */;\n"
        "SELECT /*+ NO_INDEX_MERGE(t) */ 2;\n"
    ),
    "go_commands": "SELECT 20\\g SELECT 21\\G\nSELECT 22;\n",
}


def _client_rows(server, database: str, script: str) -> list[str]:
    env = {**os.environ, "MYSQL_PWD": server.password}
    cmd = [CLIENT, "--no-defaults", "--batch", "--skip-column-names", "--raw", f"--host={server.host}",
           f"--port={server.port}", f"--user={server.user}", f"--ssl-ca={server.ca_file}", database]
    out = subprocess.run(cmd, input=script.encode(), capture_output=True, env=env, timeout=60)
    assert out.returncode == 0, out.stderr.decode()
    return out.stdout.decode().splitlines()


def _console_rows(database, script: str) -> list[str]:
    session = MySqlSession(lambda: database.connect(), SessionSettings(), name="split").connect()
    lines: list[str] = []
    try:
        for st in split_mysql(script):
            result = run_statement(session, st.text)
            for row in result.rows:
                lines.extend("\t".join("NULL" if v is None else str(v) for v in row).split("\n"))
            if result.stream is not None:
                raise AssertionError("more rows than one batch in a split test")
    finally:
        session.close()
    return lines


@pytest.mark.skipif(CLIENT is None, reason="no mariadb/mysql client (install mariadb-client)")
@pytest.mark.parametrize("name", sorted(SCRIPTS))
def test_same_statements_as_the_client(name, mysql_server, new_mysql_database):
    script = SCRIPTS[name]
    by_client = new_mysql_database()
    by_console = new_mysql_database()
    expected = _client_rows(mysql_server, by_client.name, script)
    got = _console_rows(by_console, script)
    # \G prints vertically in the client: compare the values only
    if name == "go_commands":
        expected = [line.split(": ", 1)[-1].strip() for line in expected if not line.startswith("*")]
    assert got == expected
    assert expected  # the script produced rows at all
