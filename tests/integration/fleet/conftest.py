"""Fleet fixtures on top of the rig's moto server (``moto_endpoint`` resets it per test)."""

from __future__ import annotations

import logging

import pytest

from aurora_console.core.aws.session import AwsSessionFactory, AwsTarget, StaticCredentials


@pytest.fixture
def fleet_env(moto_endpoint):
    """The moto endpoint URL (fresh state)."""
    return moto_endpoint


@pytest.fixture
def factory(fleet_env):
    return AwsSessionFactory(endpoint_url=fleet_env, credentials=StaticCredentials("testing", "testing"),
                             config_overrides={"retries": {"mode": "standard", "max_attempts": 1}})


@pytest.fixture
def east():
    return AwsTarget("sandbox", "us-east-1")


@pytest.fixture
def west():
    return AwsTarget("sandbox", "eu-west-1")


class _MotoLacksApi(logging.Filter):
    """moto's server logs an ERROR (with a traceback) for each API it does not implement
    (describe_db_cluster_endpoints, describe_pending_maintenance_actions); the console handles
    those answers on purpose, so that peer's log line is not a test failure."""

    def filter(self, record: logging.LogRecord) -> bool:
        text = record.getMessage()
        return not ("NotImplementedError" in text and "has not been implemented" in text)


@pytest.fixture(autouse=True)
def _quiet_moto_unimplemented():
    logger = logging.getLogger("werkzeug")
    flt = _MotoLacksApi()
    logger.addFilter(flt)
    yield
    logger.removeFilter(flt)
