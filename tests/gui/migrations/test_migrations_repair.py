"""The migrations panel's Repair button on a real PostgreSQL: the question names what will be marked
deleted, the log lists it, the table shows 'deleted'; read-only profiles cannot repair."""

from __future__ import annotations

import psycopg
import pytest

pytestmark = [pytest.mark.gui, pytest.mark.timeout(120),
              pytest.mark.qt_log_ignore("does not support propagateSizeHints")]


@pytest.fixture
def folder(tmp_path):
    d = tmp_path / "migrations"
    d.mkdir()
    for name, sql in [("V1__a.sql", "CREATE TABLE a (id int);"), ("V2__b.sql", "CREATE TABLE b (id int);"),
                      ("V3__c.sql", "CREATE TABLE c (id int);")]:
        (d / name).write_text(sql)
    return d


@pytest.fixture
def make_page(qtbot, runner):
    from aurora_console.core.db.migrations import connection_factory
    from aurora_console.testing.pages_migrations import MigrationsPage
    from aurora_console.ui.migrations.panel import MigrationsPanel

    def make(dsn, folder, *, read_only=False):
        panel = MigrationsPanel(runner, "gui", connection_factory(dsn), folder, read_only=read_only)
        qtbot.addWidget(panel)
        panel.resize(1100, 600)
        panel.show()
        return MigrationsPage.for_widget(qtbot, panel)

    return make


def delete_rows(dsn) -> int:
    with psycopg.connect(dsn) as conn:
        return conn.execute("SELECT count(*) FROM aurora_console_schema_history WHERE type = 'DELETE'").fetchone()[0]


def test_repair_marks_missing_file_deleted_and_says_so(make_page, new_database, folder):
    db = new_database()
    page = make_page(db.dsn, folder)
    assert len(page.migrate().applied) == 3
    (folder / "V2__b.sql").unlink()
    page.refresh()
    assert {r["script"]: r["state"] for r in page.rows()}["V2__b.sql"] == "missing"
    assert any("V2__b.sql" in p for p in page.validate())
    assert page.panel.repair_button.isEnabled()

    # The user declines: nothing changes.
    page.panel.confirm = lambda text: False
    page.panel.repair()
    page.wait()
    assert delete_rows(db.dsn) == 0 and page.panel.last_repair is None

    page.panel.confirm = page._confirm
    page.panel.repair()
    page.wait()
    question = page.confirmations[-1]
    assert "profile 'gui'" in question and "public.aurora_console_schema_history" in question
    assert "will be marked deleted" in question and "Mark deleted (file gone):\n      V2__b.sql" in question
    assert page.panel.last_repair.marked_deleted == ["V2__b.sql"]
    assert "Repair: marked deleted (file gone): V2__b.sql" in page.log()
    page.wait()  # the refresh that follows
    row = next(r for r in page.rows() if r["script"] == "V2__b.sql")
    assert row["state"] == "deleted" and row["checksum"] == ""
    assert page.validate() == [] and page.pending() == []
    assert delete_rows(db.dsn) == 1

    # A second repair finds nothing and writes nothing.
    page.panel.repair()
    page.wait()
    assert "found nothing to repair" in page.confirmations[-1]
    assert page.panel.last_repair.changed is False and "Repair: Nothing to repair." in page.log()
    assert delete_rows(db.dsn) == 1

    # The very file that ran comes back: a validation problem until repair restores it (nothing runs).
    (folder / "V2__b.sql").write_text("CREATE TABLE b (id int);")
    page.refresh()
    assert any("marked deleted by repair" in p for p in page.problems()) and page.pending() == []
    assert not page.panel.apply_button.isEnabled()
    page.panel.repair()
    page.wait()
    assert "Restore as applied (the file that ran is back, unchanged; nothing runs):\n      V2__b.sql" \
        in page.confirmations[-1]
    assert page.panel.last_repair.restored == ["V2__b.sql"]
    page.wait()
    assert {r["script"]: r["state"] for r in page.rows()}["V2__b.sql"] == "applied"
    assert page.validate() == [] and delete_rows(db.dsn) == 0


def test_read_only_profile_cannot_repair(make_page, new_database, folder):
    db = new_database()
    writer = make_page(db.dsn, folder)
    writer.migrate()
    (folder / "V2__b.sql").unlink()
    page = make_page(db.dsn, folder, read_only=True)
    assert not page.panel.repair_button.isEnabled()
    assert "read-only" in page.panel.repair_button.toolTip()
    page.panel.repair()
    page.wait()
    assert page.confirmations == [] and page.panel.last_repair is None
    assert delete_rows(db.dsn) == 0


def test_page_object_repair_and_its_guard(make_page, new_database, folder):
    db = new_database()
    page = make_page(db.dsn, folder)
    page.migrate()
    (folder / "V2__b.sql").unlink()  # (the newest, V3, would be 'future': Flyway's repair keeps those)
    page.refresh()
    result = page.repair()
    assert result.marked_deleted == ["V2__b.sql"] and delete_rows(db.dsn) == 1
    assert page.validate() == []

    refused = []
    page._guard = lambda what: refused.append(what) or (_ for _ in ()).throw(PermissionError(what))
    with pytest.raises(PermissionError):
        page.repair()  # a smoke test against a real profile cannot repair without --aurora-allow-changes
    assert "Repairing the migrations history" in refused[0]
