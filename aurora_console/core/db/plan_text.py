"""A plan written as text read into :class:`~aurora_console.core.db.explain.Plan`: what
``auto_explain`` logs (its ``text`` format, EXPLAIN's indented tree, or its ``json`` format) so
the SQL editor's plan view shows a plan read in the PostgreSQL log.

The text format is read into the JSON format's shape (``Node Type``, ``Startup Cost``, ``Plans``
...) and handed to :func:`~aurora_console.core.db.explain.parse_plan`, so both formats give the
same nodes, self times and slow marks. A node line is the first line or one starting with
``->``; its children are the ``->`` lines indented deeper; the other lines under it are its
details (``Filter: ...``, ``Buffers: ...``). Lines that are not part of a plan (a ``Query
Text:`` line, ``Planning Time:``) are read where they say something and skipped otherwise.
"""

from __future__ import annotations

import json
import re

from aurora_console.core.db.explain import Plan, parse_plan

_NUM = r"[0-9]+(?:\.[0-9]+)?"
_NODE = re.compile(
    rf"(?P<name>.*?)(?:  \(cost=(?P<startup>{_NUM})\.\.(?P<total>{_NUM}) rows=(?P<rows>[0-9]+) width=[0-9]+\))?"
    rf"(?: \((?:actual (?:time=(?P<first>{_NUM})\.\.(?P<time>{_NUM}) )?rows=(?P<actual>{_NUM}) "
    rf"loops=(?P<loops>[0-9]+)|(?P<never>never executed))\))?\Z"
)
_ON = re.compile(r"(?P<type>.+?)(?: using (?P<index>\S+))? on (?P<rel>\S+)(?: (?P<alias>\S+))?\Z")
_DETAIL = re.compile(r"(?P<key>[A-Z][A-Za-z ]*): (?P<value>.*)\Z")
_BUFFER = re.compile(r"(?P<kind>shared|local|temp) (?P<counts>(?:[a-z]+=[0-9]+ ?)+)")
_TIMES = {"Planning Time": "Planning Time", "Planning time": "Planning Time",
          "Execution Time": "Execution Time", "Execution time": "Execution Time"}


class PlanTextError(ValueError):
    """The text is not a plan this module reads."""


def plan_from_text(text: str) -> Plan:
    """The plan of ``text``: auto_explain's JSON (a document with ``"Plan"``) or EXPLAIN's text
    format. Raises :class:`PlanTextError` when it is neither."""
    stripped = (text or "").strip()
    if stripped.startswith(("{", "[")):
        try:
            doc = json.loads(stripped)
            return parse_plan(doc)
        except (ValueError, KeyError, TypeError, IndexError, AttributeError) as exc:
            raise PlanTextError(f"not an EXPLAIN JSON document: {exc}") from exc
    return parse_plan(_document(stripped))


def logged_plan(text: str) -> Plan | None:
    """:func:`plan_from_text`, None when ``text`` is not a plan it reads."""
    try:
        return plan_from_text(text)
    except PlanTextError:
        return None


def _document(text: str) -> dict:
    doc: dict = {}
    stack: list[tuple[int, dict]] = []  # (column of the node's line, its JSON-shaped dict)
    for line in text.splitlines():
        body = line.strip()
        if not body:
            continue
        column = len(line) - len(line.lstrip())
        if body.startswith("->") and stack:
            node = _node(body[2:].strip())
            while stack and stack[-1][0] >= column:
                stack.pop()
            if not stack:
                raise PlanTextError(f"a child node outside the plan: {body!r}")
            stack[-1][1].setdefault("Plans", []).append(node)
            stack.append((column, node))
            continue
        detail = _DETAIL.match(body)
        if detail is not None and detail["key"] in _TIMES:
            doc[_TIMES[detail["key"]]] = float(detail["value"].split()[0])
            continue
        if not stack:
            if detail is not None and detail["key"] == "Query Text":
                continue
            node = _node(body)
            if "Startup Cost" not in node and "Actual Loops" not in node:
                raise PlanTextError(f"not a plan node: {body!r}")
            doc["Plan"] = node
            stack.append((column, node))
            continue
        if detail is not None:
            _add_detail(stack[-1][1], detail["key"], detail["value"])
    if "Plan" not in doc:
        raise PlanTextError("no plan in the text")
    return doc


def _node(body: str) -> dict:
    m = _NODE.match(body)
    node: dict = {}
    name = m["name"].strip() if m is not None else body
    on = _ON.match(name)
    if on is not None:
        node["Node Type"] = on["type"]
        node["Relation Name"] = on["rel"]
        if on["index"]:
            node["Index Name"] = on["index"]
        if on["alias"]:
            node["Alias"] = on["alias"]
    else:
        using = name.split(" using ", 1)
        node["Node Type"] = using[0]
        if len(using) == 2:
            node["Index Name"] = using[1].split()[0]
    if m is None:
        return node
    if m["startup"] is not None:
        node["Startup Cost"] = float(m["startup"])
        node["Total Cost"] = float(m["total"])
        node["Plan Rows"] = int(m["rows"])
    if m["never"]:
        node["Actual Rows"], node["Actual Loops"], node["Actual Total Time"] = 0, 0, 0.0
    elif m["loops"] is not None:
        node["Actual Rows"] = float(m["actual"])
        node["Actual Loops"] = int(m["loops"])
        if m["time"] is not None:
            node["Actual Total Time"] = float(m["time"])
    return node


def _add_detail(node: dict, key: str, value: str) -> None:
    if key == "Buffers":
        for b in _BUFFER.finditer(value):
            for pair in b["counts"].split():
                name, count = pair.split("=")
                node[f"{b['kind'].capitalize()} {name.capitalize()} Blocks"] = int(count)
        return
    node.setdefault(key, value)
