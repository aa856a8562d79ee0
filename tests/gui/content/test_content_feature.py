import pytest

pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore("does not support propagateSizeHints")]


@pytest.fixture
def window(qtbot, qapp):
    from aurora_console.app import build_services, shutdown_services
    from aurora_console.testing.console import console_options
    from aurora_console.ui.main_window import MainWindow

    services = build_services(console_options(sandbox=False), qapp)
    win = MainWindow(services)
    qtbot.addWidget(win)
    yield win
    win.close()
    shutdown_services(services)


def test_feature_installs_and_opens_a_workspace_tab(window, qtbot, blog_db):
    from aurora_console.testing.pages import ConsoleRoot
    from aurora_console.testing.pages_content import ContentPage

    assert window.findChild(type(window.menu("Database").actions()[0]), "actionContentEditor") is not None
    root = ConsoleRoot(window, qtbot, allow_changes=False, sandbox=False)
    content = ContentPage(root, "gui", connect=blog_db.dsn)
    posts = content.table("posts")
    assert window.find_tab("content:gui") is content.workspace
    assert len(posts.rows()) == 21
    posts.edit(1, "title", "Through the main window")
    assert posts.save().ok
    with blog_db.connect() as conn:
        assert conn.execute("SELECT title FROM posts WHERE id = 1").fetchone()[0] == "Through the main window"
    # pending edits live in the app's data folder (isolated by the test rig)
    posts.edit(2, "title", "Pending on disk")
    assert (window.services.paths.data_dir / "content" / "gui" / "public.posts.json").exists()
    posts.revert()
    assert not (window.services.paths.data_dir / "content" / "gui" / "public.posts.json").exists()


def test_cluster_without_a_profile_says_what_to_do(window):
    from aurora_console.core.aws.fleet.models import ClusterRef
    from aurora_console.ui.content.feature import open_for_cluster

    assert open_for_cluster(window, ClusterRef(None, "us-east-1", "orders-prod", "aurora-postgresql")) is None
    assert open_for_cluster(window, ClusterRef(None, "us-east-1", "shop", "aurora-mysql")) is None
    texts = [f"{n.title}: {n.text} {n.hint}" for n in window.services.notifier.history]
    assert any("No connection profile points at orders-prod" in t and "Create one" in t for t in texts)
    assert any("MySQL-compatible" in t for t in texts)
    assert window.find_tab("content:orders-prod") is None
