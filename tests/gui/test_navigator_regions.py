"""The navigator's regions menu: its entries are made when it opens (a start lists ~20-30 regions
the user may never look at), while the selection and the button's text are there at once."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.gui


@pytest.fixture
def navigator(qtbot):
    from aurora_console.ui.navigator import NavigatorWidget

    nav = NavigatorWidget()
    qtbot.addWidget(nav)
    nav.show()
    return nav


def test_regions_menu_is_filled_when_it_opens(navigator, qtbot):
    navigator.set_regions(["eu-west-1", "us-east-1", "us-west-2"], ["us-east-1"])
    assert navigator.regions_menu.actions() == []  # nothing made yet
    assert navigator.selected_regions() == ["us-east-1"]
    assert navigator.regions_button.text() == "us-east-1"

    navigator.regions_menu.aboutToShow.emit()  # what opening the menu sends
    actions = navigator.regions_menu.actions()
    assert [(a.text(), a.isChecked(), a.isCheckable()) for a in actions] == [
        ("eu-west-1", False, True), ("us-east-1", True, True), ("us-west-2", False, True)]
    navigator.regions_menu.aboutToShow.emit()  # opened again: the same entries, not twice
    assert navigator.regions_menu.actions() == actions

    with qtbot.waitSignal(navigator.regions_changed) as changed:
        actions[2].setChecked(True)
    assert changed.args == [["us-east-1", "us-west-2"]]
    assert navigator.selected_regions() == ["us-east-1", "us-west-2"]
    assert navigator.regions_button.text() == "2 regions"
    with qtbot.waitSignal(navigator.regions_changed) as changed:
        actions[1].setChecked(False)
    assert changed.args == [["us-west-2"]]


def test_new_regions_replace_the_menu(navigator, qtbot):
    navigator.set_regions(["eu-west-1", "us-east-1"], ["eu-west-1", "us-east-1"])
    navigator.regions_menu.aboutToShow.emit()
    assert len(navigator.regions_menu.actions()) == 2
    assert navigator.regions_button.text() == "2 regions"

    navigator.set_regions(["sandbox-1"], ["sandbox-1"])  # e.g. the sandbox's regions
    assert navigator.regions_menu.actions() == []
    assert navigator.selected_regions() == ["sandbox-1"]
    navigator.regions_menu.aboutToShow.emit()
    assert [(a.text(), a.isChecked()) for a in navigator.regions_menu.actions()] == [("sandbox-1", True)]
