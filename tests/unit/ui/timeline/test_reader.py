"""The Change timeline's reader paces CloudTrail per account: two profiles of one account (two
roles) share one pacer, from the caller identity the audit log caches."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from aurora_console.core.audit import AuditLog
from aurora_console.core.aws.fleet.models import ClusterRef
from aurora_console.ui.timeline import reader as timeline_reader

pytestmark = pytest.mark.unit

ROLES = {"admin": "arn:aws:sts::111122223333:assumed-role/Admin/alice",
         "read-only": "arn:aws:sts::111122223333:assumed-role/ReadOnly/alice",
         "other": "arn:aws:sts::444455556666:assumed-role/Admin/alice"}


class Services:
    def __init__(self, audit):
        self.audit = audit
        self.aws = None
        self.sandbox = None

    class profiles:  # noqa: N801 - an attribute with list()
        @staticmethod
        def list():
            return []

    class connections:  # noqa: N801 - an Observable's get()
        @staticmethod
        def get():
            return None


def _ref(profile):
    return ClusterRef(profile=profile, region="us-east-1", cluster_id="orders", engine="aurora-postgresql",
                      endpoint_url=None)


def _pacer_used(monkeypatch, services, profile):
    seen = {}
    monkeypatch.setattr(timeline_reader, "gather_timeline", lambda **kw: seen.setdefault("pacer", kw["pacer"]))
    now = datetime(2026, 12, 7, tzinfo=timezone.utc)
    timeline_reader.ClusterTimelineReader(services, _ref(profile))(None, now, now)
    return seen["pacer"]


def test_profiles_of_one_account_share_the_cloudtrail_pacer(monkeypatch, tmp_path):
    asked = []

    def identity(target):
        asked.append(target.profile)
        return ROLES[target.profile]

    services = Services(AuditLog(tmp_path / "audit.jsonl", identity))
    admin = _pacer_used(monkeypatch, services, "admin")
    assert _pacer_used(monkeypatch, services, "read-only") is admin
    assert _pacer_used(monkeypatch, services, "other") is not admin
    assert asked == ["admin", "read-only", "other"]


def test_an_unknown_identity_paces_by_profile(monkeypatch, tmp_path):
    services = Services(AuditLog(tmp_path / "audit.jsonl", lambda target: "unknown (NoCredentialsError)"))
    first = _pacer_used(monkeypatch, services, "p1")
    assert _pacer_used(monkeypatch, services, "p1") is first
    assert _pacer_used(monkeypatch, services, "p2") is not first
    assert timeline_reader.ClusterTimelineReader(services, _ref("p1")).account_id() is None
