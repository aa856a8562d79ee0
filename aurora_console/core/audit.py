"""Local audit log: every mutating AWS call the console makes, one JSON line each.

A line holds the time (UTC, ISO 8601), profile, region, the caller identity ARN (STS
``get_caller_identity``, cached per profile), the action, its parameters with secrets removed,
and the outcome. The file is only ever appended to.
"""

from __future__ import annotations

import json
import logging
import re
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from aurora_console.core.private_files import open_private

log = logging.getLogger(__name__)

REDACTED = "***"
_SECRET_KEY = re.compile(r"pass(word|phrase)?|secret|token|credential|private.?key|session.?key|auth", re.I)
#: Keys that match the pattern above but hold no secret.
_NOT_SECRET = {"iamdatabaseauthenticationenabled", "kmskeyid", "enableiamdatabaseauthentication"}


def scrub(params: Any) -> Any:
    """A copy of ``params`` with every secret-looking value replaced by ``***``."""
    if isinstance(params, Mapping):
        out = {}
        for k, v in params.items():
            key = str(k)
            if _SECRET_KEY.search(key) and key.lower() not in _NOT_SECRET:
                out[key] = REDACTED
            else:
                out[key] = scrub(v)
        return out
    if isinstance(params, (list, tuple)):
        return [scrub(v) for v in params]
    if isinstance(params, (str, int, float, bool)) or params is None:
        return params
    return str(params)


@dataclass(frozen=True)
class AuditEntry:
    """One line of the audit log: a mutating AWS call the console made, who made it, and how it ended."""

    time: str
    profile: str
    region: str
    identity: str
    action: str
    params: dict[str, Any] = field(default_factory=dict)
    outcome: str = ""

    @property
    def ok(self) -> bool:
        return self.outcome == "ok"

    def to_json(self) -> str:
        return json.dumps(
            {
                "time": self.time,
                "profile": self.profile,
                "region": self.region,
                "identity": self.identity,
                "action": self.action,
                "params": self.params,
                "outcome": self.outcome,
            },
            sort_keys=False,
            default=str,
        )


IdentityFn = Callable[[Any], str]


class IdentityCache:
    """Caller identity ARN per profile, asked of STS once (``factory.client("sts", target)``)."""

    def __init__(self, factory: Any) -> None:
        self._factory = factory
        self._lock = threading.Lock()
        self._arns: dict[str, str] = {}

    def __call__(self, target: Any) -> str:
        profile = getattr(target, "profile", None) or "default"
        endpoint = getattr(target, "endpoint_url", None) or ""
        key = f"{profile}|{endpoint}"
        with self._lock:
            if key in self._arns:
                return self._arns[key]
        try:
            arn = str(self._factory.client("sts", target).get_caller_identity().get("Arn", ""))
        except Exception as exc:  # noqa: BLE001 - the action must still be logged
            log.warning("caller identity for %s unavailable: %s", profile, exc)
            return f"unknown ({type(exc).__name__})"
        with self._lock:
            self._arns[key] = arn
        return arn


class AuditLog:
    """Append-only JSON lines file; thread-safe within the process."""

    def __init__(self, path: Path, identity: IdentityFn | None = None) -> None:
        self.path = Path(path)
        self._identity = identity
        self._lock = threading.Lock()

    def record(self, target: Any, action: str, params: Mapping[str, Any], outcome: str) -> AuditEntry:
        entry = AuditEntry(
            time=datetime.now(timezone.utc).isoformat(timespec="milliseconds"),
            profile=getattr(target, "profile", None) or "default",
            region=getattr(target, "region", "") or "",
            identity=self._identity(target) if self._identity else "",
            action=action,
            params=scrub(dict(params)),
            outcome=outcome,
        )
        line = entry.to_json() + "\n"
        with self._lock:
            with open_private(self.path, "ab") as fh:  # 0600 in a 0700 folder
                fh.write(line.encode("utf-8"))
        return entry

    def read(self, limit: int | None = None) -> list[AuditEntry]:
        return read_audit(self.path, limit=limit)

    def caller(self, target: Any) -> str:
        """The caller identity ARN the log records for ``target``'s profile (asked of STS once,
        then cached); "" when the log has no identity source. Worker thread only."""
        return self._identity(target) if self._identity else ""


def audit_log_for(path: Path, current_factory: Callable[[], Any]) -> AuditLog:
    """The console's one audit log: identities come from whichever AWS session factory is in use
    when an action runs (a profile, or the sandbox), each asked of STS once."""
    caches: dict[int, IdentityCache] = {}

    def identity(target: Any) -> str:
        factory = current_factory()
        if factory is None:
            return "unknown (no AWS session)"
        return caches.setdefault(id(factory), IdentityCache(factory))(target)

    return AuditLog(path, identity)


def read_audit(path: Path, limit: int | None = None) -> list[AuditEntry]:
    """Entries newest last; unreadable lines are skipped. ``limit`` keeps the newest N."""
    path = Path(path)
    if not path.exists():
        return []
    out: list[AuditEntry] = []
    with path.open(encoding="utf-8", errors="replace") as fh:
        for line in fh:
            line = line.strip()
            if not line:
                continue
            try:
                d = json.loads(line)
            except ValueError:
                continue
            if not isinstance(d, dict):
                continue
            out.append(
                AuditEntry(
                    time=str(d.get("time", "")),
                    profile=str(d.get("profile", "")),
                    region=str(d.get("region", "")),
                    identity=str(d.get("identity", "")),
                    action=str(d.get("action", "")),
                    params=d.get("params") if isinstance(d.get("params"), dict) else {},
                    outcome=str(d.get("outcome", "")),
                )
            )
    return out[-limit:] if limit else out
