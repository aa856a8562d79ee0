"""plan_from_text: auto_explain's logged plans (text and JSON formats) read into the Plan the SQL
editor's plan view shows. The text format is checked against the JSON of the same plan from the
real server in tests/integration/db/test_plan_text_pg.py."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aurora_console.core.db.plan_text import PlanTextError, logged_plan, plan_from_text

TEXT = """\
Hash Join  (cost=1.09..2.21 rows=4 width=36) (actual time=0.031..0.035 rows=3 loops=1)
  Hash Cond: (c.post_id = p.id)
  Buffers: shared hit=2 read=1
  ->  Seq Scan on comments c  (cost=0.00..1.06 rows=6 width=8) (actual time=0.006..0.007 rows=6 loops=1)
  ->  Hash  (cost=1.05..1.05 rows=3 width=36) (actual time=0.012..0.012 rows=3 loops=1)
        Buckets: 1024  Batches: 1  Memory Usage: 9kB
        ->  Index Scan using posts_pkey on posts p  (cost=0.00..1.05 rows=3 width=36) (never executed)
              Index Cond: (id > 1)
"""


def test_a_text_plan_reads_into_the_same_tree_as_explain_json():
    plan = plan_from_text(TEXT)
    assert [(n.node_type, n.details.get("Relation Name"), n.details.get("Index Name")) for n in plan.root.walk()] == [
        ("Hash Join", None, None), ("Seq Scan", "comments", None), ("Hash", None, None),
        ("Index Scan", "posts", "posts_pkey")]
    root = plan.root
    assert (root.startup_cost, root.total_cost, root.plan_rows, root.actual_rows, root.loops) == (1.09, 2.21, 4, 3, 1)
    assert root.details["Hash Cond"] == "(c.post_id = p.id)"
    assert root.buffers == {"Shared Hit Blocks": 2, "Shared Read Blocks": 1}
    assert plan.analyzed and root.self_ms == pytest.approx(0.035 - 0.007 - 0.012)
    index_scan = root.children[1].children[0]
    assert index_scan.loops == 0 and index_scan.details["Index Cond"] == "(id > 1)"
    assert any(n.slow for n in root.walk())


def test_a_plan_without_analyze_and_with_a_query_text_line_first():
    plan = plan_from_text("\tQuery Text: select 1\n\tResult  (cost=0.00..0.01 rows=1 width=4)\n")
    assert plan.root.node_type == "Result" and not plan.analyzed and plan.root.total_cost == 0.01


def test_auto_explain_json_format():
    doc = {"Query Text": "select 1", "Plan": {"Node Type": "Result", "Startup Cost": 0.0, "Total Cost": 0.01,
                                              "Plan Rows": 1, "Plan Width": 4}}
    plan = plan_from_text(json.dumps(doc, indent=2))
    assert plan.root.node_type == "Result" and plan.root.total_cost == 0.01


@pytest.mark.parametrize("text", ["", "LOG: something else", '{"no": "plan"}', "{not json", "  ->  Seq Scan on t"])
def test_text_that_is_not_a_plan_is_refused(text):
    with pytest.raises(PlanTextError):
        plan_from_text(text)
    assert logged_plan(text) is None


@given(st.text(max_size=300))
def test_property_any_text_is_a_plan_or_refused(text):
    assert logged_plan(text) is None or logged_plan(text).root is not None


@given(st.lists(st.tuples(st.integers(0, 3), st.sampled_from(["Seq Scan on t", "Hash", "Sort", "Limit"]),
                          st.integers(0, 10**6)), min_size=1, max_size=12))
def test_property_nesting_follows_the_arrows_indentation(spec):
    """A drawn tree written as EXPLAIN writes it reads back with the same shape and numbers."""
    lines, depths = [], []
    for n, (depth, name, rows) in enumerate(spec):
        depth = 0 if n == 0 else max(1, min(depth, depths[-1] + 1))
        depths.append(depth)
        head = "" if depth == 0 else " " * (6 * depth - 4) + "->  "
        lines.append(f"{head}{name}  (cost=0.00..{rows}.00 rows={rows} width=4)")
    plan = plan_from_text("\n".join(lines))
    got = []

    def walk(node, depth):
        got.append((depth, node.title, node.plan_rows))
        for child in node.children:
            walk(child, depth + 1)

    walk(plan.root, 0)
    assert got == [(d, name, rows) for d, (_, name, rows) in zip(depths, spec, strict=True)]
