"""SqlRunController on a MySQL session: the run's SQL is split as the mysql client does, from the
delimiter in effect where the text starts, with the session's backslash rule once connected."""

from __future__ import annotations

import pytest

from aurora_console.core.db.session import SessionSettings, TxState
from aurora_console.ui.sql.run_controller import SqlRunController
from tests.unit.recording_runner import RecordingRunner

pytestmark = pytest.mark.unit


class FakeMySqlSession:
    engine = "mysql"
    standard_conforming_strings = True

    def __init__(self, backslash_escapes: bool = True) -> None:
        self.settings = SessionSettings()
        self.tx_state = TxState.DISCONNECTED
        self.connected = False
        self._escapes = backslash_escapes

    @property
    def backslash_escapes(self) -> bool:
        return self._escapes if self.connected else True

    def connect(self):
        self.connected = True


def split_texts(ctl, text: str, **kw) -> list[str]:
    """The statements the run's split task gives (run here, as the worker would)."""
    from aurora_console.core.tasks import TaskContext

    assert ctl.run(text, 0, "run", **kw)
    task = ctl.runner.last
    return [st.text for st in task.fn(TaskContext("split"))]


def test_run_splits_with_the_mysql_client_rules():
    ctl = SqlRunController(RecordingRunner(), FakeMySqlSession(), history=None, queue="q", profile="p")
    assert split_texts(ctl, "DELIMITER //\nSELECT 1; SELECT 2 //\nDELIMITER ;\nSELECT 3 # c;\n;") == [
        "SELECT 1; SELECT 2", "SELECT 3"]


def test_statement_from_inside_a_delimiter_block_is_split_from_that_delimiter():
    ctl = SqlRunController(RecordingRunner(), FakeMySqlSession(), history=None, queue="q", profile="p")
    body = "CREATE PROCEDURE p() BEGIN SELECT 1; SELECT 2; END"
    assert split_texts(ctl, body, delimiter="//") == [body]
    ctl.phase = "idle"
    assert split_texts(ctl, body) == ["CREATE PROCEDURE p() BEGIN SELECT 1", "SELECT 2", "END"]


def test_no_backslash_escapes_server_splits_again_once_connected():
    from aurora_console.ui.sql.run_controller import _connect_and_split, _split

    session = FakeMySqlSession(backslash_escapes=False)
    text = r"SELECT 'a\'; SELECT 2"
    first = _split(session, text, None)
    assert [st.text for st in first] == [text]  # before connecting: backslash escapes (the default)
    again = _connect_and_split(session, text, first, None)
    assert [st.text for st in again] == [r"SELECT 'a\'", "SELECT 2"]
