"""Page object for the content editor: ``console.content(profile).table("posts")``.

Calls wait for the background work they start (paging, reference checks, saves), so a test
reads like a user's session::

    posts = console.content("sandbox-blog").table("posts")
    posts.edit(1, "title", "New title")
    assert posts.pending()["total"] == 1
    result = posts.save()
    assert result.ok
"""

from __future__ import annotations

from contextlib import contextmanager
from typing import Any

from aurora_console.testing.deprecation import renamed

TIMEOUT_MS = 30000


class ViewRefused(ValueError):
    """The grid refused a filter or sort (unknown column, a value that does not fit the column's
    type, or the server's refusal); ``str(exc)`` is the message the grid shows."""


class TableNotOpened(LookupError):
    """Opening a table failed; ``str(exc)`` names the table and says why (this call's own error)."""


class ContentTablePage:
    def __init__(self, qtbot, grid, runner, timeout_ms: int = TIMEOUT_MS, guard=None):
        self.qtbot = qtbot
        self._guard = guard or (lambda what: None)
        self.grid = grid
        self.runner = runner
        self.timeout_ms = timeout_ms
        self.confirmations: list[str] = []  # texts of the delete confirmations (who references the row)
        self._conflicts_shown: list = []
        grid.confirm = self._confirm
        grid.resolve_conflicts = self._conflicts_shown.extend
        self.wait()

    # helpers -------------------------------------------------------------------------------------
    def _confirm(self, message: str) -> bool:
        self.confirmations.append(message)
        return True

    def wait(self) -> None:
        queue = self.grid.queue
        self.qtbot.waitUntil(lambda: not self.grid.busy and not any(h.queue == queue for h in self.runner.active()),
                             timeout=self.timeout_ms)

    def _await(self, handle) -> Any:
        if handle is not None:
            self.qtbot.waitUntil(lambda: handle.done, timeout=self.timeout_ms)
        self.wait()
        if handle is not None and handle.state == "failed":
            raise handle.error
        return None if handle is None else handle.result

    @contextmanager
    def _errors(self):
        """The messages the grid shows while the block runs (never an earlier call's)."""
        shown: list[str] = []
        self.grid.error_shown.connect(shown.append)
        try:
            yield shown
        finally:
            self.grid.error_shown.disconnect(shown.append)

    def _set_view(self, **view) -> list[dict]:
        """Apply a sort/filter; a refusal raises :class:`ViewRefused` with the grid's message."""
        with self._errors() as shown:
            handle = self.grid.set_view(**view)
            if handle is None:
                raise ViewRefused(shown[0] if shown else "the grid refused the view")
            try:
                self._await(handle)
            except Exception as exc:
                raise ViewRefused(shown[0] if shown else str(exc)) from exc
        if handle.state == "cancelled":
            raise ViewRefused("loading the rows was cancelled; the grid shows the previous view")
        return self.rows()

    def _row_index(self, key) -> int:
        key = tuple(str(k) for k in (key if isinstance(key, tuple | list) else (key,)))
        r = self.grid.model.row_of_key(key)
        if r < 0:
            raise KeyError(f"row {key} is not on the current page of {self.name}")
        return r

    @property
    def name(self) -> str:
        return self.grid.editor.info.qualified

    @property
    def read_only_reason(self) -> str:
        return self.grid.editor.read_only_reason

    # reading -------------------------------------------------------------------------------------
    def columns(self) -> list[str]:
        return list(self.grid.editor.info.column_names)

    def rows(self) -> list[dict]:
        """The rows shown (loaded page with pending edits applied, then pending inserts), as text."""
        from aurora_console.ui.content.table_model import RAW_ROLE

        model = self.grid.model
        out = []
        for r in range(model.rowCount()):
            out.append({name: model.index(r, c).data(RAW_ROLE) for c, name in enumerate(self.columns())})
        return out

    def shown(self, key, column: str) -> str:
        """What the cell displays (masked secrets, ``NULL``, foreign-key labels)."""
        r = self._row_index(key)
        return self.grid.model.index(r, self.columns().index(column)).data()

    def page(self, where: str = "first") -> list[dict]:
        """Move to the first / next / previous / last page (or refresh) and return its rows."""
        self._await(self.grid.reload(where))
        return self.rows()

    def sort(self, column: str | None, descending: bool = False) -> list[dict]:
        from aurora_console.core.db.content.pager import Sort

        return self._set_view(sort=Sort(column, descending))

    def filter(self, column: str, op: str, value: str | None = None) -> list[dict]:
        """Add a filter and return the matching rows; raises :class:`ViewRefused` (the grid's
        message) for an unknown column or operator or a value that does not fit the column."""
        from aurora_console.core.db.content.pager import Filter

        filters = list(self.grid.editor.pager.filters) + [Filter(column, op, value)]
        return self._set_view(filters=filters)

    def clear_filters(self) -> list[dict]:
        self._await(self.grid.clear_filters())
        return self.rows()

    # editing -------------------------------------------------------------------------------------
    def edit(self, key, column: str, value: str | None) -> None:
        """Type ``value`` into a cell (``None`` sets NULL). Raises ValueError with the cell's message."""
        messages: list[str] = []
        self.grid.model.edit_rejected.connect(messages.append)
        try:
            ok = self.grid.model.set_cell(self._row_index(key), column, value)
        finally:
            self.grid.model.edit_rejected.disconnect(messages.append)
        if not ok:
            raise ValueError(messages[0] if messages else f"{column} cannot be edited")

    def insert(self, values: dict | None = None) -> int:
        with self._errors() as shown:
            change = self.grid.insert_row(values or {})
        if change is None:
            raise ValueError(shown[0] if shown else "the grid refused the new row")
        return change.id

    def duplicate(self, key) -> int:
        index = self.grid.model.index(self._row_index(key), 0)
        self.grid.view.selectionModel().clearSelection()
        self.grid.view.setCurrentIndex(index)
        with self._errors() as shown:
            changes = self.grid.duplicate_selected()
        if not changes or changes[0] is None:
            raise ValueError(shown[0] if shown else f"row {key} could not be duplicated")
        return changes[0].id

    def delete(self, key) -> str:
        """Mark the row deleted; returns the confirmation text (names the tables that reference it)."""
        row = self.grid.model.row_at(self._row_index(key))
        before = len(self.confirmations)
        self._await(self.grid.delete_rows([row]))
        if self.grid.editor.read_only_reason:
            raise PermissionError(self.grid.editor.read_only_reason)
        return self.confirmations[before] if len(self.confirmations) > before else ""

    def pending(self) -> dict[str, int]:
        counts = self.grid.editor.changes.counts()
        return {"total": len(self.grid.editor.changes), "edited": counts["update"], "new": counts["insert"],
                "deleted": counts["delete"]}

    def errors(self) -> dict[int, str]:
        return {c.id: c.error for c in self.grid.editor.changes if c.error and c.conflict is None}

    def save(self):
        """Save every pending change; returns the ``SaveResult`` (raises ConnectionLost & co.)."""
        self._guard(f"saving changes to {self.name}")
        self._conflicts_shown.clear()
        return self._await(self.grid.save())

    def revert(self) -> None:
        self.grid.revert()

    def conflicts(self) -> list:
        """Open conflicts (theirs beside yours): ``Conflict`` objects."""
        return self.grid.editor.changes.conflicts()

    def keep_mine(self, conflict) -> None:
        from aurora_console.ui.content.conflict_dialog import KEEP_MINE

        self.grid.apply_resolution(conflict, KEEP_MINE)

    def take_theirs(self, conflict) -> None:
        from aurora_console.ui.content.conflict_dialog import TAKE_THEIRS

        self.grid.apply_resolution(conflict, TAKE_THEIRS)
        self.wait()

    def reveal_secrets(self, on: bool = True) -> None:
        self.grid.reveal.setChecked(on)
        self.grid._toggle_reveal(on)


