"""The state of one table grid of the content editor, Qt-free: busy or not, the status line, the
page's paging flags, pending changes, foreign-key lookups, and the operations that change them
(load a page, sort/filter, save, check references before a delete). ``ContentGrid`` renders it;
this class imports no PySide6, so it is tested without a QApplication
(``tests/unit/ui/content/test_grid_controller.py``).

Observers (:class:`~aurora_console.ui.observers.Observers`): ``changed()`` re-render;
``page_loaded(page, labels)`` a page arrived (before ``changed``); ``loaded()`` after it is shown;
``view_shown(sort, filters)`` the sort/filters to show; ``error(message)`` a message shown as an
error; ``rows_refused()`` a save was refused (show the rows' errors); ``conflicts(list)`` it met
rows changed by someone else; ``saved(result)`` last.

Every database call goes through the runner on the session's serial queue, with ``owner`` (the
widget): results for a closed grid are dropped by the runner.
"""

from __future__ import annotations

from collections.abc import Callable

from aurora_console.core.db.content.changes import ReadOnly
from aurora_console.core.db.content.pager import Filter, Sort
from aurora_console.core.db.content.save import ConnectionLost, SaveResult
from aurora_console.core.db.content.values import InvalidValue
from aurora_console.ui.observers import Observers

FK_CHOICES_LIMIT = 500


