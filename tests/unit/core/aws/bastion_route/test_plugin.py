"""session-manager-plugin: where it is found, its version check, and what reaches the child
(aws/aws-cli awscli/customizations/sessionmanager.py is the reference for the argv contract)."""

from __future__ import annotations

import json
import os
import stat
import sys

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aurora_console.core.aws.bastion_route import plugin as P
from aurora_console.core.secrets import Secret


def _exe(folder, name=P.PLUGIN_NAME):
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text("#!/bin/sh\nexit 0\n")
    path.chmod(0o700)
    return path


def test_found_on_path_first(tmp_path, monkeypatch):
    on_path = _exe(tmp_path / "bin")
    usual = _exe(tmp_path / "usual")
    monkeypatch.setattr(P, "usual_folders", lambda platform=None: [str(usual.parent)])
    assert P.find_plugin(path=str(on_path.parent)) == str(on_path)


def test_found_in_a_usual_folder_when_not_on_path(tmp_path, monkeypatch):
    usual = _exe(tmp_path / "usr" / "local" / "sessionmanagerplugin" / "bin")
    monkeypatch.setattr(P, "usual_folders", lambda platform=None: [str(tmp_path / "nothing"), str(usual.parent)])
    assert P.find_plugin(path=str(tmp_path / "empty")) == str(usual)


def test_a_file_that_is_not_executable_is_not_the_plugin(tmp_path, monkeypatch):
    usual = _exe(tmp_path / "usual")
    usual.chmod(stat.S_IRUSR | stat.S_IWUSR)
    monkeypatch.setattr(P, "usual_folders", lambda platform=None: [str(usual.parent)])
    with pytest.raises(P.PluginMissing):
        P.find_plugin(path=str(tmp_path / "empty"))


def test_missing_plugin_says_where_to_get_it(tmp_path, monkeypatch):
    monkeypatch.setattr(P, "usual_folders", lambda platform=None: [str(tmp_path / "none")])
    with pytest.raises(P.PluginMissing) as err:
        P.find_plugin(path=str(tmp_path / "empty"))
    assert "session-manager-plugin" in err.value.message
    assert P.INSTALL_URL in err.value.hint
    assert err.value.kind == "ssm-plugin-missing"


def test_usual_folders_per_system():
    assert r"C:\Program Files\Amazon\SessionManagerPlugin\bin" in P.usual_folders("win32")
    assert P.usual_folders("darwin")[:2] == ["/usr/local/sessionmanagerplugin/bin", "/usr/local/bin"]
    assert P.usual_folders("linux")[:2] == ["/usr/local/sessionmanagerplugin/bin", "/usr/bin"]


@pytest.mark.parametrize("text, expected", [
    ("1.2.650.0\n", (1, 2, 650, 0)), (" 1.2.497.0 ", (1, 2, 497, 0)), ("1.3", (1, 3)),
    ("", None), ("v1.2", None), ("1.2.3.4.5", None), ("1..2", None), ("١.٢", None)])
def test_parse_version(text, expected):
    assert P.parse_version(text) == expected


@given(st.text(max_size=30))
def test_parse_version_never_raises_and_round_trips(text):
    parsed = P.parse_version(text)
    if parsed is not None:
        assert 1 <= len(parsed) <= 4
        assert P.parse_version(".".join(map(str, parsed))) == parsed
    else:
        assert not P._VERSION_RE.fullmatch("".join(text.split()))


@pytest.mark.parametrize("version, env", [
    ((1, 2, 497, 0), False), ((1, 2, 497), False), ((1, 2, 497, 1), True), ((1, 2, 650, 0), True),
    ((1, 3), True), ((1, 2), False), (None, False)])
def test_response_through_environment_only_after_1_2_497_0(version, env):
    assert P.reads_response_from_environment(version) is env


def _grant():
    return P.SessionGrant(session_id="me-0123456789abcdef0", stream_url="wss://ssmmessages.eu-west-1.amazonaws.com/x",
                          token=Secret("TOKEN-SECRET-VALUE"), region="eu-west-1",
                          endpoint_url="https://ssm.eu-west-1.amazonaws.com", aws_profile="prod",
                          request={"Target": "i-0123456789abcdef0", "DocumentName": "AWS-StartSSHSession",
                                   "Parameters": {"portNumber": ["22"]}})


