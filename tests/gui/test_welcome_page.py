"""The first-run welcome page (ui/welcome.py): what it says, laid out cheaply (it is the first
screen a new user's start shows, so its layout is part of the start-up's time)."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.gui


def test_welcome_paragraphs_are_plain_text_and_say_both_ways_in(qtbot):
    """The two paragraphs are plain-text labels: a word-wrapped rich-text label lays its whole
    document out again for each width the layouts ask about (the welcome page's one rich-text
    paragraph was ~15 M instructions of a ~1,050 M first start). The title and the hints keep
    their markup (a heading, commands in a monospace font)."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QLabel

    from aurora_console.ui.welcome import WelcomePage

    page = WelcomePage(["dev", "prod"])
    qtbot.addWidget(page)
    page.resize(900, 600)
    page.show()
    qtbot.waitExposed(page)

    wrapped = [label for label in page.findChildren(QLabel) if label.wordWrap() and label.isVisible()]
    paragraphs = [page.findChild(QLabel, name) for name in ("welcomeIntro", "welcomeSandboxIntro")]
    assert all(p is not None and p.isVisible() for p in paragraphs)
    for paragraph in paragraphs:
        assert paragraph.textFormat() == Qt.TextFormat.PlainText
        assert "<" not in paragraph.text()  # no markup shown as text
    assert paragraphs[0].text().startswith("One window for your Aurora fleet")
    assert paragraphs[1].text().startswith("No AWS account at hand? The sandbox runs every screen")
    # the only wrapped label left that may hold markup: the profile hint (commands in <code>)
    rich = [label for label in wrapped if label.textFormat() != Qt.TextFormat.PlainText]
    assert [label.objectName() for label in rich] == ["profileHint"]
    assert "Profiles found in your AWS config: dev, prod." in page.findChild(QLabel, "profileHint").text()
