"""The content page object never reports a refusal as success (issue 14: page objects that
report failure): a refused filter raises with the grid's message instead of returning the
unfiltered rows, and a failed table open raises with that call's own error."""

import pytest

from aurora_console.testing.pages_content import TableNotOpened, ViewRefused

pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore("does not support propagateSizeHints")]


def test_refused_filters_raise_with_the_grids_message(open_workspace, blog_db):
    with blog_db.connect(autocommit=True) as conn:
        conn.execute("CREATE TABLE hosts (id int PRIMARY KEY, addr inet)")
        conn.execute("INSERT INTO hosts VALUES (1, '10.0.0.1'), (2, '10.0.0.2')")
    content = open_workspace(blog_db.dsn)
    posts = content.table("posts")
    assert len(posts.rows()) == 21

    # a value that does not fit the column's type: refused before any query
    with pytest.raises(ViewRefused) as refused:
        posts.filter("id", "=", "abc")
    assert str(refused.value) == "id: 'abc' is not a whole number"
    assert posts.grid.status.text() == str(refused.value)  # what the grid shows
    # an unknown column: the grid's sentence, without KeyError's quotes
    with pytest.raises(ViewRefused, match=r"\Apublic\.posts has no column 'nope'\Z"):
        posts.filter("nope", "=", "1")
    with pytest.raises(ViewRefused, match="unknown filter operator"):
        posts.filter("title", "like", "x")
    with pytest.raises(ViewRefused, match="no column 'nope'"):
        posts.sort("nope")
    assert posts.grid.editor.pager.filters == ()  # nothing refused was kept
    assert posts.grid.filter_bar.label.text() == ""

    # a value only the server can judge (inet): the server's refusal, and the grid keeps its view
    hosts = content.table("public.hosts")
    assert len(hosts.filter("addr", "=", "10.0.0.2")) == 1
    with pytest.raises(ViewRefused, match="invalid input syntax for type inet") as refused:
        hosts.filter("addr", "<>", "not-an-address")
    assert hosts.grid.status.text() == str(refused.value)
    assert [f.value for f in hosts.grid.editor.pager.filters] == ["10.0.0.2"]
    assert hosts.grid.filter_bar.label.text() == "addr = 10.0.0.2"
    assert [r["id"] for r in hosts.page("refresh")] == ["2"]  # the previous filter still applies
    # a good filter after the refusals works and does not raise an earlier message
    assert [r["id"] for r in posts.filter("id", "=", "3")] == ["3"]


def test_a_failed_open_raises_its_own_error_not_the_previous_one(open_workspace, blog_db):
    content = open_workspace(blog_db.dsn)
    with pytest.raises(TableNotOpened, match="public.missing_one") as first:
        content.table("public.missing_one")
    assert "missing_one" in content.workspace.status.text()
    with pytest.raises(TableNotOpened) as second:
        content.table("public.missing_two")
    assert "missing_two" in str(second.value) and "missing_one" not in str(second.value)
    assert "missing_one" not in content.workspace.status.text()
    assert str(first.value) != str(second.value)

    # a table that exists opens after a failure (the old error is not taken for this call's)
    with blog_db.connect(autocommit=True) as conn:
        conn.execute("CREATE TABLE tags (id int PRIMARY KEY, name text)")
        conn.execute("INSERT INTO tags VALUES (1, 'aurora')")
    tags = content.table("public.tags")
    assert tags.rows() == [{"id": "1", "name": "aurora"}]
    assert content.workspace.last_error == ""


def test_insert_refusal_carries_this_calls_message(open_workspace, blog_db):
    content = open_workspace(blog_db.dsn)
    posts = content.table("posts")
    with pytest.raises(ValueError, match="id: 'x' is not a whole number"):
        posts.insert({"id": "x"})
    with pytest.raises(ValueError) as second:
        posts.insert({"user_id": "y"})
    assert "user_id" in str(second.value) and "'x'" not in str(second.value)
