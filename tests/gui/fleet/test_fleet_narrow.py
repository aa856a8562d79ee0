"""The fleet view at the default window size: a narrow-friendly details pane, region headers that
fit, and counts that follow the filter."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QModelIndex

from aurora_console.ui.fleet.details import NO_BREAK_HYPHEN, title_html
from tests.integration.fleet.seed import make_cluster

pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore("does not support propagateSizeHints")]


def _seed(rds):
    make_cluster(rds["us-east-1"], "orders", 3, tags={"env": "prod"})
    make_cluster(rds["us-east-1"], "billing", 2, engine="aurora-mysql", tags={"env": "dev"})
    make_cluster(rds["us-east-1"], "blog", 1)
    make_cluster(rds["eu-west-1"], "eu-app", 2, region="eu-west-1")


def _region_texts(view):
    return sorted(view.proxy.index(r, 0).data() for r in range(view.proxy.rowCount()))


def test_filter_counts_what_is_shown(fleet_page, rds, qtbot):
    _seed(rds)
    view = fleet_page().view
    assert view.status.text().startswith("4 cluster(s), 8 instance(s) in 2 region(s)")
    assert _region_texts(view) == ["eu-west-1 (sandbox)  ·  1 cluster", "us-east-1 (sandbox)  ·  3 clusters"]
    view.filter.setText("engine:mysql")
    assert view.status.text().startswith("1 of 4 clusters shown, 2 of 8 instances")
    assert _region_texts(view) == ["us-east-1 (sandbox)  ·  1 of 3 clusters"]  # eu-west-1: no match, hidden
    view.filter.setText("orders-2")  # one instance: its cluster shows, with that instance only
    assert view.status.text().startswith("1 of 4 clusters shown, 1 of 8 instances")
    view.filter.setText("")
    assert view.status.text().startswith("4 cluster(s), 8 instance(s)")
    # region header rows span the tree, so the first column need not fit them
    assert all(view.tree.isFirstColumnSpanned(r, QModelIndex()) for r in range(view.proxy.rowCount()))


def test_details_pane_is_as_narrow_as_the_page_shown(fleet_page, rds, qtbot):
    _seed(rds)
    view = fleet_page().view
    view.window_.resize(1360, 850)
    assert view.stack.currentWidget() is view.empty
    assert view.stack.minimumSizeHint().width() < 200  # not the widest page's minimum
    assert view.select_key("sandbox/us-east-1|c|orders")
    pane = view.cluster_pane
    qtbot.waitUntil(lambda: pane.details is not None, timeout=15000)
    assert pane.widget().minimumSizeHint().width() <= 260
    assert view.select_key("sandbox/us-east-1|i|orders-2")
    assert view.instance_pane.minimumSizeHint().width() <= 260  # its buttons wrap onto more lines
    for label in pane.findChildren(type(pane.title)):
        if label.objectName().startswith("fleetProp_"):
            assert label.wordWrap()


def test_title_wraps_between_parts_not_inside_names():
    text = title_html(["blog", "aurora-postgresql 15.4", "available"], "us-east-1")
    first, _br, second = text.partition("<br>")
    assert "-" not in first and f"aurora{NO_BREAK_HYPHEN}postgresql" in first
    assert first.count("·") == 2
    assert f"us{NO_BREAK_HYPHEN}east{NO_BREAK_HYPHEN}1" in second  # the region on its own line


def test_unsupported_calls_read_as_features_on_the_sandbox():
    from aurora_console.core.aws.fleet.details import ClusterDetails
    from aurora_console.core.aws.fleet.models import Cluster
    from aurora_console.ui.endpoint_text import readable
    from aurora_console.ui.fleet.details import sections_html

    raw = "describe_pending_maintenance_actions: not supported by this endpoint"
    assert readable(raw, sandbox=True) == ("Pending maintenance: not available from this endpoint "
                                           "(the sandbox's local AWS API does not model it)")
    assert readable(raw, sandbox=False) == raw  # real AWS: the classified text, naming the call
    assert readable("Backtrack (DescribeDBClusterBacktracks) is not supported by this endpoint.",
                    sandbox=True).startswith("Backtrack: not available from this endpoint")
    assert readable("access denied", sandbox=True) == "access denied"
    cluster = Cluster(id="blog", arn="arn:aws:rds:us-east-1:1:cluster:blog", engine="aurora-postgresql",
                      engine_version="15.4", status="available")
    d = ClusterDetails(cluster=cluster, errors=(("maintenance", raw),))
    on_sandbox = sections_html(d, sandbox=True)
    assert "describe_pending_maintenance_actions" not in on_sandbox
    assert "Pending maintenance: not available from this endpoint" in on_sandbox
    assert "describe_pending_maintenance_actions" in sections_html(d, sandbox=False)
