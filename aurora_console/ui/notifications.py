"""Non-modal notifications: a toast in the window's corner plus a history, never a blocking dialog."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QFrame, QLabel, QPushButton, QVBoxLayout, QWidget

from aurora_console.core.errors import ConsoleError, worded
from aurora_console.core.redaction import redact

log = logging.getLogger(__name__)


@dataclass
class Notification:
    """A message for the user: its level, title, text and the next step (hint)."""

    level: str  # info | warning | error
    title: str
    text: str
    hint: str = ""
    at: float = field(default_factory=time.time)


def describe_error(exc: BaseException) -> tuple[str, str]:
    """(message, hint) for the window (a botocore error in the console's words: an expired SSO
    login names the ``aws sso login --profile NAME`` to run)."""
    exc = worded(exc)
    if isinstance(exc, ConsoleError):
        return exc.message, exc.hint
    return f"{type(exc).__name__}: {exc}", ""


class Notifier(QObject):
    posted = Signal(object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.history: list[Notification] = []

    def post(self, level: str, title: str, text: str, hint: str = "") -> Notification:
        n = Notification(level, title, redact(text), redact(hint))
        self.history.append(n)
        del self.history[:-200]
        getattr(log, "error" if level == "error" else "warning" if level == "warning" else "info")(
            "%s: %s %s", title, n.text, n.hint)
        self.posted.emit(n)
        return n

    def info(self, title: str, text: str) -> Notification:
        return self.post("info", title, text)

    def warning(self, title: str, text: str, hint: str = "") -> Notification:
        return self.post("warning", title, text, hint)

    def error(self, title: str, exc_or_text: BaseException | str) -> Notification:
        if isinstance(exc_or_text, BaseException):
            text, hint = describe_error(exc_or_text)
        else:
            text, hint = exc_or_text, ""
        return self.post("error", title, text, hint)


_COLOURS = {"info": "#2d6cdf", "warning": "#c98a00", "error": "#c0392b"}


class ToastArea(QWidget):
    """Stacked toasts in the bottom-right corner of its parent; each hides after a while."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("toastArea")
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents, False)
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.setSpacing(6)
        self._layout.addStretch(1)
        self.setFixedWidth(380)
        parent.installEventFilter(self)
        self._place()

    def show_notification(self, n: Notification) -> None:
        toast = QFrame(self)
        toast.setObjectName("toast")
        toast.setProperty("level", n.level)
        toast.setStyleSheet(
            f"QFrame#toast {{ background: palette(window); border: 1px solid palette(mid);"
            f" border-left: 5px solid {_COLOURS.get(n.level, '#888')}; border-radius: 4px; }}")
        lay = QVBoxLayout(toast)
        lay.setContentsMargins(10, 6, 6, 8)
        title = QLabel(f"<b>{_html(n.title)}</b>")
        close = QPushButton("×", toast)
        close.setFlat(True)
        close.setFixedSize(20, 20)
        close.clicked.connect(lambda: self._remove(toast))
        head = QFrame(toast)
        from PySide6.QtWidgets import QHBoxLayout

        hl = QHBoxLayout(head)
        hl.setContentsMargins(0, 0, 0, 0)
        hl.addWidget(title, 1)
        hl.addWidget(close)
        lay.addWidget(head)
        body = QLabel(_html(n.text) + (f"<br><i>{_html(n.hint)}</i>" if n.hint else ""))
        body.setWordWrap(True)
        body.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        lay.addWidget(body)
        self._layout.addWidget(toast)
        while self._layout.count() > 5:  # stretch + 4 toasts
            item = self._layout.itemAt(1)
            if item and item.widget():
                self._remove(item.widget())
        QTimer.singleShot(12000 if n.level == "error" else 6000, toast, lambda: self._remove(toast))
        self._place()
        self.show()
        self.raise_()

    def _remove(self, toast: QWidget) -> None:
        toast.hide()
        self._layout.removeWidget(toast)
        toast.deleteLater()
        QTimer.singleShot(0, self, self._place)  # dropped if the area is deleted first

    def _place(self) -> None:
        parent = self.parentWidget()
        if parent is None:
            return
        self.adjustSize()
        h = min(self.sizeHint().height(), parent.height() - 60)
        self.setGeometry(parent.width() - self.width() - 16, parent.height() - h - 40, self.width(), h)

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 - Qt naming
        from PySide6.QtCore import QEvent

        if obj is self.parentWidget() and event.type() == QEvent.Type.Resize:
            self._place()
        return False


def _html(text: str) -> str:
    import html

    return html.escape(text).replace("\n", "<br>")
