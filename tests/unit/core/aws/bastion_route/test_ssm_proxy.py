"""The ProxyCommand helper for SSH over Session Manager: its argv, and what it does with the relay."""

from __future__ import annotations

import socket
import subprocess
import sys
import threading

import pytest

from aurora_console.core.aws.bastion_route import ssm_proxy

COOKIE = b"c" * 32


def test_argv_from_source_and_frozen(tmp_path):
    assert ssm_proxy.proxy_argv(4321, "/tmp/x/relay-cookie", frozen=False, executable="/py/bin/python") == [
        "/py/bin/python", "-m", "aurora_console.core.aws.bastion_route.ssm_proxy", "4321", "/tmp/x/relay-cookie"]
    app = tmp_path / "aurora-console.exe"
    app.write_text("")
    assert ssm_proxy.proxy_argv(4321, "k", frozen=True, executable=str(app), platform="linux") == [
        str(app), "ssm-proxy", "4321", "k"]
    cli = tmp_path / "aurora-console-cli.exe"
    cli.write_text("")
    assert ssm_proxy.proxy_argv(4321, "k", frozen=True, executable=str(app), platform="win32") == [
        str(cli), "ssm-proxy", "4321", "k"]


@pytest.mark.parametrize("args", [[], ["x", "k"], ["12"], ["12", "k", "13"], ["١٢", "k"]])
def test_bad_arguments(args, capsys):
    assert ssm_proxy.main(args) == 2
    assert "usage" in capsys.readouterr().err


def _relay(answer: bytes, seen: list):
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)

    def serve():
        conn, _ = listener.accept()
        got = b""
        while len(got) < len(COOKIE):
            got += conn.recv(len(COOKIE) - len(got))
        seen.append(got)
        conn.sendall(answer)
        conn.close()
        listener.close()

    threading.Thread(target=serve, daemon=True).start()
    return listener.getsockname()[1]


@pytest.fixture
def cookie_file(tmp_path):
    path = tmp_path / "relay-cookie"
    path.write_bytes(COOKIE)
    return path


def test_a_refused_session_is_told_on_stderr(capsys, cookie_file):
    seen = []
    port = _relay(b"\x01AWS denied ssm:StartSession on the instance i-0abc", seen)
    assert ssm_proxy.main([str(port), str(cookie_file)]) == 1
    assert "Session Manager: AWS denied ssm:StartSession on the instance i-0abc" in capsys.readouterr().err
    assert seen == [COOKIE]


def test_a_gone_relay_is_told_on_stderr(capsys, cookie_file):
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    assert ssm_proxy.main([str(port), str(cookie_file)]) == 1
    assert "relay is gone" in capsys.readouterr().err


def test_the_console_command_runs_the_helper(cookie_file):
    seen = []
    port = _relay(b"\x00SSH-2.0-relay-test\r\n", seen)
    done = subprocess.run([sys.executable, "-m", "aurora_console", "ssm-proxy", str(port), str(cookie_file)],
                          input=b"", capture_output=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(b"SSH-2.0-relay-test")
    assert seen == [COOKIE]
