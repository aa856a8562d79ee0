"""``console.migrations("sandbox-blog")`` on the embedded sandbox: the blog database built by the runner."""

import pytest

pytestmark = [pytest.mark.gui, pytest.mark.integration, pytest.mark.timeout(300),
              pytest.mark.qt_log_ignore("does not support propagateSizeHints")]


def test_sandbox_blog_database_was_built_by_the_runner(console):
    mig = console.migrations("sandbox-blog")
    assert mig.applied() == ["V1__create_blog_schema.sql", "V2__constraints_and_indexes.sql",
                             "V3__sample_content.sql"]
    assert mig.pending() == []
    assert mig.validate() == []
    assert mig.dry_run().startswith("-- Nothing to apply")
    assert mig.migrate() is None  # nothing pending


def test_profile_panel_is_saved_with_the_layout(console):
    """Like the other tabs, a profile's migrations panel comes back after a restart."""
    console.migrations("sandbox-blog")
    window = console.window
    assert window.find_tab("migrations:sandbox-blog") is not None
    window.persist_layout = True  # scripted runs leave the layout alone unless asked
    window.save_layout()
    assert {"kind": "migrations", "profile": "sandbox-blog"} in console.services.settings.settings.open_tabs
    assert "migrations" in window._restorer.restorers
