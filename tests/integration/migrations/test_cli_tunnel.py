"""``aurora-console migrate --profile NAME`` over a real OpenSSH bastion tunnel to PostgreSQL."""

import pytest

from aurora_console.cli_migrate import main
from aurora_console.core.connections.passwords import keyring_name
from aurora_console.core.connections.profile import ConnectionProfile, PasswordSource, TlsSettings
from aurora_console.core.connections.store import ProfileStore
from aurora_console.core.db.migrations.folders import MigrationFolders
from aurora_console.core.paths import app_paths
from aurora_console.core.resources import blog_migrations_dir
from aurora_console.core.secrets import set_secret
from aurora_console.core.ssh.config import BastionConfig

pytestmark = [pytest.mark.integration, pytest.mark.timeout(120)]


def test_migrate_blog_schema_through_a_bastion_profile(db, sql, sshd_server, tmp_path, capsys):
    info = db.conninfo
    profile = ConnectionProfile(
        name="blog-tunnel", host="127.0.0.1", port=int(info["port"]), database=db.name, user=info["user"],
        password=PasswordSource(kind="keyring"), tls=TlsSettings(mode="disable"),
        bastion=BastionConfig(host=sshd_server.host, port=sshd_server.port, user=sshd_server.user,
                              key_file=str(sshd_server.client_keys["ed25519"])))
    profiles = tmp_path / "profiles.json"
    ProfileStore(profiles).save(profile)
    set_secret(keyring_name("blog-tunnel"), info["password"])
    known = app_paths().known_hosts_file
    known.parent.mkdir(parents=True, exist_ok=True)
    known.write_text("\n".join(sshd_server.known_hosts_lines) + "\n")
    MigrationFolders.for_paths(app_paths()).set("blog-tunnel", blog_migrations_dir())  # the profile's folder: no --dir

    conn = ["--profile", "blog-tunnel", "--profiles-file", str(profiles)]
    assert main(["migrate", "info", *conn]) == 0  # pending migrations are not a problem
    assert "sample content" in capsys.readouterr().out
    assert main(["migrate", "migrate", *conn]) == 0
    out = capsys.readouterr()
    assert "tunnel 127.0.0.1:" in out.err and "Applied 3 migration(s)" in out.out
    assert info["password"] not in out.out + out.err
    assert sql("SELECT count(*) FROM posts")[0][0] == 21
    assert main(["migrate", "validate", *conn]) == 0

    # A read-only profile refuses to migrate (but may still validate).
    profile.name = "blog-ro"
    profile.read_only = True
    ProfileStore(profiles).save(profile)
    set_secret(keyring_name("blog-ro"), info["password"])
    capsys.readouterr()
    assert main(["migrate", "migrate", "--profile", "blog-ro", "--profiles-file", str(profiles),
                 "--dir", str(blog_migrations_dir())]) == 2
    assert "read-only" in capsys.readouterr().err
    assert main(["migrate", "validate", "--profile", "blog-ro", "--profiles-file", str(profiles),
                 "--dir", str(blog_migrations_dir())]) == 0
