"""Backtrack (moto lacks the APIs: 'not supported by this endpoint') and event subscriptions."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from aurora_console.core.aws.backups import backtrack as bt
from aurora_console.core.aws.backups import event_subscriptions as ev
from aurora_console.core.aws.backups.operations import run_backup_action
from aurora_console.core.aws.backups.settings import read_backup_settings
from aurora_console.core.aws.errors import NotSupportedByEndpoint
from tests.integration.backups.conftest import EAST

pytestmark = pytest.mark.integration


def test_backtrack_apis_missing_on_moto_say_so(factory, shop, audit):
    s = read_backup_settings(factory, EAST, shop)
    assert s.is_mysql and s.backtrack_window_s == 86400 and bt.unavailable_reason(s) == ""
    with pytest.raises(NotSupportedByEndpoint, match="not supported by this endpoint"):
        bt.list_backtracks(factory, EAST, shop)
    now = datetime.now(timezone.utc)
    action = bt.prepare_backtrack(s, EAST, now - timedelta(hours=1), "shop", now=now)
    with pytest.raises(NotSupportedByEndpoint, match="not supported by this endpoint"):
        run_backup_action(factory, action, audit=audit, poll_interval=0.05)
    (entry,) = audit.read()
    assert entry.action == "backtrack-cluster" and "not supported by this endpoint" in entry.outcome


def test_backtrack_window_change(factory, shop, audit, rds):
    s = read_backup_settings(factory, EAST, shop)
    run_backup_action(factory, bt.prepare_window(s, EAST, 48), audit=audit)
    assert rds.describe_db_clusters(DBClusterIdentifier=shop)["DBClusters"][0]["BacktrackWindow"] == 48 * 3600


def test_backtrack_refused_for_postgresql(factory, blog):
    s = read_backup_settings(factory, EAST, blog)
    assert "Aurora PostgreSQL" in bt.unavailable_reason(s)


def test_event_subscriptions_create_list_delete(factory, blog, audit):
    sns = factory.client("sns", EAST)
    arn = sns.create_topic(Name="blog-alerts")["TopicArn"]
    assert ev.list_topics(factory, EAST) == [arn]
    assert ev.list_subscriptions(factory, EAST) == []
    action = ev.prepare_create(EAST, "blog-failovers", arn, "db-cluster", ["failover", "maintenance"], ["blog"])
    run_backup_action(factory, action, audit=audit)
    (sub,) = ev.list_subscriptions(factory, EAST)
    assert (sub.name, sub.topic_arn, sub.source_type, sub.source_ids, sub.categories, sub.enabled) == (
        "blog-failovers", arn, "db-cluster", ("blog",), ("failover", "maintenance"), True)
    assert ev.covers(sub, "blog")
    run_backup_action(factory, ev.prepare_delete(sub, EAST, "blog-failovers"), audit=audit)
    assert ev.list_subscriptions(factory, EAST) == []
    assert [e.action for e in audit.read()] == ["create-event-subscription", "delete-event-subscription"]
