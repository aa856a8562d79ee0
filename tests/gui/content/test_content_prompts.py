"""The content editor on a profile that asks for its password (and, through a bastion, for
trusting the host key and the key passphrase): the window's ConnectionsController asks, the
workspace opens with the answers; a cancelled question opens nothing. Real PostgreSQL and sshd."""

from __future__ import annotations

import pytest

from .prompting import (
    MARKS,
    Answers,
    errors,
    prompt_window,  # noqa: F401 - the `window` fixture
    save_prompt_profile,
    secrets_nowhere,
    wait_opened,
)

pytestmark = MARKS


def _open(window, profile):
    from aurora_console.ui.content.feature import open_content

    return open_content(window, profile)


def test_prompt_password_opens_the_workspace(window, qtbot, blog_db, caplog):
    from aurora_console.testing.pages import ConsoleRoot
    from aurora_console.testing.pages_content import ContentPage

    save_prompt_profile("ask-blog", blog_db)
    root = ConsoleRoot(window, qtbot, allow_changes=False, sandbox=False)
    connections = root.connections  # its page answers the controller's questions from .secrets
    connections.secrets = {"password": blog_db.conninfo["password"]}
    page = ContentPage(root, "ask-blog")
    assert window.find_tab("content:ask-blog") is page.workspace
    assert len(page.table("posts").rows()) == 21
    assert errors(window) == []
    secrets_nowhere(window, caplog, blog_db.conninfo["password"])


def test_a_refused_password_is_asked_again(window, qtbot, blog_db, caplog):
    save_prompt_profile("ask-blog", blog_db)
    answers = Answers(window.services.connections.get(), secrets=["not-the-password", blog_db.conninfo["password"]])
    handle = wait_opened(qtbot, _open(window, "ask-blog"))
    assert handle.state == "done", handle.error
    assert [title for title, _ in answers.asked] == ["Database password", "Database password"]
    assert "refused" not in answers.asked[0][1] and "refused" in answers.asked[1][1]
    workspace = window.find_tab("content:ask-blog")
    assert workspace is not None
    qtbot.waitUntil(lambda: "public.posts" in workspace.grids or bool(workspace.last_error), timeout=20000)
    assert not workspace.last_error
    assert errors(window) == []
    secrets_nowhere(window, caplog, blog_db.conninfo["password"], "not-the-password")


def test_cancel_opens_nothing_and_says_so(window, qtbot, blog_db):
    save_prompt_profile("ask-blog", blog_db)
    answers = Answers(window.services.connections.get(), secrets=[None])
    handle = wait_opened(qtbot, _open(window, "ask-blog"))
    assert handle.state == "cancelled" and handle.declined == "password"
    assert len(answers.asked) == 1  # asked once, not again and again
    assert window.find_tab("content:ask-blog") is None
    assert errors(window) == []  # no error notification for a cancelled question
    message = window.status.currentMessage()
    assert "Content editor" in message and "ask-blog" in message and "no password was entered" in message


def test_bastion_asks_trust_first_then_password(window, qtbot, blog_db, sshd_server, caplog):
    save_prompt_profile("ask-bastion", blog_db, sshd_server)
    controller = window.services.connections.get()
    answers = Answers(controller, secrets=[blog_db.conninfo["password"]], trust="once")
    handle = wait_opened(qtbot, _open(window, "ask-bastion"), timeout=60000)
    assert handle.state == "done", handle.error
    assert answers.asked[0] == ("trust", sshd_server.fingerprints["ed25519"])
    assert [q[0] for q in answers.asked] == ["trust", "Database password"]
    assert controller.status("ask-bastion").state.value == "up"  # the window's shared tunnel
    workspace = window.find_tab("content:ask-bastion")
    qtbot.waitUntil(lambda: "public.posts" in workspace.grids or bool(workspace.last_error), timeout=30000)
    assert not workspace.last_error
    assert not controller.hosts.console_file.exists()  # trusted once: nothing written
    secrets_nowhere(window, caplog, blog_db.conninfo["password"])


def test_passphrase_key_asks_passphrase_trust_and_password(window, qtbot, blog_db, sshd_server, caplog):
    save_prompt_profile("ask-bastion", blog_db, sshd_server, key="ed25519_passphrase")
    controller = window.services.connections.get()
    answers = Answers(controller, secrets=[sshd_server.passphrase, blog_db.conninfo["password"]], trust="always")
    handle = wait_opened(qtbot, _open(window, "ask-bastion"), timeout=60000)
    assert handle.state == "done", handle.error
    # the key is unlocked before the bastion is reached, so its passphrase comes first
    assert [q[0] for q in answers.asked] == ["SSH key passphrase", "trust", "Database password"]
    assert window.find_tab("content:ask-bastion") is not None
    # "always": the key is written to the console's own known_hosts
    assert sshd_server.host_public_keys["ed25519"].split()[1] in controller.hosts.console_file.read_text()
    secrets_nowhere(window, caplog, blog_db.conninfo["password"], sshd_server.passphrase)


def test_refused_host_key_asks_nothing_more(window, qtbot, blog_db, sshd_server):
    save_prompt_profile("ask-bastion", blog_db, sshd_server)
    answers = Answers(window.services.connections.get(), secrets=["unused"], trust=None)
    handle = wait_opened(qtbot, _open(window, "ask-bastion"), timeout=60000)
    assert handle.state == "cancelled" and handle.declined == "host key"
    assert [q[0] for q in answers.asked] == ["trust"]
    assert window.find_tab("content:ask-bastion") is None and errors(window) == []
    assert "host key was not trusted" in window.status.currentMessage()


@pytest.mark.expected_errors  # the one error notification is logged
def test_an_answer_that_is_always_wrong_stops_after_a_few_tries(window, qtbot, blog_db):
    from aurora_console.ui.connections.controller import PromptedTask

    save_prompt_profile("ask-blog", blog_db)
    answers = Answers(window.services.connections.get(), secrets=["wrong-again"] * 50)
    handle = wait_opened(qtbot, _open(window, "ask-blog"), timeout=60000)
    assert handle.state == "failed" and getattr(handle.error, "kind", "") == "rejected"
    assert len(answers.asked) == PromptedTask.MAX_ATTEMPTS - 1  # the first attempt asks nothing
    assert window.find_tab("content:ask-blog") is None
    assert any("refused the password" in e for e in errors(window))  # one error, shown once
    assert len(errors(window)) == 1