def test_new_plugin_gets_the_session_through_its_environment_never_its_argv():
    base = {"PATH": "/usr/bin", "AWS_ACCESS_KEY_ID": "AKIA", "AWS_SECRET_ACCESS_KEY": "s3cr3t",
            "AWS_SESSION_TOKEN": "tok", "aws_security_token": "old", "PGPASSWORD": "pw",
            "AURORA_CONSOLE_ASKPASS_HANDLE": "h", "AWS_CONFIG_FILE": "/home/me/.aws/config"}
    argv, env = P.plugin_command("/opt/smp", _grant(), version=(1, 2, 650, 0), base_env=base)
    assert argv == ["/opt/smp", P.RESPONSE_ENV, "eu-west-1", "StartSession", "prod",
                    json.dumps(_grant().request), "https://ssm.eu-west-1.amazonaws.com"]
    assert not any("TOKEN-SECRET-VALUE" in a for a in argv)
    assert json.loads(env[P.RESPONSE_ENV]) == {"SessionId": "me-0123456789abcdef0", "TokenValue": "TOKEN-SECRET-VALUE",
                                               "StreamUrl": "wss://ssmmessages.eu-west-1.amazonaws.com/x"}
    # the console's credentials never reach the plugin; its AWS config location does
    assert set(env) == {"PATH", "AWS_CONFIG_FILE", P.RESPONSE_ENV}


def test_old_plugin_gets_the_session_on_its_command_line():
    argv, env = P.plugin_command("/opt/smp", _grant(), version=(1, 2, 497, 0), base_env={"AWS_SECRET_ACCESS_KEY": "x"})
    assert json.loads(argv[1])["TokenValue"] == "TOKEN-SECRET-VALUE"
    assert env == {}


def test_the_grant_never_shows_its_token():
    assert "TOKEN-SECRET-VALUE" not in repr(_grant())


def test_document_arn_of_an_aws_owned_document():
    assert P.document_arn("us-east-1", "AWS-StartSSHSession") == "arn:aws:ssm:us-east-1::document/AWS-StartSSHSession"


@pytest.mark.skipif(os.name == "nt", reason="a POSIX shell script stands in for the plugin")
def test_plugin_version_runs_the_plugin(tmp_path):
    path = tmp_path / "smp"
    path.write_text(f"#!{sys.executable}\nprint('1.2.650.0')\n")
    path.chmod(0o700)
    assert P.plugin_version(str(path)) == (1, 2, 650, 0)


@pytest.mark.skipif(os.name == "nt", reason="a POSIX shell script stands in for the plugin")
def test_the_version_is_asked_once_per_installed_plugin(tmp_path):
    calls = tmp_path / "calls"
    path = tmp_path / "smp"
    path.write_text(f"#!/bin/sh\necho x >> '{calls}'\necho 1.2.650.0\n")
    path.chmod(0o700)
    assert P.plugin_version(str(path)) == P.plugin_version(str(path)) == (1, 2, 650, 0)
    assert calls.read_text().count("x") == 1
    path.write_text(f"#!/bin/sh\necho x >> '{calls}'\necho 1.2.700.0 \n")  # updated in place
    os.utime(path, ns=(1, 1))
    assert P.plugin_version(str(path)) == (1, 2, 700, 0)
    assert calls.read_text().count("x") == 2


@pytest.mark.parametrize("message, named", [
    ("User: arn:aws:iam::111122223333:user/me is not authorized to perform: ssm:StartSession on resource: "
     "arn:aws:ec2:eu-west-1:111122223333:instance/i-0123456789abcdef0 because no identity-based policy allows it",
     "arn:aws:ec2:eu-west-1:111122223333:instance/i-0123456789abcdef0 (instance i-0123456789abcdef0, document "
     "AWS-StartSSHSession)"),
    ("Access denied", "the instance arn:aws:ec2:eu-west-1:111122223333:instance/i-0123456789abcdef0 and the document "
                      "arn:aws:ssm:eu-west-1::document/AWS-StartSSHSession"),
])
def test_access_denied_names_the_refused_resource(message, named):
    import boto3
    from botocore.stub import Stubber

    from aurora_console.core.aws.bastion_route.errors import RouteAccessDenied
    from aurora_console.core.ssh.config import AwsBastion

    aws = AwsBastion(instance="i-0123456789abcdef0", region="eu-west-1", aws_profile="prod", transport="ssm")
    ssm = boto3.client("ssm", region_name="eu-west-1", aws_access_key_id="x", aws_secret_access_key="y")
    with Stubber(ssm) as stub, pytest.raises(RouteAccessDenied) as err:
        stub.add_client_error("start_session", service_error_code="AccessDeniedException", service_message=message,
                              http_status_code=400)
        P.start_session(lambda service, profile, region: ssm, aws, target="i-0123456789abcdef0",
                        document="AWS-StartSSHSession", parameters={"portNumber": ["22"]},
                        target_arn="arn:aws:ec2:eu-west-1:111122223333:instance/i-0123456789abcdef0")
    assert err.value.action == "ssm:StartSession"
    assert err.value.resource == named
    assert err.value.message == f"AWS denied ssm:StartSession on {named} for AWS profile 'prod' in eu-west-1."
