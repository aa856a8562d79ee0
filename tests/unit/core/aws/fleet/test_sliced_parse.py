"""The inventory's RDS client parses big answers in slices: the same result as botocore's own
parser, and the GIL is given up between slices (a page no longer holds it for its whole parse)."""

from __future__ import annotations

import gc
import threading
import time
from datetime import datetime

import boto3
import pytest
from botocore import parsers
from botocore.stub import Stubber
from hypothesis import given
from hypothesis import strategies as st

from aurora_console.core.aws.fleet import sliced_parse
from aurora_console.core.aws.fleet.sliced_parse import SLICE_BYTES, SlicedQueryParser, parse_in_slices
from aurora_console.core.tasks import Cancelled, TaskContext


def _rds():
    return boto3.client("rds", region_name="us-east-1", aws_access_key_id="k", aws_secret_access_key="s",
                        endpoint_url="http://127.0.0.1:9")


def _answer(clusters: int) -> bytes:
    items = "".join(
        f"<DBCluster><DBClusterIdentifier>c-{n:05d}</DBClusterIdentifier><Engine>aurora-postgresql</Engine>"
        f"<Status>available</Status><AllocatedStorage>{n}</AllocatedStorage>"
        f"<ClusterCreateTime>2024-01-0{1 + n % 9}T10:00:00Z</ClusterCreateTime>"
        f"<TagList><Tag><Key>env</Key><Value>v{n}</Value></Tag></TagList>"
        f"<DBClusterMembers><DBClusterMember><DBInstanceIdentifier>c-{n:05d}-1</DBInstanceIdentifier>"
        f"<IsClusterWriter>true</IsClusterWriter></DBClusterMember></DBClusterMembers></DBCluster>"
        for n in range(clusters))
    return (f'<DescribeDBClustersResponse xmlns="http://rds.amazonaws.com/doc/2014-10-31/">'
            f"<DescribeDBClustersResult><DBClusters>{items}</DBClusters></DescribeDBClustersResult>"
            f"<ResponseMetadata><RequestId>r-1</RequestId></ResponseMetadata></DescribeDBClustersResponse>").encode()


def _parse(parser, body: bytes):
    shape = _rds().meta.service_model.operation_model("DescribeDBClusters").output_shape
    return parser.parse({"body": body, "headers": {}, "status_code": 200}, shape)


@pytest.mark.parametrize("clusters", [1, 3, 2000])  # below one slice, and many slices (a cut mid-tag)
def test_same_answer_as_botocore(clusters):
    body = _answer(clusters)
    assert (len(body) > 4 * SLICE_BYTES) == (clusters == 2000)
    ours = _parse(SlicedQueryParser(), body)
    assert ours == _parse(parsers.QueryParser(), body)
    assert [c["DBClusterIdentifier"] for c in ours["DBClusters"]] == [f"c-{n:05d}" for n in range(clusters)]


def test_invalid_xml_is_botocores_parse_error():
    body = _answer(2000)[:-3 * SLICE_BYTES] + b"<<>"
    with pytest.raises(parsers.ResponseParserError):
        _parse(SlicedQueryParser(), body)


def test_feeds_in_slices(monkeypatch):
    sizes = []
    real = parsers.ETree.XMLParser

    class Recording:
        def __init__(self, **kw):
            self._p = real(**kw)

        def feed(self, data):
            sizes.append(len(data))
            self._p.feed(data)

        def close(self):
            return self._p.close()

    monkeypatch.setattr(sliced_parse.parsers.ETree, "XMLParser", Recording)
    body = _answer(2000)
    _parse(SlicedQueryParser(), body)
    assert sum(sizes) == len(body) and max(sizes) <= SLICE_BYTES and len(sizes) > 4


def test_another_thread_runs_during_a_big_parse():
    """With one feed of the whole body, a thread waiting for the GIL waits for the whole parse;
    in slices it gets its turns while the parse goes on. Counted, not timed (a loaded machine
    may pause any thread): the ticker must have run several times between the sliced parse's
    start and end. The collector is off meanwhile: its passes are pauses of their own (the app
    holds its full passes back during a load, see ui/full_collections.py)."""
    body = _answer(20000)  # some 9 MB
    shape = _rds().meta.service_model.operation_model("DescribeDBClusters").output_shape
    parser = SlicedQueryParser()
    ticks, started, stop = [], threading.Event(), threading.Event()
    parsing = threading.Event()

    def ticker():
        started.set()
        while not stop.is_set():
            time.sleep(0.001)
            if parsing.is_set():
                ticks.append(1)

    t = threading.Thread(target=ticker)
    gc.disable()
    try:
        t.start()
        started.wait(30)
        parsing.set()
        dom = parser._parse_xml_string_to_dom(body)
        parsing.clear()
    finally:
        stop.set()
        t.join()
        gc.enable()
    assert len(dom) and shape is not None
    assert len(ticks) >= 3, len(ticks)


