"""EntriesDelegate: the Logs table's plain cells are painted with one call into the model each
(the stock delegate asked for seven roles per cell and laid each text out to elide it, most of
the UI thread's paint while a busy log streams in). What a DBA sees must not change: the same
texts, elided when too long for the column, in the severity's colour; the selected row and the
current cell painted by the stock delegate (highlight, focus)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFontMetrics, QImage
from PySide6.QtWidgets import QStyledItemDelegate, QTableView

from aurora_console.core.aws.db_logs.entries import parse_entries
from aurora_console.ui.logs import entries_delegate
from aurora_console.ui.logs.entries_delegate import EntriesDelegate, shown_text
from aurora_console.ui.logs.entries_model import COLUMNS, SEVERITY_COLOURS, LogEntriesModel
from aurora_console.ui.logs.screen import EntriesTable
from tests.unit.core.aws.db_logs.fixtures import log_line

pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore("does not support propagateSizeHints")]


def entries(n, *, every_error: int = 0, long_from: int | None = None):
    lines = []
    for i in range(n):
        line = log_line(i, message=("x" * 300 + f" {i}") if long_from is not None and i >= long_from else None)
        if every_error and i % every_error == 0:
            line = line.replace(":LOG:  ", ":ERROR:  ")
        lines.append(line)
    return list(parse_entries(["".join(lines)]))


def table_of(qtbot, shown, delegate_class):
    table = EntriesTable()
    model = LogEntriesModel(table)
    model.show(shown)
    table.setModel(model)
    if delegate_class is EntriesDelegate:
        table.setItemDelegate(EntriesDelegate(model, table))
    else:
        table.setItemDelegate(QStyledItemDelegate(table))
    table.verticalHeader().hide()
    table.setWordWrap(False)
    for col, width in enumerate((170, 130, 80, 80, 60, 70)):
        table.horizontalHeader().resizeSection(col, width)
    table.horizontalHeader().setStretchLastSection(True)
    table.resize(900, 400)
    qtbot.addWidget(table)
    table.show()
    qtbot.waitExposed(table)
    return table, model


def pixels(table: QTableView) -> QImage:
    viewport = table.viewport()
    image = QImage(viewport.size(), QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.white)
    viewport.render(image)
    return image


def test_plain_cells_show_the_same_texts_as_the_stock_delegate(qtbot):
    # the stock delegate's picture of the same rows, short texts and ones elided at the
    # column's end: the texts a DBA reads are the same, drawn in the same places
    shown = entries(40, every_error=3, long_from=20)
    stock, _ = table_of(qtbot, shown, QStyledItemDelegate)
    own, model = table_of(qtbot, shown, EntriesDelegate)
    own.scrollToBottom()
    stock.scrollToBottom()
    qtbot.wait(10)
    own.itemDelegate().painted = 0
    a, b = pixels(stock), pixels(own)
    assert own.itemDelegate().painted > 0  # painted by the delegate, not the stock one
    differ = sum(1 for y in range(a.height()) for x in range(0, a.width(), 2) if a.pixel(x, y) != b.pixel(x, y))
    # anti-aliased glyph edges may land a shade apart; texts, colours and places may not
    assert differ <= a.width() * a.height() // 2 // 200, differ  # placed 1 px lower: 15% differ


def test_an_error_row_is_drawn_in_its_severity_colour_and_a_long_message_elided(qtbot):
    shown = entries(10, every_error=2, long_from=0)
    table, model = table_of(qtbot, shown, EntriesDelegate)
    delegate = table.itemDelegate()
    delegate.prepare()
    image = pixels(table)
    error = QColor(SEVERITY_COLOURS["ERROR"]).rgb()
    row_height = table.rowHeight(0)
    rows_in_red = {y // row_height for y in range(image.height()) for x in range(0, image.width(), 3)
                   if image.pixel(x, y) == error}
    assert rows_in_red and all(model.entry(r).severity == "ERROR" for r in rows_in_red)
    # the message column's text, elided as the stock delegate elides it
    col = COLUMNS.index("Message")
    text = model.cell(0, col)[0]
    width = table.columnWidth(col) - 2 * delegate._margin
    metrics = QFontMetrics(table.font())
    assert metrics.horizontalAdvance(text) > width
    assert shown_text(text, width, metrics, Qt.TextElideMode.ElideRight) == \
        metrics.elidedText(text, Qt.TextElideMode.ElideRight, width)
    assert shown_text(text, width, metrics, Qt.TextElideMode.ElideRight).endswith("…")


def test_the_selected_row_and_the_current_cell_are_left_to_the_stock_delegate(qtbot):
    shown = entries(5)
    table, _ = table_of(qtbot, shown, EntriesDelegate)
    table.setFocus()
    table.selectRow(2)
    delegate = table.itemDelegate()
    delegate.painted = 0
    image = pixels(table)
    columns = len(COLUMNS)
    assert delegate.painted == (len(shown) - 1) * columns  # every cell but the selected row's
    highlight = table.palette().color(table.palette().ColorGroup.Inactive, table.palette().ColorRole.Highlight)
    active = table.palette().color(table.palette().ColorGroup.Active, table.palette().ColorRole.Highlight)
    y = int(table.rowHeight(0) * 2.5)
    assert QColor(image.pixel(table.columnWidth(0) + 5, y)) in (highlight, active)


def test_widths_are_remembered_per_text_and_the_memory_is_bounded(qapp, monkeypatch):
    metrics = QFontMetrics(QTableView().font())
    widths: dict[str, int] = {}
    assert shown_text("app", 100, metrics, Qt.TextElideMode.ElideRight, widths) == "app"
    assert widths == {"app": metrics.horizontalAdvance("app")}
    long = "application_name_longer_than_the_column"
    assert shown_text(long, 100, metrics, Qt.TextElideMode.ElideRight, widths).endswith("…")
    widths[long] = 50  # what is remembered is used: not measured again
    assert shown_text(long, 100, metrics, Qt.TextElideMode.ElideRight, widths) == long
    monkeypatch.setattr(entries_delegate, "WIDTHS_KEPT", 3)
    for text in ("a", "b", "c", "d"):
        shown_text(text, 100, metrics, Qt.TextElideMode.ElideRight, widths)
    assert len(widths) <= 3 and "d" in widths


def test_a_font_change_measures_the_texts_again(qtbot):
    table, _ = table_of(qtbot, entries(5), EntriesDelegate)
    delegate = table.itemDelegate()
    delegate.prepare()
    pixels(table)
    assert delegate._widths
    font = table.font()
    font.setPointSizeF(font.pointSizeF() * 2)
    table.setFont(font)
    delegate.prepare()
    assert not delegate._widths  # measured in the old font: gone
    pixels(table)
    client = table.model().cell(0, 1)[0]
    assert delegate._widths[client] == QFontMetrics(font).horizontalAdvance(client)


def test_a_message_with_a_tab_is_left_to_the_stock_delegate(qtbot):
    shown = list(parse_entries([log_line(0, message="a\tb") + log_line(1)]))
    table, _ = table_of(qtbot, shown, EntriesDelegate)
    delegate = table.itemDelegate()
    delegate.painted = 0
    pixels(table)
    assert delegate.painted == 2 * len(COLUMNS) - 1  # all but the tabbed message
