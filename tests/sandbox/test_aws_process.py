"""The sandbox's AWS endpoint in a child process (sandbox/aws_process.py): it starts and answers,
its gate and parts are reached over the control channel, it ends with the sandbox and when the
console dies, and nothing secret is in its environment."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import boto3
import pytest
from botocore.config import Config

from aurora_console.sandbox.aws_process import (
    COMMAND,
    MODULE,
    AwsEndpointProcess,
    EndpointProcessError,
    child_argv,
    child_environment,
)
from aurora_console.sandbox.aws_server import sandbox_credentials

PASSWORD = "Sbx-child-test-password-0123"
ENDED_S = 30


def _ended(pid: int) -> bool:
    """The process is gone (or a zombie nobody reaped yet: it has ended all the same)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    stat = Path(f"/proc/{pid}/stat")
    try:
        return stat.read_text().rsplit(")", 1)[1].split()[0] == "Z"
    except (FileNotFoundError, IndexError):
        return not stat.parent.exists()


def _wait_ended(pid: int, timeout: float = ENDED_S) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if _ended(pid):
            return True
        time.sleep(0.05)
    return _ended(pid)


@pytest.fixture
def endpoint():
    process = AwsEndpointProcess(PASSWORD)
    process.start()
    yield process
    process.stop()


def test_the_endpoint_answers_from_its_own_process(endpoint):
    assert endpoint.pid is not None and endpoint.pid != os.getpid()
    rds = boto3.client("rds", endpoint_url=endpoint.endpoint_url, **sandbox_credentials().client_kwargs())
    assert rds.describe_db_clusters()["DBClusters"] == []
    with urllib.request.urlopen(f"{endpoint.endpoint_url}/moto-api/", timeout=10) as response:
        assert response.status == 200


def test_the_gate_is_driven_over_the_channel_and_a_held_request_asks_for_the_seed(endpoint):
    asked = threading.Event()
    assert endpoint.gate.is_open
    endpoint.gate.close(on_hold=asked.set)
    assert not endpoint.gate.is_open
    ssm = boto3.client("ssm", endpoint_url=endpoint.endpoint_url, **sandbox_credentials().client_kwargs(),
                       config=Config(retries={"max_attempts": 1}))
    answered: list[object] = []
    screen = threading.Thread(target=lambda: answered.append(ssm.describe_parameters()["Parameters"]), daemon=True)
    screen.start()
    assert asked.wait(30)  # the child told the console that a request waits
    assert endpoint.gate.held == 1 and not answered  # still held
    endpoint.gate.open()
    screen.join(30)
    assert answered == [[]] and endpoint.gate.is_open


def test_a_reset_forgets_what_the_endpoint_holds(endpoint):
    ssm = boto3.client("ssm", endpoint_url=endpoint.endpoint_url, **sandbox_credentials().client_kwargs())
    ssm.put_parameter(Name="/kept/until/reset", Value="v", Type="String")
    endpoint.reset()
    assert ssm.describe_parameters()["Parameters"] == []


def test_a_call_the_child_does_not_know_is_refused(endpoint):
    with pytest.raises(EndpointProcessError, match="unknown call"):
        endpoint.call("exec", "import os")
    assert endpoint.gate.is_open  # and the channel still works


def test_stop_ends_the_process_and_its_endpoint():
    process = AwsEndpointProcess(PASSWORD)
    url = process.start()
    pid = process.pid
    process.stop()
    assert _wait_ended(pid, 1)  # waited for by stop()
    with pytest.raises(urllib.error.URLError):
        urllib.request.urlopen(f"{url}/moto-api/", timeout=2)
    process.stop()  # idempotent
    with pytest.raises(EndpointProcessError):
        process.reset()


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL and /proc")
def test_the_child_ends_when_the_console_dies(tmp_path):
    script = tmp_path / "console.py"
    script.write_text(textwrap.dedent(f"""
        import sys, time
        from aurora_console.sandbox.aws_process import AwsEndpointProcess
        process = AwsEndpointProcess({PASSWORD!r})
        process.start()
        print(process.pid, flush=True)
        time.sleep(300)
    """))
    console = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, text=True)
    try:
        child = int(console.stdout.readline())
        assert not _ended(child)
        console.kill()  # no stop(), no clean-up: as a crash
        console.wait(10)
        assert _wait_ended(child), "the endpoint's process outlived the console"
    finally:
        if console.poll() is None:
            console.kill()
        console.stdout.close()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc/<pid>/environ")
