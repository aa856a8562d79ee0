"""Apply a change set on MySQL in one transaction: all or nothing, with optimistic checks.

The PostgreSQL save compares ``xmin``; MySQL rows have none, so each UPDATE and DELETE first
reads the row ``FOR UPDATE`` (locking it until the end of the transaction) and compares its
fingerprint (:func:`.queries.row_version`) with the one loaded: a row that is gone or whose
fingerprint changed is a conflict (theirs beside yours), and nobody can change it between that
check and the write. Each change runs in its own savepoint, so a failing one (NOT NULL, unique,
foreign key, too long, a check, a value MySQL refuses in strict mode) is marked with a plain
message while the others are still tried; if anything failed or conflicted the whole
transaction is rolled back and every change stays pending. An insert reads its row back by its
key (``LAST_INSERT_ID()`` for an ``AUTO_INCREMENT`` key), since MySQL has no ``RETURNING``.

A change whose statement would be larger than the server's ``max_allowed_packet`` is not sent: the
server would answer by closing the connection (error 1153, or only "Lost connection" when it closes
while the value is still being sent), so it is marked on its largest cell with what to do instead.
"""

from __future__ import annotations

import re

from aurora_console.core.connections.engines.mysql import DriverError
from aurora_console.core.db.mysql_dialect import qualified as quote

from ..changes import DELETE, UPDATE, Change, ChangeSet, Conflict, ReadOnly
from ..introspect import TableInfo
from ..save import ConnectionLost, SaveResult, conflict_message, save_order
from .queries import as_text, row_texts, row_version, rows, run, select_columns

CONNECTION_LOST = frozenset({2006, 2013, 2055, 1927, 4031})
#: values at least this large are measured against the server's max_allowed_packet before a save
PACKET_CHECK_FROM = 1 << 20
_STATEMENT_ROOM = 4096  # the statement's own text around the values
_QUOTED_COLUMN = re.compile(r"[Cc]olumn '([^']+)'|for column `[^`]*`\.`[^`]*`\.`([^`]+)`|Field '([^']+)'")
_DUPLICATE = re.compile(r"Duplicate entry '(?P<value>.*)' for key '(?:[^'.]*\.)?(?P<key>[^']*)'", re.S)
_FK = re.compile(r"\(`[^`]*`\.`(?P<table>[^`]*)`, CONSTRAINT `[^`]*` FOREIGN KEY \(`(?P<cols>[^)]*)`\) REFERENCES "
                 r"`(?P<ref>[^`]*)`")
_CHECK = re.compile(r"(?:CONSTRAINT|[Cc]heck constraint) [`'](?P<name>[^`']*)[`']")


def _key_condition(info: TableInfo) -> str:
    return " AND ".join(f"{quote(c)} = %s" for c in info.primary_key)


def current_row(conn, info: TableInfo, key: tuple, *, lock: bool = False) -> tuple[str | None, dict | None]:
    """(fingerprint, values as text) of the row with ``key``, or (None, None) when it is gone."""
    found = rows(conn, f"SELECT {row_version(info.column_names, '')}, {', '.join(select_columns(info, ''))}"
                       f" FROM {quote(info.schema, info.name)} WHERE {_key_condition(info)}"
                       f"{' FOR UPDATE' if lock else ''}", list(key))
    if not found:
        return None, None
    version, *values = found[0]
    return as_text(version), dict(zip(info.column_names, row_texts(info, values), strict=True))


def save_changes(conn, changeset: ChangeSet) -> SaveResult:
    """Apply every pending change in one transaction (``conn`` in autocommit mode outside it)."""
    info = changeset.info
    if changeset.read_only_reason:
        raise ReadOnly(changeset.read_only_reason)
    changes = save_order(changeset)
    for change in changes:
        changeset.mark(change.id)
    result = SaveResult()
    try:
        run(conn, "START TRANSACTION")
        try:
            limit = _packet_limit(conn, changes)
            for change in changes:
                if limit is not None and _over_packet(conn, changeset, change, limit):
                    result.errors.append(change)
                    continue
                _apply_one(conn, info, changeset, change, result)
        except BaseException:
            _rollback(conn)
            raise
        if result.errors or result.conflicts:
            run(conn, "ROLLBACK")
        else:
            run(conn, "COMMIT")
    except DriverError as exc:
        if _lost(conn, exc):
            raise ConnectionLost(
                f"the connection was lost before the save finished ({_text(exc)}); nothing was saved and every "
                "change is still pending: reconnect and save again") from exc
        raise
    if result.ok:
        result.applied = len(changes)
        changeset.discard_applied()
    else:
        result.inserted = []
    return result


