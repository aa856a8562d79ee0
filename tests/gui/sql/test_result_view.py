"""The result grid's paint and the fit of its row numbers after rows arrive (hundreds of calls
into the model, each needing the GIL) run with a fetching worker stepping aside
(ui/ui_first.py), so a fetch-all decoding rows on a worker does not make each call wait."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from PySide6.QtCore import Qt

from aurora_console.core.db.query import Column
from aurora_console.ui import ui_first
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
