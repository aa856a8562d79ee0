"""The app's window icon: the sizes a window system asks for, each from its own small file made
from the 1024 px source (packaging/icons.py --window-sizes), so no window decodes the source."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSize
from PySide6.QtGui import QImage

from aurora_console.core.resources import resource
from aurora_console.ui.icons import WINDOW_ICON_SIZES, window_icon

pytestmark = pytest.mark.gui


def _mean_colour(image: QImage) -> tuple[float, float, float, float]:
    image = image.convertToFormat(QImage.Format.Format_RGBA8888)
    data = bytes(image.constBits())[: image.width() * image.height() * 4]
    count = image.width() * image.height()
    return tuple(sum(data[i::4]) / count for i in range(4))  # type: ignore[return-value]


def test_the_window_icon_offers_the_small_sizes_only(qapp):
    made = window_icon()
    assert made.availableSizes() == [QSize(n, n) for n in WINDOW_ICON_SIZES]  # never the 1024 px source
    for n in (16, 32, 48):
        pixmap = made.pixmap(QSize(n, n))
        assert pixmap.size() == QSize(n, n) and not pixmap.toImage().isNull()


def test_each_size_file_holds_the_source_at_its_size(qapp):
    source = QImage(str(resource("icons", "aurora-console.png")))
    assert source.size() == QSize(1024, 1024)
    for n in WINDOW_ICON_SIZES:
        image = QImage(str(resource("icons", f"aurora-console-{n}.png")))
        assert image.size() == QSize(n, n), n
    # made from the current source (a changed source without new sizes would show the old icon):
    # the 256 px file's average colour is the source's
    ours, theirs = _mean_colour(QImage(str(resource("icons", "aurora-console-256.png")))), _mean_colour(source)
    assert all(abs(a - b) < 3 for a, b in zip(ours, theirs, strict=True)), (ours, theirs)


def test_the_app_uses_it(qapp):
    from aurora_console.app import _set_window_icon

    _set_window_icon(qapp)
    assert qapp.windowIcon().availableSizes() == [QSize(n, n) for n in WINDOW_ICON_SIZES]
