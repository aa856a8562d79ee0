"""Status bar: profile, region, open tunnels, background tasks with progress and cancel."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QStatusBar, QToolButton, QWidget

from aurora_console.ui.tasks import TaskHandle, TaskRunner


class TaskStatusWidget(QWidget):
    def __init__(self, runner: TaskRunner, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("statusTasks")
        self._runner = runner
        self.label = QLabel(objectName="statusTasksLabel")
        # a long task name must not push the status message (sandbox ready, errors) out of sight
        self.label.setMaximumWidth(320)
        self.bar = QProgressBar(objectName="statusTasksProgress")
        self.bar.setMaximumWidth(140)
        self.bar.setMaximumHeight(14)
        self.bar.setTextVisible(False)
        self.cancel_button = QToolButton(objectName="statusTasksCancel", text="✕")
        self.cancel_button.setToolTip("Cancel the background tasks")
        self.cancel_button.clicked.connect(runner.cancel_all)
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.label)
        lay.addWidget(self.bar)
        lay.addWidget(self.cancel_button)
        runner.task_started.connect(self._update)
        runner.task_ended.connect(self._update)
        runner.task_progress.connect(self._update)
        self._update()

    def _update(self, _handle: TaskHandle | None = None) -> None:
        active = [h for h in self._runner.active() if h.state == "running"]
        if not active:
            self.label.setText("Idle")
            self.bar.hide()
            self.cancel_button.hide()
            return
        first = active[0]
        more = f" (+{len(active) - 1})" if len(active) > 1 else ""
        text = f"{first.text or first.name}{more}"
        metrics = self.label.fontMetrics()
        self.label.setText(metrics.elidedText(text, Qt.TextElideMode.ElideMiddle, self.label.maximumWidth()))
        self.label.setToolTip("\n".join(f"{h.name}: {h.text}" if h.text and h.text != h.name else h.name
                                         for h in active))
        self.bar.show()
        self.cancel_button.show()
        if first.percent is None:
            self.bar.setRange(0, 0)
        else:
            self.bar.setRange(0, 100)
            self.bar.setValue(first.percent)


class ConsoleStatusBar(QStatusBar):
    def __init__(self, runner: TaskRunner, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("statusBar")
        self.profile_label = QLabel(objectName="statusProfile")
        self.region_label = QLabel(objectName="statusRegion")
        self.tunnels_label = QLabel("Tunnels: 0", objectName="statusTunnels")
        self.tasks = TaskStatusWidget(runner, self)
        self.addPermanentWidget(self.tasks)
        self.addPermanentWidget(self.tunnels_label)
        self.addPermanentWidget(self.profile_label)
        self.addPermanentWidget(self.region_label)

    def set_profile(self, profile: str | None, read_only: bool = False) -> None:
        self.profile_label.setText(f"Profile: {profile or '—'}{' (read-only)' if read_only else ''}")

    def set_regions(self, regions: list[str]) -> None:
        self.region_label.setText("Region: " + (", ".join(regions) if regions else "—"))

    def set_tunnels(self, count: int, detail: str = "") -> None:
        self.tunnels_label.setText(f"Tunnels: {count}")
        self.tunnels_label.setToolTip(detail)
