"""The workspace's tab bar: titles that stay readable, the platform's own close buttons, and a tab
list for what does not fit. Installed like a feature (``install(window)``).

* A tab is as wide as its title up to ``MAX_TAB_WIDTH`` (a longer title elides at the right, full
  title as the tooltip) and never narrower than ``MIN_TAB_WIDTH`` or its title: a crowded bar
  scrolls (the current tab is kept in sight) instead of eliding every title to a few letters.
* The close buttons are flat buttons with a thin cross in the palette's text colour (Fusion, the
  style the console uses on every platform, draws a boxed cross, red on the current tab); they
  follow the theme and are drawn for the screen's scaling.
* The corner button lists every tab by its full title (the current one checked): picking one
  brings it to the front, however many are open.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QPointF, QSize, Qt
from PySide6.QtGui import QAction, QIcon, QPainter, QPalette, QPen, QPixmap
from PySide6.QtWidgets import QMenu, QStyle, QTabBar, QTabWidget, QToolButton, QToolTip

MAX_TAB_WIDTH = 240  # px: "Migrations · orders-production…" fits; longer titles elide
MIN_TAB_WIDTH = 150  # px: a crowded bar never shrinks a tab below this (or below its short title)


class WorkspaceTabBar(QTabBar):
    """Tabs sized by their titles within [MIN_TAB_WIDTH, MAX_TAB_WIDTH]; overflow scrolls."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("workspaceTabBar")
        self.setAccessibleName("Open screens")
        self.setElideMode(Qt.TextElideMode.ElideRight)
        self.setUsesScrollButtons(True)
        self.setExpanding(False)
        self.close_buttons = False  # set by configure(): our own close buttons instead of the style's

    def tabInserted(self, index: int) -> None:  # noqa: N802 - Qt naming
        super().tabInserted(index)
        if self.close_buttons:
            self.setTabButton(index, self._close_side(), self._close_button())

    def _close_side(self) -> QTabBar.ButtonPosition:
        side = self.style().styleHint(QStyle.StyleHint.SH_TabBar_CloseButtonPosition, None, self)
        return QTabBar.ButtonPosition(side)

    def _close_button(self) -> QToolButton:
        button = QToolButton(self, objectName="tabCloseButton")
        button.setAutoRaise(True)  # flat; the style highlights it under the mouse
        button.setIcon(close_icon(self.palette(), self.devicePixelRatioF()))
        button.setIconSize(QSize(12, 12))
        button.setFixedSize(QSize(18, 18))
        button.setToolTip("Close this tab")
        button.setAccessibleName("Close tab")
        button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        button.clicked.connect(lambda: self._close_clicked(button))
        return button

    def _close_clicked(self, button: QToolButton) -> None:
        side = self._close_side()
        for i in range(self.count()):
            if self.tabButton(i, side) is button:
                self.tabCloseRequested.emit(i)
                return

    def changeEvent(self, event) -> None:  # noqa: N802 - Qt naming
        super().changeEvent(event)
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.StyleChange) and self.close_buttons:
            icon = close_icon(self.palette(), self.devicePixelRatioF())  # the theme changed: redraw the crosses
            side = self._close_side()
            for i in range(self.count()):
                button = self.tabButton(i, side)
                if isinstance(button, QToolButton):
                    button.setIcon(icon)

    def tabSizeHint(self, index: int) -> QSize:  # noqa: N802 - Qt naming
        size = super().tabSizeHint(index)
        if size.width() > MAX_TAB_WIDTH:
            size.setWidth(MAX_TAB_WIDTH)
        return size

    def minimumTabSizeHint(self, index: int) -> QSize:  # noqa: N802 - Qt naming
        size = self.tabSizeHint(index)  # a crowded bar shrinks a long title to MIN_TAB_WIDTH, then scrolls
        if size.width() > MIN_TAB_WIDTH:
            size.setWidth(MIN_TAB_WIDTH)
        return size


