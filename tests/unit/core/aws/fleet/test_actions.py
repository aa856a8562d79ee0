"""Each action's prepare step: refusals with clear messages, and the exact call it builds."""

from __future__ import annotations

import pytest

from aurora_console.core.aws.fleet import actions as fa
from aurora_console.core.aws.fleet.runner import reached
from aurora_console.core.errors import ReadOnlyError, ValidationError

from .fixtures import TARGET, cluster, inst, region

pytestmark = pytest.mark.unit


def test_failover_builds_the_call_and_names_both_sides():
    c = cluster()
    a = fa.prepare_failover(c, TARGET, "orders-3")
    assert a.operation == "failover_db_cluster"
    assert a.params == {"DBClusterIdentifier": "orders", "TargetDBInstanceIdentifier": "orders-3"}
    assert "orders-1" in a.title and "orders-3" in a.title and a.expect_writer == "orders-3"


def test_failover_by_tier_expects_any_other_writer():
    a = fa.prepare_failover(cluster(), TARGET, None)
    assert "TargetDBInstanceIdentifier" not in a.params and a.expect_writer_not == "orders-1"
    assert fa.failover_candidate(cluster()).id == "orders-2"


@pytest.mark.parametrize(
    ("target", "message"),
    [
        ("orders-9", "not a member of cluster 'orders'"),
        ("billing-2", "belongs to cluster 'billing'"),
        ("orders-1", "already the writer"),
        ("", "is empty"),
        ("bad id!", "malformed"),
    ],
)
def test_failover_refusals(target, message):
    with pytest.raises(ValidationError, match=message):
        fa.prepare_failover(cluster(), TARGET, target, inventory=region(cluster(), cluster("billing")))


def test_failover_needs_a_reader_and_an_available_cluster():
    with pytest.raises(ValidationError, match="no reader"):
        fa.prepare_failover(cluster(readers=0), TARGET)
    with pytest.raises(ValidationError, match="failover needs it available"):
        fa.prepare_failover(cluster(status="modifying"), TARGET, "orders-2")


@pytest.mark.parametrize("tier", [-1, 16, 100, "x", None])
def test_tier_outside_range_refused(tier):
    with pytest.raises(ValidationError):
        fa.prepare_set_tier(cluster(), TARGET, "orders-2", tier)


def test_set_tier_call():
    a = fa.prepare_set_tier(cluster(), TARGET, "orders-2", "15")
    assert a.params == {"DBInstanceIdentifier": "orders-2", "PromotionTier": 15, "ApplyImmediately": True}


def test_add_reader_checks_every_field():
    inv = region(cluster(), cluster("billing"))
    a = fa.prepare_add_reader(cluster(), TARGET, "orders-new", "db.r6g.large", "us-east-1c", 4, inventory=inv)
    assert a.params["AvailabilityZone"] == "us-east-1c" and a.params["Engine"] == "aurora-postgresql"
    for args, msg in [
        (("billing-2", "db.r6g.large"), "already exists"),
        (("x--y", "db.r6g.large"), "malformed"),
        (("new", "large"), "instance class"),
        (("new", "db.r6g.large", "eu-west-1a"), "not a zone of us-east-1"),
        (("new", "db.r6g.large", "", 16), "outside 0-15"),
    ]:
        with pytest.raises(ValidationError, match=msg):
            fa.prepare_add_reader(cluster(), TARGET, *args, inventory=inv)


def test_delete_reader_needs_typed_id_and_refuses_writers():
    with pytest.raises(ValidationError, match="Type the instance id 'orders-2'"):
        fa.prepare_delete_reader(cluster(), TARGET, "orders-2", "orders-3")
    with pytest.raises(ValidationError, match="last writer"):
        fa.prepare_delete_reader(cluster(readers=0), TARGET, "orders-1", "orders-1")
    with pytest.raises(ValidationError, match="fail over first"):
        fa.prepare_delete_reader(cluster(), TARGET, "orders-1", "orders-1")
    a = fa.prepare_delete_reader(cluster(), TARGET, "orders-2", " orders-2 ")
    assert a.operation == "delete_db_instance" and a.expect_gone


def test_reboot_and_stop_start_states():
    c = cluster()
    busy = type(c)(**{**c.__dict__, "instances": (inst("orders-1", "orders", "writer", status="rebooting"),)})
    with pytest.raises(ValidationError, match="rebooting"):
        fa.prepare_reboot(busy, TARGET, "orders-1")
    with pytest.raises(ValidationError, match="only a stopped cluster"):
        fa.prepare_start_cluster(c, TARGET)
    with pytest.raises(ValidationError, match="global cluster"):
        fa.prepare_stop_cluster(cluster(global_cluster_id="g1"), TARGET)
    assert fa.prepare_stop_cluster(c, TARGET).expect_status == "stopped"


@pytest.mark.parametrize(
    "prepare",
    [
        lambda c, ro: fa.prepare_failover(c, TARGET, "orders-2", read_only=ro),
        lambda c, ro: fa.prepare_set_tier(c, TARGET, "orders-2", 2, read_only=ro),
        lambda c, ro: fa.prepare_reboot(c, TARGET, "orders-2", read_only=ro),
        lambda c, ro: fa.prepare_add_reader(c, TARGET, "orders-9", "db.r6g.large", read_only=ro),
        lambda c, ro: fa.prepare_delete_reader(c, TARGET, "orders-2", "orders-2", read_only=ro),
        lambda c, ro: fa.prepare_stop_cluster(c, TARGET, read_only=ro),
    ],
)
def test_read_only_refuses(prepare):
    assert prepare(cluster(), False) is not None
    with pytest.raises(ReadOnlyError, match="read-only"):
        prepare(cluster(), True)


def test_reached_predicates():
    c = cluster()
    fo = fa.prepare_failover(c, TARGET, "orders-3")
    assert not reached(fo, c)
    swapped = type(c)(**{**c.__dict__, "instances": (inst("orders-1", "orders"), inst("orders-2", "orders"),
                                                     inst("orders-3", "orders", "writer"))})
    assert reached(fo, swapped)
    assert not reached(fo, type(c)(**{**swapped.__dict__, "status": "failing-over"}))
    gone = fa.prepare_delete_reader(c, TARGET, "orders-3", "orders-3")
    assert not reached(gone, c) and reached(gone, swapped.__class__(**{**c.__dict__, "instances": c.instances[:2]}))
