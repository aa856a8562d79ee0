"""The database check's warm-up (sandbox/checks.py): the check's SSM client is made, in the SSM
password's region, on the factory the check then uses (which caches it), and its code is loaded."""

from __future__ import annotations

import subprocess
import sys
from types import SimpleNamespace

import pytest

from aurora_console.core.aws.session import AwsTarget
from aurora_console.sandbox.checks import warm_database_check

pytestmark = pytest.mark.unit


class _Factory:
    def __init__(self) -> None:
        self.made: list[tuple[str, AwsTarget]] = []

    def client(self, service: str, target: AwsTarget):
        self.made.append((service, target))
        return object()


def test_the_warm_up_makes_the_check_s_ssm_client_in_the_password_s_region():
    factory = _Factory()
    warm_database_check(SimpleNamespace(regions=("eu-west-1", "us-east-1")), factory)
    assert factory.made == [("ssm", AwsTarget(None, "eu-west-1"))]


def test_the_warm_up_loads_the_tunnel_and_connection_code():
    code = ("import sys\n"
            "from types import SimpleNamespace\n"
            "from aurora_console.sandbox.checks import warm_database_check\n"
            "class F:\n"
            "    def client(self, service, target): return None\n"
            "names = ('paramiko', 'aurora_console.core.connections.tester', 'aurora_console.core.ssh.native_backend')\n"
            "before = [n in sys.modules for n in names]\n"
            "warm_database_check(SimpleNamespace(regions=('us-east-1',)), F())\n"
            "print(before, [n in sys.modules for n in names])\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[False, False, False] [True, True, True]"
