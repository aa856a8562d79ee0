"""The OpenSSH client configuration, askpass helper and stderr classification."""

from __future__ import annotations

import os
import subprocess

import pytest

from aurora_console.core.secrets import Secret
from aurora_console.core.ssh.askpass import askpass_env, write_helper
from aurora_console.core.ssh.askpass_handover import HANDLE_ENV, OneShotHandover
from aurora_console.core.ssh.config import BastionConfig, JumpHost, TunnelSpec, TunnelTarget
from aurora_console.core.ssh.errors import (
    AuthenticationRejected,
    BastionUnreachable,
    ForwardingRefused,
    HostKeyChanged,
    HostKeyError,
    TargetUnreachable,
)
from aurora_console.core.ssh.native_config import build_ssh_config, ssh_command
from aurora_console.core.ssh.native_errors import classify_exit, is_bind_race

pytestmark = pytest.mark.unit


def _spec(**kw):
    b = BastionConfig("bastion.example.com", "ec2-user", 2222, "/keys/id_ed25519", **kw)
    return TunnelSpec("blog", b, TunnelTarget("db.internal", 5432), passphrase=Secret("pp-do-not-leak"))


def test_config_is_strict_and_loopback_only(tmp_path):
    spec = _spec(jump=JumpHost("jump.example.com", user="ops"))
    text = build_ssh_config(spec, known_hosts=tmp_path / "kh", bastion_key_type="ssh-ed25519",
                            jump_key_type="ecdsa-sha2-nistp256", batch=True, agent_socket=None)
    for line in ("StrictHostKeyChecking yes", "ExitOnForwardFailure yes", "ServerAliveInterval 15",
                 "HostKeyAlgorithms ssh-ed25519", "HostKeyAlgorithms ecdsa-sha2-nistp256", "ProxyJump aurora-jump",
                 "IdentityAgent none", "PasswordAuthentication no", "GlobalKnownHostsFile none"):
        assert line in text
    assert "pp-do-not-leak" not in text
    cmd = ssh_command("ssh", tmp_path / "cfg", 40000, spec)
    assert "127.0.0.1:40000:db.internal:5432" in cmd and "-N" in cmd
    assert not any("pp-do-not-leak" in part for part in cmd)


