"""The state line every screen uses: loading (a mark that turns), empty, error (one-line reason,
next step, Retry), plain status; each says its state in words to a screen reader."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

from aurora_console.core.errors import ConsoleError
from aurora_console.ui.state_banner import StateBanner

_KEEP = []  # the parents, alive until the tests end (a banner dies with its parent)


def _banner(qtbot):
    parent = QWidget()
    qtbot.addWidget(parent)
    _KEEP.append(parent)
    banner = StateBanner(parent, objectName="someStatus")
    parent.show()
    return banner


def test_each_state_has_its_word_and_mark(qtbot):
    banner = _banner(qtbot)
    assert not banner.isVisible() and banner.state == "none"
    banner.loading("Reading 3 regions…")
    assert banner.isVisible() and banner.accessibleName() == "Loading: Reading 3 regions…"
    first = banner.mark.pixmap().cacheKey()
    qtbot.waitUntil(lambda: banner.mark.pixmap().cacheKey() != first, timeout=2000)  # the mark turns
    banner.empty("No snapshots yet.")
    assert banner.state == "empty" and banner.accessibleName().startswith("Nothing to show:")
    assert not banner._timer.isActive()  # nothing turns once loaded
    banner.setText("12 clusters")  # the status label's interface
    assert banner.state == "info" and banner.text() == "12 clusters"
    banner.setText("")
    assert banner.state == "none" and not banner.isVisible()


def test_an_error_is_one_line_with_the_next_step_and_retry(qtbot):
    banner = _banner(qtbot)
    tries = []
    banner.error_from(ConsoleError("AWS refused the call.\nlong detail", hint="Check the profile's role."),
                      retry=lambda: tries.append(1))
    assert banner.state == "error"
    assert banner.text() == "AWS refused the call.\nCheck the profile's role."
    assert banner.accessibleName().startswith("Error: AWS refused the call.")
    assert banner.retry_button.isVisible()
    qtbot.mouseClick(banner.retry_button, Qt.MouseButton.LeftButton)
    assert tries == [1] and not banner.retry_button.isVisible()
    banner.error("No retry here")
    assert not banner.retry_button.isVisible()


def test_an_error_without_a_hint_keeps_the_next_step_its_wording_put_below(qtbot):
    banner = _banner(qtbot)
    banner.error_from(RuntimeError("The AWS login of profile corp expired.\nRun: aws sso login --profile corp"))
    assert "aws sso login --profile corp" in banner.text()
