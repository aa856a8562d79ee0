"""The result grid's paint and the fit of its row numbers after rows arrive (hundreds of calls
into the model, each needing the GIL) run with a fetching worker stepping aside
(ui/ui_first.py), so a fetch-all decoding rows on a worker does not make each call wait."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from PySide6.QtCore import Qt

from aurora_console.core.db.query import Column
from aurora_console.ui import ui_first
from aurora_console.ui.sql import result_view
from aurora_console.ui.sql.result_model import ResultTableModel
from aurora_console.ui.sql.result_view import ResultView

pytestmark = pytest.mark.gui


class _Recording(ResultTableModel):
    """Records, for each call the views make, whether the UI thread was inside ui_first."""

    def __init__(self, result) -> None:
        super().__init__(result)
        self.calls: list[tuple[str, bool]] = []

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        self.calls.append(("data", ui_first.inside()))
        return super().data(index, role)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if orientation == Qt.Orientation.Vertical:
            self.calls.append(("row header", ui_first.inside()))
        return super().headerData(section, orientation, role)


def test_painting_and_fitting_the_row_numbers_run_with_workers_stepping_aside(qtbot):
    stream = SimpleNamespace(closed=False, exhausted=True, fetched=40_001, closed_reason="")
    result = SimpleNamespace(columns=[Column("n", "int4", 23), Column("t", "text", 25)], rows=[(0, "zero")],
                             stream=stream, status="SELECT 1", elapsed_s=0.01)
    model = _Recording(result)
    view = ResultView(model)
    view.resize(600, 400)
    view.show()
    qtbot.waitExposed(view)
    model.calls.clear()
    model.append_rows([(i, f"row {i}") for i in range(1, 40_001)])  # a fetch-all's slice arrives
    qtbot.waitUntil(lambda: any(name == "row header" for name, _ in model.calls))
    view.table.viewport().repaint()
    view.table.verticalHeader().repaint()
    assert {name for name, _ in model.calls} == {"data", "row header"}
    outside = [name for name, inside in model.calls if not inside]
    assert not outside, f"{len(outside)} of {len(model.calls)} calls outside ui_first: {set(outside)}"


_COLUMNS = (Column("n", "int4", 23), Column("t", "text", 25))


def _view(rows: list[tuple]):
    stream = SimpleNamespace(closed=False, exhausted=True, fetched=len(rows), closed_reason="")
    result = SimpleNamespace(columns=list(_COLUMNS), rows=rows, stream=stream, status=f"SELECT {len(rows)}",
                             elapsed_s=0.01)
    return _Recording(result)


@pytest.mark.parametrize("n", [1, 9, 10, 12_345, 1_000_001])
def test_the_row_numbers_are_as_wide_as_qt_makes_them_with_a_call_instead_of_a_thousand(qtbot, n):
    from PySide6.QtWidgets import QHeaderView

    model = _view([(i, "x") for i in range(n)])
    model.max_rows = n
    view = ResultView(model)
    view.show()
    qtbot.waitExposed(view)
    header = view.table.verticalHeader()
    assert header.sizeHint().width() == QHeaderView.sizeHint(header).width()  # Qt's own, measured
    model.calls.clear()
    view.table.updateGeometries()  # what rows arriving makes the view do
    assert sum(1 for name, _ in model.calls if name == "row header") < 20  # Qt's own: ~1,000 calls


def test_columns_fit_the_first_rows_without_asking_about_a_thousand(qtbot):
    rows = [(i, "a much longer text in the first row" if i == 0 else "x") for i in range(5000)]
    model = _view(rows)
    asked: set[int] = set()
    real_value = model._rows.value
    model._rows.value = lambda r, c: (asked.add(r), real_value(r, c))[1]
    view = ResultView(model)
    view.resize(600, 400)
    assert len(asked) <= 60 + result_view.FIT_ROWS  # the visible rows and FIT_ROWS more, not 1,000
    assert view.table.columnWidth(1) > view.table.columnWidth(0)  # the long text widened its column


def test_the_roles_a_cell_does_not_answer_end_before_its_value_is_read():
    model = _view([(1, None), (2, "b")])
    looked_up = []
    real_value = model._rows.value
    model._rows.value = lambda r, c: (looked_up.append((r, c)), real_value(r, c))[1]
    idx = model.index(0, 1)
    for role in (Qt.ItemDataRole.DecorationRole, Qt.ItemDataRole.BackgroundRole, Qt.ItemDataRole.CheckStateRole,
                 Qt.ItemDataRole.SizeHintRole, Qt.ItemDataRole.EditRole):
        assert model.data(idx, role) is None
    assert looked_up == []
    assert model.data(idx) == "NULL" and model.data(idx, Qt.ItemDataRole.FontRole).italic()
    assert model.data(model.index(1, 0), Qt.ItemDataRole.TextAlignmentRole) & Qt.AlignmentFlag.AlignRight
    assert model.data(model.index(1, 1), Qt.ItemDataRole.UserRole) == "b"
    assert model.data(model.index(1, 1), int(Qt.ItemDataRole.ToolTipRole)) == "b"  # a plain int role too


def test_the_status_line_is_refreshed_once_a_turn_while_slices_are_inserted(qtbot):
    model = _view([(0, "zero")])
    view = ResultView(model)
    refreshed = []
    real = view._refresh
    view._refresh = lambda *a: (refreshed.append(model.rowCount()), real(*a))
    for b in range(5):  # one turn's slices of a fetch-all
        model.append_rows([(b * 10 + i, "r") for i in range(1, 11)])
    assert refreshed == []
    qtbot.waitUntil(lambda: refreshed == [51])
    assert "51 rows" in view.status.text()
