"""Dialogs for snapshot actions: create, copy, share, delete (typed), restore to a new cluster."""

from __future__ import annotations

from datetime import datetime, timezone

from PySide6.QtWidgets import QCheckBox, QComboBox, QLineEdit, QPlainTextEdit

from aurora_console.core.aws.backups import snapshots as sn
from aurora_console.core.aws.session import COMMON_REGIONS
from aurora_console.ui.backups.dialogs import BackupDialog, instance_class_box


def default_snapshot_id(cluster_id: str, existing: list[str]) -> str:
    base = f"{cluster_id}-manual-{datetime.now(timezone.utc):%Y%m%d-%H%M}"[:60]
    name, n = base, 2
    taken = {e.lower() for e in existing}
    while name.lower() in taken:
        name, n = f"{base}-{n}", n + 1
    return name


def create_dialog(panel, existing: list[str], parent=None) -> BackupDialog:
    cid = panel.ref.cluster_id
    dlg = BackupDialog(
        f"Snapshot of {cid}", f"Take a manual snapshot of cluster <b>{cid}</b>. Manual snapshots are kept until "
        "you delete them.", "Create snapshot",
        lambda d: sn.prepare_create(cid, panel.target, d.ident.text(), existing, read_only=panel.read_only()),
        read_only=panel.read_only(), target=panel.target, parent=parent)
    dlg.ident = QLineEdit(default_snapshot_id(cid, existing), objectName="snapshotNewId")
    dlg.form.addRow("Snapshot id", dlg.ident)
    return dlg


def copy_dialog(panel, snap: sn.Snapshot, existing: list[str], parent=None) -> BackupDialog:
    region = panel.target.region

    def prepare(d):
        dest = d.region.currentText().strip()
        # ids in another region are checked by AWS (DBClusterSnapshotAlreadyExistsFault, shown plainly)
        taken = existing if dest == region else []
        return sn.prepare_copy(snap, panel.target, d.ident.text(), taken, dest_region=dest,
                               kms_key=d.kms.text(), copy_tags=d.tags.isChecked(), read_only=panel.read_only())

    enc = "encrypted" if snap.encrypted else "not encrypted"
    dlg = BackupDialog(f"Copy {snap.id}", f"Copy snapshot <b>{snap.id}</b> ({snap.kind}, {enc}). A copy in another "
                       "region of an encrypted snapshot needs a KMS key of that region.", "Copy",
                       prepare, read_only=panel.read_only(), target=panel.target, parent=parent)
    dlg.ident = QLineEdit(f"{snap.id.removeprefix('rds:')}-copy"[:63], objectName="snapshotCopyId")
    dlg.region = QComboBox(objectName="snapshotCopyRegion", editable=True)
    dlg.region.addItems([region] + [r for r in COMMON_REGIONS if r != region])
    dlg.kms = QLineEdit(objectName="snapshotCopyKms", placeholderText="KMS key ARN, id or alias (encrypted only)")
    dlg.tags = QCheckBox("Copy tags", objectName="snapshotCopyTags", checked=True)
    dlg.form.addRow("New snapshot id", dlg.ident)
    dlg.form.addRow("Destination region", dlg.region)
    dlg.form.addRow("KMS key", dlg.kms)
    dlg.form.addRow("", dlg.tags)
    return dlg


def share_dialog(panel, snap: sn.Snapshot, parent=None) -> BackupDialog:
    def prepare(d):
        return sn.prepare_share(snap, panel.target, d.accounts.toPlainText(), remove=d.remove.isChecked(),
                                read_only=panel.read_only())

    dlg = BackupDialog(f"Share {snap.id}", f"Let other AWS accounts restore snapshot <b>{snap.id}</b>. An encrypted "
                       "snapshot also needs its KMS key shared with them.", "Share", prepare,
                       read_only=panel.read_only(), target=panel.target, parent=parent)
    dlg.accounts = QPlainTextEdit(objectName="snapshotShareAccounts", placeholderText="123456789012, 210987654321")
    dlg.accounts.setMaximumHeight(80)
    dlg.remove = QCheckBox("Stop sharing with these accounts instead", objectName="snapshotShareRemove")
    dlg.form.addRow("Account ids", dlg.accounts)
    dlg.form.addRow("", dlg.remove)
    return dlg


def delete_dialog(panel, snap: sn.Snapshot, parent=None) -> BackupDialog:
    dlg = BackupDialog(f"Delete {snap.id}", f"Delete manual snapshot <b>{snap.id}</b> of cluster {snap.cluster_id}.",
                       "Delete snapshot",
                       lambda d: sn.prepare_delete(snap, panel.target, d.typed(), read_only=panel.read_only()),
                       read_only=panel.read_only(), target=panel.target, confirm_id=snap.id,
                       warning="A deleted snapshot cannot be recovered.", parent=parent)
    dlg.add_confirm_row()
    return dlg


def restore_dialog(panel, snap: sn.Snapshot, parent=None) -> BackupDialog:
    s = panel.settings

    def prepare(d):
        return sn.prepare_restore(snap, panel.target, d.ident.text(), d.klass.currentText(), panel.cluster_ids,
                                  source=s if s and s.cluster_id == snap.cluster_id else None,
                                  read_only=panel.read_only())

    dlg = BackupDialog(f"Restore {snap.id}", f"Restore snapshot <b>{snap.id}</b> to a <b>new</b> cluster and create "
                       f"its writer instance. Cluster {snap.cluster_id} is not changed.", "Restore", prepare,
                       read_only=panel.read_only(), target=panel.target, parent=parent)
    dlg.ident = QLineEdit(f"{snap.cluster_id}-restored"[:63], objectName="restoreClusterId")
    dlg.klass = instance_class_box(s.writer_class if s else "", "restoreInstanceClass")
    dlg.form.addRow("New cluster id", dlg.ident)
    dlg.form.addRow("Writer instance class", dlg.klass)
    return dlg
