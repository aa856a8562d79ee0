"""A main window on the shared moto server with one Aurora PostgreSQL cluster and its metrics."""

from __future__ import annotations

import time
from datetime import datetime, timezone
from types import SimpleNamespace

import pytest

from aurora_console.core.aws.session import AwsTarget

CLUSTER = "pg-metrics"


WRITER, READER = "pg-metrics-1", "pg-metrics-2"


def put_points(cw, metric, dims, points):
    data = [{"MetricName": metric, "Dimensions": [{"Name": n, "Value": v} for n, v in dims],
             "Timestamp": datetime.fromtimestamp(t, timezone.utc), "Value": float(v)} for t, v in points]
    for i in range(0, len(data), 1000):
        cw.put_metric_data(Namespace="AWS/RDS", MetricData=data[i:i + 1000])


@pytest.fixture
def seeded(aws_factory):
    """The cluster (writer + reader) and 3 hours of CPU data with a 5-minute gap on the writer."""
    target = AwsTarget(None, "us-east-1")
    rds = aws_factory.client("rds", target)
    rds.create_db_cluster(DBClusterIdentifier=CLUSTER, Engine="aurora-postgresql", MasterUsername="dba",
                          MasterUserPassword="not-a-real-pass-123")
    for inst in (WRITER, READER):
        rds.create_db_instance(DBInstanceIdentifier=inst, DBClusterIdentifier=CLUSTER,
                               Engine="aurora-postgresql", DBInstanceClass="db.r6g.large")
    cw = aws_factory.client("cloudwatch", target)
    now = int(time.time()) // 60 * 60
    gap = set(range(now - 3600, now - 3300, 60))
    writer = [(now - 60 * m, 20 + (m % 30)) for m in range(1, 180) if now - 60 * m not in gap]
    put_points(cw, "CPUUtilization", [("DBInstanceIdentifier", WRITER)], writer)
    put_points(cw, "CPUUtilization", [("DBInstanceIdentifier", READER)], [(now - 60 * m, 5) for m in range(1, 180)])
    put_points(cw, "FreeableMemory", [("DBInstanceIdentifier", WRITER)], [(now - 120, 3 * 2 ** 30)])
    put_points(cw, "AuroraReplicaLag", [("DBInstanceIdentifier", READER)], [(now - 120, 12.5)])
    cw.put_metric_alarm(AlarmName="pg-metrics-cpu", Namespace="AWS/RDS", MetricName="CPUUtilization",
                        Dimensions=[{"Name": "DBInstanceIdentifier", "Value": WRITER}], Statistic="Average",
                        Period=60, EvaluationPeriods=1, Threshold=45.0, ComparisonOperator="GreaterThanThreshold")
    return SimpleNamespace(now=now, writer=writer, gap=gap, factory=aws_factory)


@pytest.fixture
def console_on_moto(qtbot, seeded):
    """ConsoleRoot over a real MainWindow whose AWS factory points at the seeded moto server."""
    from aurora_console.testing.console import close_console, open_console
    from aurora_console.testing.pages import ConsoleRoot

    info = SimpleNamespace(aws_factory=lambda: seeded.factory, regions=("us-east-1",), database_ready=False)
    window = open_console(qtbot, sandbox_info=info)
    root = ConsoleRoot(window, qtbot, allow_changes=False, sandbox=True)
    root.seeded = seeded
    try:
        yield root
    finally:
        close_console(window)


def shown_plot_grid(qtbot, plots: list[tuple[str, str, str]]):
    """A PlotGrid of ``plots`` (key, title, unit) shown at 1300x700, in UTC."""
    from aurora_console.ui.metrics.plots import PlotGrid

    grid = PlotGrid(on_hover=lambda plot, x: None, on_select=lambda x0, x1: None)
    qtbot.addWidget(grid.widget)
    grid.widget.resize(1300, 700)
    grid.widget.show()
    grid.rebuild(plots, utc=True)
    return grid
