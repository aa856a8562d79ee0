"""``aurora-console migrate repair`` names the migrations it marks deleted; read-only profiles refuse."""

import pytest

from aurora_console.cli_migrate import main
from aurora_console.core.connections.passwords import keyring_name
from aurora_console.core.connections.profile import ConnectionProfile, PasswordSource, TlsSettings
from aurora_console.core.connections.store import ProfileStore
from aurora_console.core.secrets import set_secret
from tests.integration.migrations.test_cli import cli

pytestmark = [pytest.mark.integration, pytest.mark.timeout(120)]


def test_cli_repair_lists_marked_deleted_scripts(db, folder, sql):
    folder.write("V1__a.sql", "CREATE TABLE a (id int);")
    folder.write("V2__b.sql", "CREATE TABLE b (id int);")
    folder.write("V3__c.sql", "CREATE TABLE c (id int);")
    folder.write("R__views.sql", "CREATE OR REPLACE VIEW v AS SELECT 1 AS x;")
    base = ["--dsn", db.dsn, "--dir", str(folder.path)]
    assert cli("migrate", *base).returncode == 0
    (folder.path / "V2__b.sql").unlink()
    (folder.path / "R__views.sql").unlink()
    r = cli("validate", *base)
    assert r.returncode == 1 and "V2__b.sql: applied but its file is missing" in r.stderr
    assert "mark it deleted" in r.stderr  # the hint points at repair

    r = cli("repair", *base)
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert "marked deleted (file gone): V2__b.sql" in lines
    assert "marked deleted (file gone): R__views.sql" in lines
    assert "will not be applied again" in r.stdout

    assert cli("validate", *base).returncode == 0
    r = cli("info", *base)
    assert r.returncode == 0
    v2 = next(line for line in r.stdout.splitlines() if line.startswith("2 "))
    assert "deleted" in v2.split()
    r = cli("repair", *base)
    assert r.returncode == 0 and r.stdout.strip() == "Nothing to repair."
    assert sql("SELECT count(*) FROM aurora_console_schema_history WHERE type = 'DELETE'") == [(2,)]

    # The file comes back: validate and migrate fail and say why; nothing runs.
    folder.write("V2__b.sql", "CREATE TABLE b (id int);")
    r = cli("migrate", *base)
    assert r.returncode == 1 and "marked deleted by repair" in r.stderr and "will not run again" in r.stderr
    r = cli("info", *base)
    assert r.returncode == 1 and "problem: V2__b.sql" in r.stdout


def test_read_only_profile_cannot_repair(db, folder, tmp_path, capsys):
    info = db.conninfo
    profile = ConnectionProfile(
        name="ro", host="127.0.0.1", port=int(info["port"]), database=db.name, user=info["user"],
        password=PasswordSource(kind="keyring"), tls=TlsSettings(mode="disable"), read_only=True)
    profiles = tmp_path / "profiles.json"
    ProfileStore(profiles).save(profile)
    set_secret(keyring_name("ro"), info["password"])
    folder.write("V1__a.sql", "CREATE TABLE a (id int);")
    args = ["--profile", "ro", "--profiles-file", str(profiles), "--dir", str(folder.path)]
    assert main(["migrate", "repair", *args]) == 2
    assert "read-only" in capsys.readouterr().err
    assert main(["migrate", "validate", *args]) == 1  # allowed; it fails on the pending V1 (as Flyway)
    assert "not applied yet" in capsys.readouterr().err
