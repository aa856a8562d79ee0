"""Run one statement on a :class:`DbSession` and stream its rows.

SELECT-like statements run through a server-side cursor (``DECLARE ... NO SCROLL CURSOR``):
the first batch comes back quickly and the rest is fetched on demand, so memory stays bounded by
what the caller keeps. In autocommit mode the cursor lives in a transaction of its own, opened
and closed around it the way psql's ``FETCH_COUNT`` does; the next statement on the session
closes it. In manual-commit mode cursors live until the transaction ends.

Other statements (DML, DDL, SHOW, EXPLAIN, ``SELECT ... INTO``) run plainly.
"""

from __future__ import annotations

import itertools
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from operator import itemgetter

import psycopg
from psycopg import pq
from psycopg.types.string import ByteaBinaryLoader, TextLoader

from aurora_console.core.db.column_store import ColumnChunk, column_kinds
from aurora_console.core.db.fetch_size import parse_work_mem, rows_per_fetch, sample_lengths, stored_row_bytes
from aurora_console.core.db.session import DbSession, Notice
from aurora_console.core.db.sql_errors import SqlError, from_psycopg
from aurora_console.core.db.sql_split import Statement, split_sql
from aurora_console.core.db.wire_format import prefers_binary

FIRST_BATCH = 1000
NEXT_BATCH = 10000
#: Decoding rows holds the GIL (the UI thread needs it too), so a batch is decoded in slices of
#: about this much time each: sized by time, not rows, so a wide row (hundreds of columns, big
#: json) gives short slices as well as a narrow one. Below the interpreter's 5 ms switch interval.
DECODE_SLICE_S = 0.003
FIRST_SLICE = 200  # rows in the first slice of a batch, before its rate is known
MAX_SLICE = 20000

