"""The timeline's table model: each row's texts are made once when first painted, and a new set
of rows shows its own texts (the texts kept for the rows before are dropped)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from PySide6.QtCore import Qt

from aurora_console.core.aws.timeline import entries as te
from aurora_console.ui.timeline.table_model import TimelineTableModel

pytestmark = pytest.mark.gui

NOW = datetime(2026, 12, 7, 6, 0, tzinfo=timezone.utc)


def _entry(minutes, what, who="arn:aws:iam::1:user/a", where=""):
    return te.TimelineEntry(NOW - timedelta(minutes=minutes), te.SOURCE_CLOUDTRAIL, te.KIND_MODIFICATION, who, what,
                            where=where)


def texts(model):
    return [[model.index(r, c).data() for c in range(model.columnCount())] for r in range(model.rowCount())]


def test_rows_show_their_texts_and_new_rows_their_own(qapp):
    model = TimelineTableModel()
    first = [_entry(10, "ModifyDBCluster orders", where="10.0.0.1"), _entry(5, "RebootDBInstance orders-1")]
    model.set_rows(first)
    assert texts(model) == [
        ["2026-12-07 05:50:00", "CloudTrail", "modification", "arn:aws:iam::1:user/a", first[0].summary(), "10.0.0.1"],
        ["2026-12-07 05:55:00", "CloudTrail", "modification", "arn:aws:iam::1:user/a", first[1].summary(), ""]]
    assert texts(model) == texts(model)  # painted again: the same
    assert model.index(0, 5).data(Qt.ItemDataRole.ToolTipRole) == "10.0.0.1"
    assert model.index(1, 5).data(Qt.ItemDataRole.ToolTipRole) is None  # nothing to say
    assert model.index(0, 0).data(Qt.ItemDataRole.ToolTipRole) is None
    model.set_rows([_entry(1, "FailoverDBCluster orders", who="RDS")])
    assert texts(model) == [["2026-12-07 05:59:00", "CloudTrail", "modification", "RDS",
                             model.entry(0).summary(), ""]]
