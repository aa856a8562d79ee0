"""LogEntriesModel: rows follow mode drops from the start are removed as rows (no model reset,
which over tens of thousands of rows was the longest UI stall while a busy log streamed in), and
the rows shown are the controller's list, in order, whatever the mix of drops and appends."""

from __future__ import annotations

import pytest

from aurora_console.core.aws.db_logs.entries import parse_entries
from aurora_console.ui.logs.entries_model import LogEntriesModel
from tests.unit.core.aws.db_logs.fixtures import log_line

pytestmark = pytest.mark.gui


def entries(n):
    return list(parse_entries(["".join(log_line(i) for i in range(n))]))


def signals(model):
    seen = []
    model.modelAboutToBeReset.connect(lambda: seen.append(("reset",)))
    model.rowsRemoved.connect(lambda _p, first, last: seen.append(("removed", first, last)))
    model.rowsInserted.connect(lambda _p, first, last: seen.append(("inserted", first, last)))
    return seen


def test_rows_dropped_from_the_start_are_removed_then_new_rows_inserted(qapp):
    pool = entries(100)
    model = LogEntriesModel()
    shown = pool[:40]
    model.show(shown, 0, 0)
    seen = signals(model)
    shown = pool[25:60]  # follow mode dropped 25 from the start and appended 20
    model.show(shown, 0, 25)
    assert seen == [("removed", 0, 24), ("inserted", 15, 34)]
    assert model.entries == shown
    seen.clear()
    model.show(pool[70:100], 0, 25 + 45)  # everything dropped since: nothing to keep
    assert seen == [("reset",)] and model.entries == pool[70:100]


def test_any_mix_of_drops_and_appends_shows_the_list_in_order(qapp):
    pool = entries(400)
    model = LogEntriesModel()
    start, end, dropped = 0, 10, 0
    model.show(pool[start:end], 0, dropped)
    for step, (drop, add) in enumerate([(0, 30), (5, 0), (20, 40), (0, 0), (60, 100), (90, 20), (3, 1)]):
        start, end, dropped = start + drop, end + add, dropped + drop
        model.show(pool[start:end], 0, dropped)
        assert model.entries == pool[start:end], step
        assert model.rowCount() == end - start
        assert model.data(model.index(0, 6)).startswith(pool[start].message.split("\n")[0])
    model.show(pool[start:end - 1], 1, dropped)  # another change: a reset
    assert model.entries == pool[start:end - 1]


def test_the_last_row_joined_with_the_next_portions_lines_changes_in_place(qapp):
    from aurora_console.ui.logs.controller import join_entries

    pool = entries(50)
    model = LogEntriesModel()
    shown = pool[:30]
    model.show(shown, 0, 0, 0)
    seen = signals(model)
    changed = []
    model.dataChanged.connect(lambda top, bottom, _roles=(): changed.append((top.row(), bottom.row())))
    rest = list(parse_entries(["\tand its next line\n"]))[0]
    shown = pool[:29] + [join_entries(pool[29], rest)] + pool[30:40]
    model.show(shown, 0, 0, 1)
    assert seen == [("inserted", 30, 39)] and changed == [(29, 29)]
    assert model.entries == shown and model.entry(29).message.endswith("and its next line")
    seen.clear(), changed.clear()
    shown = shown[10:-1] + [join_entries(shown[-1], rest)] + pool[40:45]  # dropped and joined at once
    model.show(shown, 0, 10, 2)
    assert seen == [("removed", 0, 9), ("inserted", 30, 34)] and changed == [(29, 29)]
    assert model.entries == shown


def test_the_selected_row_stays_selected_while_older_rows_are_dropped(qapp):
    from PySide6.QtWidgets import QTableView

    pool = entries(100)
    model = LogEntriesModel()
    view = QTableView()
    view.setModel(model)
    model.show(pool[:40], 0, 0)
    view.selectRow(30)
    model.show(pool[25:60], 0, 25)
    assert view.currentIndex().row() == 5 and model.entry(5) is pool[30]
    assert [i.row() for i in view.selectionModel().selectedRows()] == [5]
