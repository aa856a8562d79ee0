"""The profile editor's "Keep the SQL history on disk" box and its "Clear saved history" button."""

from __future__ import annotations

import pytest

from aurora_console.core.connections.profile import ConnectionProfile
from aurora_console.core.db.history import HistoryEntry, QueryHistory

pytestmark = pytest.mark.gui


@pytest.fixture
def controller(qapp, runner):
    from aurora_console.core.paths import app_paths
    from aurora_console.core.settings import SettingsStore
    from aurora_console.ui.connections.controller import ConnectionsController
    from aurora_console.ui.notifications import Notifier
    from aurora_console.ui.services import Services

    paths = app_paths().ensure()
    services = Services.create(paths=paths, settings=SettingsStore(paths.settings_file), runner=runner,
                               notifier=Notifier())
    c = ConnectionsController(services)
    yield c
    c.shutdown()


def test_the_history_setting_round_trips_through_the_dialog(qtbot, controller):
    from aurora_console.ui.connections.profile_dialog import ProfileEditorDialog

    controller.save_profile(ConnectionProfile(name="dev", host="db.example.com"))
    dialog = ProfileEditorDialog(controller, controller.profile("dev"))
    qtbot.addWidget(dialog)
    assert dialog.keep_history.isChecked()
    dialog.keep_history.setChecked(False)
    dialog.save()
    assert controller.profile("dev").keep_history is False
    again = ProfileEditorDialog(controller, controller.profile("dev"))
    qtbot.addWidget(again)
    assert not again.keep_history.isChecked()


def test_clear_saved_history_deletes_the_profiles_history_file(qtbot, controller):
    from aurora_console.ui.connections.profile_dialog import ProfileEditorDialog

    controller.save_profile(ConnectionProfile(name="dev", host="db.example.com"))
    history = QueryHistory.for_profile("dev", controller.services.paths, controller.store)
    history.add(HistoryEntry("select 1", "ok", 1.0))
    assert history.path.exists()
    dialog = ProfileEditorDialog(controller, controller.profile("dev"))
    qtbot.addWidget(dialog)
    dialog.clear_history.click()
    qtbot.waitUntil(lambda: "deleted" in dialog.message.text(), timeout=5000)
    assert not history.path.exists()
