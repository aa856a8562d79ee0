"""CloudTrail management events of a cluster: ``LookupEvents`` by resource name, paced and parsed.

``LookupEvents`` answers at most 2 calls a second per account and region (AWS CloudTrail API
reference, "LookupEvents": "The rate of lookup requests is limited to two per second, per
account, per Region"), takes one lookup attribute per call and pages with ``NextToken``. So:

* every call waits its turn at a :class:`CallPacer` shared by all lookups of one account, region
  and endpoint in the process (:func:`pacer_for`: by account id when the caller identity is known,
  else by profile), spacing calls a little over 0.5 s apart;
* a call answered ``ThrottlingException`` anyway (another program on the same account) is tried
  again after an exponential, jittered back-off, up to :data:`MAX_THROTTLED_TRIES`;
* events seen under several names (a failover names the cluster and the new writer) are kept
  once (by ``EventId``); read-only calls (Describe...) are left out.

:func:`parse_event` turns one event into a :class:`~.entries.TimelineEntry`: who (the caller's
ARN from ``userIdentity``), from where (``sourceIPAddress``, ``userAgent``), what (the event name
and its request parameters, the settings it changed as :class:`~.entries.Change` rows).
"""

from __future__ import annotations

import json
import logging
import random
import re
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime, timezone
from typing import Any

from aurora_console.core.aws.timeline.entries import (
    KIND_MODIFICATION,
    KIND_PARAMETERS,
    SOURCE_CLOUDTRAIL,
    TimelineEntry,
    changes_from_parameters,
    kind_of_action,
    utc,
)
from aurora_console.core.redaction import redact_mapping
from aurora_console.core.tasks import TaskContext

log = logging.getLogger(__name__)

#: LookupEvents' documented limit, calls per second per account and region.
LOOKUP_CALLS_PER_SECOND = 2.0
#: The spacing the console keeps (a margin under the limit for clock differences).
LOOKUP_SPACING_S = 0.55
MAX_THROTTLED_TRIES = 6
BACKOFF_BASE_S = 1.0
BACKOFF_CAP_S = 20.0
#: LookupEvents' largest page.
PAGE_SIZE = 50
THROTTLED_CODES = frozenset({"ThrottlingException", "Throttling", "TooManyRequestsException", "RequestLimitExceeded"})

#: The parameter that names a resource in each identifier family (request parameters are in
#: CloudTrail's lowerCamel spelling: ``dBClusterIdentifier``), tried in this order when the
#: call's name does not say what it acts on.
_RESOURCE_PARAMETERS = ("dBClusterIdentifier", "dBInstanceIdentifier", "targetDBInstanceIdentifier",
                        "dBClusterParameterGroupName", "dBParameterGroupName", "dBClusterSnapshotIdentifier",
                        "dBSnapshotIdentifier", "sourceDBClusterIdentifier")
#: Calls whose name holds the word act on the resource the parameter names, before the order
#: above: ``CreateDBInstance`` / ``ModifyDBInstance`` act on the instance they name even though
#: their parameters may also name the cluster it belongs to (kept as ``detail["cluster"]``).
#: (``CreateDBClusterSnapshot`` stays under its cluster, the snapshot's name is in its parameters.)
_ACTED_ON = (("DBInstance", "dBInstanceIdentifier"),)


class CallPacer:
    """Lets calls through no closer than ``spacing`` seconds apart (thread-safe). ``clock`` and
    ``sleep`` are injectable for tests; a task's ``sleep`` wakes on cancel."""

    def __init__(self, spacing: float = LOOKUP_SPACING_S, clock: Callable[[], float] = time.monotonic) -> None:
        self.spacing = float(spacing)
        self._clock = clock
        self._lock = threading.Lock()
        self._next = -float("inf")

    def reserve(self) -> float:
        """Claim the next slot; returns how long to wait for it (0: now)."""
        with self._lock:
            now = self._clock()
            at = max(now, self._next)
            self._next = at + self.spacing
            return at - now

    def wait(self, sleep: Callable[[float], None] = time.sleep) -> None:
        delay = self.reserve()
        if delay > 0:
            sleep(delay)


