"""``aurora-console migrate ...`` exit codes and output, run as a real subprocess."""

import os
import subprocess
import sys

import pytest

pytestmark = pytest.mark.integration


def cli(*args, env=None):
    code = "import sys; from aurora_console.cli_migrate import main; sys.exit(main(sys.argv[1:]))"
    return subprocess.run([sys.executable, "-c", code, "migrate", *args], capture_output=True, text=True,
                          timeout=60, env={**os.environ, **(env or {})})


def test_cli_round_trip_and_exit_codes(db, folder, sql):
    folder.write("V1__t.sql", "CREATE TABLE t (a int);")
    base = ["--dsn", db.dsn, "--dir", str(folder.path)]
    r = cli("info", *base)
    assert r.returncode == 0 and "pending" in r.stdout and "V1" not in r.stderr
    r = cli("migrate", *base, "--dry-run")
    assert r.returncode == 0 and "CREATE TABLE t" in r.stdout
    assert sql("SELECT to_regclass('t')")[0][0] is None
    r = cli("migrate", *base)
    assert r.returncode == 0 and "Applied 1 migration(s)" in r.stdout
    assert cli("validate", *base).returncode == 0
    # An edited applied file: validate exits 1 and says why; repair fixes it.
    folder.write("V1__t.sql", "CREATE TABLE t (a bigint);")
    r = cli("validate", *base)
    assert r.returncode == 1 and "V1__t.sql" in r.stderr and "checksum changed" in r.stderr
    r = cli("repair", *base)
    assert r.returncode == 0 and "realigned checksum: V1__t.sql" in r.stdout
    # A failing migration: exit 1, file and line named, password never printed.
    folder.write("V2__bad.sql", "SELECT 1;\nSELEC 2;\n")
    r = cli("migrate", *base)
    assert r.returncode == 1 and "V2__bad.sql, line 2" in r.stderr
    password = db.conninfo.get("password")
    assert not password or password not in r.stdout + r.stderr


def test_cli_baseline_and_usage_errors(db, folder, sql):
    folder.write("V1__t.sql", "CREATE TABLE t (a int);")
    folder.write("V2__u.sql", "CREATE TABLE u (a int);")
    base = ["--dsn", db.dsn, "--dir", str(folder.path)]
    r = cli("baseline", *base, "--baseline-version", "1")
    assert r.returncode == 0 and "Baseline at version 1" in r.stdout
    r = cli("migrate", *base)
    assert r.returncode == 0 and sql("SELECT to_regclass('t'), to_regclass('u')::text")[0] == (None, "u")
    assert cli("baseline", *base).returncode == 1  # already has one
    clean = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    r = subprocess.run([sys.executable, "-c", "import sys; from aurora_console.cli_migrate import main;"
                        " sys.exit(main(sys.argv[1:]))", "migrate", "info", "--dir", str(folder.path)],
                       capture_output=True, text=True, timeout=60, env=clean)
    assert r.returncode == 2 and "no connection" in r.stderr
    assert cli("info", "--dsn", db.dsn, "--dir", str(folder.path / "nope")).returncode == 2
    assert cli("info", "--dsn", db.dsn, "--dir", str(folder.path), "--schema", "bad-name").returncode == 2
    r = cli("migrate", "--dsn", "host=127.0.0.1 port=1 dbname=x connect_timeout=2", "--dir", str(folder.path))
    assert r.returncode == 1 and "Could not connect" in r.stderr
