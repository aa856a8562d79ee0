"""EXPLAIN on MySQL and MariaDB, as the plan view's tree (:class:`aurora_console.core.db.explain.Plan`).

Which statement is run, by server (:class:`~aurora_console.core.db.mysql_dialect.Flavour`):

============  ===============================  =========================================
server        Explain                          Analyze (runs the statement)
============  ===============================  =========================================
MySQL 8.0.18+ ``EXPLAIN FORMAT=TREE``          ``EXPLAIN ANALYZE`` (a tree, with times)
MySQL 8.0.16+ ``EXPLAIN FORMAT=TREE``          refused: the server has no EXPLAIN ANALYZE
older MySQL   ``EXPLAIN FORMAT=JSON``          refused
MariaDB       ``EXPLAIN FORMAT=JSON``          ``ANALYZE FORMAT=JSON`` (r_rows, r_loops, times)
============  ===============================  =========================================

Both outputs become the same tree as PostgreSQL's plan: a node per operation (table access,
join, sort, grouping, temporary table, subquery...), its estimated rows and cost where the server
gives one (MySQL's JSON ``cost_info``; the TREE format's ``cost=``; MariaDB 10.11's JSON has no
costs), and with Analyze the actual rows, loops and time. What has no counterpart in the
PostgreSQL model (buffers, startup cost) stays empty.
"""

from __future__ import annotations

import json
import re

from aurora_console.core.db.explain import Plan, PlanNode
from aurora_console.core.db.mysql_session import MySqlSession
from aurora_console.core.db.sql_errors import SqlError

__all__ = ["explain", "explain_statement", "parse_json_plan", "parse_tree_plan", "EXPLAINABLE"]

#: first words of the statements MySQL's EXPLAIN plans
EXPLAINABLE = frozenset({"select", "insert", "replace", "update", "delete", "table", "with", "values"})

_ACCESS = {
    "ALL": "Full table scan", "index": "Full index scan", "range": "Index range scan", "ref": "Index lookup",
    "eq_ref": "Unique index lookup", "const": "Constant row", "system": "System table row",
    "fulltext": "Full-text index", "ref_or_null": "Index lookup (or NULL)", "index_merge": "Index merge",
    "unique_subquery": "Unique subquery lookup", "index_subquery": "Subquery index lookup",
    "hash_ALL": "Hash join scan", "hash_range": "Hash join range", "hash_index": "Hash join index",
}
#: JSON keys that hold one operation (a dict), and the node title they get
_OPERATIONS = {
    "query_block": "Query block",
    "ordering_operation": "Sort",
    "filesort": "Sort (filesort)",
    "read_sorted_file": "Read sorted file",
    "grouping_operation": "Group",
    "duplicates_removal": "Remove duplicates",
    "temporary_table": "Temporary table",
    "union_result": "Union",
    "block-nl-join": "Block nested-loop join",
    "materialized_from_subquery": "Materialized subquery",
    "windowing": "Window",
    "buffer_result": "Buffer result",
    "subquery": "Subquery",
    "expression_cache": "Expression cache",
    "having_condition": "Having",
}
#: JSON keys that hold a list of operations
_LISTS = {"nested_loop": "Nested loop", "query_specifications": None, "subqueries": "Subqueries",
          "attached_subqueries": "Attached subqueries", "optimized_away_subqueries": "Subqueries (optimized away)",
          "windows": "Windows"}
_SKIPPED = {"cost_info", "r_engine_stats", "query_optimization", "possible_keys", "used_key_parts", "ref",
            "used_columns", "attached_condition", "message", "table"}


