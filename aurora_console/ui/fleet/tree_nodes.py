"""The fleet tree's nodes and what each should show (plain Python; the model diffs them)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from aurora_console.core.aws.fleet.models import Cluster, GlobalCluster, Instance, Proxy, RegionInventory

REGION, GLOBAL, CLUSTER, INSTANCE, PROXY = "region", "global", "cluster", "instance", "proxy"


@dataclass(eq=False)
class Node:
    """One row of the fleet tree: its key, kind, what it shows and where it sits."""

    key: str
    kind: str
    payload: Any
    parent: Node | None = None
    children: list[Node] = field(default_factory=list)
    row: int = 0
    region_key: str = ""

    def child(self, key: str) -> Node | None:
        return next((c for c in self.children if c.key == key), None)


_LEAF: tuple = ()


class Spec:
    """What a node should show. A cluster's children are only worked out when asked for: an
    unchanged cluster (the common case on a refresh) never needs them."""

    __slots__ = ("key", "kind", "payload", "_children", "_rk")

    def __init__(self, key: str, kind: str, payload: Any, children: list[Spec] | None = None, rk: str = "") -> None:
        self.key, self.kind, self.payload, self._children, self._rk = key, kind, payload, children, rk

    @property
    def children(self) -> list[Spec]:
        if self._children is None:
            c: Cluster = self.payload
            rk = self._rk
            # a leaf's children: one shared empty tuple, not a list each (a tracked object the
            # collector walks for as long as the spec is kept, see region_children)
            kids = [Spec(f"{rk}|i|{i.id}", INSTANCE, i, _LEAF) for i in c.instances]
            kids += [Spec(f"{rk}|c|{c.id}|p|{p.name}", PROXY, p, _LEAF) for p in c.proxies]
            self._children = kids
        return self._children


def cluster_key(rk: str, cluster_id: str) -> str:
    """The node key of a cluster under region key ``rk`` (known to the tree model only)."""
    return f"{rk}|c|{cluster_id}"


def cluster_spec(rk: str, c: Cluster) -> Spec:
    return Spec(cluster_key(rk, c.id), CLUSTER, c, None, rk)


def region_children(inv: RegionInventory, made: dict[str, Spec] | None = None) -> list[Spec]:
    """The specs of a region's rows. ``made``: cluster id -> the spec made for it before (by an
    earlier call for the same region); a spec whose cluster is the same object is used again
    (a region filled or refreshed over many steps asks for the specs of all its clusters on
    each step, most of them unchanged), and new ones are put in."""
    rk = inv.key
    if made is None:
        made = {}

    def spec(c: Cluster) -> Spec:
        s = made.get(c.id)
        if s is None or s.payload is not c:
            s = made[c.id] = cluster_spec(rk, c)
        return s

    out = []
    if not inv.global_clusters:  # the common case: a list of clusters
        get = made.get
        return [s if (s := get(c.id)) is not None and s.payload is c else spec(c) for c in inv.clusters]
    for g in inv.global_clusters:
        members = [spec(c) for c in inv.clusters if c.global_cluster_id == g.id]
        out.append(Spec(f"{rk}|g|{g.id}", GLOBAL, g, members))
    out += [spec(c) for c in inv.clusters if not c.global_cluster_id or
            not any(g.id == c.global_cluster_id for g in inv.global_clusters)]
    return out


MANY_CHANGES = 100


def flat_clusters(specs: list[Spec]):
    for s in specs:
        if s.kind == CLUSTER:
            yield s
        elif s.kind == GLOBAL:
            yield from (c for c in s.children if c.kind == CLUSTER)


def spec_keys(specs: list[Spec]) -> set[str]:
    out: set[str] = set()
    for s in specs:
        out.add(s.key)
        out |= spec_keys(s.children)
    return out


def row_runs(cells):
    """``(row, first column, last column)`` entries (any order) as runs of adjacent rows:
    ``(first row, last row, first column, last column)`` each, in row order."""
    run = None
    for row, c0, c1 in sorted(cells):
        if run is not None and row <= run[1] + 1:
            run[1], run[2], run[3] = max(run[1], row), min(run[2], c0), max(run[3], c1)
            continue
        if run is not None:
            yield tuple(run)
        run = [row, row, c0, c1]
    if run is not None:
        yield tuple(run)


def filter_text(node: Node) -> str:
    """What the filter box matches against: id, engine, status, role and tags (k=v)."""
    p = node.payload
    parts = [node.kind]
    if isinstance(p, RegionInventory):
        parts += [p.region, p.profile]
    elif isinstance(p, GlobalCluster):
        parts += [p.id, p.engine, p.status]
    elif isinstance(p, Cluster):
        parts += [p.id, p.engine, p.engine_version, p.status] + [f"tag:{k}={v}" for k, v in p.tags]
    elif isinstance(p, Instance):
        parts += [p.id, p.engine, p.status, p.role, p.instance_class, p.az]
    elif isinstance(p, Proxy):
        parts += [p.name, p.engine_family, p.status]
    return " ".join(parts).lower()
