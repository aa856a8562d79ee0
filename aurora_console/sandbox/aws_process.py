"""The sandbox's local AWS endpoint in a process of its own, and the console's handle on it.

moto's server (with the sandbox's layers: the seed gate, CloudTrail recording, RDS log files,
Performance Insights, Session Manager, EC2 Instance Connect and its endpoints) imports and
answers in a Python process of its own, so its import (moto's RDS and EC2 models, flask,
boto3's data, about 1 s of CPU) and the seed's requests run on another core than the console's
window, its listing and the PostgreSQL start (one interpreter runs one thread at a time).

The console talks to the child in two ways:

* HTTP to the endpoint, as before (the metrics, the console's own boto3 calls); the two seed
  stages run in the child too, beside the server they fill (their SeedInfo comes back);
* a control channel on the child's stdin/stdout: length-prefixed pickled frames. The console
  calls what it used to call on the in-process :class:`~.aws_server.LocalAwsServer` (reset, the
  seed stages (the second one stopped at its next step when the console's check raises), the
  gate, attaching the database and its log folder, serving the bastion's instance and routes,
  asking whether a key was pushed); the child sends back replies, the gate's "a request is held"
  and its log records (re-logged here under their own logger names, so they land in the
  console's log, redacted as every record is).

Secrets: the child's environment is built from nothing (the path, the locale, no AWS keys, no
``PGPASSWORD``; the user's AWS config files replaced by the null device). The blog database's
password, which Performance Insights needs to sample the database, is the first frame on the
child's stdin; a conninfo sent later goes without its password.

Seed at start (``seed_at_start=True``, what the sandbox asks for): the child closes its gate and
runs the first seed stage as soon as its server runs, without waiting for the console's calls;
the console's first ``reset`` then keeps that seed (the endpoint holds nothing else: the gate held
every other request but the listing's reads) and its first ``seed_clusters`` returns that seed's
SeedInfo (or raises its failure), as if it had been run then.

Early start: the child starts its server as soon as it runs, before it reads its first frame
(the password): moto's import, about half a second of CPU, is the head of the sandbox's
first listing, so the app starts this process (:func:`spawn`) right after reading its command
line, before it imports Qt or makes its sandbox (``sandbox/early_start.py``), and the sandbox's
:class:`AwsEndpointProcess` takes that process over (``process=``). The folder of the decoded JSON
files comes on its command line (``--json-cache``), since they are read during that import.

Garbage collection is off in the child until the first stage is seeded (then everything made so
far is frozen out of the collector's passes and it is on again; a minute later the garbage among
it is collected once, :data:`TIDY_AFTER_S`): moto's import and the JSON it
decodes (botocore's models, moto's instance types) made the collector walk the growing heap again
and again, about a quarter of the child's CPU before the clusters existed (measured: 0.9 -> 0.57 s
of CPU to listening, 1.5 -> 1.1 s to seeded).

Lifetime: :meth:`AwsEndpointProcess.stop` asks the child to stop and waits for it (killed if it
does not end); if the console dies, the child reads the end of its stdin and ends by itself.

Run as ``python -m aurora_console.sandbox.aws_process`` (the frozen app: ``aurora-console
sandbox-aws-endpoint``, see ``cli.py``); it is never started by hand.
"""

from __future__ import annotations

import gc
import itertools
import logging
import os
import pickle
import struct
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

from aurora_console.core.own_program import own_program_argv

log = logging.getLogger(__name__)

MODULE = "aurora_console.sandbox.aws_process"
#: the frozen app's first argument that runs :func:`main` (``cli.py``)
COMMAND = "sandbox-aws-endpoint"
#: how long a control call waits for its answer (attaching an EC2 Instance Connect endpoint looks
#: instances up on the endpoint; everything else answers at once)
CALL_TIMEOUT_S = 60.0
START_TIMEOUT_S = 120.0
STOP_TIMEOUT_S = 15.0
#: a seed stage's longest run (a loaded machine), and how often the console's check runs meanwhile
SEED_TIMEOUT_S = 300.0
CHECK_S = 0.1
_HEADER = struct.Struct(">I")
#: the child's option naming its decoded JSON files' folder (``json_cache.py``)
JSON_CACHE_OPTION = "--json-cache"
#: third-party loggers the child keeps at WARNING, as the console does (botocore logs each request at DEBUG)
NOISY_LOGGERS = ("botocore", "boto3", "urllib3", "werkzeug", "moto")