def _number(value) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _table_node(t: dict) -> PlanNode:
    access = str(t.get("access_type", ""))
    cost = t.get("cost_info") or {}
    rows = t.get("rows", t.get("rows_examined_per_scan", 0))
    node = PlanNode(
        node_type=_ACCESS.get(access, access or "Table"),
        startup_cost=0.0,
        total_cost=_number(cost.get("prefix_cost")) or 0.0,
        plan_rows=int(_number(rows) or 0),
    )
    node.self_cost = (_number(cost.get("read_cost")) or 0.0) + (_number(cost.get("eval_cost")) or 0.0)
    details = {"Relation Name": str(t.get("table_name", "?"))}
    if t.get("key"):
        details["Index Name"] = str(t["key"])
    if t.get("attached_condition"):
        details["Filter"] = str(t["attached_condition"])
    if t.get("filtered") is not None:
        details["Filtered %"] = str(t["filtered"])
    if t.get("using_index"):
        details["Using index"] = "yes (covering)"
    if t.get("message"):
        details["Note"] = str(t["message"])
    node.details = details
    _actuals(node, t)
    if t.get("r_table_time_ms") is not None or t.get("r_other_time_ms") is not None:
        node.self_ms = (_number(t.get("r_table_time_ms")) or 0.0) + (_number(t.get("r_other_time_ms")) or 0.0)
        loops = node.loops or 1
        node.actual_total_ms = node.self_ms / loops if loops else node.self_ms
    for key, value in t.items():
        if key in _OPERATIONS and isinstance(value, dict):
            node.children.append(_operation(key, value))
    return node


def _actuals(node: PlanNode, d: dict) -> None:
    """MariaDB's ANALYZE values: r_rows (per loop), r_loops, r_total_time_ms (all loops)."""
    if "r_loops" in d:
        node.loops = int(_number(d.get("r_loops")) or 0)
    if "r_rows" in d:
        node.actual_rows = _number(d.get("r_rows")) or 0.0
    total = _number(d.get("r_total_time_ms"))
    if total is not None:
        loops = node.loops or 1
        node.actual_total_ms = total / loops if loops else total


def _operation(key: str, d: dict) -> PlanNode:
    title = _OPERATIONS.get(key, key.replace("_", " ").capitalize())
    if key == "query_block" and d.get("select_id") is not None:
        title = f"Query block #{d['select_id']}"
    cost = d.get("cost_info") or {}
    node = PlanNode(node_type=title, startup_cost=0.0,
                    total_cost=_number(cost.get("query_cost") or cost.get("sort_cost")) or 0.0, plan_rows=0)
    details = {}
    if d.get("sort_key"):
        details["Sort Key"] = str(d["sort_key"])
    if d.get("using_filesort"):
        details["Strategy"] = "filesort"
    if d.get("using_temporary_table"):
        details["Temporary table"] = "yes"
    if d.get("attached_condition"):
        details["Filter"] = str(d["attached_condition"])
    if d.get("join_type"):
        details["Join Type"] = str(d["join_type"])
    if d.get("message"):
        details["Note"] = str(d["message"])
    node.details = details
    _actuals(node, d)
    node.children = _children(d)
    if key == "query_block" and not node.plan_rows and node.children:
        node.plan_rows = node.children[-1].plan_rows
    return node


def _children(d: dict) -> list[PlanNode]:
    out: list[PlanNode] = []
    if isinstance(d.get("table"), dict):
        out.append(_table_node(d["table"]))
    for key, value in d.items():
        if key in _SKIPPED:
            continue
        if key in _OPERATIONS and isinstance(value, dict):
            out.append(_operation(key, value))
        elif key in _LISTS and isinstance(value, list):
            items: list[PlanNode] = []
            for element in value:  # {"table": ...}, {"query_block": ...}, {"block-nl-join": ...}
                if isinstance(element, dict):
                    items.extend(_children(element))
            title = _LISTS[key]
            if title is None or len(items) == 1:
                out.extend(items)
            elif items:
                group = PlanNode(node_type=title, startup_cost=0.0, total_cost=max(n.total_cost for n in items),
                                 plan_rows=items[-1].plan_rows, children=items)
                out.append(group)
    return out


