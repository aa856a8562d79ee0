"""The migrations panel on a real PostgreSQL: list, dry run, apply with progress, stop, failures."""

from __future__ import annotations

import shutil
import threading

import psycopg
import pytest

from aurora_console.core.resources import blog_migrations_dir

pytestmark = [pytest.mark.gui, pytest.mark.timeout(120),
              pytest.mark.qt_log_ignore("does not support propagateSizeHints")]


@pytest.fixture
def blog_folder(tmp_path):
    folder = tmp_path / "blog"
    shutil.copytree(blog_migrations_dir(), folder)
    return folder


@pytest.fixture
def make_page(qtbot, runner):
    from aurora_console.testing.pages_migrations import MigrationsPage
    from aurora_console.ui.migrations.panel import MigrationsPanel

    def make(dsn, folder, *, read_only=False):
        panel = MigrationsPanel(runner, "gui", dsn if callable(dsn) else _factory(dsn), folder, read_only=read_only)
        qtbot.addWidget(panel)
        panel.resize(1100, 600)
        panel.show()
        return MigrationsPage.for_widget(qtbot, panel)

    return make


def _factory(dsn):
    from aurora_console.core.db.migrations import connection_factory

    return connection_factory(dsn)


def test_lists_dry_runs_applies_with_progress_and_validates(make_page, new_database, blog_folder):
    from aurora_console.ui.migrations.table_model import PROGRESS_ROLE

    db = new_database()
    page = make_page(db.dsn, blog_folder)
    assert page.pending() == ["V1__create_blog_schema.sql", "V2__constraints_and_indexes.sql",
                              "V3__sample_content.sql"]
    assert [r["state"] for r in page.rows()] == ["pending"] * 3
    assert page.panel.apply_button.isEnabled()
    sql = page.dry_run()
    assert "-- V1__create_blog_schema.sql (in its own transaction)" in sql and "CREATE TABLE posts" in sql
    with db.connect() as conn:
        assert conn.execute("SELECT to_regclass('posts')").fetchone()[0] is None  # dry run changed nothing

    result = page.migrate()
    assert [s.script for s in result.applied] == page.applied() == [
        "V1__create_blog_schema.sql", "V2__constraints_and_indexes.sql", "V3__sample_content.sql"]
    assert "Apply 3 migration(s) to profile 'gui'" in page.confirmations[0]
    model = page.panel.model
    assert [model.index(r, 0).data(PROGRESS_ROLE) for r in range(model.rowCount())] == [1.0, 1.0, 1.0]
    assert all(r["duration"].endswith(" ms") and r["checksum"] == "matches" for r in page.rows())
    assert "applied V3__sample_content.sql" in page.log()
    assert page.validate() == []
    assert not page.panel.apply_button.isEnabled()  # nothing pending
    with db.connect() as conn:
        assert conn.execute("SELECT count(*) FROM posts").fetchone()[0] == 21


def test_failure_is_shown_with_file_and_line_and_nothing_later_runs(make_page, new_database, tmp_path):
    from aurora_console.core.db.migrations import MigrationFailed

    folder = tmp_path / "m"
    folder.mkdir()
    (folder / "V1__ok.sql").write_text("CREATE TABLE ok (id int);")
    (folder / "V2__bad.sql").write_text("CREATE TABLE half (id int);\nCREATE TABLE (;\n")
    (folder / "V3__later.sql").write_text("CREATE TABLE later (id int);")
    page = make_page(new_database().dsn, folder)
    with pytest.raises(MigrationFailed):
        page.migrate()
    assert "V2__bad.sql, line 2" in page.log()
    page.wait()
    states = {r["script"]: r["state"] for r in page.rows()}
    assert states == {"V1__ok.sql": "applied", "V2__bad.sql": "pending", "V3__later.sql": "pending"}
    assert page.panel.apply_button.isEnabled()


def test_validate_reports_a_changed_file(make_page, new_database, tmp_path):
    folder = tmp_path / "m"
    folder.mkdir()
    (folder / "V1__t.sql").write_text("CREATE TABLE t (id int);")
    page = make_page(new_database().dsn, folder)
    page.migrate()
    (folder / "V1__t.sql").write_text("CREATE TABLE t (id bigint);")
    problems = page.validate()
    assert len(problems) == 1 and "V1__t.sql: checksum changed" in problems[0]
    page.refresh()
    assert page.rows()[0]["checksum"] == "CHANGED"


