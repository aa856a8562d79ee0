"""The bundled icon set (Lucide, ISC): every name the console uses exists, renders crisp at the
screen's scaling, follows the theme's colours, and badges say a status by shape and colour."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QColor, QGuiApplication, QIcon, QPalette

from aurora_console.core.resources import resource
from aurora_console.ui import icon_names
from aurora_console.ui.icons import icon, object_icon, screen_icon, status_icon


def _ink(pixmap) -> set[str]:
    image = pixmap.toImage()
    return {QColor(image.pixel(x, y)).name() for x in range(image.width()) for y in range(image.height())
            if QColor.fromRgba(image.pixel(x, y)).alpha() > 200}


def test_every_icon_the_console_names_is_bundled_with_its_licence(qapp):
    folder = resource("icons", "lucide")
    names = {*icon_names.SCREENS.values(), *icon_names.OBJECTS.values(), *icon_names.ACTIONS.values(),
             *(b[0] for b in icon_names.STATUS_BADGES.values())}
    missing = sorted(n for n in names if not (folder / f"{n}.svg").is_file())
    assert not missing
    assert "ISC License" in (folder / "LICENSE.txt").read_text(encoding="utf-8")
    assert icon_names.LUCIDE_VERSION in (folder / "VERSION").read_text(encoding="utf-8")


@pytest.mark.parametrize("ratio", [1.0, 1.25, 1.5, 2.0])
def test_an_icon_is_drawn_for_the_screens_scaling_not_scaled_from_a_bitmap(qapp, ratio):
    pixmap = icon("database").pixmap(QSize(16, 16), ratio)
    assert pixmap.devicePixelRatio() == pytest.approx(ratio)
    assert pixmap.width() == round(16 * ratio)
    assert _ink(pixmap)  # something was drawn


def test_icons_follow_the_theme_text_colour_when_painted(qapp):
    original = QGuiApplication.palette()
    try:
        for colour in ("#101010", "#f0f0f0"):
            palette = QPalette(original)
            palette.setColor(QPalette.ColorGroup.Active, QPalette.ColorRole.WindowText, QColor(colour))
            QGuiApplication.setPalette(palette)
            ink = _ink(icon("server").pixmap(QSize(24, 24), 2.0))
            assert colour in ink  # the same QIcon, painted in the palette's colour of the moment
    finally:
        QGuiApplication.setPalette(original)


def test_status_badges_differ_by_shape_not_colour_alone(qapp):
    kinds = {status: icon_names.status_kind(status) for status in
             ("available", "stopped", "failing-over", "modifying", "backing-up", "failed", "storage-full", "")}
    assert kinds == {"available": "ok", "stopped": "stopped", "failing-over": "busy", "modifying": "busy",
                     "backing-up": "busy", "failed": "failed", "storage-full": "failed", "": "unknown"}
    shapes = {icon_names.STATUS_BADGES[k][0] for k in set(kinds.values())}
    assert len(shapes) == len(set(kinds.values()))  # one shape per kind
    assert _ink(status_icon("available").pixmap(QSize(16, 16), 2.0)) >= {icon_names.STATUS_BADGES["ok"][1]}


def test_unknown_names_give_an_empty_icon_not_an_error(qapp):
    assert icon("no-such-icon").isNull()
    assert screen_icon("no-such-screen").isNull() and object_icon("no-such-kind").isNull()
    assert isinstance(screen_icon("sql"), QIcon) and not screen_icon("sql").isNull()


def test_tabs_trees_and_menus_show_their_icons(offline_window, qtbot):
    from aurora_console.core.aws.fleet.models import Cluster, Instance, RegionInventory
    from aurora_console.ui.fleet import open_fleet

    window = offline_window
    cluster = Cluster(id="blog", engine="aurora-postgresql", engine_version="16.4", status="failing-over",
                      instances=(Instance("blog-1", "blog", "WRITER", 1, "db.r6g.large", "us-east-1a", "available"),
                                 Instance("blog-2", "blog", "READER", 1, "db.r6g.large", "us-east-1b", "available")))
    model = window.clusters.loader.model
    model.set_region(RegionInventory("default", "us-east-1", (cluster,)))
    index = model.index_of_cluster("blog")
    assert not model.data(index, Qt.ItemDataRole.DecorationRole).isNull()
    status = model.data(index.siblingAtColumn(2), Qt.ItemDataRole.DecorationRole)
    # the tree draws the status badge ahead as pixmaps (ui/fleet/tree_model.py): the same picture
    badge = status_icon("failing-over").pixmap(16).toImage()
    assert status.pixmap(16).toImage() == badge and badge != status_icon("available").pixmap(16).toImage()
    view = open_fleet(window)
    assert not window.tabs.tabIcon(window.tabs.indexOf(view)).isNull()
    quit_action = window.findChild(type(window.menus.open_sandbox_action), "actionQuit")
    assert not quit_action.icon().isNull()


def test_the_about_box_credits_the_icon_set_and_carries_its_licence(offline_window):
    from aurora_console.ui.about import show_about

    box = show_about(offline_window)
    try:
        assert "Lucide" in box.text() and "ISC" in box.text()
        assert "Permission to use, copy, modify" in box.detailedText()
    finally:
        box.close()


def test_screens_buttons_get_their_icons_by_object_name(offline_window, pg_dsn):
    from PySide6.QtWidgets import QToolBar

    from aurora_console.ui.icon_names import CONTROLS
    from aurora_console.ui.sql.feature import open_sql

    tab = open_sql(offline_window, pg_dsn)
    run = next(a for a in tab.findChildren(type(tab.toolbar.run_action)) if a.objectName() == "sqlRunAll")
    assert not run.icon().isNull()
    bar = tab.findChild(QToolBar, "sqlToolbar")
    assert bar.toolButtonStyle() == Qt.ToolButtonStyle.ToolButtonTextBesideIcon  # icons beside the texts
    folder = resource("icons", "lucide")
    assert not [n for n in CONTROLS.values() if not (folder / f"{n}.svg").is_file()]


def test_snapshots_carry_their_kind_and_status_badge(qapp):
    from datetime import datetime, timezone

    from aurora_console.core.aws.backups.snapshots import Snapshot
    from aurora_console.ui.backups.snapshot_model import SnapshotTableModel

    fields = {f: None for f in Snapshot.__dataclass_fields__}
    fields.update(id="snap-1", cluster_id="blog", kind="manual", status="creating", progress=40,
                  created=datetime(2026, 12, 7, tzinfo=timezone.utc), size_gib=1, encrypted=True, engine_version="16.4",
                  arn="arn:aws:rds:us-east-1:1:cluster-snapshot:snap-1", kms_key_id="")
    model = SnapshotTableModel()
    model.set_snapshots([Snapshot(**fields)])
    assert not model.data(model.index(0, 0), Qt.ItemDataRole.DecorationRole).isNull()
    assert model.data(model.index(0, 2), Qt.ItemDataRole.DecorationRole).cacheKey() == status_icon("creating").cacheKey()


def test_an_icon_is_rendered_once_per_size_and_colour_then_reused(qapp):
    """Views ask for icons on every paint of every row: the SVG is drawn once per size, scaling
    and colour (a palette search over a 1,000-cluster fleet repainted 50 of them per keystroke)."""
    first = icon("server").pixmap(QSize(16, 16), 2.0)
    again = icon("server").pixmap(QSize(16, 16), 2.0)
    assert first.cacheKey() == again.cacheKey()
    assert icon("server").pixmap(QSize(24, 24), 2.0).cacheKey() != first.cacheKey()


def test_decorate_finds_controls_by_their_exact_names(qapp):
    """icons.decorate matches the object names of buttons and actions exactly (CONTROLS' names), so
    a name that only starts or ends like one gets nothing; a control with its own icon keeps it;
    only a text-only toolbar whose actions got icons shows them."""
    from PySide6.QtGui import QAction
    from PySide6.QtWidgets import QLabel, QPushButton, QToolBar, QVBoxLayout, QWidget

    from aurora_console.ui.icon_names import CONTROLS
    from aurora_console.ui.icons import decorate

    known, other = sorted(CONTROLS)[:2]
    root = QWidget()
    layout = QVBoxLayout(root)
    layout.addWidget(QLabel("<b>rich</b> text, a document of its own"))
    named = QPushButton("named", objectName=known)
    longer = QPushButton("longer", objectName=known + "Extra")
    prefixed = QPushButton("prefixed", objectName="x" + known)
    own = QPushButton("own", objectName=other)
    own.setIcon(icon("x"))
    own_key = own.icon().cacheKey()
    for button in (named, longer, prefixed, own):
        layout.addWidget(button)
    decorated_bar = QToolBar(objectName="decoratedBar")
    decorated_bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
    decorated_bar.addAction(QAction("run", decorated_bar, objectName=known))
    plain_bar = QToolBar(objectName="plainBar")
    plain_bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
    plain_bar.addAction(QAction("nothing to decorate", plain_bar, objectName="noSuchControl"))
    layout.addWidget(decorated_bar)
    layout.addWidget(plain_bar)

    assert decorate(root) == 2  # the button and the toolbar action named exactly
    assert not named.icon().isNull()
    assert longer.icon().isNull() and prefixed.icon().isNull()
    assert own.icon().cacheKey() == own_key
    assert decorated_bar.toolButtonStyle() == Qt.ToolButtonStyle.ToolButtonTextBesideIcon
    assert decorated_bar.iconSize() == QSize(16, 16)
    assert plain_bar.toolButtonStyle() == Qt.ToolButtonStyle.ToolButtonTextOnly
    assert decorate(root) == 0  # icons set once


DECORATE_TYPES = """
import enum, json, sys
made = []
real = enum.EnumType._create_
def traced(cls, class_name, names, **kwargs):
    made.append(class_name)
    return real(cls, class_name, names, **kwargs)
enum.EnumType._create_ = traced
from PySide6.QtWidgets import QApplication, QPushButton, QVBoxLayout, QWidget
from aurora_console.ui.icon_names import CONTROLS
from aurora_console.ui.icons import decorate
app = QApplication([])
root = QWidget()
layout = QVBoxLayout(root)
layout.addWidget(QPushButton("named", objectName=sorted(CONTROLS)[0]))
layout.addWidget(QPushButton("other", objectName="notAControl"))
print(json.dumps({"decorated": decorate(root), "made": made}))
"""


def test_decorate_makes_no_regular_expression_type(tmp_path):
    """Decorating the first screen (the welcome page, at start-up) makes no QRegularExpression:
    PySide6 makes that class's four enum classes (~1 ms) the first time Python meets it."""
    import json
    import os
    import subprocess
    import sys

    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", HOME=str(tmp_path))
    proc = subprocess.run([sys.executable, "-c", DECORATE_TYPES], env=env, capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    assert result["decorated"] == 1
    assert "PatternOption" not in result["made"]  # QRegularExpression.PatternOption
