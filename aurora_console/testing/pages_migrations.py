"""Page object for the migrations panel: ``console.migrations(profile)``.

Calls wait for the background work they start, so a smoke test reads like a user's session::

    mig = console.migrations("sandbox-blog")
    assert mig.validate() == []          # no problems
    print(mig.pending(), mig.applied())
    result = mig.migrate()               # applies every pending migration (sandbox, or --aurora-allow-changes)

For a Flyway project: ``history_format()`` ("flyway" or "console"), ``history()`` (the label),
``rows()`` with each file's ``transaction`` ("yes", "no: <reason>", "cannot run: <why>"),
``without_transaction()``, ``ignored_files()`` and ``external()``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from aurora_console.testing.deprecation import renamed

TIMEOUT_MS = 60000


class MigrationsPage:
    def __init__(self, root, profile: str, *, connect: Any = None, folder: Path | str | None = None,
                 timeout_ms: int = TIMEOUT_MS) -> None:
        self.root = root
        self.qtbot = root.qtbot
        self.profile = profile
        self.timeout_ms = timeout_ms
        from aurora_console.ui.migrations.feature import open_migrations

        window = root.window
        open_migrations(window, profile, connect=connect, folder=Path(folder) if folder else None)
        self.qtbot.waitUntil(lambda: window.find_tab(f"migrations:{profile}") is not None, timeout=timeout_ms)
        self.panel = window.find_tab(f"migrations:{profile}")
        self._guard = root.guard_change
        self.confirmations: list[str] = []
        self.panel.confirm = self._confirm
        self.wait()

    @classmethod
    def for_panel(cls, qtbot, panel, *, guard=None, timeout_ms: int = TIMEOUT_MS) -> MigrationsPage:
        """Deprecated name of :meth:`for_widget`."""
        renamed("MigrationsPage.for_panel()", "MigrationsPage.for_widget()")
        return cls.for_widget(qtbot, panel, guard=guard, timeout_ms=timeout_ms)

    @classmethod
    def for_widget(cls, qtbot, panel, *, guard=None, timeout_ms: int = TIMEOUT_MS) -> MigrationsPage:
        """Drive a panel made outside a main window (GUI tests of the panel alone)."""
        page = cls.__new__(cls)
        page.root = None
        page.qtbot = qtbot
        page.profile = panel.profile
        page.timeout_ms = timeout_ms
        page.panel = panel
        page._guard = guard or (lambda what: None)
        page.confirmations = []
        panel.confirm = page._confirm
        page.wait()
        return page

    # -- helpers ----------------------------------------------------------------------------------
    def _confirm(self, text: str) -> bool:
        self.confirmations.append(text)
        return True

    def wait(self) -> None:
        self.qtbot.waitUntil(lambda: not self.panel.busy, timeout=self.timeout_ms)

    def _raise_if_failed(self) -> None:
        if self.panel.last_error is not None:
            raise self.panel.last_error

    # -- reading ----------------------------------------------------------------------------------
    def refresh(self) -> None:
        self.wait()
        self.panel.refresh()
        self.wait()
        self._raise_if_failed()

    def rows(self) -> list[dict[str, str]]:
        """Every row as shown: version, description, type, state, transaction, checksum, installed on,
        duration (and script)."""
        from aurora_console.ui.migrations.table_model import COLUMNS, SCRIPT_ROLE

        model = self.panel.model
        out = []
        for r in range(model.rowCount()):
            row = {name.lower(): model.index(r, c).data() or "" for c, name in enumerate(COLUMNS[:-1])}
            row["script"] = model.index(r, 0).data(SCRIPT_ROLE)
            out.append(row)
        return out

    def pending(self) -> list[str]:
        """Scripts that ``migrate()`` would apply, in order."""
        self.wait()
        status = self.panel.status
        return [m.script for m in status.pending] if status else []

    def applied(self) -> list[str]:
        self.wait()
        return [r["script"] for r in self.rows() if r["state"] == "applied"]

    def history_format(self) -> str:
        """Which history table format the panel found (or will create): "flyway" or "console"."""
        self.wait()
        overview = self.panel.overview
        if overview is None:
            self._raise_if_failed()  # the panel could not read the folder or the database: say why
        return overview.history_format if overview else ""

    def history(self) -> str:
        """The history label as shown, e.g. "History: Flyway history (public.flyway_schema_history)"."""
        return self.panel.history_label.text()

    def without_transaction(self) -> dict[str, str]:
        """Scripts that run without a transaction, with the reason the Transaction column shows."""
        return {r["script"]: r["transaction"].removeprefix("no: ") for r in self.rows()
                if r["transaction"].startswith("no")}

    def ignored_files(self) -> dict[str, str]:
        """Files in the folder that are not run (names that are not migrations), with the warning shown."""
        self.wait()
        view = self.panel.ignored_view
        items = (view.item(i).text().partition(": ") for i in range(view.count()))
        return {script: message for script, _, message in items}

    def external(self) -> list[dict[str, str]]:
        """Rows applied by another tool (JDBC, Java...): shown as external, never run by the console."""
        return [r for r in self.rows() if r["state"] == "external"]

    def problems(self) -> list[str]:
        status = self.panel.status
        return [str(p) for p in status.problems] if status else []

    def log(self) -> str:
        return self.panel.log_view.toPlainText()

    # -- actions ----------------------------------------------------------------------------------
    def validate(self) -> list[str]:
        """Run validate; returns the problems found ([] when the database matches the files)."""
        self.wait()
        self.panel.validate()
        self.wait()
        err = self.panel.last_error
        if err is not None and not hasattr(err, "problems"):
            raise err
        return [str(p) for p in self.panel.validation_problems] if err is not None else []

    def dry_run(self) -> str:
        """The SQL that would run (as shown in the Dry run tab)."""
        self.wait()
        self.panel.dry_run()
        self.wait()
        self._raise_if_failed()
        return self.panel.sql_view.toPlainText()

    def migrate(self):
        """Apply every pending migration; returns the engine's MigrateResult, raises its error."""
        self._guard(f"Applying migrations with profile {self.profile!r}")
        self.wait()
        if not self.pending():
            return None
        self.panel.apply()
        self.qtbot.waitUntil(lambda: not self.panel.busy, timeout=self.timeout_ms)
        self._raise_if_failed()
        result = self.panel.last_result
        self.wait()  # the refresh that follows
        return result

    def repair(self):
        """Repair the history table as the panel's Repair button does (remove failed rows,
        realign checksums, mark applied scripts whose file is gone as deleted); returns the
        engine's RepairResult, raises its error."""
        self._guard(f"Repairing the migrations history with profile {self.profile!r}")
        self.wait()
        self.panel.last_repair = None
        self.panel.repair()
        self.qtbot.waitUntil(lambda: not self.panel.busy, timeout=self.timeout_ms)
        self._raise_if_failed()
        result = self.panel.last_repair
        self.wait()  # the refresh that follows
        return result

    def stop_after_current(self) -> None:
        self.panel.stop()
