"""A started sandbox serves its blog cluster's log files from its own PostgreSQL (issue 17): the
whole path as the console meets it, through the sandbox's AWS session factory."""

from __future__ import annotations

import time

import psycopg
import pytest

from aurora_console.core.aws.db_logs.entries import parse_entries
from aurora_console.core.aws.db_logs.files import list_log_files
from aurora_console.core.aws.db_logs.reader import LogFileReader
from aurora_console.core.aws.session import AwsTarget
from aurora_console.sandbox.postgres_env import find_postgres_bin
from aurora_console.sandbox.runtime import Sandbox

pytestmark = pytest.mark.integration


def test_the_blog_instances_show_the_sandbox_database_log(tmp_path):
    if find_postgres_bin() is None:
        pytest.skip("no PostgreSQL binaries")
    sandbox = Sandbox(tmp_path / "sbx", live_metrics=False)
    try:
        sandbox.start_aws()
        info = sandbox.start_database()
        assert info.db_port is not None, info.db_error
        rds = info.aws_factory().client("rds", AwsTarget(None, info.regions[0]))
        with psycopg.connect(**sandbox.database_conninfo(), autocommit=True) as conn:
            conn.execute("SELECT pg_sleep(0.3) AS sandbox_slow_statement")  # over log_min_duration_statement
        writer = info.seed.cluster(info.seed.blog_cluster_id).writer
        deadline = time.monotonic() + 20
        while True:
            files = list_log_files(rds, writer)
            # the two newest files: a new one starts at the top of each hour, the statement may be in the one before
            text = "".join(p.data for f in reversed(files[:2]) for p in LogFileReader(rds, writer, f.name).forwards())
            if "sandbox_slow_statement" in text or time.monotonic() > deadline:
                break
            time.sleep(0.2)
        entries = list(parse_entries([text]))
        assert any("ready to accept connections" in e.message for e in entries) or len(files) > 1
        (slow,) = [e for e in entries if e.slow is not None and "sandbox_slow_statement" in e.slow.text]
        assert slow.slow.duration_ms >= 300 and slow.database == info.seed.blog_database
        assert slow.user == info.seed.blog_master_username
    finally:
        sandbox.stop()
