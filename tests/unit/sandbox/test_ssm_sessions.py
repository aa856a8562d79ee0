"""The sandbox's Session Manager answers (StartSession, TerminateSession, the data channel)."""

from __future__ import annotations

import io
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aurora_console.sandbox import ssm_sessions as S

BASTION = "i-0123456789abcdef0"
DB = ("127.0.0.1", 55432)
SSH = ("127.0.0.1", 2222)


@pytest.fixture
def sessions():
    s = S.SsmSessions(is_target=lambda target, region: target == BASTION)
    s.attach(ssh=SSH, route=lambda host, port: DB if (host, port) == ("blog.cluster-x.rds.amazonaws.com", 5432)
             else None)
    return s


def _start(sessions, document=S.FORWARD_REMOTE_DOCUMENT, **params):
    params = params or {"host": ["Blog.Cluster-X.rds.amazonaws.com."], "portNumber": ["5432"],
                        "localPortNumber": ["0"]}
    status, answer = sessions.handle("AmazonSSM.StartSession", {"Target": BASTION, "DocumentName": document,
                                                                "Parameters": params}, region="eu-west-1")
    assert status == 200, answer
    return answer


def test_port_forwarding_channel_reaches_the_routed_host(sessions):
    answer = _start(sessions)
    assert answer["StreamUrl"].startswith("wss://ssmmessages.eu-west-1.amazonaws.com/v1/data-channel/")
    channel = sessions.open_data_channel(answer["SessionId"], answer["TokenValue"])
    assert (channel["kind"], tuple(channel["connect"])) == ("port", DB)


def test_ssh_session_reaches_the_bastions_sshd(sessions):
    answer = _start(sessions, S.SSH_DOCUMENT, portNumber=["22"])
    channel = sessions.open_data_channel(answer["SessionId"], answer["TokenValue"])
    assert (channel["kind"], tuple(channel["connect"])) == ("ssh", SSH)


@pytest.mark.parametrize("how", ["wrong token", "used twice", "expired", "terminated", "unknown session"])
def test_the_token_opens_the_channel_once_in_time_for_a_live_session(sessions, how):
    answer = _start(sessions)
    sid, token = answer["SessionId"], answer["TokenValue"]
    if how == "wrong token":
        token = token[:-1] + ("A" if token[-1] != "A" else "B")
    elif how == "used twice":
        sessions.open_data_channel(sid, token)
    elif how == "expired":
        sessions.token_seconds = 0.0
    elif how == "terminated":
        assert sessions.handle("AmazonSSM.TerminateSession", {"SessionId": sid}) == (200, {"SessionId": sid})
    else:
        sid = "sandbox-0123456789abcdef0"
    with pytest.raises(S.SsmError) as err:
        sessions.open_data_channel(sid, token)
    assert err.value.status == 403


def test_unrouted_host_is_refused_when_the_channel_opens(sessions):
    answer = _start(sessions, host=["elsewhere.example.com"], portNumber=["5432"])
    with pytest.raises(S.SsmError) as err:
        sessions.open_data_channel(answer["SessionId"], answer["TokenValue"])
    assert "cannot reach elsewhere.example.com:5432" in err.value.message


@pytest.mark.parametrize("body, code", [
    ({"DocumentName": S.SSH_DOCUMENT}, "ValidationException"),
    ({"Target": "i-0fffffffffffffff0", "DocumentName": S.SSH_DOCUMENT}, "TargetNotConnected"),
    ({"Target": BASTION, "DocumentName": "AWS-RunShellScript"}, "InvalidDocument"),
    ({"Target": BASTION, "DocumentName": S.SSH_DOCUMENT, "Parameters": {"portNumber": 22}}, "ValidationException"),
])
def test_bad_start_session_requests(sessions, body, code):
    status, answer = sessions.handle("AmazonSSM.StartSession", body)
    assert (status, answer["__type"]) == (400, code)
    assert sessions.started == []


