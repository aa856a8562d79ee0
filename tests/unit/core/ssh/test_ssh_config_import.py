from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aurora_console.core.ssh.ssh_config_import import host_aliases, import_ssh_config

pytestmark = pytest.mark.unit

CONFIG = """
Host bastion-prod prod-alias
    HostName 203.0.113.10
    User ec2-user
    Port 2222
    IdentityFile ~/.ssh/prod_ed25519

Host inner
    HostName 10.0.1.5
    ProxyJump ops@bastion-prod:2222

Host *.internal !skip.internal
    User wild

# like OpenSSH, the first value found wins, so defaults go last
Host *
    ServerAliveInterval 30
    User default-user
"""


def test_imports_concrete_hosts_with_wildcard_defaults(tmp_path):
    path = tmp_path / "config"
    path.write_text(CONFIG)
    found = {b.ssh_config_host: b for b in import_ssh_config(path)}
    assert set(found) == {"bastion-prod", "prod-alias", "inner"}
    prod = found["bastion-prod"]
    assert (prod.host, prod.user, prod.port) == ("203.0.113.10", "ec2-user", 2222)
    assert prod.key_file.endswith("prod_ed25519") and not prod.use_agent
    inner = found["inner"]
    assert inner.user == "default-user" and inner.use_agent  # no IdentityFile: agent
    assert inner.jump is not None
    assert (inner.jump.host, inner.jump.port, inner.jump.user) == ("203.0.113.10", 2222, "ops")


def test_missing_or_broken_config(tmp_path):
    assert import_ssh_config(tmp_path / "none") == []
    bad = tmp_path / "bad"
    bad.write_text("Host x\n  Port notanumber\n")
    assert [b.port for b in import_ssh_config(bad)] == [22]


@given(st.text(max_size=300))
def test_host_aliases_never_returns_patterns(text):
    for name in host_aliases(text):
        assert name and not any(c in name for c in "*?!")