def test_no_secret_reaches_the_childs_environment(monkeypatch):
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "real-looking-secret-key-value")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAREALKEYID0000000")
    monkeypatch.setenv("PGPASSWORD", "pg-password-of-the-user")
    process = AwsEndpointProcess(PASSWORD)
    process.start()
    try:
        environ = Path(f"/proc/{process.pid}/environ").read_bytes().decode("utf-8", "replace")
        argv = Path(f"/proc/{process.pid}/cmdline").read_bytes().decode("utf-8", "replace")
    finally:
        process.stop()
    for secret in (PASSWORD, "real-looking-secret-key-value", "AKIAREALKEYID0000000", "pg-password-of-the-user"):
        assert secret not in environ and secret not in argv
    names = {item.split("=", 1)[0] for item in environ.split("\0") if item}
    assert not names & {"AWS_SECRET_ACCESS_KEY", "AWS_ACCESS_KEY_ID", "PGPASSWORD", "AWS_PROFILE"}
    assert "AWS_SHARED_CREDENTIALS_FILE=" + os.devnull in environ  # the user's AWS files are not read


def test_the_environment_is_built_from_nothing(monkeypatch):
    monkeypatch.setenv("AWS_SESSION_TOKEN", "token")
    monkeypatch.setenv("AURORA_CONSOLE_HOME", "/somewhere")
    env = child_environment()
    assert "AWS_SESSION_TOKEN" not in env and "AURORA_CONSOLE_HOME" not in env
    assert env["AWS_CONFIG_FILE"] == os.devnull and env["AWS_EC2_METADATA_DISABLED"] == "true"
    assert env["PATH"] == os.environ.get("PATH", "/usr/bin:/bin")


def test_the_frozen_app_runs_the_child_through_its_own_command(tmp_path):
    exe = tmp_path / "aurora-console.exe"
    cli = tmp_path / "aurora-console-cli.exe"
    assert child_argv(platform="linux", frozen=False, executable="/py/python") == ["/py/python", "-m", MODULE]
    assert child_argv(platform="linux", frozen=True, executable=str(exe)) == [str(exe), COMMAND]
    cli.write_text("")
    assert child_argv(platform="win32", frozen=True, executable=str(exe)) == [str(cli), COMMAND]


def test_the_sandbox_runs_its_endpoint_in_a_child_and_stops_it(tmp_path, monkeypatch):
    from aurora_console.sandbox.runtime import Sandbox

    monkeypatch.setattr(Sandbox, "_begin_postgres", lambda self: None)  # the endpoint's part only
    monkeypatch.delenv("AURORA_SANDBOX_AWS_IN_PROCESS", raising=False)
    from aurora_console.sandbox import shared_loader

    shared_loader.uninstall()  # (the rig's in-process server may have installed it)
    sandbox = Sandbox(tmp_path / "sbx", live_metrics=False)
    try:
        info = sandbox.start_aws()
        pid = sandbox._aws.pid
        assert pid is not None and pid != os.getpid() and not _ended(pid)
        # the console's own sessions share one loader here too (the listing's models decoded once,
        # while the child seeded)
        assert shared_loader.installed()
        loaders = {id(boto3.session.Session()._session.get_component("data_loader")) for _ in range(2)}
        assert len(loaders) == 1
        rds = boto3.client("rds", endpoint_url=info.endpoint_url, **sandbox_credentials().client_kwargs())
        assert {c["DBClusterIdentifier"] for c in rds.describe_db_clusters()["DBClusters"]}  # seeded through it
    finally:
        sandbox.stop()
    assert _wait_ended(pid, 1)


def test_the_variable_keeps_the_endpoint_in_process(tmp_path, monkeypatch):
    from aurora_console.sandbox.aws_server import LocalAwsServer
    from aurora_console.sandbox.runtime import Sandbox

    monkeypatch.setenv("AURORA_SANDBOX_AWS_IN_PROCESS", "1")
    assert isinstance(Sandbox(tmp_path / "a")._new_endpoint(), LocalAwsServer)
    monkeypatch.delenv("AURORA_SANDBOX_AWS_IN_PROCESS")
    assert isinstance(Sandbox(tmp_path / "b")._new_endpoint(), AwsEndpointProcess)


def test_the_console_command_line_hands_the_child_command_to_the_endpoint(monkeypatch):
    from aurora_console import cli
    from aurora_console.sandbox import aws_process

    seen: list[list[str]] = []
    monkeypatch.setattr(aws_process, "main", lambda argv: seen.append(argv) or 7)
    assert cli.main([COMMAND]) == 7 and seen == [[]]