class EndpointProcessError(RuntimeError):
    """The endpoint's process did not start, ended, or refused a call (its failure's text)."""


class SeedCancelled(Exception):
    """In the child: the console asked its seed stage to stop."""


# -- frames --------------------------------------------------------------------------------------
def write_frame(stream: IO[bytes], lock: threading.Lock, message: Any) -> None:
    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    with lock:
        stream.write(_HEADER.pack(len(data)) + data)
        stream.flush()


def read_frame(stream: IO[bytes]) -> Any:
    """The next message, or None at the end of the stream."""
    header = _read_exactly(stream, _HEADER.size)
    if header is None:
        return None
    data = _read_exactly(stream, _HEADER.unpack(header)[0])
    return None if data is None else pickle.loads(data)  # noqa: S301 - our own process, over its private pipe


def _read_exactly(stream: IO[bytes], size: int) -> bytes | None:
    chunks, left = [], size
    while left:
        chunk = stream.read(left)
        if not chunk:
            return None
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


# -- the console's side ----------------------------------------------------------------------------
def child_argv(*args: str, platform: str | None = None, frozen: bool | None = None,
               executable: str | None = None) -> list[str]:
    """How to start the child with ``args`` (``platform``/``frozen``/``executable``: this process's by default)."""
    return own_program_argv(MODULE, COMMAND, *args, platform=platform, frozen=frozen, executable=executable)


def json_cache_args(cache_dir: Path | None) -> list[str]:
    """The child's arguments for the console's cache folder ``cache_dir`` (none without one)."""
    if cache_dir is None:
        return []
    from aurora_console.sandbox.json_cache import FOLDER

    return [JSON_CACHE_OPTION, str(Path(cache_dir) / FOLDER)]


def _popen(argv: list[str]) -> subprocess.Popen:
    return subprocess.Popen(  # noqa: S603 - our own interpreter (or frozen app) and module
        argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        env=child_environment(), creationflags=getattr(subprocess, "CREATE_NO_WINDOW", 0))


def spawn(cache_dir: Path | None = None, *, argv: list[str] | None = None) -> subprocess.Popen:
    """Start the child now, before the console knows its sandbox (its folder, its password): it
    imports moto and starts its server meanwhile, then waits for its first frame. Hand it to
    :class:`AwsEndpointProcess` (``process=``), or end it with :func:`discard`."""
    return _popen(argv or child_argv(*json_cache_args(cache_dir)))


