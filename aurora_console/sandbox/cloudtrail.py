"""The sandbox's CloudTrail event history: ``LookupEvents`` answered from the control-plane calls
its AWS endpoint received.

moto keeps no CloudTrail event history (it has trails, not ``LookupEvents``). :class:`CloudTrailWsgi`
sits in front of moto's app: every RDS call that changes something (anything but Describe*, List*
and Download*) is passed on to moto as it came, and recorded in :class:`ControlPlaneTrail` in
CloudTrail's shape (AWS CloudTrail User Guide, "CloudTrail record contents"): ``eventTime``,
``eventSource``, ``eventName``, ``awsRegion``, ``sourceIPAddress``, ``userAgent``,
``userIdentity`` (the caller: the ARN STS returns for the sandbox's keys), ``requestParameters``
(the query parameters in CloudTrail's lowerCamel spelling, lists decoded, values typed by the
API's input shape in botocore's service model, as the real trail types them),
``errorCode``/``errorMessage`` for a refused call, ``readOnly`` false, ``eventID``.

``LookupEvents`` (JSON 1.1, ``X-Amz-Target: com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.LookupEvents``)
answers as the API reference says: one lookup attribute (``ResourceName``, ``EventName``,
``Username``, ``EventId``, ``EventSource``, ``ResourceType``, ``ReadOnly``, ``AccessKeyId``),
``StartTime``/``EndTime``, newest first, at most 50 a page with ``NextToken``, and, like the
real service, at most 2 calls a second per account and region (``ThrottlingException`` beyond).
A reset of moto (``/moto-api/reset``) forgets the history too.
"""

from __future__ import annotations

import base64
import functools
import json
import logging
import re
import threading
import time
import uuid
from collections import deque
from collections.abc import Callable, Iterable
from datetime import datetime, timezone
from typing import Any

from aurora_console.sandbox.wsgi_body import query_params, read_body

log = logging.getLogger(__name__)

TARGET = "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.LookupEvents"
JSON_CONTENT_TYPE = "application/x-amz-json-1.1"
ACCOUNT_ID = "123456789012"
#: What STS get_caller_identity answers for the sandbox's keys (moto's user).
CALLER_ARN = f"arn:aws:sts::{ACCOUNT_ID}:user/moto"
EVENT_SOURCE = "rds.amazonaws.com"
PAGE_LIMIT = 50
CALLS_PER_SECOND = 2
#: Events kept (the oldest go first), so a long sandbox session stays bounded.
MAX_EVENTS = 20_000
READ_ONLY_PREFIXES = ("Describe", "List", "Download", "Get")
ATTRIBUTE_KEYS = ("EventId", "EventName", "ReadOnly", "Username", "ResourceType", "ResourceName", "EventSource",
                  "AccessKeyId")

#: Request parameters that name a resource, and the CloudTrail resource type of each.
RESOURCE_PARAMETERS = {
    "DBClusterIdentifier": "AWS::RDS::DBCluster",
    "SourceDBClusterIdentifier": "AWS::RDS::DBCluster",
    "DBInstanceIdentifier": "AWS::RDS::DBInstance",
    "TargetDBInstanceIdentifier": "AWS::RDS::DBInstance",
    "DBClusterParameterGroupName": "AWS::RDS::DBClusterParameterGroup",
    "DBParameterGroupName": "AWS::RDS::DBParameterGroup",
    "DBClusterSnapshotIdentifier": "AWS::RDS::DBClusterSnapshot",
    "SourceDBClusterSnapshotIdentifier": "AWS::RDS::DBClusterSnapshot",
    "TargetDBClusterSnapshotIdentifier": "AWS::RDS::DBClusterSnapshot",
    "DBSnapshotIdentifier": "AWS::RDS::DBSnapshot",
}

_CREDENTIAL = re.compile(r"Credential=(?P<key>[^/,\s]+)/[0-9]{8}/(?P<region>[a-z0-9-]+)/(?P<service>[a-z0-9-]+)/aws4_request")
_DIGITS = re.compile(r"[0-9]{1,9}")
_INTEGER = re.compile(r"-?[0-9]{1,15}")
_ERROR_CODE = re.compile(rb"<Code>([^<]{1,200})</Code>")
_ERROR_MESSAGE = re.compile(rb"<Message>([^<]{0,2000})</Message>")


def lower_camel(name: str) -> str:
    """CloudTrail's spelling of a request parameter: the first letter lower-cased
    (``DBClusterIdentifier`` -> ``dBClusterIdentifier``)."""
    return name[:1].lower() + name[1:]