def test_the_console_stops_the_childs_second_stage_at_its_next_step(endpoint, monkeypatch):
    from aurora_console.core.tasks import Cancelled
    from aurora_console.sandbox import aws_process

    # the console's check runs right after the call is sent (its usual 0.1 s could outlast the
    # whole stage now that it is quick)
    monkeypatch.setattr(aws_process, "CHECK_S", 0.001)
    seed = endpoint.seed_clusters(PASSWORD)  # the first stage's SeedInfo comes back from the child
    assert seed.blog_cluster_id and not seed.surroundings_seeded

    def check() -> None:  # the sandbox stopping as soon as the stage began
        raise Cancelled("The sandbox is stopping.")

    with pytest.raises(Cancelled):
        endpoint.seed_surroundings(seed, PASSWORD, check=check)
    ec2 = boto3.client("ec2", endpoint_url=endpoint.endpoint_url, **sandbox_credentials().client_kwargs())
    named = ec2.describe_instances(Filters=[{"Name": "tag:Name", "Values": ["sandbox-bastion"]}])["Reservations"]
    assert named == []  # its last step (the bastion's instance) never ran
    done = endpoint.seed_surroundings(seed, PASSWORD)  # and the stage runs whole when asked again
    assert done.surroundings_seeded and done.bastion_instance_id


# -- the first seed stage at the child's start (seed_at_start) ------------------------------------
def _listed(endpoint_url: str) -> set[str]:
    rds = boto3.client("rds", endpoint_url=endpoint_url, **sandbox_credentials().client_kwargs())
    return {c["DBClusterIdentifier"] for c in rds.describe_db_clusters()["DBClusters"]}


def test_the_seed_at_start_is_the_seed_the_console_would_have_asked_for():
    from tests.sandbox.seed_answers import listing, seed_view

    early, asked = AwsEndpointProcess(PASSWORD, seed_at_start=True), AwsEndpointProcess(PASSWORD)
    try:
        early.start()
        deadline = time.monotonic() + 60
        while not _listed(early.endpoint_url) and time.monotonic() < deadline:  # nobody asked: it seeds
            time.sleep(0.05)
        assert _listed(early.endpoint_url) and not early.gate.is_open  # the listing answered, the rest held
        early.reset()  # the console's calls, as the sandbox makes them: they take that seed
        early.gate.close(on_hold=lambda: None)
        early_seed = early.seed_clusters(PASSWORD)
        asked.start()
        asked.reset()
        asked.gate.close(on_hold=lambda: None)
        asked_seed = asked.seed_clusters(PASSWORD)
        assert seed_view(early_seed) == seed_view(asked_seed) and not early_seed.surroundings_seeded
        assert listing(early.endpoint_url) == listing(asked.endpoint_url)
        assert early_seed.endpoint_url == early.endpoint_url
        early.reset()  # a later reset (a re-seed) forgets it as before
        assert _listed(early.endpoint_url) == set()
        assert early.seed_clusters(PASSWORD).cluster_ids == early_seed.cluster_ids  # and seeds again
    finally:
        early.stop()
        asked.stop()


def test_a_request_held_during_the_seed_at_start_reaches_the_consoles_on_hold():
    endpoint = AwsEndpointProcess(PASSWORD, seed_at_start=True)
    endpoint.start()
    try:
        ssm = boto3.client("ssm", endpoint_url=endpoint.endpoint_url, **sandbox_credentials().client_kwargs(),
                           config=Config(retries={"max_attempts": 1}))
        answered: list[object] = []
        screen = threading.Thread(target=lambda: answered.append(ssm.describe_parameters()["Parameters"]),
                                  daemon=True)
        screen.start()
        deadline = time.monotonic() + 60
        while endpoint.gate.held == 0 and time.monotonic() < deadline:  # held before any on_hold was given
            time.sleep(0.05)
        assert endpoint.gate.held == 1 and not answered
        asked = threading.Event()
        endpoint.reset()
        endpoint.gate.close(on_hold=asked.set)
        assert asked.wait(30)  # told now, so the rest of the seed is asked for
        endpoint.seed_clusters(PASSWORD)
        endpoint.gate.open()
        screen.join(30)
        assert answered == [[]]
    finally:
        endpoint.stop()


def test_the_seed_at_starts_failure_is_raised_by_seed_clusters():
    endpoint = AwsEndpointProcess("short", seed_at_start=True)  # not a password Aurora takes
    endpoint.start()
    try:
        endpoint.reset()
        endpoint.gate.close(on_hold=lambda: None)
        with pytest.raises(EndpointProcessError, match="8 to 128 characters"):
            endpoint.seed_clusters("short")
    finally:
        endpoint.stop()


