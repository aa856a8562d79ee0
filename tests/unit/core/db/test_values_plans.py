"""Pure parts of the SQL engine: value display, plan parsing, history masking, statement kinds."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aurora_console.core.db.explain import parse_plan
from aurora_console.core.db.history import mask_sql
from aurora_console.core.db.query import is_select_like
from aurora_console.core.db.values import display, pretty, rows_as_tsv, to_json_value, to_text

pytestmark = pytest.mark.unit


def test_display_rules():
    assert display(None) is None and display("") == ""
    assert display(Decimal("1.10")) == "1.10" and display(Decimal("1e-30")) == "1E-30"
    assert display(b"\x00\xff") == "\\x00ff"
    tz = dt.timezone(dt.timedelta(hours=-5))
    assert display(dt.datetime(2024, 1, 2, 3, 4, 5, tzinfo=tz)) == "2024-01-02 03:04:05-05:00"
    assert display({"a": [1, Decimal("2.5")]}) == '{"a": [1, "2.5"]}'
    assert pretty({"a": 1}) == '{\n  "a": 1\n}'
    assert display("line1\nline2") == "line1⏎line2"
    assert display("x" * 5000).endswith("…") and len(display("x" * 5000)) == 2001
    assert display(True) == "true" and to_text(dt.date(2024, 2, 29)) == "2024-02-29"
    assert to_json_value(Decimal("1.50")) == "1.50" and to_json_value(float("nan")) == "nan"


@given(st.lists(st.tuples(st.one_of(st.none(), st.text()), st.integers()), max_size=5))
def test_tsv_has_one_line_per_row(rows):
    text = rows_as_tsv(["a", "b"], rows)
    lines = text.split("\n")
    assert len(lines) == len(rows) + 1
    assert all(line.count("\t") == 1 for line in lines)


def test_statement_kinds():
    assert is_select_like("select 1") and is_select_like("  VALUES (1)") and is_select_like("table t")
    assert is_select_like("with x as (select 1) select * from x")
    assert is_select_like("select 'insert into' as s")  # words inside strings do not count
    assert not is_select_like("select 1 into t2")
    assert not is_select_like("with d as (delete from t returning *) select * from d")
    assert not is_select_like("insert into t values (1)") and not is_select_like("explain select 1")


def test_mask_passwords_in_history():
    assert "s3cret" not in mask_sql("ALTER ROLE app WITH PASSWORD 's3cret'")
    assert "s3cret" not in mask_sql("create user a password $$s3cret$$")
    assert mask_sql("select password from users") == "select password from users"


PLAN = [{
    "Plan": {
        "Node Type": "Hash Join", "Join Type": "Inner", "Startup Cost": 1.0, "Total Cost": 100.0, "Plan Rows": 10,
        "Actual Total Time": 50.0, "Actual Rows": 10, "Actual Loops": 1, "Hash Cond": "(a.id = b.id)",
        "Plans": [
            {"Node Type": "Seq Scan", "Relation Name": "a", "Alias": "a", "Startup Cost": 0.0, "Total Cost": 60.0,
             "Plan Rows": 1000, "Actual Total Time": 40.0, "Actual Rows": 1000, "Actual Loops": 1,
             "Shared Hit Blocks": 12, "Shared Read Blocks": 3},
            {"Node Type": "Hash", "Startup Cost": 5.0, "Total Cost": 5.0, "Plan Rows": 10, "Actual Total Time": 0.5,
             "Actual Rows": 10, "Actual Loops": 1,
             "Plans": [{"Node Type": "Index Scan", "Relation Name": "b", "Index Name": "b_pkey", "Startup Cost": 0.1,
                        "Total Cost": 5.0, "Plan Rows": 10, "Actual Total Time": 0.1, "Actual Rows": 10,
                        "Actual Loops": 5}]},
        ],
    },
    "Planning Time": 0.2, "Execution Time": 50.5,
}]


def test_parse_analyzed_plan_flags_slowest():
    plan = parse_plan(PLAN)
    assert plan.analyzed and plan.execution_ms == 50.5 and plan.planning_ms == 0.2
    nodes = list(plan.root.walk())
    assert [n.node_type for n in nodes] == ["Hash Join", "Seq Scan", "Hash", "Index Scan"]
    scan = nodes[1]
    assert scan.title == "Seq Scan on a" and scan.self_ms == 40.0 and scan.slow
    assert scan.buffers == {"Shared Hit Blocks": 12, "Shared Read Blocks": 3}
    assert nodes[0].self_ms == pytest.approx(9.5) and nodes[0].details["Hash Cond"] == "(a.id = b.id)"
    assert nodes[3].self_ms == pytest.approx(0.5)  # per-loop time x loops
    assert nodes[2].self_ms == 0.0  # 0.5 total minus 0.5 for its child over 5 loops
    assert [n.slow for n in nodes] == [False, True, False, False]
    assert plan.slowest(1) == [scan]


def test_parse_estimated_plan_uses_cost():
    doc = [{"Plan": {"Node Type": "Sort", "Startup Cost": 10.0, "Total Cost": 90.0, "Plan Rows": 5,
                     "Plans": [{"Node Type": "Seq Scan", "Relation Name": "t", "Startup Cost": 0.0,
                                "Total Cost": 20.0, "Plan Rows": 5}]}}]
    plan = parse_plan(doc)
    assert not plan.analyzed
    sort, scan = list(plan.root.walk())
    assert sort.self_cost == 70.0 and sort.slow and scan.slow  # 70/90 and 20/90 >= 20%
