"""FilterLogEvents faults moto does not produce: throttling, access denied, empty pages with a
token (the paging itself runs against moto in tests/integration/db_logs/)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from aurora_console.core.aws.db_logs.cloudwatch import ATTEMPTS, SearchThrottled, search_cluster_log
from aurora_console.core.aws.errors import AwsError
from tests.unit.core.aws.db_logs.fixtures import client_error

pytestmark = pytest.mark.unit

END = datetime(2026, 12, 7, 6, tzinfo=timezone.utc)
START = END - timedelta(hours=1)


class Pages:
    def __init__(self, answers):
        self.answers = list(answers)
        self.calls = []

    def filter_log_events(self, **kwargs):
        self.calls.append(kwargs)
        answer = self.answers.pop(0)
        if isinstance(answer, BaseException):
            raise answer
        return answer


def _event(stream, message):
    return {"logStreamName": stream, "timestamp": int(START.timestamp() * 1000), "message": message}


def test_empty_pages_with_a_token_go_on_and_throttling_backs_off():
    line = "2026-12-07 05:00:00 UTC::@:[9]:LOG:  checkpoint complete"
    client = Pages([{"events": [], "nextToken": "a"}, client_error("ThrottlingException", "FilterLogEvents"),
                    {"events": [_event("blog-1", line)], "nextToken": "b"}, {"events": []}])
    found = list(search_cluster_log(client, "blog", start=START, end=END, retry_delay=0.001))
    assert [(e.stream, e.entries[0].pid, e.entries[0].message) for e in found] == [("blog-1", 9, "checkpoint complete")]
    assert [c.get("nextToken") for c in client.calls] == [None, "a", "a", "b"]
    assert client.calls[0]["logGroupName"] == "/aws/rds/cluster/blog/postgresql"
    assert client.calls[0]["startTime"] == int(START.timestamp() * 1000)


def test_access_denied_names_the_permission():
    client = Pages([client_error("AccessDeniedException", "FilterLogEvents")])
    with pytest.raises(AwsError) as caught:
        list(search_cluster_log(client, "blog", start=START, end=END))
    assert "logs:FilterLogEvents" in caught.value.user_text()


def test_a_page_throttled_again_and_again_ends_the_search_saying_so():
    line = "2026-12-07 05:00:00 UTC::@:[9]:LOG:  checkpoint complete"
    throttle = [client_error("ThrottlingException", "FilterLogEvents") for _ in range(ATTEMPTS)]
    client = Pages([{"events": [_event("blog-1", line)], "nextToken": "a"}, *throttle, {"events": []}])
    found = []
    with pytest.raises(SearchThrottled) as caught:
        for event in search_cluster_log(client, "blog", start=START, end=END, retry_delay=0.001):
            found.append(event)
    assert len(found) == 1  # what came before the throttling was given
    assert len(client.calls) == 1 + ATTEMPTS  # the page asked ATTEMPTS times, then no more
    assert caught.value.kind == "throttled"
    assert "search of blog's log was throttled" in caught.value.user_text()
    assert f"{ATTEMPTS} times" in caught.value.user_text()


def test_the_throttle_count_starts_again_after_a_page_comes_back():
    throttle = [client_error("ThrottlingException", "FilterLogEvents") for _ in range(ATTEMPTS - 1)]
    client = Pages([*throttle, {"events": [], "nextToken": "a"}, *throttle, {"events": []}])
    assert list(search_cluster_log(client, "blog", start=START, end=END, retry_delay=0.001)) == []
    assert len(client.calls) == 2 * ATTEMPTS
