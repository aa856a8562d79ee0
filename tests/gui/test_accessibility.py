"""Accessibility: every interactive control of the main screens has an accessible name (what a
screen reader says), walked from the widget tree of each screen as a user opens it."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QAccessible
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSlider,
    QAbstractSpinBox,
    QComboBox,
    QHeaderView,
    QLineEdit,
    QPlainTextEdit,
    QScrollBar,
    QTabBar,
    QTextEdit,
    QWidget,
)

pytestmark = [pytest.mark.gui, pytest.mark.timeout(180),
              pytest.mark.qt_log_ignore("does not support propagateSizeHints", "does not support raise")]

INTERACTIVE = (QAbstractButton, QLineEdit, QComboBox, QAbstractSpinBox, QAbstractItemView, QTextEdit, QPlainTextEdit,
               QAbstractSlider, QTabBar)


def accessible_name(widget: QWidget) -> str:
    iface = QAccessible.queryAccessibleInterface(widget)
    return (iface.text(QAccessible.Text.Name) if iface is not None else "").strip()


def unnamed(root: QWidget) -> list[str]:
    """Visible interactive widgets under ``root`` that a screen reader could not name."""
    out = []
    for widget in [root, *root.findChildren(QWidget)]:
        if not isinstance(widget, INTERACTIVE) or isinstance(widget, QScrollBar | QHeaderView):
            continue
        if not widget.isVisibleTo(root.window()) or not widget.isEnabled() and not widget.isVisible():
            continue
        if isinstance(widget, QTabBar) and widget.count() == 0:
            continue  # no tab: nothing to reach (a screen reader names a tab bar by its current tab)
        if type(widget).__name__ == "QLineEdit" and isinstance(widget.parent(), QComboBox | QAbstractSpinBox):
            continue  # the editor inside a combo box or spin box: the box carries the name
        if not accessible_name(widget):
            parent = widget.parentWidget()
            where = f"{type(parent).__name__}:{parent.objectName()}" if parent is not None else ""
            out.append(f"{type(widget).__name__} '{widget.objectName()}' in {where}")
    return out


def _fleet(window):
    from aurora_console.core.aws.fleet.models import Cluster, Instance, RegionInventory

    cluster = Cluster(id="blog", engine="aurora-postgresql", engine_version="16.4", status="available",
                      instances=(Instance("blog-1", "blog", "WRITER", 1, "db.r6g.large", "us-east-1a", "available"),))
    window.clusters.loader.model.set_region(RegionInventory("default", "us-east-1", (cluster,)))


def test_every_control_of_the_main_screens_has_an_accessible_name(offline_window, qtbot, pg_dsn):
    from aurora_console.ui.connections.feature import open_panel
    from aurora_console.ui.fleet import open_audit_log, open_fleet
    from aurora_console.ui.palette import open_palette
    from aurora_console.ui.performance.feature import open_performance
    from aurora_console.ui.sql.feature import open_sql

    window = offline_window
    _fleet(window)
    missing: dict[str, list[str]] = {}
    screens = [("window", lambda: None), ("fleet", lambda: open_fleet(window, select="blog")),
               ("audit log", lambda: open_audit_log(window)), ("connections", lambda: open_panel(window)),
               ("sql editor", lambda: open_sql(window, pg_dsn)),
               ("performance", lambda: open_performance(window, "rig", connect=pg_dsn))]
    for name, opener in screens:
        opener()
        qtbot.wait(300)
        found = unnamed(window)
        if found:
            missing[name] = found
    palette = open_palette(window)
    found = unnamed(palette)
    palette.close()
    if found:
        missing["command palette"] = found
    assert not missing, "\n".join(f"{k}: {v}" for k, v in missing.items())


def test_content_and_migrations_screens_name_their_controls(offline_window, qtbot, pg_dsn, tmp_path):
    from aurora_console.ui.content.feature import open_content
    from aurora_console.ui.migrations.feature import open_migrations

    window = offline_window
    missing = {}
    for name, opener in (("content", lambda: open_content(window, "rig", connect=pg_dsn)),
                         ("migrations", lambda: open_migrations(window, "rig", connect=pg_dsn, folder=tmp_path))):
        opener()
        qtbot.wait(500)
        found = unnamed(window)
        if found:
            missing[name] = found
    assert not missing, "\n".join(f"{k}: {v}" for k, v in missing.items())


def test_aws_screens_name_their_controls(qtbot, isolated_env, moto_endpoint):
    """Metrics, backups, the change timeline and the database logs of a cluster (moto)."""
    from aurora_console.testing.console import close_console, open_console
    from aurora_console.ui.backups import open_backups
    from aurora_console.ui.logs.feature import open_logs
    from aurora_console.ui.metrics import open_metrics
    from aurora_console.ui.timeline import open_timeline
    from tests.gui.test_restored_tabs import _cluster, _profile

    _profile(isolated_env)
    _cluster(moto_endpoint, "orders")
    window = open_console(qtbot, profile="dev", endpoint_url=moto_endpoint)
    try:
        ref = next(s.ref for s in window.navigator.model.summaries() if s.ref.cluster_id == "orders")
        missing = {}
        for name, opener in (("metrics", lambda: open_metrics(window, ref)), ("backups", lambda: open_backups(window, ref)),
                             ("timeline", lambda: open_timeline(window, ref)), ("logs", lambda: open_logs(window, ref))):
            opener()
            qtbot.wait(800)
            found = unnamed(window)
            if found:
                missing[name] = found
        assert not missing, "\n".join(f"{k}: {v}" for k, v in missing.items())
    finally:
        close_console(window)


def _tab_chain(window, qtbot, presses: int = 200) -> list[QWidget]:
    """The widgets the Tab key visits from the window's current focus, in order."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication

    seen: list[QWidget] = []
    for _ in range(presses):
        focus = QApplication.focusWidget()
        if focus is None:
            break
        if seen and focus is seen[0]:
            break
        if focus not in seen:
            seen.append(focus)
        keeps_tab = isinstance(focus, QPlainTextEdit | QTextEdit) and not focus.isReadOnly() \
            and not focus.tabChangesFocus()
        # a code editor keeps Tab for indenting: F6 leaves it (documented in the user guide)
        qtbot.keyClick(focus, Qt.Key.Key_F6 if keeps_tab else Qt.Key.Key_Tab)
    return seen


