"""ui/profile_picker.ask_target: the question (QInputDialog, loaded with the first question rather
than at start-up) returns the picked profile, a typed connection string, or None."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from PySide6.QtWidgets import QInputDialog, QWidget

from aurora_console.ui.profile_picker import MANUAL, ask_target

pytestmark = pytest.mark.gui


class _Profiles:
    def names(self):
        return ["orders", "billing"]


@pytest.fixture
def window(qtbot):
    parent = QWidget()
    qtbot.addWidget(parent)
    return parent, SimpleNamespace(services=SimpleNamespace(sandbox=None, profiles=_Profiles()))


def test_a_picked_profile(window, monkeypatch):
    parent, win = window
    asked = []
    monkeypatch.setattr(QInputDialog, "getItem",
                        staticmethod(lambda p, title, label, items, *a: asked.append((title, list(items))) or ("billing", True)))
    assert ask_target(parent, win, "SQL editor") == ("billing", None)
    assert asked == [("SQL editor", ["orders", "billing", MANUAL])]


def test_a_typed_connection_string(window, monkeypatch):
    parent, win = window
    monkeypatch.setattr(QInputDialog, "getItem", staticmethod(lambda *a: (MANUAL, True)))
    monkeypatch.setattr(QInputDialog, "getText", staticmethod(lambda *a: ("  host=127.0.0.1 dbname=blog  ", True)))
    assert ask_target(parent, win, "Migrations") == ("manual", "host=127.0.0.1 dbname=blog")


@pytest.mark.parametrize("answers", [[("orders", False)], [(MANUAL, True), ("", True)], [(MANUAL, True), ("x", False)]])
def test_a_cancelled_or_empty_answer_is_none(window, monkeypatch, answers):
    parent, win = window
    replies = iter(answers)
    monkeypatch.setattr(QInputDialog, "getItem", staticmethod(lambda *a: next(replies)))
    monkeypatch.setattr(QInputDialog, "getText", staticmethod(lambda *a: next(replies)))
    assert ask_target(parent, win, "Content editor") is None