def test_openssh_accepts_the_generated_config(tmp_path):
    spec = _spec()
    cfg = tmp_path / "cfg"
    cfg.write_text(build_ssh_config(spec, known_hosts=tmp_path / "kh", bastion_key_type="ssh-rsa",
                                    jump_key_type=None, batch=False, agent_socket="/tmp/agent.sock"))
    out = subprocess.run(["ssh", "-F", str(cfg), "-G", "aurora-bastion"], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert "hostname bastion.example.com" in out.stdout and "port 2222" in out.stdout
    assert "hostkeyalgorithms rsa-sha2-512,rsa-sha2-256,ssh-rsa" in out.stdout


def test_askpass_answers_passphrase_prompts_only(tmp_path):
    helper = write_helper(tmp_path)
    assert "pp-do-not-leak" not in helper.read_text()
    handover = OneShotHandover(tmp_path, "pp-do-not-leak")
    env = {**os.environ, **askpass_env(helper, handover.env())}
    assert not any("pp-do-not-leak" in value for value in env.values())  # only the handle
    other = subprocess.run([str(helper), "root@host's password:"], capture_output=True, text=True, env=env)
    assert other.returncode != 0 and other.stdout == ""
    ok = subprocess.run([str(helper), "Enter passphrase for key '/k':"], capture_output=True, text=True, env=env)
    assert ok.stdout == "pp-do-not-leak\n"
    assert handover.served
    again = subprocess.run([str(helper), "Enter passphrase for key '/k':"], capture_output=True, text=True,
                           env=env, timeout=10)
    assert again.returncode != 0 and again.stdout == ""  # one read only
    assert not os.path.exists(env[HANDLE_ENV])
    handover.close()


def test_unread_handover_is_closed_and_dead(tmp_path):
    handover = OneShotHandover(tmp_path, "pp-never-read")
    path = handover.env()[HANDLE_ENV]
    assert oct(os.stat(path).st_mode & 0o777) == "0o600"
    handover.close()
    assert handover.served and not os.path.exists(path)
    helper = write_helper(tmp_path)
    env = {**os.environ, **askpass_env(helper, handover.env())}
    late = subprocess.run([str(helper), "Enter passphrase:"], capture_output=True, text=True, env=env, timeout=10)
    assert late.returncode != 0 and late.stdout == ""


def test_listener_handover_serves_one_client_with_the_key(tmp_path):
    """The Windows transport (a named pipe with a one-time key), run here over AF_UNIX."""
    from multiprocessing import AuthenticationError
    from multiprocessing.connection import Client

    from aurora_console.core.ssh.askpass_handover import KEY_ENV, HandoverSpent, read_handover

    handover = OneShotHandover(tmp_path, "pp-listener", family="AF_UNIX")
    env = handover.env()
    assert "pp-listener" not in repr(env) and len(env[KEY_ENV]) == 64
    with pytest.raises(AuthenticationError):  # a client without the key gets nothing
        with Client(env[HANDLE_ENV], family="AF_UNIX", authkey=b"wrong") as conn:
            conn.recv_bytes()
    assert read_handover(env) == "pp-listener"
    with pytest.raises(HandoverSpent):
        read_handover(env)
    handover.close()
    assert handover.served


@pytest.mark.parametrize("stderr,cls", [
    ("channel 2: open failed: administratively prohibited: open failed\n", ForwardingRefused),
    ("channel 2: open failed: connect failed: Connection refused\n", TargetUnreachable),
    ("ec2-user@bastion: Permission denied (publickey).\n", AuthenticationRejected),
    ("ssh: connect to host bastion port 2222: Connection timed out\n", BastionUnreachable),
    ("ssh: Could not resolve hostname bastion: Name or service not known\n", BastionUnreachable),
    ("kex_exchange_identification: read: Connection reset by peer\n", BastionUnreachable),
])
def test_stderr_classification(stderr, cls):
    assert isinstance(classify_exit(stderr, _spec(), 255), cls)


def test_bind_race_detection():
    assert is_bind_race("bind [127.0.0.1]:4000: Address already in use\nCould not request local forwarding.\n")
    assert not is_bind_race("Permission denied (publickey).")


def test_secret_never_shows():
    s = Secret("hunter2-long")
    assert "hunter2" not in repr(s) and "hunter2" not in str(s) and "hunter2" not in repr(_spec())


def test_certified_bastion_keeps_its_name_for_the_certificate_check(tmp_path):
    """OpenSSH checks a host certificate's principals against HostKeyAlias when one is set
    (openssh-portable sshconnect.c, check_host_key), so a certified hop must not get one."""
    spec = _spec(jump=JumpHost("jump.example.com", user="ops"))
    cfg = tmp_path / "cfg"
    cfg.write_text(build_ssh_config(spec, known_hosts=tmp_path / "kh", bastion_key_type="ssh-ed25519",
                                    jump_key_type="ssh-ed25519", batch=True, agent_socket=None,
                                    bastion_certified=True))
    bastion = cfg.read_text().split("Host aurora-bastion", 1)[1]
    assert "HostKeyAlias" not in bastion and "HostKeyAlgorithms" not in bastion
    assert "HostKeyAlias aurora-jump" in cfg.read_text()  # the pinned jump host keeps its alias
    out = subprocess.run(["ssh", "-F", str(cfg), "-G", "aurora-bastion"], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert "hostkeyalias" not in out.stdout and "-cert-v01@openssh.com" in out.stdout  # certificates negotiable


@pytest.mark.parametrize("stderr,cls,words", [
    ("Certificate invalid: name is not a listed principal\nHost key verification failed.\n", HostKeyError,
     "name is not a listed principal"),
    ("No ED25519 host key is known for [127.0.0.1]:2222 and you have requested strict checking.\n"
     "Host key verification failed.\n", HostKeyError, "no host certificate"),
    ("@@@ WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED! @@@\nHost key verification failed.\n", HostKeyChanged,
     "no longer matches"),
])
def test_host_key_refusals_by_ssh(stderr, cls, words):
    err = classify_exit(stderr, _spec(), 255)
    assert type(err) is cls and words in err.message


@pytest.mark.parametrize("line,said", [
    ("{eice}AWS denied ec2-instance-connect:OpenTunnel on arn:aws:ec2:us-east-1:111122223333:"
     "instance-connect-endpoint/eice-0abc for AWS profile 'ops'.",
     "AWS denied ec2-instance-connect:OpenTunnel on arn:aws:ec2:us-east-1:111122223333:"
     "instance-connect-endpoint/eice-0abc for AWS profile 'ops'."),
    ("{eice}eice-0abc refused the tunnel: its signed URL has expired.", "its signed URL has expired"),
    ("Session Manager: AWS denied ssm:StartSession on arn:aws:ssm:us-east-1::document/AWS-StartSSHSession.",
     "Session Manager: AWS denied ssm:StartSession on arn:aws:ssm:us-east-1::document/AWS-StartSSHSession."),
    ("aurora-console ssm-proxy: the console's Session Manager relay is gone (connection refused).",
     "the console's Session Manager relay is gone"),
])
def test_a_proxy_helpers_reason_is_said_not_the_closed_connection(line, said, tmp_path):
    """The console's ProxyCommand helpers (an EC2 bastion's endpoint or Session Manager carrier)
    say why they could not carry ssh on stderr; the real OpenSSH client passes that on, then
    reports its own "Connection closed by UNKNOWN port 65535" (or, when the helper has gone before
    ssh wrote its banner, "banner exchange: ... Broken pipe", which a fresh-clone run met): the
    tunnel's error is the helper's either way."""
    import shlex

    from aurora_console.core.aws.bastion_route.eice_proxy import ERROR_PREFIX

    line = line.replace("{eice}", ERROR_PREFIX)
    helper = tmp_path / "helper.sh"
    helper.write_text(f"#!/bin/sh\nprintf '%s\\n' {shlex.quote(line)} >&2\nexit 1\n", encoding="utf-8")
    helper.chmod(0o700)
    done = subprocess.run(["ssh", "-F", "/dev/null", "-o", f"ProxyCommand={helper}", "-o", "BatchMode=yes",
                           "-o", "UserKnownHostsFile=/dev/null", "-o", "StrictHostKeyChecking=yes",
                           "ec2-user@i-0abc", "true"], capture_output=True, text=True, timeout=30)
    assert done.returncode == 255 and ("Connection closed" in done.stderr or "Broken pipe" in done.stderr), \
        done.stderr
    endings = {done.stderr, f"{line}\nbanner exchange: Connection to UNKNOWN port 65535: Broken pipe\n",
               f"{line}\nkex_exchange_identification: Connection closed by remote host\n"
               "Connection closed by UNKNOWN port 65535\n"}
    for stderr in endings:  # what this ssh said, and both endings ssh can give
        err = classify_exit(stderr, _spec(), 255)
        assert said in err.message, err.message
        assert "Cannot reach" not in err.user_text() and "65535" not in err.user_text()


def test_handover_drops_its_secret_before_the_reader_sees_the_end(tmp_path, monkeypatch):
    """The reader returns on EOF, i.e. when the writer closes: the secret must be gone by then."""
    import types

    from aurora_console.core.ssh import askpass_handover as module

    seen_at_close: list[bool] = []
    handover = None

    def close(fd):
        if handover is not None:
            seen_at_close.append(handover.served)
        os.close(fd)

    monkeypatch.setattr(module, "os", types.SimpleNamespace(**{**vars(os), "close": close}))
    handover = OneShotHandover(tmp_path, "pp-gone-first")
    assert module.read_handover(handover.env()) == "pp-gone-first"
    handover._thread.join(timeout=5)
    assert seen_at_close and all(seen_at_close)
    handover.close()
