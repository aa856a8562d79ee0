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


# -- an expired AWS login, on every screen ---------------------------------------------------------------
def _expired_sso_errors():
    from botocore import exceptions as bex

    return [bex.SSOTokenLoadError(error_msg="Token for https://x.awsapps.com/start does not exist"),
            bex.UnauthorizedSSOTokenError(),
            bex.TokenRetrievalError(provider="sso", error_msg="Token has expired and refresh failed")]


@pytest.mark.parametrize("index", range(3))
def test_an_unclassified_sso_error_names_the_login_where_a_screen_shows_only_the_message(index):
    from aurora_console.core.errors import error_message, user_text

    exc = _expired_sso_errors()[index]
    exc.aws_profile = "team-admin"  # what AwsSessionFactory tags on what its clients raise
    for shown in (user_text(exc), error_message(exc)):
        assert "aws sso login --profile team-admin" in shown
        assert type(exc).__name__ not in shown


def test_an_expired_token_client_error_names_the_profile_from_the_response():
    from botocore.exceptions import ClientError

    from aurora_console.core.aws.session import PROFILE_METADATA
    from aurora_console.core.errors import error_message

    exc = ClientError({"Error": {"Code": "ExpiredTokenException", "Message": "The security token is expired"},
                       "ResponseMetadata": {PROFILE_METADATA: "ops"}}, "DescribeDBClusters")
    assert "profile 'ops'" in error_message(exc) and "aws sso login --profile ops" in error_message(exc)


def test_other_errors_keep_their_words_and_only_an_essential_hint_joins_the_message():
    from aurora_console.core.errors import ConsoleError, error_message, user_text

    plain = ConsoleError("Failed.", hint="Try later.")
    assert error_message(plain) == "Failed." and user_text(plain) == "Failed.\nTry later."
    assert error_message(ValueError("x")) == "x" and user_text(KeyError("k")) == "'k'"