def test_installed_on_a_client_and_used_for_its_answers():
    rds = _rds()
    assert parse_in_slices(rds) is True
    assert parse_in_slices(rds) is True  # twice: still one factory
    assert isinstance(rds._endpoint._response_parser_factory.create_parser("query"), SlicedQueryParser)
    assert not isinstance(rds._endpoint._response_parser_factory.create_parser("json"), SlicedQueryParser)


def test_a_client_without_an_endpoint_is_left_alone():
    class Double:
        pass

    assert parse_in_slices(Double()) is False
    with Stubber(_rds()) as stub:  # Stubber's answers skip parsing: installing does no harm
        stub.add_response("describe_db_clusters", {"DBClusters": [{"DBClusterIdentifier": "a"}]})
        client = stub.client
        parse_in_slices(client)
        assert client.describe_db_clusters()["DBClusters"][0]["DBClusterIdentifier"] == "a"


# -- what the inventory asks on its own thread: kept members, pauses, quick timestamps -------------

def _kept(body: bytes, keep: frozenset[str]):
    full = _parse(parsers.QueryParser(), body)
    return [{k: v for k, v in c.items() if k in keep} for c in full["DBClusters"]]


def test_only_the_kept_members_are_parsed_and_they_are_botocores():
    keep = frozenset(("DBClusterIdentifier", "Status", "TagList", "DBClusterMembers", "ClusterCreateTime"))
    body = _answer(300)
    with sliced_parse.parsing_for({"DBCluster": keep}):
        ours = _parse(SlicedQueryParser(), body)
    assert ours["DBClusters"] == _kept(body, keep)
    assert "AllocatedStorage" not in ours["DBClusters"][0]  # parsed by botocore, not kept
    # outside: every member again
    assert _parse(SlicedQueryParser(), body) == _parse(parsers.QueryParser(), body)


def test_what_one_thread_asks_does_not_reach_another():
    """The client is shared (details, actions): a parse on another thread keeps every member."""
    body = _answer(20)
    seen = {}
    with sliced_parse.parsing_for({"DBCluster": frozenset(("DBClusterIdentifier",))}):
        t = threading.Thread(target=lambda: seen.update(_parse(SlicedQueryParser(), body)))
        t.start()
        t.join()
    assert seen == _parse(parsers.QueryParser(), body)


def test_pauses_between_slices_and_structures_and_a_cancel_stops_the_parse():
    body = _answer(2000)
    calls = []
    with sliced_parse.parsing_for(pause=lambda: calls.append(1)):
        ours = _parse(SlicedQueryParser(), body)
    assert ours == _parse(parsers.QueryParser(), body)  # the same answer
    # one per slice after the first, and one per PAUSE_EVERY structures (clusters, tags, members)
    assert len(calls) >= len(body) // SLICE_BYTES + 3 * 2000 // sliced_parse.PAUSE_EVERY

    task = TaskContext("inventory")
    count = [0]

    def pause():
        count[0] += 1
        if count[0] == 10:
            task.token.cancel()
        task.check()

    with sliced_parse.parsing_for(pause=pause), pytest.raises(Cancelled):
        _parse(SlicedQueryParser(), body)
    assert count[0] == 10  # stopped at the pause after the cancel, not at the end


def test_a_task_context_pauses_through_its_hook_then_checks_for_a_cancel():
    hooked = []
    task = TaskContext("t", pause=lambda: hooked.append(1))
    task.pause()
    assert hooked == [1]
    task.token.cancel()
    with pytest.raises(Cancelled):
        task.pause()
    TaskContext("no hook").pause()  # a no-op


@given(st.datetimes(min_value=datetime(1970, 1, 2), max_value=datetime(2200, 1, 1)), st.integers(min_value=0, max_value=6))
def test_aws_timestamps_read_quickly_are_botocores_instants(moment, digits):
    from botocore.utils import parse_timestamp

    text = moment.strftime("%Y-%m-%dT%H:%M:%S")
    if digits:
        text += "." + f"{moment.microsecond:06d}"[:digits]
    text += "Z"
    ours = SlicedQueryParser()._handle_timestamp(None, text)
    assert ours == parse_timestamp(text) and ours.utcoffset().total_seconds() == 0


@pytest.mark.parametrize("text", ["2024-05-01T10:00:00+02:00", "1714557600", "2024-05-01 10:00:00Z",
                                  "2024-05-01T10:00:00.1234567Z", "Wed, 01 May 2024 10:00:00 GMT"])
def test_other_timestamp_forms_go_to_botocores_parser(text):
    from botocore.utils import parse_timestamp

    assert SlicedQueryParser()._handle_timestamp(None, text) == parse_timestamp(text)


def test_a_clients_own_timestamp_parser_is_kept():
    parser = SlicedQueryParser(timestamp_parser=lambda text: f"raw:{text}")
    assert parser._handle_timestamp(None, "2024-05-01T10:00:00Z") == "raw:2024-05-01T10:00:00Z"