def _finish(root: PlanNode, *, analyzed: bool, raw, execution_ms: float | None = None,
            slow_share: float = 0.2, top: int = 3) -> Plan:
    """Fill in what the server left out (self cost, self time) and mark the slowest nodes."""
    for n in root.walk():
        if not n.self_cost and n.total_cost:
            n.self_cost = max(0.0, n.total_cost - sum(c.total_cost for c in n.children))
        if analyzed and n.self_ms is None and n.actual_total_ms is not None:
            total = n.actual_total_ms * (n.loops or 1)
            kids = sum((c.actual_total_ms or 0.0) * (c.loops or 1) for c in n.children)
            n.self_ms = max(0.0, total - kids)
    analyzed = analyzed and any(n.actual_total_ms is not None for n in root.walk())
    plan = Plan(root, analyzed=analyzed, execution_ms=execution_ms, raw=raw)
    measure = (lambda x: x.self_ms or 0.0) if analyzed else (lambda x: x.self_cost)
    total = sum(measure(n) for n in root.walk())
    for n in plan.slowest(top):
        if total > 0 and measure(n) >= slow_share * total:
            n.slow = True
    return plan


def parse_json_plan(doc) -> Plan:
    """``EXPLAIN FORMAT=JSON`` (MySQL or MariaDB) or MariaDB's ``ANALYZE FORMAT=JSON`` output."""
    if isinstance(doc, (bytes, bytearray)):
        doc = doc.decode("utf-8", "replace")
    if isinstance(doc, str):
        doc = json.loads(doc)
    if not isinstance(doc, dict) or not isinstance(doc.get("query_block"), dict):
        raise ValueError("not a MySQL JSON plan (no query_block)")
    root = _operation("query_block", doc["query_block"])
    opt = doc.get("query_optimization") or {}
    analyzed = any(n.loops is not None or n.actual_rows is not None for n in root.walk())
    plan = _finish(root, analyzed=analyzed, raw=doc,
                   execution_ms=_number(doc["query_block"].get("r_total_time_ms")))
    plan.planning_ms = _number(opt.get("r_total_time_ms"))
    return plan


# -- MySQL 8's TREE format ("-> Operation  (cost=1.25 rows=3) (actual time=0.1..0.2 rows=3 loops=1)") --
_TREE_LINE = re.compile(r"(?P<indent> *)-> (?P<body>.*)")
_NUM = r"[0-9]+(?:\.[0-9]+)?(?:e[-+]?[0-9]+)?"
_COST = re.compile(rf"\(cost=(?P<start>{_NUM})(?:\.\.(?P<total>{_NUM}))? rows=(?P<rows>{_NUM})\)")
_ACTUAL = re.compile(rf"\(actual time=(?P<first>{_NUM})\.\.(?P<last>{_NUM}) rows=(?P<rows>{_NUM}) "
                     r"loops=(?P<loops>[0-9]+)\)")
_NEVER = re.compile(r"\(never executed\)")
_ON_TABLE = re.compile(r"\bon (?P<table>\S+?)(?: using (?P<index>\S+?))?(?:\s|$)")


