"""AWS credentials resolved as the AWS CLI resolves them (issue 14), one test per rung.

The contract is the CLI's documented precedence
(https://docs.aws.amazon.com/cli/latest/userguide/cli-chap-configure.html#configure-precedence)
as botocore implements it (botocore/credentials.py ``create_credential_resolver``): a profile named
explicitly (``--profile``) leaves the environment's keys out; ``AWS_PROFILE`` alone does not
override them; then the shared credentials file, the config file, credential_process, SSO,
container and instance metadata. The isolation fixture sets dummy environment keys, so every test
sets or removes the environment it needs. Instance metadata is never called
(AWS_EC2_METADATA_DISABLED=true); a call without moto's endpoint is refused by the rig.
"""

from __future__ import annotations

import json
import sys
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from aurora_console.core.aws.errors import classify
from aurora_console.core.aws.fleet.clusters import list_clusters
from aurora_console.core.aws.session import AwsSessionFactory, AwsTarget
from aurora_console.core.aws.start_config import choose_start_profile, resolve_start_config
from tests.rig.sso_portal import VALID_TOKEN, sso_config

pytestmark = pytest.mark.unit

ENV_KEYS = ("ENVKEY", "env-secret")
CONTAINER_VARS = ("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_CONTAINER_CREDENTIALS_FULL_URI",
                  "AWS_CONTAINER_AUTHORIZATION_TOKEN")


@pytest.fixture
def aws_env(isolated_env, monkeypatch):
    """Helpers to write ~/.aws/config and ~/.aws/credentials and to set the environment."""
    home = isolated_env / "home" / ".aws"
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    for var in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_PROFILE", "AWS_DEFAULT_PROFILE",
                "AWS_REGION", "AWS_DEFAULT_REGION", *CONTAINER_VARS):
        monkeypatch.delenv(var, raising=False)

    class Env:
        def config(self, text: str) -> None:
            (home / "config").write_text(text)

        def credentials(self, text: str) -> None:
            (home / "credentials").write_text(text)

        def keys(self) -> None:
            monkeypatch.setenv("AWS_ACCESS_KEY_ID", ENV_KEYS[0])
            monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", ENV_KEYS[1])

        def profile(self, name: str) -> None:
            monkeypatch.setenv("AWS_PROFILE", name)

        def set(self, var: str, value: str) -> None:
            monkeypatch.setenv(var, value)

    return Env()


def _start(cli_profile=None, saved=None, endpoint=None) -> tuple[AwsSessionFactory, object]:
    aws = AwsSessionFactory(endpoint_url=endpoint)
    cfg = resolve_start_config(aws, cli_profile=cli_profile, cli_region=None, saved_profile=saved)
    return aws, cfg


def _keys(aws: AwsSessionFactory, profile: str | None) -> tuple[str, str]:
    creds = aws.session(profile).get_credentials()
    assert creds is not None, f"no credentials for {profile!r}"
    return creds.get_frozen_credentials().access_key, creds.method


# -- rung 1: --profile names a profile explicitly: the environment's keys are not used -------------
def test_cli_profile_uses_the_profiles_keys_not_the_environments(aws_env):
    aws_env.config("[profile x]\nregion = eu-west-3\n")
    aws_env.credentials("[x]\naws_access_key_id = XKEY\naws_secret_access_key = x-secret\n")
    aws_env.keys()
    aws_env.profile("other")  # --profile wins over AWS_PROFILE too
    aws, cfg = _start(cli_profile="x")
    assert (cfg.profile, cfg.explicit) == ("x", True)
    assert _keys(aws, "x") == ("XKEY", "shared-credentials-file")
    assert aws.session("x").region_name == "eu-west-3"


def test_cli_profile_without_keys_says_so_even_with_environment_keys(aws_env):
    aws_env.config("[profile x]\nregion = eu-west-3\n")
    aws_env.keys()
    aws, cfg = _start(cli_profile="x")
    assert aws.session("x").get_credentials() is None  # env keys are not a fallback for --profile
    from botocore.exceptions import NoCredentialsError

    err = classify(NoCredentialsError(), profile="x")
    assert err.message == "No AWS credentials found for profile 'x'."


