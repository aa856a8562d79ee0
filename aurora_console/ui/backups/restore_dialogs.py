"""Point-in-time restore and backtrack dialogs (times picked in UTC, local time shown too)."""

from __future__ import annotations

from datetime import datetime, timezone

from PySide6.QtCore import QDateTime, QTimeZone
from PySide6.QtWidgets import QCheckBox, QDateTimeEdit, QDoubleSpinBox, QLabel, QLineEdit

from aurora_console.core.aws.backups import backtrack as bt
from aurora_console.core.aws.backups import pitr
from aurora_console.ui.backups.dialogs import BackupDialog, instance_class_box
from aurora_console.ui.backups.settings_tab import local_is_utc, local_text


def utc_edit(object_name: str, value: datetime | None) -> QDateTimeEdit:
    edit = QDateTimeEdit(objectName=object_name)
    edit.setTimeZone(QTimeZone.utc())
    edit.setDisplayFormat("yyyy-MM-dd HH:mm:ss 'UTC'")
    edit.setCalendarPopup(True)
    set_utc(edit, value or datetime.now(timezone.utc))
    return edit


def set_utc(edit: QDateTimeEdit, value: datetime) -> None:
    edit.setDateTime(QDateTime.fromSecsSinceEpoch(int(value.timestamp()), QTimeZone.utc()))


def read_utc(edit: QDateTimeEdit) -> datetime:
    return datetime.fromtimestamp(edit.dateTime().toSecsSinceEpoch(), timezone.utc)


class PointInTimeRestoreDialog(BackupDialog):
    def __init__(self, panel, parent=None) -> None:
        s = panel.settings
        self.panel = panel
        super().__init__(
            f"Point-in-time restore of {s.cluster_id}",
            f"Create a <b>new</b> cluster from the continuous backup of <b>{s.cluster_id}</b> as it was at the chosen "
            f"time, with a writer instance. {s.cluster_id} itself is not changed.<br>Restorable: "
            f"{pitr.fmt_utc(s.earliest_restorable)} to {pitr.fmt_utc(s.latest_restorable)}.",
            "Restore", lambda d: d._prepare_pitr(), read_only=panel.read_only(), target=panel.target, parent=parent)
        self.setObjectName("pitrDialog")
        self.latest = QCheckBox("Latest restorable time", objectName="pitrLatest", checked=True)
        self.when = utc_edit("pitrTime", s.latest_restorable)
        self.when_local = QLabel(objectName="pitrLocal")
        self.ident = QLineEdit(f"{s.cluster_id}-pitr"[:63], objectName="pitrClusterId")
        self.klass = instance_class_box(s.writer_class, "pitrInstanceClass")
        self.form.addRow("", self.latest)
        self.form.addRow("Restore to (UTC)", self.when)
        self.form.addRow("", self.when_local)
        self.form.addRow("New cluster id", self.ident)
        self.form.addRow("Writer instance class", self.klass)
        self.latest.toggled.connect(self._sync)
        self.when.dateTimeChanged.connect(self._sync)
        self._sync()

    def _sync(self) -> None:
        self.when.setEnabled(not self.latest.isChecked())
        at = None if self.latest.isChecked() else read_utc(self.when)
        same = at is None or local_is_utc(at)  # local time equal to UTC: nothing to add
        self.when_local.setText("" if same else f"= {local_text(at)} local")
        self.when_local.setVisible(not same)

    def set_time(self, when: datetime | str | None) -> None:
        at = pitr.parse_restore_time(when)
        self.latest.setChecked(at is None)
        if at is not None:
            set_utc(self.when, at)

    def _prepare_pitr(self):
        when = None if self.latest.isChecked() else read_utc(self.when)
        return pitr.prepare_pitr(self.panel.settings, self.panel.target, self.ident.text(), when,
                                 self.klass.currentText(), self.panel.cluster_ids, read_only=self.panel.read_only())


class BacktrackDialog(BackupDialog):
    def __init__(self, panel, parent=None) -> None:
        s = panel.settings
        self.panel = panel
        hours = s.backtrack_window_s / 3600
        super().__init__(
            f"Backtrack {s.cluster_id}",
            f"Rewind cluster <b>{s.cluster_id}</b> in place to an earlier time within its {hours:g} h backtrack "
            "window. The cluster is unavailable for a short while.",
            "Backtrack", lambda d: d._prepare_bt(), read_only=panel.read_only(), target=panel.target,
            confirm_id=s.cluster_id, warning="Every change made after that time is lost from the cluster.",
            parent=parent)
        self.setObjectName("backtrackDialog")
        self.when = utc_edit("backtrackTime", datetime.now(timezone.utc))
        self.form.addRow("Backtrack to (UTC)", self.when)
        self.add_confirm_row()

    def _prepare_bt(self):
        return bt.prepare_backtrack(self.panel.settings, self.panel.target, read_utc(self.when), self.typed(),
                                    read_only=self.panel.read_only())


class BacktrackWindowDialog(BackupDialog):
    def __init__(self, panel, parent=None) -> None:
        s = panel.settings
        self.panel = panel
        super().__init__(f"Backtrack window of {s.cluster_id}",
                         f"How far back cluster <b>{s.cluster_id}</b> can be backtracked (0-72 hours). A longer "
                         "window stores more change records (billed).", "Change window",
                         lambda d: bt.prepare_window(panel.settings, panel.target, d.hours.value(), d.typed(),
                                                     read_only=panel.read_only()),
                         read_only=panel.read_only(), target=panel.target, confirm_id=s.cluster_id, parent=parent)
        self.hours = QDoubleSpinBox(objectName="backtrackHours", minimum=0, maximum=bt.MAX_HOURS, decimals=1,
                                    suffix=" h", value=s.backtrack_window_s / 3600)
        self.form.addRow("Backtrack window", self.hours)
        self.add_confirm_row()
        self.hours.valueChanged.connect(self._hours_changed)
        self._hours_changed(self.hours.value())

    def _hours_changed(self, value: float) -> None:
        off = value == 0
        self.set_warning(bt.OFF_WARNING if off else "")
        self.confirm.setEnabled(off)
        self._update_ok()

    def _update_ok(self) -> None:
        if not hasattr(self, "hours"):
            return
        typed_ok = self.confirm.text().strip() == self.confirm_id
        self.ok.setEnabled(not self.read_only and (self.hours.value() > 0 or typed_ok))
