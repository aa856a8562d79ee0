"""The SQL editor splits a script as its server reads strings (issue 22: the splitter follows the
session's standard_conforming_strings, as psql does): on a database whose server has
``standard_conforming_strings = off``, ``'a\\'b; select 1'`` is one string, so one statement."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore("does not support propagateSizeHints")]

SCRIPT = "select 'a\\'b; select 1' as v;"


def _strings_off(sql_gui_db) -> None:
    with sql_gui_db.connect(autocommit=True) as conn:
        name = conn.info.dbname
        conn.execute(f'ALTER DATABASE "{name}" SET standard_conforming_strings = off')
        conn.execute(f'ALTER DATABASE "{name}" SET escape_string_warning = off')


def test_the_first_run_follows_the_servers_standard_conforming_strings(sql_page, sql_gui_db):
    _strings_off(sql_gui_db)
    page = sql_page()
    results = page.run(SCRIPT)  # split before the first connection, split again once connected
    assert len(results) == 1
    assert results[0].rows() == [("a'b; select 1",)]


def test_a_connected_session_splits_with_the_servers_value(sql_page, sql_gui_db):
    _strings_off(sql_gui_db)
    page = sql_page()
    assert page.run("select 1")[0].rows() == [("1",)]
    results = page.run(SCRIPT)
    assert [r.rows() for r in results] == [[("a'b; select 1",)]]


def test_with_the_default_the_backslash_is_a_plain_character(sql_page):
    page = sql_page()
    results = page.run("select 'a\\'; select 2 as two;")
    assert [r.rows() for r in results] == [[("a\\",)], [("2",)]]
