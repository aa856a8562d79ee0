"""A main window on the shared moto server (behind the sandbox's CloudTrail layer) with one Aurora
PostgreSQL cluster, a failover and a backup-window change made through the console's core."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from aurora_console.core.aws.session import AwsTarget
from tests.integration.fleet.seed import make_cluster
from tests.integration.timeline.conftest import _MotoLacksApi

CLUSTER = "orders"


@pytest.fixture(autouse=True)
def _moto_gaps_are_not_failures():
    import logging

    f = _MotoLacksApi()
    targets = [logging.getLogger(n) for n in ("werkzeug", "moto", "")]
    for t in targets:
        t.addFilter(f)
    yield
    for t in targets:
        t.removeFilter(f)


@pytest.fixture
def changed(aws_factory, tmp_path):
    """The cluster, then a failover to its second instance and a new backup window, both made
    with the console's own core (audited)."""
    from aurora_console.core.audit import AuditLog, IdentityCache
    from aurora_console.core.aws.backups.operations import run_backup_action
    from aurora_console.core.aws.backups.settings import prepare_modify_backup, read_backup_settings
    from aurora_console.core.aws.fleet import actions as fa
    from aurora_console.core.aws.fleet.inventory import load_region
    from aurora_console.core.aws.fleet.runner import run_action
    from aurora_console.core.tasks import TaskContext

    target = AwsTarget(None, "us-east-1")
    make_cluster(aws_factory.client("rds", target), CLUSTER, 2)
    fleet = load_region(aws_factory, target)
    audit = AuditLog(tmp_path / "made-by-test-audit.jsonl", IdentityCache(aws_factory))
    run_action(aws_factory, fa.prepare_failover(fleet.cluster(CLUSTER), target, "orders-2", inventory=fleet),
               audit=audit, task=TaskContext("t"), poll_interval=0.01, timeout=10)
    change = prepare_modify_backup(read_backup_settings(aws_factory, target, CLUSTER), target,
                                   window="01:00-01:30", apply_now=True)
    run_backup_action(aws_factory, change, audit=audit, task=TaskContext("t"), poll_interval=0.01, timeout=10)
    return SimpleNamespace(factory=aws_factory, target=target)


@pytest.fixture
def console_on_moto(qtbot, changed):
    from aurora_console.testing.console import close_console, open_console
    from aurora_console.testing.pages import ConsoleRoot

    info = SimpleNamespace(aws_factory=lambda: changed.factory, regions=("us-east-1",), database_ready=False)
    window = open_console(qtbot, sandbox_info=info)
    root = ConsoleRoot(window, qtbot, allow_changes=False, sandbox=True)
    root.changed = changed
    try:
        yield root
    finally:
        close_console(window)
