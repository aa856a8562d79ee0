"""The Replication tab: per reader, the lag the server reports (``aurora_replica_status()`` on
Aurora, ``pg_stat_replication`` on plain PostgreSQL) next to CloudWatch's ``AuroraReplicaLag``."""

from __future__ import annotations

from PySide6.QtWidgets import QHeaderView, QLabel, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget

COLUMNS = ("Instance", "Lag (server)", "Source", "State", "AuroraReplicaLag (CloudWatch)")


def ms_text(value) -> str:
    if value is None:
        return "unknown"
    return f"{value:,.0f} ms" if value >= 10 else f"{value:.1f} ms"


class ReplicationView(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.summary = QLabel(objectName="performanceReplicationSummary", wordWrap=True)
        self.table = QTableWidget(0, len(COLUMNS), objectName="performanceReplication")
        self.table.setHorizontalHeaderLabels(list(COLUMNS))
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        self._shown = None

    def show_lag(self, replicas, cloudwatch: dict, reader_ids, note: str = "") -> None:
        """``note``: why the server reports no lag (MySQL outside Aurora), said above the table."""
        key = (replicas, tuple(sorted(cloudwatch.items())), tuple(reader_ids), note)
        if key == self._shown:
            return
        self._shown = key
        by_name = {r.instance: r for r in replicas}
        names = list(dict.fromkeys([*by_name, *reader_ids, *cloudwatch]))
        self.table.setRowCount(len(names))
        for i, name in enumerate(names):
            r = by_name.get(name)
            cells = (name, ms_text(r.lag_ms) if r else "not reported by the server", r.source if r else "",
                     getattr(r, "state", "") if r else "", ms_text(cloudwatch.get(name)) if name in cloudwatch else "")
            for j, text in enumerate(cells):
                self.table.setItem(i, j, QTableWidgetItem(text))
        if note:
            self.summary.setText(note)
        elif not names:
            self.summary.setText("No replica: this instance reports no reader and the cluster has none.")
        else:
            self.summary.setText(f"{len(names)} replica(s). Server lag is read on each refresh; CloudWatch's "
                                 "AuroraReplicaLag once a minute.")
