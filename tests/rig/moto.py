"""A real moto server (HTTP on 127.0.0.1) for the session, reset between tests.

* ``moto_server`` (session): the running :class:`LocalAwsServer`.
* ``moto_endpoint`` (function): its endpoint URL; the server is reset after the test.
* ``aws_factory`` (function): an AwsSessionFactory pointed at it with dummy credentials.

moto keeps state per process, so never combine these with ``mock_aws`` in the same test run.
"""

from __future__ import annotations

import pytest

from aurora_console.sandbox.aws_server import LocalAwsServer, sandbox_credentials


@pytest.fixture(scope="session")
def moto_server():
    server = LocalAwsServer()
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def moto_endpoint(moto_server):
    moto_server.reset()
    try:
        yield moto_server.endpoint_url
    finally:
        moto_server.reset()


@pytest.fixture
def aws_factory(moto_endpoint):
    from aurora_console.core.aws.session import AwsSessionFactory, StaticCredentials

    creds = sandbox_credentials()
    return AwsSessionFactory(
        endpoint_url=moto_endpoint,
        credentials=StaticCredentials(creds.access_key_id, creds.secret_access_key),
    )
