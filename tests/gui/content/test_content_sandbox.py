"""The content editor on the embedded sandbox: SSM password, SSH bastion tunnel, TLS, blog data."""

import pytest

pytestmark = [pytest.mark.gui, pytest.mark.integration,
              pytest.mark.qt_log_ignore("does not support propagateSizeHints")]


def test_sandbox_blog_opens_with_sample_content(console):
    content = console.content("sandbox-blog")
    assert {"public.posts", "public.comments", "public.users", "public.social_accounts"} <= set(content.open_tabs())
    posts = content.table("posts")
    titles = [r["title"] for r in posts.rows()]
    assert "Zero-downtime schema changes on Aurora" in titles
    users = content.table("users")
    assert users.shown(1, "password") == "••••••"


def test_cluster_action_opens_the_sandbox_blog(console):
    from aurora_console.core.aws.fleet.models import ClusterRef
    from aurora_console.ui.content.feature import open_for_cluster

    seed = console.services.sandbox.seed
    handle = open_for_cluster(console.window, ClusterRef(None, console.services.sandbox.regions[0],
                                                         seed.blog_cluster_id, "aurora-postgresql"))
    if hasattr(handle, "done"):
        console.qtbot.waitUntil(lambda: handle.done, timeout=30000)
    assert console.window.find_tab("content:sandbox-blog") is not None
    console.window.persist_layout = True  # scripted runs leave the layout alone unless asked
    console.window.save_layout()  # the workspace is reopened after a restart
    assert {"kind": "content", "profile": "sandbox-blog"} in console.services.settings.settings.open_tabs
