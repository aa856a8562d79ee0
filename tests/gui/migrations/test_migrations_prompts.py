"""The migrations screen on a profile that asks for its password (and, through a bastion, for
trusting the host key): the window's ConnectionsController asks, the panel opens and migrates
with the answers; a cancelled question opens nothing. Real PostgreSQL and sshd."""

from __future__ import annotations

import shutil

import pytest

from aurora_console.core.resources import blog_migrations_dir
from tests.gui.content.prompting import (
    MARKS,
    Answers,
    errors,
    prompt_window,  # noqa: F401 - the `window` fixture
    save_prompt_profile,
    secrets_nowhere,
    wait_opened,
)

pytestmark = MARKS


@pytest.fixture
def blog_folder(tmp_path):
    folder = tmp_path / "blog"
    shutil.copytree(blog_migrations_dir(), folder)
    return folder


def _open(window, profile, folder):
    from aurora_console.ui.migrations.feature import open_migrations

    return open_migrations(window, profile, folder=folder)


def test_prompt_password_opens_the_panel_and_migrates(window, qtbot, new_database, blog_folder, caplog):
    from aurora_console.testing.pages import ConsoleRoot
    from aurora_console.testing.pages_migrations import MigrationsPage

    db = new_database()
    save_prompt_profile("ask-blog", db)
    root = ConsoleRoot(window, qtbot, allow_changes=True, sandbox=False)
    root.connections.secrets = {"password": db.conninfo["password"]}  # the page answers the question
    page = MigrationsPage(root, "ask-blog", folder=blog_folder)
    assert window.find_tab("migrations:ask-blog") is page.panel
    assert len(page.pending()) == 3
    page.migrate()
    assert len(page.applied()) == 3
    with db.connect() as conn:
        assert conn.execute("SELECT count(*) FROM posts").fetchone()[0] == 21
    assert errors(window) == []
    secrets_nowhere(window, caplog, db.conninfo["password"])


def test_a_refused_password_is_asked_again(window, qtbot, new_database, blog_folder):
    db = new_database()
    save_prompt_profile("ask-blog", db)
    answers = Answers(window.services.connections.get(), secrets=["wrong-password", db.conninfo["password"]])
    handle = wait_opened(qtbot, _open(window, "ask-blog", blog_folder))
    assert handle.state == "done", handle.error
    assert len(answers.asked) == 2 and "refused" in answers.asked[1][1]
    panel = window.find_tab("migrations:ask-blog")
    qtbot.waitUntil(lambda: not panel.busy, timeout=30000)
    assert panel.status is not None and len(panel.status.pending) == 3
    assert errors(window) == []


def test_cancel_opens_nothing_and_says_so(window, qtbot, new_database, blog_folder):
    db = new_database()
    save_prompt_profile("ask-blog", db)
    answers = Answers(window.services.connections.get(), secrets=[None])
    handle = wait_opened(qtbot, _open(window, "ask-blog", blog_folder))
    assert handle.state == "cancelled" and handle.declined == "password"
    assert len(answers.asked) == 1
    assert window.find_tab("migrations:ask-blog") is None
    assert errors(window) == []
    message = window.status.currentMessage()
    assert "Migrations" in message and "ask-blog" in message and "no password was entered" in message


def test_bastion_asks_trust_first_then_password(window, qtbot, new_database, sshd_server, blog_folder, caplog):
    db = new_database()
    save_prompt_profile("ask-bastion", db, sshd_server)
    controller = window.services.connections.get()
    answers = Answers(controller, secrets=[db.conninfo["password"]], trust="once")
    handle = wait_opened(qtbot, _open(window, "ask-bastion", blog_folder), timeout=60000)
    assert handle.state == "done", handle.error
    assert answers.asked[0] == ("trust", sshd_server.fingerprints["ed25519"])
    assert [q[0] for q in answers.asked] == ["trust", "Database password"]
    assert controller.status("ask-bastion").state.value == "up"  # listed in the tunnel panel
    panel = window.find_tab("migrations:ask-bastion")
    qtbot.waitUntil(lambda: not panel.busy, timeout=30000)
    assert panel.status is not None and len(panel.status.pending) == 3
    secrets_nowhere(window, caplog, db.conninfo["password"])
