"""The SQL editor's engine on a real MySQL-compatible server (the rig's MariaDB): streaming,
cancel, transactions, zero dates, invalid UTF-8, max_allowed_packet, errors, warnings, export."""

from __future__ import annotations

import csv
import threading
import time

import pytest

from aurora_console.core.db.export import export_query, export_result
from aurora_console.core.db.mysql_query import MySqlResultStream, run_statement
from aurora_console.core.db.mysql_session import MySqlSession
from aurora_console.core.db.runs import run_for_editor, session_call, split_for_run
from aurora_console.core.db.session import SessionSettings, TxState
from aurora_console.core.db.sql_errors import CANCELLED, CONNECTION, READ_ONLY, SYNTAX, SqlError
from aurora_console.core.tasks import Cancelled, CancelToken, TaskContext
from tests.integration.sql.cancel_race import error_of_a_run_cancelled_as_it_starts

pytestmark = pytest.mark.integration


@pytest.fixture
def shop(mysql_db):
    with mysql_db.connect() as conn, conn.cursor() as cur:
        cur.execute("CREATE TABLE items (id INT PRIMARY KEY, name VARCHAR(40), price DECIMAL(12,4), at DATETIME,"
                    " raw VARBINARY(8), note VARCHAR(20) CHARACTER SET latin1)")
        cur.execute("INSERT INTO items SELECT seq, CONCAT('item ', seq), seq * 1.5, '2024-01-02 03:04:05',"
                    " UNHEX(LPAD(HEX(seq), 4, '0')), 'café' FROM seq_1_to_50")
        cur.execute("CREATE TABLE big AS SELECT seq AS id, MD5(seq) AS h, seq * 2 AS twice FROM seq_1_to_30000")
    yield mysql_db
    while _OPEN:  # before the database is dropped: an open transaction's locks would make DROP wait
        _OPEN.pop().close()


_OPEN: list[MySqlSession] = []


def session_on(db, **settings) -> MySqlSession:
    s = MySqlSession(lambda: db.connect(), SessionSettings(**settings), name="test").connect()
    _OPEN.append(s)
    return s


def task_context() -> TaskContext:
    return TaskContext(CancelToken())


def test_select_streams_in_batches_and_types(shop):
    s = session_on(shop)
    r = run_statement(s, "SELECT * FROM items ORDER BY id", first_batch=10)
    assert [c.name for c in r.columns] == ["id", "name", "price", "at", "raw", "note"]
    assert [c.type_name for c in r.columns] == ["int", "varchar", "decimal", "datetime", "varbinary", "varchar"]
    assert len(r.rows) == 10 and r.has_more and r.status == "SELECT 10+"
    assert r.rows[0][1] == "item 1" and str(r.rows[0][2]) == "1.5000" and r.rows[0][4] == b"\x00\x01"
    assert r.rows[0][5] == "café"  # latin1 column, converted by the server to the connection's utf8mb4
    rest = [row for batch in r.stream.batches(7) for row in batch]
    assert len(rest) == 40 and r.stream.closed and r.stream.exhausted and s.streams == []
    # the connection runs the next statement at once
    assert run_statement(s, "SELECT 1").rows == [(1,)]


def test_next_statement_closes_an_unfinished_result_and_a_long_one_is_killed(shop):
    s = session_on(shop)
    r = run_statement(s, "SELECT a.seq FROM seq_1_to_1000000 a, seq_1_to_1000 b", first_batch=100)
    assert r.has_more
    t0 = time.perf_counter()
    after = run_statement(s, "SELECT 42")
    took = time.perf_counter() - t0
    assert after.rows == [(42,)]
    assert r.stream.closed and not r.stream.exhausted
    assert took < 10  # not the billion rows: the rest was stopped with KILL QUERY
    # and the connection is fine for more statements afterwards
    assert run_statement(s, "SELECT COUNT(*) FROM items").rows == [(50,)]


def test_dml_status_and_rowcount(shop):
    s = session_on(shop)
    r = run_statement(s, "UPDATE items SET name = 'x' WHERE id <= 3")
    assert r.columns == [] and r.rowcount == 3
    assert r.status.startswith("OK, 3 rows affected")


def cancel_once_running(db, session: MySqlSession, ctx: TaskContext, timeout: float = 30.0) -> None:
    """Cancel ``ctx`` from another thread once the server runs ``session``'s statement: a KILL QUERY
    sent before the statement reached the server finds nothing to kill (a fixed 0.5 s wait was too
    short on a loaded machine, and the statement then ran for hours)."""

    def watch() -> None:
        deadline = time.monotonic() + timeout
        with db.connect() as conn, conn.cursor() as cur:
            while time.monotonic() < deadline:
                cur.execute("SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE ID = %s AND COMMAND = 'Query'",
                            (session.backend_pid,))
                if cur.fetchone()[0]:
                    break
                time.sleep(0.05)
        ctx.token.cancel()

    threading.Thread(target=watch, name="cancel-once-running", daemon=True).start()


