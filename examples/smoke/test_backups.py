"""Backups: retention is set and a restore point exists (read-only)."""

import pytest

pytest.importorskip("aurora_console.testing.pages_backups", reason="the backups page object is not installed")

from targets import CLUSTER  # noqa: E402


def test_cluster_is_restorable(console):
    page = console.backups(CLUSTER)
    assert 1 <= page.retention() <= 35
    earliest, latest = page.restorable()
    assert latest is not None, "no point-in-time restore window"
    assert earliest is None or earliest <= latest
