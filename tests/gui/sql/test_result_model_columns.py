"""The grid over rows kept by column: a fetch-all from a real PostgreSQL shows NULL as NULL (not
the empty text), numeric exactly as the server wrote it, numbers right-aligned, hands the exact
value to the cell viewer, and copies the same text as the plain rows would give."""

from __future__ import annotations

from decimal import Decimal

import psycopg
import pytest
from PySide6.QtCore import Qt

from aurora_console.core.db.query import run_statement
from aurora_console.core.db.session import DbSession
from aurora_console.core.db.values import rows_as_tsv
from aurora_console.ui.sql.result_model import ResultTableModel
from aurora_console.ui.sql.result_view import ResultView

pytestmark = pytest.mark.gui

SQL = """SELECT g AS id, CASE WHEN g % 10 = 0 THEN NULL WHEN g % 10 = 1 THEN '' ELSE 'name ' || g END AS name,
                CASE WHEN g % 7 = 0 THEN NULL ELSE g / 8.0 END AS amount
         FROM generate_series(1, 12000) g ORDER BY g"""


def test_a_fetch_all_kept_by_column_shows_and_copies_the_plain_values(qtbot, sql_runner, pg_dsn):
    with psycopg.connect(pg_dsn, autocommit=True) as conn:
        want = conn.execute(SQL).fetchall()
    session = DbSession(pg_dsn).connect()
    try:
        model = ResultTableModel(run_statement(session, SQL, first_batch=100), sql_runner, "db:test")
        model.fetch_all()
        qtbot.waitUntil(lambda: model.complete, timeout=30_000)
        assert model.rowCount() == 12000 and list(model.rows) == want

        def cell(r, c, role=Qt.ItemDataRole.DisplayRole):
            return model.data(model.index(r, c), role)

        assert cell(9, 1) == "NULL" and cell(9, 1, Qt.ItemDataRole.FontRole).italic()  # NULL, shown as such
        assert cell(10, 1) == "" and cell(10, 1, Qt.ItemDataRole.FontRole) is None  # empty text is not NULL
        assert cell(8001, 2) == "1000.2500000000000000" == str(want[8001][2])  # numeric as the server wrote it
        assert cell(8001, 2, Qt.ItemDataRole.UserRole) == Decimal("1000.25")
        assert cell(6, 2) == "NULL"
        assert cell(11999, 0) == "12000"
        assert cell(11999, 0, Qt.ItemDataRole.TextAlignmentRole) & Qt.AlignmentFlag.AlignRight

        view = ResultView(model)
        qtbot.addWidget(view)
        sel = view.table.selectionModel()
        for r in (5, 9, 11000):
            for c in range(3):
                sel.select(model.index(r, c), sel.SelectionFlag.Select)
        assert view.rows_tsv() == rows_as_tsv(["id", "name", "amount"], [want[5], want[9], want[11000]])
    finally:
        session.close()
