"""Backup settings: retention, backup window (with local time), copy tags, apply now or in the
next maintenance window; pending changes, restorable times and backup storage use."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from aurora_console.core.aws.backups import windows as bw
from aurora_console.core.aws.backups.pitr import fmt_utc
from aurora_console.core.aws.backups.settings import (
    RETENTION_MAX,
    RETENTION_MIN,
    BackupSettings,
    StorageUse,
    prepare_modify_backup,
    read_storage_use,
    review_backup_change,
)
from aurora_console.core.errors import ConsoleError, error_message
from aurora_console.ui.backups.dialog_host import DialogHost
from aurora_console.ui.backups.dialogs import BackupDialog
from aurora_console.ui.endpoint_text import readable

GIB = 1024 ** 3


def local_text(dt: datetime | None) -> str:
    return dt.astimezone().strftime("%Y-%m-%d %H:%M:%S %Z") if dt else "-"


def local_is_utc(at: datetime | None = None) -> bool:
    """This machine's clock reads UTC at ``at`` (default: now): a local equivalent would only repeat it."""
    at = at or datetime.now(timezone.utc)
    if at.tzinfo is None:
        at = at.replace(tzinfo=timezone.utc)
    return at.astimezone().utcoffset() == timedelta(0)


def with_local(utc_text: str, at: datetime | None, local: str) -> str:
    """``utc_text``, and on a second line ``= local`` only when local time differs from UTC."""
    return utc_text if local_is_utc(at) else f"{utc_text}\n= {local}"


def size_text(value: float | None) -> str:
    if value is None:
        return "no data"
    return f"{value / GIB:,.2f} GiB" if value >= GIB / 100 else f"{value / 1024 ** 2:,.1f} MiB"


