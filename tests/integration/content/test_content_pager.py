import pytest

from aurora_console.core.db.content.introspect import introspect_table
from aurora_console.core.db.content.pager import Filter, Pager, Sort
from aurora_console.core.db.content.values import InvalidValue

pytestmark = pytest.mark.integration


@pytest.fixture
def big(blog):
    conn = blog.connection()
    conn.execute("CREATE TABLE big (id int PRIMARY KEY, grp int, label text)")
    conn.execute("INSERT INTO big SELECT g, g % 7, CASE WHEN g % 5 = 0 THEN NULL ELSE 'row ' || g END "
                 "FROM generate_series(1, 200000) g")
    conn.execute("ANALYZE big")
    return conn, introspect_table(conn, "public", "big")


def ids(page):
    return [int(r.key[0]) for r in page.rows]


def test_keyset_pages_forward_backward_and_last(big):
    conn, info = big
    pager = Pager(info, page_size=100)
    first = pager.first(conn)
    assert ids(first) == list(range(1, 101)) and first.has_next and not first.has_previous
    second = pager.next(conn, first)
    assert ids(second) == list(range(101, 201)) and second.has_previous
    assert ids(pager.previous(conn, second)) == list(range(1, 101))
    last = pager.last(conn)
    assert ids(last) == list(range(199901, 200001)) and not last.has_next and last.has_previous
    before_last = pager.previous(conn, last)
    assert ids(before_last) == list(range(199801, 199901))
    end = pager.next(conn, last)
    assert ids(end) == ids(last) and not end.has_next
    assert first.rows[4].values["label"] is None and first.rows[0].values["label"] == "row 1"


def test_no_offset_in_the_plan(big):
    conn, info = big
    query, params = Pager(info, 50).page_query(Pager(info, 50).last(conn).rows[0], forward=True)
    text = query.as_string(conn)
    assert "OFFSET" not in text.upper() and '"id"' in text
    plan = "\n".join(r[0] for r in conn.execute(b"EXPLAIN " + query.as_bytes(conn), params))
    assert "Index" in plan  # the keyset condition walks the primary-key index


def test_sort_with_nulls_and_tie_breaker_walks_every_row_once(big):
    conn, info = big
    conn.execute("DELETE FROM big WHERE id > 2000")
    expected_asc = [r[0] for r in conn.execute(
        "SELECT id FROM big ORDER BY label ASC NULLS LAST, id ASC")]
    for descending, expected in ((False, expected_asc),
                                 (True, [r[0] for r in conn.execute(
                                     "SELECT id FROM big ORDER BY label DESC NULLS FIRST, id DESC")])):
        pager = Pager(info, page_size=137, sort=Sort("label", descending))
        page, seen = pager.first(conn), []
        seen += ids(page)
        while page.has_next:
            page = pager.next(conn, page)
            seen += ids(page)
        assert seen == expected
        # and backwards from the end
        page, back = pager.last(conn), []
        back = ids(page) + back
        while page.has_previous:
            page = pager.previous(conn, page)
            back = ids(page) + back
        assert back == expected


def test_filters_are_parameters_and_typed(big):
    conn, info = big
    pager = Pager(info, 10, filters=[Filter("grp", "=", "3"), Filter("label", "contains", "99%")])
    query, params = pager.page_query(None, True)
    assert "99" not in query.as_string(conn) and "%99\\%%" in params
    assert pager.first(conn).rows == []
    page = Pager(info, 10, filters=[Filter("grp", "=", "3"), Filter("label", "starts with", "row 1")]).first(conn)
    assert all(int(r.values["grp"]) == 3 and r.values["label"].startswith("row 1") for r in page.rows)
    assert ids(Pager(info, 5, filters=[Filter("label", "is null"), Filter("id", "<", "30")]).first(conn)) == \
        [5, 10, 15, 20, 25]
    hostile = Pager(info, 5, filters=[Filter("label", "=", "x'; DROP TABLE big; --")])
    assert hostile.first(conn).rows == []
    assert conn.execute("SELECT count(*) FROM big").fetchone()[0] == 200000
    with pytest.raises(InvalidValue):
        Pager(info, 5, filters=[Filter("grp", ">", "not a number")])
    n, exact = Pager(info, 5, filters=[Filter("grp", "=", "0")]).count(conn, exact_limit=1000)
    assert (n, exact) == (1000, False)


def test_composite_key_paging(blog):
    conn = blog.connection()
    conn.execute("CREATE TABLE pairs (a int, b text, v int, PRIMARY KEY (a, b))")
    conn.execute("INSERT INTO pairs SELECT g / 10, 'k' || (g % 10), g FROM generate_series(0, 999) g")
    info = introspect_table(conn, "public", "pairs")
    pager = Pager(info, 33)
    expected = [(str(a), b) for a, b in conn.execute("SELECT a, b FROM pairs ORDER BY a, b")]
    page, seen = pager.first(conn), []
    seen += [r.key for r in page.rows]
    while page.has_next:
        page = pager.next(conn, page)
        seen += [r.key for r in page.rows]
    assert seen == expected
    assert [r.key for r in pager.last(conn).rows] == expected[-33:]


def test_table_without_key_pages_on_ctid(blog):
    conn = blog.connection()
    conn.execute("CREATE TABLE loose (x int)")
    conn.execute("INSERT INTO loose SELECT generate_series(1, 250)")
    info = introspect_table(conn, "public", "loose")
    pager = Pager(info, 100)
    p1 = pager.first(conn)
    p2 = pager.next(conn, p1)
    p3 = pager.next(conn, p2)
    values = [int(r.values["x"]) for p in (p1, p2, p3) for r in p.rows]
    assert values == list(range(1, 251)) and not p3.has_next


def test_views_show_a_first_page_read_only(blog):
    conn = blog.connection()
    conn.execute("CREATE VIEW recent_posts AS SELECT id, title FROM posts WHERE id > 10")
    view = blog.table("recent_posts")
    assert "not a plain table" in view.read_only_reason and "only the first" in view.pager.limit_reason
    page = view.first()
    assert sorted(int(r.values["id"]) for r in page.rows) == list(range(11, 22))
    assert not page.has_next and view.next().rows == page.rows and view.last().rows
    assert page.rows[0].key == ("#1",) and page.rows[0].xmin is None
    by_title = view.set_view(sort=Sort("title"))
    titles = [r.values["title"] for r in by_title.rows]
    assert titles == sorted(titles)


def test_bytea_is_previewed_not_loaded_whole(blog):
    conn = blog.connection()
    conn.execute("CREATE TABLE blobs (id int PRIMARY KEY, data bytea)")
    conn.execute("INSERT INTO blobs VALUES (1, decode(repeat('ab', 100000), 'hex')), (2, '\\x0102')")
    page = blog.table("blobs").first()
    big, small = page.rows[0].values["data"], page.rows[1].values["data"]
    assert big.startswith("\\xabab") and len(big) == 1026 and small == "\\x0102"
