"""The main window's menu bar: its own menus (File, View, Database, Tools, Help, in that order)
and the entries screens add through ``MainWindow.add_menu_action`` (features' File items stay
above Quit; a menu a feature names that does not exist yet goes before Help)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtGui import QAction, QDesktopServices, QKeySequence
from PySide6.QtWidgets import QMenu

from aurora_console import APP_NAME
from aurora_console.ui.icons import action_icon

if TYPE_CHECKING:
    from aurora_console.ui.main_window import MainWindow

MENU_ORDER = ("File", "View", "Database", "Tools", "Help")


class WindowMenus:
    """The menus of one main window, by name."""

    def __init__(self, window: MainWindow) -> None:
        self._window = window
        self._menus: dict[str, QMenu] = {}
        self._quit_action: QAction | None = None  # File's last entry, once added
        self.open_sandbox_action: QAction | None = None
        self.about_box = None  # the About dialog, kept while it is shown
        bar = window.menuBar()
        for name in MENU_ORDER:
            menu = bar.addMenu(name)
            menu.setObjectName(f"menu{name}")
            self._menus[name] = menu

    def menu(self, name: str) -> QMenu:
        if name not in self._menus:
            window = self._window
            help_menu = self._menus.get("Help")
            menu = QMenu(name, window)
            menu.setObjectName(f"menu{name.replace(' ', '')}")
            if help_menu is not None:
                window.menuBar().insertMenu(help_menu.menuAction(), menu)
            else:
                window.menuBar().addMenu(menu)
            self._menus[name] = menu
        return self._menus[name]

    def add_action(self, menu_name: str, text: str, callback: Callable[[], Any], shortcut: str | None = None,
                   object_name: str | None = None) -> QAction:
        window = self._window
        action = QAction(text, window)
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
        if object_name:
            action.setObjectName(object_name)
            action.setIcon(action_icon(object_name))
        action.triggered.connect(lambda _checked=False: callback())
        menu = self.menu(menu_name)
        quit_action = self._quit_action  # kept, not searched for among all the window's objects each time
        if menu_name == "File" and quit_action is not None and quit_action in menu.actions():
            # features' File items go above the separator and Quit, which stay last
            menu.insertAction(menu.actions()[menu.actions().index(quit_action) - 1], action)
        else:
            menu.addAction(action)
        return action

    def add_window_entries(self) -> None:
        """The window's own entries: sandbox, welcome page, quit, navigator, refresh, log folder, about."""
        window = self._window
        self.open_sandbox_action = self.add_action("File", "Open the sandbox", window.open_sandbox,
                                                   object_name="actionOpenSandbox")
        self.add_action("File", "Welcome page", window.show_welcome, object_name="actionWelcome")
        self.menu("File").addSeparator()
        self._quit_action = self.add_action("File", "Quit", window.close, shortcut="Ctrl+Q", object_name="actionQuit")
        self._add_sandbox_menu()
        toggle = window.navigator_dock.toggleViewAction()
        toggle.setObjectName("actionToggleNavigator")
        toggle.setShortcut(QKeySequence("Ctrl+B"))  # as the sidebar toggle of most editors
        toggle.setToolTip("Show or hide the navigator (Ctrl+B); the choice is remembered")
        toggle.setIcon(action_icon("actionToggleNavigator"))
        self.menu("View").addAction(toggle)
        refresh = self.add_action("View", "Refresh", window.refresh_all, shortcut="Ctrl+R",
                                  object_name="actionRefresh")
        refresh.setToolTip("Reload the navigator's clusters and the current tab")
        self.add_action("Help", "Open the log folder", self._open_log_folder, object_name="actionOpenLogs")
        self.add_action("Help", f"About {APP_NAME}", self._about, object_name="actionAbout")

    def _add_sandbox_menu(self) -> None:
        """Tools ▸ Sandbox: run or stop the workload on the sandbox's blog database (enabled while
        the sandbox's database runs; see ui/sandbox_controller.py)."""
        window = self._window
        sandbox = self.menu("Tools").addMenu("Sandbox")
        sandbox.setObjectName("menuToolsSandbox")

        def controller():
            return window.services.sandbox_controller.get()

        def run() -> None:
            found = controller()
            if found is None:
                window.services.notifier.warning("Sandbox workload", "Open the sandbox first (File ▸ Open the sandbox).")
                return
            found.run_workload()

        def stop() -> None:
            found = controller()
            if found is not None:
                found.stop_workload()

        run_action = QAction("Run a workload", window, objectName="actionRunWorkload")
        run_action.setToolTip("Blog queries, one slow statement and a row lock others wait for, on the sandbox's "
                              "database for 10 minutes: something for the Performance screen to show")
        run_action.triggered.connect(lambda _checked=False: run())
        stop_action = QAction("Stop the workload", window, objectName="actionStopWorkload")
        stop_action.triggered.connect(lambda _checked=False: stop())
        sandbox.addActions([run_action, stop_action])

        def update() -> None:
            found = controller()
            running = found is not None and found.workload_running
            run_action.setEnabled(found is not None and found.database_ready and not running)
            stop_action.setEnabled(running)

        sandbox.aboutToShow.connect(update)
        update()

    def _about(self) -> None:
        from aurora_console.ui.about import show_about

        self.about_box = show_about(self._window)

    def _open_log_folder(self) -> None:
        from PySide6.QtCore import QUrl

        QDesktopServices.openUrl(QUrl.fromLocalFile(str(self._window.services.paths.log_dir)))
