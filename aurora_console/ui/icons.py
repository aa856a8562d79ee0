"""The console's icons: Lucide's SVGs (resources/icons/lucide, ISC licence) drawn in the theme's
colours at whatever size and scaling the screen asks for (crisp at 100-200 %, fractional
scaling included: each size is rendered from the SVG, never scaled from a bitmap).

``icon(name)`` follows the theme: its strokes take the palette's text colour when painted (the
disabled or selected text colour in those states), so switching light/dark needs no refresh.
``status_icon(status)`` is a status badge: its own colour and a shape per kind (a tick, a square,
arrows, a cross), so the status never rests on colour alone. What stands for what is in
``ui/icon_names.py``.
"""

from __future__ import annotations

import logging
from functools import cache, lru_cache

from PySide6.QtCore import QByteArray, QRect, QRectF, QSize, Qt
from PySide6.QtGui import QGuiApplication, QIcon, QIconEngine, QPainter, QPalette, QPixmap

from aurora_console.core.resources import resource
from aurora_console.ui.icon_names import ACTIONS, CONTROLS, OBJECTS, SCREENS, STATUS_BADGES, status_kind

log = logging.getLogger(__name__)

ICON_FOLDER = ("icons", "lucide")
PIXMAPS_PER_ICON = 32
_MODE_GROUPS = {QIcon.Mode.Normal: QPalette.ColorGroup.Active, QIcon.Mode.Active: QPalette.ColorGroup.Active,
                QIcon.Mode.Disabled: QPalette.ColorGroup.Disabled, QIcon.Mode.Selected: QPalette.ColorGroup.Active}


@cache
def _svg_text(name: str) -> str:
    path = resource(*ICON_FOLDER, f"{name}.svg")
    return path.read_text(encoding="utf-8")


@lru_cache(maxsize=512)
def _renderer(name: str, colour: str):
    from PySide6.QtSvg import QSvgRenderer  # on first paint, not at start-up (the window shows first)

    text = _svg_text(name).replace("currentColor", colour)
    return QSvgRenderer(QByteArray(text.encode("utf-8")))


class _SvgIconEngine(QIconEngine):
    """Renders one SVG at the requested size; the colour is fixed or the palette's at paint time."""

    def __init__(self, name: str, colour: str | None = None) -> None:
        super().__init__()
        self._name = name
        self._colour = colour
        self._pixmaps: dict[tuple, QPixmap] = {}

    def _colour_for(self, mode: QIcon.Mode) -> str:
        if self._colour:
            return self._colour
        palette = QGuiApplication.palette()
        role = QPalette.ColorRole.HighlightedText if mode == QIcon.Mode.Selected else QPalette.ColorRole.WindowText
        return palette.color(_MODE_GROUPS.get(mode, QPalette.ColorGroup.Active), role).name()

    def _render(self, painter: QPainter, rect: QRect, mode: QIcon.Mode, colour: str) -> None:
        renderer = _renderer(self._name, colour)
        if self._colour and mode == QIcon.Mode.Disabled:
            painter.setOpacity(0.45)  # a badge keeps its colour; disabled, it fades
        renderer.render(painter, QRectF(rect))

    def paint(self, painter: QPainter, rect: QRect, mode: QIcon.Mode, state: QIcon.State) -> None:
        ratio = painter.device().devicePixelRatioF() if painter.device() is not None else 1.0
        painter.drawPixmap(rect, self.scaledPixmap(rect.size(), mode, state, ratio))

    def pixmap(self, size: QSize, mode: QIcon.Mode, state: QIcon.State) -> QPixmap:
        return self.scaledPixmap(size, mode, state, 1.0)

    def scaledPixmap(self, size: QSize, mode: QIcon.Mode, state: QIcon.State, scale: float) -> QPixmap:  # noqa: N802
        """Rendered from the SVG once per size, scaling, state and colour, then reused: views ask
        for an icon on every paint of every row (a fleet tree repaints hundreds a second)."""
        scale = max(1.0, float(scale))
        colour = self._colour_for(mode)
        width, height = max(1, round(size.width() * scale)), max(1, round(size.height() * scale))
        key = (width, height, scale, int(mode.value), colour)
        cached = self._pixmaps.get(key)
        if cached is not None:
            return cached
        pixmap = QPixmap(width, height)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        self._render(painter, QRect(0, 0, width, height), mode, colour)
        painter.end()
        pixmap.setDevicePixelRatio(scale)
        if len(self._pixmaps) >= PIXMAPS_PER_ICON:
            self._pixmaps.clear()  # sizes, scalings and themes seen: a handful; never unbounded
        self._pixmaps[key] = pixmap
        return pixmap

    def clone(self) -> QIconEngine:
        return _SvgIconEngine(self._name, self._colour)

    def key(self) -> str:
        return "aurora-svg"


