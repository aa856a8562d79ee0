"""PerformanceToolbar: the instance picker (writer, each reader), the refresh interval (1-10 s),
Pause / Resume, Refresh now, and the two thresholds that tint sessions (long transaction, idle in
transaction). It renders the controller and hands the user's changes to it."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QPushButton, QSpinBox, QWidget

from .controller import MAX_INTERVAL_S, MIN_INTERVAL_S


class PerformanceToolbar(QWidget):
    def __init__(self, controller, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.instance_combo = QComboBox(objectName="performanceInstance")
        # the instances arrive after the screen is shown: grow to the longest ("reader: orders-replica-3")
        self.instance_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.instance_combo.setToolTip("Sessions, locks and statements are per instance: pick the writer or a reader")
        self.instance_combo.activated.connect(self._instance_picked)
        self.interval = QSpinBox(objectName="performanceInterval", accessibleName="Refresh interval in seconds", minimum=MIN_INTERVAL_S, maximum=MAX_INTERVAL_S,
                                 suffix=" s")
        self.interval.setValue(controller.interval_s)
        self.interval.setToolTip("Refresh every 1 to 10 seconds")
        self.interval.valueChanged.connect(controller.set_interval)
        self.pause_button = QPushButton("Pause", objectName="performancePause", checkable=True)
        self.pause_button.toggled.connect(controller.set_paused)
        self.refresh_button = QPushButton("Refresh now", objectName="performanceRefresh")
        self.refresh_button.clicked.connect(lambda _=False: controller.refresh())
        self.long_xact = QSpinBox(objectName="performanceLongXact", accessibleName="Long transaction threshold in seconds", minimum=1, maximum=86400, suffix=" s")
        self.long_xact.setValue(int(controller.long_xact_s))
        self.long_xact.setToolTip("Transactions open longer than this are tinted amber")
        self.long_xact.valueChanged.connect(lambda v: controller.set_thresholds(long_xact_s=v))
        self.idle_xact = QSpinBox(objectName="performanceIdleXact", accessibleName="Idle in transaction threshold in seconds", minimum=1, maximum=86400, suffix=" s")
        self.idle_xact.setValue(int(controller.idle_in_xact_s))
        self.idle_xact.setToolTip("Sessions idle in transaction longer than this are tinted red")
        self.idle_xact.valueChanged.connect(lambda v: controller.set_thresholds(idle_in_xact_s=v))
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for w in (QLabel("Instance:"), self.instance_combo, QLabel("Every"), self.interval, self.pause_button,
                  self.refresh_button, QLabel("Long transaction after"), self.long_xact,
                  QLabel("Idle in transaction after"), self.idle_xact):
            layout.addWidget(w)
        layout.addStretch(1)
        self._instances = None

    def render(self) -> None:
        c = self.controller
        if c.instances is not self._instances:
            self._instances = c.instances
            self.instance_combo.clear()
            for inst in c.instances:
                self.instance_combo.addItem(inst.label)
                self.instance_combo.setItemData(self.instance_combo.count() - 1, f"{inst.address}:{inst.port}",
                                                Qt.ItemDataRole.ToolTipRole)
        if c.instance in c.instances:
            self.instance_combo.setCurrentIndex(c.instances.index(c.instance))
        self.pause_button.blockSignals(True)
        self.pause_button.setChecked(c.paused)
        self.pause_button.setText("Resume" if c.paused else "Pause")
        self.pause_button.blockSignals(False)
        self.refresh_button.setEnabled(c.link is not None and not c.refreshing)

    def _instance_picked(self, index: int) -> None:
        if 0 <= index < len(self.controller.instances):
            self.controller.select(self.controller.instances[index])
