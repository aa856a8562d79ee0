"""The migrations panel's summary line and history tooltip (ui/migrations/overview_text.py, Qt-free)."""

from __future__ import annotations

from datetime import datetime, timezone

from aurora_console.core.db.migrations import AppliedMigration, MigrationInfo, Problem, Status, Version
from aurora_console.core.db.migrations.files import load_file
from aurora_console.core.db.migrations.overview import Overview
from aurora_console.core.db.migrations.transactions import TxDecision
from aurora_console.ui.migrations.overview_text import apply_question, history_tooltip, summary_html


def _file(tmp_path, name, sql):
    path = tmp_path / name
    path.write_text(sql)
    mig, problems = load_file(path, name)
    assert not problems
    return mig


def _overview(tmp_path, **kwargs):
    v2 = _file(tmp_path, "V2__index.sql", "CREATE INDEX CONCURRENTLY i ON t (c);")
    v3 = _file(tmp_path, "V3__more.sql", "SELECT 1;")
    jdbc = AppliedMigration(2, Version.parse("1.5"), "Backfill", "JDBC", "db.migration.V1_5__Backfill", None,
                            "flyway", datetime(2026, 1, 1, tzinfo=timezone.utc), 3, True)
    status = Status(
        infos=[MigrationInfo("db.migration.V1_5__Backfill", "versioned", jdbc.version, "Backfill", "external",
                             applied=jdbc),
               MigrationInfo(v2.script, "versioned", v2.version, v2.description, "pending", file=v2),
               MigrationInfo(v3.script, "versioned", v3.version, v3.description, "pending", file=v3)],
        pending=[v2, v3], current_version=Version.parse("1.5"),
        warnings=[Problem("notes.sql", "not a migration name, ignored", "ignored_file")], **kwargs)
    return Overview(status, "public", "flyway_schema_history", "flyway", True, ("/p/flyway.conf",),
                    {v2.script: TxDecision(False, "CREATE INDEX CONCURRENTLY at line 1"),
                     v3.script: TxDecision(True)})


def test_summary_counts_what_the_screen_shows(tmp_path):
    ov = _overview(tmp_path)
    assert summary_html(ov) == ("Current version 1.5 · 0 applied · 2 pending · 1 of them without a transaction"
                                " · 1 external · <span style='color:#bc4c00'>1 ignored file(s)</span>")
    assert ov.without_transaction() == {"V2__index.sql": "CREATE INDEX CONCURRENTLY at line 1"}
    assert [i.script for i in ov.external] == ["db.migration.V1_5__Backfill"]
    assert [w.script for w in ov.ignored] == ["notes.sql"]


def test_summary_adds_problems_and_the_last_failure(tmp_path):
    ov = _overview(tmp_path, problems=[Problem("V3__more.sql", "checksum changed", "checksum")])
    text = summary_html(ov, "Migration V2 failed")
    assert text.endswith("<span style='color:#cf222e'>1 problem(s)</span> · "
                         "<span style='color:#cf222e'>last run failed: Migration V2 failed</span>")


def test_history_tooltip_names_the_configuration_and_the_format(tmp_path):
    ov = _overview(tmp_path)
    assert history_tooltip(ov).startswith("Flyway configuration: /p/flyway.conf\nFlyway's table and format")
    ov.callbacks = ("beforeMigrate.sql",)
    assert history_tooltip(ov).endswith(".\nCallbacks it runs: beforeMigrate.sql")
    ov.callbacks = ()
    ov.config_sources, ov.history_format = (), "console"
    assert history_tooltip(ov) == ("No Flyway configuration (flyway.conf, flyway.toml, FLYWAY_*) for this folder\n"
                                   "The console's own history format (sha256 checksums).")
    assert ov.history_text == "Aurora Console history (public.flyway_schema_history)"


def test_apply_question_names_the_files_without_a_transaction(tmp_path):
    ov = _overview(tmp_path)
    assert apply_question(ov.status.pending, "prod", ov.without_transaction()) == (
        "Apply 2 migration(s) to profile 'prod'?\n\n"
        "  V2__index.sql  (without a transaction: CREATE INDEX CONCURRENTLY at line 1)\n  V3__more.sql")
    many = ov.status.pending * 7
    assert apply_question(many, "prod", {}).endswith("\n  V3__more.sql\n  …") and "14 migration(s)" in (
        apply_question(many, "prod", {}))
