"""ui/clear_button.py: a line edit's clear button with the console's icon (not the desktop icon
theme's, which Qt's own reads on Linux: ~50 ms before the first paint, up to 0.8 s on a cold disk)."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QLineEdit

from aurora_console.ui.clear_button import OBJECT_NAME, add_clear_button

pytestmark = pytest.mark.gui


def test_shown_while_there_is_text_and_clears_as_qt_does(qtbot):
    edit = QLineEdit()
    qtbot.addWidget(edit)
    action = add_clear_button(edit)
    assert action.objectName() == OBJECT_NAME and not action.icon().isNull()
    assert not action.isVisible()  # empty: nothing to clear
    edit.setText("orders")
    assert action.isVisible()
    changed, edited = [], []
    edit.textChanged.connect(changed.append)
    edit.textEdited.connect(edited.append)
    action.trigger()
    assert edit.text() == "" and changed == [""] and edited == [""] and not action.isVisible()


def test_a_read_only_edit_keeps_its_text(qtbot):
    edit = QLineEdit("kept")
    qtbot.addWidget(edit)
    action = add_clear_button(edit)
    assert action.isVisible()
    edit.setReadOnly(True)
    action.trigger()
    assert edit.text() == "kept"


def test_the_navigator_filter_uses_it_and_clearing_shows_every_cluster_again(qtbot, monkeypatch):
    from aurora_console.ui.cluster_list_model import ClusterListModel
    from aurora_console.ui.navigator import NavigatorWidget

    filtered = []
    real = ClusterListModel.set_filter_text
    monkeypatch.setattr(ClusterListModel, "set_filter_text", lambda self, text: filtered.append(text) or real(self, text))
    nav = NavigatorWidget()
    qtbot.addWidget(nav)
    assert not nav.filter_edit.isClearButtonEnabled()  # Qt's own would read the icon theme
    assert nav.filter_clear in nav.filter_edit.actions() and not nav.filter_clear.isVisible()
    nav.filter_edit.setText("blog")
    assert nav.filter_clear.isVisible()
    nav.filter_clear.trigger()
    assert filtered == ["blog", ""] and nav.filter_edit.text() == "" and not nav.filter_clear.isVisible()


def test_no_line_edit_of_the_console_uses_qts_clear_button():
    """Qt's clear button reads the desktop's icon theme the first time one is shown (~50 ms to
    0.8 s): every filter box uses :func:`add_clear_button` instead."""
    import pathlib
    import re

    import aurora_console

    root = pathlib.Path(aurora_console.__file__).parent
    uses = [f"{path.relative_to(root)}:{n}" for path in root.rglob("*.py") if path.name != "clear_button.py"
            for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
            if re.search(r"clearButtonEnabled\s*=\s*True|setClearButtonEnabled\(\s*True", line)]
    assert uses == []
