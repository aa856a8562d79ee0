"""LogsToolbar: the instance picker (writer, readers), Refresh files, Follow (``tail -f``) on and
off, Load earlier, Back to the end, Cancel, Export…, Open in SQL editor and Find in Top SQL. It
renders the controller and hands the user's choices to it (Export and the last two are the
screen's)."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QPushButton, QWidget


class LogsToolbar(QWidget):
    def __init__(self, controller, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = c = controller
        self.instance_combo = QComboBox(objectName="logsInstance", accessibleName="Instance")
        self.instance_combo.setToolTip("Each instance writes its own log: pick the writer or a reader")
        self.instance_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.instance_combo.setMinimumContentsLength(16)  # "writer: blog-1" whole
        self.instance_combo.activated.connect(self._instance_picked)
        self.refresh_button = QPushButton("Refresh files", objectName="logsRefresh")
        self.refresh_button.clicked.connect(lambda _=False: c.refresh_files())
        self.follow_button = QPushButton("Follow", objectName="logsFollow", checkable=True)
        self.follow_button.setToolTip("Show new lines as the instance writes them (like tail -f), across the hourly files")
        self.follow_button.toggled.connect(self._follow_toggled)
        self.earlier_button = QPushButton("Load earlier", objectName="logsEarlier")
        self.earlier_button.setToolTip("Load the lines before the first one shown (also: scroll to the top)")
        self.earlier_button.clicked.connect(lambda _=False: c.load_earlier())
        self.end_button = QPushButton("Back to the end", objectName="logsBackToEnd")
        self.end_button.setToolTip("Loading earlier lines dropped the newest ones: show the file's last lines again")
        self.end_button.clicked.connect(lambda _=False: c.back_to_end())
        self.cancel_button = QPushButton("Cancel", objectName="logsCancel")
        self.cancel_button.setShortcut("Esc")
        self.cancel_button.clicked.connect(lambda _=False: c.cancel())
        self.export_button = QPushButton("Export…", objectName="logsExport")
        self.export_button.setToolTip("Write the entries shown (filters applied) to a text or CSV file")
        self.sql_button = QPushButton("Open in SQL editor", objectName="logsOpenSql")
        self.sql_button.setToolTip("A slow statement: EXPLAIN it in the SQL editor; an auto_explain plan: "
                                   "the SQL editor's plan view shows it, the statement in the editor")
        self.top_sql_button = QPushButton("Find in Top SQL", objectName="logsTopSql")
        self.top_sql_button.setToolTip("A slow statement or an auto_explain plan: its row in Top SQL (the "
                                       "Performance screen), matched by normalised text")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for w in (QLabel("Instance:"), self.instance_combo, self.refresh_button, self.follow_button,
                  self.earlier_button, self.end_button, self.cancel_button, self.export_button, self.sql_button,
                  self.top_sql_button):
            layout.addWidget(w)
        layout.addStretch(1)
        self._instances = None

    def _instance_picked(self, index: int) -> None:
        c = self.controller
        if 0 <= index < len(c.instances):
            c.select_instance(c.instances[index].instance_id)

    def _follow_toggled(self, on: bool) -> None:
        if on:
            self.controller.follow()
        else:
            self.controller.stop_follow()

    def render(self) -> None:
        c = self.controller
        if c.instances is not self._instances:
            self._instances = c.instances
            self.instance_combo.clear()
            for inst in c.instances:
                self.instance_combo.addItem(f"{inst.role}: {inst.instance_id}")
        if c.instance in c.instances:
            self.instance_combo.setCurrentIndex(c.instances.index(c.instance))
        self.follow_button.blockSignals(True)
        self.follow_button.setChecked(c.following)
        self.follow_button.setText("Stop following" if c.following else "Follow")
        self.follow_button.blockSignals(False)
        self.follow_button.setEnabled(c.instance is not None)
        self.earlier_button.setEnabled(c.can_load_earlier)
        self.end_button.setVisible(c.newer_dropped)
        self.cancel_button.setEnabled(c.busy)
        self.export_button.setEnabled(bool(c.shown) and not c.exporting)
