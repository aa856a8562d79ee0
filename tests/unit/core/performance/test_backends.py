"""Refusals, the typed confirmation and the audit of refused signals, without a server."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from aurora_console.core.audit import AuditLog
from aurora_console.core.aws.fleet.models import ClusterRef
from aurora_console.core.errors import ConsoleError
from aurora_console.core.performance.activity import SessionRow
from aurora_console.core.performance.backends import (
    REFUSED_BACKGROUND,
    REFUSED_CONSOLE,
    REFUSED_HIDDEN,
    REFUSED_OWN,
    REFUSED_PARALLEL,
    REFUSED_RDS,
    REFUSED_READ_ONLY,
    REFUSED_REPLICATION,
    BackendSignalRefused,
    check_signal,
    confirmation_text,
    confirmation_word,
    signal_backend,
)

pytestmark = pytest.mark.unit


def row(**kw) -> SessionRow:
    base = dict(pid=4242, user="app", database="blog", application="blog-app", client="10.0.0.5:5000",
                state="active", wait_event_type="", wait_event="", query="UPDATE posts SET title = 'x' WHERE id = 1",
                query_age_s=1.0, xact_age_s=1.0, backend_start=datetime(2026, 1, 1, tzinfo=timezone.utc),
                backend_type="client backend")
    base.update(kw)
    return SessionRow(**base)


@pytest.mark.parametrize("action", ["cancel", "terminate"])
def test_a_client_session_and_an_autovacuum_worker_may_be_signalled(action):
    check_signal(row(), action, own_pid=1)
    check_signal(row(backend_type="autovacuum worker", user=""), action, own_pid=1)


@pytest.mark.parametrize("kw,reason", [
    (dict(pid=1), REFUSED_OWN),
    (dict(application="Aurora Console SQL"), REFUSED_CONSOLE),
    (dict(console_backend=True, application=""), REFUSED_CONSOLE),
    (dict(backend_type="walsender"), REFUSED_REPLICATION),
    (dict(backend_type="walreceiver"), REFUSED_REPLICATION),
    (dict(backend_type="logical replication worker"), REFUSED_REPLICATION),
    (dict(backend_type="autovacuum launcher"), REFUSED_BACKGROUND),
    (dict(backend_type="checkpointer"), REFUSED_BACKGROUND),
    (dict(backend_type="pg_cron launcher"), REFUSED_BACKGROUND),
    (dict(backend_type=""), REFUSED_BACKGROUND),
    (dict(backend_type="parallel worker", leader_pid=77), REFUSED_PARALLEL),
    (dict(user="rdsadmin"), REFUSED_RDS),
    (dict(query="<insufficient privilege>", query_hidden=True, backend_type="", state=""), REFUSED_HIDDEN),
])
@pytest.mark.parametrize("action", ["cancel", "terminate"])
def test_refusals(kw, reason, action):
    with pytest.raises(BackendSignalRefused) as info:
        check_signal(row(**kw), action, own_pid=1)
    assert info.value.reason == reason
    assert isinstance(info.value, ConsoleError)
    assert str(kw.get("pid", 4242)) in info.value.message


def test_a_parallel_worker_refusal_names_its_leader():
    with pytest.raises(BackendSignalRefused, match="its leader is backend 77"):
        check_signal(row(backend_type="parallel worker", leader_pid=77), "cancel")


def test_a_hidden_session_refusal_names_the_grant():
    with pytest.raises(BackendSignalRefused) as info:
        check_signal(row(query="<insufficient privilege>", query_hidden=True, backend_type=""), "terminate")
    assert "GRANT pg_read_all_stats" in info.value.hint


def test_read_only_is_refused_first_even_for_an_ordinary_session():
    with pytest.raises(BackendSignalRefused) as info:
        check_signal(row(), "terminate", own_pid=1, read_only=True)
    assert info.value.reason == REFUSED_READ_ONLY
    assert info.value.message == "Terminating a session is disabled: the profile is marked read-only."


def test_an_unknown_action_is_a_programming_error():
    with pytest.raises(ValueError):
        check_signal(row(), "kill")
    with pytest.raises(ValueError):
        confirmation_text(row(), "kill")


def test_the_confirmation_names_pid_user_database_and_query_and_asks_for_the_pid():
    text = confirmation_text(row(query="SELECT *\n FROM posts\n WHERE id = 1"), "terminate")
    assert text.startswith("Terminate backend 4242 of app on blog?")
    assert "Query: SELECT * FROM posts WHERE id = 1" in text
    assert "rolled back" in text
    assert text.endswith("Type 4242 to confirm.")
    assert confirmation_word(row()) == "4242"
    cancel = confirmation_text(row(), "cancel")
    assert cancel.startswith("Cancel the query of backend 4242 of app on blog?")
    assert "stays connected" in cancel
    long = confirmation_text(row(query="SELECT " + "x, " * 500), "cancel")
    assert "…" in long and len(long) < 700


class Unreachable:
    """A connection that fails on any use: a refusal must not need the server."""

    def __init__(self):
        self.used = 0

    def transaction(self):
        self.used += 1
        raise OSError("server unreachable")

    def cursor(self, *a, **k):
        self.used += 1
        raise OSError("server unreachable")


def test_a_read_only_refusal_is_audited_even_when_the_session_cannot_be_read(tmp_path):
    audit = AuditLog(tmp_path / "audit.jsonl")
    ref = ClusterRef(profile="prod", region="us-east-1", cluster_id="blog")
    with pytest.raises(BackendSignalRefused) as info:
        signal_backend(Unreachable(), 4242, "terminate", read_only=True, audit=audit, target=ref, instance="blog-1")
    assert info.value.reason == REFUSED_READ_ONLY
    [entry] = audit.read()
    assert entry.action == "performance.terminate"
    assert entry.outcome == "refused: Terminating a session is disabled: the profile is marked read-only."
    assert entry.params == {"pid": 4242, "cluster": "blog", "instance": "blog-1"}
    assert entry.profile == "prod"
