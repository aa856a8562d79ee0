"""Migrations in a cluster's timeline, from real history tables on the rig's PostgreSQL: the
console's format and Flyway's, of two profiles (databases) pointing at the cluster; one profile
that cannot connect loses only its own line."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from aurora_console.core.aws.timeline.entries import KIND_MIGRATION, SOURCE_MIGRATIONS
from aurora_console.core.aws.timeline.gather import gather_timeline
from aurora_console.core.db.migrations.engine import MigrationRunner
from aurora_console.core.performance.explain_window import read_migrations

pytestmark = pytest.mark.integration


def _reader(db):
    def read(start, end):
        with db.connect() as conn:
            return read_migrations(conn, start, end)
    return read


def _broken(start, end):
    raise ConnectionError("connection to server at 10.0.0.9, port 5432 failed: timeout expired")


def test_runs_of_every_profile_in_both_formats(new_database, tmp_path):
    app, ops = new_database(), new_database()
    for name, db, kwargs in (("app", app, {"table": "flyway_schema_history"}),
                             ("ops", ops, {"schema": "ops", "table": "schema_changes", "history_format": "console"})):
        folder = tmp_path / name
        folder.mkdir()
        (folder / "V1__create_posts.sql").write_text("CREATE TABLE posts (id int);")
        (folder / "V2__index_posts.sql").write_text("CREATE INDEX ON posts (id);")
        MigrationRunner(db.conninfo, folder, **kwargs).migrate()
    now = datetime.now(timezone.utc)
    timeline = gather_timeline(cluster_id="orders", since=now - timedelta(hours=1), until=now + timedelta(minutes=1),
                               migrations={"app": _reader(app), "ops": _reader(ops), "offline": _broken})
    rows = timeline.filtered(sources=[SOURCE_MIGRATIONS])
    assert sorted((r.where, r.detail["table"], r.detail["format"], r.detail["version"]) for r in rows) == [
        ("profile app", "public.flyway_schema_history", "flyway", "1"),
        ("profile app", "public.flyway_schema_history", "flyway", "2"),
        ("profile ops", "ops.schema_changes", "console", "1"),
        ("profile ops", "ops.schema_changes", "console", "2")]
    assert all(r.kind == KIND_MIGRATION and r.who for r in rows)
    assert [r.time for r in timeline.entries] == sorted(r.time for r in timeline.entries)
    assert any("V2 index posts" in r.what for r in rows)
    assert list(timeline.problems) == ["migrations (offline)"]
    assert "timeout expired" in timeline.problems["migrations (offline)"]
