"""The Blocking tab: who blocks whom as a tree (``pg_blocking_pids``), root blockers first with how
many sessions each holds up, every session's locks (``pg_locks``: mode, relation, tuple; waiting
ones marked) as child lines, and the query. Rebuilt on each refresh (a blocking tree is small);
expanded throughout so a chain reads at once."""

from __future__ import annotations

from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QHeaderView, QLabel, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget

from .sessions_model import age_text, one_line, wait_text

COLUMNS = ("PID", "Holds up", "User", "State", "Wait", "Transaction age", "Locks", "Query")
_ROOT = QBrush(QColor("#cf222e"))


def lock_text(lock) -> str:
    describe = getattr(lock, "describe", None)
    if callable(describe):
        return describe()
    where = lock.relation or lock.locktype
    if lock.tuple is not None:
        where += f" tuple ({lock.page},{lock.tuple})"
    return f"{lock.mode} on {where}" + ("" if lock.granted else " (waiting)")


def count_nodes(nodes) -> int:
    return sum(1 + count_nodes(n.blocked) for n in nodes)


class BlockingView(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.summary = QLabel(objectName="performanceBlockingSummary")
        self.tree = QTreeWidget(objectName="performanceBlocking")
        self.tree.setHeaderLabels(list(COLUMNS))
        self.tree.setUniformRowHeights(True)
        header = self.tree.header()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        for col, width in ((0, 130), (1, 70), (2, 110), (3, 130), (4, 170), (5, 110), (6, 300)):
            header.resizeSection(col, width)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.summary)
        layout.addWidget(self.tree, 1)
        self._shown = None

    def show_tree(self, roots) -> None:
        if roots is self._shown:
            return
        self._shown = roots
        self.tree.clear()
        if not roots:
            self.summary.setText("No session is waiting for a lock held by another.")
            return
        waiting = count_nodes(roots) - len(roots)
        self.summary.setText(f"{len(roots)} root blocker(s) hold up {waiting} session(s); root blockers first.")
        for node in roots:
            self.tree.addTopLevelItem(self._item(node, root=True))
        self.tree.expandAll()

    def _item(self, node, *, root: bool = False) -> QTreeWidgetItem:
        s = node.session
        locks = [lock_text(lk) for lk in node.locks]
        item = QTreeWidgetItem([str(s.pid), str(node.held_up), s.user or "", s.state or "", wait_text(s),
                                age_text(s.xact_age_s), "; ".join(locks[:2]) + (" …" if len(locks) > 2 else ""),
                                "<insufficient privilege>" if s.query_hidden else one_line(s.query, 200)])
        item.setToolTip(6, "\n".join(locks))
        item.setToolTip(7, s.query or "")
        if root:
            item.setForeground(0, _ROOT)
            item.setText(0, f"{s.pid} (root)")
        for lock in locks:
            child = QTreeWidgetItem(["", "", "", "", "", "", lock, ""])
            child.setData(0, 256, "lock")
            item.addChild(child)
        for blocked in node.blocked:
            item.addChild(self._item(blocked))
        return item
