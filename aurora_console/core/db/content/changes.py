"""Pending edits, inserts, deletes and duplicates of one table, validated as they are made.

Values are kept as text (what ``values.parse_cell`` returns) so a change set serialises to JSON
as is (see ``store``). ``save.save_changes`` applies a change set in one transaction.
"""

from __future__ import annotations

import itertools
import threading
from dataclasses import dataclass, field

from .introspect import TableInfo
from .pager import Row
from .values import InvalidValue, parse_cell

UPDATE, INSERT, DELETE = "update", "insert", "delete"


class ReadOnly(PermissionError):
    """Editing is not allowed (read-only profile, table without a key, read-only column)."""


@dataclass
class Conflict:
    """Someone changed (or deleted) the row since it was loaded: theirs beside yours."""

    change_id: int
    kind: str
    key: tuple
    yours: dict  # column -> your value (updates) / {} for a delete
    original: dict  # the row as you loaded it
    theirs: dict | None  # the row as it is now; None when it was deleted
    theirs_xmin: str | None = None

    @property
    def deleted(self) -> bool:
        return self.theirs is None

    def changed_columns(self) -> list[str]:
        """Columns the other session changed."""
        if self.theirs is None:
            return []
        return [c for c, v in self.theirs.items() if c in self.original and self.original[c] != v]


@dataclass
class Change:
    id: int
    kind: str
    key: tuple | None = None  # loaded rows (update, delete)
    xmin: str | None = None
    original: dict = field(default_factory=dict)  # the row as loaded (update, delete)
    values: dict = field(default_factory=dict)  # column -> text/None (update, insert)
    error: str = ""
    error_column: str | None = None
    conflict: Conflict | None = None

    def to_dict(self) -> dict:
        return {
            "id": self.id,
            "kind": self.kind,
            "key": list(self.key) if self.key is not None else None,
            "xmin": self.xmin,
            "original": dict(self.original),
            "values": dict(self.values),
        }

    @classmethod
    def from_dict(cls, d: dict) -> Change:
        key = tuple(d["key"]) if d.get("key") is not None else None
        return cls(
            int(d["id"]),
            d["kind"],
            key,
            d.get("xmin"),
            dict(d.get("original") or {}),
            dict(d.get("values") or {}),
        )


