"""The sandbox's answers to DescribeDBLogFiles and DownloadDBLogFilePortion (issue 17): the API's
portion semantics on real files, names that cannot leave the log folder, XML that parses."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aurora_console.sandbox.rds_logs import (
    MAX_LINES,
    PORTION_LIMIT_BYTES,
    InstanceLogs,
    LogFileMissing,
    RdsLogsWsgi,
    auto_explain_available,
    describe_log_files,
    download_log_portion,
    rds_log_settings,
    read_portion,
)

pytestmark = pytest.mark.unit

NAME = "postgresql.log.2026-12-07-05"


def _lines(n, start=0):
    return "".join(f"line {i}\n" for i in range(start, start + n))


@pytest.fixture
def log_file(tmp_path):
    path = tmp_path / NAME
    path.write_text(_lines(100))
    return path


def test_forward_portions_and_the_end(log_file):
    first = read_portion(log_file, "0", 10)
    assert first.data.decode() == _lines(10) and first.pending
    rest = read_portion(log_file, first.marker, 1_000)
    assert rest.data.decode() == _lines(90, 10) and not rest.pending
    assert read_portion(log_file, rest.marker, 10).data == b""


def test_last_lines_and_the_default(log_file):
    assert read_portion(log_file, None, 3).data.decode() == _lines(3, 97)
    assert read_portion(log_file, None, None).data.decode() == _lines(100)  # at most 10,000 lines
    with open(log_file, "a") as out:
        out.write(_lines(MAX_LINES, 100))
    assert read_portion(log_file, None, None).data.decode() == _lines(MAX_LINES, 100)


def test_a_line_being_written_waits(log_file):
    with open(log_file, "a") as out:
        out.write("half a li")
    last = read_portion(log_file, None, 2)
    assert last.data.decode() == _lines(2, 98)
    with open(log_file, "a") as out:
        out.write("ne\n")
    assert read_portion(log_file, last.marker, 5).data == b"half a line\n"


def test_the_one_megabyte_limit_cuts_and_skips_the_line(tmp_path):
    path = tmp_path / NAME
    path.write_bytes(b"short\n" + b"x" * PORTION_LIMIT_BYTES + b"\nafter\n")
    portion = read_portion(path, "0", 10)
    assert len(portion.data) == PORTION_LIMIT_BYTES
    assert portion.data.startswith(b"short\nxxx") and portion.data.endswith(b"x [Your log message was truncated]\n")
    assert read_portion(path, portion.marker, 10).data == b"after\n"


def test_bad_markers_are_refused(log_file):
    for marker in ("", "abc", "1:", "-1:5", "1:5:6"):
        with pytest.raises(ValueError):
            read_portion(log_file, marker, 5)


@pytest.mark.parametrize("name", ["error/../" + NAME, "error/" + NAME + "/..", "error/postgresql.log./x",
                                  NAME, "error/pg_hba.conf", "error/../../etc/passwd", "error/postgresql.log.missing"])
def test_names_outside_the_log_folder_are_not_files(tmp_path, log_file, name):
    logs = InstanceLogs()
    logs.attach(["db-1"], tmp_path)
    with pytest.raises(LogFileMissing):
        logs.path("db-1", name)
    assert logs.path("db-1", "error/" + NAME) == log_file


def test_listing_filters_and_pages(tmp_path):
    for hour in range(3):
        (tmp_path / f"postgresql.log.2026-12-07-0{hour}").write_text(_lines(hour + 1))
    (tmp_path / "current_logfiles").write_text("not a log")
    logs = InstanceLogs()
    logs.attach(["db-1"], tmp_path)
    status, body = describe_log_files(logs, {"DBInstanceIdentifier": "db-1", "MaxRecords": "2"})
    root = ET.fromstring(body)
    names = [e.text for e in root.iter("{http://rds.amazonaws.com/doc/2014-10-31/}LogFileName")]
    assert status == 200 and names == ["error/postgresql.log.2026-12-07-00", "error/postgresql.log.2026-12-07-01"]
    assert root.find(".//{http://rds.amazonaws.com/doc/2014-10-31/}Marker").text == "2"
    _, body = describe_log_files(logs, {"DBInstanceIdentifier": "db-1", "FileSize": str(len(_lines(2)))})
    assert "2026-12-07-02" in body and "2026-12-07-01" not in body


def test_control_characters_still_give_xml(tmp_path):
    (tmp_path / NAME).write_bytes(b"bell \x07 nul \x00 cr \r invalid \xff\n")
    logs = InstanceLogs()
    logs.attach(["db-1"], tmp_path)
    status, body = download_log_portion(logs, {"DBInstanceIdentifier": "db-1", "LogFileName": "error/" + NAME,
                                               "Marker": "0", "NumberOfLines": "5"})
    data = ET.fromstring(body).find(".//{http://rds.amazonaws.com/doc/2014-10-31/}LogFileData").text
    assert status == 200 and data == "bell \ufffd nul \ufffd cr \r invalid \ufffd\n"
    status, body = download_log_portion(logs, {"DBInstanceIdentifier": "db-1", "LogFileName": "error/nope"})
    assert status == 404 and "DBLogFileNotFoundFault" in body


def test_other_requests_reach_moto_with_their_body():
    seen = {}

    def moto(environ, start_response):
        seen["body"] = environ["wsgi.input"].read(int(environ["CONTENT_LENGTH"]))
        start_response("200 OK", [])
        return [b"moto"]

    layer = RdsLogsWsgi(moto, InstanceLogs())
    body = b"Action=DescribeDBLogFiles&DBInstanceIdentifier=unknown"
    environ = {"REQUEST_METHOD": "POST", "CONTENT_LENGTH": str(len(body)), "wsgi.input": io.BytesIO(body),
               "HTTP_AUTHORIZATION": "AWS4-HMAC-SHA256 Credential=K/20261207/us-east-1/rds/aws4_request, ..."}
    assert layer(environ, lambda *a: None) == [b"moto"] and seen["body"] == body


def test_settings_as_on_rds(tmp_path):
    settings = rds_log_settings(None)
    assert settings["log_line_prefix"] == "%t:%r:%u@%d:[%p]:" and settings["log_filename"] == "postgresql.log.%Y-%m-%d-%H"
    assert "session_preload_libraries" not in settings
    (tmp_path / "lib").mkdir()
    (tmp_path / "bin").mkdir()
    assert not auto_explain_available(tmp_path / "bin")
    (tmp_path / "lib" / "auto_explain.so").write_bytes(b"")
    assert rds_log_settings(tmp_path / "bin")["session_preload_libraries"] == "auto_explain"


# -- properties --------------------------------------------------------------------------------
LINES = st.lists(st.binary(max_size=60).map(lambda b: b.replace(b"\n", b" ")), max_size=40)


@settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(lines=LINES, block=st.integers(1, 15), tail=st.integers(1, 50), partial=st.binary(max_size=10))
def test_paging_reads_every_byte_once_and_the_tail_is_the_last_lines(tmp_path_factory, lines, block, tail, partial):
    path = tmp_path_factory.mktemp("p") / NAME
    whole = b"".join(line + b"\n" for line in lines)
    path.write_bytes(whole + partial.replace(b"\n", b""))  # a line still being written at the end
    marker, read = "0", b""
    for _ in range(len(lines) + 2):
        portion = read_portion(path, marker, block)
        assert portion.data.count(b"\n") <= block
        read += portion.data
        marker = portion.marker
        if not portion.pending:
            break
    assert read == whole
    assert read_portion(path, None, tail).data == b"".join(line + b"\n" for line in lines[-tail:])


@settings(max_examples=300)
@given(st.binary(max_size=200) | st.text(max_size=100).map(lambda t: t.encode("utf-8", "surrogatepass")))
def test_a_portion_as_xml_text_is_its_decoded_text_escaped(data):
    # the scan for characters XML cannot hold runs on the bytes; what it gives is the same
    from aurora_console.sandbox.rds_logs import _xml_log_data, _xml_text

    assert _xml_log_data(data) == _xml_text(data.decode("utf-8", "replace"))
