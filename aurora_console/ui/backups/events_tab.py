"""RDS event subscriptions that cover the cluster (or all of the region): list, create, delete."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from aurora_console.core.aws.backups import event_subscriptions as ev
from aurora_console.core.errors import error_message
from aurora_console.ui.backups.dialog_host import DialogHost
from aurora_console.ui.backups.dialogs import BackupDialog
from aurora_console.ui.endpoint_text import is_unsupported, readable


class EventsTab(DialogHost, QWidget):
    def __init__(self, panel) -> None:
        super().__init__(panel)
        self.panel = panel
        self.dialog = None
        self.subs: list[ev.EventSubscription] = []
        self.topics: list[str] = []
        lay = QVBoxLayout(self)
        bar = QHBoxLayout()
        self.create_button = QPushButton("Create subscription…", objectName="eventsCreate")
        self.create_button.clicked.connect(self.request_create)
        self.delete_button = QPushButton("Delete…", objectName="eventsDelete")
        self.delete_button.clicked.connect(self.request_delete)
        self.show_all = QCheckBox("Show every subscription of the region", objectName="eventsShowAll")
        self.show_all.toggled.connect(lambda _v: self._fill())
        for w in (self.create_button, self.delete_button):
            bar.addWidget(w)
        bar.addStretch(1)
        bar.addWidget(self.show_all)
        lay.addLayout(bar)
        self.tree = QTreeWidget(objectName="eventsList")
        self.tree.setHeaderLabels(["Subscription", "Source type", "Sources", "Categories", "SNS topic", "Status"])
        self.tree.setRootIsDecorated(False)
        self.tree.itemSelectionChanged.connect(self.update_enabled)
        lay.addWidget(self.tree, 1)
        self.message = QLabel(objectName="eventsMessage", wordWrap=True)
        lay.addWidget(self.message)

    def load(self, submit) -> None:
        target = self.panel.target

        def fetch(aws):
            subs = ev.list_subscriptions(aws, target)
            try:
                topics = ev.list_topics(aws, target)
            except Exception:  # noqa: BLE001 - the topic list only fills a combo box
                topics = []
            return subs, topics

        submit("Event subscriptions", fetch, self.show_subscriptions, self._error)

    def show_subscriptions(self, value) -> None:
        self.subs, self.topics = value
        self._fill()

    def visible(self) -> list[ev.EventSubscription]:
        if self.show_all.isChecked():
            return list(self.subs)
        cid = self.panel.ref.cluster_id
        # instances of the cluster are named <cluster>-… in the console's own restores and by habit
        return [s for s in self.subs if ev.covers(s, cid, [i for i in s.source_ids if i.startswith(f"{cid}-")])]

    def _fill(self) -> None:
        self.tree.clear()
        for s in self.visible():
            item = QTreeWidgetItem([s.name, s.source_type or "all", ", ".join(s.source_ids) or "all",
                                    ", ".join(s.categories) or "all", s.topic_arn.split(":")[-1],
                                    s.status + ("" if s.enabled else " (disabled)")])
            item.setData(0, Qt.ItemDataRole.UserRole, s)
            item.setToolTip(4, s.topic_arn)
            self.tree.addTopLevelItem(item)
        for c in range(self.tree.columnCount()):
            self.tree.resizeColumnToContents(c)
        self.message.setText("" if self.tree.topLevelItemCount() else
                             "No event subscription covers this cluster.")
        self.update_enabled()

    def _error(self, exc: BaseException) -> None:
        text = error_message(exc)
        if is_unsupported(text) and self.panel.services.aws_is_sandbox:
            self.message.setText(readable(text, sandbox=True, feature="Event notifications") + ".")
        else:
            self.message.setText(f"Could not list event subscriptions: {text}")

    def selected(self) -> ev.EventSubscription | None:
        items = self.tree.selectedItems()
        return items[0].data(0, Qt.ItemDataRole.UserRole) if items else None

    def update_enabled(self) -> None:
        can = not self.panel.read_only() and not self.panel.tasks.running
        self.create_button.setEnabled(can)
        self.delete_button.setEnabled(can and self.selected() is not None)

    # -- dialogs -------------------------------------------------------------------------------
    def request_create(self):
        panel = self.panel
        cid = panel.ref.cluster_id

        def prepare(d):
            cats = [d.cats.item(i).text() for i in range(d.cats.count())
                    if d.cats.item(i).checkState() == Qt.CheckState.Checked]
            ids = [x for x in d.sources.text().replace(",", " ").split() if x]
            return ev.prepare_create(panel.target, d.name.text(), d.topic.currentText(), d.stype.currentText(), cats,
                                     ids, existing=[s.name for s in self.subs], read_only=panel.read_only())

        dlg = BackupDialog("New event subscription", f"Send RDS events about <b>{cid}</b> (or the sources you list) "
                           "to an SNS topic.", "Create", prepare, read_only=panel.read_only(), target=panel.target,
                           parent=self)
        dlg.name = QLineEdit(f"{cid}-events-2" if any(s.name == f"{cid}-events" for s in self.subs)
                             else f"{cid}-events", objectName="eventsName")
        dlg.topic = QComboBox(objectName="eventsTopic", editable=True)
        dlg.topic.addItems(self.topics)
        dlg.stype = QComboBox(objectName="eventsSourceType")
        dlg.stype.addItems(list(ev.SOURCE_TYPES))
        dlg.sources = QLineEdit(cid, objectName="eventsSources", placeholderText="ids, empty for all")
        dlg.cats = QListWidget(objectName="eventsCategories")
        dlg.cats.setMaximumHeight(140)

        def fill_categories() -> None:
            dlg.cats.clear()
            for c in ev.CATEGORIES[dlg.stype.currentText()]:
                it = QListWidgetItem(c)
                it.setFlags(it.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                it.setCheckState(Qt.CheckState.Checked if c in ("failover", "failure") else Qt.CheckState.Unchecked)
                dlg.cats.addItem(it)
            dlg.sources.setText(cid if dlg.stype.currentText() == "db-cluster" else "")

        dlg.stype.currentIndexChanged.connect(lambda _i: fill_categories())
        fill_categories()
        for label, w in (("Name", dlg.name), ("SNS topic", dlg.topic), ("Source type", dlg.stype),
                         ("Sources", dlg.sources), ("Categories (none = all)", dlg.cats)):
            dlg.form.addRow(label, w)
        return self._open(dlg)

    def request_delete(self):
        sub = self.selected()
        if sub is None:
            return None
        panel = self.panel
        dlg = BackupDialog(f"Delete {sub.name}", f"Delete event subscription <b>{sub.name}</b>. Its SNS topic is kept.",
                           "Delete subscription",
                           lambda d: ev.prepare_delete(sub, panel.target, d.typed(), read_only=panel.read_only()),
                           read_only=panel.read_only(), target=panel.target, confirm_id=sub.name, parent=self)
        dlg.add_confirm_row()
        return self._open(dlg)
