"""Migrations: the schema history agrees with the migration files and nothing is pending."""

import pytest

pytest.importorskip("aurora_console.testing.pages_migrations", reason="the migrations page object is not installed")

from targets import DB_PROFILE  # noqa: E402


def test_schema_is_up_to_date(console):
    migrations = console.migrations(DB_PROFILE)
    assert migrations.validate() == []  # no changed checksum, missing file or failed entry
    assert migrations.applied()
    assert migrations.pending() == []
