"""Backtrack (Aurora MySQL): the window, past backtracks, and rewinding the cluster. For other
engines the tab explains why it is not available; where the endpoint lacks the APIs it says so."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from aurora_console.core.aws.backups import backtrack as bt
from aurora_console.core.aws.backups.pitr import fmt_utc
from aurora_console.core.aws.backups.settings import BackupSettings
from aurora_console.core.aws.errors import NotSupportedByEndpoint
from aurora_console.core.errors import error_message
from aurora_console.ui.backups.dialog_host import DialogHost
from aurora_console.ui.endpoint_text import readable
from aurora_console.ui.state_banner import StateBanner


def is_mysql_engine(engine: str) -> bool:
    return engine in ("aurora-mysql", "aurora")


class BacktrackTab(DialogHost, QWidget):
    def __init__(self, panel) -> None:
        super().__init__(panel)
        self.panel = panel
        self.dialog = None
        self.unsupported = ""
        self.backtracks: list[bt.Backtrack] = []
        lay = QVBoxLayout(self)
        self.reason = QLabel(objectName="backtrackReason", wordWrap=True)
        lay.addWidget(self.reason)
        self.window_label = QLabel(objectName="backtrackWindow")
        lay.addWidget(self.window_label)
        bar = QHBoxLayout()
        self.window_button = QPushButton("Change backtrack window…", objectName="backtrackChangeWindow")
        self.window_button.clicked.connect(lambda: self.request("window"))
        self.run_button = QPushButton("Backtrack…", objectName="backtrackRun")
        self.run_button.clicked.connect(lambda: self.request("backtrack"))
        bar.addWidget(self.window_button)
        bar.addWidget(self.run_button)
        bar.addStretch(1)
        lay.addLayout(bar)
        self.message = StateBanner(objectName="backtrackMessage")
        lay.addWidget(self.message)
        self.list = QTreeWidget(objectName="backtrackList")
        self.list.setHeaderLabels(["Backtrack", "Status", "Back to (UTC)", "From (UTC)", "Requested (UTC)"])
        self.list.setRootIsDecorated(False)
        lay.addWidget(self.list, 1)
        self.filler = QWidget()  # keeps the explanation at the top when there is nothing else
        lay.addWidget(self.filler, 1)
        self._show_engine(panel.ref.engine)

    def _show_engine(self, engine: str) -> None:
        mysql = is_mysql_engine(engine)
        self.reason.setText("" if mysql else (
            "Backtrack is an Aurora MySQL feature: Aurora PostgreSQL has no backtrack. To undo a change, use "
            "point-in-time restore to a new cluster (Backup settings tab)." if engine == "aurora-postgresql"
            else f"Backtrack is only available for Aurora MySQL clusters (this one is {engine or 'unknown'})."))
        for w in (self.window_label, self.window_button, self.run_button, self.message):
            w.setVisible(mysql)
        self.list.setVisible(mysql and not self.unsupported)
        self.filler.setVisible(not self.list.isVisibleTo(self))
        self.reason.setVisible(bool(self.reason.text()))

    def load(self, submit) -> None:
        if not is_mysql_engine(self.panel.ref.engine):
            return
        cid, target = self.panel.ref.cluster_id, self.panel.target
        submit(f"Backtracks of {cid}", lambda aws: bt.list_backtracks(aws, target, cid), self.show_backtracks,
               self._error)

    def show_settings(self, s: BackupSettings) -> None:
        self._show_engine(s.engine)
        reason = bt.unavailable_reason(s)
        if s.is_mysql:
            self.window_label.setText(f"Backtrack window: {s.backtrack_window_s / 3600:g} hours" if s.backtrack_window_s
                                      else "Backtrack window: off")
            if reason:
                self.reason.setText(reason)
                self.reason.setVisible(True)
        self.update_enabled()

    def show_backtracks(self, items: list[bt.Backtrack]) -> None:
        self.unsupported = ""
        self.backtracks = items
        self.list.clear()
        for b in items:
            self.list.addTopLevelItem(QTreeWidgetItem([b.identifier, b.status, fmt_utc(b.backtrack_to),
                                                       fmt_utc(b.backtracked_from), fmt_utc(b.requested)]))
        if items:
            self.message.clear()
        else:
            self.message.empty("No backtracks yet.")
        self._show_engine(self.panel.settings.engine if self.panel.settings else self.panel.ref.engine)
        self.update_enabled()

    def _error(self, exc: BaseException) -> None:
        text = error_message(exc)
        if isinstance(exc, NotSupportedByEndpoint):
            self.unsupported = text
            if self.panel.services.aws_is_sandbox:
                self.message.setText(readable(text, sandbox=True, feature="Backtrack")
                                     + ". On AWS this tab lists and runs backtracks.")
            else:
                self.message.setText(text)
        else:
            self.message.error(f"Could not list backtracks: {text}", retry=self.panel.reload)
        self._show_engine(self.panel.settings.engine if self.panel.settings else self.panel.ref.engine)
        self.update_enabled()

    def update_enabled(self) -> None:
        s = self.panel.settings
        ok = self.panel.can_change() and s is not None and not bt.unavailable_reason(s)
        self.window_button.setEnabled(ok)
        self.run_button.setEnabled(ok and not self.unsupported)

    def request(self, kind: str):
        from aurora_console.ui.backups.restore_dialogs import BacktrackDialog, BacktrackWindowDialog

        if self.panel.settings is None:
            return None
        dlg = BacktrackWindowDialog(self.panel, self) if kind == "window" else BacktrackDialog(self.panel, self)
        return self._open(dlg)
