"""MySQL plans (JSON of MySQL and MariaDB, MySQL 8's TREE) as the plan view's tree."""

from __future__ import annotations

import pytest

from aurora_console.core.db.mysql_dialect import flavour_of
from aurora_console.core.db.mysql_explain import explain_statement, parse_json_plan, parse_tree_plan
from aurora_console.core.db.sql_errors import SqlError

pytestmark = pytest.mark.unit

# the shape MySQL 8.0 writes for EXPLAIN FORMAT=JSON (cost_info strings, rows_examined_per_scan)
MYSQL_JSON = {
    "query_block": {
        "select_id": 1,
        "cost_info": {"query_cost": "42.50"},
        "ordering_operation": {
            "using_filesort": True,
            "nested_loop": [
                {"table": {"table_name": "c", "access_type": "ALL", "rows_examined_per_scan": 100,
                           "filtered": "10.00", "attached_condition": "(c.country = 'FR')",
                           "cost_info": {"read_cost": "9.00", "eval_cost": "1.00", "prefix_cost": "10.00"}}},
                {"table": {"table_name": "o", "access_type": "ref", "key": "o_customer", "rows_examined_per_scan": 5,
                           "cost_info": {"read_cost": "30.00", "eval_cost": "2.50", "prefix_cost": "42.50"}}},
            ],
        },
    }
}

# MariaDB's ANALYZE FORMAT=JSON shape (r_* measurements, no costs)
MARIADB_ANALYZE = {
    "query_optimization": {"r_total_time_ms": 0.08},
    "query_block": {
        "select_id": 1, "r_loops": 1, "r_total_time_ms": 12.5,
        "filesort": {
            "sort_key": "o.total desc", "r_loops": 1, "r_total_time_ms": 2.0,
            "temporary_table": {
                "nested_loop": [
                    {"table": {"table_name": "o", "access_type": "ALL", "rows": 1000, "r_rows": 1000, "r_loops": 1,
                               "r_table_time_ms": 8.0, "r_other_time_ms": 1.0, "filtered": 100}},
                ],
            },
        },
        "subqueries": [{"query_block": {"select_id": 2, "r_loops": 10,
                                        "nested_loop": [{"table": {"table_name": "x", "access_type": "eq_ref",
                                                                   "key": "PRIMARY", "rows": 1, "r_rows": 1,
                                                                   "r_loops": 10, "r_table_time_ms": 0.5}}]}}],
    },
}

# MySQL 8 EXPLAIN ANALYZE (TREE) shape: an operation per "->" line, children indented by four spaces
MYSQL_TREE_ANALYZE = """\
-> Sort: o.total DESC  (cost=120.50 rows=1000) (actual time=15.1..15.3 rows=1000 loops=1)
    -> Nested loop inner join  (cost=95.25 rows=1000) (actual time=0.2..13.9 rows=1000 loops=1)
        -> Filter: (c.country = 'FR')  (cost=10.25 rows=10) (actual time=0.1..0.5 rows=10 loops=1)
            -> Table scan on c  (cost=10.25 rows=100) (actual time=0.1..0.4 rows=100 loops=1)
        -> Index lookup on o using o_customer (customer_id=c.id)  (cost=8.50 rows=100) (actual time=0.1..1.2 rows=100 loops=10)
    -> Select #2 (subquery in projection; run only once)
        -> Rows fetched before execution  (cost=0..0 rows=1) (never executed)
"""


def test_mysql_json_plan_costs_and_tables():
    plan = parse_json_plan(MYSQL_JSON)
    assert not plan.analyzed
    titles = [n.title for n in plan.root.walk()]
    assert titles == ["Query block #1", "Sort", "Nested loop", "Full table scan on c", "Index lookup on o"]
    assert plan.root.total_cost == 42.5
    c = [n for n in plan.root.walk() if n.details.get("Relation Name") == "c"][0]
    assert c.plan_rows == 100 and c.self_cost == 10.0 and c.details["Filter"] == "(c.country = 'FR')"
    o = [n for n in plan.root.walk() if n.details.get("Relation Name") == "o"][0]
    assert o.details["Index Name"] == "o_customer" and o.self_cost == 32.5
    assert o.slow and not c.slow  # the costliest node by estimate
    assert plan.root.children[0].details["Strategy"] == "filesort"


def test_mariadb_analyze_json_times_and_subqueries():
    plan = parse_json_plan(MARIADB_ANALYZE)
    assert plan.analyzed and plan.execution_ms == 12.5 and plan.planning_ms == 0.08
    titles = [n.title for n in plan.root.walk()]
    assert titles[:3] == ["Query block #1", "Sort (filesort)", "Temporary table"]
    scan = [n for n in plan.root.walk() if n.details.get("Relation Name") == "o"][0]
    assert scan.actual_rows == 1000 and scan.loops == 1 and scan.self_ms == 9.0
    assert scan.slow
    lookup = [n for n in plan.root.walk() if n.details.get("Relation Name") == "x"][0]
    assert lookup.loops == 10 and lookup.actual_total_ms == pytest.approx(0.05)
    assert "Query block #2" in titles


def test_mysql_tree_analyze():
    plan = parse_tree_plan(MYSQL_TREE_ANALYZE)
    assert plan.analyzed
    root = plan.root
    assert root.title == "Sort: o.total DESC" and root.total_cost == 120.5 and root.plan_rows == 1000
    assert root.actual_rows == 1000 and root.loops == 1 and root.actual_total_ms == 15.3
    join, sub = root.children
    assert join.title == "Nested loop inner join" and len(join.children) == 2
    scan = join.children[0].children[0]
    assert scan.details["Relation Name"] == "c" and scan.plan_rows == 100
    lookup = join.children[1]
    assert lookup.details == {"Relation Name": "o", "Index Name": "o_customer"}
    assert lookup.loops == 10 and lookup.actual_total_ms == 1.2
    assert sub.children[0].loops == 0  # never executed
    assert lookup.slow  # 12 ms over its 10 loops: the largest share of the time


def test_mysql_tree_explain_without_analyze():
    plan = parse_tree_plan("-> Filter: (t.a > 3)  (cost=1.25 rows=3)\n    -> Table scan on t  (cost=1.25 rows=10)\n")
    assert not plan.analyzed
    assert [n.plan_rows for n in plan.root.walk()] == [3, 10]
    assert plan.root.children[0].details["Relation Name"] == "t"


def test_not_a_plan():
    with pytest.raises(ValueError):
        parse_json_plan('{"x": 1}')
    with pytest.raises(ValueError):
        parse_tree_plan("nothing here")


def test_explain_statement_by_server():
    maria, my8, my816, my57 = (flavour_of(v) for v in ("10.11.9-MariaDB", "8.0.39", "8.0.16", "5.7.44"))
    assert explain_statement(maria, "SELECT 1;") == ("EXPLAIN FORMAT=JSON SELECT 1", "json")
    assert explain_statement(maria, "SELECT 1", analyze=True) == ("ANALYZE FORMAT=JSON SELECT 1", "json")
    assert explain_statement(my8, "SELECT 1") == ("EXPLAIN FORMAT=TREE SELECT 1", "tree")
    assert explain_statement(my8, "SELECT 1", analyze=True) == ("EXPLAIN ANALYZE SELECT 1", "tree")
    assert explain_statement(my57, "SELECT 1") == ("EXPLAIN FORMAT=JSON SELECT 1", "json")
    for old in (my816, my57):
        with pytest.raises(SqlError) as e:
            explain_statement(old, "SELECT 1", analyze=True)
        assert "8.0.18" in e.value.message
