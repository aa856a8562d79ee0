import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aurora_console.core.db.content.changes import ChangeSet, Conflict, ReadOnly
from aurora_console.core.db.content.introspect import Column, TableInfo
from aurora_console.core.db.content.pager import Row
from aurora_console.core.db.content.store import PendingStore
from aurora_console.core.db.content.values import InvalidValue

pytestmark = pytest.mark.unit


def col(name, base="text", **kw):
    return Column(name=name, type_name=base, type_schema="pg_catalog", type_ident=base, base_type=base, **kw)


INFO = TableInfo("public", "posts", "r", (
    col("id", "int4", nullable=False, default="nextval('posts_id_seq'::regclass)"),
    col("title", "varchar", max_length=20, nullable=False),
    col("body"),
    col("api_token", secret=True),
    col("updated_at", "timestamptz", set_by_trigger=True, default="now()"),
), ("id",))


def row(i, title="t", body=None):
    return Row((str(i),), "100", {"id": str(i), "title": title, "body": body, "api_token": "s3cret",
                                  "updated_at": "2026-01-01 00:00:00+00"})


def test_edits_merge_per_row_and_undo_to_nothing():
    cs = ChangeSet(INFO)
    r = row(1, "old")
    first = cs.edit(r, "title", "new")
    second = cs.edit(r, "body", "")
    assert first is second and first.values == {"title": "new", "body": ""} and len(cs) == 1
    assert cs.cell_value(r, "title") == "new" and cs.cell_value(r, "body") == ""
    cs.edit(r, "title", "old")
    cs.edit(r, "body", None)  # back to NULL, as loaded
    assert len(cs) == 0
    with pytest.raises(InvalidValue):
        cs.edit(r, "title", "x" * 21)
    with pytest.raises(ReadOnly, match="trigger"):
        cs.edit(r, "updated_at", "2026-02-02")
    cs.allow_trigger_columns = True
    assert cs.edit(r, "updated_at", "2026-02-02") is not None


def test_delete_replaces_edits_and_blocks_more_edits():
    cs = ChangeSet(INFO)
    r = row(2)
    cs.edit(r, "title", "x")
    cs.delete(r)
    assert cs.counts() == {"update": 0, "insert": 0, "delete": 1}
    with pytest.raises(ReadOnly, match="marked for deletion"):
        cs.edit(r, "title", "y")


def test_duplicate_leaves_out_what_the_server_fills():
    cs = ChangeSet(INFO)
    dup = cs.duplicate(row(3, "copy me", "body"))
    assert dup.values == {"title": "copy me", "body": "body", "api_token": "s3cret"}


def test_read_only_reasons_add_up():
    cs = ChangeSet(TableInfo("public", "loose", "r", (col("x"),), ()), read_only_reason="profile is read-only")
    assert "no primary key" in cs.read_only_reason and "profile is read-only" in cs.read_only_reason
    with pytest.raises(ReadOnly):
        cs.insert({"x": "1"})


def test_conflict_resolution():
    cs = ChangeSet(INFO)
    r = row(4, "mine-base")
    change = cs.edit(r, "title", "mine")
    theirs = dict(r.values, title="theirs")
    cs.mark(change.id, conflict=Conflict(change.id, "update", r.key, {"title": "mine"}, dict(r.values), theirs, "200"))
    assert cs.conflicts()[0].changed_columns() == ["title"]
    cs.keep_mine(change.id)
    assert change.xmin == "200" and change.conflict is None and change.values == {"title": "mine"}
    cs.take_theirs(change.id)
    assert len(cs) == 0


texts = st.one_of(st.none(), st.text(max_size=20).filter(lambda t: "\x00" not in t))


@settings(max_examples=30, deadline=None)  # every edit is an fsync'd file write
@given(st.lists(st.tuples(st.integers(1, 50), texts, texts), max_size=10), st.text(max_size=10))
def test_pending_store_round_trip_without_secrets(tmp_path_factory, edits, suffix):
    token = "TOKEN-" + suffix.replace("\x00", "")
    root = tmp_path_factory.mktemp("pending")
    cs = ChangeSet(INFO)
    store = PendingStore("prof/with:odd chars", "public", "posts", root)
    cs.listeners.append(store.write)
    for i, title, body in edits:
        r = row(i)
        try:
            cs.edit(r, "title", title if title is not None else "t")
            cs.edit(r, "body", body)
        except InvalidValue:
            pass
    cs.insert({"title": "new", "api_token": token})
    text = store.path.read_text()
    assert "s3cret" not in text and "TOKEN-" not in text
    restored = ChangeSet(INFO)
    dropped = store.load(restored)
    assert dropped == ["api_token"]
    assert [(c.kind, c.key, c.values) for c in restored] == \
        [(c.kind, c.key, {k: v for k, v in c.values.items() if k != "api_token"}) for c in cs]
    assert store.path.parent.parent.name == "content" and "/" not in store.path.parent.name
