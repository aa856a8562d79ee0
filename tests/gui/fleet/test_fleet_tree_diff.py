"""Property test: any sequence of refreshes leaves the tree equal to the last inventory, through
inserts, removals and data changes only (never a reset), and Qt's model tester stays happy."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PySide6.QtCore import QModelIndex
from PySide6.QtTest import QAbstractItemModelTester

from aurora_console.core.aws.fleet.models import Cluster, GlobalCluster, Instance, RegionInventory
from aurora_console.ui.fleet.filter_model import FleetFilterModel, parse_filter
from aurora_console.ui.fleet.tree_model import KEY_ROLE, FleetTreeModel

pytestmark = pytest.mark.gui

_cluster = st.tuples(
    st.sampled_from(["a", "b", "c", "d"]),
    st.sets(st.integers(1, 4), max_size=4),
    st.sampled_from(["available", "modifying", "stopped"]),
    st.integers(1, 4),
    st.booleans(),
)


def _inventory(spec) -> RegionInventory:
    clusters, globals_ = [], set()
    for cid, members, status, writer, in_global in {c[0]: c for c in spec}.values():
        insts = tuple(Instance(f"{cid}-{n}", cid, "writer" if n == writer else "reader", n, "db.r6g.large",
                               "us-east-1a", status) for n in sorted(members))
        gid = "g1" if in_global else ""
        globals_ |= {gid} - {""}
        clusters.append(Cluster(cid, "aurora-postgresql", "15.4", status, instances=insts, global_cluster_id=gid))
    return RegionInventory("p", "us-east-1", clusters=tuple(sorted(clusters, key=lambda c: c.id)),
                           global_clusters=tuple(GlobalCluster(g) for g in sorted(globals_)))


def _tree(model, parent=None) -> dict:
    parent = parent if parent is not None else QModelIndex()
    out = {}
    for row in range(model.rowCount(parent)):
        idx = model.index(row, 0, parent)
        out[idx.data(KEY_ROLE)] = (idx.data(), model.index(row, 2, parent).data(), _tree(model, idx))
    return out


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.lists(_cluster, max_size=4), min_size=1, max_size=5))
def test_refresh_sequences_match_a_fresh_build(qapp, steps):
    model = FleetTreeModel()
    QAbstractItemModelTester(model, QAbstractItemModelTester.FailureReportingMode.Fatal)
    proxy = FleetFilterModel()
    proxy.setSourceModel(model)
    QAbstractItemModelTester(proxy, QAbstractItemModelTester.FailureReportingMode.Fatal)
    resets = []
    model.modelAboutToBeReset.connect(lambda: resets.append(1))
    for spec in steps:
        inv = _inventory(spec)
        model.set_region(inv)
        fresh = FleetTreeModel()
        fresh.set_region(inv)
        assert _tree(model) == _tree(fresh)
    assert resets == []


@given(st.text(max_size=40))
def test_filter_parser_accepts_anything(text):
    terms = parse_filter(text)
    assert all(t.field in ("", "id", "engine", "status", "role", "tag") for t in terms)
    assert all(t.value == t.value.lower() and t.value for t in terms)


def _walk(model, parent=None):
    parent = parent if parent is not None else QModelIndex()
    for row in range(model.rowCount(parent)):
        idx = model.index(row, 0, parent)
        yield idx
        yield from _walk(model, idx)


@pytest.mark.parametrize("text", ["", "c-2", "status:stopped", "nothing-matches"])
def test_proxy_has_children_agrees_with_its_row_count(qapp, text):
    """The unfiltered shortcut in hasChildren answers what the rows say, and so does the filtered
    path (the view draws expand arrows from it)."""
    model = FleetTreeModel()
    model.set_region(_inventory([("a", {1, 2}, "available", 1, True), ("b", set(), "stopped", 1, False),
                                 ("c", {2, 3}, "available", 2, False)]))
    proxy = FleetFilterModel()
    proxy.setSourceModel(model)
    proxy.set_filter(text)
    rows = list(_walk(proxy))
    assert rows or text == "nothing-matches"
    for idx in rows:
        assert proxy.hasChildren(idx) == (proxy.rowCount(idx) > 0), idx.data()
    assert proxy.hasChildren(QModelIndex()) == (proxy.rowCount() > 0)


def test_a_region_asked_again_reuses_the_specs_of_its_unchanged_clusters(qapp):
    """A region filled or refreshed over many steps asks for the specs of all its clusters on
    each step: those of clusters that are the same objects are the ones made before; a changed
    cluster gets a new one; the tree is the same as a fresh build's."""
    from dataclasses import replace

    from aurora_console.ui.fleet.tree_nodes import region_children

    inv = _inventory([("a", {1, 2}, "available", 1, False), ("b", {1}, "available", 1, True),
                      ("c", {1}, "stopped", 1, False)])
    made: dict = {}
    first = region_children(inv, made)
    changed = replace(inv, clusters=tuple(replace(c, status="modifying") if c.id == "c" else c for c in inv.clusters))
    again = region_children(changed, made)
    flat = {s.payload.id: s for s in first if s.kind == "cluster"} | {
        m.payload.id: m for s in first if s.kind == "global" for m in s.children}
    flat_again = {s.payload.id: s for s in again if s.kind == "cluster"} | {
        m.payload.id: m for s in again if s.kind == "global" for m in s.children}
    assert flat_again["a"] is flat["a"] and flat_again["b"] is flat["b"]
    assert flat_again["c"] is not flat["c"] and flat_again["c"].payload.status == "modifying"
    model = FleetTreeModel()
    model.set_region(inv)
    model.set_region(changed)
    fresh = FleetTreeModel()
    fresh.set_region(changed)
    assert _tree(model) == _tree(fresh)
