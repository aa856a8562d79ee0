"""EXPLAIN, export, history and catalog against a real PostgreSQL."""

from __future__ import annotations

import csv
import json

import pytest

from aurora_console.core.db.catalog import CatalogCache
from aurora_console.core.db.explain import explain
from aurora_console.core.db.export import export_query, export_result
from aurora_console.core.db.history import HistoryEntry, QueryHistory, Snippets
from aurora_console.core.db.query import run_statement
from aurora_console.core.db.sql_errors import SqlError

pytestmark = pytest.mark.integration


def test_explain_plain_and_analyze(make_session):
    s = make_session()
    sql = "select b.h, count(*) from big b join items i on i.id = b.id group by b.h order by 2 desc"
    plan = explain(s, sql)
    assert not plan.analyzed and plan.root.total_cost > 0 and plan.root.plan_rows >= 1
    types = [n.node_type for n in plan.root.walk()]
    assert "Seq Scan" in types and any("Join" in t or t == "Nested Loop" for t in types)
    assert any(n.slow for n in plan.root.walk())
    plan = explain(s, sql, analyze=True)
    assert plan.analyzed and plan.execution_ms is not None and plan.planning_ms is not None
    scans = [n for n in plan.root.walk() if n.details.get("Relation Name") == "big"]
    assert scans and scans[0].actual_rows == 30000 and scans[0].buffers
    slow = [n for n in plan.root.walk() if n.slow]
    assert slow and slow[0] in plan.slowest(3)
    assert all(n.self_ms is not None and n.self_ms >= 0 for n in plan.root.walk())


def test_explain_error_position_is_relative_to_the_statement(make_session):
    s = make_session()
    with pytest.raises(SqlError) as ei:
        explain(s, "select nope from items")
    assert ei.value.position == len("select ") + 1


def test_export_csv_and_json_stream(make_session, tmp_path):
    s = make_session()
    sql = "select id, name, case when id = 1 then null when id = 2 then '' else 'x' end as t, doc, price from items order by id"
    n = export_query(s, sql, tmp_path / "out.csv", "csv")
    assert n == 50
    with open(tmp_path / "out.csv", newline="") as fh:
        lines = fh.read().splitlines()
    assert lines[0] == "id,name,t,doc,price"
    assert lines[1] == '1,item 1,,"{""n"": 1}",1.5000'
    assert lines[2] == '2,item 2,"","{""n"": 2}",3.0000'  # empty text quoted, NULL bare
    rows = list(csv.reader(open(tmp_path / "out.csv", newline="")))
    assert len(rows) == 51
    n = export_query(s, sql, tmp_path / "out.json", "json")
    data = json.loads((tmp_path / "out.json").read_text())
    assert n == 50 and data[0] == {"id": 1, "name": "item 1", "t": None, "doc": {"n": 1}, "price": "1.5000"}
    assert data[1]["t"] == ""


def test_export_continues_an_open_result(make_session, tmp_path):
    s = make_session()
    r = run_statement(s, "select id from big order by id", first_batch=100)
    more = r.stream.fetch(50)  # what a grid would have on screen already does not matter
    assert len(more) == 50
    r.rows.extend(more)
    n = export_result(r, tmp_path / "big.csv", "csv")
    assert n == 30000
    ids = [int(line) for line in (tmp_path / "big.csv").read_text().split()[1:]]
    assert ids == list(range(1, 30001))
    assert not (tmp_path / "big.csv.part").exists()


def test_history_persists_and_searches(tmp_path):
    h = QueryHistory("dev/profile one", folder=tmp_path)
    h.add(HistoryEntry("select 1", "ok", 1.5, rows=1))
    h.add(HistoryEntry("select 1/0", "error", 2.0, message="division by zero"))
    h.add(HistoryEntry("alter role app password 'hunter22'", "ok", 3.0))
    again = QueryHistory("dev/profile one", folder=tmp_path)
    items = again.entries()
    assert [e.sql for e in items][1:] == ["select 1/0", "select 1"]
    assert "hunter22" not in again.path.read_text() and "***" in items[0].sql
    assert [e.outcome for e in again.entries("DIVISION")] == ["error"]
    assert QueryHistory("other", folder=tmp_path).entries() == []


def test_history_trims_to_max(tmp_path):
    h = QueryHistory("p", folder=tmp_path, max_entries=10)
    for i in range(200):
        h.add(HistoryEntry(f"select {i}", "ok", 1.0))
    items = h.entries(limit=1000)
    assert items[0].sql == "select 199" and 10 <= len(items) < 200


def test_snippets(tmp_path):
    sn = Snippets(tmp_path / "snip.json")
    sn.save("count", "select count(*) from items")
    sn.save("top", "select 1")
    sn.delete("top")
    assert Snippets(tmp_path / "snip.json").all() == {"count": "select count(*) from items"}
    with pytest.raises(ValueError):
        sn.save(" ", "x")


def test_catalog_cached_per_connection(make_session):
    s = make_session()
    cache = CatalogCache()
    cat = cache.get(s)
    assert "public" in cat.schemas and ("items", "r") in cat.tables["public"]
    assert cat.columns_of("items")[:3] == ["id", "name", "price"]
    words = cat.words()
    assert {"SELECT", "items", "public.big", "twice"} <= set(words)
    run_statement(s, "create table later (zcol int)")
    assert "later" not in cache.get(s).words()  # cached
    assert "zcol" in cache.get(s, refresh=True).words()


def test_catalog_leaves_the_session_as_it_was(make_session):
    from aurora_console.core.db.session import TxState

    s = make_session(autocommit=False)
    CatalogCache().get(s)
    assert s.tx_state == TxState.IDLE  # no transaction opened in manual mode
    a = make_session()
    r = run_statement(a, "select id from big", first_batch=10)
    CatalogCache().get(a)
    assert r.has_more and len(r.stream.fetch(5)) == 5  # the open cursor survived
