"""Workspace tabs: a second SQL editor on one profile is numbered; long titles elide within a
maximum width so a crowded bar keeps every tab (Fleet included) in sight, full title as tooltip."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QHelpEvent
from PySide6.QtWidgets import QApplication, QLabel, QToolTip

from aurora_console.testing.console import close_console, open_console

pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore("does not support propagateSizeHints",
                                                        "does not support raise")]

DSN = "host=127.0.0.1 port=1 dbname=tab_titles user=nobody"


@pytest.fixture
def window(qtbot):
    win = open_console(qtbot)
    win.resize(1360, 850)
    yield win
    close_console(win)


def _titles(window):
    return [window.tabs.tabText(i) for i in range(window.tabs.count())]


@pytest.mark.no_aws_credentials  # no AWS credentials anywhere: the window starts on no profile
def test_second_sql_editor_on_a_profile_is_numbered(window):
    from aurora_console.ui.sql.feature import open_sql

    first = open_sql(window, DSN)
    second = open_sql(window, DSN)
    t1, t2 = (window.tabs.tabText(window.tabs.indexOf(t)) for t in (first, second))
    assert t1.startswith("SQL · ") and t2.startswith("SQL 2 · ") and t1[len("SQL · "):] == t2[len("SQL 2 · "):]
    second.editor.insertPlainText("select 1")  # the modified mark keeps the number
    assert window.tabs.tabText(window.tabs.indexOf(second)).startswith("SQL 2 · ")
    second.editor.document().setModified(False)
    window.close_tab(window.tabs.indexOf(first))
    third = open_sql(window, DSN)  # number 1 is free again
    assert window.tabs.tabText(window.tabs.indexOf(third)).startswith("SQL · ")


@pytest.mark.no_aws_credentials  # no AWS credentials anywhere: the window starts on no profile
def test_crowded_tab_bar_keeps_titles_readable_and_lists_every_tab(window, qtbot):
    from aurora_console.ui.tab_titles import MAX_TAB_WIDTH, MIN_TAB_WIDTH, fill_tab_list, tab_tooltip

    names = ["Fleet", "Backups · orders-production-eu", "Metrics · orders-production-eu",
             "SQL · orders-production-eu-readonly", "SQL 2 · orders-production-eu-readonly",
             "Content · orders-production-eu-readonly", "Migrations · orders-production-eu-readonly",
             "Connections", "Performance · orders-production-eu", "Logs · orders-production-eu-1",
             "Timeline · orders-production-eu"]
    for n, title in enumerate(names):
        window.open_tab(f"t{n}", title, lambda t=title: QLabel(t))
    bar = window.tabs.tabBar()
    qtbot.waitUntil(lambda: bar.tabRect(bar.count() - 1).width() > 0)
    QApplication.processEvents()
    assert bar.elideMode() == Qt.TextElideMode.ElideRight
    rects = [bar.tabRect(i) for i in range(bar.count())]
    assert all(r.width() <= MAX_TAB_WIDTH + 40 for r in rects)  # + padding and the close button
    fleet = _titles(window).index("Fleet")
    assert rects[fleet].width() < MIN_TAB_WIDTH  # a short title keeps its own width
    titles = _titles(window)
    narrow = [(t, r.width()) for t, r in zip(titles, rects, strict=True) if len(t) > 20 and r.width() < MIN_TAB_WIDTH]
    assert not narrow  # a long title is never squeezed to "Mig…"
    long_tab = _titles(window).index("Migrations · orders-production-eu-readonly")
    assert tab_tooltip(bar, long_tab) == "Migrations · orders-production-eu-readonly"
    pos = bar.tabRect(long_tab).center()
    QApplication.sendEvent(bar, QHelpEvent(QEvent.Type.ToolTip, pos, bar.mapToGlobal(pos)))
    assert QToolTip.text() == "Migrations · orders-production-eu-readonly"
    QToolTip.hideText()
    # what does not fit is reached through the corner's tab list: every tab by its full title
    button = window.tabs.cornerWidget(Qt.Corner.TopRightCorner)
    assert button.objectName() == "tabListButton" and button.accessibleName()
    actions = fill_tab_list(window.tabs, button.menu())
    assert [a.text() for a in actions] == _titles(window)
    assert [a.isChecked() for a in actions].count(True) == 1
    actions[fleet].trigger()
    assert window.tabs.currentIndex() == fleet


@pytest.mark.no_aws_credentials
def test_the_close_button_closes_its_own_tab_and_follows_the_theme(window, qtbot):
    from PySide6.QtWidgets import QTabBar, QToolButton

    for n, title in enumerate(["One", "Two", "Three"]):
        window.open_tab(f"c{n}", title, lambda t=title: QLabel(t))
    bar = window.tabs.tabBar()
    side = bar._close_side()
    buttons = [bar.tabButton(i, side) for i in range(bar.count())]
    assert all(isinstance(b, QToolButton) and b.objectName() == "tabCloseButton" for b in buttons)
    assert not window.tabs.tabsClosable()  # the style's own (boxed, red) buttons stay off
    two = _titles(window).index("Two")
    window.tabs.setCurrentIndex(0)
    qtbot.mouseClick(buttons[two], Qt.MouseButton.LeftButton)
    assert "Two" not in _titles(window) and {"One", "Three"} <= set(_titles(window))
    assert side in (QTabBar.ButtonPosition.LeftSide, QTabBar.ButtonPosition.RightSide)


@pytest.mark.no_aws_credentials
def test_the_navigator_collapses_from_the_tab_bar_and_ctrl_b(window, qtbot):
    button = window.tabs.cornerWidget(Qt.Corner.TopLeftCorner)
    assert button.objectName() == "navigatorToggle" and not button.icon().isNull()
    dock = window.navigator_dock
    assert dock.isVisible()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dock.isVisible())
    qtbot.keyClick(window, Qt.Key.Key_B, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(dock.isVisible)
    assert window.findChild(type(button.defaultAction()), "actionToggleNavigator").shortcut().toString() == "Ctrl+B"