def test_stop_after_the_current_migration(make_page, new_database, qtbot, tmp_path):
    db = new_database()
    folder = tmp_path / "m"
    folder.mkdir()
    (folder / "V1__gate.sql").write_text("CREATE TABLE gate (id int);")
    page = make_page(db.dsn, folder)
    page.migrate()
    (folder / "V2__blocked.sql").write_text("SELECT count(*) FROM gate;")
    (folder / "V3__next.sql").write_text("CREATE TABLE next_one (id int);")
    page.refresh()
    holder = psycopg.connect(db.dsn)
    holder.execute("LOCK TABLE gate IN ACCESS EXCLUSIVE MODE")
    released = threading.Event()
    try:
        page.panel.apply()
        qtbot.waitUntil(lambda: "applying V2__blocked.sql" in page.log(), timeout=20000)
        assert page.panel.stop_button.isEnabled()
        page.stop_after_current()
    finally:
        holder.rollback()
        holder.close()
        released.set()
    page.wait()
    result = page.panel.last_result
    assert result.stopped and [s.script for s in result.applied] == ["V2__blocked.sql"]
    page.wait()
    assert page.pending() == ["V3__next.sql"]
    assert "stopped by the user" in page.log()


def test_read_only_profile_cannot_apply(make_page, new_database, blog_folder):
    page = make_page(new_database().dsn, blog_folder, read_only=True)
    assert len(page.pending()) == 3 and not page.panel.apply_button.isEnabled()
    page.panel.apply()  # even if called directly
    page.wait()
    assert page.panel.last_result is None


def test_feature_in_the_main_window(qtbot, qapp, new_database, blog_folder):
    from aurora_console.app import build_services, shutdown_services
    from aurora_console.testing.console import console_options
    from aurora_console.testing.pages import ConsoleRoot
    from aurora_console.testing.pages_migrations import MigrationsPage
    from aurora_console.ui.main_window import MainWindow

    services = build_services(console_options(sandbox=False), qapp)
    window = MainWindow(services)
    qtbot.addWidget(window)
    try:
        assert any(a.objectName() == "actionMigrations" for a in window.menu("Database").actions())
        root = ConsoleRoot(window, qtbot, allow_changes=True, sandbox=False)
        db = new_database()
        page = MigrationsPage(root, "gui", connect=db.dsn, folder=blog_folder)
        assert window.find_tab("migrations:gui") is page.panel
        assert len(page.pending()) == 3
        page.migrate()
        assert len(page.applied()) == 3 and page.validate() == []
    finally:
        window.close()
        shutdown_services(services)


def test_panel_over_a_bastion_tunnel_profile(qtbot, qapp, new_database, sshd_server, blog_folder):
    """Database ▸ Migrations for a saved profile with a bastion: tunnel + keyring password, then migrate."""
    from aurora_console.app import build_services, shutdown_services
    from aurora_console.core.connections.passwords import keyring_name
    from aurora_console.core.connections.profile import ConnectionProfile, PasswordSource, TlsSettings
    from aurora_console.core.connections.store import ProfileStore
    from aurora_console.core.db.migrations.folders import MigrationFolders
    from aurora_console.core.paths import app_paths
    from aurora_console.core.secrets import set_secret
    from aurora_console.core.ssh.config import BastionConfig
    from aurora_console.testing.console import console_options
    from aurora_console.testing.pages import ConsoleRoot
    from aurora_console.testing.pages_migrations import MigrationsPage
    from aurora_console.ui.main_window import MainWindow

    db = new_database()
    info = db.conninfo
    ProfileStore.for_paths(app_paths()).save(ConnectionProfile(
        name="blog-bastion", host="127.0.0.1", port=int(info["port"]), database=db.name, user=info["user"],
        password=PasswordSource(kind="keyring"), tls=TlsSettings(mode="disable"),
        bastion=BastionConfig(host=sshd_server.host, port=sshd_server.port, user=sshd_server.user,
                              key_file=str(sshd_server.client_keys["ed25519"]))))
    set_secret(keyring_name("blog-bastion"), info["password"])
    known = app_paths().known_hosts_file
    known.parent.mkdir(parents=True, exist_ok=True)
    known.write_text("\n".join(sshd_server.known_hosts_lines) + "\n")
    MigrationFolders.for_paths(app_paths()).set("blog-bastion", blog_folder)

    services = build_services(console_options(sandbox=False), qapp)
    window = MainWindow(services)
    qtbot.addWidget(window)
    try:
        root = ConsoleRoot(window, qtbot, allow_changes=True, sandbox=False)
        page = MigrationsPage(root, "blog-bastion")  # profile opened on a worker: tunnel, password
        assert page.panel.folder == blog_folder
        assert len(page.pending()) == 3
        page.migrate()
        assert len(page.applied()) == 3
        with db.connect() as conn:
            assert conn.execute("SELECT count(*) FROM posts").fetchone()[0] == 21
    finally:
        window.close()
        shutdown_services(services)
