"""The spec bundles only some botocore models and moto services: every AWS service the code
creates a client for must be among them, or the frozen app fails where the source works."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import botocore.session
import pytest

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT / "packaging" / "aurora-console.spec"
# client("rds"...), clients("ssm", ...), factory.client("ec2", ...), self._client("pi") (a screen's
# own helper), c["secretsmanager"] (the sandbox seed)
CALL = re.compile(r"""(?:\b|_)clients?\(\s*["']([a-z0-9-]+)["']|\bc\[["']([a-z0-9-]+)["']\]""")
#: services the sandbox answers itself, in front of moto (which has no module for them)
SANDBOX_OWN = {"pi"}  # sandbox/performance_insights.py


def _spec_constant(name: str):
    for node in ast.parse(SPEC.read_text()).body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == name for t in node.targets):
            return ast.literal_eval(node.value)
    raise AssertionError(f"{name} not found in {SPEC}")


def _services_used(folder: Path) -> set[str]:
    known = set(botocore.session.get_session().get_available_services())
    found = set()
    for path in folder.rglob("*.py"):
        for match in CALL.finditer(path.read_text(encoding="utf-8")):
            name = match.group(1) or match.group(2)
            if name in known:
                found.add(name)
    return found


def test_the_scan_finds_the_known_clients():
    used = _services_used(ROOT / "aurora_console")
    assert {"rds", "cloudwatch", "ssm", "secretsmanager", "ec2", "sts", "pi", "logs", "cloudtrail"} <= used


def test_every_used_service_keeps_its_botocore_model():
    missing = _services_used(ROOT / "aurora_console") - set(_spec_constant("BOTOCORE_SERVICES"))
    assert not missing, f"add {sorted(missing)} to BOTOCORE_SERVICES in packaging/aurora-console.spec"


def test_every_service_the_sandbox_serves_is_bundled_from_moto():
    used = _services_used(ROOT / "aurora_console")
    moto_modules = {s.replace("-", "") for s in used - SANDBOX_OWN}
    missing = moto_modules - set(_spec_constant("MOTO_SERVICES"))
    assert not missing, f"add {sorted(missing)} to MOTO_SERVICES in packaging/aurora-console.spec"
