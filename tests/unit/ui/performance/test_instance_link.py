"""InstanceLink (ui/performance/instance_link.py): a connection it cannot make says why, and an
expired SSO login (met while making the connection's IAM token) keeps its `aws sso login`."""

from __future__ import annotations

import pytest

from aurora_console.core.aws.errors import AwsError, login_hint
from aurora_console.ui.performance.instance_link import ConnectionLost, InstanceLink

pytestmark = pytest.mark.unit


class ExpiredLogin:
    read_only = False

    def connect(self):
        raise AwsError("Creating an IAM auth token: the AWS SSO session for profile 'corp' has expired.",
                       kind="sso-expired", hint=login_hint("corp"))

    def close(self):
        pass


def test_an_expired_sso_login_is_said_with_the_login_command():
    link = InstanceLink(ExpiredLogin())
    with pytest.raises(ConnectionLost) as raised:
        link.run(lambda conn: None)
    assert "aws sso login --profile corp" in str(raised.value)
