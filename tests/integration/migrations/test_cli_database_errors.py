"""`aurora-console migrate` on a database that refuses what it asks (a read-only session): the CLI
exits 1 with the server's message, never a psycopg traceback (before: `psycopg.errors.
ReadOnlySqlTransaction` / `InsufficientPrivilege` tracebacks from migrate, baseline and info)."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys

import pytest

pytestmark = pytest.mark.integration

_CODE = "import sys; from aurora_console.cli_migrate import main; sys.exit(main(sys.argv[1:]))"


def _cli(db, folder, command, *, env=None):
    return subprocess.run([sys.executable, "-c", _CODE, "migrate", command, "--dsn", db.dsn, "--dir",
                           str(folder.path), "--table", "flyway_schema_history"],
                          capture_output=True, text=True, timeout=60, env={**os.environ, **(env or {})})


@pytest.mark.parametrize("command", ["migrate", "baseline"])
def test_read_only_session_is_an_error_not_a_traceback(db, folder, sql, command):
    folder.write("V1__a.sql", "CREATE TABLE a (id int);")
    r = _cli(db, folder, command, env={"PGOPTIONS": "-c default_transaction_read_only=on"})
    assert "Traceback" not in r.stderr, r.stderr
    assert r.returncode == 1, (r.stdout, r.stderr)
    assert "error: the database refused: cannot execute CREATE SCHEMA in a read-only transaction" in r.stderr
    assert "SQLSTATE 25006" in r.stderr
    assert sql("SELECT to_regclass('public.flyway_schema_history')") == [(None,)]


def test_history_table_without_privileges_is_an_error_not_a_traceback(db, folder, sql):
    folder.write("V1__a.sql", "CREATE TABLE a (id int);")
    assert _cli(db, folder, "migrate").returncode == 0
    sql("REVOKE ALL ON public.flyway_schema_history FROM PUBLIC")
    role = f"no_rights_{db.name}"[:63]
    password = secrets.token_urlsafe(12)
    sql(f'CREATE ROLE "{role}" LOGIN PASSWORD \'{password}\'')
    try:
        dsn = psycopg_dsn_as(db.dsn, role, password)
        r = subprocess.run([sys.executable, "-c", _CODE, "migrate", "info", "--dsn", dsn, "--dir",
                            str(folder.path), "--table", "flyway_schema_history"],
                           capture_output=True, text=True, timeout=60)
        assert "Traceback" not in r.stderr, r.stderr
        assert r.returncode == 1, (r.stdout, r.stderr)
        assert "permission denied for table flyway_schema_history" in r.stderr
    finally:
        sql(f'DROP ROLE "{role}"')


def psycopg_dsn_as(dsn: str, user: str, password: str) -> str:
    from psycopg.conninfo import conninfo_to_dict, make_conninfo

    params = conninfo_to_dict(dsn)
    params["user"] = user
    params["password"] = password
    return make_conninfo(**params)


def test_ctrl_c_while_waiting_for_the_lock_exits_130_without_traceback(db, folder, sql):
    """Before: Ctrl+C printed a KeyboardInterrupt traceback from the lock's wait loop."""
    import signal
    import time

    import psycopg

    from aurora_console.core.db.migrations.lock import lock_key

    folder.write("V1__a.sql", "CREATE TABLE a (id int);")
    holder = psycopg.connect(db.dsn, autocommit=True)
    try:
        holder.execute("SELECT pg_advisory_lock(%s)", [lock_key("public.flyway_schema_history")])
        proc = subprocess.Popen([sys.executable, "-c", _CODE, "migrate", "migrate", "--dsn", db.dsn, "--dir",
                                 str(folder.path), "--table", "flyway_schema_history", "--lock-timeout", "60"],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not sql(
                "SELECT 1 FROM pg_stat_activity WHERE datname = current_database()"
                " AND query LIKE '%%pg_try_advisory_lock%%' AND pid <> pg_backend_pid()"):
            time.sleep(0.1)
        time.sleep(0.3)
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=30)
    finally:
        holder.close()
    assert "Traceback" not in err, err
    assert proc.returncode == 130, (out, err)
    assert "error: interrupted; nothing more was applied" in err
    assert sql("SELECT to_regclass('public.a')") == [(None,)]
