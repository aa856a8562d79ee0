"""Apply a change set in one transaction: all or nothing, with optimistic checks.

Each UPDATE and DELETE carries ``WHERE <pk> = ... AND xmin = <xmin as loaded>``; no row
affected means someone else changed or deleted the row, so the current row is fetched and
reported as a conflict (theirs beside yours). Each change runs in its own savepoint so one
failing change (NOT NULL, unique, foreign key, too long, bad JSON) is marked with a plain
message while the others are still tried; if anything failed or conflicted the whole
transaction is rolled back and every change stays pending.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import psycopg
from psycopg import errors, sql

from .changes import DELETE, INSERT, UPDATE, Change, ChangeSet, Conflict, ReadOnly
from .introspect import TableInfo
from .pager import XMIN
from .values import InvalidValue, parse_cell


class ConnectionLost(ConnectionError):
    """The connection dropped before the save finished; nothing was applied, all is still pending."""


@dataclass
class SaveResult:
    applied: int = 0
    errors: list[Change] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    inserted: list[dict] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors and not self.conflicts


def _pk_condition(info: TableInfo, key: tuple) -> tuple[sql.Composable, list]:
    parts = [
        sql.SQL("{} = %s::{}").format(sql.Identifier(c), info.column(c).cast_target())
        for c in info.primary_key
    ]
    return sql.SQL(" AND ").join(parts), list(key)


def _returning(info: TableInfo) -> sql.Composable:
    cols = [sql.SQL("xmin::text AS {}").format(sql.Identifier(XMIN))]
    cols += [sql.SQL("{0}::text AS {0}").format(sql.Identifier(c)) for c in info.column_names]
    return sql.SQL(", ").join(cols)


def _assignments(info: TableInfo, values: dict) -> tuple[list[sql.Composable], list]:
    parts, params = [], []
    for col, value in values.items():
        parts.append(sql.SQL("%s::{}").format(info.column(col).cast_target()))
        params.append(value)
    return parts, params


def update_statement(info: TableInfo, change: Change) -> tuple[sql.Composed, list]:
    sets, params = [], []
    for col, value in change.values.items():
        sets.append(sql.SQL("{} = %s::{}").format(sql.Identifier(col), info.column(col).cast_target()))
        params.append(value)
    cond, key_params = _pk_condition(info, change.key)
    query = sql.SQL("UPDATE {} SET {} WHERE {} AND xmin = %s::pg_catalog.xid RETURNING 1").format(
        info.ident(), sql.SQL(", ").join(sets), cond
    )
    return query, params + key_params + [change.xmin]


def delete_statement(info: TableInfo, change: Change) -> tuple[sql.Composed, list]:
    cond, key_params = _pk_condition(info, change.key)
    query = sql.SQL("DELETE FROM {} WHERE {} AND xmin = %s::pg_catalog.xid RETURNING 1").format(info.ident(), cond)
    return query, key_params + [change.xmin]


def insert_statement(info: TableInfo, change: Change) -> tuple[sql.Composed, list]:
    if not change.values:
        query = sql.SQL("INSERT INTO {} DEFAULT VALUES RETURNING {}").format(info.ident(), _returning(info))
        return query, []
    placeholders, params = _assignments(info, change.values)
    query = sql.SQL("INSERT INTO {} ({}) VALUES ({}) RETURNING {}").format(
        info.ident(),
        sql.SQL(", ").join(sql.Identifier(c) for c in change.values),
        sql.SQL(", ").join(placeholders),
        _returning(info),
    )
    return query, params


def current_row(conn, info: TableInfo, key: tuple) -> tuple[str | None, dict | None]:
    cond, params = _pk_condition(info, key)
    query = sql.SQL("SELECT {} FROM {} WHERE {}").format(_returning(info), info.ident(), cond)
    with conn.cursor() as cur:
        cur.execute(query, params)
        row = cur.fetchone()
        if row is None:
            return None, None
        data = dict(zip([d.name for d in cur.description], row, strict=False))
    return data.pop(XMIN), data


def save_order(changeset: ChangeSet) -> list[Change]:
    """Deletes, then updates, then inserts (each in the order made): a freed unique value can be reused."""
    rank = {DELETE: 0, UPDATE: 1, INSERT: 2}
    return sorted(changeset, key=lambda c: (rank[c.kind], c.id))


def save_changes(conn, changeset: ChangeSet) -> SaveResult:
    """Apply every pending change in one transaction (``conn`` should be in autocommit mode).

    Fast path: consecutive changes with the same statement shape go to the server together
    (``executemany`` in pipeline mode); a conflict is seen in the RETURNING rows. Only when the
    server rejects something is the set replayed change by change, each in a savepoint, to mark
    every offending change (the replay is rolled back too, so nothing is half-applied).
    """
    info = changeset.info
    if changeset.read_only_reason:
        raise ReadOnly(changeset.read_only_reason)
    changes = save_order(changeset)
    for change in changes:
        changeset.mark(change.id)
    try:
        result = _save_batched(conn, info, changeset, changes)
        if result is None:
            result = SaveResult()
            with conn.transaction() as tx:
                conn.execute("SET CONSTRAINTS ALL IMMEDIATE")
                for change in changes:
                    _apply_one(conn, info, changeset, change, result)
                if result.errors or result.conflicts:
                    raise psycopg.Rollback(tx)
    except psycopg.OperationalError as exc:
        if conn.closed or conn.broken:
            raise ConnectionLost(
                f"the connection was lost before the save finished ({_first_line(exc)}); nothing was "
                "saved and every change is still pending: reconnect and save again"
            ) from exc
        raise
    if result.ok:
        result.applied = len(changes)
        changeset.discard_applied()
    else:
        result.inserted = []
    return result


def _statement(info: TableInfo, change: Change) -> tuple[sql.Composed, list]:
    if change.kind == UPDATE:
        return update_statement(info, change)
    if change.kind == DELETE:
        return delete_statement(info, change)
    return insert_statement(info, change)


def _params(change: Change) -> list:
    """The parameters of ``_statement(change)`` (same order), without composing the SQL again."""
    if change.kind == INSERT:
        return list(change.values.values())
    key = list(change.key)
    if change.kind == DELETE:
        return key + [change.xmin]
    return list(change.values.values()) + key + [change.xmin]


def _shape(change: Change) -> tuple:
    return (change.kind, tuple(change.values) if change.kind != DELETE else ())


def _batches(changes: list[Change]) -> list[list[Change]]:
    out: list[list[Change]] = []
    for change in changes:
        if out and _shape(out[-1][-1]) == _shape(change):
            out[-1].append(change)
        else:
            out.append([change])
    return out


def _save_batched(conn, info: TableInfo, changeset: ChangeSet, changes: list[Change]) -> SaveResult | None:
    """The fast path; None when the server rejected a change (the caller replays to find which)."""
    result = SaveResult()
    lost: list[Change] = []
    try:
        with conn.transaction() as tx:
            conn.execute("SET CONSTRAINTS ALL IMMEDIATE")
            for batch in _batches(changes):
                query = _statement(info, batch[0])[0].as_bytes(conn)  # composed once per batch
                with conn.cursor() as cur:
                    cur.executemany(query, [_params(c) for c in batch], returning=True)
                    for i, change in enumerate(batch):
                        if i:
                            cur.nextset()
                        row = cur.fetchone()
                        if row is None:
                            lost.append(change)
                        elif change.kind == INSERT:
                            data = dict(zip([d.name for d in cur.description], row, strict=False))
                            data.pop(XMIN)
                            result.inserted.append(data)
            for change in lost:
                theirs_xmin, theirs = current_row(conn, info, change.key)
                conflict = Conflict(change.id, change.kind, change.key, dict(change.values),
                                    dict(change.original), theirs, theirs_xmin)
                changeset.mark(change.id, conflict=conflict, error=conflict_message(conflict))
                result.conflicts.append(conflict)
            if result.conflicts:
                raise psycopg.Rollback(tx)
    except psycopg.OperationalError:
        raise
    except psycopg.Error:
        for change in changes:
            changeset.mark(change.id)
        return None
    return result


def _apply_one(conn, info: TableInfo, changeset: ChangeSet, change: Change, result: SaveResult) -> None:
    try:
        with conn.transaction(), conn.cursor() as cur:
            if change.kind == UPDATE:
                cur.execute(*update_statement(info, change))
            elif change.kind == DELETE:
                cur.execute(*delete_statement(info, change))
            else:
                cur.execute(*insert_statement(info, change))
            if cur.rowcount == 0 and change.kind in (UPDATE, DELETE):
                theirs_xmin, theirs = current_row(conn, info, change.key)
                conflict = Conflict(
                    change.id,
                    change.kind,
                    change.key,
                    dict(change.values),
                    dict(change.original),
                    theirs,
                    theirs_xmin,
                )
                changeset.mark(change.id, conflict=conflict, error=conflict_message(conflict))
                result.conflicts.append(conflict)
            elif change.kind == INSERT:
                row = cur.fetchone()
                data = dict(zip([d.name for d in cur.description], row, strict=False))
                data.pop(XMIN)
                result.inserted.append(data)
    except psycopg.OperationalError:
        raise
    except psycopg.Error as exc:
        message, column = plain_message(exc, change, info)
        changeset.mark(change.id, error=message, column=column)
        result.errors.append(change)


def conflict_message(conflict: Conflict) -> str:
    if conflict.deleted:
        return "someone else deleted this row after you loaded it"
    cols = conflict.changed_columns()
    what = f" ({', '.join(cols)})" if cols else ""
    return f"someone else changed this row{what} after you loaded it; compare theirs with yours"


_KEY_DETAIL = re.compile(r"Key \((?P<cols>[^)]*)\)=\((?P<vals>.*)\) (?P<rest>.*)")


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]


def _failing_column(info: TableInfo | None, change: Change) -> str | None:
    """The first value of ``change`` that the client-side checks reject (server said "bad value")."""
    if info is None:
        return None
    for col, value in change.values.items():
        try:
            parse_cell(info.column(col), value)
        except (InvalidValue, KeyError):
            return col
    return None


def plain_message(
    exc: psycopg.Error, change: Change, info: TableInfo | None = None
) -> tuple[str, str | None]:
    """A message a content editor understands, and the column it is about (if known)."""
    diag = exc.diag
    column = diag.column_name
    detail = diag.message_detail or ""
    m = _KEY_DETAIL.match(detail)
    if m and column is None and "," not in m.group("cols"):
        column = m.group("cols").strip('"')
    if column is None and len(change.values) == 1:
        column = next(iter(change.values))
    if column is None and isinstance(exc, psycopg.DataError):
        column = _failing_column(info, change)
    if isinstance(exc, errors.NotNullViolation):
        return f"{column} cannot be empty (NULL); enter a value", column
    if isinstance(exc, errors.UniqueViolation):
        if m:
            return (
                f"{m.group('cols')} {m.group('vals')!r} is already used by another row; it must be unique",
                column,
            )
        return f"a value must be unique ({diag.constraint_name})", column
    if isinstance(exc, errors.ForeignKeyViolation):
        if m and "is not present" in m.group("rest"):
            table = re.search(r'table "([^"]+)"', m.group("rest"))
            where = table.group(1) if table else "the referenced table"
            return f"{m.group('cols')} {m.group('vals')} does not exist in {where}", column
        if m and "still referenced" in m.group("rest"):
            table = re.search(r'table "([^"]+)"', m.group("rest"))
            return (
                f"this row is still referenced from {table.group(1) if table else 'another table'}; "
                "delete or change those rows first"
            ), column
        return _first_line(exc), column
    if isinstance(exc, errors.StringDataRightTruncation):
        return f"{column or 'a value'} is too long ({diag.message_primary})", column
    if isinstance(exc, errors.CheckViolation):
        return f"the value breaks the check {diag.constraint_name}", column
    if isinstance(exc, psycopg.DataError):
        extra = f": {detail}" if detail else ""
        return f"{column + ': ' if column else ''}{diag.message_primary}{extra}", column
    if isinstance(exc, errors.InsufficientPrivilege):
        return f"not allowed: {diag.message_primary}", column
    return diag.message_primary or _first_line(exc), column
