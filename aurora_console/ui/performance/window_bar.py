"""WindowBar: which time window the Top SQL and Load tabs show (the last 5 minutes to 7 days, or
an explained window), **Snapshot now**, **Also record in the background** (the profile's setting:
snapshots while the console runs, even with no Performance screen open), and what the recording
holds (snapshots taken, when the last one was, why the background recording failed)."""

from __future__ import annotations

import time

from PySide6.QtWidgets import QCheckBox, QComboBox, QHBoxLayout, QLabel, QPushButton, QWidget

RANGES = (("Last 5 minutes", 300), ("Last 15 minutes", 900), ("Last hour", 3600), ("Last 6 hours", 6 * 3600),
          ("Last 24 hours", 86400), ("Last 7 days", 7 * 86400))
DEFAULT_RANGE = 1


def window_text(start: float, end: float) -> str:
    fmt = "%Y-%m-%d %H:%M:%S"
    return f"{time.strftime(fmt, time.localtime(start))} – {time.strftime('%H:%M:%S', time.localtime(end))}"


class WindowBar(QWidget):
    def __init__(self, recorder, on_change, parent: QWidget | None = None, *, background=None,
                 profile: str = "") -> None:
        super().__init__(parent)
        self.recorder = recorder
        self.on_change = on_change
        self.background, self.profile = background, profile
        self.background_box = QCheckBox("Also record in the background", objectName="performanceBackground")
        self.background_box.setToolTip(f"Take a pg_stat_statements snapshot of {profile or 'this profile'}'s writer "
                                       "every minute while the console runs, even with this screen closed")
        self.background_box.setVisible(background is not None)
        if background is not None:
            self.background_box.setChecked(background.enabled(profile))
            self.background_box.toggled.connect(lambda on: background.set_enabled(profile, on))
        self.range_combo = QComboBox(objectName="performanceWindow")
        for text, _seconds in RANGES:
            self.range_combo.addItem(text)
        self.range_combo.setCurrentIndex(DEFAULT_RANGE)
        self.range_combo.activated.connect(self._range_picked)
        self.snapshot_button = QPushButton("Snapshot now", objectName="performanceSnapshot")
        self.snapshot_button.setToolTip("Read pg_stat_statements now (the screen also does once a minute)")
        self.snapshot_button.clicked.connect(lambda _=False: recorder.snapshot_now())
        self.info = QLabel(objectName="performanceRecording", wordWrap=True)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(QLabel("Window:"))
        layout.addWidget(self.range_combo)
        layout.addWidget(self.snapshot_button)
        layout.addWidget(self.background_box)
        layout.addWidget(self.info, 1)

    def seconds(self) -> int:
        return RANGES[self.range_combo.currentIndex()][1] if self.range_combo.currentIndex() < len(RANGES) else 900

    def _range_picked(self, index: int) -> None:
        if index < len(RANGES):
            self.recorder.set_window_seconds(RANGES[index][1])
            self.on_change()
        elif self.recorder.explain_window_range is not None:
            self.recorder.set_window(*self.recorder.explain_window_range)
            self.on_change()

    def show_explained(self, start: float, end: float) -> None:
        """The window an "Explain this window" opened on, as an entry of its own."""
        label = f"Explained: {window_text(start, end)}"
        if self.range_combo.count() > len(RANGES):
            self.range_combo.setItemText(len(RANGES), label)
        else:
            self.range_combo.addItem(label)
        self.range_combo.setCurrentIndex(len(RANGES))

    def render(self) -> None:
        rec = self.recorder
        self.snapshot_button.setEnabled(rec.link is not None and not rec.recording)
        parts = []
        if rec.snapshots:
            last = rec.last_snapshot
            when = time.strftime("%H:%M:%S", time.localtime(last.taken_at)) if last is not None else "-"
            parts.append(f"{rec.snapshots} snapshot(s) this session, the last at {when}"
                         + (f" (a new baseline: {last.baseline})" if last is not None and last.baseline else ""))
        else:
            parts.append("No pg_stat_statements snapshot yet this session.")
        if rec.window is not None:
            parts.append(window_text(*rec.window))
        bg = self.background
        if bg is not None:
            on = bg.enabled(self.profile)
            if self.background_box.isChecked() != on:
                self.background_box.blockSignals(True)
                self.background_box.setChecked(on)
                self.background_box.blockSignals(False)
            if on and self.profile in bg.errors:
                parts.append(f"Background recording failed: {bg.errors[self.profile]}")
        self.info.setText(" · ".join(parts))