class ChangeSet:
    def __init__(self, info: TableInfo, *, read_only_reason: str = "", allow_trigger_columns: bool = False):
        self.info = info
        self.read_only_reason = " ".join(r for r in (info.read_only_reason, read_only_reason) if r)
        self.allow_trigger_columns = allow_trigger_columns
        self._changes: dict[int, Change] = {}
        self._by_key: dict[tuple, int] = {}  # loaded row key -> change id (updates and deletes)
        # A save runs on a worker while the UI thread paints: reads and writes take this lock.
        self._lock = threading.RLock()
        self._ids = itertools.count(1)
        self.listeners: list = []  # callables run after every mutation (persistence, UI)

    # queries ------------------------------------------------------------------------------
    def __len__(self) -> int:
        with self._lock:
            return len(self._changes)

    def __iter__(self):
        with self._lock:
            return iter(list(self._changes.values()))

    def get(self, change_id: int) -> Change:
        with self._lock:
            return self._changes[change_id]

    def counts(self) -> dict[str, int]:
        with self._lock:
            out = {UPDATE: 0, INSERT: 0, DELETE: 0}
            for c in self._changes.values():
                out[c.kind] += 1
            return out

    def edited_cells(self) -> int:
        with self._lock:
            return sum(len(c.values) for c in self._changes.values() if c.kind == UPDATE)

    def for_key(self, key: tuple) -> Change | None:
        with self._lock:
            change_id = self._by_key.get(tuple(key))
            return None if change_id is None else self._changes.get(change_id)

    def _put(self, change: Change) -> None:
        self._changes[change.id] = change
        if change.key is not None:
            self._by_key[change.key] = change.id

    def _drop(self, change_id: int) -> None:
        change = self._changes.pop(change_id, None)
        if change is not None and change.key is not None and self._by_key.get(change.key) == change_id:
            del self._by_key[change.key]

    def _clear(self) -> None:
        self._changes.clear()
        self._by_key.clear()

    def inserts(self) -> list[Change]:
        with self._lock:
            return [c for c in self._changes.values() if c.kind == INSERT]

    def errors(self) -> list[Change]:
        with self._lock:
            return [c for c in self._changes.values() if c.error]

    def conflicts(self) -> list[Conflict]:
        with self._lock:
            return [c.conflict for c in self._changes.values() if c.conflict is not None]

    def cell_value(self, row: Row, column: str):
        """The value to show for a loaded row: the pending edit, else the loaded value."""
        with self._lock:
            change = self.for_key(row.key)
            if change is not None and change.kind == UPDATE and column in change.values:
                return change.values[column]
            return row.values[column]

    # mutations ----------------------------------------------------------------------------
    def check_column(self, column: str) -> None:
        if self.read_only_reason:
            raise ReadOnly(self.read_only_reason)
        reason = self.info.column_read_only_reason(column, allow_trigger_columns=self.allow_trigger_columns)
        if reason:
            raise ReadOnly(reason)

    def _check_editable(self) -> None:
        if self.read_only_reason:
            raise ReadOnly(self.read_only_reason)

    def validate(self, column: str, text: str | None) -> str | None:
        self.check_column(column)
        return parse_cell(self.info.column(column), text)

    def edit(self, row: Row, column: str, text: str | None) -> Change | None:
        """Edit one cell of a loaded row; returns the pending change (None if back to the original)."""
        with self._lock:
            value = self.validate(column, text)
            change = self.for_key(row.key)
            if change is not None and change.kind == DELETE:
                raise ReadOnly("this row is marked for deletion; revert the delete to edit it")
            if change is None:
                if value == row.values[column]:
                    return None
                change = Change(next(self._ids), UPDATE, tuple(row.key), row.xmin, dict(row.values))
                self._put(change)
            if value == change.original.get(column):
                change.values.pop(column, None)
            else:
                change.values[column] = value
            self._clear_marks(change)
            if not change.values:
                self._drop(change.id)
                change = None
            self._notify()
            return change

    def edit_insert(self, change_id: int, column: str, text: str | None) -> Change:
        with self._lock:
            change = self._changes[change_id]
            if change.kind != INSERT:
                raise ValueError("edit_insert() is for pending inserts; use edit() for loaded rows")
            change.values[column] = self.validate(column, text)
            self._clear_marks(change)
            self._notify()
            return change

    def clear_insert_value(self, change_id: int, column: str) -> None:
        """Leave ``column`` out of the INSERT again (the server fills its default)."""
        with self._lock:
            self._changes[change_id].values.pop(column, None)
            self._notify()

    def insert(self, values: dict | None = None) -> Change:
        with self._lock:
            self._check_editable()
            parsed = {col: self.validate(col, text) for col, text in (values or {}).items()}
            change = Change(next(self._ids), INSERT, values=parsed)
            self._put(change)
            self._notify()
            return change

    def duplicate(self, row: Row) -> Change:
        """A pending insert copying ``row``, leaving out what the server fills (keys, serials, triggers)."""
        with self._lock:
            self._check_editable()
            values = {}
            for col in self.info.columns:
                if col.server_filled and (
                    col.name in self.info.primary_key
                    or col.identity
                    or col.serial
                    or col.set_by_trigger
                    or col.generated
                ):
                    continue
                if self.info.column_read_only_reason(col.name, allow_trigger_columns=self.allow_trigger_columns):
                    continue
                values[col.name] = self.cell_value(row, col.name)
            change = Change(next(self._ids), INSERT, values=values)
            self._put(change)
            self._notify()
            return change

    def delete(self, row: Row) -> Change:
        with self._lock:
            self._check_editable()
            existing = self.for_key(row.key)
            if existing is not None:
                self._drop(existing.id)
            change = Change(next(self._ids), DELETE, tuple(row.key), row.xmin, dict(row.values))
            self._put(change)
            self._notify()
            return change

    def revert(self, change_id: int | None = None) -> None:
        """Discard one pending change, or all of them."""
        with self._lock:
            if change_id is None:
                self._clear()
            else:
                self._drop(change_id)
            self._notify()

    def discard_applied(self) -> None:
        """After a successful save: nothing is pending any more."""
        with self._lock:
            self._clear()
            self._notify()

    # conflicts ----------------------------------------------------------------------------
    def keep_mine(self, change_id: int) -> None:
        """Resolve a conflict by rebasing onto their row: the next save overwrites it knowingly."""
        with self._lock:
            change = self._changes[change_id]
            conflict = change.conflict
            if conflict is None:
                return
            if conflict.theirs is None:
                raise ReadOnly(
                    "the row was deleted by someone else; it cannot be updated (take theirs, or insert it again)"
                )
            change.xmin = conflict.theirs_xmin
            change.original = dict(conflict.theirs)
            if change.kind == UPDATE:
                change.values = {c: v for c, v in change.values.items() if v != change.original.get(c)}
                if not change.values:
                    self._drop(change_id)
            change.conflict = None
            self._notify()

    def take_theirs(self, change_id: int) -> None:
        """Resolve a conflict by dropping your change (their row stays)."""
        with self._lock:
            self._drop(change_id)
            self._notify()

    # internals ----------------------------------------------------------------------------
    def _clear_marks(self, change: Change) -> None:
        change.error, change.error_column = "", None

    def _notify(self) -> None:
        for fn in list(self.listeners):
            fn(self)

    def to_dict(self) -> dict:
        with self._lock:
            return {"table": self.info.qualified, "changes": [c.to_dict() for c in self._changes.values()]}

    def load_dict(self, data: dict) -> None:
        with self._lock:
            self._clear()
            for d in data.get("changes", []):
                change = Change.from_dict(d)
                self._put(change)
            start = max(self._changes, default=0) + 1
            self._ids = itertools.count(start)
            self._notify()

    def mark(
        self, change_id: int, *, error: str = "", column: str | None = None, conflict: Conflict | None = None
    ) -> None:
        with self._lock:
            change = self._changes[change_id]
            change.error, change.error_column, change.conflict = error, column, conflict


__all__ = ["Change", "ChangeSet", "Conflict", "ReadOnly", "InvalidValue", "UPDATE", "INSERT", "DELETE"]
