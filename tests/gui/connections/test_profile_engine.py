"""The profile editor's engine choice: saved with the profile; port, database and user follow it
while they are the other engine's defaults, and are left alone once the user typed their own."""

from __future__ import annotations

import pytest

from aurora_console.core.connections.profile import ConnectionProfile

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


def test_choosing_mysql_moves_the_defaults_and_saves_the_engine(qtbot, controller):
    from aurora_console.ui.connections.profile_dialog import ProfileEditorDialog

    dialog = ProfileEditorDialog(controller, None)
    qtbot.addWidget(dialog)
    assert dialog.engine.currentData() == "postgres" and dialog.port.value() == 5432
    dialog.name.setText("shop")
    dialog.host.setText("shop.cluster-abc.us-east-1.rds.amazonaws.com")
    dialog.engine.setCurrentIndex(dialog.engine.findData("mysql"))
    assert (dialog.port.value(), dialog.database.text(), dialog.user.text()) == (3306, "mysql", "admin")
    dialog.database.setText("shop")
    dialog.tls_mode.setCurrentIndex(dialog.tls_mode.findData("require"))
    dialog.save()
    saved = controller.profile("shop")
    assert (saved.engine, saved.port, saved.database, saved.user) == ("mysql", 3306, "shop", "admin")
    again = ProfileEditorDialog(controller, saved)
    qtbot.addWidget(again)
    assert again.engine.currentData() == "mysql"


def test_a_port_the_user_typed_stays_when_the_engine_changes(qtbot, controller):
    from aurora_console.ui.connections.profile_dialog import ProfileEditorDialog

    dialog = ProfileEditorDialog(controller, ConnectionProfile(name="x", host="db.local", port=6543, user="app"))
    qtbot.addWidget(dialog)
    dialog.engine.setCurrentIndex(dialog.engine.findData("mysql"))
    assert (dialog.port.value(), dialog.user.text(), dialog.database.text()) == (6543, "app", "mysql")
    dialog.engine.setCurrentIndex(dialog.engine.findData("postgres"))
    assert (dialog.port.value(), dialog.database.text()) == (6543, "postgres")
