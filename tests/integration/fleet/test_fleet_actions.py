"""Every fleet action against the moto server: the call, the wait for the new state, the audit line."""

from __future__ import annotations

import json

import pytest

from aurora_console.core.audit import AuditLog, IdentityCache, read_audit
from aurora_console.core.aws.fleet import actions as fa
from aurora_console.core.aws.fleet.inventory import load_region
from aurora_console.core.aws.fleet.runner import ActionFailed, fetch_cluster, run_action
from aurora_console.core.errors import ReadOnlyError, ValidationError
from aurora_console.core.paths import app_paths
from aurora_console.core.tasks import Cancelled, TaskContext

from .seed import make_cluster

pytestmark = pytest.mark.integration


@pytest.fixture
def audit(factory):
    return AuditLog(app_paths().audit_file, IdentityCache(factory))


@pytest.fixture
def fleet(factory, east):
    rds = factory.client("rds", east)
    make_cluster(rds, "orders", 3)
    make_cluster(rds, "billing", 2)
    return load_region(factory, east)


def run(factory, action, audit, **kw):
    progress = []
    ctx = TaskContext("t", progress=lambda p, t: progress.append((p, t)))
    result = run_action(factory, action, audit=audit, task=ctx, poll_interval=0.01, timeout=10, **kw)
    return result, progress


def test_failover_to_chosen_reader(factory, east, fleet, audit):
    orders = fleet.cluster("orders")
    action = fa.prepare_failover(orders, east, "orders-3", inventory=fleet)
    assert "from writer orders-1 to orders-3" in action.title
    result, progress = run(factory, action, audit)
    assert result.cluster.writer.id == "orders-3"
    assert fetch_cluster(factory, east, "orders").writer.id == "orders-3"
    assert progress[-1][0] == 100
    [line] = read_audit(app_paths().audit_file)
    assert line.action == "failover" and line.outcome == "ok"
    assert line.params["TargetDBInstanceIdentifier"] == "orders-3"
    assert line.identity == "arn:aws:sts::123456789012:user/moto"
    assert (line.profile, line.region) == ("sandbox", "us-east-1")


def test_failover_by_tier_changes_writer(factory, east, fleet, audit):
    orders = fleet.cluster("orders")
    action = fa.prepare_failover(orders, east, None)
    assert "expected: orders-2" in action.title  # lowest tier reader
    result, _ = run(factory, action, audit)
    assert result.cluster.writer.id != "orders-1"


def test_change_promotion_tier(factory, east, fleet, audit):
    action = fa.prepare_set_tier(fleet.cluster("orders"), east, "orders-2", 0)
    result, _ = run(factory, action, audit)
    assert result.cluster.instance("orders-2").tier == 0
    assert load_region(factory, east).cluster("orders").instance("orders-2").tier == 0


def test_reboot_waits_for_available(factory, east, fleet, audit):
    action = fa.prepare_reboot(fleet.cluster("orders"), east, "orders-2")
    result, progress = run(factory, action, audit)
    assert result.cluster.instance("orders-2").status == "available"
    assert any("orders-2: available" in text for _, text in progress)
    assert read_audit(app_paths().audit_file)[-1].action == "reboot-instance"


def test_add_and_delete_reader(factory, east, fleet, audit):
    add = fa.prepare_add_reader(fleet.cluster("orders"), east, "orders-4", "db.r6g.xlarge", "us-east-1b", 7,
                                inventory=fleet)
    result, _ = run(factory, add, audit)
    new = result.cluster.instance("orders-4")
    assert (new.role, new.tier, new.instance_class, new.az) == ("reader", 7, "db.r6g.xlarge", "us-east-1b")
    fresh = load_region(factory, east)
    delete = fa.prepare_delete_reader(fresh.cluster("orders"), east, "orders-4", "orders-4", inventory=fresh)
    result, _ = run(factory, delete, audit)
    assert result.cluster.instance("orders-4") is None
    assert [e.action for e in read_audit(app_paths().audit_file)] == ["add-reader", "delete-reader"]


