"""The data folder template's copy (sandbox/postgres_template.py) runs ``cp`` as a child process: it
gets the sandbox children's minimal environment, never the console's secrets."""

from __future__ import annotations

import re
import shutil
import stat
import sys
from pathlib import Path

import pytest

from aurora_console.sandbox import postgres_template
from aurora_console.sandbox.postgres_env import child_env

pytestmark = [pytest.mark.unit,
              pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the cp copy is Linux's")]

#: what a shell adds to any environment by itself
SHELL_OWN = {"PWD", "SHLVL", "_", "OLDPWD"}
SECRET_LOOKING = re.compile(r".*(SECRET|PASSWORD|PASSWD|TOKEN|KEY|CREDENTIAL|PGPASS).*", re.IGNORECASE)

# stands for GNU cp: writes the environment it was given into its destination (its last argument)
FAKE_CP = """#!/bin/sh
for last; do :; done
env > "$last/child-env.txt"
"""


def _recording_cp(tmp_path: Path, monkeypatch) -> None:
    script = tmp_path / "bin" / "cp"
    script.parent.mkdir()
    script.write_text(FAKE_CP)
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    real_which = shutil.which
    monkeypatch.setattr(postgres_template.shutil, "which",
                        lambda name, *args, **kwargs: str(script) if name == "cp" else real_which(name, *args, **kwargs))


def test_the_copy_gets_no_secret_of_the_console(tmp_path, monkeypatch):
    for name, value in {"AWS_SECRET_ACCESS_KEY": "wJalrXUtnFEMI/K7MDENG", "AWS_SESSION_TOKEN": "FwoGZXIvYXdzE",
                        "PGPASSWORD": "Sup3rSecret!", "AURORA_DB_PASSWORD": "another-secret",
                        "GITHUB_TOKEN": "ghp_x", "TZ": "UTC"}.items():
        monkeypatch.setenv(name, value)
    _recording_cp(tmp_path, monkeypatch)
    root, key = tmp_path / "templates", "pg-test"
    (root / key).mkdir(parents=True)
    (root / key / "PG_VERSION").write_text("16\n")
    data_dir = tmp_path / "data"
    assert postgres_template.copy_template(root, key, data_dir)
    lines = (data_dir / "child-env.txt").read_text().splitlines()
    seen = {line.split("=", 1)[0]: line.split("=", 1)[1] for line in lines if "=" in line}
    assert not [name for name in seen if SECRET_LOOKING.fullmatch(name)]
    assert not [line for line in lines if "Sup3rSecret!" in line or "wJalrXUtnFEMI" in line]
    # exactly what the sandbox's other children (initdb, pg_ctl, postgres) get
    assert set(seen) - SHELL_OWN == set(child_env())
    assert seen["TZ"] == "UTC" and seen["LC_ALL"] == "C"


def test_the_children_environment_is_minimal(monkeypatch):
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG")
    monkeypatch.setenv("PGPASSWORD", "Sup3rSecret!")
    monkeypatch.setenv("PATH", "/opt/pg/bin:/usr/bin")
    env = child_env()
    assert env["PATH"] == "/opt/pg/bin:/usr/bin" and env["LC_ALL"] == "C" == env["LANG"]
    assert set(env) <= {"PATH", "LC_ALL", "LANG", "TZ", "SYSTEMROOT"}


def test_a_saved_template_leaves_out_the_first_servers_files_and_the_named_folders(tmp_path):
    data = tmp_path / "data"
    (data / "base" / "log").mkdir(parents=True)  # a nested folder of that name is data: kept
    (data / "log").mkdir()
    (data / "log" / "postgresql-1.log").write_text("the first server's statements")
    for name in ("PG_VERSION", postgres_template.PASSWORD_PENDING, "postmaster.opts", "current_logfiles"):
        (data / name).write_text("x")
    postgres_template.save_template(data, tmp_path / "templates", "pg-key", leave_out=("log",))
    saved = tmp_path / "templates" / "pg-key"
    assert sorted(p.relative_to(saved).as_posix() for p in saved.rglob("*")) == ["PG_VERSION", "base", "base/log"]


def test_the_template_key_names_the_setup():
    bin_dir = Path(sys.executable).parent  # no initdb there: the key still forms
    plain = postgres_template.template_key(bin_dir, "postgres")
    assert postgres_template.template_key(bin_dir, "postgres", "blog-abc") == f"{plain}-blog-abc"
    assert postgres_template.template_key(bin_dir, "postgres", "") == plain


@pytest.mark.skipif(not sys.platform.startswith("linux") or shutil.which("fallocate") is None,
                    reason="holes are dug with util-linux's fallocate")
def test_the_saved_templates_write_ahead_log_keeps_its_zeros_off_the_disk(tmp_path):
    data = tmp_path / "data"
    (data / "pg_wal").mkdir(parents=True)
    segment = b"\x01" * 8192 + b"\0" * (4 * 1024 * 1024)  # one written page, then unwritten zeros
    (data / "pg_wal" / "000000010000000000000001").write_bytes(segment)
    (data / "PG_VERSION").write_text("15\n")
    postgres_template.save_template(data, tmp_path / "templates", "pg-key")
    saved = tmp_path / "templates" / "pg-key" / "pg_wal" / "000000010000000000000001"
    assert saved.read_bytes() == segment  # reads back the same
    if (data / "pg_wal" / "000000010000000000000001").stat().st_blocks * 512 < len(segment):
        pytest.skip("this file system keeps no zeros anyway")
    assert saved.stat().st_blocks * 512 < len(segment) // 2