_names = itertools.count(1)
_NOISE = re.compile(r"'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"|--[^\n]*|/\*.*?\*/|\$(\w*)\$.*?\$\1\$", re.S)
_WORD = re.compile(r"[A-Za-z_]+")
_WRITES = {"insert", "update", "delete", "merge", "into"}


def is_select_like(sql: str) -> bool:
    """True for statements a cursor can be declared for (SELECT, VALUES, TABLE, read-only WITH)."""
    words = [w.lower() for w in _WORD.findall(_NOISE.sub(" ", sql))]
    if not words or words[0] not in ("select", "values", "table", "with"):
        return False
    return not _WRITES.intersection(words)


@dataclass(frozen=True)
class Column:
    name: str
    type_name: str
    type_oid: int


@dataclass
class QueryResult:
    """What one statement produced. ``rows`` holds the first batch (or all, when fetched all)."""

    sql: str
    columns: list[Column]
    rows: list[tuple]
    status: str
    rowcount: int
    elapsed_s: float
    notices: list[Notice] = field(default_factory=list)
    stream: ResultStream | None = None
    statement: Statement | None = None

    @property
    def has_result_set(self) -> bool:
        return bool(self.columns)

    @property
    def has_more(self) -> bool:
        return self.stream is not None and not self.stream.exhausted and not self.stream.closed


class ResultStream:
    """The rest of a result, fetched in batches from a server-side cursor."""

    def __init__(self, session: DbSession, name: str, cursor: psycopg.Cursor, owns_transaction: bool) -> None:
        self.session = session
        self.name = name
        self._cur = cursor
        self.owns_transaction = owns_transaction
        self.fetched = 0
        self.exhausted = False
        self.closed = False
        self.closed_reason = ""
        self.columns: list[Column] | None = None
        #: the wire format of the FETCHes after the first, chosen from the column types the first
        #: one reported (see wire_format.py); the values are the same either way
        self.binary = False
        #: the two cursors a fetch-all alternates between (numeric as text, uuid as bytes): one
        #: holds the batch being decoded while the other's FETCH is under way (column_batches)
        self._compact_curs: list[psycopg.Cursor] = []
        #: FETCHes whose rows have arrived but are not handed over yet, oldest first: (its cursor,
        #: rows asked for). Usually one (the batch fetched ahead); two when a fetch-all was stopped
        #: while decoding a batch with the next one under way (the batch being decoded is read
        #: again from its first row: none of it was handed over)
        self._pending: list[tuple[psycopg.Cursor, int]] = []
        self._failed_ahead: psycopg.Error | None = None
        #: the session's work_mem (bytes; asked once, by the first fetch-all) and the estimated
        #: size of a row stored on the server, from the last FETCH (fetch_size.py): a fetch-all's
        #: FETCHes ask for as many rows as the server keeps in memory
        self._work_mem: int | None = None
        self._row_bytes = 0.0
        session.streams.append(self)

    def fetch(self, n: int = NEXT_BATCH, *, task=None) -> list[tuple]:
        """Fetch up to ``n`` more rows (fewer at the end; the stream then closes itself). A batch
        a stopped fetch-all fetched ahead (:meth:`column_batches`) comes first, whatever its size."""
        if self.closed or self.exhausted:
            return []
        s = self.session
        with s.lock, s.statement_cancel.guard(task):
            try:
                self._raise_failed_ahead()
                if task is not None:
                    task.check()
                if self._pending:  # a stopped fetch-all's next batch, here already
                    pre, n = self._pending[0]
                    # decoded as the fetch-all would (numeric as text...), read back as plain values
                    rows = _decode_columns_in_slices(pre, pre.rowcount, self._kinds()).rows()
                    del self._pending[0]
                else:
                    cur = self._cur
                    cur.execute(f'FETCH FORWARD {int(n)} FROM "{self.name}"', binary=self.binary)
                    self._measure_rows(cur)
                    rows = _decode_in_slices(cur, n)
                    if self.columns is None:
                        self.columns = _columns(s.conn, self._cur)
                        self.binary = prefers_binary(c.type_oid for c in self.columns)
            except psycopg.Error as exc:
                err = from_psycopg(exc, f"FETCH from {self.name}")
                self._abort(err)
                raise err from None
            self.fetched += len(rows)
            if len(rows) < n:
                self.exhausted = True
                self.close("all rows fetched")
            return rows

    def _measure_rows(self, cur: psycopg.Cursor) -> None:
        """The stored size of a row, estimated from a sample of the rows ``cur`` just fetched."""
        res = cur.pgresult
        if res is not None and res.ntuples > 0:
            self._row_bytes = stored_row_bytes(sample_lengths(res))

    def _rows_per_fetch(self, most: int) -> int:
        """Rows the next FETCH of a fetch-all asks for: at most ``most``, and no more than the
        server keeps in memory (a FETCH's rows go through a tuplestore: fetch_size.py). The
        session's work_mem is asked once (within the lock, as a FETCH is)."""
        if self._work_mem is None:
            setting = self.session.conn.execute("SELECT current_setting('work_mem', true)").fetchone()
            self._work_mem = parse_work_mem(setting[0] if setting else None)
        return rows_per_fetch(self._work_mem, self._row_bytes, most)

    def _compact_cursor(self, i: int) -> psycopg.Cursor:
        while len(self._compact_curs) <= i:
            cur = self.session.conn.cursor()
            cur.adapters.register_loader("numeric", TextLoader)  # psycopg's C text loader: a str
            cur.adapters.register_loader("uuid", ByteaBinaryLoader)  # binary format: the 16 bytes
            self._compact_curs.append(cur)
        return self._compact_curs[i]

    def _raise_failed_ahead(self) -> None:
        """The error of a FETCH sent ahead (column_batches), once the rows before it are out."""
        exc, self._failed_ahead = self._failed_ahead, None
        if exc is not None:
            raise exc

    def _kinds(self) -> list[str]:
        return column_kinds([c.type_name for c in self.columns or []])

    def batches(self, size: int = NEXT_BATCH, *, task=None) -> Iterator[list[tuple]]:
        while not (self.closed or self.exhausted):
            rows = self.fetch(size, task=task)
            if rows:
                yield rows

    def column_batches(self, size: int = NEXT_BATCH, *, task=None,
                       between: Callable[[], object] | None = None) -> Iterator[ColumnChunk]:
        """The rest of the rows like :meth:`batches`, each batch stored by column
        (:class:`~aurora_console.core.db.column_store.ColumnChunk`, converted on the calling thread);
        numeric values are fetched as text and uuids as bytes, and become ``Decimal`` and ``UUID``
        again when read. A batch is at most ``size`` rows, fewer when that many would not fit in
        the server's ``work_mem`` (the server would write them to a temporary file first:
        fetch_size.py).

        The FETCH of the next batch is sent before this one's rows are decoded (psycopg's
        pipeline mode), so the server reads and sends it while this thread decodes: a fetch-all
        no longer waits for the server between batches (and a whole batch's round trip is not
        added to each). Between slices of decoding, what has arrived of the next batch is read
        off the socket (the server keeps sending) and ``between()`` is called (by default the
        task's ``pause``: the UI's runner makes it wait while the UI thread paints). A batch
        fetched ahead and not yet handed over (the caller stopped, a cancel) stays with the
        stream: the next :meth:`fetch` returns it. A stop inside a batch (``between()`` raising
        :class:`~aurora_console.core.tasks.Cancelled`) keeps that batch whole, and the next one if
        its FETCH was under way, so a later fetch goes on from the first row not handed over; if
        the stop left the transaction failed (the server's cancel hit that FETCH) or its state
        unknown, the stream is aborted and closed, its ``closed_reason`` saying why."""
        if between is None and task is not None:
            between = getattr(task, "pause", None)
        while not (self.closed or self.exhausted):
            chunk = self._next_chunk(size, task, between)
            if len(chunk):
                yield chunk

    def _next_chunk(self, size: int, task, between) -> ColumnChunk:
        s = self.session
        with s.lock, s.statement_cancel.guard(task):
            try:
                self._raise_failed_ahead()
                if task is not None:
                    task.check()
                conn = s.conn
                if not self._pending:  # nothing under way: this batch is fetched now
                    cur = self._compact_cursor(0)
                    n = self._rows_per_fetch(size)
                    cur.execute(f'FETCH FORWARD {int(n)} FROM "{self.name}"', binary=self.binary)
                    if self.columns is None:
                        self.columns = _columns(conn, cur)
                        self.binary = prefers_binary(c.type_oid for c in self.columns)
                    self._pending.append((cur, n))
                cur, asked = self._pending[0]
                got = cur.rowcount
                kinds = self._kinds()
                # the next FETCH goes ahead only into a cursor holding nothing pending
                if got >= asked and len(self._pending) == 1 and psycopg.Pipeline.is_supported():
                    nxt = self._compact_cursor(1 if cur is self._compact_cursor(0) else 0)
                    before = nxt.pgresult
                    self._measure_rows(cur)
                    n = self._rows_per_fetch(size)
                    chunk = None
                    try:
                        with conn.pipeline():
                            nxt.execute(f'FETCH FORWARD {int(n)} FROM "{self.name}"', binary=self.binary)
                            chunk = _decode_columns_in_slices(cur, got, kinds, between=between,
                                                              receive=conn.pgconn.consume_input)
                        # leaving the pipeline waited for the next batch: its rows are in ``nxt``
                        self._pending = [(nxt, n)]
                    except psycopg.Error as exc:
                        if chunk is None:
                            raise
                        # the next batch failed (a cancel, an error in a row): this one is
                        # handed over first, as it would have been without fetching ahead
                        self._pending = []
                        self._failed_ahead = exc
                    except BaseException:  # a stop (Cancelled from between()) inside the batch
                        self._keep_after_stop(cur, nxt, before, n)
                        raise
                else:  # the last batch (or a libpq without pipelines: one FETCH at a time)
                    try:
                        chunk = _decode_columns_in_slices(cur, got, kinds, between=between)
                    except BaseException:
                        self._keep_after_stop(cur, None, None, size)
                        raise
                    del self._pending[0]
            except psycopg.Error as exc:
                err = from_psycopg(exc, f"FETCH from {self.name}")
                self._abort(err)
                raise err from None
            self.fetched += len(chunk)
            if got < asked:
                self.exhausted = True
                self.close("all rows fetched")
            return chunk

    def _keep_after_stop(self, cur: psycopg.Cursor, nxt: psycopg.Cursor | None, before, size: int) -> None:
        """After a stop inside the batch in ``cur`` (none of it handed over): that batch is read
        again from its first row by the next fetch, and the batch whose FETCH went ahead into
        ``nxt`` (``before`` its result until then) follows it. If that FETCH failed (the server's
        cancel hit it: the transaction is in error) or where the connection stands is unknown, the
        rest of the result cannot be had: the stream is aborted and closed, saying why."""
        conn = self.session._conn
        if conn is None or conn.closed or conn.broken:
            self.forget("stopped, and the connection was lost while the rows were fetched")
            return
        reason = ""
        if conn.pgconn.pipeline_status != pq.PipelineStatus.OFF:
            reason = "the connection was left in an unknown state"
        elif conn.info.transaction_status != pq.TransactionStatus.INTRANS:
            reason = "the FETCH of the next rows failed on the server (its cancel, or an error in a row)"
        elif nxt is not None and (nxt.pgresult is None or nxt.pgresult is before
                                  or nxt.pgresult.status != pq.ExecStatus.TUPLES_OK):
            reason = "the next rows did not arrive"
        if reason:
            self._abort(SqlError(f"Stopped while fetching rows; {reason}, so the rest of the result "
                                 f"is no longer available (run the statement again to see it)."))
            return
        try:
            cur.scroll(0, mode="absolute")
        except (psycopg.Error, IndexError):
            self._abort(SqlError("Stopped while fetching rows; the rows fetched could not be read "
                                 "again (run the statement again to see the rest)."))
            return
        if nxt is not None:  # ``cur`` was the only batch pending: the one fetched ahead follows
            self._pending = [self._pending[0], (nxt, size)]

    def _abort(self, err: SqlError) -> None:
        self.session.statement_cancel.quiet()  # no repeated cancel may reach the ROLLBACK
        conn = self.session._conn
        self.forget(err.message)
        if self.owns_transaction and conn is not None and not conn.closed and not conn.broken:
            try:
                conn.rollback()
            except psycopg.Error:
                pass

    def forget(self, reason: str) -> None:
        """Mark closed without talking to the server (connection gone or transaction ended)."""
        self.closed = True
        self.closed_reason = self.closed_reason or reason
        if self in self.session.streams:
            self.session.streams.remove(self)

    def close(self, reason: str = "closed") -> None:
        if self.closed:
            return
        s = self.session
        with s.lock:
            conn = s._conn
            self.forget(reason)
            if conn is None or conn.closed or conn.broken:
                return
            status = conn.info.transaction_status
            try:
                if status == pq.TransactionStatus.INTRANS:
                    self._cur.execute(f'CLOSE "{self.name}"')
                    if self.owns_transaction:
                        conn.commit()
                elif status == pq.TransactionStatus.INERROR and self.owns_transaction:
                    conn.rollback()
            except psycopg.Error:
                pass
            finally:
                self._pending = []
                self._cur.close()
                for cur in self._compact_curs:
                    cur.close()


def _decode_in_slices(cur: psycopg.Cursor, n: int, *,
                      clock: Callable[[], float] = time.perf_counter) -> list[tuple]:
    """The up to ``n`` rows of ``cur``'s result, decoded in slices of about DECODE_SLICE_S each
    (the GIL is free for the UI thread in between); each slice is sized from the last one's rate
    (timed by ``clock``)."""
    rows: list[tuple] = []
    size = FIRST_SLICE
    while len(rows) < n:
        t0 = clock()
        part = cur.fetchmany(min(size, n - len(rows)))
        if not part:
            break
        rows.extend(part)
        took = clock() - t0
        size = MAX_SLICE if took <= 0 else max(1, min(MAX_SLICE, int(len(part) * DECODE_SLICE_S / took)))
    return rows


def _decode_columns_in_slices(cur: psycopg.Cursor, n: int, kinds: list[str], *,
                              between: Callable[[], object] | None = None,
                              receive: Callable[[], object] | None = None,
                              clock: Callable[[], float] = time.perf_counter) -> ColumnChunk:
    """The up to ``n`` rows of ``cur``'s result as a :class:`ColumnChunk`, decoded and appended to
    their columns in slices of about DECODE_SLICE_S each, like :func:`_decode_in_slices` (no
    batch-long list of row tuples: each slice's rows go to the columns and are dropped).
    ``receive()`` and ``between()`` are called after each slice."""
    cols: list[list] = [[] for _ in kinds]
    getters = [itemgetter(c) for c in range(len(kinds))]
    got = 0
    size = FIRST_SLICE
    while got < n:
        t0 = clock()
        part = cur.fetchmany(min(size, n - got))
        if not part:
            break
        for col, get in zip(cols, getters, strict=True):
            col.extend(map(get, part))
        got += len(part)
        took = clock() - t0
        size = MAX_SLICE if took <= 0 else max(1, min(MAX_SLICE, int(len(part) * DECODE_SLICE_S / took)))
        del part
        if receive is not None:
            receive()
        if between is not None:
            between()
    return ColumnChunk.from_columns(cols, kinds, got)


def _columns(conn: psycopg.Connection, cur: psycopg.Cursor) -> list[Column]:
    out = []
    for d in cur.description or []:
        info = conn.adapters.types.get(d.type_code)
        out.append(Column(d.name, info.name if info else str(d.type_code), d.type_code))
    return out


def run_statement(
    session: DbSession,
    sql: str,
    *,
    statement: Statement | None = None,
    first_batch: int = FIRST_BATCH,
    fetch_all: bool = False,
    stream: bool = True,
    task=None,
) -> QueryResult:
    """Run one statement; raises :class:`SqlError` (with the server position inside ``sql``)."""
    sql = sql.strip().rstrip(";").rstrip()
    if not sql:
        raise SqlError("Nothing to run: the statement is empty.")
    session.check_allowed(sql)
    with session.lock, session.statement_cancel.guard(task):
        conn = session.conn
        shift = 0
        owns = False
        try:
            if task is not None:
                task.check()
            if conn.autocommit:
                session.close_streams("the next statement ran")
            session.drain_notices()
            t0 = time.perf_counter()
            cur = conn.cursor()
            if stream and is_select_like(sql):
                owns = conn.autocommit and conn.info.transaction_status == pq.TransactionStatus.IDLE
                if owns:
                    cur.execute("BEGIN")
                name = f"aurora_c{next(_names)}"
                prefix = f'DECLARE "{name}" NO SCROLL CURSOR FOR '
                shift = len(prefix)
                cur.execute(prefix + sql)
                shift = 0
                rs = ResultStream(session, name, cur, owns)
                rows = rs.fetch(first_batch)
                columns = rs.columns or []
                if fetch_all:
                    for batch in rs.batches(NEXT_BATCH, task=task):
                        rows.extend(batch)
                more = not rs.exhausted
                status = f"SELECT {len(rows)}" + ("+" if more else "")
                result = QueryResult(sql, columns, rows, status, len(rows), 0.0, stream=rs if more else None)
            else:
                cur.execute(sql)
                columns = _columns(conn, cur)
                rows = cur.fetchall() if cur.description else []
                status = cur.statusmessage or ""
                result = QueryResult(sql, columns, rows, status, cur.rowcount, 0.0)
                cur.close()
        except psycopg.Error as exc:
            session.statement_cancel.quiet()  # no repeated cancel may reach the ROLLBACK
            err = from_psycopg(exc, sql, position_shift=shift)
            if owns and not conn.closed and not conn.broken:
                try:
                    conn.rollback()
                except psycopg.Error:
                    pass
            err.notices = session.drain_notices()
            raise err from None
    result.elapsed_s = time.perf_counter() - t0
    result.notices = session.drain_notices()
    result.statement = statement
    return result


def run_script(
    session: DbSession,
    text: str,
    *,
    stop_on_error: bool = True,
    first_batch: int = FIRST_BATCH,
    on_result: Callable[[Statement, QueryResult | SqlError], None] | None = None,
    task=None,
) -> list[QueryResult | SqlError]:
    """Run every statement of ``text`` in order; errors are returned (and stop the run by default)."""
    out: list[QueryResult | SqlError] = []
    for st in split_sql(text):
        try:
            res: QueryResult | SqlError = run_statement(
                session, st.text, statement=st, first_batch=first_batch, task=task
            )
        except SqlError as err:
            res = err
        out.append(res)
        if on_result is not None:
            on_result(st, res)
        if isinstance(res, SqlError) and (stop_on_error or res.kind in ("cancelled", "connection")):
            break
    return out
