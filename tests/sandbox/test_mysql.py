"""The MySQL-compatible server of the sandbox and the test rig (sandbox/mysql.py), for real:
a second try of a failed first install, a stop during the install, the admin password re-keyed
at each start and never on a command line, the data kept between starts."""

from __future__ import annotations

import os
import shutil
import tempfile
import threading
import time
from pathlib import Path

import psutil
import pytest

from aurora_console.sandbox.mysql import MysqlError, MysqlServer, find_mysql_server

pytestmark = [pytest.mark.integration,
              pytest.mark.skipif(find_mysql_server() is None, reason="no MariaDB/MySQL server installed")]


def _flaky_installer(folder: Path, real: Path) -> Path:
    """An install-db that fails (as a crashed bootstrap does, leaving files) on its first run only."""
    script = folder / "flaky-install-db"
    marker = folder / "failed-once"
    script.write_text(f"""#!/bin/sh
if [ ! -e {marker} ]; then
  touch {marker}
  for arg in "$@"; do case "$arg" in --datadir=*) touch "${{arg#--datadir=}}/ibdata1";; esac; done
  echo "Installation of system tables failed!"
  exit 1
fi
exec {real} "$@"
""")
    script.chmod(0o755)
    os.chmod(folder, 0o777)  # the server account runs it (and writes the marker) when we are root
    return script


def test_a_failed_first_install_is_tried_once_more_on_a_clean_folder(tmp_path):
    server = MysqlServer(tmp_path / "data", password="first-pass-1")
    # where the server account (when we are root) can run it: not below pytest's 0700 folders
    tools = Path(tempfile.mkdtemp(prefix="flaky-install-", dir="/tmp"))
    server.install_bin = _flaky_installer(tools, server.install_bin)
    try:
        server.start()
        conn = server.connect()
        conn.close()
        assert (tools / "failed-once").exists()
        assert server.log_tail(200).count("Installation of system tables failed!") == 1
    finally:
        server.remove_data()
        shutil.rmtree(tools, ignore_errors=True)


def test_a_stop_during_the_first_install_ends_it_without_a_second_try(tmp_path):
    server = MysqlServer(tmp_path / "data", password="first-pass-1")
    outcome: list[BaseException] = []

    def start():
        try:
            server.start()
        except BaseException as exc:  # noqa: BLE001 - inspected below
            outcome.append(exc)

    worker = threading.Thread(target=start)
    worker.start()
    deadline = time.monotonic() + 30
    while server._installer is None and time.monotonic() < deadline:
        time.sleep(0.02)
    installer_pid = server._installer.pid
    server.stop()
    worker.join(60)
    try:
        assert not worker.is_alive() and outcome and isinstance(outcome[0], MysqlError)
        assert server._installs == 1  # no second try
        assert not psutil.pid_exists(installer_pid)  # ended (and reaped by the start it failed)
    finally:
        server.remove_data()


def test_a_start_after_an_install_killed_midway_installs_afresh(tmp_path):
    """The console closed while the shop's first install ran (its installer killed): what it left
    (InnoDB files, no mysql schema) is cleared at the next start instead of failing install-db
    there ("wrong space ID") at every later start."""
    killed = MysqlServer(tmp_path / "data", password="first-pass-1")
    worker = threading.Thread(target=lambda: pytest.raises(MysqlError, killed.start))
    worker.start()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not (killed._installer is not None and (killed.data_dir / "ibdata1").exists()):
        time.sleep(0.01)
    assert killed._installer is not None, "the install never began"
    killed.stop()  # as the console's exit ends it
    worker.join(60)
    assert not (killed.data_dir / "mysql").is_dir() and any(killed.data_dir.iterdir())  # half made
    again = MysqlServer(tmp_path / "data", password="first-pass-1")
    try:
        again.start()
        again.connect().close()
        assert again._installs == 1  # installed afresh at once, no failed first try
    finally:
        again.remove_data()


def test_the_password_is_rekeyed_at_each_start_and_never_on_a_command_line(tmp_path):
    server = MysqlServer(tmp_path / "data", password="first-pass-1")
    try:
        server.start()
        cmdline = " ".join(psutil.Process(server._proc.pid).cmdline())
        assert "first-pass-1" not in cmdline and "--init-file=" in cmdline
        init_file = Path(cmdline.split("--init-file=")[1].split()[0])
        assert not init_file.exists()  # deleted once the server answered
        server.execute("CREATE DATABASE kept")
        server.stop()
        again = MysqlServer(tmp_path / "data", password="second-pass-2")
        again.start()
        try:
            conn = again.connect()
            with conn.cursor() as cur:
                cur.execute("SHOW DATABASES LIKE 'kept'")
                assert cur.fetchone() == ("kept",)
            conn.close()
        finally:
            again.stop()
    finally:
        server.remove_data()
