"""PostgresServer with a data folder template (sandbox/postgres_template.py), on the real binaries:
initdb runs once, later fresh folders are copies, each with its own password and no data of another."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import psycopg
import pytest

from aurora_console.sandbox import postgres_template
from aurora_console.sandbox.postgres import PostgresError, PostgresServer
from aurora_console.sandbox.postgres_env import find_postgres_bin
from tests.rig.pg import FAST_SETTINGS

pytestmark = [pytest.mark.integration,
              pytest.mark.skipif(find_postgres_bin() is None, reason="no PostgreSQL binaries")]


@pytest.fixture
def servers(tmp_path: Path):
    made: list[PostgresServer] = []

    def make(name: str, password: str) -> PostgresServer:
        server = PostgresServer(tmp_path / name / "data", password=password, settings=FAST_SETTINGS,
                                template_root=tmp_path / "templates")
        made.append(server)
        return server

    yield make
    for server in made:
        server.remove_data()


def _initdb_runs(server: PostgresServer) -> int:
    return server.log_tail(10_000).count(" initdb\n")


def _login(server: PostgresServer, password: str) -> None:
    with psycopg.connect(host=server.host, port=server.port, user="postgres", dbname="postgres",
                         password=password, connect_timeout=5):
        pass


def _modes(folder: Path) -> set[int]:
    modes = set()
    for dirpath, _dirnames, filenames in os.walk(folder):
        modes.add(stat.S_IMODE(os.stat(dirpath).st_mode))
        modes |= {stat.S_IMODE(os.lstat(os.path.join(dirpath, n)).st_mode) for n in filenames}
    return modes


def test_second_fresh_folder_is_copied_with_its_own_password_and_no_data(servers, tmp_path: Path):
    first = servers("one", "first-Password-1").start()
    assert _initdb_runs(first) == 1
    templates = list((tmp_path / "templates").iterdir())
    assert [t.name for t in templates] == [postgres_template.template_key(first.bin_dir, "postgres")]
    assert _modes(tmp_path / "templates") <= {0o700, 0o600}  # owner-only
    assert not (templates[0] / postgres_template.PASSWORD_PENDING).exists()
    with first.connect(autocommit=True) as conn:  # data of the first sandbox ...
        conn.execute("CREATE TABLE secret_notes (body text)")
        conn.execute("INSERT INTO secret_notes VALUES ('of the first user')")
    first.stop()

    second = servers("two", "second-Password-2").start()
    assert _initdb_runs(second) == 0  # copied, not initialised
    _login(second, "second-Password-2")
    with pytest.raises(psycopg.OperationalError):  # the first one's password is not the second's
        _login(second, "first-Password-1")
    with second.connect() as conn:  # ... never reaches the second
        assert conn.execute("SELECT to_regclass('secret_notes')").fetchone() == (None,)
    assert not postgres_template.password_pending(second.data_dir)
    assert (second.data_dir / "pg_hba.conf").read_text() == postgres_template.FINAL_HBA
    second.stop()
    second.start()  # a later start of the same folder: its password, nothing pending
    _login(second, "second-Password-2")


def test_template_holds_no_password(servers, tmp_path: Path):
    """The template is initdb's output with trust and no password: copying it with a bootstrap
    pg_hba.conf that trusts every TCP login would let anyone in without one."""
    servers("one", "first-Password-1").start()
    template = next((tmp_path / "templates").iterdir())
    hba = (template / "pg_hba.conf").read_text()
    assert "scram-sha-256" not in hba.split("# TYPE")[-1]  # made with --auth=trust
    assert b"first-Password-1" not in b"".join(p.read_bytes() for p in template.rglob("*") if p.is_file())


def test_a_start_that_died_before_the_password_sets_it_next_time(servers, tmp_path: Path):
    servers("one", "first-Password-1").start().stop()
    second = servers("two", "second-Password-2")
    # the folder as a copy leaves it before its first start: the bootstrap pg_hba.conf and the marker
    second.data_dir.mkdir(parents=True)
    key = postgres_template.template_key(second.bin_dir, "postgres")
    assert postgres_template.copy_template(tmp_path / "templates", key, second.data_dir)
    postgres_template.begin_password(second.data_dir)
    second.run_as.chown(second.data_dir, recursive=True)
    second.start()
    _login(second, "second-Password-2")
    assert not postgres_template.password_pending(second.data_dir)


def test_without_template_root_initdb_sets_the_password(tmp_path: Path):
    server = PostgresServer(tmp_path / "data", password="plain-Password-3", settings=FAST_SETTINGS)
    try:
        server.start()
        assert _initdb_runs(server) == 1
        assert not postgres_template.password_pending(server.data_dir)
        _login(server, "plain-Password-3")
        with pytest.raises(psycopg.OperationalError):
            _login(server, "wrong")
    finally:
        server.remove_data()


def test_a_copied_folder_rejects_another_password_on_later_starts(servers):
    server = servers("one", "first-Password-1").start()
    server.stop()
    other = PostgresServer(server.requested_data_dir, password="another", settings=FAST_SETTINGS,
                           template_root=server.template_root)
    with pytest.raises(PostgresError, match="rejected the superuser password"):
        other.start(timeout=20)
    other.stop()


def test_template_key_changes_with_the_binaries_and_the_superuser(tmp_path: Path):
    a, b = tmp_path / "a", tmp_path / "b"
    for folder in (a, b):
        folder.mkdir()
        (folder / "initdb").write_bytes(b"x")
    key = postgres_template.template_key(a, "postgres")
    assert key == postgres_template.template_key(a, "postgres")
    assert key != postgres_template.template_key(b, "postgres")  # another PostgreSQL install
    assert key != postgres_template.template_key(a, "admin")
    (a / "initdb").write_bytes(b"xy")  # an upgrade in place
    assert key != postgres_template.template_key(a, "postgres")


def _tree(folder: Path) -> dict:
    out = {}
    for path in sorted(folder.rglob("*")):
        rel = str(path.relative_to(folder))
        if path.is_symlink():
            out[rel] = ("link", os.readlink(path))
        elif path.is_dir():
            out[rel] = ("dir", stat.S_IMODE(path.stat().st_mode))
        else:
            out[rel] = ("file", stat.S_IMODE(path.stat().st_mode), path.read_bytes())
    return out


@pytest.mark.parametrize("with_cp", [True, False], ids=["cp", "shutil"])
def test_a_template_copy_keeps_contents_modes_and_links(tmp_path: Path, monkeypatch, with_cp):
    from aurora_console.sandbox import postgres_template

    template = tmp_path / "root" / "pg-key"
    (template / "base" / "1").mkdir(parents=True)
    (template / "PG_VERSION").write_text("15\n")
    (template / "base" / "1" / "1259").write_bytes(b"\0" * 8192)
    (template / "postgresql.conf").write_text("# conf\n")
    for path in (template, template / "base", template / "base" / "1"):
        path.chmod(0o700)
    for path in (template / "PG_VERSION", template / "base" / "1" / "1259", template / "postgresql.conf"):
        path.chmod(0o600)
    (template / "pg_wal").symlink_to("base")
    if not with_cp:
        monkeypatch.setattr(postgres_template.shutil, "which", lambda name: None)
    data = tmp_path / "sandbox" / "pg"
    data.mkdir(parents=True)  # the server makes the (empty) data folder first
    assert postgres_template.copy_template(tmp_path / "root", "pg-key", data)
    assert _tree(data) == _tree(template)
    assert not postgres_template.copy_template(tmp_path / "root", "pg-other", tmp_path / "other")


class _NotesSetup:
    """A template setup that makes a table through the conninfo it is given (counting its runs)."""

    key = "notes-1"

    def __init__(self, fail: bool = False) -> None:
        self.runs = 0
        self.fail = fail
        self.copies: list[str] = []

    def prepare(self, conninfo) -> None:
        self.runs += 1
        info = conninfo("postgres", None)
        assert "password" not in info and info["host"].startswith("/")  # the private Unix socket, trust
        with psycopg.connect(**info, autocommit=True) as conn:
            conn.execute("CREATE TABLE template_notes (body text)")
            conn.execute("INSERT INTO template_notes VALUES ('in every copy')")
        if self.fail:
            raise RuntimeError("setup failed")

    def on_copy(self, conn, password: str) -> None:
        """On each fresh copy, with the superuser's password just set on ``conn``."""
        self.copies.append(password)
        conn.execute("UPDATE template_notes SET body = body || ' (copied)'")


