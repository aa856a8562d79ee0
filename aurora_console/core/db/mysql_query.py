"""Run one statement on a :class:`MySqlSession` and stream its rows (the MySQL side of query.py).

Every statement runs through the driver's unbuffered cursor (``STREAMING_CURSOR``): rows are read
as they arrive, so the first batch comes back as soon as the server sends it and memory stays
bounded by what the caller keeps; the result is the same :class:`~aurora_console.core.db.query.QueryResult`
the PostgreSQL path gives (columns, first batch, status, a stream for the rest).

A MySQL connection carries one result at a time: until its last row is read it runs nothing
else. So the next statement (and a commit, a rollback, a setting) first closes an open result:
a short rest is read and dropped; a long one is stopped with ``KILL QUERY`` from a second
connection (the statement ends, the transaction stays) and its remains read. That is why the
stream says ``owns_transaction``: the editor closes it after a while unused, as it does with a
PostgreSQL cursor's implicit transaction.

Values as the console shows them:
* text is decoded by the driver; a text column whose bytes are not valid UTF-8 (legacy latin1
  data read after ``SET character_set_results = NULL``, or bytes stored through a wrongly
  declared connection) is decoded with U+FFFD replacement characters instead of failing the
  whole result, and a notice says which column;
* zero dates (``0000-00-00``, ``2020-00-00 00:00:00``), which Python's dates cannot hold, stay
  text as the server sent them;
* binary columns are bytes (shown as ``\\x`` + hex), DECIMAL exact, JSON as the server's text.

Warnings (``SHOW WARNINGS`` after a statement that had some) become the result's notices, with
their MySQL code.
"""

from __future__ import annotations

import time

from aurora_console.core.db.mysql_errors import PACKET_HINT, driver_errors, from_mysql
from aurora_console.core.db.mysql_session import MySqlSession
from aurora_console.core.db.query import FIRST_BATCH, NEXT_BATCH, Column, QueryResult
from aurora_console.core.db.session import Notice
from aurora_console.core.db.sql_errors import SqlError
from aurora_console.core.db.sql_split import Statement

#: when closing an unfinished result, read and drop its rest for at most this long, then KILL QUERY
DRAIN_BEFORE_KILL_S = 0.2
#: statements at least this long are measured against the server's max_allowed_packet before they are sent
PACKET_CHECK_FROM = 1 << 20
_BINARY_CHARSET = 63
_FLAG_UNSIGNED = 32
_FLAG_ENUM = 256
_FLAG_SET = 2048

#: the protocol's column type codes (include/field_types.h) -> the names the console shows
_TYPE_NAMES = {
    0: "decimal", 1: "tinyint", 2: "smallint", 3: "int", 4: "float", 5: "double", 6: "null", 7: "timestamp",
    8: "bigint", 9: "mediumint", 10: "date", 11: "time", 12: "datetime", 13: "year", 14: "date", 15: "varchar",
    16: "bit", 245: "json", 246: "decimal", 247: "enum", 248: "set", 249: "tinytext", 250: "mediumtext",
    251: "longtext", 252: "text", 253: "varchar", 254: "char", 255: "geometry",
}
_BINARY_NAMES = {"tinytext": "tinyblob", "mediumtext": "mediumblob", "longtext": "longblob", "text": "blob",
                 "varchar": "varbinary", "char": "binary"}


def _type_name(field) -> str:
    name = _TYPE_NAMES.get(field.type_code, str(field.type_code))
    if field.charsetnr == _BINARY_CHARSET and name in _BINARY_NAMES:
        name = _BINARY_NAMES[name]
    if name == "char" and field.flags & _FLAG_ENUM:
        name = "enum"
    elif name == "char" and field.flags & _FLAG_SET:
        name = "set"
    if field.flags & _FLAG_UNSIGNED and name in ("tinyint", "smallint", "mediumint", "int", "bigint", "decimal",
                                                  "float", "double"):
        name += " unsigned"
    return name


def _columns(cur) -> list[Column]:
    result = getattr(cur, "_result", None)
    fields = getattr(result, "fields", None) or []
    return [Column(f.name, _type_name(f), f.type_code) for f in fields]


class _Decoder:
    """A column's text decoding that never fails: strict first, U+FFFD for bytes that are not
    valid in the connection's encoding (and a note of it), then the driver's own conversion."""

    __slots__ = ("encoding", "convert", "stream", "column")

    def __init__(self, encoding: str, convert, stream: MySqlResultStream, column: str) -> None:
        self.encoding = encoding
        self.convert = convert
        self.stream = stream
        self.column = column

    def __call__(self, data: bytes):
        try:
            text = data.decode(self.encoding)
        except UnicodeDecodeError:
            text = data.decode(self.encoding, "replace")
            self.stream.invalid_text.add(self.column)
        return text if self.convert is None else self.convert(text)


