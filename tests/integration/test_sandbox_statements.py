"""The sandbox's PostgreSQL has what the Performance screen reads: pg_stat_statements preloaded and
created in the blog database, track_io_timing on; also for a data folder an older version made."""

from __future__ import annotations

import os

import psycopg
import pytest

from aurora_console.sandbox.postgres import PostgresServer
from aurora_console.sandbox.postgres_env import find_postgres_bin
from aurora_console.sandbox.runtime import PASSWORD_FILE, PG_SETTINGS, Sandbox
from aurora_console.sandbox.workload import Workload, WorkloadPlan

pytestmark = [pytest.mark.integration,
              pytest.mark.skipif(find_postgres_bin() is None, reason="no PostgreSQL binaries")]


def test_an_older_sandbox_folder_gets_statement_statistics_on_its_next_start(tmp_path):
    state = tmp_path / "sbx"
    state.mkdir(mode=0o700)
    password = "Sbx-older-version-password"
    (state / PASSWORD_FILE).write_text(password)
    os.chmod(state / PASSWORD_FILE, 0o600)
    # the data folder as an older version left it: started without the settings
    older = PostgresServer(state / "pg", password=password, log_file=state / "postgresql.log")
    older.start()
    with older.connect() as conn:
        assert conn.execute("SHOW shared_preload_libraries").fetchone()[0] == ""
    older.stop()

    sandbox = Sandbox(state, live_metrics=False)
    try:
        sandbox.start_aws()
        info = sandbox.start_database()
        assert info.db_error is None
        conninfo = sandbox.database_conninfo()
        assert conninfo["user"] == info.seed.blog_master_username
        assert conninfo["dbname"] == info.seed.blog_database
        Workload(conninfo, WorkloadPlan(duration_s=1.5, waiters=1, slow_size=2000, slow_every_s=0.3,
                                        lock_hold_s=0.5, lock_pause_s=0.1)).run()
        with psycopg.connect(**conninfo) as conn:  # the master user, as the console's profile uses it
            assert conn.execute("SHOW shared_preload_libraries").fetchone()[0] == PG_SETTINGS["shared_preload_libraries"]
            assert conn.execute("SHOW track_io_timing").fetchone()[0] == "on"
            assert conn.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_stat_statements'").fetchone()
            rows = conn.execute("SELECT query, blk_read_time FROM pg_stat_statements"
                                " WHERE query LIKE 'SELECT p.slug, count(*) FROM posts p CROSS JOIN%'").fetchall()
            assert rows, "the workload's slow statement is in pg_stat_statements"
            # the superuser's statements are readable too (pg_read_all_stats through pg_monitor)
            hidden = conn.execute("SELECT count(*) FROM pg_stat_statements WHERE query = '<insufficient privilege>'")
            assert hidden.fetchone()[0] == 0
            roles = {r[0] for r in conn.execute(
                "SELECT b.rolname FROM pg_auth_members m JOIN pg_roles b ON b.oid = m.roleid"
                " JOIN pg_roles u ON u.oid = m.member WHERE u.rolname = current_user")}
            assert {"pg_monitor", "pg_signal_backend"} <= roles
    finally:
        sandbox.stop()


def test_database_conninfo_needs_the_database(tmp_path):
    sandbox = Sandbox(tmp_path / "sbx", live_metrics=False)
    with pytest.raises(RuntimeError):
        sandbox.database_conninfo()