# -- rung 2: AWS_PROFILE alone does not override environment keys (the case) ---------------
def test_aws_profile_with_environment_keys_uses_the_environment_keys(aws_env, moto_endpoint):
    aws_env.config("[profile x]\nregion = eu-west-3\n")  # no keys for x anywhere
    aws_env.keys()
    aws_env.profile("x")
    aws, cfg = _start(endpoint=moto_endpoint)
    assert (cfg.profile, cfg.explicit, cfg.region) == ("x", False, "eu-west-3")  # x's settings apply
    assert _keys(aws, "x") == ("ENVKEY", "env")
    assert aws.session("x").region_name == "eu-west-3"
    loaded = list_clusters(aws, AwsTarget("x", "eu-west-3"))  # the console's call works, as `aws` does
    assert loaded.error is None and loaded.clusters == []


def test_aws_profile_keys_lose_to_environment_keys_but_serve_without_them(aws_env, monkeypatch):
    aws_env.config("[profile x]\nregion = eu-west-3\n")
    aws_env.credentials("[x]\naws_access_key_id = XKEY\naws_secret_access_key = x-secret\n")
    aws_env.profile("x")
    aws_env.keys()
    aws, _ = _start()
    assert _keys(aws, "x") == ("ENVKEY", "env")
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    aws, _ = _start()
    assert _keys(aws, "x") == ("XKEY", "shared-credentials-file")


def test_aws_default_profile_is_read_before_aws_profile_as_botocore_does(aws_env):
    aws_env.config("[profile legacy]\n[profile x]\n")
    aws_env.profile("x")
    aws_env.set("AWS_DEFAULT_PROFILE", "legacy")
    assert choose_start_profile(["legacy", "x"], cli_profile=None, saved_profile=None) == ("legacy", False)


def test_a_missing_aws_profile_is_reported_as_the_cli_reports_it(aws_env):
    aws_env.keys()
    aws_env.profile("nope")
    aws, cfg = _start()
    from botocore.exceptions import ProfileNotFound

    with pytest.raises(ProfileNotFound):
        aws.session("nope").get_credentials()
    assert "not defined" in classify(ProfileNotFound(profile="nope"), profile="nope").message


# -- environment keys without any profile named: the default chain, not the saved choice -----------
def test_environment_keys_without_a_profile_start_on_the_default_chain(aws_env, monkeypatch):
    aws_env.config("[profile saved]\nregion = ap-south-1\n")
    aws_env.credentials("[saved]\naws_access_key_id = SAVEDKEY\naws_secret_access_key = s\n")
    aws_env.keys()
    aws, cfg = _start(saved="saved")
    assert (cfg.profile, cfg.explicit) == ("default", False) and cfg.profiles[0] == "default"
    assert _keys(aws, "default") == ("ENVKEY", "env")
    # without keys in the environment the saved choice is back, explicitly
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    aws, cfg = _start(saved="saved")
    assert (cfg.profile, cfg.explicit) == ("saved", True)
    assert _keys(aws, "saved") == ("SAVEDKEY", "shared-credentials-file")


def test_no_environment_credentials_saved_choice_then_default_then_first(aws_env):
    assert choose_start_profile(["a", "b"], cli_profile=None, saved_profile="b") == ("b", True)
    assert choose_start_profile(["a", "default"], cli_profile=None, saved_profile=None) == ("default", False)
    assert choose_start_profile(["b", "a"], cli_profile=None, saved_profile=None) == ("b", True)
    assert choose_start_profile([], cli_profile=None, saved_profile=None) == (None, False)


def test_environment_keys_alone_with_no_aws_files_start_on_the_default_chain(aws_env, moto_endpoint):
    """aws-vault exec, a CI runner: keys and a region in the environment, no ~/.aws at all."""
    import boto3

    boto3.client("rds", region_name="eu-central-1", endpoint_url=moto_endpoint, aws_access_key_id="k",
                 aws_secret_access_key="s").create_db_cluster(
        DBClusterIdentifier="orders", Engine="aurora-postgresql", MasterUsername="admin_user",
        MasterUserPassword="Passw0rd-long")
    aws_env.keys()
    aws_env.set("AWS_DEFAULT_REGION", "eu-central-1")
    aws, cfg = _start(endpoint=moto_endpoint)
    assert (cfg.profile, cfg.explicit, cfg.profiles, cfg.region) == ("default", False, ["default"], "eu-central-1")
    assert "eu-central-1" in cfg.available_regions
    assert _keys(aws, "default") == ("ENVKEY", "env")
    loaded = list_clusters(aws, AwsTarget("default", cfg.region))  # what `aws rds describe-db-clusters` lists
    assert loaded.error is None and [c.ref.cluster_id for c in loaded.clusters] == ["orders"]
    aws_env.set("AWS_REGION", "ap-south-1")  # read before AWS_DEFAULT_REGION, as the CLI
    assert _start()[1].region == "ap-south-1"


