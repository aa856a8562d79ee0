"""The sandbox's Session Manager: ``ssm:StartSession`` and ``ssm:TerminateSession`` answered on the
local AWS endpoint (moto has neither), and the data channel the stand-in plugin
(:mod:`aurora_console.sandbox.ssm_plugin`) opens with a session's token.

:class:`SsmSessionsWsgi` sits in front of moto's app and takes the JSON 1.1 requests whose
``X-Amz-Target`` is ``AmazonSSM.StartSession`` / ``AmazonSSM.TerminateSession``, plus
``POST /sandbox-ssm/data-channel/<SessionId>`` (the stand-in plugin's stand-in for the
``StreamUrl`` websocket). :class:`SsmSessions` answers them:

* ``StartSession`` checks the target is a running instance of moto's EC2 backend in that region
  tagged ``Name=sandbox-bastion`` (else ``TargetNotConnected``, as for an instance without an
  agent) and the document is one of :data:`DOCUMENTS` (else ``InvalidDocument``); the answer has
  AWS's shape: ``SessionId`` (``<caller>-<hex>``), ``StreamUrl``
  (``wss://ssmmessages.<region>.amazonaws.com/v1/data-channel/<id>?role=publish_subscribe``)
  and a ``TokenValue``. ``deny([document or instance])`` makes it answer ``AccessDeniedException`` the way
  IAM does, naming ``ssm:StartSession`` and the instance's or the document's ARN (fault tests).
* the data channel: a session's token opens it once, before ``token_seconds`` and while the
  session is not terminated; it answers where the agent on the bastion would connect: the
  loopback bastion's SSH port for ``AWS-StartSSHSession`` (``portNumber`` 22), or the sandbox's
  PostgreSQL through the bastion's route for the remote host for the port-forwarding documents.
* ``TerminateSession`` ends a session (its data channel closes; the plugin sees it).
"""

from __future__ import annotations

import json
import logging
import re
import secrets
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from aurora_console.sandbox.aws_server import SANDBOX_ACCOUNT_ID, SANDBOX_REGION
from aurora_console.sandbox.wsgi_body import read_body

log = logging.getLogger(__name__)

TARGET_PREFIX = "AmazonSSM."
JSON_CONTENT_TYPE = "application/x-amz-json-1.1"
DATA_CHANNEL_PATH = "/sandbox-ssm/data-channel/"
SSH_DOCUMENT = "AWS-StartSSHSession"
FORWARD_REMOTE_DOCUMENT = "AWS-StartPortForwardingSessionToRemoteHost"
FORWARD_DOCUMENT = "AWS-StartPortForwardingSession"
DOCUMENTS = (SSH_DOCUMENT, FORWARD_REMOTE_DOCUMENT, FORWARD_DOCUMENT)
BASTION_NAME = "sandbox-bastion"
#: a token opens the data channel only this long after StartSession (AWS: "long enough to connect")
TOKEN_SECONDS = 60.0
_SESSION_RE = re.compile(r"[A-Za-z0-9._@-]{1,100}-[0-9a-f]{17}")
Address = tuple[str, int]