def test_cancel_from_another_thread(shop):
    s = session_on(shop)
    ctx = task_context()
    cancel_once_running(shop, s, ctx)
    t0 = time.perf_counter()
    with pytest.raises(SqlError) as e:
        run_statement(s, "SELECT COUNT(*) FROM seq_1_to_1000000 a, seq_1_to_1000000 b", task=ctx)
    assert e.value.kind == CANCELLED and e.value.code == 1317
    assert "1317" in e.value.user_text()
    assert time.perf_counter() - t0 < 10
    assert run_statement(s, "SELECT 1").rows == [(1,)]


def test_cancel_while_fetching(shop):
    s = session_on(shop)
    r = run_statement(s, "SELECT a.seq FROM seq_1_to_1000000 a, seq_1_to_1000 b", first_batch=10)
    ctx = task_context()
    threading.Timer(0.3, ctx.token.cancel).start()
    with pytest.raises((SqlError, Cancelled)) as e:  # KILL QUERY's error, or the task's own check first
        for _ in r.stream.batches(50_000, task=ctx):
            pass
    assert isinstance(e.value, Cancelled) or e.value.kind == CANCELLED
    assert run_statement(s, "SELECT 2").rows == [(2,)]


def test_syntax_error_with_code_and_position(shop):
    s = session_on(shop)
    sql = "SELECT 1,\n  FROM items"
    with pytest.raises(SqlError) as e:
        run_statement(s, sql)
    err = e.value
    assert err.kind == SYNTAX and err.code == 1064
    assert err.user_text().startswith("ERROR: You have an error in your SQL syntax")
    assert "(MySQL error 1064)" in err.user_text()
    assert err.position == sql.index("FROM") + 1


def test_transactions_commit_and_rollback(shop):
    s = session_on(shop, autocommit=False)
    assert s.tx_state == TxState.IDLE
    run_statement(s, "SELECT COUNT(*) FROM items")  # a read opens the transaction too
    assert s.tx_state == TxState.IN_TRANSACTION
    s.commit()
    assert s.tx_state == TxState.IDLE
    run_statement(s, "INSERT INTO items (id, name) VALUES (100, 'new')")
    assert s.tx_state == TxState.IN_TRANSACTION
    other = session_on(shop)
    assert run_statement(other, "SELECT COUNT(*) FROM items WHERE id = 100").rows == [(0,)]
    s.rollback()
    assert s.tx_state == TxState.IDLE
    assert run_statement(s, "SELECT COUNT(*) FROM items WHERE id = 100").rows == [(0,)]
    run_statement(s, "INSERT INTO items (id, name) VALUES (101, 'kept')")
    s.commit()
    assert run_statement(other, "SELECT name FROM items WHERE id = 101").rows == [("kept",)]
    # autocommit can only change outside a transaction
    run_statement(s, "UPDATE items SET name = 'y' WHERE id = 101")
    with pytest.raises(SqlError):
        s.set_autocommit(True)
    session_call(s, "rollback")
    assert session_call(s, "set_autocommit", True) == TxState.IDLE
    run_statement(s, "UPDATE items SET name = 'z' WHERE id = 101")
    assert s.tx_state == TxState.IDLE
    assert run_statement(other, "SELECT name FROM items WHERE id = 101").rows == [("z",)]


def test_explicit_begin_in_autocommit(shop):
    s = session_on(shop)
    run_statement(s, "BEGIN")
    run_statement(s, "DELETE FROM items WHERE id = 1")
    assert s.tx_state == TxState.IN_TRANSACTION
    run_statement(s, "ROLLBACK")
    assert s.tx_state == TxState.IDLE
    assert run_statement(s, "SELECT COUNT(*) FROM items WHERE id = 1").rows == [(1,)]


def test_read_only_session(shop):
    s = session_on(shop, read_only=True)
    with pytest.raises(SqlError) as e:
        run_statement(s, "INSERT INTO items (id) VALUES (500)")
    assert e.value.kind == READ_ONLY and e.value.code == 1792
    with pytest.raises(SqlError) as e:
        run_statement(s, "SET SESSION TRANSACTION READ WRITE")
    assert e.value.kind == READ_ONLY
    s.reconnect()  # read-only survives a reconnect
    with pytest.raises(SqlError):
        run_statement(s, "DELETE FROM items")
    assert run_statement(s, "SELECT COUNT(*) FROM items").rows == [(50,)]