_PACERS: dict[tuple[str, str, str], CallPacer] = {}
_PACERS_LOCK = threading.Lock()
_ACCOUNT_ID = re.compile(r"[0-9]{12}")


def account_of(arn: str | None) -> str | None:
    """The 12-digit account id of an ARN (``arn:aws:sts::123456789012:assumed-role/...``), None
    for anything else (an identity STS could not give: ``unknown (...)``)."""
    parts = arn.split(":") if isinstance(arn, str) else []
    if len(parts) >= 6 and parts[0] == "arn" and _ACCOUNT_ID.fullmatch(parts[4]):
        return parts[4]
    return None


def pacer_for(profile: str | None, region: str, endpoint_url: str | None = None, *,
              account: str | None = None) -> CallPacer:
    """The one pacer of an account and region (and endpoint) in this process: the limit is the
    account's, so every screen's lookups and every profile of one account (two roles) share it.
    ``account``: the account id when known (the caller identity the audit log caches); without
    it the profile stands for its account."""
    owner = f"account:{account}" if account else f"profile:{profile or 'default'}"
    key = (owner, region or "", endpoint_url or "")
    with _PACERS_LOCK:
        return _PACERS.setdefault(key, CallPacer())


def _error_code(exc: BaseException) -> str:
    response = getattr(exc, "response", None)
    if isinstance(response, Mapping):
        return str((response.get("Error") or {}).get("Code", ""))
    return ""


def backoff_delay(attempt: int, rng: Callable[[], float] = random.random) -> float:
    """Seconds to wait before try ``attempt + 1`` after a throttled try ``attempt`` (1-based):
    full jitter over an exponential ceiling (1, 2, 4, ... capped at 20 s)."""
    ceiling = min(BACKOFF_CAP_S, BACKOFF_BASE_S * 2 ** max(0, attempt - 1))
    return ceiling / 2 + rng() * ceiling / 2


def lookup_pages(client: Any, resource_name: str, start: datetime, end: datetime, *,
                 pacer: CallPacer | None = None, task: TaskContext | None = None,
                 rng: Callable[[], float] = random.random) -> Iterable[dict[str, Any]]:
    """Every event ``LookupEvents`` returns for ``ResourceName = resource_name`` in
    ``[start, end]``, page after page, each call paced; throttled calls backed off and retried.
    Raises the last throttling error after :data:`MAX_THROTTLED_TRIES` tries."""
    pacer = pacer or CallPacer()
    sleep = task.sleep if task is not None else time.sleep
    token: str | None = None
    while True:
        kwargs: dict[str, Any] = {
            "LookupAttributes": [{"AttributeKey": "ResourceName", "AttributeValue": resource_name}],
            "StartTime": utc(start), "EndTime": utc(end), "MaxResults": PAGE_SIZE}
        if token:
            kwargs["NextToken"] = token
        attempt = 0
        while True:
            attempt += 1
            if task is not None:
                task.check()
            pacer.wait(sleep)
            try:
                page = client.lookup_events(**kwargs)
                break
            except Exception as exc:
                if _error_code(exc) not in THROTTLED_CODES or attempt >= MAX_THROTTLED_TRIES:
                    raise
                delay = backoff_delay(attempt, rng)
                log.info("LookupEvents throttled (try %d); waiting %.1f s", attempt, delay)
                if task is not None:
                    task.progress(None, f"CloudTrail is throttling lookups; trying again in {delay:.0f} s")
                sleep(delay)
        yield from page.get("Events") or ()
        token = page.get("NextToken")
        if not token:
            return


def _camel_get(params: Mapping[str, Any], name: str) -> Any:
    lowered = name.lower()
    for key, value in params.items():
        if str(key).lower() == lowered:
            return value
    return None


def _acted_on(event_name: str, params: Mapping[str, Any]) -> str:
    """The name of the resource a call acts on: for an instance call (``ModifyDBInstance``) its
    ``dBInstanceIdentifier``, else the first identifier it has in :data:`_RESOURCE_PARAMETERS` order."""
    preferred = [key for word, key in _ACTED_ON if word in event_name][:1]
    for key in (*preferred, *_RESOURCE_PARAMETERS):
        value = _camel_get(params, key)
        if isinstance(value, str) and value:
            return value
    return ""


