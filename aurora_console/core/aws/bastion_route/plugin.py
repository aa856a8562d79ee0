"""AWS's ``session-manager-plugin``: finding it, starting a Session Manager session for it, and
running it as a child process.

The contract is the AWS CLI's (``aws ssm start-session``, read in aws/aws-cli
``awscli/customizations/sessionmanager.py``, and the plugin's own argument parsing in
aws/session-manager-plugin ``src/sessionmanagerplugin/session/session.go``): the *caller* makes
the ``ssm:StartSession`` call, then runs::

    session-manager-plugin RESPONSE REGION StartSession PROFILE PARAMETERS ENDPOINT_URL

``RESPONSE`` is the JSON of ``{SessionId, TokenValue, StreamUrl}``, or (plugins newer than
1.2.497.0) the name of an environment variable starting ``AWS_SSM_START_SESSION_RESPONSE`` that
holds it, which the plugin reads and removes; ``PARAMETERS`` is the StartSession request as JSON
(the plugin reads ``Target`` from it), ``PROFILE`` the AWS profile name or "".

What reaches the child: the plugin needs the session's ``TokenValue`` (a token for this one
session's data channel, valid only long enough to open it, not an AWS credential). It goes
through the environment variable when the plugin supports it (the environment is readable only
by the user; a command line is readable by every local user), never on the command line unless
the plugin is too old to read it otherwise. The console's AWS credentials never reach the
plugin: the credential variables are removed from its environment (it gets only the profile
*name*, which it uses for ResumeSession after a network drop and for KMS-encrypted sessions,
reading that profile from the user's own AWS config files).
"""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from aurora_console.core.aws.bastion_route.errors import BastionRouteError, aws_call_failed
from aurora_console.core.aws.bastion_route.instances import ClientFactory
from aurora_console.core.secrets import Secret
from aurora_console.core.ssh.config import AwsBastion

log = logging.getLogger(__name__)

PLUGIN_NAME = "session-manager-plugin"
INSTALL_URL = ("https://docs.aws.amazon.com/systems-manager/latest/userguide/"
               "session-manager-working-with-install-plugin.html")
#: the environment variable (prefix) the plugin reads the StartSession response from
RESPONSE_ENV = "AWS_SSM_START_SESSION_RESPONSE"
#: the last plugin version that only takes the response on its command line (as the AWS CLI decides)
LAST_VERSION_WITHOUT_ENV = (1, 2, 497, 0)
START_SESSION = "ssm:StartSession"
#: credentials the console may hold in its own environment; the plugin never gets them
CREDENTIAL_VARIABLES = frozenset({
    "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN",
    "AWS_CONTAINER_AUTHORIZATION_TOKEN", "PGPASSWORD",
})
_SECRET_PREFIXES = ("SSH_ASKPASS", "AURORA_CONSOLE_ASKPASS", RESPONSE_ENV)
_VERSION_RE = re.compile(r"[0-9]+(?:\.[0-9]+){0,3}")
_DENIED_ARN_RE = re.compile(r"on resource: (arn:aws[a-z-]*:(?:ec2|ssm):[a-z0-9-]*:[0-9]*:[A-Za-z0-9/_.:-]+)")


class PluginMissing(BastionRouteError):
    kind = "ssm-plugin-missing"


class PluginExited(BastionRouteError):
    """The plugin stopped before (or while) carrying the session; the message has its output."""

    kind = "ssm-plugin-exited"


def usual_folders(platform: str | None = None) -> list[str]:
    """Where AWS's installers put the plugin, beyond PATH (the user guide's install page)."""
    platform = platform or sys.platform
    if platform.startswith("win"):
        roots = [os.environ.get("ProgramFiles") or r"C:\Program Files", r"C:\Program Files"]
        return list(dict.fromkeys(rf"{root}\Amazon\SessionManagerPlugin\bin" for root in roots))
    if platform == "darwin":
        return ["/usr/local/sessionmanagerplugin/bin", "/usr/local/bin", "/opt/homebrew/bin"]
    return ["/usr/local/sessionmanagerplugin/bin", "/usr/bin", "/usr/local/bin"]