def _notes(server: PostgresServer) -> list[tuple]:
    with server.connect() as conn:
        if conn.execute("SELECT to_regclass('template_notes')").fetchone() == (None,):
            return []
        return conn.execute("SELECT body FROM template_notes").fetchall()


def test_a_template_setup_runs_once_on_the_first_server_and_every_copy_holds_what_it_made(tmp_path: Path):
    setup = _NotesSetup()
    made = []

    def server(name: str, password: str) -> PostgresServer:
        made.append(PostgresServer(tmp_path / name / "data", password=password, settings=FAST_SETTINGS,
                                   template_root=tmp_path / "templates", template_setup=setup))
        return made[-1]

    try:
        first = server("one", "first-Password-1").start()
        assert setup.runs == 1 and _notes(first) == [("in every copy",)]
        assert setup.copies == [] and not first.template_setup_done  # made, not copied
        _login(first, "first-Password-1")  # started again after the template was saved, its password set
        assert not postgres_template.password_pending(first.data_dir)
        key = postgres_template.template_key(first.bin_dir, "postgres", setup.key)
        template = tmp_path / "templates" / key
        assert [t.name for t in (tmp_path / "templates").iterdir()] == [key]
        assert not (template / postgres_template.PASSWORD_PENDING).exists()
        assert not (template / "log").exists() and not (template / "postmaster.pid").exists()
        assert _modes(tmp_path / "templates") <= {0o700, 0o600}
        first.stop()

        second = server("two", "second-Password-2").start()
        assert setup.runs == 1 and _initdb_runs(second) == 0  # a copy: no initdb, no setup
        assert setup.copies == ["second-Password-2"] and second.template_setup_done
        assert _notes(second) == [("in every copy (copied)",)]
        second.stop()
        second.start()  # a later start of that folder: no longer a fresh copy
        assert setup.copies == ["second-Password-2"] and not second.template_setup_done
        _login(second, "second-Password-2")
        with pytest.raises(psycopg.OperationalError):
            _login(second, "first-Password-1")
        assert (second.data_dir / "pg_hba.conf").read_text() == postgres_template.FINAL_HBA
    finally:
        for s in made:
            s.remove_data()