@functools.lru_cache(maxsize=8)
def _service_model(service: str) -> Any:
    """botocore's model of ``service`` (its API's shapes), None for a service botocore does not know."""
    import botocore.session
    from botocore.exceptions import UnknownServiceError

    try:
        return botocore.session.get_session().get_service_model(service)
    except UnknownServiceError:
        return None


def _input_shape(service: str, action: str) -> Any:
    model = _service_model(service)
    if model is None or action not in model.operation_names:
        return None
    return model.operation_model(action).input_shape


def _leaf_type(shape: Any, parts: list[str]) -> str | None:
    """The type botocore's input shape gives the query key ``parts``
    (``Parameters.Parameter.1.ParameterValue``: a list's item name and index, then a member), None
    for a key the shape does not have."""
    after_item_name = False
    for part in parts:
        if shape is None:
            return None
        if shape.type_name == "list":
            shape = shape.member
            after_item_name = not _DIGITS.fullmatch(part)  # the item name; its index follows
            continue
        if after_item_name and _DIGITS.fullmatch(part):
            after_item_name = False
            continue
        if shape.type_name != "structure":
            return None
        shape = {m.serialization.get("name", name): m for name, m in shape.members.items()}.get(part)
    return None if shape is None else shape.type_name


_INTEGER_TYPES = frozenset({"integer", "long"})


def _typed(value: str, type_name: str | None) -> Any:
    """A query value as CloudTrail records it for its input shape's type: integers and booleans
    decoded, everything else (strings, timestamps, a value the shape does not know) as text."""
    if type_name == "boolean" and value in ("true", "false"):
        return value == "true"
    if type_name in _INTEGER_TYPES and _INTEGER.fullmatch(value):
        return int(value)
    return value


#: What RDS's CloudTrail records write in place of a password parameter's value.
MASKED = "****"


def request_parameters(params: dict[str, str], service: str = "rds", action: str | None = None) -> dict[str, Any]:
    """Query-protocol parameters (``Tags.Tag.1.Key=a``) as CloudTrail records them
    (``{"tags": [{"key": "a"}]}``): names in lowerCamel, ``member``/item names before an index
    dropped, indexes made lists (1-based, in order), each value typed as the API's input shape
    for the call (``action``, else the ``Action`` parameter) types it in botocore's ``service`` model: integers and booleans
    decoded, strings (a ``ParameterValue`` of "500", an account id) and anything the shape does
    not know kept as text. A password's value is masked. ``Action`` and ``Version`` are not
    parameters."""
    shape = _input_shape(service, action or str(params.get("Action", "")))
    root: dict[str, Any] = {}
    for key in sorted(params, key=_key_order):
        if key in ("Action", "Version"):
            continue
        parts = key.split(".")
        if not all(parts):
            continue
        path: list[str | int] = []
        for i, part in enumerate(parts):
            if _DIGITS.fullmatch(part):
                path.append(int(part))
            elif i > 0 and i + 1 < len(parts) and _DIGITS.fullmatch(parts[i + 1]):
                continue  # the item name of a list (member, Tag, VpcSecurityGroupId...)
            else:
                path.append(lower_camel(part))
        if not path or not isinstance(path[0], str):
            continue
        raw = params[key]
        if "password" in key.lower():
            value = MASKED  # CloudTrail never records a password (MasterUserPassword, NewPassword...)
        else:
            value = _typed(raw, _leaf_type(shape, parts))
        _put(root, path, value)
    return _lists(root)


def _key_order(key: str) -> tuple:
    return tuple((0, int(p), "") if _DIGITS.fullmatch(p) else (1, 0, p) for p in key.split("."))


def _put(node: dict, path: list, value: Any) -> None:
    for i, step in enumerate(path):
        last = i == len(path) - 1
        if last:
            if not isinstance(node.get(step), dict):
                node[step] = value
            return
        child = node.get(step)
        if not isinstance(child, dict):
            child = {}
            node[step] = child
        node = child


def _lists(node: Any) -> Any:
    """Dicts keyed by list indexes become lists in index order."""
    if isinstance(node, dict):
        if node and all(isinstance(k, int) for k in node):
            return [_lists(node[k]) for k in sorted(node)]
        return {k: _lists(v) for k, v in node.items()}
    return node


def resources_of(params: dict[str, str]) -> list[dict[str, str]]:
    """CloudTrail's ``Resources`` of a call: each resource its parameters name."""
    out = []
    for key, kind in RESOURCE_PARAMETERS.items():
        value = params.get(key)
        if value:
            out.append({"ResourceType": kind, "ResourceName": value})
    return out


