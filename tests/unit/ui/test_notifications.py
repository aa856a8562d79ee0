"""describe_error (ui/notifications.py): what a task's unhandled error shows in the window."""

from __future__ import annotations

import pytest

from aurora_console.ui.notifications import describe_error

pytestmark = pytest.mark.unit


def test_an_expired_sso_login_raised_raw_names_the_login_command():
    from botocore.exceptions import UnauthorizedSSOTokenError

    exc = UnauthorizedSSOTokenError()
    exc.aws_profile = "corp"
    message, hint = describe_error(exc)
    assert "SSO session for profile 'corp'" in message
    assert hint.startswith("Run: aws sso login --profile corp")


def test_other_errors_keep_their_type_and_text():
    assert describe_error(ValueError("bad")) == ("ValueError: bad", "")