def test_a_failing_template_setup_saves_no_template_and_the_server_still_starts(tmp_path: Path):
    setup = _NotesSetup(fail=True)
    made = []
    try:
        for name in ("one", "two"):
            made.append(PostgresServer(tmp_path / name / "data", password="Some-Password-1", settings=FAST_SETTINGS,
                                       template_root=tmp_path / "templates", template_setup=setup))
            server = made[-1].start()
            _login(server, "Some-Password-1")
            assert _initdb_runs(server) == 1  # no template: each fresh folder is initialised
        assert setup.runs == 2
        assert not any((tmp_path / "templates").glob("pg-*"))
    finally:
        for s in made:
            s.remove_data()


def test_a_failing_step_on_the_copy_leaves_the_server_up_and_says_the_setup_is_not_done(tmp_path: Path):
    setup = _NotesSetup()
    made = []
    try:
        made.append(PostgresServer(tmp_path / "one" / "data", password="One-Password-1", settings=FAST_SETTINGS,
                                   template_root=tmp_path / "templates", template_setup=setup))
        made[-1].start()

        def broken(conn, password):
            raise psycopg.errors.InsufficientPrivilege("no")

        setup.on_copy = broken
        made.append(PostgresServer(tmp_path / "two" / "data", password="Two-Password-2", settings=FAST_SETTINGS,
                                   template_root=tmp_path / "templates", template_setup=setup))
        second = made[-1].start()
        _login(second, "Two-Password-2")
        assert not second.template_setup_done and _notes(second) == [("in every copy",)]
    finally:
        for s in made:
            s.remove_data()
