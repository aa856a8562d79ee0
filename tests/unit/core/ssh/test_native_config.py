"""The OpenSSH configuration for a prepared route: the instance's address, a carrier's
ProxyCommand (quoted, ``%`` kept literal) and a pushed key's identity; OpenSSH itself reads it."""

from __future__ import annotations

import subprocess

import pytest

from aurora_console.core.aws.bastion_route.carrier import Carrier
from aurora_console.core.aws.bastion_route.route import PreparedRoute
from aurora_console.core.ssh.config import AwsBastion, BastionConfig, TunnelSpec, TunnelTarget
from aurora_console.core.ssh.errors import TunnelError
from aurora_console.core.ssh.native_config import build_ssh_config, proxy_command_text

pytestmark = pytest.mark.unit
INSTANCE = "i-0123456789abcdef0"


def _spec(transport="direct") -> TunnelSpec:
    cfg = BastionConfig(host="bastion", user="ec2-user", key_file="/keys/standing",
                        aws=AwsBastion(instance="bastion", region="us-east-1", push_key=True, transport=transport))
    return TunnelSpec("eic", cfg, TunnelTarget("db.internal", 5432))


def _config(tmp_path, spec, route, identity=None) -> str:
    return build_ssh_config(spec, known_hosts=tmp_path / "kh", bastion_key_type="ssh-ed25519", jump_key_type=None,
                            batch=True, agent_socket=None, route=route, identity_file=identity)


def _ssh_g(tmp_path, text: str) -> str:
    cfg = tmp_path / "cfg"
    cfg.write_text(text)
    out = subprocess.run(["ssh", "-F", str(cfg), "-G", "aurora-bastion"], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    return out.stdout


def test_direct_route_connects_to_its_address_with_the_pushed_key(tmp_path) -> None:
    route = PreparedRoute("10.0.0.5", 22, INSTANCE, "x")
    identity = tmp_path / "pushed-1"
    text = _config(tmp_path, _spec(), route, identity)
    assert "/keys/standing" not in text and "ProxyCommand" not in text
    seen = _ssh_g(tmp_path, text)
    assert "hostname 10.0.0.5" in seen and f"identityfile {identity}" in seen and "identitiesonly yes" in seen


def test_a_carrier_becomes_the_proxy_command_quoted_and_literal(tmp_path) -> None:
    out = tmp_path / "seen by the proxy"
    # the "carrier" records the argument ssh hands it: spaces and a %-token must arrive as written
    argv = ["/bin/sh", "-c", 'printf "%s" "$1" > "$2"; exit 1', "proxy", "/tmp/a b/ticket%h", str(out)]
    route = PreparedRoute(INSTANCE, 22, INSTANCE, "x", carrier=Carrier(label="endpoint eice-1", proxy_command=argv))
    text = _config(tmp_path, _spec("eice"), route)
    assert f"  ProxyCommand {proxy_command_text(argv)}" in text and "ProxyJump" not in text
    assert f"hostname {INSTANCE}" in _ssh_g(tmp_path, text)
    subprocess.run(["ssh", "-F", str(tmp_path / "cfg"), "-N", "aurora-bastion"], capture_output=True, timeout=30)
    assert out.read_text() == "/tmp/a b/ticket%h"


def test_a_carrier_without_a_proxy_command_asks_for_paramiko(tmp_path) -> None:
    route = PreparedRoute(INSTANCE, 22, INSTANCE, "x", carrier=Carrier(label="endpoint eice-1", open_socket=object))
    with pytest.raises(TunnelError) as err:
        _config(tmp_path, _spec("eice"), route)
    assert "paramiko" in err.value.hint
