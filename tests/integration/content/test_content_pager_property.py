"""Property: walking the pages (either way, any sort) yields exactly ORDER BY sort, key."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aurora_console.core.db.content.introspect import introspect_table
from aurora_console.core.db.content.pager import Pager, Sort

pytestmark = pytest.mark.integration


@pytest.fixture
def dup_table(blog):
    conn = blog.connection()
    conn.execute("CREATE TABLE dups (id int PRIMARY KEY, v int, w text)")
    return conn, introspect_table(conn, "public", "dups")


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(values=st.lists(st.one_of(st.none(), st.integers(0, 3)), max_size=40),
       page_size=st.integers(1, 7), column=st.sampled_from([None, "v", "w"]), descending=st.booleans())
def test_pages_cover_every_row_once_in_order(dup_table, values, page_size, column, descending):
    conn, info = dup_table
    conn.execute("TRUNCATE dups")
    with conn.cursor() as cur:
        cur.executemany("INSERT INTO dups VALUES (%s, %s, %s)",
                        [(i, v, None if v is None else f"t{v}") for i, v in enumerate(values)])
    direction = "DESC" if descending else "ASC"
    nulls = "NULLS FIRST" if descending else "NULLS LAST"
    order = f"{column} {direction} {nulls}, id {direction}" if column else f"id {direction}"
    expected = [r[0] for r in conn.execute(f"SELECT id FROM dups ORDER BY {order}")]
    pager = Pager(info, page_size, sort=Sort(column, descending))
    page, forward = pager.first(conn), []
    forward += [int(r.key[0]) for r in page.rows]
    while page.has_next:
        page = pager.next(conn, page)
        forward += [int(r.key[0]) for r in page.rows]
    assert forward == expected
    page = pager.last(conn)
    backward = [int(r.key[0]) for r in page.rows]
    while page.has_previous:
        page = pager.previous(conn, page)
        backward = [int(r.key[0]) for r in page.rows] + backward
    assert backward == expected
