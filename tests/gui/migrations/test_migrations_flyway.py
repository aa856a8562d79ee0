"""The migrations panel on a Flyway project (real PostgreSQL): which history format it found, which
files run without a transaction and why, the files it ignores with their warning, and the
entries another tool applied (JDBC) shown as external."""

from __future__ import annotations

import psycopg
import pytest

pytestmark = [pytest.mark.gui, pytest.mark.timeout(120),
              pytest.mark.qt_log_ignore("does not support propagateSizeHints")]

FILES = {
    "V1__create_accounts.sql": "CREATE TABLE accounts (id int PRIMARY KEY, email text);\n",
    "V1_1__comment_only.sql": "-- kept so versions line up with the MySQL folder\n/* nothing to do on PostgreSQL */\n",
    "V2__index_email.sql": "CREATE INDEX CONCURRENTLY accounts_email ON accounts (email);\n",
    "V3__own_transaction.sql": "BEGIN;\nALTER TABLE accounts ADD COLUMN name text;\nCOMMIT;\n",
    "V4__by_conf.sql": "ALTER TABLE accounts ADD COLUMN created_at timestamptz;\n",
    "V4__by_conf.sql.conf": "executeInTransaction=false\n",
    "notes.sql": "SELECT 'scratch queries, not a migration';\n",
}


@pytest.fixture
def project(tmp_path):
    folder = tmp_path / "flyway-project"
    (folder / "sql").mkdir(parents=True)
    for name, text in FILES.items():
        (folder / "sql" / name).write_text(text)
    (folder / "flyway.conf").write_text("flyway.locations=filesystem:sql\n")
    return folder / "sql"


@pytest.fixture
def make_page(qtbot, runner):
    from aurora_console.core.db.migrations import connection_factory
    from aurora_console.testing.pages_migrations import MigrationsPage
    from aurora_console.ui.migrations.panel import MigrationsPanel

    def make(dsn, folder):
        panel = MigrationsPanel(runner, "gui", connection_factory(dsn), folder)
        qtbot.addWidget(panel)
        panel.resize(1300, 600)
        panel.show()
        return MigrationsPage.for_widget(qtbot, panel)

    return make


def test_flyway_project_shows_format_transactions_ignored_files_and_external_entries(make_page, new_database,
                                                                                      project):
    db = new_database()
    page = make_page(db.dsn, project)

    # A Flyway configuration next to the folder: Flyway's table and format, to be created.
    assert page.history_format() == "flyway"
    assert page.history() == "History: Flyway history (public.flyway_schema_history; not created yet)"
    assert "flyway.conf" in page.panel.history_label.toolTip()

    # How each file runs, and why.
    tx = {r["script"]: r["transaction"] for r in page.rows()}
    assert tx["V1__create_accounts.sql"] == "yes" and tx["V1_1__comment_only.sql"] == "yes"
    assert page.without_transaction() == {
        "V2__index_email.sql": "CREATE INDEX CONCURRENTLY at line 1",
        "V3__own_transaction.sql": "manages its own transaction (BEGIN at line 1)",
        "V4__by_conf.sql": "V4__by_conf.sql.conf: executeInTransaction=false",
    }
    model = page.panel.model
    from aurora_console.ui.migrations.table_model import TRANSACTION_COLUMN

    row = model.row_of("V2__index_email.sql")
    assert "because of CREATE INDEX CONCURRENTLY at line 1" in model.index(row, TRANSACTION_COLUMN).data(
        0x03)  # Qt.ToolTipRole

    # The misnamed file is ignored with its warning, listed in its own tab and counted in the summary.
    ignored = page.ignored_files()
    assert list(ignored) == ["notes.sql"] and "ignored" in ignored["notes.sql"]
    bottom = page.panel.bottom
    assert bottom.tabText(bottom.indexOf(page.panel.ignored_view)) == "Ignored files (1)"
    assert "1 ignored file(s)" in page.panel.summary.text()
    assert "5 pending · 3 of them without a transaction" in page.panel.summary.text()

    sql = page.dry_run()
    assert "-- V2__index_email.sql (without a transaction: CREATE INDEX CONCURRENTLY at line 1)\n" in sql
    assert "-- V1__create_accounts.sql (in its own transaction)\nCREATE TABLE accounts" in sql

    result = page.migrate()
    assert [s.script for s in result.applied] == ["V1__create_accounts.sql", "V1_1__comment_only.sql",
                                                  "V2__index_email.sql", "V3__own_transaction.sql",
                                                  "V4__by_conf.sql"]
    assert "  V2__index_email.sql  (without a transaction: CREATE INDEX CONCURRENTLY at line 1)" in (
        page.confirmations[0])
    assert page.history() == "History: Flyway history (public.flyway_schema_history)"
    assert page.validate() == []

    # Another tool (Flyway with a Java migration) applied version 5 as JDBC: shown as external.
    with psycopg.connect(db.dsn, autocommit=True) as conn:
        conn.execute("INSERT INTO flyway_schema_history (installed_rank, version, description, type, script,"
                     " checksum, installed_by, execution_time, success) VALUES (6, '5', 'Backfill names', 'JDBC',"
                     " 'db.migration.V5__Backfill_names', NULL, 'flyway', 12, true)")
    page.refresh()
    external = page.external()
    assert [(r["version"], r["description"], r["type"]) for r in external] == [
        ("5", "Backfill names", "versioned (JDBC)")]
    assert "1 external" in page.panel.summary.text()
    assert page.pending() == [] and not page.panel.apply_button.isEnabled()  # never run by the console
    assert page.validate() == []


def test_database_flyway_migrated_is_found_without_any_setting(make_page, new_database, tmp_path):
    from aurora_console.core.db.migrations import MigrationRunner

    folder = tmp_path / "m"
    folder.mkdir()
    (folder / "V1__a.sql").write_text("CREATE TABLE a (id int);\n")
    (folder / "V2__b.sql").write_text("CREATE TABLE b (id int);\n")
    db = new_database()
    (folder / "V2__b.sql").rename(tmp_path / "later.sql")
    MigrationRunner(db.dsn, folder, table="flyway_schema_history").migrate()  # as Flyway left it: V1 applied
    (tmp_path / "later.sql").rename(folder / "V2__b.sql")

    page = make_page(db.dsn, folder)  # no flyway.conf: the table the database has decides
    assert page.history_format() == "flyway"
    assert page.history() == "History: Flyway history (public.flyway_schema_history)"
    assert [(r["script"], r["state"]) for r in page.rows()] == [("V1__a.sql", "applied"), ("V2__b.sql", "pending")]

    # Someone adds a console history table meanwhile: Apply still writes to the table the user saw.
    MigrationRunner(db.dsn, folder).baseline("1")
    page.migrate()
    assert "to profile 'gui'" in page.confirmations[0]
    with psycopg.connect(db.dsn) as conn:
        assert conn.execute("SELECT count(*) FROM aurora_console_schema_history").fetchone()[0] == 1  # the baseline
        assert conn.execute("SELECT count(*) FROM flyway_schema_history").fetchone()[0] == 2
    # Refresh decides again (the console's own table first) and says so.
    assert page.history() == "History: Aurora Console history (public.aurora_console_schema_history)"
