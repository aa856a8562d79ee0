"""The main window's own menus (File, View, Database, Tools, Help, in that order on the bar);
the screens add their entries to them through ``MainWindow.add_menu_action``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtGui import QDesktopServices

from aurora_console import APP_NAME

if TYPE_CHECKING:
    from aurora_console.ui.main_window import MainWindow

MENU_ORDER = ("File", "View", "Database", "Tools", "Help")


def build_menus(window: MainWindow) -> None:
    bar = window.menuBar()
    for name in MENU_ORDER:
        menu = bar.addMenu(name)
        menu.setObjectName(f"menu{name}")
        window._menus[name] = menu
    window._open_sandbox_action = window.add_menu_action("File", "Open the sandbox", window.open_sandbox,
                                                         object_name="actionOpenSandbox")
    window.add_menu_action("File", "Welcome page", window.show_welcome, object_name="actionWelcome")
    window.menu("File").addSeparator()
    window.add_menu_action("File", "Quit", window.close, shortcut="Ctrl+Q", object_name="actionQuit")
    window.menu("View").addAction(window.navigator_dock.toggleViewAction())
    refresh = window.add_menu_action("View", "Refresh", window.refresh_all, shortcut="Ctrl+R",
                                     object_name="actionRefresh")
    refresh.setToolTip("Reload the navigator's clusters and the current tab")
    window.add_menu_action("Help", "Open the log folder", lambda: _open_log_folder(window),
                           object_name="actionOpenLogs")
    window.add_menu_action("Help", f"About {APP_NAME}", lambda: _about(window), object_name="actionAbout")


def _about(window: MainWindow) -> None:
    from aurora_console.ui.about import show_about

    window._about_box = show_about(window)


def _open_log_folder(window: MainWindow) -> None:
    from PySide6.QtCore import QUrl

    QDesktopServices.openUrl(QUrl.fromLocalFile(str(window.services.paths.log_dir)))