class ControlPlaneTrail:
    """The recorded events, oldest first (thread-safe, bounded to :data:`MAX_EVENTS`)."""

    def __init__(self, clock: Callable[[], datetime] = lambda: datetime.now(timezone.utc)) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._events: deque[dict[str, Any]] = deque(maxlen=MAX_EVENTS)
        self._seq = 0

    def clear(self) -> None:
        with self._lock:
            self._events.clear()

    def __len__(self) -> int:
        with self._lock:
            return len(self._events)

    def record(self, *, action: str, params: dict[str, str], region: str, access_key: str, source_ip: str,
               user_agent: str, error_code: str = "", error_message: str = "", when: datetime | None = None,
               caller_arn: str = CALLER_ARN, event_source: str = EVENT_SOURCE) -> dict[str, Any]:
        """Record one call; returns the LookupEvents event for it."""
        moment = (when or self._clock()).astimezone(timezone.utc)
        event_id = str(uuid.uuid4())
        body: dict[str, Any] = {
            "eventVersion": "1.08",
            "userIdentity": {"type": "IAMUser", "principalId": access_key, "arn": caller_arn,
                             "accountId": ACCOUNT_ID, "accessKeyId": access_key,
                             "userName": caller_arn.rsplit("/", 1)[-1]},
            "eventTime": moment.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "eventSource": event_source,
            "eventName": action,
            "awsRegion": region,
            "sourceIPAddress": source_ip,
            "userAgent": user_agent,
            "requestParameters": request_parameters(params, event_source.split(".", 1)[0], action),
            "responseElements": None,
            "requestID": str(uuid.uuid4()),
            "eventID": event_id,
            "readOnly": action.startswith(READ_ONLY_PREFIXES),
            "eventType": "AwsApiCall",
            "managementEvent": True,
            "recipientAccountId": ACCOUNT_ID,
            "eventCategory": "Management",
        }
        if error_code:
            body["errorCode"] = error_code
            body["errorMessage"] = error_message
        event = {
            "EventId": event_id,
            "EventName": action,
            "ReadOnly": "true" if body["readOnly"] else "false",
            "AccessKeyId": access_key,
            "EventTime": moment.timestamp(),
            "EventSource": event_source,
            "Username": body["userIdentity"]["userName"],
            "Resources": resources_of(params),
            "CloudTrailEvent": json.dumps(body, separators=(",", ":")),
        }
        with self._lock:
            self._seq += 1
            self._events.append({"seq": self._seq, "region": region, "event": event})
        return event

    def lookup(self, *, region: str, attributes: list[dict[str, str]], start: float | None, end: float | None,
               max_results: int = PAGE_LIMIT, next_token: str | None = None) -> tuple[list[dict[str, Any]], str | None]:
        """Events of ``region`` matching the attribute in ``[start, end]``, newest first, one page."""
        if len(attributes) > 1:
            raise ValueError("InvalidLookupAttributesException", "Only one lookup attribute is allowed.")
        match = _matcher(attributes[0]) if attributes else (lambda event: True)
        below = None
        if next_token:
            try:
                below = int(base64.urlsafe_b64decode(next_token.encode()).decode())
            except (ValueError, UnicodeDecodeError):
                raise ValueError("InvalidNextTokenException", "The NextToken is not valid.") from None
        limit = max(1, min(PAGE_LIMIT, int(max_results or PAGE_LIMIT)))
        with self._lock:
            records = list(self._events)
        page: list[dict[str, Any]] = []
        more = None
        for record in reversed(records):
            if below is not None and record["seq"] >= below:
                continue
            event = record["event"]
            if record["region"] != region:
                continue
            if start is not None and event["EventTime"] < start:
                continue
            if end is not None and event["EventTime"] > end:
                continue
            if not match(event):
                continue
            if len(page) == limit:
                more = base64.urlsafe_b64encode(str(page[-1]["_seq"]).encode()).decode()
                break
            page.append({**event, "_seq": record["seq"]})
        return [{k: v for k, v in e.items() if k != "_seq"} for e in page], more


def _matcher(attribute: dict[str, str]) -> Callable[[dict[str, Any]], bool]:
    key, value = attribute.get("AttributeKey", ""), attribute.get("AttributeValue", "")
    if key not in ATTRIBUTE_KEYS:
        raise ValueError("InvalidLookupAttributesException", f"{key!r} is not a lookup attribute.")
    if key == "ResourceName":
        return lambda e: any(r["ResourceName"] == value for r in e["Resources"])
    if key == "ResourceType":
        return lambda e: any(r["ResourceType"] == value for r in e["Resources"])
    return lambda e: str(e.get(key, "")) == value