def parse_tree_plan(text: str) -> Plan:
    """``EXPLAIN FORMAT=TREE`` or ``EXPLAIN ANALYZE`` output (MySQL 8): one node per ``->`` line,
    its children indented below it; ``(cost=a..b rows=n)`` estimates and ``(actual time=first..last
    rows=n loops=l)`` measurements (time per loop, milliseconds)."""
    if isinstance(text, (bytes, bytearray)):
        text = text.decode("utf-8", "replace")
    stack: list[tuple[int, PlanNode]] = []
    root: PlanNode | None = None
    node: PlanNode | None = None
    for line in str(text).splitlines():
        m = _TREE_LINE.fullmatch(line.rstrip())
        if m is None:
            if node is not None and line.strip():  # a long condition continued on the next line
                node.details["Detail"] = (node.details.get("Detail", "") + " " + line.strip()).strip()
            continue
        depth = len(m.group("indent"))
        body = m.group("body")
        cut = min([i for i in (body.find("  (cost="), body.find(" (cost="), body.find(" (actual time="),
                                body.find(" (never executed)")) if i >= 0] or [len(body)])
        title = body[:cut].strip()
        cost, actual = _COST.search(body), _ACTUAL.search(body)
        node = PlanNode(node_type=title, startup_cost=0.0, total_cost=0.0, plan_rows=0)
        if cost:
            total = cost.group("total") or cost.group("start")
            node.startup_cost = float(cost.group("start")) if cost.group("total") else 0.0
            node.total_cost = float(total)
            node.plan_rows = int(float(cost.group("rows")))
        if actual:
            node.actual_total_ms = float(actual.group("last"))
            node.actual_rows = float(actual.group("rows"))
            node.loops = int(actual.group("loops"))
        elif _NEVER.search(body):
            node.actual_rows, node.loops, node.actual_total_ms = 0.0, 0, 0.0
        on = _ON_TABLE.search(title)
        if on:
            node.details["Relation Name"] = on.group("table")
            if on.group("index"):
                node.details["Index Name"] = on.group("index").rstrip(")")
        while stack and stack[-1][0] >= depth:
            stack.pop()
        if stack:
            stack[-1][1].children.append(node)
        elif root is None:
            root = node
        else:  # a second top-level line: both under one node
            root = PlanNode(node_type="Plan", startup_cost=0.0, total_cost=root.total_cost, plan_rows=root.plan_rows,
                            children=[root, node])
        stack.append((depth, node))
    if root is None:
        raise ValueError("not a MySQL TREE plan (no '->' line)")
    analyzed = any(n.actual_total_ms is not None for n in root.walk())
    return _finish(root, analyzed=analyzed, raw=text,
                   execution_ms=root.actual_total_ms if analyzed else None)


def explain_statement(flavour, sql: str, *, analyze: bool = False) -> tuple[str, str]:
    """``(statement to run, "json" or "tree")`` for EXPLAIN (or Analyze) of ``sql`` on ``flavour``."""
    body = sql.strip()
    if body.endswith(";"):
        body = body[:-1].rstrip()
    if analyze:
        if flavour.mariadb:
            return f"ANALYZE FORMAT=JSON {body}", "json"
        if flavour.explain_analyze:
            return f"EXPLAIN ANALYZE {body}", "tree"
        raise SqlError(f"EXPLAIN ANALYZE needs MySQL 8.0.18 or later (this server is {flavour.name} "
                       f"{'.'.join(map(str, flavour.version))}).", statement=sql,
                       hint="Use Explain (the plan without running the statement).")
    if flavour.explain_tree:
        return f"EXPLAIN FORMAT=TREE {body}", "tree"
    return f"EXPLAIN FORMAT=JSON {body}", "json"


def explain(session: MySqlSession, sql: str, *, analyze: bool = False, task=None) -> Plan:
    """EXPLAIN ``sql`` on the session's server (Analyze runs it: the caller confirms that for writes)."""
    from aurora_console.core.db.mysql_query import run_statement

    _ = session.conn  # connected: the server's flavour is known
    statement, fmt = explain_statement(session.flavour, sql, analyze=analyze)
    try:
        result = run_statement(session, statement, stream=False, task=task)
    except SqlError as err:
        if err.position:
            err.position = max(1, err.position - (len(statement) - len(sql.strip().rstrip(";").rstrip())))
        err.statement = sql
        raise
    if not result.rows:
        raise SqlError("The server returned no plan.", statement=sql)
    text = result.rows[0][0]
    try:
        return parse_tree_plan(text) if fmt == "tree" else parse_json_plan(text)
    except ValueError as exc:
        raise SqlError(f"Could not read the server's plan: {exc}", statement=sql, detail=str(text)[:2000]) from None
