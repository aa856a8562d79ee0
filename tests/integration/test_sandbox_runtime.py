"""The sandbox as one unit: a stop that lands while a stage is still starting leaves nothing."""

from __future__ import annotations

import threading
import time

import psutil
import pytest

from aurora_console.core.tasks import Cancelled
from aurora_console.sandbox.postgres_env import RunAs
from aurora_console.sandbox.postgres_relocation import usable_data_dir
from aurora_console.sandbox.runtime import Sandbox

pytestmark = pytest.mark.integration


def _postgres_on(data_dir) -> list[int]:
    wanted = str(usable_data_dir(data_dir.absolute(), RunAs.for_current_process()))
    return [p.pid for p in psutil.process_iter(["cmdline"])
            if wanted in " ".join(p.info["cmdline"] or []) and "postgres" in " ".join(p.info["cmdline"] or [])]


@pytest.mark.parametrize("delay", [0.0, 0.3, 1.0])
def test_stop_during_the_database_stage_leaves_no_server(tmp_path, delay):
    sandbox = Sandbox(tmp_path / "sbx")
    sandbox.start_aws()
    outcome: list[object] = []

    def stage():
        try:
            outcome.append(sandbox.start_database())
        except Cancelled as exc:
            outcome.append(exc)

    worker = threading.Thread(target=stage)
    worker.start()
    time.sleep(delay)
    sandbox.stop()
    worker.join(60)
    assert not worker.is_alive() and outcome
    time.sleep(0.3)
    assert _postgres_on(tmp_path / "sbx" / "pg") == []
    assert not (tmp_path / "sbx" / "sandbox.json").exists()


def test_reset_refuses_a_folder_that_is_not_a_sandbox(tmp_path):
    precious = tmp_path / "work"
    precious.mkdir()
    (precious / "notes.txt").write_text("keep me")
    from aurora_console.core.errors import ConsoleError

    with pytest.raises(ConsoleError, match="not a sandbox folder"):
        Sandbox(precious, reset=True)
    assert (precious / "notes.txt").read_text() == "keep me"


def test_postgres_starts_while_the_aws_endpoint_does_and_stop_ends_it(tmp_path):
    """start_aws begins the PostgreSQL server on a thread of its own (start_database only waits
    for it); a stop before start_database leaves no server behind."""
    sandbox = Sandbox(tmp_path / "sbx")
    try:
        sandbox.start_aws()
        deadline = time.monotonic() + 60
        while not _postgres_on(tmp_path / "sbx" / "pg") and time.monotonic() < deadline:
            time.sleep(0.05)
        assert _postgres_on(tmp_path / "sbx" / "pg"), "no PostgreSQL server started by start_aws"
    finally:
        sandbox.stop()
    time.sleep(0.3)
    assert _postgres_on(tmp_path / "sbx" / "pg") == []


def test_a_reset_sandbox_starts_fresh_from_the_template(tmp_path):
    """The second sandbox copies the template the first one made: none of the first one's tables
    or its password, and its own password works."""
    import psycopg

    first = Sandbox(tmp_path / "one", cache_dir=tmp_path / "cache")
    try:
        first.start_aws()
        first.start_database()
        with psycopg.connect(**first.database_conninfo(), autocommit=True) as conn:
            conn.execute("CREATE TABLE private_notes (body text)")
        old_password = first.database_conninfo()["password"]
    finally:
        first.stop()
    again = Sandbox(tmp_path / "one", reset=True, cache_dir=tmp_path / "cache")
    try:
        again.start_aws()
        info = again.start_database()
        assert info.db_error is None
        conninfo = again.database_conninfo()
        assert conninfo["password"] != old_password
        with psycopg.connect(**conninfo) as conn:
            assert conn.execute("SELECT to_regclass('private_notes')").fetchone() == (None,)
        assert "initdb" not in (tmp_path / "one" / "postgresql.log").read_text()  # a copy, not initdb
    finally:
        again.stop()


def test_the_shop_waits_for_start_shop_when_asked_to(tmp_path):
    """start_database(shop=False) (the window checks the blog database first): MariaDB is not
    started until start_shop, which then starts it once."""
    sandbox = Sandbox(tmp_path / "sbx", live_metrics=False)
    try:
        sandbox.start_aws()
        info = sandbox.start_database(shop=False)
        assert info.database_ready and info.mysql_port is None and info.mysql_error is None
        thread = sandbox._mysql_thread
        assert thread is not None and thread.ident is None  # not started
        assert not (tmp_path / "sbx" / "mysql").exists()
        sandbox.start_shop()
        sandbox.start_shop()  # a second call starts nothing more
        sandbox.wait_for_mysql()
        assert thread.ident is not None and not thread.is_alive()
        assert info.mysql_port is not None or info.mysql_error  # up, or said why not
    finally:
        sandbox.stop()


