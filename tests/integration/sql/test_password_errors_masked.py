"""A password statement that fails inside a DO block: the server's own error text (PL/pgSQL quotes the
statement as CONTEXT, not LINE n:) keeps nothing of the password in the log's redaction."""

from __future__ import annotations

import psycopg
import pytest

from aurora_console.core.db.sql_errors import from_psycopg
from aurora_console.core.db.sql_secrets import mask_error_message
from aurora_console.core.redaction import redact

pytestmark = pytest.mark.integration


def test_plpgsql_error_quoting_a_password_statement_is_masked(pg_dsn):
    sql = "DO $$ BEGIN ALTER ROLE no_such_role_x PASSWORD 'hunter2-secret'; END $$"
    with psycopg.connect(pg_dsn, autocommit=True) as conn, pytest.raises(psycopg.Error) as raised:
        conn.execute(sql)
    text = from_psycopg(raised.value, sql).user_text()
    assert "hunter2-secret" in text  # the server quotes it: the case this test is about
    assert "hunter2-secret" not in redact(text)  # the log and crash details
    assert "hunter2-secret" not in mask_error_message(text, sql)  # the SQL history
