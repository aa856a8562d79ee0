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
