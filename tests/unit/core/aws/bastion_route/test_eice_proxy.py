"""The ProxyCommand helper: how it is started (source, frozen, Windows), how its URL is handed
over (owner-only file, claimed once, replenished, removed) and a real run of it as a child
process pumping stdin/stdout through the sandbox endpoint."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from aurora_console.core.aws.bastion_route import eice_proxy as P
from aurora_console.core.aws.bastion_route.eice_stream import TunnelTicket
from tests.unit.core.aws.bastion_route.eice_fixtures import EndpointRig


def test_argv_from_source_runs_the_module():
    assert P.proxy_argv("/t/x.json", frozen=False, executable="/usr/bin/python3") == [
        "/usr/bin/python3", "-m", "aurora_console.core.aws.bastion_route.eice_proxy", "/t/x.json"]


def test_argv_frozen_runs_the_app_itself(tmp_path):
    exe = tmp_path / "aurora-console"
    assert P.proxy_argv("/t/x.json", platform="linux", frozen=True, executable=str(exe)) == [
        str(exe), "eice-proxy", "/t/x.json"]


def test_argv_frozen_windows_prefers_the_console_twin(tmp_path):
    exe = tmp_path / "aurora-console.exe"
    exe.write_text("")
    assert P.proxy_argv("x", platform="win32", frozen=True, executable=str(exe))[0] == str(exe)
    (tmp_path / P.WINDOWS_CLI_EXE).write_text("")
    assert P.proxy_argv("x", platform="win32", frozen=True, executable=str(exe))[0] == str(tmp_path / P.WINDOWS_CLI_EXE)


def test_cli_dispatches_the_helper(monkeypatch):
    from aurora_console import cli

    seen = []
    monkeypatch.setattr(P, "main", lambda args: seen.append(args) or 7)
    assert cli.main(["eice-proxy", "/t/x.json"]) == 7
    assert seen == [["/t/x.json"]]


class _Tickets:
    def __init__(self) -> None:
        self.n = 0

    def __call__(self) -> TunnelTicket:
        self.n += 1
        return TunnelTicket(f"ws://127.0.0.1:1/openTunnel?n={self.n}", "eice-0aaaaaaaaaaaaaaa1")


def _wait(cond, timeout=5.0):
    end = time.monotonic() + timeout
    while not cond():
        assert time.monotonic() < end, "timed out"
        time.sleep(0.02)


def test_handout_is_owner_only_claimed_once_and_replenished():
    tickets = _Tickets()
    handout = P.UrlHandout(tickets)
    try:
        assert stat.S_IMODE(handout.folder.stat().st_mode) == 0o700
        assert stat.S_IMODE(handout.path.stat().st_mode) == 0o600
        first = P.take_ticket(handout.path)
        assert first.url.endswith("n=1")
        # the claimed copy is gone (the writer may already be writing the next ticket to a .tmp file)
        assert sorted(p.name for p in handout.folder.iterdir() if p.name.endswith(".claimed")) == []
        _wait(handout.path.exists)  # a fresh one for the next ssh start
        assert P.take_ticket(handout.path).url.endswith("n=2")
        with pytest.raises(OSError):
            P.take_ticket(handout.folder / "nothing-here")
    finally:
        handout.close()
    assert not handout.folder.exists()


def test_handout_rewrites_before_the_url_expires():
    tickets = _Tickets()
    handout = P.UrlHandout(tickets, refresh_seconds=0.2)
    try:
        _wait(lambda: tickets.n >= 3)
        # rewritten since the first ticket (the newest one may still be being written: n or n-1)
        written = int(P.take_ticket(handout.path).url.rsplit("n=", 1)[1])
        assert 2 <= written <= tickets.n
    finally:
        handout.close()


def test_helper_without_a_ticket_explains(tmp_path, capsys):
    assert P.main([str(tmp_path / "missing.json")]) == 1
    assert capsys.readouterr().err.startswith(P.ERROR_PREFIX + "no tunnel URL")


def _run_helper(ticket_file: Path, data: bytes) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    return subprocess.run(P.proxy_argv(ticket_file), input=data, capture_output=True, timeout=60, env=env,
                          cwd=Path(__file__).resolve().parents[5])


def test_helper_pumps_stdin_and_stdout_through_the_endpoint():
    rig = EndpointRig()
    handout = P.UrlHandout(rig.ticket)
    try:
        payload = os.urandom(300_000)
        # the echo comes back while stdin is still open: the helper ends when ssh closes stdin, so feed
        # the payload and read until it is all back
        proc = subprocess.Popen(P.proxy_argv(handout.path), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, cwd=Path(__file__).resolve().parents[5])
        proc.stdin.write(payload)
        proc.stdin.flush()
        got = b""
        while len(got) < len(payload):
            chunk = os.read(proc.stdout.fileno(), 1 << 16)
            assert chunk, proc.stderr.read().decode()
            got += chunk
        proc.stdin.close()
        assert proc.wait(30) == 0
        assert got == payload
        assert rig.eice.opened == 1
        # the helper claimed and deleted its ticket; only the replenished one is there, and close removes it
        _wait(handout.path.exists)
        assert [p.name for p in handout.folder.iterdir()] == [P.TICKET_NAME]
    finally:
        handout.close()
        rig.close()
    assert not handout.folder.exists()


def test_helper_reports_a_refused_url_on_stderr():
    rig = EndpointRig()
    rig.eice.deny_open_tunnel = True
    handout = P.UrlHandout(rig.ticket)
    try:
        result = _run_helper(handout.path, b"")
    finally:
        handout.close()
        rig.close()
    assert result.returncode == 1
    err = result.stderr.decode()
    assert err.startswith(P.ERROR_PREFIX) and "ec2-instance-connect:OpenTunnel" in err
    assert "X-Amz-Signature" not in err


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX process check")
def test_helper_argv_and_environment_carry_no_credentials():
    rig = EndpointRig()
    handout = P.UrlHandout(rig.ticket)
    try:
        argv = P.proxy_argv(handout.path)
        assert not any("X-Amz" in a or "AKIA" in a for a in argv)
        assert "X-Amz-Signature" in handout.path.read_text()  # it is in the owner-only file instead
    finally:
        handout.close()
        rig.close()


def test_handout_slows_down_once_nothing_is_claimed():
    """Quick looks within busy_seconds of a claim (ssh may start again), slow ones after (a tunnel
    that is up costs almost no wake-ups); a claim makes it quick again."""
    tickets = _Tickets()
    handout = P.UrlHandout(tickets, poll_seconds=0.02, idle_poll_seconds=1.5, busy_seconds=10)
    try:
        start = handout.claimed_at
        assert handout.pace(start + 1) == 0.02
        assert handout.pace(start + 11) == 1.5
        P.take_ticket(handout.path)
        _wait(handout.path.exists)
        assert handout.claimed_at > start
        assert handout.pace(handout.claimed_at + 1) == 0.02
    finally:
        handout.close()
