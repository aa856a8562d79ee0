"""The tunnel manager panel, profile editor and host key dialog against a real sshd + PostgreSQL."""

from __future__ import annotations

import json

import psycopg
import pytest

from aurora_console.core.connections.profile import ConnectionProfile, PasswordSource, TlsSettings
from aurora_console.core.ssh.config import BastionConfig
from aurora_console.core.ssh.errors import HostKeyUnknown

pytestmark = pytest.mark.gui


@pytest.fixture
def services(qapp, tmp_path):
    from aurora_console.core.paths import app_paths
    from aurora_console.core.settings import SettingsStore
    from aurora_console.ui.notifications import Notifier
    from aurora_console.ui.services import Services
    from aurora_console.ui.tasks import TaskRunner

    paths = app_paths().ensure()
    runner = TaskRunner(max_threads=2)
    svc = Services.create(paths=paths, settings=SettingsStore(paths.settings_file), runner=runner, notifier=Notifier())
    yield svc
    runner.shutdown(5000)
    runner.deleteLater()


@pytest.fixture
def controller(services):
    from aurora_console.ui.connections.controller import ConnectionsController

    c = ConnectionsController(services)
    yield c
    c.shutdown()


@pytest.fixture
def saved_profile(controller, sshd_server, blog_db_gui):
    db = blog_db_gui
    profile = ConnectionProfile(
        "gui-blog", "127.0.0.1", db.conninfo["port"], db.name, db.conninfo["user"], backend="paramiko",
        password=PasswordSource("keyring"), tls=TlsSettings(mode="prefer"),
        bastion=BastionConfig(sshd_server.host, sshd_server.user, sshd_server.port,
                              str(sshd_server.client_keys["ed25519_passphrase"])))
    controller.save_profile(profile)
    import keyring

    from aurora_console.core.connections.passwords import keyring_name

    keyring.set_password("aurora-console", keyring_name("gui-blog"), db.conninfo["password"])
    return profile


@pytest.fixture
def blog_db_gui(new_database):
    db = new_database()
    with db.connect(autocommit=True) as conn:
        conn.execute("create table posts (id int primary key)")
        conn.execute("insert into posts select generate_series(1, 7)")
    return db


def test_panel_opens_tunnel_after_trust_and_passphrase(qtbot, controller, saved_profile, sshd_server, blog_db_gui):
    from aurora_console.ui.connections.panel import TunnelsPanel

    asked = []
    controller.ask_trust = lambda err: asked.append(("trust", err.fingerprint)) or "once"
    controller.ask_secret = lambda title, label: asked.append(("secret", title)) or sshd_server.passphrase
    panel = TunnelsPanel(controller)
    qtbot.addWidget(panel)
    panel.select("gui-blog")
    assert panel.buttons["open"].isEnabled() and not panel.buttons["close"].isEnabled()
    panel.open_selected()
    qtbot.waitUntil(lambda: controller.status("gui-blog") is not None
                    and controller.status("gui-blog").state.value == "up", timeout=30000)
    assert ("trust", sshd_server.fingerprints["ed25519"]) in asked
    assert ("secret", "SSH key passphrase") in asked
    row = panel.model.row_of("gui-blog")
    port = controller.status("gui-blog").local_port
    qtbot.waitUntil(lambda: panel.model.index(row, 1).data() == "up")
    assert panel.model.index(row, 2).data() == str(port)
    assert panel.model.index(row, 3).data() == saved_profile.bastion.label
    with psycopg.connect(**{**blog_db_gui.conninfo, "host": "127.0.0.1", "port": port}) as conn:
        assert conn.execute("select count(*) from posts").fetchone()[0] == 7
    # test connection reuses the open tunnel and reports
    panel.test_selected()
    qtbot.waitUntil(lambda: panel.result_label.text().startswith(("✔", "✘")), timeout=30000)
    assert panel.result_label.text().startswith("✔"), panel.result_label.text()
    assert "PostgreSQL" in panel.result_label.text() and "paramiko tunnel" in panel.result_label.text()
    panel.close_selected()
    qtbot.waitUntil(lambda: controller.status("gui-blog") is None, timeout=10000)
    # nothing secret was written to the profile file
    text = controller.store.path.read_text()
    assert sshd_server.passphrase not in text and blog_db_gui.conninfo["password"] not in text


def test_refused_host_key_never_connects(qtbot, controller, saved_profile, sshd_server):
    errors = []
    controller.ask_trust = lambda err: None
    controller.ask_secret = lambda title, label: sshd_server.passphrase
    controller.open_tunnel("gui-blog", on_error=errors.append)
    qtbot.waitUntil(lambda: bool(errors), timeout=30000)
    assert isinstance(errors[0], HostKeyUnknown)
    assert controller.status("gui-blog").state.value == "failed"
    assert not controller.hosts.console_file.exists()


def test_host_key_dialog_shows_fingerprint(qtbot):
    from aurora_console.ui.connections.hostkey_dialog import HostKeyTrustDialog

    err = HostKeyUnknown("unknown", host="bastion.example.com", port=2222, key_type="ssh-ed25519",
                         fingerprint="SHA256:abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG", key_base64="AAAA")
    dialog = HostKeyTrustDialog(err)
    qtbot.addWidget(dialog)
    assert err.fingerprint in dialog.fingerprint_label.text()
    assert dialog.cancel_button.isDefault()
    dialog.always_button.click()
    assert dialog.choice == "always"


def test_profile_editor_saves_without_secrets(qtbot, controller, tmp_path):
    from aurora_console.ui.connections.profile_dialog import ProfileEditorDialog

    dialog = ProfileEditorDialog(controller)
    qtbot.addWidget(dialog)
    dialog.name.setText("prod")
    dialog.host.setText("blog.cluster-abc.us-east-1.rds.amazonaws.com")
    dialog.database.setText("blog")
    dialog.user.setText("app")
    dialog.pw_kind.setCurrentIndex(dialog.pw_kind.findData("keyring"))
    dialog.pw_value.setText("pw-typed-in-dialog")
    dialog.tls_mode.setCurrentIndex(dialog.tls_mode.findData("require"))
    dialog.read_only.setChecked(True)
    dialog.bastion_box.setChecked(True)
    dialog.b_host.setText("203.0.113.9")
    dialog.b_user.setText("ec2-user")
    dialog.b_key.setText(str(tmp_path / "id_ed25519"))
    dialog.b_jump.setText("ops@198.51.100.7:2200")
    dialog.save()
    assert dialog.result() == dialog.DialogCode.Accepted, dialog.message.text()
    saved = controller.store.get("prod")
    assert saved.read_only and saved.tls.mode == "require" and saved.bastion.jump.port == 2200
    qtbot.waitUntil(lambda: not controller.services.runner.active(), timeout=10000)
    import keyring

    from aurora_console.core.connections.passwords import keyring_name

    assert keyring.get_password("aurora-console", keyring_name("prod")) == "pw-typed-in-dialog"
    assert "pw-typed-in-dialog" not in controller.store.path.read_text()
    assert json.loads(controller.store.path.read_text())["profiles"]["prod"]["bastion"]["user"] == "ec2-user"


def test_profile_editor_shows_validation_errors(qtbot, controller):
    from aurora_console.ui.connections.profile_dialog import ProfileEditorDialog

    dialog = ProfileEditorDialog(controller)
    qtbot.addWidget(dialog)
    dialog.name.setText("x")
    dialog.host.setText("bad host name")
    dialog.save()
    assert dialog.result() != dialog.DialogCode.Accepted
    assert "not a valid host" in dialog.message.text()
