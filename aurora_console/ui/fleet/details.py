"""Details panes of the fleet view: cluster, instance and region (error) panes."""

from __future__ import annotations

import html
from collections.abc import Callable

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QStackedWidget,
    QTextBrowser,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from aurora_console.core.aws.fleet.details import ClusterDetails
from aurora_console.core.aws.fleet.models import Cluster, Instance, RegionInventory
from aurora_console.ui.endpoint_text import readable
from aurora_console.ui.fleet.flow_layout import FlowLayout

NO_BREAK_HYPHEN = "\u2011"


def title_html(parts: list[str], second_line: str = "") -> str:
    """A details title: ``parts`` joined by " · " on the first line, ``second_line`` (the region)
    smaller on its own line. Hyphens do not break (no "us-" / "east-1"): a narrow pane wraps the
    title at the " · " separators only."""
    first = "  ·  ".join(html.escape(p).replace("-", NO_BREAK_HYPHEN) for p in parts if p)
    if not second_line:
        return first
    return (f"{first}<br><span style='font-size: 12px; font-weight: normal;'>"
            f"{html.escape(second_line).replace('-', NO_BREAK_HYPHEN)}</span>")


def value_label(text: str, object_name: str) -> QLabel:
    """A form's value: word-wrapped, so a narrow pane grows taller instead of wider."""
    label = QLabel(text, objectName=object_name, wordWrap=True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


NARROW_PANE = 440  # px: below this, a form's values go under their labels (full width to wrap in)


def narrow_form(form: QFormLayout) -> QFormLayout:
    form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
    return form


def fit_form(form: QFormLayout, width: int) -> None:
    """Label beside value in a wide pane; label above value in a narrow one."""
    policy = (QFormLayout.RowWrapPolicy.WrapAllRows if width < NARROW_PANE
              else QFormLayout.RowWrapPolicy.DontWrapRows)
    if form.rowWrapPolicy() != policy:
        form.setRowWrapPolicy(policy)


class DetailsStack(QStackedWidget):
    """The details panes: sized by the page shown, not by the widest page (a QStackedWidget's own
    minimum is its widest page's, which kept the tree narrow while the pane said only "Select a
    cluster or an instance.")."""

    def __init__(self, parent=None, object_name: str = "fleetDetails") -> None:
        super().__init__(parent)
        self.setObjectName(object_name)
        self.currentChanged.connect(lambda _i: self.updateGeometry())

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt naming
        w = self.currentWidget()
        return w.sizeHint() if w is not None else super().sizeHint()

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt naming
        w = self.currentWidget()
        return w.minimumSizeHint() if w is not None else super().minimumSizeHint()


def _yes(flag: bool) -> str:
    return "yes" if flag else "no"


def _when(value) -> str:
    return value.strftime("%Y-%m-%d %H:%M UTC") if value is not None and hasattr(value, "strftime") else "-"


def copy_row(text: str, object_name: str) -> tuple[QLineEdit, QToolButton, QWidget]:
    box = QWidget()
    lay = QHBoxLayout(box)
    lay.setContentsMargins(0, 0, 0, 0)
    edit = QLineEdit(text, readOnly=True, objectName=object_name)
    edit.setCursorPosition(0)  # show where the host name starts
    edit.setMinimumWidth(60)
    button = QToolButton(text="Copy", objectName=object_name + "Copy")
    button.setToolTip("Copy to the clipboard")
    button.clicked.connect(lambda: QGuiApplication.clipboard().setText(edit.text()))
    lay.addWidget(edit, 1)
    lay.addWidget(button)
    return edit, button, box


class ActionBar(QWidget):
    """A row of action buttons; all disabled (with the reason) for a read-only profile."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._lay = FlowLayout(self)  # buttons wrap onto a second line in a narrow pane
        self.buttons: dict[str, QPushButton] = {}
        policy = QSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)

    def add(self, key: str, text: str, callback: Callable[[], None]) -> QPushButton:
        b = QPushButton(text, objectName=f"fleetAction_{key}")
        b.clicked.connect(lambda _=False: callback())
        self._lay.insertWidget(self._lay.count(), b)
        self.buttons[key] = b
        return b

    def add_widget(self, widget: QWidget) -> None:
        """A widget after the buttons that read-only does not disable (it only opens screens)."""
        self._lay.insertWidget(self._lay.count(), widget)

    def set_read_only(self, read_only: bool) -> None:
        for b in self.buttons.values():
            b.setEnabled(not read_only)
            b.setToolTip("Disabled: this profile is marked read-only." if read_only else "")


class ClusterDetailsPane(QScrollArea):
    action_requested = Signal(str)  # action key

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("fleetClusterDetails")
        self.setWidgetResizable(True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        body = QWidget()
        self._lay = QVBoxLayout(body)
        self._lay.setContentsMargins(6, 6, 6, 6)
        self.title = QLabel(objectName="fleetClusterTitle", wordWrap=True)
        self.title.setStyleSheet("font-size: 15px; font-weight: bold;")
        self._lay.addWidget(self.title)
        self.actions = ActionBar()
        for key, text in (("failover", "Failover…"), ("add-reader", "Add reader…"), ("stop", "Stop"), ("start", "Start")):
            self.actions.add(key, text, lambda k=key: self.action_requested.emit(k))
        # the window's cluster actions (metrics, backups, SQL...), as in the navigator's menu
        self.more_button = QToolButton(objectName="fleetClusterActions", text="Open…")
        self.more_button.setToolTip("What the navigator's context menu offers for this cluster")
        self.more_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.more_menu = QMenu(self.more_button)
        self.more_button.setMenu(self.more_menu)
        self.actions.add_widget(self.more_button)
        self._lay.addWidget(self.actions)
        self.warnings = QLabel(objectName="fleetClusterWarnings", wordWrap=True)
        self.warnings.setStyleSheet("color: #c0392b;")
        self._lay.addWidget(self.warnings)
        self.endpoints_box = QGroupBox("Endpoints")
        self._endpoints = QGridLayout(self.endpoints_box)
        self._lay.addWidget(self.endpoints_box)
        self.props_box = QGroupBox("Configuration")
        self.props = narrow_form(QFormLayout(self.props_box))
        self._lay.addWidget(self.props_box)
        self.sections = QTextBrowser(objectName="fleetClusterSections", accessibleName="Cluster details")
        self.sections.setOpenLinks(False)
        self.sections.setMinimumHeight(260)
        self._lay.addWidget(self.sections, 1)
        self.status = QLabel(objectName="fleetClusterStatus")
        self._lay.addWidget(self.status)
        self.setWidget(body)
        self.endpoint_edits: dict[str, QLineEdit] = {}
        self.cluster: Cluster | None = None
        self.details: ClusterDetails | None = None
        self.sandbox = False  # the sandbox's endpoint: what it does not model is said so plainly

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt naming
        super().resizeEvent(event)
        fit_form(self.props, event.size().width())

    def set_cluster_actions(self, actions: list[tuple[str, Callable[[], None]]]) -> None:
        """The cluster actions for the cluster shown (each already bound to its ClusterRef)."""
        self.more_menu.clear()
        for text, run in actions:
            self.more_menu.addAction(text, run)
        self.more_button.setVisible(bool(actions))

    def set_cluster(self, cluster: Cluster, region: RegionInventory | None, read_only: bool) -> None:
        self.cluster, self.details = cluster, None
        self.title.setText(title_html([cluster.id, f"{cluster.engine} {cluster.engine_version}", cluster.status],
                                      region.region if region else ""))
        self.title.setToolTip(cluster.arn)
        self.actions.set_read_only(read_only)
        self.actions.buttons["stop"].setVisible(cluster.status != "stopped")
        self.actions.buttons["start"].setVisible(cluster.status == "stopped")
        self._fill_endpoints(cluster)
        self._fill_props(cluster, None)
        self.warnings.setText("")
        self.sections.setHtml("<i>Loading details…</i>")

    def _fill_endpoints(self, cluster: Cluster) -> None:
        while self._endpoints.count():
            item = self._endpoints.takeAt(0)
            if item.widget() is not None:
                item.widget().deleteLater()
        self.endpoint_edits = {}
        for row, ep in enumerate(cluster.endpoints):
            label = ep.kind if not ep.identifier or ep.kind != "custom" else f"custom ({ep.identifier})"
            name = f"fleetEndpoint_{ep.kind}" + (f"_{ep.identifier}" if ep.kind == "custom" else "")
            edit, _button, box = copy_row(ep.address, name)
            self.endpoint_edits[label] = edit
            self._endpoints.addWidget(QLabel(label), row, 0)
            self._endpoints.addWidget(box, row, 1)
            port = QLabel(f":{ep.port or cluster.port or '-'}", objectName=name + "Port")
            port.setToolTip(f"port {ep.port or cluster.port or '-'}")
            self._endpoints.addWidget(port, row, 2)

    def _fill_props(self, c: Cluster, d: ClusterDetails | None) -> None:
        while self.props.rowCount():
            self.props.removeRow(0)
        writer = c.writer
        rows = [
            ("Writer", writer.id if writer else "-"),
            ("Readers", ", ".join(r.id for r in c.readers) or "none"),
            ("Port", str(c.port or "-")),
            ("Multi-AZ spread", f"{len(c.azs)} AZ(s): {', '.join(c.azs) or '-'}"),
            ("Storage encryption", f"{_yes(c.storage_encrypted)}" + (f" (KMS {c.kms_key_id})" if c.storage_encrypted else "")),
            ("IAM database auth", _yes(c.iam_auth)),
            ("Deletion protection", _yes(c.deletion_protection)),
            ("Parameter group", c.parameter_group or "-"),
        ]
        if d is not None:
            rows.append((d.force_ssl_parameter, d.force_ssl_value if d.force_ssl_value is not None else "unknown"))
            if d.backup is not None:
                b = d.backup
                rows.append(("Backups", f"{b.retention_days} day(s), window {b.window or '-'}\n"
                                        f"restorable from {_when(b.earliest_restorable)}\n"
                                        f"to {_when(b.latest_restorable)}\n"
                                        f"{b.snapshot_count} snapshot(s), latest {_when(b.latest_snapshot)}"))
        else:
            rows.append(("Backups", f"{c.backup_retention_days} day(s), window {c.backup_window or '-'}"))
        rows.append(("Maintenance window", c.maintenance_window or "-"))
        rows.append(("Tags", ", ".join(f"{k}={v}" for k, v in c.tags) or "none"))
        for label, value in rows:
            # a new label per fill (a word-wrapped label whose text changes after the layout keeps
            # its old height): values wrap, explicit lines included
            self.props.addRow(label, value_label(value, "fleetProp_" + label.replace(" ", "_").replace(".", "_")))

    def set_details(self, d: ClusterDetails) -> None:
        if self.cluster is None or d.cluster.id != self.cluster.id:
            return
        self.details = d
        self._fill_endpoints(d.cluster)
        self._fill_props(d.cluster, d)
        self.warnings.setText("\n".join(f"⚠ {readable(w, sandbox=self.sandbox)}" for w in d.warnings))
        self.sections.setHtml(sections_html(d, sandbox=self.sandbox))
        self.status.setText("")

    def set_error(self, text: str) -> None:
        self.sections.setHtml(f"<p style='color:#c0392b'>{html.escape(text)}</p>")


SECTION_FEATURES = {"security groups": "Security groups", "maintenance": "Pending maintenance", "events": "Events",
                    "endpoints": "Cluster endpoints", "parameters": "Cluster parameters", "backups": "Backups"}


def sections_html(d: ClusterDetails, sandbox: bool = False) -> str:
    e = html.escape
    errs = {k: readable(v, sandbox=sandbox, feature=SECTION_FEATURES.get(k)) for k, v in d.error_dict.items()}
    out = ["<h4>Security groups</h4>"]
    if "security groups" in errs:
        out.append(f"<p><i>{e(errs['security groups'])}</i></p>")
    for g in d.security_groups:
        out.append(f"<p><b>{e(g.id)}</b> {e(g.name)} ({e(g.vpc_id)})</p><ul>")
        for r in g.rules:
            warn = " ⚠" if r.is_world and r.covers_port(d.cluster.port or -2) else ""
            out.append(f"<li>{e(r.protocol)} {e(r.ports_text)} from {e(r.source)}{warn} {e(r.description)}</li>")
        out.append("</ul>" if g.rules else "<li>no inbound rules</li></ul>")
    if not d.security_groups and "security groups" not in errs:
        out.append("<p>none</p>")
    out.append("<h4>Pending maintenance</h4>")
    pending = list(d.cluster.pending) + [p for i in d.cluster.instances for p in i.pending]
    if "maintenance" in errs:
        out.append(f"<p><i>{e(errs['maintenance'])}</i></p>")
    elif not pending:
        out.append("<p>none</p>")
    for p in pending:
        out.append(f"<p>{e(p.resource_arn.rsplit(':', 1)[-1])}: <b>{e(p.action)}</b> {e(p.description)} "
                   f"(auto-applied after {_when(p.auto_applied_after)})</p>")
    out.append("<h4>Events (last 24 h)</h4>")
    if "events" in errs:
        out.append(f"<p><i>{e(errs['events'])}</i></p>")
    elif not d.events:
        out.append("<p>none</p>")
    for ev in d.events[:200]:
        out.append(f"<p>{_when(ev.time)} · {e(ev.source_id)} · {e(ev.message)}</p>")
    return "".join(out)


class InstanceDetailsPane(QWidget):
    action_requested = Signal(str)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("fleetInstanceDetails")
        lay = QVBoxLayout(self)
        self.title = QLabel(objectName="fleetInstanceTitle", wordWrap=True)
        self.title.setStyleSheet("font-size: 15px; font-weight: bold;")
        lay.addWidget(self.title)
        self.actions = ActionBar()
        for key, text in (("failover-to", "Fail over to this…"), ("tier", "Promotion tier…"), ("reboot", "Reboot…"),
                          ("delete-reader", "Delete reader…")):
            self.actions.add(key, text, lambda k=key: self.action_requested.emit(k))
        lay.addWidget(self.actions)
        self.form = narrow_form(QFormLayout())
        lay.addLayout(self.form)
        lay.addStretch(1)
        self.instance: Instance | None = None

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt naming
        super().resizeEvent(event)
        fit_form(self.form, event.size().width())

    def set_instance(self, inst: Instance, read_only: bool) -> None:
        self.instance = inst
        self.title.setText(title_html([inst.id, inst.role, inst.status], inst.az or ""))
        while self.form.rowCount():
            self.form.removeRow(0)
        for label, value in (
            ("Cluster", inst.cluster_id), ("Class", inst.instance_class), ("Availability zone", inst.az or "-"),
            ("Promotion tier", "-" if inst.tier is None else str(inst.tier)), ("Status", inst.status),
            ("Performance Insights", _yes(inst.performance_insights)),
            ("Enhanced monitoring", f"every {inst.monitoring_interval} s" if inst.enhanced_monitoring else "no"),
            ("Parameter group", inst.parameter_group or "-"), ("Publicly accessible", _yes(inst.publicly_accessible)),
        ):
            self.form.addRow(label, value_label(value, "fleetInstProp_" + label.replace(" ", "_")))
        _edit, _b, box = copy_row(f"{inst.address}:{inst.port}" if inst.address else "", "fleetInstanceEndpoint")
        self.form.addRow("Endpoint", box)
        self.actions.set_read_only(read_only)
        self.actions.buttons["failover-to"].setVisible(not inst.is_writer)
        self.actions.buttons["delete-reader"].setVisible(not inst.is_writer)


class RegionPane(QTextBrowser):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("fleetRegionPane")
        self.sandbox = False

    def set_region(self, inv: RegionInventory) -> None:
        e = html.escape
        parts = [f"<h3>{e(inv.region)} ({e(inv.profile)})</h3>"]
        if inv.error:
            parts.append(f"<p style='color:#c0392b'><b>{e(inv.error)}</b></p>")
        parts.append(f"<p>{len(inv.clusters)} cluster(s), {sum(len(c.instances) for c in inv.clusters)} instance(s); "
                     f"loaded {_when(inv.loaded_at)}</p>")
        if inv.warnings:
            parts.append("<p>Partly shown:</p><ul>" + "".join(f"<li>{e(readable(w, sandbox=self.sandbox))}</li>"
                                                      for w in inv.warnings) + "</ul>")
        self.setHtml("".join(parts))
