"""plan_from_text against the rig's real PostgreSQL: EXPLAIN's text format of a plan reads into
the same nodes, costs, rows and relations as its JSON format (the one the SQL editor runs)."""

from __future__ import annotations

import pytest

from aurora_console.core.db.explain import parse_plan
from aurora_console.core.db.plan_text import plan_from_text

pytestmark = pytest.mark.integration

QUERY = ("SELECT p.title, count(c.id) FROM posts p JOIN comments c ON c.post_id = p.id "
         "WHERE p.id > 1 GROUP BY p.title ORDER BY 2 DESC LIMIT 5")


def shape(plan):
    """Everything but the node's name: the text format writes HashAggregate where the JSON has
    Aggregate with Strategy Hashed (the plan view shows the text format's name)."""
    return [(n.details.get("Relation Name"), n.details.get("Index Name"), n.startup_cost,
             n.total_cost, n.plan_rows, n.actual_rows if n.loops else None, n.loops) for n in plan.root.walk()]


@pytest.mark.parametrize("options", ["", "ANALYZE, BUFFERS, "])
def test_text_and_json_formats_of_one_plan_read_alike(new_database, options):
    db = new_database()
    with db.connect(autocommit=True) as conn:
        conn.execute("CREATE TABLE posts (id int PRIMARY KEY, title text)")
        conn.execute("CREATE TABLE comments (id int PRIMARY KEY, post_id int REFERENCES posts)")
        conn.execute("INSERT INTO posts SELECT g, 't' || g FROM generate_series(1, 200) g")
        conn.execute("INSERT INTO comments SELECT g, 1 + g % 200 FROM generate_series(1, 2000) g")
        conn.execute("ANALYZE")
        conn.execute("SET max_parallel_workers_per_gather = 0")
        text = "\n".join(r[0] for r in conn.execute(f"EXPLAIN ({options}FORMAT TEXT) {QUERY}"))
        (doc,) = conn.execute(f"EXPLAIN ({options}FORMAT JSON) {QUERY}").fetchone()
    from_text, from_json = plan_from_text(text), parse_plan(doc)
    assert shape(from_text) == shape(from_json), text
    assert len(list(from_text.root.walk())) >= 4
    assert from_text.analyzed == bool(options)
