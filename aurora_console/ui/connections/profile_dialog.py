"""Create or edit a connection profile (no secrets are saved in it; passwords go to the keyring)."""

from __future__ import annotations

import copy

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from aurora_console.core.connections.profile import (
    DEFAULT_LOGINS,
    ENGINE_LABELS,
    ConnectionProfile,
    PasswordSource,
    TlsSettings,
    default_port,
    is_aws_endpoint,
)
from aurora_console.core.errors import user_text
from aurora_console.core.ssh.config import MAX_EICE_SECONDS, AwsBastion, BastionConfig, JumpHost

PASSWORD_LABELS = [("prompt", "Ask each time"), ("keyring", "OS keyring"), ("ssm", "SSM SecureString parameter"),
                   ("secretsmanager", "Secrets Manager secret"), ("iam", "IAM auth token (fresh per connection)")]
BASTION_KINDS = [("ssh", "SSH host"), ("ec2", "EC2 instance (AWS)")]
TRANSPORT_LABELS = [("direct", "Direct (its address)"), ("eice", "EC2 Instance Connect Endpoint"),
                    ("ssm", "Session Manager (SSH over it)"), ("ssm-forward", "Session Manager port forwarding (no SSH)")]
TLS_LABELS = [("", "Automatic (verify-full for AWS endpoints)"), ("verify-full", "verify-full"),
              ("require", "require (encrypted, server not verified)"), ("prefer", "prefer"), ("disable", "disable")]


def _combo(items, object_name: str) -> QComboBox:
    box = QComboBox(objectName=object_name)
    for value, text in items:
        box.addItem(text, value)
    return box


def _select(box: QComboBox, value) -> None:
    i = box.findData(value)
    box.setCurrentIndex(max(0, i))


def _browse_row(edit: QLineEdit, title: str, parent) -> QWidget:
    row = QWidget()
    lay = QHBoxLayout(row)
    lay.setContentsMargins(0, 0, 0, 0)
    lay.addWidget(edit, 1)
    button = QPushButton("Browse…")
    button.clicked.connect(lambda: (lambda p: p and edit.setText(p))(QFileDialog.getOpenFileName(parent, title)[0]))
    lay.addWidget(button)
    return row