def _decode_safely(cur, stream: MySqlResultStream) -> None:
    """Swap the driver's strict per-column decoding for :class:`_Decoder` (the unbuffered result
    has read the column descriptions, no row yet)."""
    result = getattr(cur, "_result", None)
    converters = getattr(result, "converters", None)
    if not converters:
        return
    names = [f.name for f in result.fields]
    result.converters = [
        (None, _Decoder(encoding, convert, stream, name)) if encoding is not None else (encoding, convert)
        for (encoding, convert), name in zip(converters, names, strict=False)
    ]


class MySqlResultStream:
    """The rest of a result, read from the unbuffered cursor in batches."""

    #: an open MySQL result holds its connection: the editor closes it after a while unused
    owns_transaction = True

    def __init__(self, session: MySqlSession, cursor) -> None:
        self.session = session
        self.name = f"thread {session.backend_pid}"
        self._cur = cursor
        self.fetched = 0
        self.exhausted = False
        self.closed = False
        self.closed_reason = ""
        self.columns: list[Column] | None = None
        self.invalid_text: set[str] = set()
        self._noted_invalid: set[str] = set()
        session.streams.append(self)

    def fetch(self, n: int = NEXT_BATCH, *, task=None) -> list[tuple]:
        """Read up to ``n`` more rows (fewer at the end; the stream then closes itself)."""
        if self.closed or self.exhausted:
            return []
        s = self.session
        with s.lock, s.statement_cancel.guard(task):
            try:
                if task is not None:
                    task.check()
                rows = self._cur.fetchmany(n)
            except driver_errors() as exc:
                s.statement_cancel.quiet()
                err = from_mysql(exc, f"reading the result of {self.name}")
                self.forget(err.message)
                raise err from None
            self.fetched += len(rows)
            self._note_invalid_text()
            if len(rows) < n:
                self.exhausted = True
                self._finish()
            return rows

    def batches(self, size: int = NEXT_BATCH, *, task=None):
        while not (self.closed or self.exhausted):
            rows = self.fetch(size, task=task)
            if rows:
                yield rows

    def _note_invalid_text(self) -> None:
        for column in sorted(self.invalid_text - self._noted_invalid):
            self._noted_invalid.add(column)
            self.session.add_notice(Notice(
                "WARNING", f"Column {column!r} holds bytes that are not valid UTF-8: shown with replacement "
                           "characters (U+FFFD). Select HEX(col) or CAST(col AS BINARY) to see the bytes."))

    def _finish(self) -> None:
        """All rows read: the statement's warnings, then the stream closes."""
        cur = self._cur
        warnings = getattr(getattr(cur, "_result", None), "warning_count", 0) or 0
        self._release("all rows fetched")
        if warnings:
            read_warnings(self.session)

    def _release(self, reason: str) -> None:
        """Read what is left of the result (and of further result sets, a CALL's), then forget it."""
        try:
            _drain(self._cur)
        except Exception:  # noqa: BLE001 - a killed statement's error, or a lost link
            pass
        finally:
            self.forget(reason)

    def forget(self, reason: str) -> None:
        """Mark closed without reading any more (the result is over, or its connection gone)."""
        self.closed = True
        self.closed_reason = self.closed_reason or reason
        if self in self.session.streams:
            self.session.streams.remove(self)
        result = getattr(self._cur, "_result", None)
        if result is not None:  # nothing left to read from it (the driver would try when collected)
            result.unbuffered_active = False
            result.has_next = False
        self._cur.connection = None

    def close(self, reason: str = "closed") -> None:
        """Stop reading: drop a short rest, ``KILL QUERY`` a long one (see the module docstring)."""
        if self.closed:
            return
        s = self.session
        with s.lock:
            if not s.connected:
                self.forget(reason)
                return
            deadline = time.perf_counter() + DRAIN_BEFORE_KILL_S
            try:
                while time.perf_counter() < deadline:
                    if len(self._cur.fetchmany(NEXT_BATCH)) < NEXT_BATCH:
                        self.exhausted = True
                        break
                else:
                    s.cancel()
            except Exception:  # noqa: BLE001 - the killed statement's error: its result is over
                pass
            self._release(reason)


def _drain(cur) -> None:
    """Read and drop the rest of an unbuffered cursor's result and of the result sets after it
    (the driver's ``close`` leaves a second result set of a CALL unread)."""
    if getattr(cur, "connection", None) is None:
        return
    while True:
        result = getattr(cur, "_result", None)
        if result is not None and result.unbuffered_active:
            result._finish_unbuffered_query()
        if not cur.nextset():
            break
    cur.close()


