"""The lazy carrier table: a transport's factory is imported only when used; a missing module or
library is a plain error."""

from __future__ import annotations

import sys
import types

import pytest

from aurora_console.core.aws.bastion_route import carrier as carrier_module
from aurora_console.core.aws.bastion_route.carrier import CARRIERS, Carrier, carrier_factory, open_carrier
from aurora_console.core.aws.bastion_route.errors import BastionRouteError
from aurora_console.core.aws.bastion_route.instances import InstanceFacts
from aurora_console.core.ssh.config import AwsBastion

FACTS = InstanceFacts("i-0123456789abcdef0", "b", "running", "10.0.0.5", "", "", "us-east-1a", "subnet-1", "vpc-1")


def test_the_table_names_both_carriers() -> None:
    assert CARRIERS == {"eice": "aurora_console.core.aws.bastion_route.eice:carrier",
                        "ssm": "aurora_console.core.aws.bastion_route.ssm:carrier"}


def test_direct_has_no_carrier_and_forward_is_no_ssh() -> None:
    assert open_carrier(None, AwsBastion(instance="b", region="us-east-1"), FACTS, port=22) is None
    with pytest.raises(BastionRouteError, match="carries no SSH"):
        carrier_factory("ssm-forward")


def test_a_registered_factory_is_called_with_the_instance_and_port(monkeypatch) -> None:
    module = types.ModuleType("fake_carrier_mod")
    seen = []

    def carrier(clients, aws, facts, *, port):
        seen.append((aws.transport, facts.instance_id, port))
        return Carrier(label="endpoint eice-0123456789abcdef0")

    module.carrier = carrier
    monkeypatch.setitem(sys.modules, "fake_carrier_mod", module)
    monkeypatch.setitem(CARRIERS, "eice", "fake_carrier_mod:carrier")
    made = open_carrier(None, AwsBastion(instance="b", region="us-east-1", transport="eice"), FACTS, port=22)
    assert made.label == "endpoint eice-0123456789abcdef0" and made.expires_at is None
    assert made.close() is None  # the default close does nothing
    assert seen == [("eice", FACTS.instance_id, 22)]


def test_a_missing_module_says_this_build_lacks_the_transport(monkeypatch) -> None:
    monkeypatch.setitem(CARRIERS, "ssm", "aurora_console.core.aws.bastion_route.no_such_module:carrier")
    with pytest.raises(BastionRouteError) as err:
        carrier_factory("ssm")
    assert "cannot reach a bastion through Session Manager (SSH) yet" in err.value.message


def test_a_missing_library_is_named(monkeypatch) -> None:
    module = types.ModuleType("needs_lib_mod")
    monkeypatch.setitem(CARRIERS, "eice", "needs_lib_mod:carrier")

    def broken_import(name, *a, **k):
        raise ModuleNotFoundError("No module named 'websockets'", name="websockets")

    monkeypatch.setattr(carrier_module.importlib, "import_module", broken_import)
    with pytest.raises(BastionRouteError, match="needs the Python package 'websockets'"):
        carrier_factory("eice")
    del module