def test_stop_and_start_cluster(factory, east, fleet, audit):
    result, _ = run(factory, fa.prepare_stop_cluster(fleet.cluster("billing"), east), audit)
    assert result.cluster.status == "stopped"
    stopped = load_region(factory, east).cluster("billing")
    assert stopped.status == "stopped"
    with pytest.raises(ValidationError, match="only an available cluster"):
        fa.prepare_stop_cluster(stopped, east)
    result, _ = run(factory, fa.prepare_start_cluster(stopped, east), audit)
    assert result.cluster.status == "available"


def test_aws_refusal_is_reported_and_audited(factory, east, fleet, audit):
    stale = fleet.cluster("billing")  # seen available; stopped behind the console's back
    factory.client("rds", east).stop_db_cluster(DBClusterIdentifier="billing")
    with pytest.raises(ActionFailed, match="Stop cluster billing failed"):
        run(factory, fa.prepare_stop_cluster(stale, east), audit)
    [line] = read_audit(app_paths().audit_file)
    assert line.action == "stop-cluster" and line.outcome.startswith("error:")


def test_read_only_refuses_every_action_before_any_call(factory, east, fleet, audit):
    orders = fleet.cluster("orders")
    with pytest.raises(ReadOnlyError):
        fa.prepare_failover(orders, east, "orders-2", read_only=True)
    with pytest.raises(ReadOnlyError):
        fa.prepare_set_tier(orders, east, "orders-2", 3, read_only=True)
    with pytest.raises(ReadOnlyError):
        fa.prepare_reboot(orders, east, "orders-2", read_only=True)
    with pytest.raises(ReadOnlyError):
        fa.prepare_add_reader(orders, east, "orders-9", "db.r6g.large", read_only=True)
    with pytest.raises(ReadOnlyError):
        fa.prepare_delete_reader(orders, east, "orders-2", "orders-2", read_only=True)
    with pytest.raises(ReadOnlyError):
        fa.prepare_stop_cluster(orders, east, read_only=True)
    with pytest.raises(ReadOnlyError):
        fa.prepare_start_cluster(orders, east, read_only=True)
    # a prepared action is still refused at run time when the profile became read-only
    action = fa.prepare_reboot(orders, east, "orders-2")
    with pytest.raises(ReadOnlyError):
        run_action(factory, action, audit=audit, read_only=True)
    assert read_audit(app_paths().audit_file) == []
    assert fetch_cluster(factory, east, "orders").writer.id == "orders-1"


def test_cancel_while_waiting(factory, east, fleet, audit):
    action = fa.prepare_set_tier(fleet.cluster("orders"), east, "orders-2", 9)
    impossible = type(action)(**{**action.__dict__, "expect_tier": 99})  # a state that never comes
    ctx = TaskContext("t")
    seen = []

    def progress(p, text):
        seen.append(text)
        if len(seen) >= 3:
            ctx.token.cancel()

    ctx._progress = progress
    with pytest.raises(Cancelled):
        run_action(factory, impossible, audit=audit, task=ctx, poll_interval=0.01, timeout=30)
    # the call itself went out and is in the log
    assert read_audit(app_paths().audit_file)[-1].outcome == "ok"


def test_wait_times_out_with_a_clear_message(factory, east, fleet):
    action = fa.prepare_set_tier(fleet.cluster("orders"), east, "orders-2", 9)
    impossible = type(action)(**{**action.__dict__, "expect_tier": 99})
    with pytest.raises(ActionFailed, match="did not show within"):
        run_action(factory, impossible, poll_interval=0.01, timeout=0.05)


def test_audit_lines_hold_no_secrets(factory, east, fleet, audit):
    audit.record(east, "test-secret", {"MasterUserPassword": "hunter2-secret", "nested": {"SessionToken": "tok-123"},
                                       "DBClusterIdentifier": "orders"}, "ok")
    text = app_paths().audit_file.read_text()
    assert "hunter2-secret" not in text and "tok-123" not in text
    d = json.loads(text.splitlines()[-1])
    assert set(d) == {"time", "profile", "region", "identity", "action", "params", "outcome"}
    assert d["params"]["DBClusterIdentifier"] == "orders" and d["params"]["MasterUserPassword"] == "***"


def test_identity_is_cached_per_profile(factory, east, west):
    calls = []

    class Counting:
        def client(self, service, target):
            calls.append(service)
            return factory.client(service, target)

    ident = IdentityCache(Counting())
    assert ident(east) == ident(west) == "arn:aws:sts::123456789012:user/moto"
    assert calls == ["sts"]