def test_the_keyboard_reaches_every_control_of_a_screen(offline_window, qtbot, pg_dsn):
    """Tab visits every enabled control that takes focus (nothing reachable by mouse alone), and
    the focused control shows it (Fusion draws a focus frame; no style sheet removes it)."""
    from PySide6.QtCore import Qt

    from aurora_console.ui.fleet import open_fleet
    from aurora_console.ui.sql.feature import open_sql

    window = offline_window
    window.activateWindow()
    _fleet(window)
    missing = {}
    for name, opener in (("fleet", lambda: open_fleet(window, select="blog")), ("sql editor", lambda: open_sql(window, pg_dsn))):
        screen = opener()
        qtbot.wait(300)
        window.tabs.tabBar().setFocus(Qt.FocusReason.TabFocusReason)
        order = _tab_chain(window, qtbot)
        chain = set(order)
        wanted = [w for w in screen.findChildren(QWidget)
                  if isinstance(w, INTERACTIVE) and not isinstance(w, QScrollBar | QHeaderView)
                  and w.isVisibleTo(window) and w.isEnabled()
                  and w.focusPolicy() & Qt.FocusPolicy.TabFocus == Qt.FocusPolicy.TabFocus]
        unreachable = [f"{type(w).__name__} '{w.objectName()}'" for w in wanted if w not in chain]
        if unreachable:
            missing[name] = unreachable
    assert not missing, missing
    assert "focus" not in (window.styleSheet() or "").lower()


def test_every_data_screen_says_its_state_with_the_same_component(offline_window, qtbot, pg_dsn, tmp_path):
    """Loading, empty and error states are drawn by one component (ui/state_banner.py) on every
    screen that reads data, so they look and read (to a screen reader) the same everywhere."""
    from aurora_console.ui.content.feature import open_content
    from aurora_console.ui.fleet import open_audit_log, open_fleet
    from aurora_console.ui.migrations.feature import open_migrations
    from aurora_console.ui.performance.feature import open_performance
    from aurora_console.ui.sql.feature import open_sql
    from aurora_console.ui.state_banner import StateBanner

    window = offline_window
    screens = {"fleet": lambda: open_fleet(window), "audit log": lambda: open_audit_log(window),
               "sql editor": lambda: open_sql(window, pg_dsn),
               "performance": lambda: open_performance(window, "rig", connect=pg_dsn),
               "content": lambda: open_content(window, "rig", connect=pg_dsn),
               "migrations": lambda: open_migrations(window, "rig", connect=pg_dsn, folder=tmp_path)}
    without = []
    for name, opener in screens.items():
        screen = opener()
        qtbot.wait(200)
        if name == "sql editor":
            screen.editor.setPlainText("select 1")
            screen.run_all()
            qtbot.waitUntil(lambda s=screen: not s.busy, timeout=20000)
        if not screen.findChildren(StateBanner):
            without.append(name)
    assert not without
