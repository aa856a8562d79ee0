"""The sandbox exports its PostgreSQL log to CloudWatch Logs (issue 17): the entries the real
server writes land in ``/aws/rds/cluster/<id>/postgresql``, a stream per instance, searched with
the console's own FilterLogEvents code through the rig's endpoint (the same one the sandbox
starts); continuation lines stay with their entry; an entry still being written waits."""

from __future__ import annotations

import os
import time
from datetime import datetime, timedelta, timezone

import psycopg
import pytest

from aurora_console.core.aws.db_logs.cloudwatch import search_cluster_log
from aurora_console.sandbox.log_export import LogExport, group_name
from aurora_console.sandbox.rds_logs import LOG_DIRECTORY
from tests.integration.db_logs.conftest import INSTANCES, client

pytestmark = pytest.mark.integration


@pytest.fixture
def exported(moto_server, moto_endpoint):
    def attach(folder):
        moto_server.log_export.attach("blog", "us-east-1", INSTANCES, folder)
        return client(moto_endpoint, "logs")

    yield attach
    moto_server.log_export.detach()


def search(logs, pattern, minutes=15):
    now = datetime.now(timezone.utc)
    return list(search_cluster_log(logs, "blog", start=now - timedelta(minutes=minutes), end=now + timedelta(minutes=1),
                                   filter_pattern=pattern))


def test_the_real_log_is_searchable_in_every_instances_stream(exported, rds_pg):
    logs = exported(rds_pg.data_dir / LOG_DIRECTORY)
    with psycopg.connect(**rds_pg.conninfo("postgres"), autocommit=True) as conn:
        conn.execute("SELECT pg_sleep(0.3) AS exported_slow_statement")
        with pytest.raises(psycopg.errors.DivisionByZero):
            conn.execute("SELECT 1/0 AS exported_error")
        conn.execute("SELECT 1 AS after_the_error")  # the error's STATEMENT line is not the last entry
    deadline = time.monotonic() + 20
    while True:
        found = search(logs, "exported_slow_statement")
        if len(found) == len(INSTANCES) or time.monotonic() > deadline:
            break
        time.sleep(0.3)
    assert sorted(e.stream for e in found) == sorted(INSTANCES)
    (entry,) = found[0].entries
    assert entry.slow is not None and entry.slow.duration_ms >= 300 and entry.database == "postgres"
    errors = search(logs, "ERROR")
    division = [e for e in errors if "division by zero" in e.entries[0].message]
    assert len(division) == len(INSTANCES)
    assert logs.describe_log_groups(logGroupNamePrefix=group_name("blog"))["logGroups"]


def write(path, text):
    with open(path, "a", encoding="utf-8") as f:
        f.write(text)


def line(moment, message, pid=7):
    return f"{moment:%Y-%m-%d %H:%M:%S} UTC:10.0.0.5(4000):app@blog:[{pid}]:LOG:  {message}\n"


def test_continuation_lines_join_their_entry_and_the_last_entry_waits(moto_server, moto_endpoint, tmp_path):
    from moto.logs.models import logs_backends

    from aurora_console.sandbox.aws_server import SANDBOX_ACCOUNT_ID

    clock = [time.time()]
    export = LogExport(clock=lambda: clock[0])  # the in-process backend the rig's endpoint answers from
    export.attach("blog", "us-east-1", INSTANCES, tmp_path)
    now = datetime.now(timezone.utc).replace(microsecond=0)
    first = tmp_path / f"postgresql.log.{now:%Y-%m-%d-%H}"
    write(first, line(now, "duration: 1200.0 ms  plan:") + "\tQuery Text: select 1\n\tResult  (cost=0.00..0.01 rows=1 width=4)\n")
    write(first, line(now, "statement: select 2"))
    os.utime(first, (clock[0], clock[0]))
    assert export.sync() == 1  # the plan with its two lines; "select 2" may still get continuation lines
    write(first, "\tcontinued\n" + "partial line without its newline")
    os.utime(first, (clock[0], clock[0]))
    assert export.sync() == 0
    clock[0] += 2  # quiet for longer than SETTLE_S: the last entry is complete
    assert export.sync() == 1
    backend = logs_backends[SANDBOX_ACCOUNT_ID]["us-east-1"]
    for instance in INSTANCES:
        events = backend.groups[group_name("blog")].streams[instance].events
        assert [e.message.split("LOG:  ")[1] for e in events] == [
            "duration: 1200.0 ms  plan:\n\tQuery Text: select 1\n\tResult  (cost=0.00..0.01 rows=1 width=4)",
            "statement: select 2\n\tcontinued"]
        assert events[0].timestamp == int(now.timestamp()) * 1000
    write(first, "\n")  # the partial line completes: continuation lines alone (PostgreSQL writes an
    # entry at once, so these are a cut-off rest) are not an entry
    newer = tmp_path / f"postgresql.log.{now + timedelta(hours=1):%Y-%m-%d-%H}"
    write(newer, line(now, "next hour"))
    os.utime(newer, (clock[0], clock[0]))
    assert export.sync() == 0  # the newest file's last entry waits
    clock[0] += 2
    assert export.sync() == 1
    assert export.sync() == 0  # each entry goes out once
