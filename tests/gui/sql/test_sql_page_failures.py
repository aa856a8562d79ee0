"""The SQL page object never reports a failure as success (issue 14: page objects that report
failure): a reconnect with the database down raises its connection error at once, and a run
cancelled while its SQL is being split ends as cancelled."""

from __future__ import annotations

import threading

import pytest

from aurora_console.core.db.sql_errors import SqlError
from aurora_console.sandbox.postgres_env import free_port

pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore("does not support propagateSizeHints")]


def _closed_port_source(sql_gui_db) -> dict:
    """The test database's connection settings with a port nothing listens on (the database is down)."""
    return dict(sql_gui_db.conninfo, host="127.0.0.1", port=free_port())


def test_reconnect_raises_the_connection_error_when_the_database_is_down(sql_page, sql_gui_db):
    page = sql_page()
    assert page.run("select 1")[0].rows() == [("1",)]
    assert page.tx_state() == "idle"
    page.tab.session._source = _closed_port_source(sql_gui_db)  # the server went away
    with pytest.raises(SqlError) as failed:  # the error itself, not the page's wait running out
        page.reconnect()
    assert failed.value.kind == "connection"
    assert "refused" in failed.value.user_text().lower() or "connect" in failed.value.user_text().lower()
    assert "reconnect failed" in page.messages()
    assert page.tx_state() == "not connected"  # the tab shows the session as it is
    assert "[disconnected]" in page.title()

    page.tab.session._source = dict(sql_gui_db.conninfo)  # the server is back
    assert page.reconnect() == "idle"
    assert page.run("select 2")[0].rows() == [("2",)]


def test_cancel_while_the_sql_is_being_split_ends_as_cancelled(sql_page, monkeypatch):
    import aurora_console.core.db.runs as runs

    real_split = runs.split_sql
    splitting, release = threading.Event(), threading.Event()

    returned = threading.Event()

    def slow_split(text, **kwargs):  # a long script: the split is still running when Esc is pressed
        splitting.set()
        release.wait(20)
        returned.set()
        return real_split(text, **kwargs)

    monkeypatch.setattr(runs, "split_sql", slow_split)
    page = sql_page()
    page.start("select 1; select 2")
    page.qtbot.waitUntil(splitting.is_set, timeout=10000)
    page.cancel()
    results = page.wait(10000)
    assert not returned.is_set()  # the run ended without waiting for the split to finish
    release.set()
    assert [r.error_kind for r in results] == ["cancelled"]
    assert "cancelled" in results[0].error().lower() and "nothing ran" in results[0].error()
    assert results[0].status() == "ERROR"
    assert "Cancelled" in page.messages()
    assert not page.tab.busy and page.tab.run_action.isEnabled()

    monkeypatch.setattr(runs, "split_sql", real_split)
    assert [r.rows() for r in page.run("select 3; select 4")] == [[("3",)], [("4",)]]  # the tab runs again
    history = [e.outcome for e in page.tab.history.entries()]
    assert history.count("cancelled") == 0  # nothing reached the server, so nothing was recorded as run
