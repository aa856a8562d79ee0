"""Content editor: the table opens and shows rows (nothing is edited)."""

import pytest

pytest.importorskip("aurora_console.testing.pages_content", reason="the content page object is not installed")

from targets import DB_PROFILE, TABLE  # noqa: E402


def test_table_opens(console):
    table = console.content(DB_PROFILE).table(TABLE)
    rows = table.rows()
    assert rows, f"{TABLE} shows no rows"
    assert table.pending()["total"] == 0