def _apply_one(conn, info: TableInfo, changeset: ChangeSet, change: Change, result: SaveResult) -> None:
    run(conn, "SAVEPOINT aurora_change")
    try:
        table = quote(info.schema, info.name)
        if change.kind in (UPDATE, DELETE):
            theirs_version, theirs = current_row(conn, info, change.key, lock=True)
            if theirs is None or theirs_version != change.xmin:
                conflict = Conflict(change.id, change.kind, change.key, dict(change.values), dict(change.original),
                                    theirs, theirs_version)
                changeset.mark(change.id, conflict=conflict, error=conflict_message(conflict))
                result.conflicts.append(conflict)
            elif change.kind == UPDATE:
                sets = ", ".join(f"{quote(c)} = %s" for c in change.values)
                run(conn, f"UPDATE {table} SET {sets} WHERE {_key_condition(info)}",
                    [*change.values.values(), *change.key])
            else:
                run(conn, f"DELETE FROM {table} WHERE {_key_condition(info)}", list(change.key))
        else:
            result.inserted.append(_insert(conn, info, change))
        run(conn, "RELEASE SAVEPOINT aurora_change")
    except DriverError as exc:
        if _lost(conn, exc):
            raise
        run(conn, "ROLLBACK TO SAVEPOINT aurora_change")
        message, column = plain_message(exc, change)
        changeset.mark(change.id, error=message, column=column)
        result.errors.append(change)


def _packet_limit(conn, changes: list[Change]) -> int | None:
    """The server's ``max_allowed_packet`` when a change holds a large value (None otherwise: no
    extra round trip for ordinary saves)."""
    if not any(_size(v) >= PACKET_CHECK_FROM for c in changes for v in c.values.values()):
        return None
    return int(rows(conn, "SELECT @@max_allowed_packet")[0][0])


def _size(value) -> int:
    if isinstance(value, str):
        return len(value)  # characters: at least as many bytes
    return len(value) if isinstance(value, (bytes, bytearray)) else 0


def _over_packet(conn, changeset: ChangeSet, change: Change, limit: int) -> bool:
    """Mark ``change`` when its statement would exceed ``limit`` bytes (the values as they are sent:
    UTF-8, escaped)."""
    sizes = {}
    for column, value in change.values.items():
        if isinstance(value, str) and _size(value) >= PACKET_CHECK_FROM // 4:
            sizes[column] = len(conn.escape(value).encode("utf-8", "surrogateescape"))
        else:
            sizes[column] = _size(value) * 2 + 2  # bytes as a quoted, escaped literal at most
    if sum(sizes.values()) + _STATEMENT_ROOM <= limit:
        return False
    column = max(sizes, key=sizes.get)
    changeset.mark(change.id, column=column, error=(
        f"{column} is too large to send: {_mb(sizes[column])} is more than the server's max_allowed_packet "
        f"({_mb(limit)}); load it in parts (CONCAT in the SQL editor) or ask a DBA to raise max_allowed_packet "
        "(Aurora: in the cluster's parameter group)"))
    return True


def _mb(n: int) -> str:
    return f"{n / (1 << 20):.1f} MB"


def _insert(conn, info: TableInfo, change: Change) -> dict:
    table = quote(info.schema, info.name)
    cols = list(change.values)
    run(conn, f"INSERT INTO {table} ({', '.join(quote(c) for c in cols)}) VALUES ({', '.join(['%s'] * len(cols))})",
        list(change.values.values()))
    key = []
    for name in info.primary_key:
        if change.values.get(name) is not None:
            key.append(change.values[name])
        else:  # an AUTO_INCREMENT key the server chose
            key.append(str(rows(conn, "SELECT LAST_INSERT_ID()")[0][0]))
    _version, data = current_row(conn, info, tuple(key))
    return data or {}


def _rollback(conn) -> None:
    try:
        run(conn, "ROLLBACK")
    except DriverError:
        pass


def _lost(conn, exc: BaseException) -> bool:
    code = exc.args[0] if exc.args and isinstance(exc.args[0], int) else None
    return code in CONNECTION_LOST or not getattr(conn, "open", True)


def _text(exc: BaseException) -> str:
    args = exc.args
    return str(args[1]).strip() if len(args) >= 2 else (str(exc).strip() or type(exc).__name__)


def plain_message(exc: BaseException, change: Change) -> tuple[str, str | None]:
    """A message a content editor understands, and the column it is about (if known)."""
    code = exc.args[0] if exc.args and isinstance(exc.args[0], int) else None
    text = _text(exc)
    m = _QUOTED_COLUMN.search(text)
    column = next((g for g in m.groups() if g), None) if m else None
    if column is None and len(change.values) == 1:
        column = next(iter(change.values))
    if code in (1048, 1364):
        return f"{column} cannot be empty (NULL); enter a value", column
    if code == 1062:
        d = _DUPLICATE.search(text)
        if d:
            return f"{d.group('value')!r} is already used by another row ({d.group('key')}); it must be unique", column
        return f"a value must be unique ({text})", column
    if code in (1452, 1216):
        f = _FK.search(text)
        if f:
            col = f.group("cols").split("`")[0]
            return f"{col} {change.values.get(col)!r} does not exist in {f.group('ref')}", col
        return text, column
    if code in (1451, 1217):
        f = _FK.search(text)
        where = f.group("table") if f else "another table"
        return f"this row is still referenced from {where}; delete or change those rows first", column
    if code == 1406:
        return f"{column or 'a value'} is too long ({text})", column
    if code in (3819, 4025):
        c = _CHECK.search(text)
        return f"the value breaks the check {c.group('name') if c else text}", column
    if code in (1142, 1143, 1227, 1792):
        return f"not allowed: {text}", column
    if code in (1264, 1265, 1292, 1366, 1367, 3140):
        return f"{column + ': ' if column else ''}{text}", column
    return text, column
