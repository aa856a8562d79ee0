"""The backup panel of one cluster: a header, one tab per topic, and an action row (progress,
cancel) shared by every action the tabs start."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from aurora_console.core.aws.backups.settings import BackupSettings, list_cluster_ids, read_backup_settings
from aurora_console.core.aws.errors import cluster_gone_text
from aurora_console.core.errors import error_message
from aurora_console.ui.backups.runner import BackupTasks
from aurora_console.ui.state_banner import StateBanner


class BackupsPanel(QWidget):
    """``reload()`` reads everything again; ``loaded`` fires when every section has its data."""

    loaded = Signal()

    def __init__(self, services, ref, profile_name: str | None = None, parent=None) -> None:
        super().__init__(parent)
        from aurora_console.ui.backups.backtrack_tab import BacktrackTab
        from aurora_console.ui.backups.events_tab import EventsTab
        from aurora_console.ui.backups.settings_tab import SettingsTab
        from aurora_console.ui.backups.snapshots_tab import SnapshotsTab

        self.setObjectName("backupsPanel")
        self.services, self.ref = services, ref
        # the profile whose read-only flag applies (the sandbox's refs carry no profile name)
        self.profile_name = ref.profile or profile_name or "default"
        self.target = ref.target
        self.settings: BackupSettings | None = None
        self.cluster_ids: list[str] = []
        self.load_count = 0
        self.error = ""
        self.tasks = BackupTasks(services, self.read_only, self)
        self.destroyed.connect(lambda *_: self.tasks.close())

        lay = QVBoxLayout(self)
        head = QHBoxLayout()
        self.title = QLabel(objectName="backupsTitle")
        self.title.setStyleSheet("font-size: 15px; font-weight: bold;")
        self.badge = QLabel(objectName="backupsReadOnly")
        self.badge.setStyleSheet("color: #b35c00;")
        self.refresh_button = QPushButton("Refresh", objectName="backupsRefresh")
        self.refresh_button.setShortcut("F5")
        self.refresh_button.clicked.connect(self.reload)
        head.addWidget(self.title)
        head.addStretch(1)
        head.addWidget(self.badge)
        head.addWidget(self.refresh_button)
        lay.addLayout(head)
        self.error_label = QLabel(objectName="backupsError", wordWrap=True)
        self.error_label.setStyleSheet("color: #c0392b;")
        self.error_label.hide()
        lay.addWidget(self.error_label)

        self.tabs = QTabWidget(objectName="backupsTabs")
        self.settings_tab = SettingsTab(self)
        self.snapshots_tab = SnapshotsTab(self)
        self.backtrack_tab = BacktrackTab(self)
        self.events_tab = EventsTab(self)
        self.tabs.addTab(self.settings_tab, "Backup settings")
        self.tabs.addTab(self.snapshots_tab, "Snapshots")
        self.tabs.addTab(self.backtrack_tab, "Backtrack")
        self.tabs.addTab(self.events_tab, "Event notifications")
        lay.addWidget(self.tabs, 1)

        row = QHBoxLayout()
        self.action_label = StateBanner(objectName="backupsActionStatus")
        self.progress = QProgressBar(objectName="backupsProgress", maximumWidth=160)
        self.progress.setRange(0, 0)
        self.cancel_button = QPushButton("Stop waiting", objectName="backupsCancel")
        self.cancel_button.setToolTip("Stop following the action (Esc). What AWS accepted carries on.")
        self.cancel_button.setShortcut("Esc")
        self.cancel_button.clicked.connect(self.tasks.cancel)
        row.addWidget(self.action_label, 1)
        row.addWidget(self.progress)
        row.addWidget(self.cancel_button)
        lay.addLayout(row)
        self.tasks.changed.connect(self._tasks_changed)
        self.tasks.action_finished.connect(lambda _r: self.reload())
        self._update_header()
        self._tasks_changed()

    # -- state ---------------------------------------------------------------------------------
    def read_only(self) -> bool:
        return self.services.is_read_only(self.profile_name)

    @property
    def loading(self) -> bool:
        return self.tasks.loading > 0

    def _update_header(self) -> None:
        s = self.settings
        engine = s.engine if s else self.ref.engine
        status = f", {s.status}" if s else ""
        self.title.setText(f"Backups of {self.ref.cluster_id}  ({engine}{status}; {self.profile_name} / {self.target.region})")
        self.badge.setText("Profile is read-only: changes are disabled" if self.read_only() else "")

    def _tasks_changed(self) -> None:
        t = self.tasks
        self.progress.setVisible(t.running or t.loading > 0)
        self.cancel_button.setVisible(t.running)
        if t.running:
            self.action_label.loading(t.action_text)
        elif t.loading:
            self.action_label.loading(f"Reading the backups of {self.ref.cluster_id}…")
        elif t.last_error:
            self.action_label.error(t.last_error, retry=self.reload)
        else:
            self.action_label.info(t.last_message)
        for tab in (self.settings_tab, self.snapshots_tab, self.backtrack_tab, self.events_tab):
            tab.update_enabled()

    def can_change(self) -> bool:
        return not self.read_only() and not self.tasks.running and self.settings is not None

    # -- loading -------------------------------------------------------------------------------
    def reload(self) -> None:
        cid, target = self.ref.cluster_id, self.target
        pending = {"n": 0}

        def part_done() -> None:
            pending["n"] -= 1
            if pending["n"] == 0:
                self.load_count += 1
                self.loaded.emit()

        def submit(name, fn, ok, err=None) -> None:
            pending["n"] += 1

            def on_ok(value) -> None:
                ok(value)
                part_done()

            def on_err(exc) -> None:
                (err or self._load_error)(exc)
                part_done()

            self.tasks.load(name, fn, on_ok, on_err)

        def settings_and_ids(aws):
            return read_backup_settings(aws, target, cid), list_cluster_ids(aws, target)

        submit(f"Backup settings of {cid}", settings_and_ids, self._settings_loaded)
        self.settings_tab.load(submit)
        self.snapshots_tab.load(submit)
        self.events_tab.load(submit)
        self.backtrack_tab.load(submit)

    def _settings_loaded(self, value) -> None:
        self.settings, self.cluster_ids = value
        self.error = ""
        self.error_label.hide()
        self._update_header()
        self.settings_tab.show_settings(self.settings)
        self.backtrack_tab.show_settings(self.settings)
        self._tasks_changed()

    def refresh(self) -> None:
        """The window's refresh (Ctrl+R) on this tab: read everything again."""
        self.reload()

    def _load_error(self, exc: BaseException) -> None:
        gone = cluster_gone_text(exc, self.ref.cluster_id, self.target.region, self.profile_name)
        if gone:
            self.error = gone
            self.error_label.setText(gone)
            self.error_label.show()
            return
        self.error = error_message(exc)
        self.error_label.setText(f"Could not read the backup settings: {self.error}")
        self.error_label.show()
