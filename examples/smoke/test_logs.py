"""Database logs: every instance of the cluster has a readable log, the writer's newest file
shows no PANIC and no more than a handful of FATALs in its last lines, and follow mode sees an
error the moment a session causes one (the sandbox only: it runs a failing statement itself)."""

from datetime import datetime, timedelta, timezone

import pytest

pytest.importorskip("aurora_console.testing.pages_logs", reason="the logs page object is not installed")

from targets import CLUSTER  # noqa: E402


def test_the_writer_log_is_readable_and_calm(console):
    logs = console.logs(CLUSTER)
    assert logs.instance() == logs.instances()[0]  # the writer
    files = logs.files()
    assert files, "no log files: is log retention zero?"
    logs.read(files[0]["name"], lines=2000)
    assert logs.entries(severity="PANIC") == []
    recent = logs.entries(severity="FATAL", since=datetime.now(timezone.utc) - timedelta(hours=1))
    assert len(recent) <= 5, [e["message"] for e in recent]


def test_every_instance_has_log_files(console):
    for instance in console.logs(CLUSTER).instances():
        assert console.logs(instance).files(), instance


def test_follow_sees_an_error_as_it_happens(console, aurora_sandbox):
    if aurora_sandbox is None:
        pytest.skip("causes an error in the database: sandbox only")
    import psycopg

    logs = console.logs(CLUSTER)
    logs.read()
    logs.follow()
    with psycopg.connect(**aurora_sandbox.database_conninfo(), autocommit=True) as conn:
        with pytest.raises(psycopg.errors.UndefinedTable):
            conn.execute("SELECT * FROM smoke_test_no_such_table")
    entry = logs.wait_for(r"smoke_test_no_such_table")
    logs.stop()
    assert entry["severity"] == "ERROR" and "STATEMENT" in entry["details"]
