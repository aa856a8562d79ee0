"""``user_text(exc)``: what the window shows for any error (core/errors.py)."""

from __future__ import annotations

import pytest

from aurora_console.core.db.sql_errors import SqlError
from aurora_console.core.errors import ConsoleError, UserFacing, user_text

pytestmark = pytest.mark.unit


def test_a_console_error_shows_its_message_and_hint():
    exc = ConsoleError("The SSO session expired.", hint="Run: aws sso login --profile dev")
    assert user_text(exc) == "The SSO session expired.\nRun: aws sso login --profile dev"


def test_an_sql_error_shows_it_as_psql_would():
    exc = SqlError('relation "nope" does not exist', sqlstate="42P01", hint="Check the name.")
    assert user_text(exc) == 'ERROR: relation "nope" does not exist (42P01)\nHINT: Check the name.'


def test_any_other_error_shows_its_text():
    assert user_text(RuntimeError("boom")) == "boom"
    assert user_text(KeyError("x")) == "'x'"
    assert not isinstance(RuntimeError("boom"), UserFacing)


def test_error_message_is_the_message_without_the_hint():
    from aurora_console.core.aws.errors import AwsError
    from aurora_console.core.errors import error_message

    assert error_message(ConsoleError("Snapshot quota reached.", hint="Delete an old one.")) == "Snapshot quota reached."
    assert error_message(AwsError("Access denied in eu-west-1.", kind="auth")) == "Access denied in eu-west-1."
    assert error_message(ConsoleError("")) == ""  # nothing better to say: str() is empty too
    assert error_message(TimeoutError("timed out")) == "timed out"
