"""The fleet tree's icons are pixmaps drawn from the console's SVG icons (painting them calls no
Python), looking the same, and drawn again when the palette changes."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSize
from PySide6.QtGui import QColor, QGuiApplication, QIcon, QPalette
from PySide6.QtWidgets import QApplication

from aurora_console.core.aws.fleet.models import Cluster, Instance, RegionInventory
from aurora_console.ui.fleet.filter_model import FleetFilterModel
from aurora_console.ui.fleet.tree_model import ICON_SIZE, FleetTreeModel
from aurora_console.ui.fleet.view import FleetTree
from aurora_console.ui.icons import object_icon, status_icon

pytestmark = pytest.mark.gui


def _image(icon: QIcon, mode=QIcon.Mode.Normal):
    return icon.pixmap(QSize(ICON_SIZE, ICON_SIZE), 1.0, mode).toImage()


@pytest.fixture
def tree(qtbot):
    model = FleetTreeModel()
    model.set_region(RegionInventory("p", "us-east-1", clusters=(Cluster(
        "orders", "aurora-postgresql", "16.4", "available",
        instances=(Instance("orders-1", "orders", "WRITER", 1, "db.r6g.large", "us-east-1a", "available"),)),)))
    shown = FleetFilterModel()
    shown.setSourceModel(model)
    view = FleetTree()
    qtbot.addWidget(view)
    view.setModel(shown)
    view.kept_ = model
    view.show()
    return view


def test_icons_look_as_the_svg_icons_do_in_each_state(tree):
    shown = tree.model()
    cluster = shown.index(0, 0, shown.index(0, 0))
    icon = cluster.data(1)  # DecorationRole
    assert isinstance(icon, QIcon) and icon.cacheKey() != object_icon("cluster").cacheKey()
    for mode in (QIcon.Mode.Normal, QIcon.Mode.Selected, QIcon.Mode.Disabled):
        assert _image(icon, mode) == _image(object_icon("cluster"), mode)
    badge = cluster.siblingAtColumn(2).data(1)
    assert _image(badge) == _image(status_icon("available"))


def test_a_palette_change_draws_the_icons_again(tree, qtbot):
    shown = tree.model()
    cluster = shown.index(0, 0, shown.index(0, 0))
    before = _image(cluster.data(1))
    app = QApplication.instance()
    old = QGuiApplication.palette()
    palette = QPalette(old)
    palette.setColor(QPalette.ColorRole.WindowText, QColor("#ff00ff"))
    try:
        app.setPalette(palette)
        qtbot.waitUntil(lambda: _image(cluster.data(1)) != before, timeout=5000)
        assert _image(cluster.data(1)) == _image(object_icon("cluster"))  # in the new colour
    finally:
        app.setPalette(old)
    qtbot.waitUntil(lambda: _image(cluster.data(1)) == before, timeout=5000)