def test_postgres_comes_up_while_the_endpoint_is_still_starting(tmp_path, monkeypatch):
    """The endpoint's start does not hold what the PostgreSQL thread needs: here it waits for the
    server to accept connections before it returns (it began only after the endpoint was up)."""
    from aurora_console.sandbox.aws_process import AwsEndpointProcess

    sandbox = Sandbox(tmp_path / "sbx", live_metrics=False, aws_in_process=False)
    seen: list[bool] = []
    original = AwsEndpointProcess.start

    def slow_start(self):
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not (sandbox._pg is not None and sandbox._pg.running
                                                   and sandbox._pg_thread is not None
                                                   and not sandbox._pg_thread.is_alive()):
            time.sleep(0.05)
        seen.append(sandbox._pg is not None and sandbox._pg.running)
        return original(self)

    monkeypatch.setattr(AwsEndpointProcess, "start", slow_start)
    try:
        sandbox.start_aws()
        assert seen == [True]
        assert sandbox.phases["postgres up"] < sandbox.phases["aws endpoint up"]
    finally:
        sandbox.stop()


def test_the_blog_database_and_the_bastion_are_ready_before_the_endpoint_is_seeded(tmp_path, monkeypatch):
    """The blog database needs nothing of the AWS seed (the catalog names it): it is built, and the
    bastion listens, while the endpoint still starts; start_database then adds what needs the seed
    (the certificate naming the endpoints, the routes) and the database is reachable with TLS."""
    import psycopg

    from aurora_console.sandbox.aws_process import AwsEndpointProcess
    from aurora_console.sandbox.seed_catalog import BLOG_DATABASE, BLOG_MASTER_USER

    sandbox = Sandbox(tmp_path / "sbx", live_metrics=False, aws_in_process=False)
    seen: dict[str, object] = {}
    original = AwsEndpointProcess.start

    def slow_start(self):
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not {"blog database built", "bastion listening"} <= set(sandbox.phases):
            time.sleep(0.05)
        pg = sandbox._pg
        with psycopg.connect(**pg.conninfo(BLOG_DATABASE, user=BLOG_MASTER_USER)
                             | {"password": sandbox._password}) as conn:
            seen["posts"] = conn.execute("SELECT count(*) FROM posts").fetchone()[0]
        seen["bastion"] = sandbox._bastion is not None and sandbox._bastion.running and sandbox._bastion.routes == {}
        return original(self)

    monkeypatch.setattr(AwsEndpointProcess, "start", slow_start)
    try:
        sandbox.begin()
        info = sandbox.start_aws()
        assert seen["posts"] > 0 and seen["bastion"] is True
        assert sandbox.phases["blog database built"] < sandbox.phases["aws endpoint up"]
        info = sandbox.start_database(shop=False)
        assert info.database_ready and info.db_error is None and info.migrations
        assert sandbox._bastion.route(info.seed.blog_writer_host, info.seed.blog_port) == (info.db_host, info.db_port)
        with psycopg.connect(**sandbox.database_conninfo(), sslmode="verify-ca", sslrootcert=str(info.ca_file)) as conn:
            assert conn.pgconn.ssl_in_use
    finally:
        sandbox.stop()
    time.sleep(0.3)
    assert _postgres_on(tmp_path / "sbx" / "pg") == []


def test_a_begun_sandbox_stopped_during_its_start_leaves_no_process(tmp_path):
    """Quit before the window took the sandbox over: its PostgreSQL, bastion and endpoint all end."""
    def endpoint_children() -> set[int]:
        return {p.pid for p in psutil.Process().children(recursive=True) if "aws_process" in " ".join(p.cmdline())}

    others = endpoint_children()  # another test's sandbox (a session-wide one) may be running
    sandbox = Sandbox(tmp_path / "sbx", live_metrics=False, aws_in_process=False)
    sandbox.begin()
    deadline = time.monotonic() + 60
    while not _postgres_on(tmp_path / "sbx" / "pg") and time.monotonic() < deadline:
        time.sleep(0.02)
    endpoint = sandbox._aws
    sandbox.stop()
    for thread in [t for t in threading.enumerate() if t.name in ("sandbox-start", "sandbox-postgres")]:
        thread.join(60)
        assert not thread.is_alive()
    time.sleep(0.3)
    assert _postgres_on(tmp_path / "sbx" / "pg") == []
    assert sandbox._bastion is None and (endpoint is None or not endpoint.running)
    assert endpoint_children() - others == set()
    assert endpoint is None or endpoint.pid is None or not psutil.pid_exists(endpoint.pid)


