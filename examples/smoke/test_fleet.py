"""Fleet: every region answers and the cluster has a writer and endpoints (read-only)."""

import pytest

pytest.importorskip("aurora_console.testing.pages_fleet", reason="the fleet page object is not installed")

from targets import CLUSTER  # noqa: E402


def test_every_region_answers(console):
    fleet = console.fleet
    assert fleet.region_errors() == {}
    assert CLUSTER in fleet.cluster_ids()


def test_cluster_has_a_writer(console):
    cluster = console.fleet.cluster(CLUSTER)
    assert cluster.status() == "available"
    assert cluster.writer(), "no writer instance"
    assert "writer" in cluster.endpoints()