def test_environment_keys_alone_without_a_region_start_on_the_default_chain(aws_env):
    aws_env.keys()
    aws, cfg = _start()
    assert (cfg.profile, cfg.explicit, cfg.profiles, cfg.region) == ("default", False, ["default"], None)
    # no region anywhere: the navigator keeps the regions saved in the settings


def test_only_the_secret_key_is_not_environment_credentials(aws_env):
    aws_env.set("AWS_SECRET_ACCESS_KEY", "orphan")
    assert choose_start_profile([], cli_profile=None, saved_profile=None) == (None, False)
    aws_env.set("AWS_ACCESS_KEY_ID", "ENVKEY")
    assert choose_start_profile([], cli_profile=None, saved_profile=None) == ("default", False)


def test_web_identity_alone_with_no_aws_files_starts_on_the_default_chain(aws_env, moto_endpoint, tmp_path):
    """A Kubernetes pod (IRSA) or a CI job's OIDC role: botocore calls STS (here moto's) for keys."""
    token = tmp_path / "token"
    token.write_text("header.payload.signature")
    aws_env.set("AWS_ROLE_ARN", "arn:aws:iam::123456789012:role/ci")
    aws_env.set("AWS_WEB_IDENTITY_TOKEN_FILE", str(token))
    aws_env.set("AWS_ENDPOINT_URL", moto_endpoint)  # STS, as botocore creates it for the provider
    aws, cfg = _start()
    assert (cfg.profile, cfg.explicit, cfg.profiles) == ("default", False, ["default"])
    assert aws.session("default").get_credentials().method == "assume-role-with-web-identity"


# -- rung 3 and 4: shared credentials file, then config file -----------------------------------------
def test_shared_credentials_file_before_config_file(aws_env):
    aws_env.config("[default]\naws_access_key_id = CONFIGKEY\naws_secret_access_key = c\n"
                   "[profile only-config]\naws_access_key_id = ONLYCONFIG\naws_secret_access_key = c\n")
    aws_env.credentials("[default]\naws_access_key_id = CREDSKEY\naws_secret_access_key = k\n")
    aws, cfg = _start()
    assert (cfg.profile, cfg.explicit) == ("default", False)
    assert _keys(aws, "default") == ("CREDSKEY", "shared-credentials-file")
    assert _keys(aws, "only-config") == ("ONLYCONFIG", "config-file")


# -- assume role: a profile with role_arn and source_profile -------------------------------------------------
def test_assume_role_profile_for_an_explicit_profile_and_after_environment_keys(aws_env, moto_endpoint):
    """The CLI's "assume role" rung: --profile admin calls STS (moto's) with the source profile's keys;
    AWS_PROFILE=admin alone leaves environment keys first, as for every other profile."""
    aws_env.config("[profile base]\nregion = us-east-1\n"
                   "[profile admin]\nrole_arn = arn:aws:iam::123456789012:role/admin\nsource_profile = base\n"
                   "region = eu-west-1\n")
    aws_env.credentials("[base]\naws_access_key_id = BASEKEY\naws_secret_access_key = b\n")
    aws_env.set("AWS_ENDPOINT_URL", moto_endpoint)  # STS, as botocore creates it for the provider
    aws_env.keys()
    aws, cfg = _start(cli_profile="admin")
    assert (cfg.profile, cfg.explicit) == ("admin", True)
    key, method = _keys(aws, "admin")
    assert method == "assume-role" and key not in ("BASEKEY", ENV_KEYS[0])  # moto's temporary keys
    aws_env.profile("admin")
    aws, cfg = _start()
    assert cfg.explicit is False and _keys(aws, "admin") == ("ENVKEY", "env")


# -- rung 5: credential_process ------------------------------------------------------------------------
def _process_profile(aws_env, tmp_path, name: str = "proc") -> None:
    script = tmp_path / "creds.py"
    script.write_text("import json\nprint(json.dumps({'Version': 1, 'AccessKeyId': 'PROCKEY', "
                      "'SecretAccessKey': 'p', 'SessionToken': 't'}))\n")
    aws_env.config(f"[profile {name}]\nregion = us-west-2\ncredential_process = {sys.executable} {script}\n")


def test_credential_process_for_an_explicit_profile_and_after_environment_keys(aws_env, tmp_path):
    _process_profile(aws_env, tmp_path)
    aws_env.keys()
    aws, _ = _start(cli_profile="proc")
    assert _keys(aws, "proc") == ("PROCKEY", "custom-process")
    aws_env.profile("proc")
    aws, cfg = _start()
    assert cfg.explicit is False and _keys(aws, "proc") == ("ENVKEY", "env")


