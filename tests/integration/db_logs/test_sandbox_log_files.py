"""The sandbox's endpoint serves the real PostgreSQL log through DescribeDBLogFiles and
DownloadDBLogFilePortion, read with a real boto3 client by core's reader, follow mode and parser
(issue 17)."""

from __future__ import annotations

import re
import secrets
import threading
import time

import pytest
from botocore.exceptions import ClientError

from aurora_console.core.aws.db_logs.entries import parse_entries
from aurora_console.core.aws.db_logs.files import list_log_files
from aurora_console.core.aws.db_logs.follow import follow_log
from aurora_console.core.aws.db_logs.reader import LogFileGone, LogFileReader
from aurora_console.core.tasks import TaskContext
from aurora_console.sandbox.postgres_env import find_postgres_bin
from aurora_console.sandbox.rds_logs import auto_explain_available
from tests.integration.db_logs.conftest import client

pytestmark = pytest.mark.integration


def _run(pg, *statements: str) -> None:
    with pg.connect(autocommit=True) as conn:
        conn.execute("SET log_min_duration_statement = 0")  # superuser: every statement is "slow"
        conn.execute("SET auto_explain.log_min_duration = 0")
        for statement in statements:
            try:
                conn.execute(statement)
            except Exception:  # noqa: BLE001 - errors are what the log should show
                pass


def _text(rds, instance: str, name: str) -> str:
    return "".join(p.data for p in LogFileReader(rds, instance, name).forwards())


def _wait_for(rds, instance: str, needle: str, timeout: float = 20.0) -> str:
    """The two newest files' text (the older first) once it holds ``needle``: the logging collector
    writes shortly after, and starts a new file at the top of each hour (log_rotation_age 60), so a
    statement logged just before is in the file before the newest one."""
    deadline = time.monotonic() + timeout
    while True:
        text = "".join(_text(rds, instance, f.name) for f in reversed(list_log_files(rds, instance)[:2]))
        if needle in text or time.monotonic() > deadline:
            return text
        time.sleep(0.1)


def test_files_are_listed_newest_first_with_rds_names(log_endpoint, rds_pg):
    rds = client(log_endpoint)
    _run(rds_pg, "SELECT 1")
    files = list_log_files(rds, "blog-1")
    assert files and all(re.fullmatch(r"error/postgresql\.log\.[0-9]{4}-[0-9]{2}-[0-9]{2}-[0-9]{2}", f.name) for f in files)
    assert files == sorted(files, key=lambda f: (f.last_written, f.name), reverse=True)
    raw = rds.describe_db_log_files(DBInstanceIdentifier="blog-2")["DescribeDBLogFiles"]
    assert {f["LogFileName"] for f in raw} == {f.name for f in files}
    (size,) = [f["Size"] for f in raw if f["LogFileName"] == files[0].name]
    assert size >= files[0].size > 0  # the file only grows


def test_entries_of_the_real_log(log_endpoint, rds_pg):
    rds = client(log_endpoint)
    tag = secrets.token_hex(4)
    _run(rds_pg, f"SELECT count(*) AS slow_{tag} FROM generate_series(1, 100)", f"SELECT * FROM missing_{tag}")
    text = _wait_for(rds, "blog-1", f"missing_{tag}")
    entries = list(parse_entries([text]))
    error = next(e for e in entries if e.severity == "ERROR" and f"missing_{tag}" in e.message)
    assert error.detail("STATEMENT") == f"SELECT * FROM missing_{tag}"
    assert error.user == "postgres" and error.database == "postgres" and error.client.startswith("127.0.0.1(")
    slow = [e.slow for e in entries if e.slow is not None and f"slow_{tag}" in e.slow.text]
    assert any(s.kind == "statement" for s in slow)
    plans = [s for s in slow if s.kind == "plan"]
    if auto_explain_available(find_postgres_bin()):  # it comes with the server's contrib modules
        assert plans
        assert "generate_series" in plans[0].plan and plans[0].text.startswith(f"SELECT count(*) AS slow_{tag}")


def test_portions_follow_the_api_semantics(log_endpoint, rds_pg):
    rds = client(log_endpoint)
    _run(rds_pg, *[f"SELECT {i}" for i in range(50)])
    _wait_for(rds, "blog-1", "SELECT 49")
    # the file with the most of them (the newest one, unless the hour turned while they were logged)
    name = max((f.name for f in list_log_files(rds, "blog-1")[:2]), key=lambda n: _text(rds, "blog-1", n).count("\n"))
    first = rds.download_db_log_file_portion(DBInstanceIdentifier="blog-1", LogFileName=name, Marker="0", NumberOfLines=5)
    assert first["LogFileData"].count("\n") == 5 and first["AdditionalDataPending"] is True
    second = rds.download_db_log_file_portion(DBInstanceIdentifier="blog-1", LogFileName=name, Marker=first["Marker"],
                                              NumberOfLines=5)
    whole = rds.download_db_log_file_portion(DBInstanceIdentifier="blog-1", LogFileName=name, Marker="0",
                                             NumberOfLines=10)["LogFileData"]
    assert first["LogFileData"] + second["LogFileData"] == whole
    last = rds.download_db_log_file_portion(DBInstanceIdentifier="blog-1", LogFileName=name, NumberOfLines=3)
    assert last["LogFileData"].count("\n") == 3 and last["AdditionalDataPending"] is False
    # botocore's own paginator (Marker "0", NumberOfLines, AdditionalDataPending) reads the whole file
    paged = "".join(page["LogFileData"] for page in rds.get_paginator("download_db_log_file_portion").paginate(
        DBInstanceIdentifier="blog-1", LogFileName=name, Marker="0", PaginationConfig={"PageSize": 7}))
    assert paged.startswith(whole) and paged.endswith(last["LogFileData"])


def test_a_missing_file_and_an_unserved_instance(log_endpoint):
    rds = client(log_endpoint)
    with pytest.raises(LogFileGone):
        LogFileReader(rds, "blog-1", "error/postgresql.log.2000-01-01-00").tail(5)
    with pytest.raises(ClientError) as caught:  # not attached: moto answers
        rds.describe_db_log_files(DBInstanceIdentifier="nobody")
    assert "NotFound" in caught.value.response["Error"]["Code"]


def test_follow_sees_new_statements(log_endpoint, rds_pg):
    rds = client(log_endpoint)
    _run(rds_pg, "SELECT 'before follow'")
    _wait_for(rds, "blog-1", "before follow")
    task = TaskContext()
    timer = threading.Timer(30, task.token.cancel)  # never hangs the suite
    timer.start()
    try:
        follow = follow_log(rds, "blog-1", task=task, lines=5, interval=0.1)
        next(follow)
        tag = secrets.token_hex(4)
        _run(rds_pg, f"SELECT 'followed {tag}'")
        seen = ""
        while f"followed {tag}" not in seen:
            seen += next(follow).data
    finally:
        timer.cancel()
        task.token.cancel()
    assert f"statement: SELECT 'followed {tag}'" in seen