def find_plugin(*, path: str | None = None, platform: str | None = None) -> str:
    """The plugin's executable: on ``path`` (default: PATH) first, then in the usual install
    folders. Raises :class:`PluginMissing` saying where to get it."""
    platform = platform or sys.platform
    found = shutil.which(PLUGIN_NAME, path=path)
    if found:
        return found
    exe = PLUGIN_NAME + (".exe" if platform.startswith("win") else "")
    for folder in usual_folders(platform):
        candidate = os.path.join(folder, exe)
        if os.path.isfile(candidate) and os.access(candidate, os.X_OK):
            return candidate
    raise PluginMissing(
        "Session Manager needs AWS's session-manager-plugin, which is not installed (it is not on "
        f"PATH nor in {', '.join(usual_folders(platform))}).",
        hint=f"Install it from {INSTALL_URL} and connect again.")


def parse_version(text: str) -> tuple[int, ...] | None:
    """``1.2.650.0`` (what ``session-manager-plugin --version`` prints) as numbers; None otherwise."""
    text = re.sub(r"\s+", "", text or "")
    if not _VERSION_RE.fullmatch(text):
        return None
    return tuple(int(part) for part in text.split("."))


def reads_response_from_environment(version: tuple[int, ...] | None) -> bool:
    """Newer than 1.2.497.0 (compared part by part, missing parts as 0), as the AWS CLI checks."""
    if version is None:
        return False
    width = max(len(version), len(LAST_VERSION_WITHOUT_ENV))
    pad = lambda v: tuple(v) + (0,) * (width - len(v))  # noqa: E731
    return pad(version) > pad(LAST_VERSION_WITHOUT_ENV)


#: (path, size, mtime) -> version: asked once per installed plugin, not on every (re)connect
_VERSIONS: dict[tuple[str, int, int], tuple[int, ...] | None] = {}


def plugin_version(plugin: str, *, timeout: float = 15.0) -> tuple[int, ...] | None:
    """What ``plugin --version`` prints, parsed (None when it prints no version)."""
    try:
        st = os.stat(plugin)
        key = (plugin, st.st_size, st.st_mtime_ns)
    except OSError:
        key = None
    if key in _VERSIONS:
        return _VERSIONS[key]
    try:
        done = subprocess.run([plugin, "--version"], capture_output=True, text=True, timeout=timeout,
                              env=child_environment(), stdin=subprocess.DEVNULL,
                              creationflags=getattr(subprocess, "CREATE_NO_WINDOW", 0))
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise PluginExited(f"{plugin} --version failed: {exc}.",
                           hint=f"Reinstall the plugin from {INSTALL_URL}.") from None
    version = parse_version(done.stdout)
    if key is not None:
        _VERSIONS[key] = version
    return version


def child_environment(base: Mapping[str, str] | None = None) -> dict[str, str]:
    """``base`` (default: this process's environment) without credentials and handover handles."""
    base = os.environ if base is None else base
    return {k: v for k, v in base.items()
            if k.upper() not in CREDENTIAL_VARIABLES and not k.upper().startswith(_SECRET_PREFIXES)}


@dataclass(frozen=True)
class SessionGrant:
    """A started Session Manager session: what the plugin needs to carry it."""

    session_id: str
    stream_url: str
    token: Secret = field(repr=False)
    region: str
    endpoint_url: str
    aws_profile: str
    request: dict[str, Any] = field(default_factory=dict)  # the StartSession parameters

    def response_json(self) -> str:
        return json.dumps({"SessionId": self.session_id, "TokenValue": self.token.reveal(),
                           "StreamUrl": self.stream_url})


def document_arn(region: str, document: str) -> str:
    """AWS-owned documents have no account in their ARN."""
    return f"arn:aws:ssm:{region}::document/{document}"


