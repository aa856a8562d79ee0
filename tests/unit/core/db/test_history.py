"""The SQL history on disk can be turned off per connection profile (``keep_history``)."""

from __future__ import annotations

import json

import pytest

from aurora_console.core.connections.profile import ConnectionProfile
from aurora_console.core.connections.store import ProfileStore
from aurora_console.core.db.history import HistoryEntry, QueryHistory, Snippets, profile_keeps_history
from aurora_console.core.paths import app_paths

pytestmark = pytest.mark.unit


def _save(name: str, keep: bool) -> None:
    ProfileStore.for_paths(app_paths()).save(ConnectionProfile(name=name, host="db.example.com", keep_history=keep))


def test_keep_history_is_saved_with_the_profile_and_defaults_to_on():
    _save("quiet", False)
    _save("chatty", True)
    raw = json.loads(ProfileStore.for_paths(app_paths()).path.read_text())
    assert raw["profiles"]["quiet"]["keep_history"] is False
    assert ProfileStore.for_paths(app_paths()).get("quiet").keep_history is False
    assert ProfileStore.for_paths(app_paths()).get("chatty").keep_history is True
    # a profile saved by an older version (no such key) keeps its history as before
    del raw["profiles"]["chatty"]["keep_history"]
    ProfileStore.for_paths(app_paths()).path.write_text(json.dumps(raw))
    assert ProfileStore.for_paths(app_paths()).get("chatty").keep_history is True


def test_with_history_off_nothing_is_written_but_the_session_still_lists_its_statements():
    _save("quiet", False)
    history = QueryHistory.for_profile("quiet", app_paths(), ProfileStore.for_paths(app_paths()))
    history.add(HistoryEntry("select 1", "ok", 1.0))
    history.add(HistoryEntry("ALTER ROLE app PASSWORD 'hunter2'", "ok", 1.0))
    assert not history.path.exists()
    assert not history.folder.exists()  # not even the folder
    assert [e.sql for e in history.entries()] == ["ALTER ROLE app PASSWORD '***'", "select 1"]
    history.clear()
    assert history.entries() == []


def test_turning_history_off_stops_writing_and_the_saved_file_can_be_cleared():
    _save("dev", True)
    history = QueryHistory.for_profile("dev", app_paths(), ProfileStore.for_paths(app_paths()))
    history.add(HistoryEntry("select 1", "ok", 1.0))
    assert history.path.exists()
    _save("dev", False)  # the setting is read when a statement is added: no restart needed
    history.add(HistoryEntry("select 2", "ok", 1.0))
    assert [json.loads(line)["sql"] for line in history.path.read_text().splitlines()] == ["select 1"]
    assert [e.sql for e in history.entries()] == ["select 2", "select 1"]
    QueryHistory.for_profile("dev", app_paths(), ProfileStore.for_paths(app_paths())).clear()
    assert not history.path.exists()


def test_connections_that_are_not_saved_profiles_keep_their_history():
    assert profile_keeps_history("host=db.example.com dbname=app", ProfileStore.for_paths(app_paths())) is True
    assert profile_keeps_history("sandbox-blog", ProfileStore.for_paths(app_paths())) is True
    (app_paths().config_dir).mkdir(parents=True, exist_ok=True)
    ProfileStore.for_paths(app_paths()).path.write_text("{ not json")  # an unreadable profile file: history as before
    assert profile_keeps_history("anything", ProfileStore.for_paths(app_paths())) is True


def test_a_snippet_keeps_no_password_literal():
    snippets = Snippets.for_paths(app_paths())
    snippets.save("new role", "CREATE ROLE app LOGIN PASSWORD 'hunter2'")
    assert snippets.all() == {"new role": "CREATE ROLE app LOGIN PASSWORD '***'"}
    assert "hunter2" not in snippets.path.read_text()
