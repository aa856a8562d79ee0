"""The profile editor's EC2 bastion: instance, region, AWS profile, pushed key, transport and
endpoint; validated in core; no key file needed (nor kept) when a key is pushed."""

from __future__ import annotations

import pytest

from aurora_console.core.connections.profile import ConnectionProfile
from aurora_console.core.ssh.config import AwsBastion, BastionConfig

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


def _dialog(qtbot, controller, profile=None):
    from aurora_console.ui.connections.profile_dialog import ProfileEditorDialog

    dialog = ProfileEditorDialog(controller, profile)
    qtbot.addWidget(dialog)
    dialog.name.setText("blog-eic")
    dialog.host.setText("blog.cluster-abc.us-east-1.rds.amazonaws.com")
    dialog.tls_mode.setCurrentIndex(dialog.tls_mode.findData("require"))
    dialog.bastion_box.setChecked(True)
    return dialog


def _pick(box, value) -> None:
    box.setCurrentIndex(box.findData(value))


def _visible(dialog, widget) -> bool:
    return dialog._bastion_form.isRowVisible(widget)


def test_an_ec2_instance_with_a_pushed_key_through_an_endpoint_saves_with_no_key(qtbot, controller) -> None:
    dialog = _dialog(qtbot, controller)
    assert not _visible(dialog, dialog.b_instance)  # an SSH host by default
    _pick(dialog.b_kind, "ec2")
    assert _visible(dialog, dialog.b_instance) and not _visible(dialog, dialog.ssh_import)
    dialog.b_instance.setText("  sandbox-bastion ")
    dialog.b_region.setText("us-east-1")
    dialog.b_aws_profile.setText("ops")
    dialog.b_key.setText("/home/me/.ssh/old_key")  # typed earlier: not kept for a pushed key
    _pick(dialog.b_transport, "eice")
    assert dialog.b_endpoint.isEnabled() and not dialog.b_key.isEnabled() and not dialog.b_jump.isEnabled()
    dialog.b_endpoint.setText("eice-0123456789abcdef0")
    dialog.b_duration.setValue(1800)
    dialog.save()
    saved = controller.profile("blog-eic")
    b = saved.bastion
    assert b.aws == AwsBastion(instance="sandbox-bastion", region="us-east-1", aws_profile="ops", push_key=True,
                               transport="eice", endpoint_id="eice-0123456789abcdef0", max_tunnel_seconds=1800)
    assert b.key_file == "" and not b.use_agent and b.host == "sandbox-bastion" and b.user == "ec2-user"
    assert dialog.b_agent.isEnabled() and "pushed key in ssh-agent" in dialog.b_agent.text()
    again = _dialog(qtbot, controller, saved)
    assert again.b_kind.currentData() == "ec2" and again.b_transport.currentData() == "eice"
    assert again.b_instance.text() == "sandbox-bastion" and again.b_host.text() == ""  # no address of its own
    assert again.b_endpoint.text() == "eice-0123456789abcdef0" and again.b_push_key.isChecked()


def test_core_validation_is_shown(qtbot, controller) -> None:
    dialog = _dialog(qtbot, controller)
    _pick(dialog.b_kind, "ec2")
    dialog.b_instance.setText("i-0123456789abcdef0")
    dialog.b_region.setText("US East")
    assert dialog.validated() is None and "region" in dialog.message.text()
    dialog.b_region.setText("eu-west-1")
    _pick(dialog.b_transport, "eice")
    dialog.b_endpoint.setText("endpoint-1")
    assert dialog.validated() is None and "eice-" in dialog.message.text()
    dialog.b_endpoint.setText("")
    dialog.b_push_key.setChecked(False)  # no pushed key: a key file or ssh-agent is needed
    assert dialog.validated() is None and "key file or enable ssh-agent" in dialog.message.text()
    dialog.b_agent.setChecked(True)
    assert dialog.validated() is not None


def test_port_forwarding_needs_no_key_and_pushes_none(qtbot, controller) -> None:
    dialog = _dialog(qtbot, controller)
    _pick(dialog.b_kind, "ec2")
    dialog.b_instance.setText("i-0123456789abcdef0")
    dialog.b_region.setText("us-east-1")
    _pick(dialog.b_transport, "ssm-forward")
    assert not dialog.b_push_key.isEnabled() and not dialog.b_key.isEnabled() and not dialog.b_endpoint.isEnabled()
    assert not dialog.b_agent.isEnabled()
    profile = dialog.validated()
    assert profile is not None and profile.bastion.aws.transport == "ssm-forward"
    assert not profile.bastion.aws.push_key and profile.bastion.key_file == ""


def test_direct_with_an_address_of_its_own_and_a_jump_host(qtbot, controller) -> None:
    dialog = _dialog(qtbot, controller)
    _pick(dialog.b_kind, "ec2")
    dialog.b_instance.setText("prod bastion")
    dialog.b_region.setText("us-east-1")
    dialog.b_host.setText("bastion.vpn.example.com")
    dialog.b_jump.setText("ops@edge.example.com:2222")
    assert dialog.b_jump.isEnabled()
    profile = dialog.validated()
    assert profile.bastion.host == "bastion.vpn.example.com" and profile.bastion.jump.host == "edge.example.com"
    assert profile.bastion.aws.transport == "direct" and profile.bastion.aws.push_key


def test_an_ssh_host_profile_is_unchanged(qtbot, controller) -> None:
    plain = ConnectionProfile(name="old", host="db.example.com",
                              bastion=BastionConfig(host="jump.example.com", user="ops", key_file="/k/id"))
    dialog = _dialog(qtbot, controller, plain)
    assert dialog.b_kind.currentData() == "ssh" and dialog.b_host.text() == "jump.example.com"
    profile = dialog.profile()
    assert profile.bastion.aws is None and profile.bastion.key_file == "/k/id"
