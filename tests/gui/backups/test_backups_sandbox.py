"""The backup page object on the embedded sandbox (the `console` fixture), as a user's smoke test
would use it. Changes made here are undone at the end (the sandbox is shared by the session)."""

import pytest

from aurora_console.testing.pages_backups import BackupRefused

pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore("does not support propagateSizeHints")]


def test_blog_backups_on_the_sandbox(console):
    page = console.backups("blog")
    page.panel.tasks.poll_interval = 0.2
    assert (page.retention(), page.window(), page.maintenance_window()) == (5, "19:00-22:00", "sun:23:00-sun:23:30")
    earliest, latest = page.restorable()
    assert earliest is not None and latest >= earliest
    ids = [s["id"] for s in page.snapshots()]
    assert "blog-before-pg16-upgrade" in ids
    assert "blog-events" in page.subscriptions()
    assert "Aurora PostgreSQL has no backtrack" in page.backtrack_message()

    with pytest.raises(BackupRefused, match="overlaps the maintenance window"):
        page.set_window("23:00-23:45")
    page.set_retention(6)
    try:
        assert page.retention() == 6
    finally:
        page.set_retention(5)
    page.create_snapshot("blog-smoke-test")
    try:
        assert "blog-smoke-test" in [s["id"] for s in page.snapshots()]
    finally:
        page.delete_snapshot("blog-smoke-test")
    assert "blog-smoke-test" not in [s["id"] for s in page.snapshots()]


def test_shop_backtrack_says_the_sandbox_lacks_it(console):
    page = console.backups("shop")
    assert page.panel.settings.backtrack_window_s == 86400
    assert page.backtrack_message().startswith("Backtrack: not available from this endpoint (the sandbox's local AWS "
                                               "API does not model it)")