# -- rung 6: SSO -----------------------------------------------------------------------------------------
def test_sso_profile_without_a_login_says_to_log_in_unless_environment_keys_win(aws_env):
    aws_env.config("[profile corp]\nsso_start_url = https://example.awsapps.com/start\nsso_region = us-east-1\n"
                   "sso_account_id = 111122223333\nsso_role_name = ReadOnly\nregion = us-east-1\n")
    aws, _ = _start(cli_profile="corp")
    with pytest.raises(Exception) as raised:
        aws.session("corp").get_credentials().get_frozen_credentials()
    err = classify(raised.value, profile="corp")
    assert err.kind == "sso-expired" and err.hint.startswith("Run: aws sso login --profile corp")
    aws_env.keys()
    aws_env.profile("corp")
    aws, _ = _start()
    assert _keys(aws, "corp") == ("ENVKEY", "env")


# -- rung 7: container credentials (a local endpoint), and instance metadata never called ------------------
class _ContainerCredentials(BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802
        body = json.dumps({"AccessKeyId": "CONTAINERKEY", "SecretAccessKey": "c", "Token": "t",
                           "Expiration": "2099-01-01T00:00:00Z"}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def container_endpoint():
    server = HTTPServer(("127.0.0.1", 0), _ContainerCredentials)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/creds"
    server.shutdown()
    server.server_close()


def test_container_credentials_after_profile_keys(aws_env, container_endpoint):
    aws_env.set("AWS_CONTAINER_CREDENTIALS_FULL_URI", container_endpoint)
    aws, cfg = _start()  # no AWS files at all (an ECS task): the default chain, as the CLI
    assert (cfg.profile, cfg.explicit, cfg.profiles) == ("default", False, ["default"])
    assert _keys(aws, "default") == ("CONTAINERKEY", "container-role")
    aws_env.config("[default]\nregion = us-east-1\n")
    aws, cfg = _start()
    assert (cfg.profile, cfg.explicit, cfg.profiles) == ("default", False, ["default"])
    assert _keys(aws, "default") == ("CONTAINERKEY", "container-role")
    aws_env.credentials("[default]\naws_access_key_id = CREDSKEY\naws_secret_access_key = k\n")
    aws, _ = _start()
    assert _keys(aws, "default") == ("CREDSKEY", "shared-credentials-file")  # the profile's keys come first


def test_nothing_anywhere_is_no_credentials_and_no_metadata_call(aws_env):
    aws_env.config("[default]\nregion = us-east-1\n")
    aws, cfg = _start()
    assert (cfg.profile, cfg.explicit) == ("default", False)
    assert aws.session("default").get_credentials() is None


# -- the navigator: a profile picked there is explicit, like --profile ------------------------------------
def test_a_profile_picked_in_the_navigator_is_explicit(aws_env):
    aws_env.config("[profile x]\nregion = eu-west-3\n[profile y]\n")
    aws_env.credentials("[x]\naws_access_key_id = XKEY\naws_secret_access_key = x\n"
                        "[y]\naws_access_key_id = YKEY\naws_secret_access_key = y\n")
    aws_env.keys()
    aws_env.profile("x")
    aws, cfg = _start()
    assert _keys(aws, "x") == ("ENVKEY", "env") and not aws.is_explicit("x")
    assert _keys(aws, "y") == ("YKEY", "shared-credentials-file") and aws.is_explicit("y")
    aws.choose_profile("y")
    assert aws.environment_profile == "x"  # picking another profile leaves x as it was
    aws.choose_profile("x")  # picking x itself names it: its own keys from now on
    assert aws.environment_profile is None and aws.is_explicit("x")
    assert _keys(aws, "x") == ("XKEY", "shared-credentials-file")


def test_sandbox_factory_keeps_its_pinned_keys(aws_env):
    from aurora_console.core.aws.session import StaticCredentials

    aws_env.keys()
    aws = AwsSessionFactory(credentials=StaticCredentials("SANDBOX", "s"), default_region="us-east-1")
    resolve_start_config(aws, cli_profile=None, cli_region=None, saved_profile=None)
    assert aws.environment_profile is None
    assert aws.session("sandbox").get_credentials().access_key == "SANDBOX"


# -- an SSO session that expires mid-work: said with the login command, and carried on after the login -------
def _sso_profile(aws_env) -> None:
    aws_env.config(sso_config("corp") + "[profile other]\nregion = us-east-1\n")


def test_expired_sso_session_is_said_with_the_login_and_the_next_call_after_login_works(
        aws_env, sso_login, sso_portal, moto_endpoint):
    from aurora_console.core.errors import error_message, user_text

    _sso_profile(aws_env)
    sso_login("token-that-expired")
    aws = AwsSessionFactory(endpoint_url=moto_endpoint)
    rds = aws.client("rds", AwsTarget("corp", "us-east-1"))
    with pytest.raises(Exception) as raised:
        rds.describe_db_clusters()
    assert type(raised.value).__name__ == "UnauthorizedSSOTokenError"
    assert sso_portal.calls == ["token-that-expired"]
    # what any screen shows for the raw error, with or without the hint
    assert "aws sso login --profile corp" in user_text(raised.value)
    assert "aws sso login --profile corp" in error_message(raised.value)
    assert "no restart" in user_text(raised.value)
    # a fleet load words it too
    result = list_clusters(aws, AwsTarget("corp", "us-east-1"))
    assert result.error is not None and result.error.kind == "sso-expired"
    assert "aws sso login --profile corp" in result.error.hint

    sso_login(VALID_TOKEN)  # the user runs `aws sso login --profile corp`
    result = list_clusters(aws, AwsTarget("corp", "us-east-1"))
    assert result.error is None, result.error
    assert sso_portal.calls[-1] == VALID_TOKEN
    assert aws.session("corp").get_credentials().get_frozen_credentials().access_key == "SSOKEY"
    # a client a screen kept from before the login recovers too (botocore refreshes SSO credentials
    # from the token cache), so a screen holding one carries on as well
    assert rds.describe_db_clusters()["DBClusters"] == []


def test_a_failing_sso_session_is_not_kept_cached(aws_env, sso_login, sso_portal, moto_endpoint):
    _sso_profile(aws_env)
    sso_login("token-that-expired")
    aws = AwsSessionFactory(endpoint_url=moto_endpoint)
    first = aws.client("rds", AwsTarget("corp", "us-east-1"))
    session = aws.session("corp")
    other = aws.client("rds", AwsTarget("other", "us-east-1"))
    from botocore.exceptions import UnauthorizedSSOTokenError

    with pytest.raises(UnauthorizedSSOTokenError):
        first.describe_db_clusters()
    assert aws.session("corp") is not session
    assert aws.client("rds", AwsTarget("corp", "us-east-1")) is not first
    assert aws.client("rds", AwsTarget("other", "us-east-1")) is other  # other profiles untouched


@pytest.mark.parametrize("code", ["ExpiredToken", "ExpiredTokenException"])
def test_expired_temporary_keys_name_the_profile_and_drop_its_session(aws_env, code):
    from botocore.stub import Stubber

    from aurora_console.core.errors import error_message

    aws_env.credentials("[temp]\naws_access_key_id = OLD\naws_secret_access_key = s\naws_session_token = t\n")
    aws_env.config("[profile temp]\nregion = us-east-1\n")
    aws = AwsSessionFactory()
    rds = aws.client("rds", AwsTarget("temp", "us-east-1"))
    with Stubber(rds) as stub:
        stub.add_client_error("describe_db_clusters", service_error_code=code, http_status_code=400,
                              service_message="The security token included in the request is expired")
        with pytest.raises(Exception) as raised:
            rds.describe_db_clusters()
    text = error_message(raised.value)
    assert "profile 'temp'" in text and "aws sso login --profile temp" in text
    # new keys written by the user's login tool are read by the next session: no restart
    aws_env.credentials("[temp]\naws_access_key_id = NEW\naws_secret_access_key = s\naws_session_token = t\n")
    assert aws.client("rds", AwsTarget("temp", "us-east-1")) is not rds
    assert aws.session("temp").get_credentials().get_frozen_credentials().access_key == "NEW"


@pytest.mark.parametrize("error", ["SSOTokenLoadError", "UnauthorizedSSOTokenError", "TokenRetrievalError"])
def test_each_sso_error_is_worded_with_the_login_for_the_default_chain_profile(aws_env, error):
    from botocore import exceptions as bex

    from aurora_console.core.errors import user_text

    aws_env.profile("team")
    aws = AwsSessionFactory()
    exc = {"SSOTokenLoadError": lambda: bex.SSOTokenLoadError(error_msg="Token for x does not exist"),
           "UnauthorizedSSOTokenError": bex.UnauthorizedSSOTokenError,
           "TokenRetrievalError": lambda: bex.TokenRetrievalError(provider="sso", error_msg="expired")}[error]()
    assert aws.credentials_failed(exc, None) is True
    assert "aws sso login --profile team" in user_text(exc)
    assert aws.credentials_failed(ValueError("no"), None) is False