class SsmError(Exception):
    def __init__(self, code: str, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.code, self.message, self.status = code, message, status


@dataclass
class SandboxSession:
    session_id: str
    target: str
    document: str
    parameters: dict[str, list[str]]
    region: str
    token: str = field(repr=False)
    started: float = field(default_factory=time.monotonic)
    claimed: bool = False
    terminated: bool = False


def _running_bastion(instance_id: str, region: str, account: str = SANDBOX_ACCOUNT_ID) -> bool:
    """True when moto's EC2 backend has ``instance_id`` running in ``region`` with Name=sandbox-bastion."""
    from moto.ec2.models import ec2_backends

    try:
        inst = ec2_backends[account][region].get_instance_by_id(instance_id)
    except Exception:  # noqa: BLE001 - unknown id or region: not a target
        return False
    if inst is None or getattr(inst, "_state", None) is None or inst._state.name != "running":
        return False
    return any(tag.get("key") == "Name" and tag.get("value") == BASTION_NAME
               for tag in (inst.get_tags() if hasattr(inst, "get_tags") else []))


class SsmSessions:
    """Session Manager on the sandbox's endpoint. ``attach()`` tells it where the loopback bastion
    listens and how it routes remote hosts; ``started`` lists every session (tests count them)."""

    def __init__(self, *, token_seconds: float = TOKEN_SECONDS,
                 is_target: Callable[[str, str], bool] = _running_bastion) -> None:
        self.token_seconds = token_seconds
        self.is_target = is_target
        self._lock = threading.Lock()
        self._sessions: dict[str, SandboxSession] = {}
        self._denied: set[str] = set()
        self._ssh: Address | None = None
        self._route: Callable[[str, int], Address | None] = lambda host, port: None

    # wiring -------------------------------------------------------------------------------
    def attach(self, *, ssh: Address | None, route: Callable[[str, int], Address | None]) -> None:
        """``ssh``: the loopback bastion's address (what port 22 of the bastion instance is);
        ``route(host, port)``: where the bastion reaches ``host:port`` (its routes table)."""
        with self._lock:
            self._ssh, self._route = ssh, route

    def deny(self, resources: Iterable[str]) -> None:
        """Answer StartSession with AccessDenied, as IAM does, for these document names or instance
        ids (an empty list: allow all)."""
        with self._lock:
            self._denied = set(resources)

    @property
    def started(self) -> list[SandboxSession]:
        with self._lock:
            return list(self._sessions.values())

    def active(self) -> list[SandboxSession]:
        return [s for s in self.started if not s.terminated]

    def reset(self) -> None:
        with self._lock:
            self._sessions.clear()
            self._denied.clear()

    # the API ------------------------------------------------------------------------------
    def handle(self, target: str, body: dict[str, Any], *, region: str = SANDBOX_REGION) -> tuple[int, dict[str, Any]]:
        action = target[len(TARGET_PREFIX):]
        try:
            if action == "StartSession":
                return 200, self.start_session(body, region)
            if action == "TerminateSession":
                return 200, self.terminate_session(body)
            raise SsmError("InvalidAction", f"{action} is not answered here.")  # pragma: no cover - filtered
        except SsmError as exc:
            return exc.status, {"__type": exc.code, "message": exc.message}

    def start_session(self, body: dict[str, Any], region: str) -> dict[str, Any]:
        target = body.get("Target")
        document = body.get("DocumentName") or "SSM-SessionManagerRunShell"
        params = body.get("Parameters") or {}
        if not isinstance(target, str) or not target:
            raise SsmError("ValidationException", "1 validation error detected: Value null at 'target' "
                                                  "failed to satisfy constraint: Member must not be null")
        if not isinstance(document, str):
            raise SsmError("ValidationException", "DocumentName must be a string.")
        if not isinstance(params, dict) or not all(
                isinstance(v, list) and all(isinstance(x, str) for x in v) for v in params.values()):
            raise SsmError("ValidationException", "Parameters must map names to lists of strings.")
        with self._lock:
            denied = [r for r in (target, document) if r in self._denied]
        if denied:
            resource = (f"arn:aws:ec2:{region}:{SANDBOX_ACCOUNT_ID}:instance/{target}" if denied[0] == target
                        else f"arn:aws:ssm:{region}::document/{document}")
            raise SsmError("AccessDeniedException",
                           f"User: arn:aws:iam::{SANDBOX_ACCOUNT_ID}:user/sandbox is not authorized to perform: "
                           f"ssm:StartSession on resource: {resource} because no identity-based policy allows "
                           f"the ssm:StartSession action", status=400)
        if document not in DOCUMENTS:
            raise SsmError("InvalidDocument", f"Document {document} is not answered by the sandbox "
                                              f"(it answers {', '.join(DOCUMENTS)}).")
        if not self.is_target(target, region):
            raise SsmError("TargetNotConnected", f"{target} is not connected.")
        session_id = f"sandbox-{secrets.token_hex(9)[:17]}"
        token = secrets.token_urlsafe(48)
        with self._lock:
            self._sessions[session_id] = SandboxSession(session_id, target, document, params, region, token)
        log.info("sandbox Session Manager: session %s on %s (%s)", session_id, target, document)
        return {"SessionId": session_id, "TokenValue": token,
                "StreamUrl": f"wss://ssmmessages.{region}.amazonaws.com/v1/data-channel/{session_id}"
                             "?role=publish_subscribe&cell-number=sandbox"}

    def terminate_session(self, body: dict[str, Any]) -> dict[str, Any]:
        session_id = body.get("SessionId")
        if not isinstance(session_id, str) or not _SESSION_RE.fullmatch(session_id):
            raise SsmError("ValidationException", f"Invalid SessionId {session_id!r}.")
        with self._lock:
            session = self._sessions.get(session_id)
            if session is not None:
                session.terminated = True
        return {"SessionId": session_id}

    def is_terminated(self, session_id: str) -> bool:
        with self._lock:
            session = self._sessions.get(session_id)
            return session is None or session.terminated

    def open_data_channel(self, session_id: str, token: str) -> dict[str, Any]:
        """Where the agent connects for this session (the token is good once, for a short while)."""
        with self._lock:
            session = self._sessions.get(session_id)
            if session is None or not secrets.compare_digest(session.token, token or ""):
                raise SsmError("AccessDeniedException", "The session token is not valid for this session.", 403)
            if session.terminated:
                raise SsmError("SessionTerminated", f"Session {session_id} was terminated.", 403)
            if session.claimed or time.monotonic() - session.started > self.token_seconds:
                raise SsmError("AccessDeniedException", "The session token has expired or was used already.", 403)
            session.claimed = True
            ssh, route = self._ssh, self._route
        port_text = (session.parameters.get("portNumber") or ["22" if session.document == SSH_DOCUMENT else ""])[0]
        try:
            port = int(port_text)
        except ValueError:
            raise SsmError("ValidationException", f"portNumber {port_text!r} is not a number.") from None
        if session.document == SSH_DOCUMENT or session.document == FORWARD_DOCUMENT and port == 22:
            if port != 22 or ssh is None:
                raise SsmError("ConnectionRefused", f"Nothing listens on port {port} of {session.target}.")
            address = ssh
        else:
            host = (session.parameters.get("host") or ["localhost"])[0]
            address = route(host.lower().rstrip("."), port)
            if address is None:
                raise SsmError("ConnectionRefused", f"{session.target} cannot reach {host}:{port}.")
        kind = "ssh" if session.document == SSH_DOCUMENT else "port"
        return {"SessionId": session_id, "kind": kind, "connect": list(address), "target": session.target}


def _region_of(environ: dict[str, Any]) -> str:
    m = re.search(r"Credential=[^/]+/[0-9]+/([a-z0-9-]+)/", environ.get("HTTP_AUTHORIZATION", ""))
    return m.group(1) if m else SANDBOX_REGION


class SsmSessionsWsgi:
    """WSGI layer in front of moto's app: the Session Manager calls moto lacks to
    :class:`SsmSessions`, the rest to moto unchanged."""

    ACTIONS = (TARGET_PREFIX + "StartSession", TARGET_PREFIX + "TerminateSession")

    def __init__(self, app: Callable, sessions: SsmSessions) -> None:
        self.app = app
        self.sessions = sessions

    def __call__(self, environ: dict[str, Any], start_response: Callable) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        target = environ.get("HTTP_X_AMZ_TARGET", "")
        if path.startswith(DATA_CHANNEL_PATH) and environ.get("REQUEST_METHOD") == "POST":
            return self._data_channel(path[len(DATA_CHANNEL_PATH):], environ, start_response)
        if path.startswith(DATA_CHANNEL_PATH + "status/"):
            gone = self.sessions.is_terminated(path.rsplit("/", 1)[-1])
            return self._answer(start_response, 200, {"terminated": gone})
        if target not in self.ACTIONS:
            return self.app(environ, start_response)
        try:
            body = json.loads(read_body(environ) or b"{}")
            if not isinstance(body, dict):
                raise ValueError
            status, answer = self.sessions.handle(target, body, region=_region_of(environ))
        except (ValueError, UnicodeDecodeError):
            status, answer = 400, {"__type": "ValidationException", "message": "The request body is not JSON."}
        except Exception as exc:  # noqa: BLE001 - answered as AWS answers an internal failure
            log.exception("sandbox Session Manager failed")
            status, answer = 500, {"__type": "InternalServerError", "message": f"{type(exc).__name__}: {exc}"}
        return self._answer(start_response, status, answer)

    def _data_channel(self, session_id: str, environ: dict[str, Any], start_response: Callable) -> Iterable[bytes]:
        try:
            body = json.loads(read_body(environ) or b"{}")
            answer = self.sessions.open_data_channel(session_id, str(body.get("TokenValue", "")))
            status = 200
        except SsmError as exc:
            status, answer = exc.status, {"__type": exc.code, "message": exc.message}
        except (ValueError, UnicodeDecodeError, AttributeError):
            status, answer = 400, {"__type": "ValidationException", "message": "The request body is not JSON."}
        return self._answer(start_response, status, answer)

    @staticmethod
    def _answer(start_response: Callable, status: int, answer: dict[str, Any]) -> Iterable[bytes]:
        data = json.dumps(answer).encode()
        reason = {200: "OK", 400: "Bad Request", 403: "Forbidden", 500: "Internal Server Error"}.get(status, "Error")
        start_response(f"{status} {reason}", [("Content-Type", JSON_CONTENT_TYPE),
                                              ("Content-Length", str(len(data))),
                                              ("x-amzn-RequestId", f"sandbox-ssm-{time.monotonic_ns()}")])
        return [data]


__all__ = ["DATA_CHANNEL_PATH", "DOCUMENTS", "FORWARD_REMOTE_DOCUMENT", "SSH_DOCUMENT", "SandboxSession",
           "SsmSessions", "SsmSessionsWsgi"]
