"""An instance's log files, newest first, every page (issue 17)."""

from __future__ import annotations

import os

import pytest

from aurora_console.core.aws.db_logs.files import list_log_files
from aurora_console.core.aws.errors import AwsError
from tests.unit.core.aws.db_logs.fixtures import INSTANCE, FileBackedRds, client_error, write_log

pytestmark = pytest.mark.unit


def test_all_pages_newest_first(tmp_path):
    rds = FileBackedRds(tmp_path)
    rds.page_size = 2
    for hour in range(5):
        path = write_log(tmp_path, f"postgresql.log.2026-12-07-{hour:02d}", hour + 1, hour=hour)
        os.utime(path, (1_000 + hour, 1_000 + hour))
    files = list_log_files(rds, INSTANCE)
    assert [f.name for f in files] == [f"error/postgresql.log.2026-12-07-{h:02d}" for h in (4, 3, 2, 1, 0)]
    assert files[0].last_written.timestamp() == 1_004 and files[0].size == (tmp_path / files[0].name[6:]).stat().st_size
    assert len(rds.calls) == 3 and rds.calls[1][1]["Marker"] == "2"


def test_denied_listing_names_the_permission(tmp_path):
    rds = FileBackedRds(tmp_path)
    rds.faults = [client_error("AccessDenied", "DescribeDBLogFiles")]
    with pytest.raises(AwsError) as caught:
        list_log_files(rds, INSTANCE)
    assert caught.value.kind == "access-denied" and "rds:DescribeDBLogFiles" in caught.value.user_text()