class PostFormPage:
    def __init__(self, qtbot, form, runner, timeout_ms: int = TIMEOUT_MS):
        self.qtbot, self.form, self.runner, self.timeout_ms = qtbot, form, runner, timeout_ms
        self.wait()

    def wait(self) -> None:
        queue = self.form.posts.session.queue_key
        self.qtbot.waitUntil(lambda: not any(h.queue == queue for h in self.runner.active()), timeout=self.timeout_ms)

    def values(self) -> dict:
        return self.form.values()

    def set_title(self, text: str) -> None:
        self.form.title_edit.setText(text)
        self.form._title_edited(text)

    def set_slug(self, text: str) -> None:
        self.form.slug_edit.setText(text)
        self.form._slug_edited(text)

    def slug_free(self) -> bool | None:
        handle = self.form.check_slug()
        if handle is not None:
            self.qtbot.waitUntil(lambda: handle.done, timeout=self.timeout_ms)
            return not self.form.slug_taken
        return None

    def set_content(self, markdown: str) -> None:
        self.form.content_edit.setPlainText(markdown)
        self.form.update_preview()

    def preview_html(self) -> str:
        return self.form.preview.document().toHtml()

    def comments(self) -> list[tuple[str, str, str]]:
        t = self.form.comments_table
        return [tuple(t.item(r, c).text() for c in range(3)) for r in range(t.rowCount())]

    def save(self):
        handle = self.form.save()
        if handle is None:
            raise ValueError(self.form.last_error or self.form.status.text())
        self.qtbot.waitUntil(lambda: handle.done, timeout=self.timeout_ms)
        self.wait()
        if handle.state == "failed":
            raise handle.error
        return handle.result[0]