def start_session(clients: ClientFactory, aws: AwsBastion, *, target: str, document: str,
                  parameters: dict[str, list[str]], target_arn: str = "") -> SessionGrant:
    """``ssm:StartSession`` on ``target`` (an instance id; ``target_arn``: its ARN when known) with
    ``document``; an access denial names the action, the resource IAM refused, or else the
    instance's and the document's ARNs."""
    request = {"Target": target, "DocumentName": document, "Parameters": parameters}
    try:
        ssm = clients("ssm", aws.aws_profile, aws.region)
        answer = ssm.start_session(**request)
        grant = SessionGrant(session_id=answer["SessionId"], stream_url=answer["StreamUrl"],
                             token=Secret(answer["TokenValue"]), region=aws.region,
                             endpoint_url=ssm.meta.endpoint_url, aws_profile=aws.aws_profile or "",
                             request=request)
    except Exception as exc:  # noqa: BLE001 - every AWS failure becomes a plain message
        code = getattr(exc, "response", {}).get("Error", {}).get("Code", "")
        if code == "TargetNotConnected":
            raise BastionRouteError(
                f"The instance {target} is not connected to Session Manager in {aws.region}.",
                hint="Check that its SSM Agent runs, that it has an instance profile allowing Session "
                     "Manager (AmazonSSMManagedInstanceCore) and a route to the ssm and ssmmessages "
                     "endpoints.", detail=str(exc)) from None
        named = _DENIED_ARN_RE.search(str(exc))  # IAM's message names the resource it refused
        resource = (f"{named.group(1)} (instance {target}, document {document})" if named
                    else f"the instance {target_arn or target} and the document {document_arn(aws.region, document)}")
        raise aws_call_failed(exc, action=START_SESSION, resource=resource, aws_profile=aws.aws_profile,
                              region=aws.region) from None
    log.info("Session Manager session %s started on %s (%s)", grant.session_id, target, document)
    return grant


def terminate_session(clients: ClientFactory, aws: AwsBastion, session_id: str) -> None:
    """``ssm:TerminateSession``, best effort (the session ends by itself when the agent sees the
    data channel gone; this ends it now so it does not count against the instance's limit)."""
    try:
        clients("ssm", aws.aws_profile, aws.region).terminate_session(SessionId=session_id)
        log.info("Session Manager session %s terminated", session_id)
    except Exception as exc:  # noqa: BLE001 - closing must not fail; the session times out anyway
        log.warning("TerminateSession %s failed: %s", session_id, exc)


def plugin_command(plugin: str, grant: SessionGrant, *, version: tuple[int, ...] | None,
                   base_env: Mapping[str, str] | None = None) -> tuple[list[str], dict[str, str]]:
    """The plugin's argv and environment for ``grant`` (see the module's docstring)."""
    env = child_environment(base_env)
    response = grant.response_json()
    if reads_response_from_environment(version):
        env[RESPONSE_ENV] = response
        response = RESPONSE_ENV
    else:
        log.warning("%s %s is too old to read the session from its environment; the session token "
                    "is on its command line (update the plugin: %s)", PLUGIN_NAME,
                    ".".join(map(str, version)) if version else "(unknown version)", INSTALL_URL)
    argv = [plugin, response, grant.region, "StartSession", grant.aws_profile,
            json.dumps(grant.request), grant.endpoint_url]
    return argv, env


def spawn_plugin(plugin: str, grant: SessionGrant, *, stdin: Any, stdout: Any,
                 version: tuple[int, ...] | None) -> subprocess.Popen:
    """Start the plugin for ``grant`` (its stderr is a pipe the caller reads)."""
    argv, env = plugin_command(plugin, grant, version=version)
    try:
        return subprocess.Popen(argv, stdin=stdin, stdout=stdout, stderr=subprocess.PIPE, env=env,
                                start_new_session=True, creationflags=getattr(subprocess, "CREATE_NO_WINDOW", 0))
    except OSError as exc:
        raise PluginExited(f"{PLUGIN_NAME} could not be started ({plugin}): {exc}.",
                           hint=f"Reinstall it from {INSTALL_URL}.") from None


def stop_plugin(proc: subprocess.Popen, *, timeout: float = 5.0) -> None:
    """SIGTERM (the plugin ends its session on it), then kill."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=timeout)


def exit_text(proc: subprocess.Popen, output: str) -> str:
    """How the plugin ended, for messages: its exit code and the last lines it wrote."""
    lines = [line.strip() for line in output.splitlines() if line.strip()]
    said = "; ".join(lines[-6:])
    return f"exit code {proc.returncode}" + (f": {said}" if said else ", no output")
