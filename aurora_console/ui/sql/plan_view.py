"""EXPLAIN plans as a tree: node, cost, rows (estimated / actual), time, with slow nodes marked."""

from __future__ import annotations

from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import QLabel, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget

COLUMNS = ["Node", "Cost", "Rows (est.)", "Rows (actual)", "Loops", "Time ms total (self)", "Details"]


class PlanView(QWidget):
    def __init__(self, plan, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("sqlPlanView")
        self.plan = plan
        self.summary = QLabel(objectName="sqlPlanSummary")
        parts = ["EXPLAIN ANALYZE" if plan.analyzed else "EXPLAIN"]
        if plan.planning_ms is not None:
            parts.append(f"planning {plan.planning_ms:.2f} ms")
        if plan.execution_ms is not None:
            parts.append(f"execution {plan.execution_ms:.2f} ms")
        slow = [n.title for n in plan.root.walk() if n.slow]
        if slow:
            # without ANALYZE nothing was timed: the marked nodes are the costliest by estimate
            parts.append(("slowest: " if plan.analyzed else "costliest (estimated): ") + ", ".join(slow))
        self.summary.setText(" · ".join(parts))
        self.tree = QTreeWidget(objectName="sqlPlanTree")
        self.tree.setColumnCount(len(COLUMNS))
        self.tree.setHeaderLabels(COLUMNS)
        self.tree.setAlternatingRowColors(True)
        self.tree.addTopLevelItem(self._item(plan.root))
        self.tree.expandAll()
        for c in range(len(COLUMNS) - 1):
            self.tree.resizeColumnToContents(c)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.summary)
        lay.addWidget(self.tree, 1)

    def _item(self, node) -> QTreeWidgetItem:
        details = "; ".join(f"{k}: {v}" for k, v in node.details.items() if k not in ("Relation Name",))
        if node.buffers:
            details += ("; " if details else "") + ", ".join(f"{k} {v}" for k, v in node.buffers.items())
        item = QTreeWidgetItem([
            node.title,
            f"{node.startup_cost:.2f}..{node.total_cost:.2f}",
            f"{node.plan_rows:,}",
            "" if node.actual_rows is None else f"{node.actual_rows:,.0f}",
            "" if node.loops is None else str(node.loops),
            "" if node.actual_total_ms is None else f"{node.actual_total_ms:.3f} ({node.self_ms:.3f})",
            details,
        ])
        item.setData(0, 256, node)  # Qt.UserRole
        if node.slow:
            brush = QBrush(QColor(230, 80, 60, 70))
            bold = QFont()
            bold.setBold(True)
            for c in range(len(COLUMNS)):
                item.setBackground(c, brush)
            item.setFont(0, bold)
            item.setToolTip(0, "One of the slowest nodes of this plan" if self.plan.analyzed
                            else "One of the costliest nodes of this plan (planner estimate; use Analyze to time it)")
        for child in node.children:
            item.addChild(self._item(child))
        return item

    def slow_titles(self) -> list[str]:
        out = []

        def walk(item: QTreeWidgetItem) -> None:
            if item.data(0, 256).slow:
                out.append(item.text(0))
            for i in range(item.childCount()):
                walk(item.child(i))

        walk(self.tree.topLevelItem(0))
        return out