class ContentPage:
    """``console.content(profile)``; also usable on a bare ``ContentWorkspace`` via :meth:`for_widget`."""

    def __init__(self, root, profile: str, connect=None, read_only: bool | None = None):
        from aurora_console.ui.content.feature import open_content

        self.qtbot = root.qtbot
        self.runner = root.services.runner
        # saving changes a real database: refused on a real profile unless --aurora-allow-changes
        self._guard = (lambda what: None) if connect is not None or root.sandbox else root.guard_change
        opened = open_content(root.window, profile, connect=connect, read_only=read_only)
        if hasattr(opened, "done"):  # opening the profile runs on a worker
            self.qtbot.waitUntil(lambda: opened.done, timeout=TIMEOUT_MS)
            if opened.state == "failed":
                raise opened.error
        self.workspace = root.window.find_tab(f"content:{profile}")
        if self.workspace is None:
            raise RuntimeError(f"the content workspace for {profile!r} did not open")

    @classmethod
    def for_widget(cls, qtbot, workspace, runner=None) -> ContentPage:
        """Drive a ``ContentWorkspace`` made outside a main window (``runner``: its own by default)."""
        page = cls.__new__(cls)
        page.qtbot, page.workspace = qtbot, workspace
        page.runner = runner if runner is not None else workspace.runner
        page._guard = lambda what: None
        return page

    @classmethod
    def for_workspace(cls, qtbot, workspace, runner) -> ContentPage:
        """Deprecated name of :meth:`for_widget`."""
        renamed("ContentPage.for_workspace()", "ContentPage.for_widget()")
        return cls.for_widget(qtbot, workspace, runner)

    def wait(self) -> None:
        """Wait until the workspace's database work (listing, opening a table) is done."""
        queue = self.workspace.session.queue_key
        self.qtbot.waitUntil(lambda: not any(h.queue == queue for h in self.runner.active()), timeout=TIMEOUT_MS)

    def tables(self) -> list[str]:
        """Tables offered by the "open any table" picker."""
        self.wait()
        picker = self.workspace.picker
        return [picker.itemData(i) for i in range(picker.count())]

    def open_tabs(self) -> list[str]:
        self.wait()
        return list(self.workspace.grids)

    def table(self, name: str) -> ContentTablePage:
        """The grid of ``name`` (``posts`` or ``schema.table``), opening it if needed."""
        self.wait()
        try:
            grid = self.workspace.grid(name)
        except KeyError:
            qualified = name if "." in name else self._qualified(name)
            handle = self.workspace.open_table(qualified)
            if handle is not None:  # None: already open (a grid that appeared meanwhile)
                self.qtbot.waitUntil(lambda: handle.done, timeout=TIMEOUT_MS)
                if handle.state == "failed":  # this call's error, never an earlier one's
                    raise TableNotOpened(f"{qualified}: {handle.error}") from handle.error
                if handle.state == "cancelled":
                    raise TableNotOpened(f"{qualified}: opening was cancelled") from None
            if not self._has(name):
                raise TableNotOpened(f"{qualified}: the table opened but no grid shows it") from None
            grid = self.workspace.grid(name)
        return ContentTablePage(self.qtbot, grid, self.runner, guard=self._guard)

    def _qualified(self, name: str) -> str:
        """``schema.name`` for a bare table name: in the blog schema when it has one of that name,
        else the one table of that name the picker offers (a MySQL database without the blog
        tables, e.g. ``sandbox-shop``'s ``shop``), else ``public`` (PostgreSQL's default)."""
        offered = [t for t in self.tables() if t.rpartition(".")[2] == name]
        blog = self.workspace.blog_schema
        if blog and (f"{blog}.{name}" in offered or not offered):
            return f"{blog}.{name}"
        return offered[0] if len(offered) == 1 else f"public.{name}"

    def _has(self, name: str) -> bool:
        try:
            self.workspace.grid(name)
            return True
        except KeyError:
            return False

    def post_form(self, key=None) -> PostFormPage:
        self.table("posts")
        form = self.workspace.open_post_form(None if key is None else (key if isinstance(key, tuple) else (key,)))
        return PostFormPage(self.qtbot, form, self.runner)
