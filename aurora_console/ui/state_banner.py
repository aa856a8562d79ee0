"""One way to say what a screen is doing, on every screen: loading (a spinning mark and what is
being read), empty (why there is nothing and what would fill it), error (the reason in one line,
the next step, and Retry when trying again can help), or a plain status line.

Each state has its own icon and says its word ("Loading", "Error") to screen readers: the
state never rests on colour alone. ``text()`` / ``setText()`` keep the interface of the status
label it replaces, so page objects and tests reading a screen's status still work.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QSize, Qt, QTimer
from PySide6.QtGui import QPainter, QPixmap, QTransform
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSizePolicy, QWidget

from aurora_console.ui.icons import icon

STATES = ("none", "info", "loading", "empty", "error")
_ICONS = {"info": "info", "empty": "info", "error": "circle-alert", "loading": "loader"}
_WORDS = {"loading": "Loading", "empty": "Nothing to show", "error": "Error", "info": "Status"}
ICON_SIZE = 16
SPIN_MS = 90  # one step of the loading mark: a light timer, nothing blocks


class StateBanner(QWidget):
    """A screen's state line. ``state`` is one of ``STATES``; ``retry_clicked`` is the callback
    passed to :meth:`error`, run when the user presses Retry."""

    def __init__(self, parent: QWidget | None = None, *, objectName: str = "") -> None:  # noqa: N803 - Qt's name
        super().__init__(parent)
        if objectName:
            self.setObjectName(objectName)
        self.state = "none"
        self._retry: Callable[[], object] | None = None
        self._angle = 0
        self.mark = QLabel(objectName="stateMark")
        self.mark.setFixedSize(QSize(ICON_SIZE, ICON_SIZE))
        # no word wrap: a wrapping label in a toolbar row shrinks to a narrow column; the next
        # step of an error goes on its own line (an explicit line break)
        self.label = QLabel(objectName="stateText")
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.label.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.retry_button = QPushButton("Retry", objectName="stateRetry")
        self.retry_button.setAccessibleName("Retry")
        self.retry_button.clicked.connect(self._retry_clicked)
        self.retry_button.hide()
        layout = QHBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addWidget(self.mark, 0, Qt.AlignmentFlag.AlignTop)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.retry_button, 0, Qt.AlignmentFlag.AlignTop)
        self._timer = QTimer(self, interval=SPIN_MS)
        self._timer.timeout.connect(self._spin)
        self.clear()

    # -- states -----------------------------------------------------------------------------
    def loading(self, text: str = "Loading…") -> None:
        self._show("loading", text)
        self._timer.start()

    def empty(self, text: str) -> None:
        self._show("empty", text)

    def error(self, reason: str, next_step: str = "", retry: Callable[[], object] | None = None) -> None:
        """The reason in one line (the first of ``reason``), the next step under it, Retry if given."""
        first = (reason or "Something went wrong.").strip().splitlines()[0]
        text = f"{first}\n{next_step.strip()}" if next_step and next_step.strip() else first
        self._show("error", text)
        self._retry = retry
        self.retry_button.setVisible(retry is not None)

    def error_from(self, exc: BaseException, retry: Callable[[], object] | None = None, prefix: str = "") -> None:
        """:meth:`error` from an exception: the console's wording, and its hint as the next step."""
        from aurora_console.core.errors import user_text

        text = user_text(exc).strip()
        first, _, rest = text.partition("\n")
        # the next step: the error's hint, else what the console's wording put under its first
        # line (e.g. "aws sso login --profile NAME" for an expired login)
        hint = (getattr(exc, "hint", "") or "").strip() or rest.strip()
        self.error(f"{prefix}{first}", hint, retry)

    def info(self, text: str) -> None:
        self._show("info" if text else "none", text)

    def show_state(self, state: str, text: str) -> None:
        """``text`` as it is (rich text allowed: e.g. a summary with a red error line) in ``state``'s
        look: for a screen whose own wording already says the reason and the next step."""
        if state not in STATES:
            raise ValueError(f"unknown state {state!r}")
        self._show(state if text or state == "none" else "none", text)
        if state == "loading" and text:
            self._timer.start()

    def clear(self) -> None:
        self._show("none", "")

    # -- the status label's interface ------------------------------------------------------
    def setText(self, text: str) -> None:  # noqa: N802 - as QLabel
        self.info(text)

    def text(self) -> str:
        return self.label.text()

    # -- drawing ------------------------------------------------------------------------------
    def _show(self, state: str, text: str) -> None:
        self._timer.stop()
        self.state = state
        self._retry = None
        self.retry_button.hide()
        self.label.setText(text)
        name = _ICONS.get(state)
        self.mark.setPixmap(icon(name).pixmap(QSize(ICON_SIZE, ICON_SIZE), self.devicePixelRatioF()) if name
                            else QPixmap())
        self.mark.setVisible(bool(name))
        self.setAccessibleName(f"{_WORDS[state]}: {text}" if state != "none" else "")
        self.setProperty("state", state)
        self.setVisible(state != "none")

    def _spin(self) -> None:
        self._angle = (self._angle + 45) % 360
        ratio = self.devicePixelRatioF()
        base = icon("loader").pixmap(QSize(ICON_SIZE, ICON_SIZE), ratio)
        turned = QPixmap(base.size())
        turned.setDevicePixelRatio(ratio)
        turned.fill(Qt.GlobalColor.transparent)
        painter = QPainter(turned)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        w, h = ICON_SIZE / 2, ICON_SIZE / 2
        painter.setTransform(QTransform().translate(w, h).rotate(self._angle).translate(-w, -h))
        painter.drawPixmap(0, 0, base)
        painter.end()
        self.mark.setPixmap(turned)

    def _retry_clicked(self) -> None:
        retry, self._retry = self._retry, None
        self.retry_button.hide()
        if retry is not None:
            retry()

    def hideEvent(self, event) -> None:  # noqa: N802 - no spinning out of sight
        self._timer.stop()
        super().hideEvent(event)

    def showEvent(self, event) -> None:  # noqa: N802
        super().showEvent(event)
        if self.state == "loading":
            self._timer.start()