def close_icon(palette: QPalette, ratio: float = 1.0, size: int = 12) -> QIcon:
    """A thin cross in the palette's text colour (dimmer when disabled), drawn at ``ratio``."""
    icon = QIcon()
    for mode, group in ((QIcon.Mode.Normal, QPalette.ColorGroup.Active),
                        (QIcon.Mode.Disabled, QPalette.ColorGroup.Disabled)):
        pixmap = QPixmap(round(size * max(1.0, ratio)), round(size * max(1.0, ratio)))
        pixmap.setDevicePixelRatio(max(1.0, ratio))
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QPen(palette.color(group, QPalette.ColorRole.WindowText), 1.4, Qt.PenStyle.SolidLine,
                            Qt.PenCapStyle.RoundCap))
        m = size * 0.25
        painter.drawLine(QPointF(m, m), QPointF(size - m, size - m))
        painter.drawLine(QPointF(size - m, m), QPointF(m, size - m))
        painter.end()
        icon.addPixmap(pixmap, mode)
    return icon


class _FullTitleTip(QObject):
    """Tooltips of the tab bar: a tab's own tooltip if it has one, else its full title."""

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 - Qt naming
        if event.type() == QEvent.Type.ToolTip and isinstance(obj, QTabBar):
            index = obj.tabAt(event.pos())
            if index >= 0 and not obj.tabToolTip(index):
                QToolTip.showText(event.globalPos(), obj.tabText(index), obj, obj.tabRect(index))
                return True
        return False


def tab_tooltip(bar: QTabBar, index: int) -> str:
    """What hovering tab ``index`` shows."""
    return bar.tabToolTip(index) or bar.tabText(index)


def tab_list_button(tabs: QTabWidget) -> QToolButton:
    """The corner button that lists every tab; its menu is rebuilt each time it opens."""
    button = QToolButton(tabs, objectName="tabListButton")
    button.setAccessibleName("All open tabs")
    button.setToolTip("All open tabs")
    button.setAutoRaise(True)
    button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
    button.setArrowType(Qt.ArrowType.DownArrow)
    button.setIcon(button.style().standardIcon(QStyle.StandardPixmap.SP_TitleBarUnshadeButton))
    menu = QMenu(button, objectName="tabListMenu")
    button.setMenu(menu)
    menu.aboutToShow.connect(lambda: fill_tab_list(tabs, menu))
    return button


def fill_tab_list(tabs: QTabWidget, menu: QMenu) -> list[QAction]:
    """One checkable entry per tab (full title), the current one checked; picking one shows it."""
    from PySide6.QtGui import QActionGroup  # when the list first opens: a start never builds it

    menu.clear()
    group = QActionGroup(menu)
    actions = []
    for i in range(tabs.count()):
        action = QAction(tabs.tabText(i).replace("&", "&&"), menu, checkable=True)
        action.setChecked(i == tabs.currentIndex())
        widget = tabs.widget(i)
        action.triggered.connect(lambda _checked=False, w=widget: tabs.setCurrentWidget(w))
        group.addAction(action)
        menu.addAction(action)
        actions.append(action)
    if not actions:
        menu.addAction("No tabs are open").setEnabled(False)
    return actions


def configure(tabs: QTabWidget) -> WorkspaceTabBar:
    closable, movable, document = tabs.tabsClosable(), tabs.isMovable(), tabs.documentMode()
    bar = WorkspaceTabBar(tabs)
    tabs.setTabBar(bar)  # before any tab is added (features install before tabs are restored)
    bar.close_buttons = closable  # our own buttons (tabInserted); the style's stay off
    tabs.setTabsClosable(False)
    if closable:  # QTabWidget forwards its bar's close requests only while its own buttons are on
        bar.tabCloseRequested.connect(tabs.tabCloseRequested)
    tabs.setMovable(movable)  # the new bar starts with Qt's defaults: the window's choices again
    tabs.setDocumentMode(document)
    tip = _FullTitleTip(bar)
    bar.installEventFilter(tip)
    bar.setProperty("fullTitleTips", True)
    tabs.setCornerWidget(tab_list_button(tabs), Qt.Corner.TopRightCorner)
    return bar


def navigator_button(window) -> QToolButton:
    """The tab bar's left corner: shows or hides the navigator (the View menu's toggle, Ctrl+B),
    so the workspace can take the window's whole width; the dock's state is saved with the layout."""
    button = QToolButton(window.tabs, objectName="navigatorToggle")
    button.setDefaultAction(window.navigator_dock.toggleViewAction())
    button.setAutoRaise(True)
    button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonIconOnly)
    button.setAccessibleName("Show or hide the navigator")
    return button


def install(window) -> None:
    configure(window.tabs)
    window.tabs.setCornerWidget(navigator_button(window), Qt.Corner.TopLeftCorner)