def test_zero_dates_are_shown_as_text(shop):
    s = session_on(shop)
    run_statement(s, "SET SESSION sql_mode = ''")
    run_statement(s, "CREATE TABLE legacy (d DATE, dt DATETIME, ts TIMESTAMP NULL, partial DATE)")
    run_statement(s, "INSERT INTO legacy VALUES ('0000-00-00', '0000-00-00 00:00:00', '0000-00-00 00:00:00',"
                     " '2020-00-15')")
    r = run_statement(s, "SELECT * FROM legacy")
    assert r.rows == [("0000-00-00", "0000-00-00 00:00:00", "0000-00-00 00:00:00", "2020-00-15")]


def test_invalid_utf8_is_shown_with_replacement_not_a_crash(shop):
    s = session_on(shop)
    run_statement(s, "CREATE TABLE old (id INT, t VARCHAR(20) CHARACTER SET latin1)")
    run_statement(s, "INSERT INTO old VALUES (1, 'caf\u00e9'), (2, 'plain')")
    # the server sends the latin1 bytes as they are stored: 0xE9 is not UTF-8
    run_statement(s, "SET character_set_results = NULL")
    r = run_statement(s, "SELECT id, t FROM old ORDER BY id")
    assert r.rows == [(1, "caf\ufffd"), (2, "plain")]
    assert any("not valid UTF-8" in n.message and "'t'" in n.message for n in r.notices)
    run_statement(s, "SET character_set_results = utf8mb4")
    assert run_statement(s, "SELECT t FROM old WHERE id = 1").rows == [("café",)]


def test_max_allowed_packet_exceeded_says_so(shop, mysql_server):
    s = session_on(shop)
    with pytest.raises(SqlError) as e:
        # a result value over max_allowed_packet: the server returns NULL and a warning
        r = run_statement(s, "SELECT REPEAT('x', @@max_allowed_packet + 1) AS big")
        assert r.rows == [(None,)]
        raise SqlError(" ".join(n.message for n in r.notices))
    assert "max_allowed_packet" in e.value.message and "1301" in e.value.message
    # a statement larger than max_allowed_packet: not sent (the server would hang up, at twice the
    # limit with only "server has gone away"), said plainly, the connection kept
    limit = run_statement(s, "SELECT @@max_allowed_packet").rows[0][0]
    pid = s.backend_pid
    for size in (limit + 10, 2 * limit):
        with pytest.raises(SqlError) as e:
            run_statement(s, "SELECT '" + "y" * size + "'")
        assert e.value.message.startswith("max_allowed_packet exceeded") and "not sent" in e.value.message
        assert "max_allowed_packet" in e.value.hint and e.value.kind != CONNECTION
        assert run_statement(s, "SELECT 1").rows == [(1,)] and s.backend_pid == pid
    # one just under the limit still runs
    assert run_statement(s, "SELECT LENGTH('" + "y" * (limit - 100) + "')").rows == [(limit - 100,)]


def test_warnings_become_notices(shop):
    s = session_on(shop)
    r = run_statement(s, "SELECT CAST('12abc' AS INTEGER) AS n")
    assert r.rows == [(12,)]
    assert any("1292" in n.message for n in r.notices)


def test_statement_timeout(shop):
    s = session_on(shop)
    s.set_statement_timeout(300)
    with pytest.raises(SqlError) as e:
        run_statement(s, "SELECT COUNT(*) FROM seq_1_to_1000000 a, seq_1_to_1000000 b")
    assert e.value.kind == "timeout" and e.value.code == 1969
    s.set_statement_timeout(0)
    assert run_statement(s, "SELECT 1").rows == [(1,)]


def test_lost_connection_is_a_connection_error(shop, mysql_server):
    s = session_on(shop)
    with mysql_server.connect() as admin, admin.cursor() as cur:
        cur.execute(f"KILL CONNECTION {s.backend_pid}")
    with pytest.raises(SqlError) as e:
        run_statement(s, "SELECT 1")
    assert e.value.kind == CONNECTION
    s.reconnect()
    assert run_statement(s, "SELECT 1").rows == [(1,)]


def test_editor_run_splits_with_delimiter_and_runs_a_procedure(shop):
    s = session_on(shop)
    script = ("DELIMITER //\nCREATE PROCEDURE two()\nBEGIN\n  SELECT 1 AS a;\n  SELECT 2 AS b;\nEND //\n"
              "DELIMITER ;\nCALL two();\nSELECT 3;")
    statements = split_for_run(script, engine="mysql")
    assert [st.text.split()[0] for st in statements] == ["CREATE", "CALL", "SELECT"]
    outcomes = [run_for_editor(s, st) for st in statements]
    assert [o.error for o in outcomes] == [None, None, None]
    assert outcomes[1].result.rows == [(1,)]  # the first result set of the CALL; the others are read and dropped
    assert outcomes[2].result.rows == [(3,)]