def test_the_child_logs_its_cpu_when_listening_and_when_seeded_at_start(caplog):
    import logging

    caplog.set_level(logging.INFO)
    endpoint = AwsEndpointProcess(PASSWORD, seed_at_start=True)
    endpoint.start()
    try:
        endpoint.reset()
        endpoint.gate.close(on_hold=lambda: None)
        endpoint.seed_clusters(PASSWORD)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not any("seeded at start" in r.getMessage() for r in caplog.records):
            time.sleep(0.05)
    finally:
        endpoint.stop()
    mine = [r.getMessage() for r in caplog.records if r.name == "aurora_console.sandbox.aws_process"]
    assert any(m.startswith("endpoint process: listening, ") and "s of CPU" in m for m in mine), mine
    assert any(m.startswith("endpoint process: clusters seeded at start, ") for m in mine), mine


def test_a_child_reading_its_decoded_files_back_seeds_the_same(tmp_path, caplog):
    import logging

    from tests.sandbox.seed_answers import listing, seed_view

    caplog.set_level(logging.INFO)
    answers = []
    for cache_dir in (None, tmp_path, tmp_path):  # no cache, the cache filled, the cache read back
        endpoint = AwsEndpointProcess(PASSWORD, seed_at_start=True, cache_dir=cache_dir)
        endpoint.start()
        try:
            endpoint.reset()
            endpoint.gate.close(on_hold=lambda: None)
            answers.append((seed_view(endpoint.seed_clusters(PASSWORD)), listing(endpoint.endpoint_url)))
        finally:
            endpoint.stop()
    assert answers[0] == answers[1] == answers[2]
    kept = list((tmp_path / "aws-endpoint-json").glob("*.marshal"))
    assert len(kept) >= 3  # botocore's EC2 and RDS models and endpoints, moto's instance types...
    seeded = [r.getMessage() for r in caplog.records if "seeded at start" in r.getMessage()]
    assert "JSON files: 0 read back" in seeded[1] and "0 decoded" in seeded[2], seeded


# -- the child started before the sandbox exists (aws_process.spawn, early_start.spawn_endpoint) --------
def test_a_spawned_child_starts_its_server_before_its_first_frame_and_is_taken_over(tmp_path):
    from aurora_console.sandbox.aws_process import spawn
    from aurora_console.sandbox.json_cache import FOLDER

    proc = spawn(tmp_path / "cache")
    try:
        assert proc.args[-2:] == ["--json-cache", str(tmp_path / "cache" / FOLDER)]
        deadline = time.monotonic() + 60  # nobody has written to it: its server starts all the same,
        while not any((tmp_path / "cache" / FOLDER).glob("*.marshal")) and time.monotonic() < deadline:
            time.sleep(0.05)  # decoding moto's and botocore's files into the folder it was given
        assert any((tmp_path / "cache" / FOLDER).glob("*.marshal")) and proc.poll() is None
        endpoint = AwsEndpointProcess(PASSWORD, seed_at_start=True, process=proc)
        try:
            url = endpoint.start()
            assert endpoint.pid == proc.pid  # taken over, not a second process
            deadline = time.monotonic() + 60
            while not _listed(url) and time.monotonic() < deadline:  # the password came: it seeds
                time.sleep(0.05)
            assert "blog" in _listed(url)
        finally:
            endpoint.stop()
        assert _wait_ended(proc.pid, 1)
    finally:
        if proc.poll() is None:
            proc.kill()


def test_a_spawned_child_nobody_takes_over_is_ended(tmp_path):
    from aurora_console.sandbox.aws_process import discard, spawn

    proc = spawn(tmp_path / "cache")
    discard(proc)
    assert proc.poll() is not None
    untaken = spawn(None)
    endpoint = AwsEndpointProcess(PASSWORD, process=untaken)  # never started: stop() ends the child
    endpoint.stop()
    assert untaken.poll() is not None and "--json-cache" not in untaken.args
    greeted = spawn(None)
    endpoint = AwsEndpointProcess(PASSWORD, seed_at_start=True, process=greeted)
    endpoint.greet()  # its password sent, never started: stop() ends it too
    endpoint.stop()
    assert greeted.poll() is not None


def test_a_spawned_child_that_cannot_start_says_why_once_taken_over():
    from aurora_console.sandbox.aws_process import spawn

    # the child's own main, with moto missing: its start fails before any frame came
    script = "import sys; sys.modules['moto'] = None; from aurora_console.sandbox.aws_process import main; main([])"
    proc = spawn(argv=[sys.executable, "-c", script])
    endpoint = AwsEndpointProcess(PASSWORD, process=proc)
    try:
        with pytest.raises(EndpointProcessError, match="did not start: .*moto"):
            endpoint.start()
        assert _wait_ended(proc.pid)
    finally:
        endpoint.stop()
        if proc.poll() is None:
            proc.kill()
