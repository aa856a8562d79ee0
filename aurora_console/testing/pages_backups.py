"""Page object for the backup panel: ``console.backups(cluster_id)``.

    page = console.backups("blog")           # opens the panel, waits until every section is loaded
    page.retention()                          # 5
    page.window()                             # '19:00-22:00'
    page.set_retention(7)                     # validated, confirmed, applied, reloaded
    page.set_window("01:00-01:30")
    page.snapshots()                          # [{'id': ..., 'type': 'manual', 'status': ..., ...}, ...]
    page.create_snapshot("blog-before-release")
    page.restore_to_time("latest", "blog-copy")   # new cluster + writer, waits until both are available

Calls that change AWS go through ``root.guard_change`` (refused on a real profile without
``--aurora-allow-changes``). A refusal by the console's validation raises :class:`BackupRefused`
with the sentence the panel shows.
"""

from __future__ import annotations

from datetime import datetime

from aurora_console.testing.deprecation import renamed


class BackupRefused(RuntimeError):
    """The console refused the input (or AWS refused the call); the message is what the user sees."""


class BackupsPage:
    def __init__(self, root, cluster_id: str, timeout_ms: int = 60000, action_timeout_ms: int = 180000) -> None:
        from aurora_console.ui.backups import open_backups

        self.root = root
        self.cluster_id = cluster_id
        self.timeout_ms = timeout_ms
        self.action_timeout_ms = action_timeout_ms
        refs = [s.ref for s in root.window.navigator.model.summaries() if s.ref.cluster_id == cluster_id]
        if not refs:
            raise LookupError(f"cluster {cluster_id!r} is not in the navigator (known: {root.cluster_ids()})")
        self.panel = open_backups(root.window, refs[0])
        self.wait()

    # -- waiting -------------------------------------------------------------------------------
    def wait(self, after: int = 0) -> None:
        """Wait until more than ``after`` loads have ended (and none is running)."""
        p = self.panel
        self.root.qtbot.waitUntil(lambda: p.load_count > after and not p.loading, timeout=self.timeout_ms)

    def wait_loaded(self, after: int = 0) -> None:
        """Deprecated name of :meth:`wait`."""
        renamed("BackupsPage.wait_loaded()", "wait()")
        self.wait(after)

    def refresh(self) -> None:
        before = self.panel.load_count
        self.panel.reload()
        self.wait(before)

    def _confirm_and_wait(self, dlg) -> None:
        """Accept ``dlg``; a refusal stays in the dialog and is raised. Then wait for the action
        and the reload that follows it."""
        if dlg is None:
            raise BackupRefused(self.panel.settings_tab.input_error.text() or "the console refused the request")
        tasks = self.panel.tasks
        before = self.panel.load_count
        dlg.ok.click()
        if dlg.prepared is None:
            text = dlg.error.text()
            dlg.reject()
            raise BackupRefused(text)
        self.root.qtbot.waitUntil(lambda: not tasks.running, timeout=self.action_timeout_ms)
        if tasks.last_error:
            raise BackupRefused(tasks.last_error)
        self.wait(before)

    # -- reading -------------------------------------------------------------------------------
    def retention(self) -> int:
        return self.panel.settings.retention_days

    def window(self) -> str:
        return self.panel.settings.backup_window

    def maintenance_window(self) -> str:
        return self.panel.settings.maintenance_window

    def restorable(self) -> tuple[datetime | None, datetime | None]:
        s = self.panel.settings
        return s.earliest_restorable, s.latest_restorable

    def snapshots(self) -> list[dict]:
        """Rows in the table's current order."""
        tab = self.panel.snapshots_tab
        from aurora_console.ui.backups.snapshot_model import SNAPSHOT_ROLE

        out = []
        for row in range(tab.proxy.rowCount()):
            s = tab.proxy.index(row, 0).data(SNAPSHOT_ROLE)
            out.append({"id": s.id, "type": s.kind, "status": s.status, "created": s.created,
                        "size_gib": s.size_gib, "encrypted": s.encrypted})
        return out

    def subscriptions(self) -> list[str]:
        return [s.name for s in self.panel.events_tab.visible()]

    def backtrack_message(self) -> str:
        tab = self.panel.backtrack_tab
        return " ".join(t for t in (tab.reason.text(), tab.message.text()) if t)

    def status(self) -> str:
        return self.panel.action_label.text()

    # -- acting --------------------------------------------------------------------------------
    def set_retention(self, days) -> None:
        """``days`` as a number or as typed (``"7"``); anything core refuses (``"abc"``, 0, 36)
        raises :class:`BackupRefused` with core's sentence, before any AWS call."""
        from aurora_console.core.aws.backups.settings import validate_retention
        from aurora_console.core.errors import ConsoleError

        self.root.guard_change(f"Changing the backup retention of {self.cluster_id}")
        try:
            checked = validate_retention(days)  # the spin box takes only ints and clamps: core words the refusal
        except ConsoleError as exc:
            raise BackupRefused(exc.message) from None
        except (TypeError, ValueError, OverflowError) as exc:  # a validator that let a raw error through
            raise BackupRefused(f"The retention period {days!r} is not a whole number of days: {exc}") from exc
        tab = self.panel.settings_tab
        tab.show_settings(self.panel.settings)
        tab.retention.setValue(checked)
        if tab.retention.value() != checked:
            raise BackupRefused(f"The retention period {checked} is outside what the panel accepts.")
        self._confirm_and_wait(tab.request_apply())

    def set_window(self, text: str, apply_now: bool = True) -> None:
        self.root.guard_change(f"Changing the backup window of {self.cluster_id}")
        tab = self.panel.settings_tab
        tab.show_settings(self.panel.settings)
        tab.window_edit.setText(text)
        (tab.apply_now if apply_now else tab.apply_later).setChecked(True)
        self._confirm_and_wait(tab.request_apply())

    def create_snapshot(self, snapshot_id: str) -> None:
        self.root.guard_change(f"Creating snapshot {snapshot_id}")
        dlg = self.panel.snapshots_tab.request("create")
        dlg.ident.setText(snapshot_id)
        self._confirm_and_wait(dlg)

    def delete_snapshot(self, snapshot_id: str) -> None:
        self.root.guard_change(f"Deleting snapshot {snapshot_id}")
        tab = self.panel.snapshots_tab
        if not tab.select(snapshot_id):
            raise LookupError(snapshot_id)
        dlg = tab.request("delete")
        dlg.confirm.setText(snapshot_id)
        self._confirm_and_wait(dlg)

    def restore_to_time(self, when: datetime | str | None, new_id: str, instance_class: str | None = None) -> None:
        """Point-in-time restore to ``when`` (datetime, ISO text, or 'latest'/None) as cluster
        ``new_id`` with a writer; returns when both are available."""
        self.root.guard_change(f"Restoring {self.cluster_id} to a new cluster {new_id}")
        dlg = self.panel.settings_tab.request_pitr()
        dlg.set_time(when)
        dlg.ident.setText(new_id)
        if instance_class:
            dlg.klass.setCurrentText(instance_class)
        self._confirm_and_wait(dlg)