def test_export_of_a_streamed_result_and_of_a_query(shop, tmp_path):
    s = session_on(shop)
    r = run_statement(s, "SELECT id, h, twice FROM big ORDER BY id", first_batch=100)
    n = export_result(r, tmp_path / "big.csv", "csv")
    assert n == 30000
    with open(tmp_path / "big.csv", newline="") as fh:
        rows = list(csv.reader(fh))
    assert rows[0] == ["id", "h", "twice"] and rows[-1][0] == "30000" and len(rows) == 30001
    n = export_query(s, "SELECT id, raw, note FROM items ORDER BY id", tmp_path / "items.json", "json")
    assert n == 50
    assert '"raw": "\\\\x0001"' in (tmp_path / "items.json").read_text()


def test_stream_memory_stays_bounded(shop):
    """300k rows read in batches never hold more than a batch (the driver reads rows as they come)."""
    import tracemalloc

    s = session_on(shop)
    tracemalloc.start()
    r = run_statement(s, "SELECT seq, seq * 2, MD5(seq) FROM seq_1_to_300000", first_batch=1000)
    count = len(r.rows)
    base = tracemalloc.get_traced_memory()[0]
    for batch in r.stream.batches(10_000):
        count += len(batch)
    peak = tracemalloc.get_traced_memory()[1] - base
    tracemalloc.stop()
    assert count == 300_000
    assert peak < 20_000_000  # a few batches, not 300k rows (about 75 MB as tuples)
    assert isinstance(r.stream, MySqlResultStream)


def test_explain_and_analyze_on_mariadb(shop):
    from aurora_console.core.db.sql_dialects import dialect_of

    s = session_on(shop)
    run_statement(s, "CREATE INDEX items_name ON items (name)")
    sql = "SELECT i.name, b.h FROM items i JOIN big b ON b.id = i.id WHERE i.price > 10 ORDER BY i.name"
    plan = dialect_of(s).explain(s, sql)
    assert not plan.analyzed
    tables = {n.details.get("Relation Name") for n in plan.root.walk()}
    assert {"i", "b"} <= tables
    assert plan.root.title.startswith("Query block")
    analyzed = dialect_of(s).explain(s, sql, analyze=True)
    assert analyzed.analyzed and analyzed.execution_ms is not None
    scans = [n for n in analyzed.root.walk() if n.details.get("Relation Name") == "i"]
    assert scans and scans[0].actual_rows is not None and scans[0].loops >= 1
    # the session is free afterwards; a syntax error in the explained statement points into it
    with pytest.raises(SqlError) as e:
        dialect_of(s).explain(s, "SELECT FROM items WHERE")
    assert e.value.kind == SYNTAX and e.value.statement == "SELECT FROM items WHERE"


def test_explain_in_the_editor_run(shop):
    s = session_on(shop)
    st = split_for_run("SELECT * FROM items WHERE id = 3;", engine="mysql")[0]
    out = run_for_editor(s, st, mode="explain")
    assert out.error is None and out.plan is not None
    assert any(n.details.get("Relation Name") == "items" for n in out.plan.root.walk())


def test_completion_catalog_from_information_schema_leaves_the_session_alone(shop):
    from aurora_console.core.db.catalog import CatalogCache

    s = session_on(shop, autocommit=False)
    r = run_statement(s, "SELECT id FROM big", first_batch=10)  # an open result, a transaction
    assert r.has_more and s.tx_state == TxState.IN_TRANSACTION
    cat = CatalogCache().get(s)
    assert shop.name in cat.schemas
    assert ("items", "r") in cat.tables[shop.name]
    assert cat.columns_of("items", shop.name) == ["id", "name", "price", "at", "raw", "note"]
    words = cat.words()
    assert {"items", f"{shop.name}.items", "price", "STRAIGHT_JOIN", "GROUP_CONCAT"} <= set(words)
    # the open result is still there, the transaction still open
    assert not r.stream.closed and len(r.stream.fetch(5)) == 5
    assert s.tx_state == TxState.IN_TRANSACTION
    s.rollback()


def test_a_cancel_just_before_the_statement_starts_still_cancels_it(shop):
    s = session_on(shop)
    err = error_of_a_run_cancelled_as_it_starts(s, lambda task: run_statement(
        s, "SELECT COUNT(*) FROM seq_1_to_1000000 a, seq_1_to_1000000 b", task=task))
    assert isinstance(err, SqlError) and err.kind == CANCELLED, err
    assert s.statement_cancel.sent >= 1
    assert run_statement(s, "SELECT SLEEP(0.4), 7", task=task_context()).rows[0][1] == 7
