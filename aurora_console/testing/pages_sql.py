"""Page object for the SQL editor: ``console.sql(profile)``.

    page = console.sql("sandbox-blog")          # or a libpq connection string
    first, second = page.run("select 1 as a; select 2 as b")
    first.columns() == ["a"]; first.rows() == [("1",)]; first.status() == "SELECT 1"
    page.run("select 1/0")[0].error()           # "division by zero (22012)..."
    page.start("select pg_sleep(60)"); page.cancel(); page.wait()
    page.export("out.csv", "csv")               # the last result, streamed to the file

``rows()`` gives the cells as the grid shows them, with None for SQL NULL (so NULL and the empty
string stay distinct); ``values()`` gives the Python values (Decimal, datetime, dict...).
"""

from __future__ import annotations

from aurora_console.core.db.values import display
from aurora_console.testing.deprecation import renamed


class SqlResult:
    def __init__(self, page: SqlPage, outcome, view) -> None:
        self._page = page
        self.outcome = outcome
        self.view = view

    @property
    def _model(self):
        return getattr(self.view, "model", None)

    def columns(self) -> list[str]:
        r = self.outcome.result
        return [c.name for c in r.columns] if r is not None else []

    def values(self) -> list[tuple]:
        m = self._model
        if m is not None:
            return list(m.rows)
        r = self.outcome.result
        return list(r.rows) if r is not None else []

    def rows(self) -> list[tuple]:
        return [tuple(display(v) for v in row) for row in self.values()]

    def status(self) -> str:
        o = self.outcome
        if o.error is not None:
            return f"ERROR {o.error.sqlstate}".strip()
        if o.result is not None:
            return o.result.status
        return "EXPLAIN" if o.plan is not None else ""

    def error(self) -> str | None:
        e = self.outcome.error
        return None if e is None else e.user_text()

    @property
    def error_kind(self) -> str | None:
        e = self.outcome.error
        return None if e is None else e.kind

    def plan(self):
        return self.outcome.plan

    def complete(self) -> bool:
        m = self._model
        return m is None or m.complete

    def fetch_more(self, timeout_ms: int = 30000) -> int:
        m = self._model
        if m is None or not m.canFetchMore():
            return 0
        before = m.rowCount()
        m.fetchMore()
        self._page.qtbot.waitUntil(lambda: not m.fetching, timeout=timeout_ms)
        return m.rowCount() - before

    def fetch_all(self, timeout_ms: int = 120000) -> int:
        m = self._model
        if m is None:
            return len(self.values())
        m.fetch_all()
        self._page.qtbot.waitUntil(lambda: not m.fetching and not m.stream_open, timeout=timeout_ms)
        return m.rowCount()

    def export(self, path, format: str = "csv", timeout_ms: int = 120000) -> int:
        box: dict = {}
        self._page.tab.export(self.view, str(path), format, on_done=lambda n: box.setdefault("n", n))
        self._page.qtbot.waitUntil(lambda: "n" in box, timeout=timeout_ms)
        return box["n"]


