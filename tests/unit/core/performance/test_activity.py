"""Session rows without a server: highlights, eliding, the console's own connections, the grant hint."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aurora_console.core.performance.activity import (
    FLAG_IDLE_IN_XACT,
    FLAG_LONG_XACT,
    SessionRow,
    _client,
    elide,
    flag,
    is_console_application,
    privilege_hint,
)

pytestmark = pytest.mark.unit


def row(**kw) -> SessionRow:
    base = dict(pid=100, user="app", database="blog", application="blog-app", client="10.0.0.5:5000",
                state="active", wait_event_type="", wait_event="", query="SELECT 1", query_age_s=1.0,
                xact_age_s=1.0, backend_start=None, backend_type="client backend")
    base.update(kw)
    return SessionRow(**base)


def test_a_long_transaction_is_flagged_from_its_threshold_on():
    assert flag(row(xact_age_s=299.9), long_xact_s=300) == set()
    assert flag(row(xact_age_s=300.0), long_xact_s=300) == {FLAG_LONG_XACT}
    assert flag(row(xact_age_s=None), long_xact_s=0) == set()


@pytest.mark.parametrize("state", ["idle in transaction", "idle in transaction (aborted)"])
def test_idle_in_transaction_is_flagged_by_the_time_in_that_state(state):
    idle = row(state=state, state_age_s=61.0, xact_age_s=61.0, query_age_s=None)
    assert flag(idle, long_xact_s=3600, idle_in_xact_s=60) == {FLAG_IDLE_IN_XACT}
    assert flag(row(state=state, state_age_s=59.0, xact_age_s=61.0), long_xact_s=3600, idle_in_xact_s=60) == set()
    assert flag(idle, long_xact_s=60, idle_in_xact_s=60) == {FLAG_IDLE_IN_XACT, FLAG_LONG_XACT}


def test_an_active_or_idle_session_is_never_idle_in_transaction():
    assert flag(row(state="active", state_age_s=999.0), long_xact_s=3600, idle_in_xact_s=1) == set()
    assert flag(row(state="idle", state_age_s=999.0, xact_age_s=None), long_xact_s=1, idle_in_xact_s=1) == set()


@pytest.mark.parametrize("name", ["aurora-console", "aurora-console performance", "Aurora Console SQL",
                                  "aurora-console content", "AURORA-CONSOLE migrate", "  aurora-console"])
def test_the_console_own_application_names(name):
    assert is_console_application(name)


@pytest.mark.parametrize("name", ["", None, "psql", "blog-app", "my aurora-console clone", "aurora", "pgAdmin 4"])
def test_other_application_names(name):
    assert not is_console_application(name)


def test_the_hint_names_the_grant_with_the_role_quoted():
    assert privilege_hint("app", 0) is None
    hint = privilege_hint('we"ird', 3)
    assert hint.startswith("3 sessions of other roles show as <insufficient privilege>")
    assert 'GRANT pg_read_all_stats TO "we""ird";' in hint
    assert "rds_superuser" in hint
    assert privilege_hint("app", 1).startswith("1 session of")


def test_wait_reads_as_type_and_event():
    assert row(wait_event_type="Lock", wait_event="tuple").wait == "Lock: tuple"
    assert row(wait_event_type="Lock", wait_event="tuple").waiting_on_lock
    assert row().wait == "" and not row().waiting_on_lock
    assert row(wait_event_type="CPU").wait == "CPU"


@pytest.mark.parametrize("addr,host,port,shown", [
    ("10.1.2.3/32", None, 5432, "10.1.2.3:5432"),
    ("10.1.2.3", "app.internal", 40000, "app.internal:40000"),
    ("::1/128", None, 1234, "[::1]:1234"),
    (None, None, -1, "local socket"),
    (None, None, None, ""),
])
def test_the_client_column(addr, host, port, shown):
    assert _client(addr, host, port) == shown


@given(st.text(), st.integers(min_value=1, max_value=500))
def test_an_elided_query_is_one_line_within_the_limit(query, limit):
    out = elide(query, limit)
    assert "\n" not in out and "\r" not in out
    assert len(out) <= limit
    collapsed = " ".join(query.split())
    if len(collapsed) <= limit:
        assert out == collapsed
    else:
        assert out.endswith("…") and collapsed.startswith(out[:-1])


def test_elide_keeps_a_short_query_and_cuts_a_long_one():
    assert elide("SELECT *\n  FROM items\tWHERE id = 1") == "SELECT * FROM items WHERE id = 1"
    assert elide("x" * 200, 10) == "x" * 9 + "…"