class TableGridController:
    def __init__(self, runner, editor, *, owner: object | None = None) -> None:
        self.runner = runner
        self.editor = editor  # core.db.content.session.TableEditor
        self.queue = editor.session.queue_key
        self.owner = owner
        self.busy = False
        self.page = None
        self.status_text = ""
        self.status_is_error = False
        self.last_error = ""
        self.last_result: SaveResult | None = None
        self.choices: dict[str, list[tuple[str, str]]] = {}
        self.choices_loaded = False
        self._note = ""  # shown before the next "rows on this page" line (e.g. "Saved 3 changes.")
        self.changed = Observers()
        self.page_loaded = Observers()
        self.loaded = Observers()
        self.view_shown = Observers()
        self.error = Observers()
        self.saved = Observers()
        self.rows_refused = Observers()
        self.conflicts = Observers()

    # -- derived state -----------------------------------------------------------------------------
    @property
    def read_only_reason(self) -> str:
        return self.editor.read_only_reason

    @property
    def pending(self) -> int:
        return len(self.editor.changes)

    @property
    def pending_text(self) -> str:
        n = self.pending
        if not n:
            return "No pending changes"
        counts = self.editor.changes.counts()
        return f"{n} pending: {counts['update']} edited, {counts['insert']} new, {counts['delete']} deleted"

    @property
    def can_edit(self) -> bool:
        return not self.busy and not self.read_only_reason

    @property
    def can_save(self) -> bool:
        return bool(self.pending) and self.can_edit

    @property
    def can_page_back(self) -> bool:
        return not self.busy and (self.page is None or self.page.has_previous)

    @property
    def can_page_forward(self) -> bool:
        return not self.busy and (self.page is None or self.page.has_next)

    # -- status --------------------------------------------------------------------------------------
    def show_error(self, message: str) -> None:
        self.last_error = message
        self.status_text, self.status_is_error = message, True
        self.changed.emit()
        self.error.emit(message)

    def show_info(self, message: str) -> None:
        self.status_text, self.status_is_error = message, False
        self.changed.emit()

    def _set_busy(self, busy: bool) -> None:
        self.busy = busy
        self.changed.emit()

    # -- tasks ---------------------------------------------------------------------------------------
    def _submit(self, fn, name: str, on_done, on_error=None):
        session = self.editor.session

        def work(ctx):
            return session.run(lambda: fn(ctx), ctx)

        return self.runner.submit(work, name=f"{name} ({self.editor.info.qualified})", queue=self.queue,
                                  on_done=on_done, on_error=on_error or self._task_failed,
                                  on_cancelled=self._task_cancelled, owner=self.owner)

    def _task_cancelled(self) -> None:
        self.busy = False
        self.show_info("Cancelled; pending changes are untouched.")

    def _task_failed(self, exc: BaseException) -> None:
        self.busy = False
        if getattr(exc, "essential_hint", False):  # e.g. an expired SSO login: its `aws sso login` command
            from aurora_console.core.errors import error_message

            self.show_error(error_message(exc))
            return
        self.show_error(str(exc) if isinstance(exc, ConnectionLost) else f"{type(exc).__name__}: {exc}")

    # -- pages ---------------------------------------------------------------------------------------
    def load_choices(self):
        editor = self.editor
        return self._submit(lambda ctx: editor.fk_choices(FK_CHOICES_LIMIT), "Load lookups", self._choices_loaded)

    def _choices_loaded(self, choices) -> None:
        self.choices = choices
        self.choices_loaded = True

    def reload(self, kind: str = "refresh"):
        editor = self.editor
        self._set_busy(True)
        return self._submit(lambda ctx: editor.load(kind), "Load rows", self._page_loaded)

    def _page_loaded(self, result) -> None:
        page, labels = result
        self.page = page
        self.busy = False
        self.page_loaded.emit(page, labels)
        estimate = self.editor.info.estimated_rows
        about = f" (about {estimate:,} in the table)" if estimate > 0 else ""
        note, self._note = self._note, ""
        self.show_info(f"{note}{len(page.rows)} rows on this page{about}; sorted by "
                       f"{self.editor.pager.sort.column or 'primary key'}")
        self.loaded.emit()

    def sort_on(self, column: str):
        """A click on a column header: ascending, then descending, then the primary key's order."""
        current = self.editor.pager.sort
        if current.column == column and not current.descending:
            sort = Sort(column, True)
        elif current.column == column:
            sort = Sort(None)
        else:
            sort = Sort(column)
        return self.set_view(sort=sort)

    def set_view(self, sort: Sort | None = None, filters: list[Filter] | None = None):
        """Apply a sort and/or filters and load the first page; returns the task handle.

        A sort or filter refused before any query (unknown column, a value that does not fit the
        column's type) is shown as an error and None is returned; one the server refuses fails the
        task, and the grid goes back to the view it showed before."""
        editor = self.editor
        try:
            editor.pager.with_options(sort=sort, filters=filters)
        except (InvalidValue, KeyError) as exc:
            # KeyError's str() adds quotes around the message
            self.show_error(exc.args[0] if isinstance(exc, KeyError) and exc.args else str(exc))
            return None
        self.view_shown.emit(sort if sort is not None else editor.pager.sort,
                             filters if filters is not None else editor.pager.filters)
        self._set_busy(True)

        def work(ctx):
            before = editor.pager
            try:
                editor.set_view(sort=sort, filters=filters)
            except Exception:
                editor.pager = before  # the rows shown still belong to the previous view
                raise
            return editor.page, editor.labels_for(editor.page)

        def refused(exc: BaseException) -> None:
            self.view_shown.emit(editor.pager.sort, editor.pager.filters)
            self._task_failed(exc)

        return self._submit(work, "Load rows", self._page_loaded, refused)

    # -- lookups -------------------------------------------------------------------------------------
    def known_key(self, column: str, value) -> str:
        """'' if ``value`` may go into ``column``; a message when it is surely not an existing key.

        The lookup list is complete when it holds fewer entries than its limit; otherwise the
        server's foreign-key check decides on save."""
        choices = self.choices.get(column)
        if value is None or choices is None or len(choices) >= FK_CHOICES_LIMIT:
            return ""
        if value in {k for k, _ in choices}:
            return ""
        fk = self.editor.info.foreign_key_for(column)
        return f"{column}: {value} does not exist in {fk.ref_schema}.{fk.ref_table}; pick an existing row"

    def choices_for(self, column: str):
        col = self.editor.info.column(column)
        if column in self.choices:
            return self.choices[column]
        if col.enum_labels and not col.is_array:
            return [(v, v) for v in col.enum_labels]
        return None

    # -- editing -------------------------------------------------------------------------------------
    def guard(self, fn, *args):
        """``fn(*args)`` unless busy; a read-only or invalid change is shown as an error (None)."""
        if self.busy:
            self.show_error("Wait for the current operation to finish.")
            return None
        try:
            return fn(*args)
        except (ReadOnly, InvalidValue) as exc:
            self.show_error(str(exc))
            return None

    def delete_rows(self, rows, confirm: Callable[[str], bool]):
        """Look up who references the rows, ask ``confirm(message)`` (naming them), then mark them
        deleted."""
        if self.read_only_reason:
            self.show_error(self.read_only_reason)
            return None
        editor = self.editor

        def work(ctx):
            return [(row, editor.references(row)) for row in rows]

        def done(found):
            names = ", ".join("(" + ", ".join(r.key) + ")" for r, _ in found)
            refs = " ".join(text for _, text in found if text)
            message = f"Mark {len(found)} row(s) of {editor.info.qualified} for deletion: {names}?"
            if refs:
                message += "\n\n" + refs + " Those rows are deleted with it (ON DELETE CASCADE) or the save fails."
            self._set_busy(False)
            if confirm(message):
                for row, _ in found:
                    self.guard(editor.changes.delete, row)

        self._set_busy(True)
        return self._submit(work, "Check references", done)

    def revert(self) -> None:
        self.editor.changes.revert()
        self.show_info("Pending changes discarded.")

    def save(self):
        if self.busy or not self.pending:
            return None
        editor = self.editor
        self.busy = True
        self.show_info("Saving…")
        return self._submit(lambda ctx: editor.save(), "Save changes", self._saved, self._task_failed)

    def _saved(self, result: SaveResult) -> None:
        self.last_result = result
        self.busy = False
        if result.ok:
            self._note = f"Saved {result.applied} change(s) in one transaction. "
            self.show_info(self._note)
            self.reload("refresh")
        else:
            problems = [c.error for c in result.errors]
            msg = (f"Nothing was saved: {len(result.errors)} change(s) failed and {len(result.conflicts)} "
                   "conflicted; every change is still pending.")
            if problems:
                msg += " First problem: " + problems[0]
            self.show_error(msg)
            self.rows_refused.emit()
            if result.conflicts:
                self.conflicts.emit(result.conflicts)
        self.saved.emit(result)

    def keep_mine(self, conflict) -> None:
        try:
            self.editor.changes.keep_mine(conflict.change_id)
        except ReadOnly as exc:
            self.show_error(str(exc))

    def take_theirs(self, conflict) -> None:
        try:
            self.editor.changes.take_theirs(conflict.change_id)
        except ReadOnly as exc:
            self.show_error(str(exc))
            return
        self.reload("refresh")