class SqlPage:
    def __init__(self, root, profile: str, *, connect=None, read_only: bool | None = None) -> None:
        self.root = root
        self.qtbot = root.qtbot
        self.profile = profile
        from aurora_console.ui.sql.feature import _label, open_sql, sql_tabs

        window = root.window
        if not root.sandbox and not root.allow_changes:
            read_only = True  # on a real profile, writes need --aurora-allow-changes
        label = _label(profile)
        existing = [t for t in sql_tabs(window) if t.profile == label]
        self.tab = existing[0] if existing and connect is None else open_sql(
            window, profile, connect=connect, read_only=read_only)

    @classmethod
    def for_tab(cls, qtbot, tab) -> SqlPage:
        """Deprecated name of :meth:`for_widget`."""
        renamed("SqlPage.for_tab()", "SqlPage.for_widget()")
        return cls.for_widget(qtbot, tab)

    @classmethod
    def for_widget(cls, qtbot, tab) -> SqlPage:
        """Drive an ``SqlTab`` made outside a main window, or one the window opened."""
        page = cls.__new__(cls)
        page.root, page.qtbot, page.profile, page.tab = None, qtbot, tab.profile, tab
        return page

    # -- running -----------------------------------------------------------------------------------
    def set_text(self, text: str) -> None:
        self.tab.editor.load_text(text)
        self.qtbot.waitUntil(lambda: not self.tab.editor.loading, timeout=60000)

    def start(self, text: str | None = None) -> None:
        """Start running (all of ``text``, or the editor's text) without waiting."""
        self.wait()
        if text is not None:
            self.set_text(text)
        self.tab.run_all()

    def wait(self, timeout_ms: int = 60000) -> list[SqlResult]:
        self.qtbot.waitUntil(lambda: not self.tab.busy, timeout=timeout_ms)
        return self.results()

    def run(self, text: str, timeout_ms: int = 60000) -> list[SqlResult]:
        """Run every statement of ``text``; one result per statement that ran (an error stops the run)."""
        self.start(text)
        return self.wait(timeout_ms)

    def run_statement_at(self, position: int, mode: str = "run", timeout_ms: int = 60000) -> list[SqlResult]:
        """Put the cursor at ``position`` (in :meth:`editor_text`, also in a folded file) and
        press Ctrl+Enter (``mode`` "explain"/"analyze" for plans). In a folded file the first
        Ctrl+Enter reads its statements on a worker before running: that is waited for too."""
        self.wait()
        editor = self.tab.editor
        cur = editor.textCursor()
        cur.setPosition(position if editor.folded is None else editor.folded.display_pos(position))
        editor.setTextCursor(cur)
        self.tab.run_current(mode)
        self.qtbot.waitUntil(lambda: not self.tab.reading_statements, timeout=timeout_ms)
        return self.wait(timeout_ms)

    def results(self) -> list[SqlResult]:
        return [SqlResult(self, o, v) for o, v in zip(self.tab.outcomes, self.tab.outcome_views, strict=True)]

    def cancel(self) -> None:
        self.tab.cancel()

    def export(self, path, format: str = "csv") -> int:
        """Export the last result set of the last run."""
        with_rows = [r for r in self.results() if r.view is not None and r._model is not None]
        if not with_rows:
            raise AssertionError("no result to export")
        return with_rows[-1].export(path, format)

    # -- session -----------------------------------------------------------------------------------
    def _session(self, action: str, *args, timeout_ms: int = 60000) -> str:
        """Run a session action and return the new state; raises the action's own error (for
        ``reconnect()`` with the database down: the connection error, as soon as it comes)."""
        box: dict = {}
        handle = self.tab.session_action(action, *args, done=lambda st: box.setdefault("state", st),
                                         error=lambda exc: box.setdefault("error", exc))
        self.qtbot.waitUntil(lambda: "state" in box or "error" in box or handle.done, timeout=timeout_ms)
        if "error" in box:
            raise box["error"]
        if "state" not in box:
            raise RuntimeError(f"{action} ended without a result ({handle.state})")
        return box["state"].value

    def commit(self) -> str:
        return self._session("commit")

    def rollback(self) -> str:
        return self._session("rollback")

    def reconnect(self) -> str:
        return self._session("reconnect")

    def set_autocommit(self, on: bool) -> str:
        action = self.tab.autocommit_action
        action.blockSignals(True)
        action.setChecked(on)
        action.blockSignals(False)
        return self._session("set_autocommit", on)

    def tx_state(self) -> str:
        return self.tab.tx_label.text()

    def messages(self) -> str:
        return self.tab.messages.toPlainText()

    def editor_text(self) -> str:
        return self.tab.editor.sql_text()  # the document's text; a folded file's exact text

    def cursor_position(self) -> int:
        """Where the cursor is in :meth:`editor_text` (a folded file's row breaks not counted)."""
        editor = self.tab.editor
        position = editor.textCursor().position()
        return position if editor.folded is None else editor.folded.text_pos(position)

    def title(self) -> str:
        return self.tab.title()
