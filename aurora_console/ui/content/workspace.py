"""The content workspace of one connection: the blog tables as grids plus "open any table"."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from aurora_console.core.db.content.session import BLOG_TABLES, ContentSession, TableEditor
from aurora_console.ui.icons import object_icon
from aurora_console.ui.state_banner import StateBanner

from .grid import ContentGrid
from .post_form import PostForm


class ContentWorkspace(QWidget):
    table_opened = Signal(str)  # qualified name
    form_opened = Signal(object)  # PostForm

    def __init__(self, runner, session: ContentSession, parent=None):
        super().__init__(parent)
        self.setObjectName("contentWorkspace")
        self.runner = runner
        self.session = session
        self.grids: dict[str, ContentGrid] = {}
        self.forms: list[PostForm] = []
        self.blog_schema: str | None = None
        self.last_error = ""
        layout = QVBoxLayout(self)
        bar = QHBoxLayout()
        title = f"Content · {session.profile}" + (" (read-only)" if session.read_only else "")
        bar.addWidget(QLabel(f"<b>{title}</b>"))
        bar.addStretch(1)
        bar.addWidget(QLabel("Open any table:"))
        self.picker = QComboBox(self)
        self.picker.setObjectName("tablePicker")
        self.picker.setAccessibleName("Table to open")
        self.picker.setMinimumWidth(260)
        bar.addWidget(self.picker)
        open_button = QPushButton("Open", self)
        open_button.setObjectName("openTable")
        open_button.clicked.connect(self._open_picked)
        bar.addWidget(open_button)
        self.form_button = QPushButton("Post form…", self)
        self.form_button.setObjectName("openPostForm")
        self.form_button.setToolTip("Edit the selected post (or a new one) in a form with a Markdown preview")
        self.form_button.clicked.connect(self._open_form_for_selection)
        bar.addWidget(self.form_button)
        layout.addLayout(bar)
        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("contentTabs")
        self.tabs.setTabsClosable(True)
        self.tabs.tabCloseRequested.connect(self._close_tab)
        layout.addWidget(self.tabs, 1)
        self.status = StateBanner(self, objectName="workspaceStatus")
        layout.addWidget(self.status)
        self.discover()

    def _submit(self, fn, name, on_done, on_error=None):
        return self.runner.submit(fn, name=name, queue=self.session.queue_key, on_done=on_done,
                                  on_error=on_error or self._failed, owner=self)

    def _failed(self, exc: BaseException, what: str = "") -> None:
        self.last_error = f"{what}{exc}"
        self.status.error(f"{what}{type(exc).__name__}: {exc}", getattr(exc, "hint", "") or "")

    def discover(self):
        session = self.session
        self.status.loading("Listing the tables…")
        return self._submit(lambda ctx: (session.blog_schema(), session.tables()), "List tables", self._listed)

    def _listed(self, result) -> None:
        schema, tables = result
        self.blog_schema = schema
        self.status.clear()
        self.picker.clear()
        for t in tables:
            suffix = "" if t.has_primary_key else "  (no primary key: read-only)"
            self.picker.addItem(object_icon("table"), t.qualified + suffix, t.qualified)
        # nothing preselected: the first table alphabetically was the migrations' bookkeeping table
        self.picker.setPlaceholderText("choose a table…")
        self.picker.setCurrentIndex(-1)
        if not tables:
            self.status.empty("This database has no tables yet: create some (SQL editor, migrations), then "
                              "reopen the content editor.")
            return
        if schema is None:
            self.status.empty("No blog tables here (posts, comments, users, social_accounts); "
                              "open any table with the picker.")
            return
        for name in BLOG_TABLES:
            self.open_table(f"{schema}.{name}")

    def _open_picked(self) -> None:
        qualified = self.picker.currentData()
        if qualified:
            self.open_table(qualified)

    def open_table(self, qualified: str):
        """Open (or focus) a grid for ``schema.table``; the grid appears when it is described."""
        if qualified in self.grids:
            self.tabs.setCurrentWidget(self.grids[qualified])
            return None
        session = self.session
        schema, _, name = qualified.partition(".")
        if self.last_error:  # the status line speaks of the latest request, not an earlier failure
            self.last_error = ""
            self.status.clear()
        return self._submit(lambda ctx: TableEditor(session, schema, name), f"Open {qualified}", self._opened,
                            lambda exc: self._failed(exc, f"Opening {qualified} failed: "))

    def _opened(self, editor: TableEditor) -> None:
        qualified = editor.info.qualified
        if qualified in self.grids:
            return
        grid = ContentGrid(self.runner, editor, self)
        self.grids[qualified] = grid
        label = editor.info.name if editor.info.schema == self.blog_schema else qualified
        self.tabs.addTab(grid, label)
        grid.model.pending_changed.connect(lambda n, g=grid, t=label: self._mark_tab(g, t, n))
        self._mark_tab(grid, label, len(editor.changes))
        self.table_opened.emit(qualified)

    def _mark_tab(self, grid, label: str, n: int) -> None:
        i = self.tabs.indexOf(grid)
        if i >= 0:
            self.tabs.setTabText(i, f"{label} ●{n}" if n else label)

    def grid(self, name: str) -> ContentGrid:
        if name in self.grids:
            return self.grids[name]
        for qualified, grid in self.grids.items():
            if qualified.split(".", 1)[1] == name:
                return grid
        raise KeyError(name)

    def _close_tab(self, index: int) -> None:
        widget = self.tabs.widget(index)
        if isinstance(widget, ContentGrid) and len(widget.editor.changes):
            self.status.setText("This table has pending changes (kept on disk); save or revert them first.")
            return
        for key, grid in list(self.grids.items()):
            if grid is widget:
                del self.grids[key]
        if widget in self.forms:
            self.forms.remove(widget)
        self.tabs.removeTab(index)
        widget.close()
        widget.deleteLater()

    # post form ---------------------------------------------------------------------------------
    def _open_form_for_selection(self) -> None:
        key = None
        try:
            posts = self.grid("posts")
        except KeyError:
            self.status.setText("Open the posts table first.")
            return
        rows = posts.selected_rows()
        if rows and posts.model.row_at(rows[0]) is not None:
            key = posts.model.row_at(rows[0]).key
        self.open_post_form(key)

    def open_post_form(self, key=None) -> PostForm | None:
        try:
            posts = self.grid("posts")
        except KeyError:
            self.status.setText("Open the posts table first.")
            return None
        try:
            comments = self.grid("comments").editor
        except KeyError:
            comments = None
        form = PostForm(self.runner, posts.editor, comments, key, self)
        form.saved.connect(lambda result: result.ok and posts.reload("refresh"))
        self.forms.append(form)
        title = "New post" if key is None else f"Post {key[0] if isinstance(key, tuple) else key}"
        self.tabs.addTab(form, title)
        self.tabs.setCurrentWidget(form)
        self.form_opened.emit(form)
        return form

    def can_close(self) -> bool:
        """Closing is always allowed: pending changes stay on disk and come back next time."""
        self.shutdown()
        return True

    def shutdown(self) -> None:
        session = self.session
        self.runner.submit(lambda ctx: session.close(), name="Close content connection", queue=session.queue_key)