class SettingsTab(DialogHost, QWidget):
    def __init__(self, panel) -> None:
        super().__init__(panel)
        self.panel = panel
        self.dialog: BackupDialog | None = None
        self.storage: StorageUse | None = None
        lay = QHBoxLayout(self)
        left, right = QVBoxLayout(), QVBoxLayout()
        lay.addLayout(left, 1)
        lay.addLayout(right, 1)

        edit = QGroupBox("Backup settings")
        form = QFormLayout(edit)
        self.retention = QSpinBox(objectName="backupRetention", minimum=RETENTION_MIN, maximum=RETENTION_MAX,
                                  suffix=" days", maximumWidth=120)
        self.retention.setToolTip("How long Aurora keeps continuous backups (1-35 days).")
        form.addRow("Retention period", self.retention)
        self.window_edit = QLineEdit(objectName="backupWindow", placeholderText="hh24:mi-hh24:mi (UTC)")
        self.window_edit.setMaximumWidth(160)
        self.window_local = QLabel(objectName="backupWindowLocal")
        row = QHBoxLayout()
        row.addWidget(self.window_edit)
        row.addWidget(QLabel("UTC"))
        row.addStretch(1)
        form.addRow("Backup window", row)
        form.addRow("", self.window_local)
        self.maintenance = QLabel(objectName="backupMaintenanceWindow")
        form.addRow("Maintenance window", self.maintenance)
        self.copy_tags = QCheckBox("Copy the cluster's tags to its snapshots", objectName="backupCopyTags")
        form.addRow("", self.copy_tags)
        self.apply_now = QRadioButton("Apply now", objectName="backupApplyNow")
        self.apply_later = QRadioButton("At the next maintenance window", objectName="backupApplyLater")
        self.apply_later.setChecked(True)
        when = QHBoxLayout()
        when.addWidget(self.apply_now)
        when.addWidget(self.apply_later)
        when.addStretch(1)
        form.addRow("Apply", when)
        self.input_error = QLabel(objectName="backupSettingsError", wordWrap=True)
        self.input_error.setStyleSheet("color: #c0392b;")
        self.input_error.hide()
        form.addRow(self.input_error)
        # what the change does not refuse but the user should know (e.g. the current windows overlap)
        self.input_warning = QLabel(objectName="backupSettingsWarning", wordWrap=True)
        self.input_warning.setStyleSheet("color: #b35c00;")
        self.input_warning.hide()
        form.addRow(self.input_warning)
        buttons = QHBoxLayout()
        self.apply_button = QPushButton("Apply changes…", objectName="backupApply")
        self.apply_button.clicked.connect(self.request_apply)
        self.revert_button = QPushButton("Revert", objectName="backupRevert")
        self.revert_button.clicked.connect(lambda: self.show_settings(self.panel.settings))
        buttons.addWidget(self.apply_button)
        buttons.addWidget(self.revert_button)
        buttons.addStretch(1)
        form.addRow("", buttons)
        self.pending = QLabel(objectName="backupPending", wordWrap=True)
        form.addRow("Pending changes", self.pending)
        left.addWidget(edit)
        left.addStretch(1)

        info = QGroupBox("Recovery")
        iform = QFormLayout(info)
        self.earliest = QLabel(objectName="backupEarliest")
        self.latest = QLabel(objectName="backupLatest")
        iform.addRow("Earliest restorable", self.earliest)
        iform.addRow("Latest restorable", self.latest)
        self.pitr_button = QPushButton("Restore to a point in time…", objectName="backupPitr")
        self.pitr_button.clicked.connect(self.request_pitr)
        pitr_row = QHBoxLayout()
        pitr_row.addWidget(self.pitr_button)
        pitr_row.addStretch(1)
        iform.addRow("", pitr_row)
        right.addWidget(info)

        store = QGroupBox("Backup storage (CloudWatch)")
        sform = QFormLayout(store)
        self.continuous = QLabel("…", objectName="backupStorageContinuous")
        self.snapshot_storage = QLabel("…", objectName="backupStorageSnapshots")
        self.billed = QLabel("…", objectName="backupStorageBilled")
        self.storage_note = QLabel(objectName="backupStorageNote", wordWrap=True)
        # dimmed but readable in both themes (palette(mid) is nearly invisible on the dark window colour)
        self.storage_note.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        for label, w, metric in (("Continuous backups", self.continuous, "BackupRetentionPeriodStorageUsed"),
                                 ("Snapshots", self.snapshot_storage, "SnapshotStorageUsed"),
                                 ("Billed in total", self.billed, "TotalBackupStorageBilled")):
            w.setToolTip(f"CloudWatch AWS/RDS {metric}, newest value")
            sform.addRow(label, w)
        sform.addRow(self.storage_note)
        right.addWidget(store)
        right.addStretch(1)

        for w in (self.retention.valueChanged, self.window_edit.textChanged, self.copy_tags.toggled):
            w.connect(self._edited)

    # -- data ----------------------------------------------------------------------------------
    def load(self, submit) -> None:
        cid, target = self.panel.ref.cluster_id, self.panel.target
        submit(f"Backup storage of {cid}", lambda aws: read_storage_use(aws, target, cid), self.show_storage,
               self._storage_error)

    def show_settings(self, s: BackupSettings | None) -> None:
        if s is None:
            return
        self.retention.setValue(max(RETENTION_MIN, s.retention_days))
        self.window_edit.setText(s.backup_window)
        self.copy_tags.setChecked(s.copy_tags)
        try:
            mw = bw.parse_maintenance_window(s.maintenance_window)
            self.maintenance.setText(with_local(f"{s.maintenance_window} UTC", None,
                                                f"{bw.weekly_local_text(mw)} local"))
        except ConsoleError:
            self.maintenance.setText(s.maintenance_window or "-")
        pend = ", ".join(f"{k} = {v}" for k, v in s.pending.items())
        self.pending.setText(pend or "none")
        self.earliest.setText(with_local(fmt_utc(s.earliest_restorable), s.earliest_restorable,
                                         local_text(s.earliest_restorable)))
        self.latest.setText(with_local(fmt_utc(s.latest_restorable), s.latest_restorable, local_text(s.latest_restorable)))
        self._edited()

    def show_storage(self, use: StorageUse) -> None:
        self.storage = use
        self.continuous.setText(size_text(use.values.get("BackupRetentionPeriodStorageUsed")))
        self.snapshot_storage.setText(size_text(use.values.get("SnapshotStorageUsed")))
        self.billed.setText(size_text(use.values.get("TotalBackupStorageBilled")))
        self.storage_note.setText(use.message or (f"As of {fmt_utc(use.at)}" if use.at else ""))

    def _storage_error(self, exc: BaseException) -> None:
        for label in (self.continuous, self.snapshot_storage, self.billed):
            label.setText("unavailable")
        text = error_message(exc)
        sandbox = self.panel.services.aws_is_sandbox
        self.storage_note.setText(readable(text, sandbox=sandbox, feature="Backup storage metrics"))

    # -- editing -------------------------------------------------------------------------------
    def _edited(self) -> None:
        """Check what the user changed as they type: errors (red) refuse the change, warnings
        (amber) only inform; both come from core's review of the change."""
        text = self.window_edit.text()
        s = self.panel.settings
        try:
            w = bw.parse_backup_window(text)
        except ConsoleError:
            self.window_local.setText("")
        else:
            self.window_local.setText("" if local_is_utc() else f"= {bw.daily_local_text(w)} local")
        if s is None:
            errors, warnings = [], []
        else:
            review = review_backup_change(s, retention=self.retention.value(), window=text,
                                          copy_tags=self.copy_tags.isChecked())
            errors, warnings = list(review.errors), list(review.warnings)
        self.input_error.setText("\n".join(errors))
        self.input_error.setVisible(bool(errors))
        self.input_warning.setText("\n".join(warnings))
        self.input_warning.setVisible(bool(warnings))
        self.update_enabled()

    def changed(self) -> bool:
        s = self.panel.settings
        if s is None:
            return False
        return (self.retention.value() != s.retention_days or self.window_edit.text().strip() != s.backup_window
                or self.copy_tags.isChecked() != s.copy_tags)

    def update_enabled(self) -> None:
        can = self.panel.can_change()
        for w in (self.retention, self.window_edit, self.copy_tags, self.apply_now, self.apply_later):
            w.setEnabled(can)
        self.apply_button.setEnabled(can and self.changed())
        self.revert_button.setEnabled(self.changed())
        self.pitr_button.setEnabled(can)

    def prepare(self):
        return prepare_modify_backup(
            self.panel.settings, self.panel.target, retention=self.retention.value(), window=self.window_edit.text(),
            copy_tags=self.copy_tags.isChecked(), apply_now=self.apply_now.isChecked(),
            read_only=self.panel.read_only())

    def request_apply(self) -> BackupDialog | None:
        """Validate at once (the refusal shows inline); on success confirm in a dialog that also
        shows core's warnings (a shorter retention, windows that already overlap)."""
        try:
            action = self.prepare()
        except ConsoleError as exc:
            self.input_error.setText(exc.message)
            self.input_error.show()
            return None
        s = self.panel.settings
        dlg = BackupDialog(f"Backup settings of {s.cluster_id}", f"{action.title}.", "Apply",
                           lambda _d: self.prepare(), read_only=self.panel.read_only(), target=self.panel.target,
                           warning=action.warning, parent=self)
        return self._open(dlg)

    def request_pitr(self):
        from aurora_console.ui.backups.restore_dialogs import PointInTimeRestoreDialog

        if self.panel.settings is None:
            return None
        return self._open(PointInTimeRestoreDialog(self.panel, parent=self))
