"""Confirmation dialogs for fleet actions. Each validates through core's ``prepare_*`` when the
user confirms; a refusal is shown inside the dialog, which stays open."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QLineEdit, QSpinBox

from aurora_console.core.aws.fleet import actions as fa
from aurora_console.core.aws.fleet.models import Instance
from aurora_console.ui.action_dialog import COMMON_CLASSES, ActionDialog


class FailoverDialog(ActionDialog):
    verb = "Fail over"

    def __init__(self, cluster, target, inventory, read_only, preselect: str | None = None, parent=None) -> None:
        super().__init__(cluster, target, inventory, read_only, parent)
        self.setWindowTitle(f"Fail over {cluster.id}")
        writer = cluster.writer
        cand = fa.failover_candidate(cluster)
        self.target_box = QComboBox(objectName="fleetFailoverTarget")
        self.target_box.addItem(f"By promotion tier (Aurora picks; expected {cand.id if cand else '-'})", None)
        for r in cluster.readers:
            self.target_box.addItem(f"{r.id} (tier {r.tier}, {r.az}, {r.status})", r.id)
        if preselect:
            i = self.target_box.findData(preselect)
            if i >= 0:
                self.target_box.setCurrentIndex(i)
        self.form.addRow("Promote", self.target_box)
        self.target_box.currentIndexChanged.connect(self._update)
        self._writer = writer.id if writer else "-"
        self._update()

    def _update(self) -> None:
        tid = self.target_box.currentData()
        to = tid or "the reader with the lowest promotion tier"
        self.message.setText(f"Fail over cluster <b>{self.cluster.id}</b>: the writer <b>{self._writer}</b> becomes a "
                             f"reader and <b>{to}</b> becomes the writer. Connections drop for a few seconds.")

    def prepare(self) -> fa.PreparedAction:
        return fa.prepare_failover(self.cluster, self.target, self.target_box.currentData(), read_only=self.read_only,
                                   inventory=self.inventory)


class PromotionTierDialog(ActionDialog):
    verb = "Change tier"

    def __init__(self, cluster, target, inventory, read_only, instance: Instance, parent=None) -> None:
        super().__init__(cluster, target, inventory, read_only, parent)
        self.instance = instance
        self.setWindowTitle(f"Promotion tier of {instance.id}")
        self.message.setText(f"Promotion tier of <b>{instance.id}</b> (cluster {cluster.id}). Tier 0 is promoted "
                             "first on a failover; 15 last.")
        self.tier = QSpinBox(objectName="fleetTier", minimum=0, maximum=15, value=instance.tier or 0)
        self.form.addRow("Tier", self.tier)

    def prepare(self) -> fa.PreparedAction:
        return fa.prepare_set_tier(self.cluster, self.target, self.instance.id, self.tier.value(),
                                   read_only=self.read_only, inventory=self.inventory)


class AddReaderDialog(ActionDialog):
    verb = "Add reader"

    def __init__(self, cluster, target, inventory, read_only, parent=None) -> None:
        super().__init__(cluster, target, inventory, read_only, parent)
        self.setWindowTitle(f"Add a reader to {cluster.id}")
        self.message.setText(f"Add a reader instance to cluster <b>{cluster.id}</b> ({cluster.engine}).")
        taken = {i.id for i in cluster.instances}
        n = len(cluster.instances) + 1
        while f"{cluster.id}-{n}" in taken:
            n += 1
        self.ident = QLineEdit(f"{cluster.id}-{n}", objectName="fleetNewInstanceId")
        self.klass = QComboBox(objectName="fleetNewInstanceClass", editable=True)
        writer = cluster.writer
        classes = ([writer.instance_class] if writer and writer.instance_class else []) + list(COMMON_CLASSES)
        self.klass.addItems(list(dict.fromkeys(classes)))
        self.az = QComboBox(objectName="fleetNewInstanceAz", editable=True)
        region = getattr(target, "region", "")
        self.az.addItem("(any)", "")
        for z in sorted(set(cluster.azs) | {f"{region}{s}" for s in "abc"}):
            self.az.addItem(z, z)
        self.tier = QSpinBox(objectName="fleetNewInstanceTier", minimum=0, maximum=15, value=1)
        self.form.addRow("Instance id", self.ident)
        self.form.addRow("Class", self.klass)
        self.form.addRow("Availability zone", self.az)
        self.form.addRow("Promotion tier", self.tier)

    def prepare(self) -> fa.PreparedAction:
        text = self.az.currentText().strip()
        az = "" if text == "(any)" else text
        return fa.prepare_add_reader(self.cluster, self.target, self.ident.text(), self.klass.currentText(), az,
                                     self.tier.value(), read_only=self.read_only, inventory=self.inventory)


class DeleteReaderDialog(ActionDialog):
    verb = "Delete reader"

    def __init__(self, cluster, target, inventory, read_only, instance: Instance, parent=None) -> None:
        super().__init__(cluster, target, inventory, read_only, parent)
        self.instance = instance
        self.setWindowTitle(f"Delete {instance.id}")
        self.message.setText(f"Delete reader <b>{instance.id}</b> of cluster <b>{cluster.id}</b>. This cannot be "
                             f"undone. Type <b>{instance.id}</b> to confirm.")
        self.confirm = QLineEdit(objectName="fleetDeleteConfirm", placeholderText=instance.id)
        self.form.addRow("Instance id", self.confirm)
        self.confirm.textChanged.connect(self._update)
        self._update()

    def _update(self) -> None:
        self.ok.setEnabled(not self.read_only and self.confirm.text().strip() == self.instance.id)

    def prepare(self) -> fa.PreparedAction:
        return fa.prepare_delete_reader(self.cluster, self.target, self.instance.id, self.confirm.text(),
                                        read_only=self.read_only, inventory=self.inventory)


class ConfirmActionDialog(ActionDialog):
    """Reboot an instance, stop or start a cluster: a plain confirmation naming the resource."""

    def __init__(self, cluster, target, inventory, read_only, kind: str, instance: Instance | None = None,
                 parent=None) -> None:
        self.verb = {"reboot": "Reboot", "stop": "Stop cluster", "start": "Start cluster"}[kind]
        super().__init__(cluster, target, inventory, read_only, parent)
        self.kind, self.instance = kind, instance
        if kind == "reboot" and instance is not None:
            self.setWindowTitle(f"Reboot {instance.id}")
            self.message.setText(f"Reboot the {instance.role} <b>{instance.id}</b> of cluster <b>{cluster.id}</b>? "
                                 "Its connections drop while it restarts.")
        elif kind == "stop":
            self.setWindowTitle(f"Stop {cluster.id}")
            self.message.setText(f"Stop cluster <b>{cluster.id}</b> and its {len(cluster.instances)} instance(s)? "
                                 "AWS starts it again automatically after 7 days.")
        else:
            self.setWindowTitle(f"Start {cluster.id}")
            self.message.setText(f"Start cluster <b>{cluster.id}</b>?")

    def prepare(self) -> fa.PreparedAction:
        if self.kind == "reboot":
            assert self.instance is not None
            return fa.prepare_reboot(self.cluster, self.target, self.instance.id, read_only=self.read_only,
                                     inventory=self.inventory)
        if self.kind == "stop":
            return fa.prepare_stop_cluster(self.cluster, self.target, read_only=self.read_only)
        return fa.prepare_start_cluster(self.cluster, self.target, read_only=self.read_only)
