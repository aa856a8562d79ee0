"""The post form: title, slug (suggested, uniqueness checked), author, image URL, Markdown content
with a live preview, and the post's comments. Saves through its own change set (one transaction,
same optimistic check as the grid)."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from aurora_console.core.db.content.changes import ReadOnly
from aurora_console.core.db.content.save import SaveResult
from aurora_console.core.db.content.session import TableEditor
from aurora_console.core.db.content.slug import slug_problem, suggest_slug
from aurora_console.core.db.content.values import InvalidValue

FIELDS = ("title", "slug", "user_id", "image_url", "content")


# whole text (fullmatch), ASCII digits only: ``\d`` would take "٢٠٢٦-..." for a year
_TIMESTAMP = re.compile(
    r"(?P<date>[0-9]{4}-[0-9]{2}-[0-9]{2})[ T](?P<time>[0-9]{2}:[0-9]{2}:[0-9]{2})(?:\.[0-9]+)?"
    r"(?P<tz>Z|[+-][0-9]{2}(?::?[0-9]{2}(?::?[0-9]{2})?)?)?")


def display_timestamp(value) -> str:
    """A timestamp for a read-only display, to the second: ``2026-10-01 09:51:47.884834+00`` (or a
    datetime) reads ``2026-10-01 09:51:47 UTC``; another offset is converted to UTC; a timestamp
    without a zone keeps its wall time. Anything else is returned as it is."""
    if isinstance(value, datetime):
        if value.tzinfo is None:
            return value.strftime("%Y-%m-%d %H:%M:%S")
        return value.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")
    text = "" if value is None else str(value)
    m = _TIMESTAMP.fullmatch(text.strip())
    if m is None:
        return text
    wall = f"{m['date']} {m['time']}"
    tz = m["tz"]
    if tz is None:
        return wall
    if tz == "Z":
        return f"{wall} UTC"
    sign = 1 if tz[0] == "+" else -1
    digits = tz[1:].replace(":", "")
    offset = timedelta(hours=int(digits[:2]), minutes=int(digits[2:4] or 0), seconds=int(digits[4:6] or 0))
    try:
        at = datetime.strptime(wall, "%Y-%m-%d %H:%M:%S").replace(tzinfo=timezone(sign * offset))
    except ValueError:
        return text
    return at.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")


class PostForm(QWidget):
    loaded = Signal()
    saved = Signal(object)  # SaveResult
    slug_checked = Signal(bool)  # True when the slug is free

    def __init__(self, runner, posts: TableEditor, comments: TableEditor | None = None, key=None, parent=None):
        super().__init__(parent)
        self.setObjectName("postForm")
        self.runner = runner
        self.posts = posts
        self.comments = comments
        self.key = tuple(str(k) for k in key) if key is not None else None
        self.row = None
        self.slug_taken: bool | None = None
        self.slug_checked_for: str | None = None
        self.last_error = ""
        self._slug_touched = False
        self._build()
        self._slug_timer = QTimer(self, singleShot=True, interval=300)
        self._slug_timer.timeout.connect(self.check_slug)
        self._preview_timer = QTimer(self, singleShot=True, interval=200)
        self._preview_timer.timeout.connect(self.update_preview)
        self.load()

    def _build(self) -> None:
        outer = QVBoxLayout(self)
        form = QFormLayout()
        self.title_edit = QLineEdit(self)
        self.title_edit.setObjectName("postTitle")
        self.title_edit.textEdited.connect(self._title_edited)
        self.slug_edit = QLineEdit(self)
        self.slug_edit.setObjectName("postSlug")
        self.slug_edit.textEdited.connect(self._slug_edited)
        self.slug_status = QLabel(self)
        self.slug_status.setObjectName("slugStatus")
        slug_row = QHBoxLayout()
        slug_row.addWidget(self.slug_edit, 1)
        suggest = QPushButton("Suggest", self)
        suggest.setObjectName("suggestSlug")
        suggest.clicked.connect(self.suggest)
        slug_row.addWidget(suggest)
        slug_row.addWidget(self.slug_status)
        self.author = QComboBox(self)
        self.author.setObjectName("postAuthor")
        self.image_edit = QLineEdit(self)
        self.image_edit.setObjectName("postImageUrl")
        self.image_edit.setPlaceholderText("https://…")
        form.addRow("Title", self.title_edit)
        form.addRow("Slug", slug_row)
        form.addRow("Author", self.author)
        form.addRow("Image URL", self.image_edit)
        outer.addLayout(form)

        split = QSplitter(Qt.Orientation.Horizontal, self)
        self.content_edit = QPlainTextEdit(self)
        self.content_edit.setObjectName("postContent")
        self.content_edit.setPlaceholderText("Markdown")
        self.content_edit.textChanged.connect(lambda: self._preview_timer.start())
        self.preview = QTextBrowser(self)
        self.preview.setObjectName("postPreview")
        self.preview.setOpenExternalLinks(False)
        for title, widget in (("Content (Markdown)", self.content_edit), ("Preview", self.preview)):
            pane = QWidget(split)
            box = QVBoxLayout(pane)
            box.setContentsMargins(0, 0, 0, 0)
            box.addWidget(QLabel(title))
            box.addWidget(widget)
            split.addWidget(pane)
        split.setSizes([400, 400])
        outer.addWidget(split, 3)

        outer.addWidget(QLabel("Comments"))
        self.comments_table = QTableWidget(0, 3, self)
        self.comments_table.setObjectName("postComments")
        self.comments_table.setHorizontalHeaderLabels(["Author", "Comment", "Created"])
        self.comments_table.horizontalHeader().setStretchLastSection(True)
        self.comments_table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        outer.addWidget(self.comments_table, 1)

        bottom = QHBoxLayout()
        self.status = QLabel(self)
        self.status.setObjectName("postStatus")
        self.status.setWordWrap(True)
        bottom.addWidget(self.status, 1)
        self.save_button = QPushButton("Save post", self)
        self.save_button.setObjectName("savePost")
        self.save_button.clicked.connect(self.save)
        bottom.addWidget(self.save_button)
        outer.addLayout(bottom)
        if self.posts.read_only_reason:
            self.save_button.setEnabled(False)
            self.status.setText(self.posts.read_only_reason)

    # loading -----------------------------------------------------------------------------------
    def _submit(self, fn, name, on_done):
        return self.runner.submit(fn, name=name, queue=self.posts.session.queue_key, on_done=on_done,
                                  on_error=self._failed)

    def load(self):
        posts, comments, key = self.posts, self.comments, self.key

        def work(ctx):
            choices = posts.fk_choices().get("user_id", [])
            row = posts.fetch_row(key) if key is not None else None
            found = []
            if row is not None and comments is not None and "post_id" in comments.info.column_names:
                found = comments.rows_where("post_id", row.key[0])
                lookup = comments.lookup("user_id") if "user_id" in comments.info.column_names else None
                names = lookup.labels(comments.session.connection(), [c.values["user_id"] for c in found]) \
                    if lookup else {}
                found = [(names.get(c.values.get("user_id"), c.values.get("user_id") or "guest"),
                          c.values.get("content") or "", c.values.get("created_at") or "") for c in found]
            return choices, row, found

        return self._submit(work, "Load post", self._loaded)

    def _loaded(self, result) -> None:
        choices, row, comments = result
        self.author.clear()
        for key, label in choices:
            self.author.addItem(f"{label} ({key})", key)
        self.row = row
        if row is not None:
            v = row.values
            self.title_edit.setText(v.get("title") or "")
            self.slug_edit.setText(v.get("slug") or "")
            self._slug_touched = True
            self.author.setCurrentIndex(max(self.author.findData(v.get("user_id")), 0))
            self.image_edit.setText(v.get("image_url") or "")
            self.content_edit.setPlainText(v.get("content") or "")
        self.comments_table.setRowCount(len(comments))
        for r, cells in enumerate(comments):
            for c, text in enumerate(cells):
                shown = display_timestamp(text) if c == 2 else str(text)
                item = QTableWidgetItem(shown)
                if shown != str(text):
                    item.setToolTip(str(text))  # the stored value, to the microsecond
                self.comments_table.setItem(r, c, item)
        self.comments_table.resizeColumnsToContents()
        self.update_preview()
        self.loaded.emit()

    # slug --------------------------------------------------------------------------------------
    def _title_edited(self, text: str) -> None:
        if not self._slug_touched:
            self.slug_edit.setText(suggest_slug(text))
            self._slug_timer.start()

    def _slug_edited(self, _text: str) -> None:
        self._slug_touched = True
        self._slug_timer.start()

    def suggest(self) -> None:
        self._slug_touched = False
        self._title_edited(self.title_edit.text())
        self.check_slug()

    def check_slug(self):
        slug = self.slug_edit.text()
        problem = slug_problem(slug)
        if problem:
            self.slug_taken = None
            self.slug_status.setText("✖ " + problem)
            return None
        posts = self.posts
        key = self.row.key if self.row is not None else None
        return self._submit(lambda ctx: (slug, posts.slug_taken(slug, key)), "Check slug", self._slug_result)

    def _slug_result(self, result) -> None:
        slug, taken = result
        if slug != self.slug_edit.text():
            return  # an older answer
        self.slug_taken = taken
        self.slug_checked_for = slug
        self.slug_status.setText("✖ already used by another post" if taken else "✔ free")
        self.slug_checked.emit(not taken)

    # preview / save ----------------------------------------------------------------------------
    def update_preview(self) -> None:
        self.preview.document().setMarkdown(self.content_edit.toPlainText())

    def values(self) -> dict:
        return {"title": self.title_edit.text(), "slug": self.slug_edit.text(),
                "user_id": self.author.currentData(), "image_url": self.image_edit.text() or None,
                "content": self.content_edit.toPlainText()}

    def save(self):
        problem = slug_problem(self.slug_edit.text())
        if not problem and self.slug_taken and self.slug_checked_for == self.slug_edit.text():
            problem = "this slug is already used by another post; pick another (Suggest adds a number)"
        if problem:
            self._failed(ValueError(f"slug: {problem}"))
            return None
        changes = self.posts.new_changeset()
        try:
            if self.row is None:
                changes.insert(self.values())
            else:
                for col, value in self.values().items():
                    changes.edit(self.row, col, value)
        except (InvalidValue, ReadOnly) as exc:
            self._failed(exc)
            return None
        if not len(changes):
            self.status.setText("Nothing changed.")
            return None
        posts = self.posts
        self.save_button.setEnabled(False)
        self.status.setText("Saving…")
        return self._submit(lambda ctx: (posts.save(changes), changes), "Save post", self._saved)

    def _saved(self, result) -> None:
        outcome, changes = result
        outcome: SaveResult
        self.save_button.setEnabled(True)
        if outcome.ok:
            if outcome.inserted:
                self.key = (outcome.inserted[0]["id"],)
            self.status.setText("Saved.")
            self.saved.emit(outcome)
            self.load() if self.key is not None else None
            return
        change = next(iter(changes))
        self._failed(ValueError(change.error or "the post could not be saved"))
        self.saved.emit(outcome)

    def _failed(self, exc: BaseException) -> None:
        self.save_button.setEnabled(not self.posts.read_only_reason)
        self.last_error = str(exc)
        self.status.setText(str(exc))
        self.status.setStyleSheet("color: #a00000;")
