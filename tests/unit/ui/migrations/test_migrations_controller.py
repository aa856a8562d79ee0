"""MigrationsController without Qt: one operation at a time, what each action may do (folder,
pending, read-only), apply with its confirmation and stop, failures (validation, a failed
migration), repair, dry run, a new folder. A recording runner stands in for the task runner; each
test ends the tasks as the runner would deliver them."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import replace
from pathlib import Path
from types import SimpleNamespace

import pytest

from aurora_console.core.db.migrations import (
    MigrationFailed,
    Problem,
    RepairResult,
    ValidationFailed,
)
from aurora_console.core.db.migrations.overview import Overview
from aurora_console.ui.migrations.migrations_controller import MigrationsController
from aurora_console.ui.migrations.overview_text import summary_html
from tests.unit.recording_runner import RecordingRunner
from tests.unit.ui.migrations.test_overview_text import _overview as overview_with_flyway_files

pytestmark = pytest.mark.unit


def _overview(tmp_path, pending: bool = True) -> Overview:
    """The overview the summary tests use: V2 (without a transaction) and V3 pending, one external
    entry, one ignored file."""
    ov = overview_with_flyway_files(tmp_path)
    return ov if pending else replace(ov, status=replace(ov.status, pending=[]))


def make(tmp_path, folder=True, read_only=False):
    runner, owner = RecordingRunner(), object()
    c = MigrationsController(runner, "prod", connect=lambda: None, folder=tmp_path if folder else None,
                             read_only=read_only, owner=owner)
    c.seen = {"log": [], "changed": 0, "overviews": [], "refreshed": [], "finished": [], "repaired": [], "dry": []}
    c.log.connect(c.seen["log"].append)
    c.changed.connect(lambda: c.seen.__setitem__("changed", c.seen["changed"] + 1))
    c.overview_shown.connect(c.seen["overviews"].append)
    c.refreshed.connect(c.seen["refreshed"].append)
    c.finished.connect(c.seen["finished"].append)
    c.repaired.connect(c.seen["repaired"].append)
    c.dry_run_done.connect(c.seen["dry"].append)
    c.tasks, c.the_owner = runner, owner
    return c


def loaded(tmp_path, **kw):
    c = make(tmp_path, **kw)
    c.refresh()
    ov = _overview(tmp_path)
    c.tasks.tasks[-1].finish(ov)
    return c, ov


def test_without_a_folder_only_the_folder_can_be_chosen(tmp_path):
    c = make(tmp_path, folder=False)
    assert not c.can_read and c.can_change_folder and not c.can_apply and not c.can_repair and not c.can_stop
    c.refresh()
    c.validate()
    c.dry_run()
    assert c.tasks.tasks == []
    c.set_folder(tmp_path)
    assert c.folder == tmp_path and c.tasks.tasks[-1].name == "Migrations info (prod)"


def test_refresh_is_one_task_on_the_profiles_queue_then_shows_the_overview(tmp_path):
    c = make(tmp_path)
    c.refresh()
    task = c.tasks.tasks[-1]
    assert task.name == "Migrations info (prod)" and task.queue == "migrations:prod" and task.owner is c.the_owner
    assert c.busy and not c.can_read and not c.can_change_folder and not c.can_apply
    c.refresh()  # one at a time
    assert len(c.tasks.tasks) == 1
    ov = _overview(tmp_path)
    task.finish(ov)
    assert not c.busy and c.overview is ov and c.status is ov.status
    assert c.seen["overviews"] == [ov] and c.seen["refreshed"] == [ov.status]
    assert c.seen["log"] == ["warning: notes.sql: not a migration name, ignored"]
    assert c.summary == summary_html(ov)
    assert c.can_apply and c.can_repair and not c.can_stop


def test_read_only_profile_neither_applies_nor_repairs(tmp_path):
    c, _ov = loaded(tmp_path, read_only=True)
    assert c.can_read and not c.can_apply and not c.can_repair
    assert not c.apply(lambda q: True, on_event=print) and not c.repair(lambda q: True)
    assert len(c.tasks.tasks) == 1


def test_apply_asks_naming_the_profile_and_the_files_without_a_transaction(tmp_path):
    c, _ov = loaded(tmp_path)
    questions = []
    assert not c.apply(lambda q: questions.append(q) or False, on_event=print)
    assert len(c.tasks.tasks) == 1  # declined: nothing runs
    assert "prod" in questions[0] and "V2__index.sql  (without a transaction: CREATE INDEX CONCURRENTLY" in questions[0]
    assert c.apply(lambda q: True, on_event=print)
    task = c.tasks.tasks[-1]
    assert task.name == "Apply migrations (prod)" and c.can_stop


def test_stop_finishes_the_current_migration_then_the_apply_reports_what_is_left(tmp_path):
    c, _ov = loaded(tmp_path)
    c.apply(lambda q: True, on_event=print)
    task = c.tasks.tasks[-1]
    assert c.stop()
    assert task.cancel_requested and c.busy and not c.can_stop
    assert c.seen["log"][-1] == "Stopping after the current migration…"
    result = SimpleNamespace(applied=["V2__index.sql"], remaining=["V3__more.sql"], stopped=True)
    task.finish(result)
    assert c.last_result is result and c.seen["finished"] == [result]
    assert c.seen["log"][-1] == "Applied 1 migration(s); stopped with 1 left."
    assert c.tasks.tasks[-1].name == "Migrations info (prod)" and c.busy  # the screen reads the new state
    assert not c.stop() or c.busy  # nothing to stop once idle


def test_nothing_to_apply(tmp_path):
    c = make(tmp_path)
    c.refresh()
    c.tasks.tasks[-1].finish(_overview(tmp_path, pending=False))
    assert not c.can_apply
    assert not c.apply(lambda q: pytest.fail("no question without pending migrations"), on_event=print)
    assert c.seen["log"][-1] == "Nothing to apply."


def test_a_failed_validation_lists_its_problems(tmp_path):
    c, _ov = loaded(tmp_path)
    c.validate()
    assert c.seen["log"][-1] == "Validating…" and c.tasks.tasks[-1].name == "Validate migrations (prod)"
    exc = ValidationFailed([Problem("V1__a.sql", "checksum changed", "checksum")])
    c.tasks.tasks[-1].fail(exc)
    assert c.last_error is exc and c.validation_problems == exc.problems and not c.busy
    assert exc.hint and c.seen["log"][-3:] == ["Validation failed (1 problem(s)):", f"  {exc.problems[0]}",
                                               f"  What to do: {exc.hint}"]
    assert c.summary.startswith("<span style='color:#cf222e'>") and c.seen["finished"] == [exc]


def test_a_passed_validation_clears_the_problems(tmp_path):
    c, ov = loaded(tmp_path)
    c.validation_problems = ["old"]
    c.validate()
    c.tasks.tasks[-1].finish(ov)
    assert c.validation_problems == [] and "Validation passed: 3 migration(s), 2 pending." in c.seen["log"]


def test_a_failed_migration_refreshes_and_keeps_the_error_in_the_summary(tmp_path):
    c, ov = loaded(tmp_path)
    c.apply(lambda q: True, on_event=print)
    exc = MigrationFailed("V2__index.sql", "relation t does not exist")
    c.tasks.tasks[-1].fail(exc)
    assert c.seen["log"][-1].startswith("Error: ") and c.seen["finished"] == [exc]
    refresh = c.tasks.tasks[-1]
    assert refresh.name == "Migrations info (prod)"
    refresh.finish(ov)
    assert c.last_error is exc  # kept through the refresh
    assert c.summary == summary_html(ov, str(exc).strip().splitlines()[0])


def test_a_cancelled_task_ends_busy(tmp_path):
    c = make(tmp_path)
    c.refresh()
    c.tasks.tasks[-1].cancelled()
    assert not c.busy and c.can_read


def test_repair_asks_naming_the_table_then_logs_what_changed(tmp_path):
    c, _ov = loaded(tmp_path)
    questions = []
    assert c.repair(lambda q: questions.append(q) or True)
    assert "public.flyway_schema_history" in questions[0] and "'prod'" in questions[0]
    result = RepairResult(removed_failed=["V2__index.sql"], marked_deleted=["V0__gone.sql"])
    c.tasks.tasks[-1].finish(result)
    assert c.last_repair is result and c.seen["repaired"] == [result]
    assert "Repair: removed failed entry: V2__index.sql" in c.seen["log"]
    assert c.seen["log"][-1] == "1 migration(s) marked deleted; they will not be applied again."
    assert c.tasks.tasks[-1].name == "Migrations info (prod)"


def test_dry_run_hands_the_sql_to_the_screen(tmp_path):
    c, _ov = loaded(tmp_path)
    c.dry_run()
    result = SimpleNamespace(plan=[1, 2], prepared=[])
    c.tasks.tasks[-1].finish(result)
    assert c.seen["dry"] == [result] and c.seen["log"][-1] == "Dry run: 2 migration(s) would be applied."


def test_a_new_folder_forgets_the_old_overview(tmp_path):
    c, _ov = loaded(tmp_path)
    other = tmp_path / "other"
    c.set_folder(other)
    assert c.folder == Path(other) and c.overview is None and c.tasks.tasks[-1].name == "Migrations info (prod)"


def test_the_controller_imports_no_qt():
    code = ("import sys; sys.modules['PySide6'] = None; sys.modules['shiboken6'] = None\n"
            "import aurora_console.ui.migrations.migrations_controller\n")
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)
