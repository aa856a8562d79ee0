"""EXPLAIN as a tree: run ``EXPLAIN (FORMAT JSON)`` (optionally ANALYZE, BUFFERS) and parse it;
and the EXPLAIN statement for a statement another screen hands to the SQL editor."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

from aurora_console.core.db.query import run_statement
from aurora_console.core.db.session import DbSession
from aurora_console.core.db.sql_errors import SqlError
from aurora_console.core.db.sql_split import tokenize

#: first words of the statements EXPLAIN plans (PostgreSQL's EXPLAIN synopsis: SELECT, INSERT,
#: UPDATE, DELETE, MERGE, VALUES, EXECUTE, DECLARE; WITH and TABLE are SELECTs)
EXPLAINABLE = frozenset({"select", "insert", "update", "delete", "merge", "values", "with", "table", "execute",
                         "declare"})
#: server_version_num from which ``EXPLAIN (GENERIC_PLAN)`` plans a statement with $n parameters
GENERIC_PLAN_VERSION = 160000
_PARAMETER = re.compile(r"\$([0-9]+)")

_SHOWN = (
    "Relation Name",
    "Alias",
    "Index Name",
    "Join Type",
    "Strategy",
    "Filter",
    "Index Cond",
    "Hash Cond",
    "Merge Cond",
    "Join Filter",
    "Sort Key",
    "Group Key",
    "Rows Removed by Filter",
)


@dataclass
class PlanNode:
    node_type: str
    startup_cost: float
    total_cost: float
    plan_rows: int
    actual_rows: float | None = None
    loops: int | None = None
    actual_total_ms: float | None = None  # per loop, as the server reports it
    self_ms: float | None = None  # exclusive time over all loops
    self_cost: float = 0.0
    buffers: dict[str, int] = field(default_factory=dict)
    details: dict[str, str] = field(default_factory=dict)
    children: list[PlanNode] = field(default_factory=list)
    slow: bool = False

    @property
    def title(self) -> str:
        rel = self.details.get("Relation Name") or self.details.get("Index Name")
        return f"{self.node_type} on {rel}" if rel else self.node_type

    def walk(self):
        yield self
        for c in self.children:
            yield from c.walk()


@dataclass
class Plan:
    root: PlanNode
    analyzed: bool
    planning_ms: float | None = None
    execution_ms: float | None = None
    raw: object = None

    def slowest(self, n: int = 3) -> list[PlanNode]:
        key = (lambda x: x.self_ms or 0.0) if self.analyzed else (lambda x: x.self_cost)
        return sorted(self.root.walk(), key=key, reverse=True)[:n]


def _node(d: dict) -> PlanNode:
    n = PlanNode(
        node_type=d.get("Node Type", "?"),
        startup_cost=float(d.get("Startup Cost", 0.0)),
        total_cost=float(d.get("Total Cost", 0.0)),
        plan_rows=int(d.get("Plan Rows", 0)),
        actual_rows=d.get("Actual Rows"),
        loops=d.get("Actual Loops"),
        actual_total_ms=d.get("Actual Total Time"),
    )
    n.buffers = {
        k: int(v) for k, v in d.items() if k.startswith(("Shared ", "Local ", "Temp ")) and isinstance(v, int)
    }
    n.details = {
        k: (", ".join(map(str, d[k])) if isinstance(d[k], list) else str(d[k])) for k in _SHOWN if k in d
    }
    n.children = [_node(c) for c in d.get("Plans", [])]
    n.self_cost = max(0.0, n.total_cost - sum(c.total_cost for c in n.children))
    if n.actual_total_ms is not None:
        total = n.actual_total_ms * (n.loops or 1)
        kids = sum((c.actual_total_ms or 0.0) * (c.loops or 1) for c in n.children)
        n.self_ms = max(0.0, total - kids)
    return n


def parse_plan(doc, *, slow_share: float = 0.2, top: int = 3) -> Plan:
    """Parse EXPLAIN JSON output; flag the ``top`` nodes by exclusive time (or cost when not
    analysed) that also take at least ``slow_share`` of the total."""
    if isinstance(doc, str):
        doc = json.loads(doc)
    entry = doc[0] if isinstance(doc, list) else doc
    root = _node(entry["Plan"])
    plan = Plan(
        root,
        analyzed=root.actual_total_ms is not None,
        planning_ms=entry.get("Planning Time"),
        execution_ms=entry.get("Execution Time"),
        raw=doc,
    )
    if plan.analyzed:
        total = sum(n.self_ms or 0.0 for n in root.walk())
        measure = lambda x: x.self_ms or 0.0  # noqa: E731
    else:
        total = sum(n.self_cost for n in root.walk())
        measure = lambda x: x.self_cost  # noqa: E731
    for n in plan.slowest(top):
        if total > 0 and measure(n) >= slow_share * total:
            n.slow = True
    return plan


def explain(session: DbSession, sql: str, *, analyze: bool = False, task=None) -> Plan:
    """EXPLAIN ``sql`` (ANALYZE executes it: the caller confirms that for writes)."""
    opts = "ANALYZE, BUFFERS, FORMAT JSON" if analyze else "FORMAT JSON"
    body = sql.strip().rstrip(";")
    prefix = f"EXPLAIN ({opts}) "
    try:
        result = run_statement(session, prefix + body, stream=False, task=task)
    except SqlError as err:
        if err.position:
            err.position = max(1, err.position - len(prefix))
        err.statement = body
        raise
    return parse_plan(result.rows[0][0])


def _significant_tokens(sql: str):
    return [(t.kind, sql[t.start:t.end]) for t in tokenize(sql) if t.kind not in ("space", "comment")]


def statement_parameters(sql: str) -> list[int]:
    """The numbers of the ``$n`` parameters in ``sql`` (as pg_stat_statements writes constants),
    sorted, once each; none inside strings, quoted identifiers, dollar quotes or comments."""
    found = set()
    for kind, text in _significant_tokens(sql):
        if kind == "other" and (m := _PARAMETER.fullmatch(text)):
            found.add(int(m.group(1)))
    return sorted(found)


def explainable(sql: str | None) -> bool:
    """Whether EXPLAIN can plan ``sql``: its first word (after comments and opening parentheses)
    is one of :data:`EXPLAINABLE`. Utility statements (CREATE INDEX, VACUUM, COPY...) are not."""
    if not isinstance(sql, str):
        return False
    for kind, text in _significant_tokens(sql):
        if kind == "open_paren":
            continue
        return kind == "ident" and text.lower() in EXPLAINABLE
    return False


def explain_text(sql: str, *, server_version: int | None = None) -> str:
    """The text to open in the SQL editor to see the plan of ``sql`` (nothing runs until the user
    runs it; EXPLAIN without ANALYZE never executes the statement). Constants that
    pg_stat_statements replaced by ``$n``: from PostgreSQL 16 (``server_version``, as
    ``server_version_num``) ``EXPLAIN (GENERIC_PLAN)`` plans the text as it is; before (or not
    known) a comment above says to put values in their place."""
    body = sql.strip()
    if body.endswith(";"):
        body = body[:-1].rstrip()
    params = statement_parameters(body)
    if not params:
        return f"EXPLAIN\n{body}"
    if server_version is not None and server_version >= GENERIC_PLAN_VERSION:
        return f"EXPLAIN (GENERIC_PLAN)\n{body}"
    names = f"${params[0]}" if len(params) == 1 else f"${params[0]}..${params[-1]}"
    return (f"-- pg_stat_statements wrote {names} where the statement had constants: put values in\n"
            f"-- their place before running (PostgreSQL 16 and later plan it as written with\n"
            f"-- EXPLAIN (GENERIC_PLAN))\nEXPLAIN\n{body}")
