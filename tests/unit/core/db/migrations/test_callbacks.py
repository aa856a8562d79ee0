"""SQL callback files as Flyway names them (``org.flywaydb.core.api.callback.Event``; github.com/flyway/
flyway flyway-core/src/main/java/org/flywaydb/core/api/callback/Event.java): ``<event>.sql`` or
``<event>__<description>.sql``; several of one event run in alphabetical order."""

from __future__ import annotations

import pytest

from aurora_console.core.db.migrations.callbacks import callback_event, find_callbacks
from aurora_console.core.db.migrations.files import discover


@pytest.mark.parametrize("name, event", [
    ("beforeMigrate.sql", "beforeMigrate"),
    ("afterEachMigrate__grants.sql", "afterEachMigrate"),
    ("afterMigrateError__notify_ops.sql", "afterMigrateError"),
    ("beforeEachMigrateStatement.sql", "beforeEachMigrateStatement"),
    ("beforeMigrate_x.sql", None),  # one underscore: not Flyway's separator
    ("BeforeMigrate.sql", None),
    ("beforeMigrate.sql.conf", None),
    ("V1__beforeMigrate.sql", None),
])
def test_callback_names(name, event):
    assert callback_event(name) == event


def test_find_callbacks_sorted_across_locations_and_never_migrations(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    for folder, names in ((a, ["beforeMigrate__2.sql", "V1__x.sql", "sub/afterMigrate.sql"]),
                          (b, ["beforeMigrate__1.sql", "beforeMigrate.sql", "beforeClean.sql"])):
        for n in names:
            (folder / n).parent.mkdir(parents=True, exist_ok=True)
            (folder / n).write_text("SELECT 1;")
    found = find_callbacks([a, b])
    assert [c.name for c in found.of("beforeMigrate")] == [
        "beforeMigrate.sql", "beforeMigrate__1.sql", "beforeMigrate__2.sql"]
    assert [c.script for c in found.of("afterMigrate")] == ["sub/afterMigrate.sql"]
    assert [c.event for c in found.unsupported] == ["beforeClean"]
    assert [m.script for m in discover(a).migrations] == ["V1__x.sql"] and not discover(a).warnings