def test_the_bastion_starts_beside_the_blog_database_build_and_stop_ends_it(tmp_path, monkeypatch):
    """The bastion's server needs no database: it comes up while the blog database is built (the
    build here waits for it), and a stop right after leaves no bastion thread or server."""

    class _Server:  # the PostgreSQL server, up at once
        def start(self) -> None:
            pass

        def stop(self) -> None:
            pass

    sandbox = Sandbox(tmp_path / "sbx", live_metrics=False)
    server = _Server()
    monkeypatch.setattr(Sandbox, "_postgres_server", lambda self: server)
    seen: list[bool] = []

    def build(self, pg, task) -> None:
        deadline = time.monotonic() + 30
        while "bastion listening" not in self.phases and time.monotonic() < deadline:
            time.sleep(0.02)
        seen.append("bastion listening" in self.phases)

    monkeypatch.setattr(Sandbox, "_build_blog_database", build)
    sandbox._begin_postgres()
    sandbox._pg_thread.join(60)
    assert seen == [True]
    bastion = sandbox._bastion
    assert bastion is not None and bastion.running and bastion.routes == {} and bastion.pushed_keys is None
    sandbox.stop()
    assert not bastion.running and sandbox._bastion is None
    assert not [t for t in threading.enumerate() if t.name == "sandbox-bastion-start"]


def test_a_fresh_sandbox_gets_its_blog_database_from_the_template_with_its_own_password(tmp_path):
    """The console's cache holds a data folder template with the blog database in it (made by the
    first fresh sandbox, sandbox/blog_database.py): a later fresh sandbox's start applies no
    migration, and only its own password logs in as the blog's master user."""
    import psycopg

    from aurora_console.core.tasks import null_context
    from aurora_console.sandbox.postgres_template import template_root
    from aurora_console.sandbox.seed_catalog import BLOG_DATABASE, BLOG_MASTER_USER

    cache = tmp_path / "cache"
    started: list[Sandbox] = []
    try:
        for name in ("first", "second"):
            sandbox = Sandbox(tmp_path / name, live_metrics=False, cache_dir=cache)
            started.append(sandbox)
            sandbox._begin_postgres()  # the server and the blog database, as start_aws begins them
            sandbox._wait_postgres(null_context())
            assert sandbox._blog_built
            # the first: built on its first server, which then made the template; the second: a copy
            assert sandbox._migrations == []  # so neither start applied a migration itself
            assert ["-blog-" in t.name for t in template_root(cache).iterdir()] == [True]
            # the second's start built nothing: its blog role's password came with the superuser's
            assert sandbox._pg.template_setup_done is (name == "second")
            pg = sandbox._pg
            with psycopg.connect(**pg.conninfo(BLOG_DATABASE, user=BLOG_MASTER_USER)
                                 | {"password": sandbox._password}) as conn:
                assert conn.execute("SELECT count(*) FROM posts").fetchone()[0] > 0
                assert conn.execute("SELECT count(*) FROM pg_extension WHERE extname = 'pg_stat_statements'"
                                    ).fetchone() == (1,)
            other = started[0]._password if name == "second" else "Not-the-password-1"
            with pytest.raises(psycopg.OperationalError):
                psycopg.connect(**pg.conninfo(BLOG_DATABASE, user=BLOG_MASTER_USER) | {"password": other},
                                connect_timeout=5).close()
            sandbox.stop()
    finally:
        for sandbox in started:
            sandbox.stop()


def test_a_later_start_sets_the_blog_password_only_while_the_folder_is_built_to_the_same_migrations(
        tmp_path, monkeypatch):
    """sandbox/blog_database.py's marker in the data folder: a later start of a folder built to the
    bundled migrations only sets the blog role's password; other migrations (another key) build."""
    import psycopg

    from aurora_console.core.tasks import null_context
    from aurora_console.sandbox import blog_database
    from aurora_console.sandbox.seed_catalog import BLOG_DATABASE, BLOG_MASTER_USER

    builds: list[str] = []
    real_build = blog_database.build_blog_database

    def counted(conninfo, password, task=None, **kwargs):
        builds.append(password)
        return real_build(conninfo, password, task, **kwargs)

    monkeypatch.setattr(blog_database, "build_blog_database", counted)

    def start():
        sandbox = Sandbox(tmp_path / "sbx", live_metrics=False)  # no cache folder: initdb, then built here
        try:
            sandbox._begin_postgres()
            sandbox._wait_postgres(null_context())
            with psycopg.connect(**sandbox._pg.conninfo(BLOG_DATABASE, user=BLOG_MASTER_USER)
                                 | {"password": sandbox._password}) as conn:
                assert conn.execute("SELECT count(*) FROM posts").fetchone()[0] > 0
            return sandbox._pg.data_dir, list(sandbox._migrations)
        finally:
            sandbox.stop()

    data_dir, applied = start()
    assert len(builds) == 1 and applied  # a new folder: built, every migration applied
    assert blog_database.built_to(data_dir) == blog_database.BlogTemplate().key
    start()
    assert len(builds) == 1  # the same migrations: the password only (logged in above)
    blog_database.mark_built(data_dir, "blog-older")
    start()
    assert len(builds) == 2  # built to other migrations: the build runs (and finds them applied)
    assert blog_database.built_to(data_dir) == blog_database.BlogTemplate().key
