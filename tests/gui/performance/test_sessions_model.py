"""The Sessions table highlights what the issue asks: a transaction open longer than its threshold
(amber) and a session idle in a transaction longer than its threshold (red, which wins), with the
reason in the tooltip; a blocked session's pid is red; the query is one elided line and a hidden
one reads <insufficient privilege>; the longest-running query comes first."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from PySide6.QtCore import Qt

from aurora_console.core.performance.activity import flag
from aurora_console.ui.performance.sessions_model import COLUMNS, QUERY_COLUMN, SessionsTableModel

pytestmark = pytest.mark.gui


@dataclass(frozen=True)
class Row:
    pid: int
    state: str = "active"
    query: str | None = "select 1"
    query_age_s: float | None = None
    xact_age_s: float | None = None
    state_age_s: float | None = None
    blocked_by: tuple = ()
    query_hidden: bool = False
    user: str = "app"
    database: str = "blog"
    application: str = "web"
    client: str = "10.0.0.5:5000"
    wait_event_type: str = ""
    wait_event: str = ""
    backend_type: str = "client backend"


ROWS = [
    Row(1, query="select 1", query_age_s=0.2, xact_age_s=0.2),
    Row(2, query="update posts\n   set title = title", query_age_s=400.0, xact_age_s=400.0),  # long transaction
    Row(3, state="idle in transaction", query="select * from posts for update", xact_age_s=90.0,
        state_age_s=90.0),  # idle too long
    Row(4, state="idle in transaction", query="select 1", xact_age_s=400.0, state_age_s=400.0),  # both: red
    Row(5, query="update posts set title = $1", query_age_s=3.0, xact_age_s=3.0, blocked_by=(3,),
        wait_event_type="Lock", wait_event="transactionid"),
    Row(6, query="<insufficient privilege>", query_hidden=True),
]


def brush(model, pid, column=0):
    value = model.data(model.index(model.row_of(pid), column), Qt.ItemDataRole.BackgroundRole)
    return None if value is None else value.color().name()


def test_long_and_idle_in_transaction_rows_are_tinted_beyond_the_thresholds(qapp):
    model = SessionsTableModel()
    model.set_rows(ROWS, lambda r: flag(r, long_xact_s=300, idle_in_xact_s=60))
    amber, red = brush(model, 2), brush(model, 3)
    assert amber and red and amber != red
    assert brush(model, 4) == red and brush(model, 2, QUERY_COLUMN) == amber  # the whole row
    assert brush(model, 1) is None and brush(model, 5) is None
    tip = model.data(model.index(model.row_of(3), 0), Qt.ItemDataRole.ToolTipRole)
    assert "idle in transaction beyond the threshold" in tip

    model.set_rows(ROWS, lambda r: flag(r, long_xact_s=3600, idle_in_xact_s=3600))  # thresholds raised
    assert all(brush(model, r.pid) is None for r in ROWS)


def test_blocked_pid_elided_query_hidden_query_and_order(qapp):
    model = SessionsTableModel()
    model.set_rows(ROWS, lambda r: set())
    blocked = model.data(model.index(model.row_of(5), 0), Qt.ItemDataRole.ForegroundRole)
    assert blocked is not None and model.data(model.index(model.row_of(1), 0), Qt.ItemDataRole.ForegroundRole) is None
    assert "waiting for pid 3" in model.data(model.index(model.row_of(5), 0), Qt.ItemDataRole.ToolTipRole)
    text = model.data(model.index(model.row_of(2), QUERY_COLUMN))
    assert text == "update posts set title = title"  # one line
    assert model.data(model.index(model.row_of(6), QUERY_COLUMN)) == "<insufficient privilege>"
    assert [model.row(i).pid for i in range(3)] == [2, 5, 1]  # the longest-running query first
    model.sort(COLUMNS.index("PID"), Qt.SortOrder.AscendingOrder)
    assert [r.pid for r in model.rows()] == [1, 2, 3, 4, 5, 6]


def test_the_detail_pane_says_why_a_session_is_highlighted(qtbot):
    from aurora_console.ui.performance.controller import LiveReading, PerformanceController
    from aurora_console.ui.performance.sessions_view import SessionsView
    from tests.unit.recording_runner import RecordingRunner

    class Snapshot:
        rows = tuple(ROWS)
        privilege_hint = None
        own_pid = 99

    c = PerformanceController(RecordingRunner(), "blog", list_instances=list, open_instance=lambda *a: None,
                              long_xact_s=300, idle_in_xact_s=60)
    c.reading = LiveReading(Snapshot(), (), (), 0.0)
    view = SessionsView(c)
    qtbot.addWidget(view)
    view.render()
    view.select_pid(4)
    view.render()
    state_line = next(line for line in view.detail.toPlainText().splitlines() if line.startswith("state:"))
    assert state_line == ("state: idle in transaction · highlighted: idle in its transaction 60 s or longer; "
                          "transaction open 300 s or longer")
    view.select_pid(1)
    view.render()
    assert "state: active\n" in view.detail.toPlainText() and "highlighted" not in view.detail.toPlainText()


def test_highlighted_rows_carry_a_shape_not_only_a_colour(qapp):
    """Long transaction, idle in transaction and blocked each have their own badge on the pid."""
    from aurora_console.ui.icons import icon

    model = SessionsTableModel()
    model.set_rows(ROWS, lambda r: flag(r, long_xact_s=300, idle_in_xact_s=60))

    def badge(pid):
        value = model.data(model.index(model.row_of(pid), 0), Qt.ItemDataRole.DecorationRole)
        return None if value is None else value.cacheKey()

    assert badge(2) == icon("triangle-alert", "#c98a00").cacheKey()
    assert badge(3) == icon("circle-pause", "#c0392b").cacheKey()
    assert badge(5) == icon("lock", "#cf222e").cacheKey()
    assert badge(1) is None


def _reference_data(model, index, role):
    """data() as it was written before its roles were answered from plain ints (the behaviour to keep)."""
    from aurora_console.ui.icons import icon
    from aurora_console.ui.performance.sessions_model import _BLOCKED, _IDLE, _LONG, PID_ROLE, one_line

    if not index.isValid():
        return None
    r, c = index.row(), index.column()
    if role == Qt.ItemDataRole.DisplayRole:
        return model._texts[r][c]
    row = model._rows[r]
    if role == PID_ROLE:
        return row.pid
    flags = model._flags[r]
    if role == Qt.ItemDataRole.DecorationRole and c == 0:
        if row.blocked_by:
            return icon("lock", "#cf222e")
        if flags:
            return icon("circle-pause", "#c0392b") if "idle in transaction" in flags else \
                icon("triangle-alert", "#c98a00")
        return None
    if role == Qt.ItemDataRole.BackgroundRole and flags:
        return _IDLE if "idle in transaction" in flags else _LONG
    if role == Qt.ItemDataRole.ForegroundRole and c == 0 and row.blocked_by:
        return _BLOCKED
    if role == Qt.ItemDataRole.ToolTipRole:
        tips = [f"{f} beyond the threshold" for f in sorted(flags)]
        if row.blocked_by:
            tips.append("waiting for pid " + ", ".join(str(p) for p in row.blocked_by))
        if c == QUERY_COLUMN and not row.query_hidden and row.query:
            tips.append(one_line(row.query, 1000))
        return "\n".join(tips) or None
    return None


def test_every_role_of_every_cell_answers_as_before(qapp):
    from aurora_console.ui.performance.sessions_model import PID_ROLE

    model = SessionsTableModel()
    model.set_rows(ROWS, lambda r: flag(r, long_xact_s=300, idle_in_xact_s=60))
    roles = [*range(0, 14), int(Qt.ItemDataRole.UserRole), int(PID_ROLE)]
    for r in range(model.rowCount()):
        for c in range(model.columnCount()):
            index = model.index(r, c)
            for role in roles:
                got, want = model.data(index, role), _reference_data(model, index, role)
                if hasattr(want, "cacheKey"):  # icons: the same rendered icon
                    assert got is not None and got.cacheKey() == want.cacheKey(), (r, c, role)
                else:
                    assert got == want, (r, c, role)
    assert model.data(model.index(99, 0), int(Qt.ItemDataRole.DisplayRole)) is None  # no such row
