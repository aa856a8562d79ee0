"""The sandbox endpoint's seed gate: while closed it answers the fleet listing, the seeder and
moto's API, and holds everything else until it opens (asking for the rest of the seed once)."""

from __future__ import annotations

import io
import threading
import time

import pytest

from aurora_console.sandbox.seed_gate import LISTING_ACTIONS, SEEDER_AGENT, SeedGate, SeedGateWsgi

pytestmark = pytest.mark.unit

AUTH = ("AWS4-HMAC-SHA256 Credential=AKIASANDBOX000000000/20260101/us-east-1/{service}/aws4_request, "
        "SignedHeaders=host, Signature=abc")


def _environ(service: str = "rds", body: bytes = b"", agent: str = "Boto3/1.40 aurora-console/1.0",
             path: str = "/") -> dict:
    return {"REQUEST_METHOD": "POST", "PATH_INFO": path, "HTTP_AUTHORIZATION": AUTH.format(service=service),
            "HTTP_USER_AGENT": agent, "CONTENT_LENGTH": str(len(body)), "wsgi.input": io.BytesIO(body)}


class _App:
    def __init__(self) -> None:
        self.bodies: list[bytes] = []

    def __call__(self, environ, start_response):
        self.bodies.append(environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0)))
        start_response("200 OK", [])
        return [b"ok"]


def _call(app, environ) -> list:
    return list(app(environ, lambda status, headers: None))


def _in_thread(app, environ) -> threading.Thread:
    thread = threading.Thread(target=_call, args=(app, environ), daemon=True)
    thread.start()
    return thread


def test_an_open_gate_passes_everything():
    inner = _App()
    app = SeedGateWsgi(inner, SeedGate())
    assert _call(app, _environ("ssm", b'{"Name": "/web/blog/database/secret"}')) == [b"ok"]
    assert inner.bodies == [b'{"Name": "/web/blog/database/secret"}']


@pytest.mark.parametrize("action", sorted(LISTING_ACTIONS))
def test_a_closed_gate_answers_the_fleet_listing_and_leaves_its_body_readable(action):
    inner = _App()
    gate = SeedGate(max_hold=5)
    gate.close()
    body = f"Action={action}&Version=2014-10-31".encode()
    assert _call(SeedGateWsgi(inner, gate), _environ("rds", body)) == [b"ok"]
    assert inner.bodies == [body] and gate.held == 0


@pytest.mark.parametrize("environ", [
    _environ("ssm", b"{}", agent=f"Boto3/1.40 md/Botocore#1.40 {SEEDER_AGENT}"),
    _environ("rds", b"Action=CreateDBClusterSnapshot", agent=f"Boto3/1.40 {SEEDER_AGENT}"),
    _environ("rds", b"", path="/moto-api/reset"),
], ids=["seeder-ssm", "seeder-rds", "moto-api"])
def test_a_closed_gate_answers_the_seeder_and_motos_api(environ):
    gate = SeedGate(max_hold=5)
    gate.close()
    assert _call(SeedGateWsgi(_App(), gate), environ) == [b"ok"] and gate.held == 0


def test_a_closed_gate_holds_the_rest_until_it_opens_and_asks_for_the_seed_once():
    inner = _App()
    asked: list[bool] = []
    gate = SeedGate(max_hold=120)  # longer than the wait for all three to be held below
    gate.close(on_hold=lambda: asked.append(True))
    app = SeedGateWsgi(inner, gate)
    held = [_in_thread(app, _environ("rds", b"Action=DescribeDBClusterSnapshots&Version=2014-10-31")),
            _in_thread(app, _environ("ssm", b'{"Name": "x"}')),
            _in_thread(app, _environ("ec2", b"Action=DescribeInstances"))]
    deadline = time.monotonic() + 20  # an upper bound: all three are held as soon as they arrive
    while gate.held < 3 and time.monotonic() < deadline:
        time.sleep(0.005)
    assert all(t.is_alive() for t in held) and inner.bodies == []  # none answered yet
    assert asked == [True] and gate.held == 3  # the seed was asked for once
    gate.open()
    for thread in held:
        thread.join(30)
    assert not any(t.is_alive() for t in held)
    assert sorted(inner.bodies) == sorted([b"Action=DescribeDBClusterSnapshots&Version=2014-10-31",
                                           b'{"Name": "x"}', b"Action=DescribeInstances"])


def test_a_request_is_not_held_past_max_hold():
    inner = _App()
    gate = SeedGate(max_hold=0.2)
    gate.close()
    assert _call(SeedGateWsgi(inner, gate), _environ("sns", b"Action=ListTopics")) == [b"ok"]
    assert inner.bodies == [b"Action=ListTopics"] and not gate.is_open


def test_closing_again_asks_for_the_next_seed_again():
    asked: list[int] = []
    gate = SeedGate(max_hold=0.1)
    for n in (1, 2):
        gate.close(on_hold=lambda n=n: asked.append(n))
        _call(SeedGateWsgi(_App(), gate), _environ("ssm", b"{}"))
        _call(SeedGateWsgi(_App(), gate), _environ("ssm", b"{}"))
        gate.open()
    assert asked == [1, 2]


@pytest.mark.expected_errors  # the failure is logged with its traceback
def test_a_failing_on_hold_still_waits_for_the_gate(caplog):
    gate = SeedGate(max_hold=120)  # longer than the wait for it to be held below

    def boom() -> None:
        raise RuntimeError("no seeder")

    gate.close(on_hold=boom)
    thread = _in_thread(SeedGateWsgi(_App(), gate), _environ("ssm", b"{}"))
    deadline = time.monotonic() + 20  # an upper bound: the request is held as soon as it arrives
    while gate.held < 1 and time.monotonic() < deadline:
        time.sleep(0.005)
    assert gate.held == 1 and thread.is_alive()
    gate.open()
    thread.join(30)
    assert not thread.is_alive()
    assert "asking for the rest of the sandbox seed failed" in caplog.text