class _Pace:
    """At most ``CALLS_PER_SECOND`` LookupEvents a second per account and region."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._calls: dict[str, deque[float]] = {}

    def allow(self, key: str) -> bool:
        now = self._clock()
        with self._lock:
            calls = self._calls.setdefault(key, deque())
            while calls and now - calls[0] >= 1.0:
                calls.popleft()
            if len(calls) >= CALLS_PER_SECOND:
                return False
            calls.append(now)
            return True


class CloudTrailWsgi:
    """WSGI layer in front of moto's app: records RDS control-plane calls, answers LookupEvents."""

    def __init__(self, app: Callable, trail: ControlPlaneTrail, clock: Callable[[], float] = time.monotonic) -> None:
        self.app = app
        self.trail = trail
        self._pace = _Pace(clock)

    def __call__(self, environ: dict[str, Any], start_response: Callable) -> Iterable[bytes]:
        if environ.get("PATH_INFO") == "/moto-api/reset":
            self.trail.clear()
            return self.app(environ, start_response)
        if environ.get("HTTP_X_AMZ_TARGET", "") == TARGET:
            return self._lookup(environ, start_response)
        credential = _CREDENTIAL.search(environ.get("HTTP_AUTHORIZATION", ""))
        if environ.get("REQUEST_METHOD") != "POST" or credential is None or credential["service"] != "rds":
            return self.app(environ, start_response)
        params = query_params(read_body(environ))
        if params is None:
            return self.app(environ, start_response)
        action = params.get("Action", "")
        if not action or action.startswith(READ_ONLY_PREFIXES):
            return self.app(environ, start_response)
        seen: dict[str, Any] = {}

        def capture(status: str, headers: list, exc_info: Any = None):
            seen["status"] = status
            return start_response(status, headers, exc_info) if exc_info else start_response(status, headers)

        body = b"".join(self.app(environ, capture))
        code = message = ""
        if not str(seen.get("status", "200")).startswith("2"):
            found = _ERROR_CODE.search(body)
            code = found.group(1).decode("utf-8", "replace") if found else str(seen.get("status", "")).split(" ")[0]
            found = _ERROR_MESSAGE.search(body)
            message = found.group(1).decode("utf-8", "replace") if found else ""
        try:
            self.trail.record(action=action, params=params, region=credential["region"], access_key=credential["key"],
                              source_ip=environ.get("REMOTE_ADDR", "127.0.0.1"),
                              user_agent=environ.get("HTTP_USER_AGENT", ""), error_code=code, error_message=message)
        except Exception:  # noqa: BLE001 - the call itself was answered; recording it must not fail it
            log.exception("sandbox CloudTrail: recording %s failed", action)
        return [body]

    def _lookup(self, environ: dict[str, Any], start_response: Callable) -> Iterable[bytes]:
        credential = _CREDENTIAL.search(environ.get("HTTP_AUTHORIZATION", ""))
        region = credential["region"] if credential else "us-east-1"
        try:
            request = json.loads(read_body(environ) or b"{}")
            if not isinstance(request, dict):
                raise ValueError("InvalidParameterException", "The request body is not a JSON object.")
            if not self._pace.allow(f"{ACCOUNT_ID}|{region}"):
                status, answer = 400, {"__type": "ThrottlingException", "message": "Rate exceeded"}
            else:
                events, token = self.trail.lookup(
                    region=region, attributes=list(request.get("LookupAttributes") or []),
                    start=_epoch(request.get("StartTime")), end=_epoch(request.get("EndTime")),
                    max_results=int(request.get("MaxResults") or PAGE_LIMIT), next_token=request.get("NextToken"))
                status, answer = 200, {"Events": events, **({"NextToken": token} if token else {})}
        except ValueError as exc:
            kind, text = exc.args if len(exc.args) == 2 else ("InvalidParameterException", str(exc))
            status, answer = 400, {"__type": str(kind), "message": str(text)}
        except Exception as exc:  # noqa: BLE001 - answered as AWS answers an internal failure
            log.exception("sandbox CloudTrail LookupEvents failed")
            status, answer = 500, {"__type": "InternalServerError", "message": f"{type(exc).__name__}: {exc}"}
        data = json.dumps(answer).encode()
        reason = {200: "OK", 400: "Bad Request"}.get(status, "Internal Server Error")
        start_response(f"{status} {reason}", [("Content-Type", JSON_CONTENT_TYPE), ("Content-Length", str(len(data))),
                                              ("x-amzn-RequestId", str(uuid.uuid4()))])
        return [data]


def _epoch(value: Any) -> float | None:
    if value is None:
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()
    raise ValueError("InvalidTimeRangeException", f"{value!r} is not a time.")


__all__ = ["CloudTrailWsgi", "ControlPlaneTrail", "request_parameters", "resources_of"]
