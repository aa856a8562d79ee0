"""The SQL editor on a profile that asks for its password (and, through a bastion, for trusting the
host key and the key passphrase): the tab connects on the first run, on its worker thread, and the
questions are asked on the UI thread by the window's ConnectionsController; the run then goes on.
Real PostgreSQL and sshd."""

from __future__ import annotations

from tests.gui.content.prompting import (
    MARKS,
    Answers,
    errors,
    prompt_window,  # noqa: F401 - the `window` fixture
    save_prompt_profile,
    secrets_nowhere,
)

pytestmark = MARKS


def _page(window, qtbot, profile):
    from aurora_console.testing.pages_sql import SqlPage
    from aurora_console.ui.sql.feature import open_sql

    return SqlPage.for_widget(qtbot, open_sql(window, profile))


def test_prompt_password_is_asked_on_the_first_run(window, qtbot, sql_gui_db, caplog):
    save_prompt_profile("ask-sql", sql_gui_db)
    answers = Answers(window.services.connections.get(), secrets=[sql_gui_db.conninfo["password"]])
    page = _page(window, qtbot, "ask-sql")
    assert answers.asked == []  # opening the tab connects nothing yet
    (res,) = page.run("select count(*) from items")
    assert res.error() is None and res.values() == [(20,)]
    assert [title for title, _label in answers.asked] == ["Database password"]
    (again,) = page.run("select 2")  # the session stays connected: no second question
    assert again.values() == [(2,)] and len(answers.asked) == 1
    secrets_nowhere(window, caplog, sql_gui_db.conninfo["password"])


def test_wrong_password_then_the_right_one(window, qtbot, sql_gui_db):
    save_prompt_profile("ask-sql", sql_gui_db)
    answers = Answers(window.services.connections.get(),
                      secrets=["not-the-password", sql_gui_db.conninfo["password"]])
    page = _page(window, qtbot, "ask-sql")
    (res,) = page.run("select 1")
    assert res.values() == [(1,)]
    assert len(answers.asked) == 2 and "refused" in answers.asked[1][1]


def test_cancelled_question_fails_the_run_with_a_clear_error(window, qtbot, sql_gui_db):
    save_prompt_profile("ask-sql", sql_gui_db)
    answers = Answers(window.services.connections.get(), secrets=[])  # Cancel
    page = _page(window, qtbot, "ask-sql")
    results = page.run("select 1")
    assert len(answers.asked) == 1
    message = (results[0].error() if results else None) or page.messages()
    assert "password" in message.lower(), message
    assert not any("Traceback" in e for e in errors(window))


def test_bastion_trust_then_password(window, qtbot, sql_gui_db, sshd_server):
    save_prompt_profile("ask-bastion-sql", sql_gui_db, sshd_server)
    answers = Answers(window.services.connections.get(), secrets=[sql_gui_db.conninfo["password"]],
                      trust="once")
    page = _page(window, qtbot, "ask-bastion-sql")
    (res,) = page.run("select inet_server_port() is not null, count(*) from items")
    assert res.values() == [(True, 20)]
    assert [a[0] for a in answers.asked] == ["trust", "Database password"]
    assert window.services.connections.get().manager.open_count() == 1  # through the window's shared tunnel
