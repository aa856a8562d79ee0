"""Timeline fixtures on the rig's moto server (the sandbox's LocalAwsServer: its CloudTrail layer
records the control-plane calls; ``moto_endpoint`` resets moto and that history per test)."""

from __future__ import annotations

import logging

import pytest

from aurora_console.core.aws.session import AwsSessionFactory, AwsTarget, StaticCredentials


@pytest.fixture
def factory(moto_endpoint):
    return AwsSessionFactory(endpoint_url=moto_endpoint, credentials=StaticCredentials("testing", "testing"),
                             config_overrides={"retries": {"mode": "standard", "max_attempts": 1}})


@pytest.fixture
def east():
    return AwsTarget("sandbox", "us-east-1")


class _MotoLacksApi(logging.Filter):
    """moto logs an ERROR for describe_pending_maintenance_actions, which it lacks; the timeline
    says so in its pending source on purpose."""

    def filter(self, record: logging.LogRecord) -> bool:
        text = record.getMessage()
        return not ("NotImplementedError" in text or "not been implemented" in text)


@pytest.fixture(autouse=True)
def _moto_gaps_are_not_failures():
    f = _MotoLacksApi()
    targets = [logging.getLogger(n) for n in ("werkzeug", "moto", "")]
    for t in targets:
        t.addFilter(f)
    yield
    for t in targets:
        t.removeFilter(f)
