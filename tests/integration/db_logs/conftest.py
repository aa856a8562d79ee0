"""A real PostgreSQL writing its log as RDS PostgreSQL does, served by the rig's moto server."""

from __future__ import annotations

import secrets
from collections.abc import Iterator

import boto3
import pytest
from botocore.config import Config

from aurora_console.sandbox.postgres import PostgresServer
from aurora_console.sandbox.postgres_env import find_postgres_bin
from aurora_console.sandbox.rds_logs import LOG_DIRECTORY, rds_log_settings
from tests.rig.pg import FAST_SETTINGS

INSTANCES = ("blog-1", "blog-2")


@pytest.fixture(scope="module")
def rds_pg(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PostgresServer]:
    bin_dir = find_postgres_bin()
    if bin_dir is None:
        pytest.skip("no PostgreSQL server binaries")
    server = PostgresServer(tmp_path_factory.mktemp("rdslog") / "data", bin_dir=bin_dir,
                            password=secrets.token_urlsafe(16), settings=FAST_SETTINGS | rds_log_settings(bin_dir))
    server.start()
    try:
        yield server
    finally:
        server.remove_data()


@pytest.fixture
def log_endpoint(moto_server, moto_endpoint, rds_pg) -> Iterator[str]:
    """The rig's endpoint with the blog instances' log files read from ``rds_pg``'s log folder."""
    moto_server.rds_logs.attach(INSTANCES, rds_pg.data_dir / LOG_DIRECTORY)
    try:
        yield moto_endpoint
    finally:
        moto_server.rds_logs.detach(INSTANCES)


def client(endpoint: str, service: str = "rds"):
    return boto3.client(service, endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id="testing",
                        aws_secret_access_key="testing", config=Config(retries={"max_attempts": 1, "mode": "standard"}))