def read_warnings(session: MySqlSession) -> None:
    """``SHOW WARNINGS`` into the session's notices (severity and MySQL code in each)."""
    cur = session.conn.cursor()
    try:
        cur.execute("SHOW WARNINGS")
        rows = cur.fetchall()
    except Exception:  # noqa: BLE001 - warnings are extra: never fail the statement for them
        return
    finally:
        cur.close()
    for level, code, message in rows:
        session.add_notice(Notice(severity=str(level).upper(), message=f"{message} (MySQL {str(level).lower()} {code})"))


def _status(cur, columns: list[Column], rows: int, more: bool) -> str:
    if columns:
        return f"SELECT {rows}" + ("+" if more else "")
    result = getattr(cur, "_result", None)
    affected = cur.rowcount if cur.rowcount is not None and cur.rowcount >= 0 else 0
    info = (getattr(result, "message", b"") or b"")
    info = info.decode("utf-8", "replace") if isinstance(info, bytes) else str(info)
    text = f"OK, {affected} row{'s' if affected != 1 else ''} affected"
    return f"{text} ({info})" if info else text


def _refuse_over_packet(conn, sql: str) -> None:
    """A statement larger than the server's ``max_allowed_packet`` is refused before it is sent.

    Sent, it would end the connection: the server answers 1153 and hangs up, or, when it hangs up
    while the statement is still going out, the client only sees "server has gone away" (2006),
    which names nothing. Measured only for long statements (one extra round trip then)."""
    if len(sql) < PACKET_CHECK_FROM:
        return
    cur = conn.cursor()
    try:
        cur.execute("SELECT @@max_allowed_packet")
        limit = int(cur.fetchone()[0])
    finally:
        cur.close()
    size = len(sql.encode("utf-8", "surrogateescape")) + 1  # the COM_QUERY byte
    if size > limit:
        mb = 1 << 20
        raise SqlError(f"max_allowed_packet exceeded: the statement is {size / mb:.1f} MB, the server's "
                       f"max_allowed_packet is {limit / mb:.1f} MB; it was not sent and the connection is kept",
                       statement=sql, hint=PACKET_HINT)


def run_statement(
    session: MySqlSession,
    sql: str,
    *,
    statement: Statement | None = None,
    first_batch: int = FIRST_BATCH,
    fetch_all: bool = False,
    stream: bool = True,
    task=None,
) -> QueryResult:
    """Run one statement; raises :class:`SqlError` (with the MySQL error code).

    ``stream=False`` reads the whole result (what EXPLAIN and catalog reads want)."""
    from aurora_console.core.connections.engines.mysql import STREAMING_CURSOR

    sql = sql.strip()
    if sql.endswith(";"):
        sql = sql[:-1].rstrip()
    if not sql:
        raise SqlError("Nothing to run: the statement is empty.")
    session.check_allowed(sql)
    with session.lock, session.statement_cancel.guard(task):
        conn = session.conn
        try:
            if task is not None:
                task.check()
            session.close_streams("the next statement ran")
            session.drain_notices()
            _refuse_over_packet(conn, sql)
            t0 = time.perf_counter()
            cur = conn.cursor(STREAMING_CURSOR)
            try:
                cur.execute(sql)
            except BaseException:
                cur.close()
                raise
            columns = _columns(cur) if cur.description else []
            session.note_statement(bool(columns))
            if columns:
                rs = MySqlResultStream(session, cur)
                rs.columns = columns
                _decode_safely(cur, rs)
                rows = rs.fetch(first_batch)
                if fetch_all or not stream:
                    for batch in rs.batches(NEXT_BATCH, task=task):
                        rows.extend(batch)
                more = not rs.exhausted
                result = QueryResult(sql, columns, rows, _status(cur, columns, len(rows), more), len(rows), 0.0,
                                     stream=rs if more else None)
            else:
                result = QueryResult(sql, [], [], _status(cur, [], 0, False), cur.rowcount, 0.0)
                warnings = getattr(getattr(cur, "_result", None), "warning_count", 0) or 0
                cur.close()
                if warnings:
                    read_warnings(session)
        except SqlError as err:
            session.statement_cancel.quiet()
            err.notices = session.drain_notices()
            raise
        except driver_errors() as exc:
            session.statement_cancel.quiet()
            err = from_mysql(exc, sql)
            err.notices = session.drain_notices()
            raise err from None
    result.elapsed_s = time.perf_counter() - t0
    result.notices = session.drain_notices()
    result.statement = statement
    return result
