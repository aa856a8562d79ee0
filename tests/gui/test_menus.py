"""Where a DBA finds the database tools: the Database menu, with no duplicate under Tools."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QKeySequence

from aurora_console.testing.console import close_console, open_console

pytestmark = pytest.mark.gui


def _names(window, menu):
    return [a.objectName() for a in window.menu(menu).actions() if a.objectName()]


@pytest.mark.no_aws_credentials  # no AWS credentials anywhere: the window starts on no profile
def test_database_menu_holds_the_database_tools(qtbot):
    window = open_console(qtbot)
    try:
        assert _names(window, "Database") == ["actionSqlEditor", "actionContentEditor", "actionMigrations",
                                              "actionPerformance", "actionDatabaseLogs"]
        texts = [a.text() for a in window.menu("Database").actions()]
        assert texts == ["SQL editor…", "Content editor…", "Migrations…", "Performance…", "Logs…"]
        tools = _names(window, "Tools")
        assert "actionSqlEditor" not in tools and "actionMigrations" not in tools
        assert "actionConnections" in tools
        # File ▸ New SQL editor… stays, with its shortcut; it is the only other way in
        new_sql = [a for a in window.menu("File").actions() if a.objectName() == "actionNewSqlEditor"]
        assert len(new_sql) == 1 and new_sql[0].shortcut() == QKeySequence("Ctrl+Shift+N")
        everywhere = [a.text() for name in ("File", "View", "Tools", "Database", "Help")
                      for a in window.menu(name).actions()]
        assert sum("SQL editor" in t for t in everywhere) == 2  # File ▸ New SQL editor…, Database ▸ SQL editor…
        assert sum("Migrations" in t for t in everywhere) == 1
        bar = [a.text() for a in window.menuBar().actions()]
        assert bar == ["File", "View", "Database", "Tools", "Help"]
    finally:
        close_console(window)