def discard(proc: subprocess.Popen) -> None:
    """End a child :func:`spawn` started that no :class:`AwsEndpointProcess` took over."""
    for stream in (proc.stdin, proc.stdout, proc.stderr):
        try:
            if stream is not None:
                stream.close()  # its end of input: it ends by itself once its server runs
        except OSError:
            pass
    if proc.poll() is None:
        proc.kill()
    try:
        proc.wait(STOP_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        log.warning("the local AWS endpoint's process %d did not end when killed", proc.pid)


def child_environment() -> dict[str, str]:
    """The child's whole environment: what the sandbox's other children get (path, C locale, time
    zone; nothing of the console's own), Python's module path when one is set, and AWS settings
    that keep botocore away from the user's files and the instance metadata service."""
    from aurora_console.sandbox.postgres_env import child_env

    env = child_env()
    env.pop("LC_ALL", None)  # Python picks UTF-8 itself; the C locale matters for PostgreSQL only
    env.pop("LANG", None)
    if os.environ.get("PYTHONPATH"):
        env["PYTHONPATH"] = os.environ["PYTHONPATH"]
    env.update({"AWS_CONFIG_FILE": os.devnull, "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
                "AWS_EC2_METADATA_DISABLED": "true", "PYTHONUNBUFFERED": "1"})
    return env


class _RemoteGate:
    """The child's :class:`~.seed_gate.SeedGate`, as the runtime uses it."""

    def __init__(self, owner: AwsEndpointProcess) -> None:
        self._owner = owner

    def close(self, on_hold: Callable[[], None] | None = None) -> None:
        self._owner._on_hold = on_hold
        self._owner.call("gate_close")  # (a request held meanwhile by the child's seed at start is told again)

    def open(self) -> None:
        self._owner._on_hold = None
        self._owner.call("gate_open")

    @property
    def is_open(self) -> bool:
        return bool(self._owner.call("gate_is_open"))

    @property
    def held(self) -> int:
        """Requests held since the last close."""
        return int(self._owner.call("gate_held"))


class _RemoteInsights:
    def __init__(self, owner: AwsEndpointProcess) -> None:
        self._owner = owner

    @property
    def sampling(self) -> bool:
        return bool(self._owner.call("insights_sampling"))


class _RemoteKeys:
    """The child's :class:`~.bastion_keys.PushedKeys` (the loopback bastion asks it at each login)."""

    def __init__(self, owner: AwsEndpointProcess) -> None:
        self._owner = owner

    def accepts(self, instance_id: str | None, os_user: str, key_blob: bytes) -> bool:
        return bool(self._owner.call("key_accepted", instance_id, os_user, bytes(key_blob)))


class AwsEndpointProcess:
    """The endpoint in a child process, with the calls the sandbox makes on
    :class:`~.aws_server.LocalAwsServer` (``start``, ``stop``, ``reset``, ``gate``, ``attach_database``,
    ``attach_logs``, ``serve_instance``, ``serve_routes``, ``pushed_keys``, ``insights.sampling``).

    ``db_password``: handed to the child on its stdin (Performance Insights connects with it).
    ``seed_at_start``: the child seeds the first stage as soon as its server runs (see the module
    docstring); the first ``reset``/``seed_clusters`` take that seed. ``cache_dir``: the console's
    cache folder, where the child keeps the JSON data files it decodes (``json_cache.py``).
    ``process``: a child :func:`spawn` started already (its cache folder given there), which
    :meth:`start` takes over instead of starting one."""

    def __init__(self, db_password: str, *, argv: list[str] | None = None, seed_at_start: bool = False,
                 cache_dir: Path | None = None, process: subprocess.Popen | None = None) -> None:
        self._password = db_password
        self._cache_dir = None if cache_dir is None else Path(cache_dir)
        self._argv = argv or child_argv(*json_cache_args(self._cache_dir))
        self._seed_at_start = seed_at_start
        self._spawned = process
        self._greeted = False
        self._greet_error: OSError | None = None
        self._proc: subprocess.Popen | None = None
        self._endpoint_url: str | None = None
        self._write_lock = threading.Lock()
        self._pending: dict[int, list] = {}  # id -> [Event, ok, value]
        self._pending_lock = threading.Lock()
        self._ids = itertools.count(1)
        self._ready = threading.Event()
        self._start_error: str | None = None
        self._ended = False
        self._stopping = False
        self._threads: list[threading.Thread] = []
        self._stderr_tail: list[str] = []
        self._on_hold: Callable[[], None] | None = None
        self.gate = _RemoteGate(self)
        self.insights = _RemoteInsights(self)
        self.pushed_keys = _RemoteKeys(self)

    @property
    def pid(self) -> int | None:
        return None if self._proc is None else self._proc.pid

    @property
    def endpoint_url(self) -> str:
        if self._endpoint_url is None:
            raise RuntimeError("the local AWS server is not running")
        return self._endpoint_url

    @property
    def running(self) -> bool:
        return self._endpoint_url is not None and not self._ended

    def greet(self) -> None:
        """Start the child if it is not running yet and send its first frame (the password) now,
        without waiting for it: a child spawned early seeds as soon as it has it (and its server
        runs). :meth:`start` does it if nobody did; a failure to send is raised there."""
        if self._greeted:
            return
        self._greeted = True
        spawned, self._spawned = self._spawned, None
        self._proc = spawned or _popen(self._argv)
        try:
            write_frame(self._proc.stdin, self._write_lock,
                        {"password": self._password, "log_level": logging.getLogger().getEffectiveLevel(),
                         "seed_at_start": self._seed_at_start})
        except OSError as exc:
            self._greet_error = exc

    def start(self) -> str:
        """Start the child (greet it, if nobody did) and wait until its endpoint listens; its URL."""
        if self._endpoint_url is not None:
            return self._endpoint_url
        self.greet()
        exc, self._greet_error = self._greet_error, None
        if exc is not None:  # it ended before reading its first message: say what it said
            self._kill()
            said = self._proc.stderr.read().decode("utf-8", "replace").strip().splitlines()[-5:]
            self._abandon()
            raise EndpointProcessError(f"the local AWS endpoint did not start: {chr(10).join(said) or exc}") from None
        for target, name in ((self._read_frames, "sandbox-aws-frames"), (self._read_stderr, "sandbox-aws-stderr")):
            thread = threading.Thread(target=target, name=name, daemon=True)
            thread.start()
            self._threads.append(thread)
        if not self._ready.wait(START_TIMEOUT_S):
            self._abandon()
            raise EndpointProcessError(f"the local AWS endpoint did not start within {START_TIMEOUT_S:.0f} s")
        if self._start_error is not None or self._endpoint_url is None:
            self._abandon()
            tail = "\n".join(self._stderr_tail[-5:])
            raise EndpointProcessError(f"the local AWS endpoint did not start: {self._start_error or tail or 'it ended'}")
        log.info("local AWS endpoint listening on %s (process %d)", self._endpoint_url, self._proc.pid)
        return self._endpoint_url

    def call(self, op: str, *args: Any, timeout: float = CALL_TIMEOUT_S) -> Any:
        """Run ``op`` in the child and return its result (re-raising its failure)."""
        slot = self._send(op, *args)
        if not slot[0].wait(timeout):
            with self._pending_lock:
                self._pending.pop(slot[3], None)
            raise EndpointProcessError(f"the local AWS endpoint did not answer {op} within {timeout:.0f} s")
        return self._result(slot, op)

    @staticmethod
    def _result(slot: list, op: str) -> Any:
        if not slot[1]:
            raise EndpointProcessError(f"{op}: {slot[2]}")
        return slot[2]

    def _send(self, op: str, *args: Any) -> list:
        """Send a call; its slot ([answered Event, ok, value, id]) is filled when the reply comes."""
        if self._proc is None or self._ended:
            raise EndpointProcessError("the local AWS endpoint's process is not running")
        ident = next(self._ids)
        slot = [threading.Event(), False, None, ident]
        with self._pending_lock:
            self._pending[ident] = slot
        try:
            write_frame(self._proc.stdin, self._write_lock, ("call", ident, op, args))
        except OSError as exc:
            with self._pending_lock:
                self._pending.pop(ident, None)
            raise EndpointProcessError(f"the local AWS endpoint's process has gone ({exc})") from None
        return slot

    # the calls the sandbox makes (LocalAwsServer has the same, in its own process)
    def reset(self) -> None:
        self.call("reset")

    def seed_clusters(self, db_password: str) -> Any:
        """The first seed stage, run in the child beside its server (the password is the one the
        child was given; ``db_password`` is not sent again)."""
        return self.call("seed_clusters", timeout=SEED_TIMEOUT_S)

    def seed_surroundings(self, seed: Any, db_password: str, *, check: Callable[[], None] | None = None) -> Any:
        """The second seed stage, run in the child. ``check`` runs here every ``CHECK_S`` while the
        child seeds; when it raises, the child's stage is stopped at its next step and the
        error is raised here."""
        slot = self._send("seed_surroundings", seed)
        deadline = time.monotonic() + SEED_TIMEOUT_S
        while not slot[0].wait(CHECK_S):
            try:
                if check is not None:
                    check()
                if time.monotonic() > deadline:
                    raise EndpointProcessError(f"the sandbox's seed did not end within {SEED_TIMEOUT_S:.0f} s")
            except BaseException:
                try:
                    self.call("cancel_seed")
                    slot[0].wait(STOP_TIMEOUT_S)  # it ends at its next step (so nothing seeds on after this)
                except EndpointProcessError:
                    pass
                raise
        return self._result(slot, "seed_surroundings")

    def attach_database(self, conninfo: dict) -> None:
        """Performance Insights samples the database ``conninfo`` reaches (sent without its password:
        the child has it)."""
        self.call("attach_database", {k: v for k, v in conninfo.items() if k != "password"})

    def attach_logs(self, cluster_id: str, region: str, instance_ids: list[str], folder: Path) -> None:
        self.call("attach_logs", cluster_id, region, list(instance_ids), Path(folder))

    def serve_instance(self, region: str, instance_id: str, target: tuple[str, int]) -> None:
        self.call("serve_instance", region, instance_id, tuple(target))

    def serve_routes(self, ssh: tuple[str, int] | None, routes: dict) -> None:
        self.call("serve_routes", None if ssh is None else tuple(ssh), dict(routes))

    def stop(self) -> None:
        """Stop the child (idempotent): asked first, killed if it has not ended in time."""
        proc = self._proc or self._spawned
        if proc is None:
            return
        if not self._threads:  # never started (at most greeted): nothing reads its frames
            self._proc = self._spawned = None
            discard(proc)
            return
        self._stopping = True
        self._endpoint_url = None
        try:
            if not self._ended:
                self.call("stop", timeout=STOP_TIMEOUT_S)
        except EndpointProcessError as exc:
            log.warning("the local AWS endpoint's process did not stop when asked (%s)", exc)
        try:
            proc.stdin.close()  # its end of input: it ends by itself too
        except OSError:
            pass
        try:
            proc.wait(STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            self._kill()
        for thread in self._threads:
            thread.join(5)
        for stream in (proc.stdout, proc.stderr):
            if stream is not None:
                stream.close()
        self._proc = None
        log.info("the local AWS endpoint's process ended")

    def _abandon(self) -> None:
        """A start that failed: the child killed, its reader threads ended, its pipes closed."""
        self._kill()
        proc = self._proc
        for thread in self._threads:
            thread.join(5)
        for stream in (proc.stdin, proc.stdout, proc.stderr):
            try:
                stream.close()
            except OSError:
                pass

    def _kill(self) -> None:
        proc = self._proc
        if proc is not None and proc.poll() is None:
            proc.kill()
            proc.wait(10)

    # reader threads
    def _read_frames(self) -> None:
        proc = self._proc
        assert proc is not None
        try:
            while True:
                try:
                    message = read_frame(proc.stdout)
                except (OSError, ValueError, EOFError, pickle.UnpicklingError):
                    message = None
                if message is None:
                    break
                self._dispatch(message)
        finally:
            self._ended = True
            self._ready.set()
            with self._pending_lock:
                pending, self._pending = self._pending, {}
            for slot in pending.values():
                slot[1], slot[2] = False, "the local AWS endpoint's process ended"
                slot[0].set()
            if not self._stopping and self._endpoint_url is not None:
                log.warning("the local AWS endpoint's process ended unexpectedly (exit code %s)", proc.poll())

    def _dispatch(self, message: tuple) -> None:
        kind = message[0]
        if kind == "reply":
            _, ident, ok, value = message
            with self._pending_lock:
                slot = self._pending.pop(ident, None)
            if slot is not None:
                slot[1], slot[2] = ok, value
                slot[0].set()
        elif kind == "log":
            _, name, level, text = message
            logging.getLogger(name).log(level, "%s", text)
        elif kind == "held":
            on_hold = self._on_hold
            if on_hold is not None:  # on a thread of its own: it may take locks whose holder waits for a reply
                threading.Thread(target=on_hold, name="sandbox-aws-held", daemon=True).start()
        elif kind == "ready":
            self._endpoint_url = message[1]
            self._ready.set()
        elif kind == "failed":
            self._start_error = message[1]
            self._ready.set()

    def _read_stderr(self) -> None:
        proc = self._proc
        assert proc is not None
        for raw in proc.stderr:
            text = raw.decode("utf-8", "replace").rstrip()
            if text:
                self._stderr_tail = (self._stderr_tail + [text])[-20:]
                log.info("local AWS endpoint process: %s", text)


# -- the child's side ------------------------------------------------------------------------------
#: the child's own records (run as ``python -m``, this module's ``__name__`` is ``__main__`` there);
#: its CPU at "listening" and "clusters seeded at start" (benchmarks/sandbox_start.py reads the log)
_child_log = logging.getLogger(MODULE)

class _FrameLogHandler(logging.Handler):
    """Sends each record to the console, which logs it under the same logger name."""

    def __init__(self, send: Callable[[Any], None]) -> None:
        super().__init__()
        self._send = send

    def emit(self, record: logging.LogRecord) -> None:
        try:
            text = record.getMessage()
            if record.exc_info:
                text += "\n" + logging.Formatter().formatException(record.exc_info)
            self._send(("log", record.name, record.levelno, text))
        except Exception:  # noqa: BLE001 - the console has gone; nothing to tell
            pass


def _json_cache_counts() -> str:
    """``(JSON files: N read back, M decoded)`` when the child keeps its decoded files (json_cache.py)."""
    from aurora_console.sandbox import json_cache

    cache = json_cache.installed()
    return "" if cache is None else f" (JSON files: {cache.hits} read back, {cache.misses} decoded)"


class _SeedAtStart:
    """The first seed stage the child runs as soon as its server does, until the console claims it."""

    def __init__(self) -> None:
        self.done = threading.Event()
        self.claimed = False
        self.result: Any = None
        self.error: BaseException | None = None

    def run(self, server: Any, password: str) -> None:
        try:
            # the console learns the address only after this began ("ready"): nothing is on it yet
            self.result = server.seed_clusters(password, just_started=True)
            _child_log.info("endpoint process: clusters seeded at start, %.2f s of CPU since it started%s",
                            time.process_time(), _json_cache_counts())
        except BaseException as exc:  # noqa: BLE001 - raised to the console by its seed_clusters call
            self.error = exc
        finally:
            self.done.set()

    def claim(self) -> Any:
        """The seed's SeedInfo, once it ended (its failure raised)."""
        self.done.wait()
        if self.error is not None:
            raise self.error
        return self.result


class _Child:
    """The endpoint and the calls the console may make on it (nothing else is answered)."""

    OPS = frozenset({"reset", "seed_clusters", "seed_surroundings", "cancel_seed", "gate_close", "gate_open", "gate_is_open", "gate_held", "attach_database", "insights_sampling",
                     "attach_logs", "serve_instance", "serve_routes", "key_accepted", "stop"})

    def __init__(self, server: Any, password: str, send: Callable[[Any], None]) -> None:
        self.server = server
        self.password = password
        self.send = send
        self.stopped = threading.Event()
        self.seed_cancelled = threading.Event()
        self.early_seed: _SeedAtStart | None = None
        self._claim_lock = threading.Lock()

    def seed_at_start(self, then: Callable[[], None]) -> None:
        """Close the gate and run the first seed stage on a thread of its own (``then`` after it)."""
        self.early_seed = _SeedAtStart()
        self.server.gate.close(on_hold=self._send_held)

        def run() -> None:
            try:
                self.early_seed.run(self.server, self.password)
            finally:
                then()

        threading.Thread(target=run, name="sandbox-seed-at-start", daemon=True).start()

    def _send_held(self) -> None:
        self.send(("held",))

    def _unclaimed_seed(self) -> _SeedAtStart | None:
        with self._claim_lock:
            seed = self.early_seed
            return seed if seed is not None and not seed.claimed else None

    def handle(self, ident: int, op: str, args: tuple) -> None:
        try:
            if op not in self.OPS:
                raise ValueError(f"unknown call {op!r}")
            value = getattr(self, f"op_{op}")(*args)
            reply = ("reply", ident, True, value)
        except Exception as exc:  # noqa: BLE001 - the console re-raises it
            reply = ("reply", ident, False, f"{type(exc).__name__}: {exc}")
        try:
            self.send(reply)
        except OSError:
            pass

    def op_reset(self) -> None:
        if self._unclaimed_seed() is not None:
            return  # the endpoint holds the seed at start only, which the console's seed_clusters takes
        self.server.reset()

    def op_seed_clusters(self) -> Any:
        with self._claim_lock:
            early = self.early_seed
            claim = early is not None and not early.claimed
            if claim:
                early.claimed = True
        if claim:
            return early.claim()
        return self.server.seed_clusters(self.password)

    def op_seed_surroundings(self, seed: Any) -> Any:
        # (seed_cancelled was cleared when this call arrived: see main's loop)
        def check() -> None:
            if self.seed_cancelled.is_set():
                raise SeedCancelled("the console stopped the seed")

        return self.server.seed_surroundings(seed, self.password, check=check)

    def op_cancel_seed(self) -> None:
        self.seed_cancelled.set()

    def op_gate_close(self) -> None:
        gate = self.server.gate
        held_before = self._unclaimed_seed() is not None and not gate.is_open and gate.held > 0
        gate.close(on_hold=self._send_held)
        if held_before:  # held while the seed at start ran: the console's on_hold had not been given yet
            self._send_held()

    def op_gate_open(self) -> None:
        self.server.gate.open()

    def op_gate_is_open(self) -> bool:
        return self.server.gate.is_open

    def op_gate_held(self) -> int:
        return self.server.gate.held

    def op_attach_database(self, conninfo: dict) -> None:
        self.server.attach_database(conninfo | {"password": self.password})

    def op_insights_sampling(self) -> bool:
        return self.server.insights.sampling

    def op_attach_logs(self, cluster_id: str, region: str, instance_ids: list[str], folder: Path) -> None:
        self.server.attach_logs(cluster_id, region, instance_ids, folder)

    def op_serve_instance(self, region: str, instance_id: str, target: tuple[str, int]) -> None:
        self.server.serve_instance(region, instance_id, target)

    def op_serve_routes(self, ssh: tuple[str, int] | None, routes: dict) -> None:
        self.server.serve_routes(ssh, routes)

    def op_key_accepted(self, instance_id: str | None, os_user: str, key_blob: bytes) -> bool:
        return self.server.pushed_keys.accepts(instance_id, os_user, key_blob)

    def op_stop(self) -> None:
        self.server.stop()
        self.stopped.set()


#: when the garbage start-up left is collected (the sandbox has started by then; a full pass over
#: the start-up's objects is about 0.1-0.2 s of the child's CPU, kept off the first listing's path)
TIDY_AFTER_S = 60.0


def _collect_again(tidy_after: float | None = TIDY_AFTER_S) -> threading.Timer | None:
    """Garbage collection on again, with what start-up made (modules, models, the seed) frozen
    out of its passes (the first pass would otherwise walk all of it, while the console lists
    the clusters); ``tidy_after`` seconds later, :func:`_tidy_start_up` collects start-up's own
    garbage (the timer that will, returned)."""
    gc.freeze()
    gc.enable()
    if tidy_after is None:
        return None
    timer = threading.Timer(tidy_after, _tidy_start_up)
    timer.daemon = True
    timer.start()
    return timer


def _tidy_start_up() -> None:
    """Collect the garbage start-up left among the frozen objects (about a third of them), then
    freeze what lives on again."""
    gc.unfreeze()
    gc.collect()
    gc.freeze()


def _option(argv: list[str], name: str) -> str | None:
    """The value after ``name`` in ``argv`` (None when it is not there)."""
    if name in argv[:-1]:
        return argv[argv.index(name) + 1]
    return None


def main(argv: list[str] | None = None) -> int:
    """The child: start the endpoint, read the first frame, answer calls until stopped or until
    the console's end of the pipe closes (the console stopped or died). ``argv``: its options
    (``--json-cache DIR``)."""
    import signal

    if hasattr(signal, "SIGINT"):
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C in the console's terminal: the console stops us
    options = list(sys.argv[1:] if argv is None else argv)
    # the channel is the original stdin/stdout; anything else printing goes to stderr
    channel_in = os.fdopen(os.dup(0), "rb")
    channel_out = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    with open(os.devnull, "rb") as null:
        os.dup2(null.fileno(), 0)
    lock = threading.Lock()

    def send(message: Any) -> None:
        write_frame(channel_out, lock, message)

    gc.disable()  # until the first stage is seeded (module docstring)
    root = logging.getLogger()
    root.handlers[:] = [_FrameLogHandler(send)]  # (the console reads them once it has taken this process)
    root.setLevel(logging.INFO)  # until the first frame gives the console's level
    for noisy in NOISY_LOGGERS:  # as the console keeps them (core/logs.py): each record crosses the pipe
        logging.getLogger(noisy).setLevel(logging.WARNING)
    # started before the first frame comes: the console may have started this process before it
    # knew its sandbox (module docstring, "Early start"); nothing here needs the password
    server, failure = None, None
    try:
        cache_folder = _option(options, JSON_CACHE_OPTION)
        if cache_folder:  # before moto's models decode their files
            from aurora_console.sandbox import json_cache

            json_cache.install(Path(cache_folder))
        from aurora_console.sandbox.aws_server import LocalAwsServer

        server = LocalAwsServer()
        url = server.start()
        _child_log.info("endpoint process: listening, %.2f s of CPU since it started", time.process_time())
    except Exception as exc:  # noqa: BLE001 - the console reports it (after its first frame)
        failure = f"{type(exc).__name__}: {exc}"
    try:
        first = read_frame(channel_in)
    except (OSError, ValueError, EOFError, pickle.UnpicklingError):
        first = None
    if not isinstance(first, dict) or "password" not in first:  # not taken over (or not the console)
        return _end(server, 2)
    if failure is not None:
        send(("failed", failure))
        return _end(server, 1)
    password = first["password"]
    root.setLevel(first.get("log_level") or logging.INFO)
    from aurora_console.core.redaction import register_secret

    register_secret(password)
    child = _Child(server, password, send)
    if first.get("seed_at_start"):
        child.seed_at_start(then=_collect_again)
    else:
        _collect_again()
    send(("ready", url))
    while not child.stopped.is_set():
        try:
            message = read_frame(channel_in)
        except (OSError, ValueError, EOFError, pickle.UnpicklingError):
            message = None
        if message is None:  # the console has gone (or closed our input after its stop)
            break
        if message[0] == "call":
            _, ident, op, args = message
            if op == "stop":
                child.handle(ident, op, args)
                break
            if op == "seed_surroundings":  # in arrival order, here: a cancel_seed that comes after this
                child.seed_cancelled.clear()  # call is never wiped by its handler thread starting late
            threading.Thread(target=child.handle, args=(ident, op, args), daemon=True).start()
    return _end(None if child.stopped.is_set() else server, 0)


def _end(server: Any, code: int) -> int:
    """The child's end: the server stopped if it runs, then the process ends with ``code``
    without waiting for moto's and werkzeug's threads (``code`` returned when none ran)."""
    if server is not None:
        try:
            server.stop()
        except Exception:  # noqa: BLE001 - ending anyway
            pass
    elif "moto" not in sys.modules:
        return code
    logging.shutdown()
    os._exit(code)

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
