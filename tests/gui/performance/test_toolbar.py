"""The Performance toolbar's instance picker shows whole instance names: the instances are listed
after the screen is first shown, and the picker grows to fit them (it showed "writer: bl")."""

from __future__ import annotations

import pytest

from aurora_console.core.performance.instances import InstanceEndpoint
from aurora_console.ui.performance.controller import PerformanceController
from aurora_console.ui.performance.toolbar import PerformanceToolbar
from tests.unit.recording_runner import RecordingRunner

pytestmark = pytest.mark.gui


def test_the_instance_picker_grows_to_the_longest_instance_listed_after_it_was_shown(qtbot):
    instances = [InstanceEndpoint("orders-writer-1", "writer", "w.example.com", 5432),
                 InstanceEndpoint("orders-replica-eu-west-1c", "reader", "r.example.com", 5432)]
    controller = PerformanceController(RecordingRunner(), "orders", list_instances=lambda: instances,
                                       open_instance=lambda *a: None)
    toolbar = PerformanceToolbar(controller)
    qtbot.addWidget(toolbar)
    toolbar.resize(1400, 40)
    toolbar.show()
    qtbot.waitExposed(toolbar)
    qtbot.wait(100)  # laid out empty, as the screen is while the instances are read on a worker
    controller.instances = instances
    toolbar.render()
    combo = toolbar.instance_combo
    assert [combo.itemText(i) for i in range(combo.count())] == [i.label for i in instances]
    needed = max(combo.fontMetrics().horizontalAdvance(i.label) for i in instances)
    qtbot.waitUntil(lambda: combo.width() > needed, timeout=3000)