def test_denied_document_answers_like_iam(sessions):
    sessions.deny([S.SSH_DOCUMENT])
    status, answer = sessions.handle("AmazonSSM.StartSession", {"Target": BASTION, "DocumentName": S.SSH_DOCUMENT})
    assert answer["__type"] == "AccessDeniedException"
    assert "ssm:StartSession on resource: arn:aws:ssm:us-east-1::document/AWS-StartSSHSession" in answer["message"]
    assert _start(sessions)["SessionId"]  # other documents still allowed


def test_denied_instance_answers_with_its_arn(sessions):
    sessions.deny([BASTION])
    status, answer = sessions.handle("AmazonSSM.StartSession", {"Target": BASTION, "DocumentName": S.SSH_DOCUMENT},
                                     region="eu-west-1")
    assert (status, answer["__type"]) == (400, "AccessDeniedException")
    assert f"on resource: arn:aws:ec2:eu-west-1:123456789012:instance/{BASTION}" in answer["message"]


def test_terminate_refuses_a_malformed_id(sessions):
    status, answer = sessions.handle("AmazonSSM.TerminateSession", {"SessionId": "x y"})
    assert (status, answer["__type"]) == (400, "ValidationException")


def _call(app, path="/", target="", body=b"{}", method="POST"):
    seen = {}

    def start_response(status, headers):
        seen["status"] = status

    environ = {"PATH_INFO": path, "REQUEST_METHOD": method, "HTTP_X_AMZ_TARGET": target,
               "CONTENT_LENGTH": str(len(body)), "wsgi.input": io.BytesIO(body)}
    data = b"".join(app(environ, start_response))
    return seen.get("status", ""), data


def test_wsgi_layer_takes_only_its_calls(sessions):
    passed = []
    app = S.SsmSessionsWsgi(lambda environ, start: passed.append(environ["HTTP_X_AMZ_TARGET"]) or [b""], sessions)
    _call(app, target="AmazonSSM.GetParameter")
    assert passed == ["AmazonSSM.GetParameter"]
    status, data = _call(app, target="AmazonSSM.StartSession", body=json.dumps(
        {"Target": BASTION, "DocumentName": S.SSH_DOCUMENT}).encode())
    assert status.startswith("200") and json.loads(data)["SessionId"]
    status, data = _call(app, path=S.DATA_CHANNEL_PATH + json.loads(data)["SessionId"], body=b'{"TokenValue": "x"}')
    assert status.startswith("403")
    status, _ = _call(app, target="AmazonSSM.StartSession", body=b"[not json")
    assert status.startswith("400")


_json = st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=8),
                     lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
                     max_leaves=8)


@given(body=st.fixed_dictionaries({}, optional={
    "Target": st.sampled_from([BASTION, "i-0fffffffffffffff0"]) | _json,
    "DocumentName": st.sampled_from(S.DOCUMENTS) | _json,
    "Parameters": st.dictionaries(st.sampled_from(["portNumber", "host"]), st.lists(st.text(max_size=5))) | _json,
    "SessionId": st.sampled_from(["sandbox-0123456789abcdef0"]) | _json}),
       action=st.sampled_from(["AmazonSSM.StartSession", "AmazonSSM.TerminateSession"]))
@settings(max_examples=200)
def test_any_request_body_gets_an_aws_shaped_answer(body, action):
    sessions = S.SsmSessions(is_target=lambda target, region: target == BASTION)
    sessions.deny(["i-0fffffffffffffff0"])
    status, answer = sessions.handle(action, body)
    assert status in (200, 400)
    assert isinstance(answer, dict) and (status == 200 or set(answer) == {"__type", "message"})


@pytest.mark.expected_errors  # the layer logs the failure it answers
def test_an_internal_failure_is_answered_as_aws_does(sessions, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(sessions, "handle", broken)
    app = S.SsmSessionsWsgi(lambda environ, start: [b""], sessions)
    status, data = _call(app, target="AmazonSSM.StartSession")
    assert status.startswith("500") and json.loads(data) == {"__type": "InternalServerError",
                                                             "message": "RuntimeError: boom"}
