"""One action dialog at a time per backup tab: an accepted dialog's prepared action runs through
the panel's task bar; the dialog is deleted when it closes."""

from __future__ import annotations


class DialogHost:
    """Mixed into the backup tabs (which have ``self.panel`` and ``self.dialog``)."""

    def _open(self, dlg):
        dlg.accepted.connect(lambda d=dlg: self.panel.tasks.run(d.prepared) if d.prepared else None)
        dlg.finished.connect(lambda _r, d=dlg: self._closed(d))
        self.dialog = dlg
        dlg.open()
        return dlg

    def _closed(self, dlg) -> None:
        if self.dialog is dlg:
            self.dialog = None
        dlg.deleteLater()
