"""File ▸ Welcome page while the sandbox runs: no "Open the sandbox" button that would only open it again."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QPushButton

from aurora_console.testing.console import close_console, open_console

pytestmark = pytest.mark.gui


def test_welcome_page_says_the_sandbox_is_running(console):
    window = console.window
    window.show_welcome()
    page = window.find_tab("welcome")
    button = page.findChild(QPushButton, "openSandboxButton")
    assert button.text() == "Sandbox running" and not button.isEnabled()


@pytest.mark.no_aws_credentials  # no AWS credentials anywhere: the window starts on no profile
def test_welcome_page_offers_the_sandbox_when_it_is_not_running(qtbot):
    window = open_console(qtbot)
    try:
        page = window.find_tab("welcome")
        button = page.findChild(QPushButton, "openSandboxButton")
        if page._sandbox_missing:
            pytest.skip("the sandbox extra is not installed here")
        assert button.text() == "Open the sandbox" and button.isEnabled()
    finally:
        close_console(window)


@pytest.mark.no_aws_credentials  # no AWS credentials anywhere: the window starts on no profile
def test_file_menu_says_the_sandbox_is_running(console, qtbot):
    from PySide6.QtGui import QAction

    action = console.window.findChild(QAction, "actionOpenSandbox")
    assert action.text() == "Sandbox running" and not action.isEnabled()
    window = open_console(qtbot)  # a window without the sandbox still offers it
    try:
        action = window.findChild(QAction, "actionOpenSandbox")
        assert action.text() == "Open the sandbox" and action.isEnabled()
    finally:
        close_console(window)