class ProfileEditorDialog(QDialog):
    def __init__(self, controller, profile: ConnectionProfile | None = None, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("profileEditorDialog")
        self.controller = controller
        self.original = profile
        self.setWindowTitle("Edit connection profile" if profile else "New connection profile")
        self.setMinimumWidth(600)  # room for the fields' hints (the keyring placeholder was cut off)
        p = copy.deepcopy(profile) if profile else ConnectionProfile(name="", host="")
        self.name = QLineEdit(p.name, objectName="profileName")
        self.host = QLineEdit(p.host, objectName="profileHost", placeholderText="cluster endpoint or host name")
        self.engine = _combo(list(ENGINE_LABELS.items()), "profileEngine")
        _select(self.engine, p.engine)
        self._engine_shown = self.engine.currentData()
        self.engine.currentIndexChanged.connect(self._engine_changed)
        self.port = QSpinBox(objectName="profilePort", minimum=1, maximum=65535, value=int(p.port))
        self.database = QLineEdit(p.database, objectName="profileDatabase")
        self.user = QLineEdit(p.user, objectName="profileUser")
        self.read_only = QCheckBox("Read-only session (default_transaction_read_only)", objectName="profileReadOnly")
        self.read_only.setChecked(p.read_only)
        self.keep_history = QCheckBox("Keep the SQL history on disk", objectName="profileKeepHistory",
                                      toolTip="Off: statements run on this profile are listed for this session "
                                              "only and never written to disk.")
        self.keep_history.setChecked(p.keep_history)
        self.clear_history = QPushButton("Clear saved history", objectName="profileClearHistory",
                                         toolTip="Delete the SQL history kept on disk for this profile.")
        self.clear_history.setEnabled(bool(p.name))
        self.clear_history.clicked.connect(self._clear_history)
        history_row = QWidget()
        history_lay = QHBoxLayout(history_row)
        history_lay.setContentsMargins(0, 0, 0, 0)
        history_lay.addWidget(self.keep_history, 1)
        history_lay.addWidget(self.clear_history)
        self.pw_kind = _combo(PASSWORD_LABELS, "profilePasswordKind")
        _select(self.pw_kind, p.password.kind)
        self.pw_name = QLineEdit(p.password.parameter or p.password.secret_id, objectName="profilePasswordName")
        self.pw_json_key = QLineEdit(p.password.json_key, objectName="profilePasswordJsonKey")
        self.pw_region = QLineEdit(p.password.region, objectName="profilePasswordRegion", placeholderText="us-east-1")
        self.pw_aws_profile = QLineEdit(p.password.aws_profile or "", objectName="profilePasswordAwsProfile")
        self.pw_value = QLineEdit(objectName="profilePasswordValue", echoMode=QLineEdit.EchoMode.Password,
                                  placeholderText="stored in the OS keyring on save (left empty: unchanged)")
        self.tls_mode = _combo(TLS_LABELS, "profileTlsMode")
        _select(self.tls_mode, p.tls.mode)
        self.ca_bundle = QLineEdit(p.tls.ca_bundle, objectName="profileCaBundle",
                                   placeholderText="global-bundle.pem from truststore.pki.rds.amazonaws.com")
        b = p.bastion or BastionConfig(host="", user="ec2-user")
        self.bastion_box = QGroupBox("Through a bastion (SSH tunnel)", objectName="profileBastionBox", checkable=True)
        self.bastion_box.setChecked(p.bastion is not None)
        self.ssh_import = QComboBox(objectName="profileSshImport")
        self.ssh_import.addItem("Import from ~/.ssh/config…", None)
        self.ssh_import.activated.connect(self._import_selected)
        self.b_host = QLineEdit("" if b.aws and b.host == b.aws.instance else b.host, objectName="bastionHost")
        self.b_port = QSpinBox(objectName="bastionPort", minimum=1, maximum=65535, value=int(b.port))
        self.b_user = QLineEdit(b.user, objectName="bastionUser")
        self.b_key = QLineEdit(b.key_file, objectName="bastionKeyFile", placeholderText="~/.ssh/id_ed25519")
        self.b_pass_src = _combo([("none", "Ask when needed"), ("keyring", "OS keyring")], "bastionPassphraseSource")
        _select(self.b_pass_src, "keyring" if b.passphrase_source == "keyring" else "none")
        self.b_passphrase = QLineEdit(objectName="bastionPassphrase", echoMode=QLineEdit.EchoMode.Password,
                                      placeholderText="stored in the OS keyring on save (optional)")
        self.b_agent = QCheckBox("Use ssh-agent", objectName="bastionAgent")
        self.b_agent.setChecked(b.use_agent)
        self.b_jump = QLineEdit(_jump_text(b.jump), objectName="bastionJump", placeholderText="[user@]host[:port]")
        self.b_keepalive = QSpinBox(objectName="bastionKeepalive", minimum=0, maximum=3600,
                                    value=int(b.keepalive_seconds), suffix=" s")
        self.backend = _combo([("auto", "Automatic (OpenSSH client if installed)"), ("native", "OpenSSH client"),
                               ("paramiko", "Built-in (paramiko)")], "bastionBackend")
        _select(self.backend, p.backend)
        # an EC2 bastion: found by instance id or Name tag, reached through AWS (issue 18)
        aws = b.aws or AwsBastion(instance="", region="")
        self.b_kind = _combo(BASTION_KINDS, "bastionKind")
        _select(self.b_kind, "ec2" if b.aws else "ssh")
        self.b_instance = QLineEdit(aws.instance, objectName="bastionInstance",
                                    placeholderText="i-0123456789abcdef0 or its Name tag")
        self.b_region = QLineEdit(aws.region, objectName="bastionRegion", placeholderText="us-east-1")
        self.b_aws_profile = QLineEdit(aws.aws_profile or "", objectName="bastionAwsProfile",
                                       placeholderText="default (or the console's AWS session)")
        self.b_push_key = QCheckBox("Push a fresh key with EC2 Instance Connect before each connect (nothing stored)",
                                    objectName="bastionPushKey")
        self.b_push_key.setChecked(aws.push_key if b.aws else True)
        self.b_transport = _combo(TRANSPORT_LABELS, "bastionTransport")
        _select(self.b_transport, aws.transport)
        self.b_endpoint = QLineEdit(aws.endpoint_id, objectName="bastionEndpointId",
                                    placeholderText="empty: the endpoint of the instance's VPC")
        self.b_duration = QSpinBox(objectName="bastionTunnelSeconds", minimum=60, maximum=MAX_EICE_SECONDS,
                                   value=int(aws.max_tunnel_seconds), suffix=" s",
                                   toolTip="The endpoint's maximum tunnel duration; the tunnel is renewed before it.")

        form = QFormLayout()
        for label, w in (("Name", self.name), ("Engine", self.engine), ("Host", self.host), ("Port", self.port), ("Database", self.database),
                         ("User", self.user), ("Password from", self.pw_kind),
                         ("Parameter / secret", self.pw_name), ("JSON key", self.pw_json_key),
                         ("AWS region", self.pw_region), ("AWS profile", self.pw_aws_profile),
                         ("Password", self.pw_value), ("TLS", self.tls_mode),
                         ("CA bundle", _browse_row(self.ca_bundle, "CA bundle", self)), ("", self.read_only),
                         ("SQL history", history_row)):
            form.addRow(label, w)
        bform = QFormLayout(self.bastion_box)
        self._bastion_form = bform
        for label, w in (("Bastion", self.b_kind), ("", self.ssh_import), ("Instance", self.b_instance),
                         ("Region", self.b_region), ("AWS profile", self.b_aws_profile),
                         ("Transport", self.b_transport), ("Endpoint id", self.b_endpoint),
                         ("Tunnel duration", self.b_duration), ("", self.b_push_key),
                         ("Host", self.b_host), ("Port", self.b_port), ("User", self.b_user),
                         ("Key file", _browse_row(self.b_key, "SSH private key", self)),
                         ("Passphrase", self.b_pass_src), ("", self.b_passphrase), ("", self.b_agent),
                         ("Jump host", self.b_jump), ("Keepalive", self.b_keepalive), ("Backend", self.backend)):
            bform.addRow(label, w)
        for w in (self.b_kind, self.b_transport):
            w.currentIndexChanged.connect(self._update_bastion_fields)
        self.b_push_key.toggled.connect(self._update_bastion_fields)
        self.message = QLabel(objectName="profileMessage", wordWrap=True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        self.test_button = buttons.addButton("Test connection", QDialogButtonBox.ButtonRole.ActionRole)
        self.test_button.setObjectName("profileTestButton")
        self.test_button.clicked.connect(self.test)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addLayout(form)
        lay.addWidget(self.bastion_box)
        lay.addWidget(self.message)
        lay.addWidget(buttons)
        self.pw_kind.currentIndexChanged.connect(self._update_fields)
        self.host.textChanged.connect(self._update_fields)
        self._update_fields()
        self._update_bastion_fields()
        self._ssh_hosts: list[BastionConfig] = []
        controller.services.runner.submit(lambda ctx: _load_ssh_hosts(), name="Read ~/.ssh/config",
                                          on_done=self._hosts_loaded, on_error=lambda exc: None)

    # -- ssh config import ---------------------------------------------------------------------------
    def _hosts_loaded(self, hosts: list[BastionConfig]) -> None:
        self._ssh_hosts = hosts
        for i, h in enumerate(hosts):
            self.ssh_import.addItem(f"{h.ssh_config_host} ({h.label})", i)

    def _import_selected(self, index: int) -> None:
        i = self.ssh_import.itemData(index)
        if i is None:
            return
        h = self._ssh_hosts[i]
        self.b_host.setText(h.host)
        self.b_port.setValue(h.port)
        if h.user:
            self.b_user.setText(h.user)
        self.b_key.setText(h.key_file)
        self.b_agent.setChecked(h.use_agent)
        self.b_jump.setText(_jump_text(h.jump))

    def _update_fields(self) -> None:
        kind = self.pw_kind.currentData()
        aws = kind in ("ssm", "secretsmanager", "iam")
        for w in (self.pw_region, self.pw_aws_profile):
            w.setEnabled(aws)
        self.pw_name.setEnabled(kind in ("ssm", "secretsmanager"))
        self.pw_json_key.setEnabled(kind in ("ssm", "secretsmanager"))
        self.pw_value.setEnabled(kind == "keyring")
        self.pw_name.setPlaceholderText({"ssm": "/web/blog/database/secret",
                                         "secretsmanager": "name or ARN (RDS-managed: rds!cluster-…)"}.get(kind, ""))
        self.ca_bundle.setPlaceholderText("required for verify-full on AWS endpoints" if is_aws_endpoint(
            self.host.text()) else "optional")

    def _update_bastion_fields(self) -> None:
        """An SSH host shows its address and key; an EC2 instance its instance, region, AWS profile,
        transport, and a key only when none is pushed (Session Manager port forwarding: no SSH at all)."""
        ec2 = self.b_kind.currentData() == "ec2"
        transport = self.b_transport.currentData()
        forward = ec2 and transport == "ssm-forward"
        pushed = ec2 and self.b_push_key.isChecked() and not forward
        form = self._bastion_form
        for w in (self.b_instance, self.b_region, self.b_aws_profile, self.b_transport, self.b_push_key,
                  self.b_endpoint, self.b_duration):
            form.setRowVisible(w, ec2)
        form.setRowVisible(self.ssh_import, not ec2)
        self.b_endpoint.setEnabled(transport == "eice")
        self.b_duration.setEnabled(transport == "eice")
        self.b_push_key.setEnabled(not forward)
        for w in (self.b_key, self.b_pass_src, self.b_passphrase):
            w.setEnabled(not pushed and not forward)
        self.b_agent.setEnabled(not forward)
        self.b_agent.setText("Hold the pushed key in ssh-agent (OpenSSH client; no temporary key file)" if pushed
                             else "Use ssh-agent")
        self.b_jump.setEnabled(not ec2 or transport == "direct")
        self.b_host.setPlaceholderText("optional: an address of its own (VPN name); empty: the instance's address"
                                       if ec2 else "bastion.example.com")
        self.b_port.setToolTip("The instance's SSH port (22 through an endpoint or Session Manager)" if ec2 else "")

    def _aws_bastion(self) -> AwsBastion | None:
        if self.b_kind.currentData() != "ec2":
            return None
        transport = self.b_transport.currentData()
        return AwsBastion(instance=self.b_instance.text().strip(), region=self.b_region.text().strip(),
                          aws_profile=self.b_aws_profile.text().strip() or None,
                          push_key=self.b_push_key.isChecked() and transport != "ssm-forward", transport=transport,
                          endpoint_id=self.b_endpoint.text().strip() if transport == "eice" else "",
                          max_tunnel_seconds=self.b_duration.value())

    # -- build / save / test ---------------------------------------------------------------------------
    def profile(self) -> ConnectionProfile:
        kind = self.pw_kind.currentData()
        name_field = self.pw_name.text().strip()
        password = PasswordSource(kind=kind, parameter=name_field if kind == "ssm" else "",
                                  secret_id=name_field if kind == "secretsmanager" else "",
                                  json_key=self.pw_json_key.text().strip() or "password",
                                  region=self.pw_region.text().strip(),
                                  aws_profile=self.pw_aws_profile.text().strip() or None)
        bastion = None
        if self.bastion_box.isChecked():
            aws = self._aws_bastion()
            standing_key = aws is None or not (aws.push_key or aws.transport == "ssm-forward")
            host = self.b_host.text().strip() or (aws.instance if aws else "")
            bastion = BastionConfig(host=host, port=self.b_port.value(), user=self.b_user.text().strip(),
                                    key_file=self.b_key.text().strip() if standing_key else "",
                                    passphrase_source=self.b_pass_src.currentData() if standing_key else "none",
                                    use_agent=self.b_agent.isChecked() and not (aws and aws.transport == "ssm-forward"),
                                    jump=_parse_jump(self.b_jump.text()) if aws is None or aws.transport == "direct"
                                    else None,
                                    keepalive_seconds=self.b_keepalive.value(), aws=aws)
        keep = self.original
        return ConnectionProfile(
            name=self.name.text().strip(), host=self.host.text().strip(), port=self.port.value(),
            database=self.database.text().strip(), user=self.user.text().strip(),
            password=password, tls=TlsSettings(mode=self.tls_mode.currentData(), ca_bundle=self.ca_bundle.text().strip()),
            read_only=self.read_only.isChecked(), keep_history=self.keep_history.isChecked(),
            bastion=bastion, backend=self.backend.currentData(),
            cluster=keep.cluster if keep else None, engine=self.engine.currentData())

    def _engine_changed(self, _index: int) -> None:
        """Another engine: the port, database and user follow when they were the old engine's defaults."""
        old, new = self._engine_shown, self.engine.currentData()
        self._engine_shown = new
        if self.port.value() == default_port(old):
            self.port.setValue(default_port(new))
        old_db, old_user = DEFAULT_LOGINS.get(old, ("", ""))
        new_db, new_user = DEFAULT_LOGINS.get(new, ("", ""))
        if self.database.text().strip() == old_db:
            self.database.setText(new_db)
        if self.user.text().strip() == old_user:
            self.user.setText(new_user)

    def validated(self) -> ConnectionProfile | None:
        try:
            return self.profile().validate()
        except Exception as exc:  # noqa: BLE001 - shown to the user
            self.message.setText(f"✘ {user_text(exc)}")
            return None

    def save(self) -> None:
        profile = self.validated()
        if profile is None:
            return
        if self.original is not None and self.original.builtin:
            self.message.setText("✘ Built-in profiles cannot be changed; save under another name.")
            if profile.name == self.original.name:
                return
        try:
            self.controller.save_profile(profile, replace=self.original.name if self.original else None)
        except Exception as exc:  # noqa: BLE001
            self.message.setText(f"✘ {user_text(exc)}")
            return
        self._store_secrets(profile)
        self.accept()

    def _store_secrets(self, profile: ConnectionProfile) -> None:
        from aurora_console.core.connections.passwords import keyring_name

        items = []
        if profile.password.kind == "keyring" and self.pw_value.text():
            items.append((keyring_name(profile.name), self.pw_value.text()))
        if profile.bastion and profile.bastion.passphrase_source == "keyring" and self.b_passphrase.text():
            items.append((profile.bastion.keyring_name(), self.b_passphrase.text()))
        if items:
            from aurora_console.core.secrets import set_secret

            self.controller.services.runner.submit(lambda ctx: [set_secret(k, v) for k, v in items],
                                                   name="Store secrets in the keyring")

    def _clear_history(self):
        """Delete the profile's history file (on a worker thread); the message says when it is done."""
        from aurora_console.core.db.history import QueryHistory

        name = self.original.name if self.original else self.name.text().strip()
        folder = self.controller.services.paths.data_dir / "sql-history"
        history = QueryHistory(name, folder, keep_on_disk=lambda: False)
        return self.controller.services.runner.submit(
            lambda ctx: history.clear(), name=f"Clear the SQL history of {name}",
            on_done=lambda _r: self.message.setText(f"The saved SQL history of {name} was deleted."))

    def test(self):
        profile = self.validated()
        if profile is None:
            return None
        self.message.setText("Testing…")
        return self.controller.test_profile(
            profile, on_done=lambda r: self.message.setText(f"✔ {r.summary()}"),
            on_error=lambda exc: self.message.setText(f"✘ {user_text(exc)}"))

    @classmethod
    def edit(cls, controller, profile, parent=None) -> ConnectionProfile | None:
        dialog = cls(controller, profile, parent)
        return dialog.profile() if dialog.exec() == QDialog.DialogCode.Accepted else None


def _load_ssh_hosts() -> list[BastionConfig]:
    from aurora_console.core.ssh.ssh_config_import import import_ssh_config

    return import_ssh_config()


def _jump_text(jump: JumpHost | None) -> str:
    if jump is None:
        return ""
    return (f"{jump.user}@" if jump.user else "") + jump.host + (f":{jump.port}" if jump.port != 22 else "")


def _parse_jump(text: str) -> JumpHost | None:
    text = text.strip()
    if not text:
        return None
    user, _, hostport = text.rpartition("@")
    host, _, port = hostport.partition(":")
    return JumpHost(host=host, port=int(port) if port.isdigit() else 22, user=user)
