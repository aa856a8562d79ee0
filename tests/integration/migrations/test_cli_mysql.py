"""``aurora-console migrate ... --profile NAME`` on a MySQL profile (the rig's MariaDB, TLS
verify-full): the same commands and output as on PostgreSQL, the part-way failure and repair."""

from __future__ import annotations

import pytest

from aurora_console.cli_migrate import main
from aurora_console.core.connections.passwords import keyring_name
from aurora_console.core.connections.profile import PasswordSource
from aurora_console.core.connections.store import ProfileStore
from aurora_console.core.secrets import set_secret

pytestmark = [pytest.mark.integration, pytest.mark.timeout(120)]


@pytest.fixture
def conn_args(mysql_server, mysql_profile, tmp_path):
    mysql_profile.password = PasswordSource(kind="keyring")
    profiles = tmp_path / "profiles.json"
    ProfileStore(profiles).save(mysql_profile)
    set_secret(keyring_name(mysql_profile.name), mysql_server.password)
    return ["--profile", mysql_profile.name, "--profiles-file", str(profiles)]


def test_cli_info_migrate_validate_failure_and_repair_on_a_mysql_profile(conn_args, mysql_server, mysql_db, folder,
                                                                          capsys):
    folder.write("V1__first.sql", "CREATE TABLE first (id INT PRIMARY KEY);\n")
    folder.write("V2__second.sql", "CREATE TABLE second_a (id INT);\nCREATE TABLE second_b (id INT);\n"
                                   "SELECT no_such_column FROM first;\n")
    d = ["--dir", str(folder.path)]
    assert main(["migrate", "info", *conn_args, *d]) == 0
    out = capsys.readouterr().out
    assert "Aurora Console history (aurora_console_schema_history)" in out and "pending" in out
    assert main(["migrate", "migrate", "--dry-run", *conn_args, *d]) == 0
    out = capsys.readouterr().out
    assert "-- V2__second.sql (in a transaction)\nCREATE TABLE second_a" in out
    conn = mysql_db.connect()
    try:
        cur = conn.cursor()
        cur.execute("SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE()")
        assert cur.fetchone()[0] == 0  # not even the history table
    finally:
        conn.close()
    assert main(["migrate", "migrate", *conn_args, *d]) == 1
    captured = capsys.readouterr()
    assert "V2__second.sql, line 3 failed" in captured.err
    assert "statements 1-2 (lines 1-2) stay applied" in captured.err
    assert mysql_server.password not in captured.out + captured.err
    assert main(["migrate", "info", *conn_args, *d]) == 1
    out = capsys.readouterr().out
    assert "failed" in out and "failed at statement 3 of 3, line 3; statements 1-2 stay applied" in out
    assert main(["migrate", "validate", *conn_args, *d]) == 1
    assert "statements 1-2 stay applied" in capsys.readouterr().err
    folder.write("V2__second.sql", "CREATE TABLE IF NOT EXISTS second_a (id INT);\n"
                                   "CREATE TABLE IF NOT EXISTS second_b (id INT);\n")
    assert main(["migrate", "repair", *conn_args, *d]) == 0
    out = capsys.readouterr().out
    assert "removed failed entry: V2__second.sql (it failed at statement 3 of 3" in out
    assert main(["migrate", "migrate", *conn_args, *d]) == 0
    assert "Applied 1 migration(s)" in capsys.readouterr().out
    assert main(["migrate", "validate", *conn_args, *d]) == 0


def test_cli_words_a_mysql_refusal(mysql_server, mysql_profile, mysql_db, folder, tmp_path, capsys):
    admin = mysql_db.connect()
    try:
        cur = admin.cursor()
        cur.execute("CREATE USER IF NOT EXISTS 'reader'@'%' IDENTIFIED BY 'reader-pw-1'")
        cur.execute(f"GRANT SELECT ON `{mysql_db.name}`.* TO 'reader'@'%'")
    finally:
        admin.close()
    mysql_profile.user = "reader"
    mysql_profile.name = "rig-mysql-reader"
    mysql_profile.password = PasswordSource(kind="keyring")
    profiles = tmp_path / "profiles.json"
    ProfileStore(profiles).save(mysql_profile)
    set_secret(keyring_name(mysql_profile.name), "reader-pw-1")
    folder.write("V1__x.sql", "CREATE TABLE x (id INT);\n")
    args = ["--profile", mysql_profile.name, "--profiles-file", str(profiles), "--dir", str(folder.path)]
    assert main(["migrate", "info", *args]) == 0  # reading needs no more than SELECT
    capsys.readouterr()
    assert main(["migrate", "migrate", *args]) == 1  # creating the history table is refused
    err = capsys.readouterr().err
    assert "error: the database refused: CREATE command denied" in err and "(MySQL error 1142)" in err
    assert "Traceback" not in err