def parse_event(raw: Mapping[str, Any]) -> TimelineEntry | None:
    """A timeline entry for one ``LookupEvents`` event, None for one without a time or name.

    Reads the event's ``CloudTrailEvent`` JSON when it is there (who, from where, request
    parameters, error); an unreadable one leaves the summary fields (``Username``, ``Resources``)."""
    name = raw.get("EventName")
    when = raw.get("EventTime")
    if not isinstance(name, str) or not name:
        return None
    if isinstance(when, (int, float)) and not isinstance(when, bool):
        try:
            when = datetime.fromtimestamp(float(when), tz=timezone.utc)
        except (OverflowError, OSError, ValueError):
            return None
    if not isinstance(when, datetime):
        return None
    body: Mapping[str, Any] = {}
    text = raw.get("CloudTrailEvent")
    if isinstance(text, str):
        try:
            parsed = json.loads(text)
        except ValueError:
            parsed = None
        if isinstance(parsed, Mapping):
            body = parsed
    identity = body.get("userIdentity") if isinstance(body.get("userIdentity"), Mapping) else {}
    who = str(identity.get("arn") or raw.get("Username") or identity.get("invokedBy") or "")
    params = body.get("requestParameters")
    # masked here too, whatever the trail recorded: a password never reaches a screen or a marker
    params = redact_mapping(params) if isinstance(params, Mapping) else {}
    resources = [r for r in raw.get("Resources") or () if isinstance(r, Mapping)]
    resource = _acted_on(name, params)
    if not resource and resources:
        resource = str(resources[0].get("ResourceName") or "")
    where = ", ".join(str(v) for v in (body.get("sourceIPAddress"), body.get("userAgent")) if v)
    error = body.get("errorCode")
    kind = kind_of_action(name)
    changes = changes_from_parameters(params) if kind in (KIND_MODIFICATION, KIND_PARAMETERS) else ()
    what = f"{name} {resource}" if resource else name
    if error:
        what += f" (failed: {error})"
    cluster = _camel_get(params, "dBClusterIdentifier")
    detail = {"event": name, "parameters": dict(params),
              # the cluster an instance call concerns (for the text filter), when it is not the resource
              "cluster": cluster if isinstance(cluster, str) and cluster != resource else None, "resources": [dict(r) for r in resources],
              "region": body.get("awsRegion"), "error": error, "errorMessage": body.get("errorMessage"),
              "readOnly": body.get("readOnly", raw.get("ReadOnly"))}
    return TimelineEntry(time=utc(when), source=SOURCE_CLOUDTRAIL, kind=kind, who=who, what=what, resource=resource,
                         where=where, changes=changes, detail=detail, key=str(raw.get("EventId") or ""))


def _read_only(raw: Mapping[str, Any], entry: TimelineEntry) -> bool:
    flag = entry.detail.get("readOnly")
    if isinstance(flag, bool):
        return flag
    if isinstance(flag, str):
        return flag.lower() == "true"
    return str(raw.get("EventName", "")).startswith(("Describe", "List", "Get", "Download"))


def read_cloudtrail(client: Any, resource_names: Iterable[str], start: datetime, end: datetime, *,
                    pacer: CallPacer | None = None, task: TaskContext | None = None,
                    rng: Callable[[], float] = random.random) -> list[TimelineEntry]:
    """Management events that changed something, for each resource name, each kept once."""
    seen: set[str] = set()
    out: list[TimelineEntry] = []
    names = list(dict.fromkeys(n for n in resource_names if n))
    for index, name in enumerate(names):
        if task is not None:
            task.progress(None, f"CloudTrail: {name} ({index + 1} of {len(names)})")
        for raw in lookup_pages(client, name, start, end, pacer=pacer, task=task, rng=rng):
            entry = parse_event(raw)
            if entry is None or _read_only(raw, entry):
                continue
            if entry.key:
                if entry.key in seen:
                    continue
                seen.add(entry.key)
            out.append(entry)
    return out
