import pytest
from PySide6.QtWidgets import QDialogButtonBox

from aurora_console.ui.metrics.range_dialog import CustomRangeDialog

pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore("does not support propagateSizeHints")]
NOW = 1_800_000_000
DAY = 86400


def ok_enabled(dialog):
    return dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).isEnabled()


def test_dialog_refuses_bad_ranges_and_accepts_good_ones(qtbot):
    dialog = CustomRangeDialog(NOW - 3600, NOW, utc=True, now=lambda: NOW)
    qtbot.addWidget(dialog)
    assert ok_enabled(dialog) and dialog.range() == (NOW - 3600, NOW)

    dialog.set_range(NOW - 600, NOW - 3600)  # end before start
    assert not ok_enabled(dialog) and "after its start" in dialog.error.text()
    dialog.accept()
    assert dialog.result() == 0  # refused, still open

    dialog.set_range(NOW - 500 * DAY, NOW - 499 * DAY)  # beyond CloudWatch retention
    assert not ok_enabled(dialog) and "455 days" in dialog.error.text()

    dialog.set_range(NOW - 20 * DAY, NOW - 19 * DAY)
    assert ok_enabled(dialog) and dialog.error.text() == ""
    with qtbot.waitSignal(dialog.accepted):
        dialog.accept()
