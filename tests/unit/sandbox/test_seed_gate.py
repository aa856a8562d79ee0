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


# -- the listing goes first: the seeder gives way to it ------------------------------------------
class _BlockingApp:
    """Answers once ``release`` is set (``entered`` tells when a request is inside)."""

    def __init__(self) -> None:
        self.entered = threading.Event()
        self.release = threading.Event()

    def __call__(self, environ, start_response):
        self.entered.set()
        self.release.wait(30)
        start_response("200 OK", [])
        return [b"listed"]


def _served(app, environ) -> list:
    """As werkzeug's server answers: the answer written out, then closed."""
    answer = app(environ, lambda status, headers: None)
    try:
        return list(answer)
    finally:
        if hasattr(answer, "close"):
            answer.close()


def _served_in_thread(app, environ) -> threading.Thread:
    thread = threading.Thread(target=_served, args=(app, environ), daemon=True)
    thread.start()
    return thread


def _listing_environ() -> dict:
    return _environ("rds", b"Action=DescribeDBClusters&Version=2014-10-31")


def _give_way_in_thread(gate: SeedGate) -> threading.Thread:
    thread = threading.Thread(target=gate.give_way, daemon=True)
    thread.start()
    return thread


def test_the_seeder_waits_while_a_listing_request_is_answered_and_goes_on_after_it():
    inner = _BlockingApp()
    gate = SeedGate(max_hold=5, linger=0.0, give_way_max=30)  # longer than the test's own waits
    gate.close()
    listing = _served_in_thread(SeedGateWsgi(inner, gate), _listing_environ())
    assert inner.entered.wait(20)
    seeder = _give_way_in_thread(gate)
    seeder.join(0.3)
    assert seeder.is_alive()  # it waits for the listing's answer
    inner.release.set()
    listing.join(20)
    seeder.join(20)
    assert not listing.is_alive() and not seeder.is_alive()


def test_the_seeder_waits_until_the_listings_answer_is_closed():
    inner = _BlockingApp()
    inner.release.set()
    gate = SeedGate(max_hold=5, linger=0.0, give_way_max=30)
    gate.close()
    answer = SeedGateWsgi(inner, gate)(_listing_environ(), lambda status, headers: None)
    assert list(answer) == [b"listed"]  # written out, not closed yet (werkzeug closes it after writing)
    seeder = _give_way_in_thread(gate)
    seeder.join(0.3)
    assert seeder.is_alive()
    answer.close()
    seeder.join(20)
    assert not seeder.is_alive()


def test_the_seeder_keeps_giving_way_for_a_moment_after_a_listing_request():
    gate = SeedGate(max_hold=5, linger=30, give_way_max=30)  # the next listing call is expected soon
    gate.close()
    _served(SeedGateWsgi(_App(), gate), _listing_environ())
    seeder = _give_way_in_thread(gate)
    seeder.join(0.3)
    assert seeder.is_alive()
    gate.open()  # (giving way ends by its time limits only: shortened here for the test's end)
    gate.linger = 0.0
    gate.listing_began()
    gate.listing_ended()
    seeder.join(20)
    assert not seeder.is_alive()


def test_giving_way_is_bounded():
    inner = _BlockingApp()
    gate = SeedGate(max_hold=5, linger=0.0, give_way_max=0.2)
    gate.close()
    listing = _served_in_thread(SeedGateWsgi(inner, gate), _listing_environ())
    assert inner.entered.wait(20)
    seeder = _give_way_in_thread(gate)
    seeder.join(20)  # returns after its 0.2 s although the listing request still runs
    assert not seeder.is_alive() and listing.is_alive()
    inner.release.set()
    listing.join(20)


@pytest.mark.parametrize("environ", [
    _environ("rds", b"Action=DescribeDBClusters&Version=2014-10-31"),  # the gate is open: not counted
], ids=["open-gate"])
def test_an_open_gates_requests_and_no_listing_do_not_hold_the_seeder(environ):
    inner = _BlockingApp()
    gate = SeedGate(max_hold=5, linger=30, give_way_max=30)
    request = _served_in_thread(SeedGateWsgi(inner, gate), environ)
    assert inner.entered.wait(20)
    seeder = _give_way_in_thread(gate)
    seeder.join(20)
    assert not seeder.is_alive()  # no wait: nothing of the listing is answered while closed
    inner.release.set()
    request.join(20)


def test_the_seeders_and_motos_own_requests_do_not_hold_the_seeder():
    gate = SeedGate(max_hold=5, linger=30, give_way_max=30)
    gate.close()
    _served(SeedGateWsgi(_App(), gate), _environ("rds", b"Action=DescribeDBClusters", agent=f"Boto3 {SEEDER_AGENT}"))
    _served(SeedGateWsgi(_App(), gate), _environ("rds", b"", path="/moto-api/reset"))
    seeder = _give_way_in_thread(gate)
    seeder.join(20)
    assert not seeder.is_alive()


def test_a_failing_listing_request_does_not_hold_the_seeder():
    def boom(environ, start_response):
        raise RuntimeError("moto failed")

    gate = SeedGate(max_hold=5, linger=0.0, give_way_max=30)
    gate.close()
    with pytest.raises(RuntimeError):
        _served(SeedGateWsgi(boom, gate), _listing_environ())
    seeder = _give_way_in_thread(gate)
    seeder.join(20)
    assert not seeder.is_alive()