@lru_cache(maxsize=256)
def icon(name: str, colour: str | None = None) -> QIcon:
    """The bundled icon ``name`` (a Lucide name); an unknown name gives an empty icon (logged)."""
    try:
        _svg_text(name)
    except OSError:
        log.warning("no bundled icon named %r", name)
        return QIcon()
    return QIcon(_SvgIconEngine(name, colour))


#: the app icon's sizes in resources/icons (aurora-console-<n>.png, made from the 1024 px source of
#: the packaged .ico/.icns by ``packaging/icons.py --window-sizes``)
WINDOW_ICON_SIZES = (16, 24, 32, 48, 64, 128, 256)


def window_icon() -> QIcon:
    """The app's icon for its windows, in the sizes a window system asks for, each read from its
    own small file when first asked for. Given the 1024 px source instead, an X11 window decoded
    and scaled it (and sent it whole to the window manager) before its first paint: ~25 ms of the
    UI thread. The source stands in only when none of the small files is there."""
    found = [(n, resource("icons", f"aurora-console-{n}.png")) for n in WINDOW_ICON_SIZES]
    found = [(n, path) for n, path in found if path.is_file()]
    if not found:
        source = resource("icons", "aurora-console.png")
        return QIcon(str(source)) if source.is_file() else QIcon()
    made = QIcon()
    for n, path in found:
        made.addFile(str(path), QSize(n, n))
    return made


def screen_icon(kind: str) -> QIcon:
    """A tab's icon by the kind of screen ("sql", "metrics", ...); empty for an unknown kind."""
    name = SCREENS.get(kind)
    return icon(name) if name else QIcon()


def object_icon(kind: str) -> QIcon:
    """An object's icon by kind ("cluster", "writer", "table", ...); empty for an unknown kind."""
    name = OBJECTS.get(kind)
    return icon(name) if name else QIcon()


def action_icon(object_name: str) -> QIcon:
    name = ACTIONS.get(object_name)
    return icon(name) if name else QIcon()


def status_icon(status: str) -> QIcon:
    """The badge for an RDS status: its own colour and shape (see icon_names.STATUS_BADGES)."""
    name, colour = STATUS_BADGES[status_kind(status)]
    return icon(name, colour)


def decorate(root) -> int:
    """Give the buttons and toolbar actions under ``root`` their icons by object name
    (icon_names.CONTROLS); a control with an icon of its own keeps it. A text-only toolbar that
    gets icons shows them beside its texts. Returns how many controls got one.

    Only buttons and actions are looked at (found by type in Qt), so no Python object is made for
    every other object of the screen (a QLabel's text document, a view's viewport...): on the
    welcome page, the first one a start shows, that was ~1.5 ms of Qt types made for nothing. Their
    names are matched here, exactly (a dict lookup), not by a QRegularExpression in Qt: that class's
    Python type (four enum classes, ~1 ms) would be made by the start for this alone.
    """
    from PySide6.QtGui import QAction
    from PySide6.QtWidgets import QAbstractButton, QToolBar

    count = 0
    toolbars: dict[int, QToolBar] = {}
    for control in [*root.findChildren(QAbstractButton), *root.findChildren(QAction)]:
        name = CONTROLS.get(control.objectName())
        if name and control.icon().isNull():
            control.setIcon(icon(name))
            count += 1
            if isinstance(control, QAction):
                for owner in control.associatedObjects():
                    if isinstance(owner, QToolBar):
                        toolbars[id(owner)] = owner
    for bar in toolbars.values():
        if bar.toolButtonStyle() == Qt.ToolButtonStyle.ToolButtonTextOnly:
            bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
            bar.setIconSize(QSize(16, 16))
    return count
