"""``aurora-console tunnel PROFILE``: open a profile's bastion tunnel, print the local port, Ctrl+C closes.

stdout gets one line with the local port (for scripts: ``PORT=$(aurora-console tunnel blog | head -1)``);
progress, the route (e.g. "endpoint eice-… → i-… (ec2-user, pushed key) → blog.cluster-…:5432") and
state changes go to stderr. Every kind of bastion works: a plain SSH bastion, an EC2 instance with a
key pushed through EC2 Instance Connect, an Instance Connect Endpoint, Session Manager (SSH over it,
or port forwarding); the AWS calls an EC2 bastion needs use the bastion's own AWS profile and region
(``--endpoint-url`` for a local AWS endpoint; the sandbox's with ``--sandbox``).

Exit codes (docs/tunnels.md): 0 closed normally, 1 the tunnel failed, 2 unknown profile / no
bastion, 3 host key not trusted (unknown and not accepted, changed, revoked, or a host certificate
this backend cannot verify).
"""

from __future__ import annotations

import argparse
import getpass
import signal
import sys
import threading

SANDBOX_PROFILE = "sandbox-blog"
#: the sandbox's profiles through its EC2 bastion instance (sandbox/profiles.py route_profiles)
SANDBOX_PREFIX = "sandbox-blog"
EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_HOST_KEY = 0, 1, 2, 3


def add_tunnel_parser(subparsers) -> argparse.ArgumentParser:
    p = subparsers.add_parser("tunnel", help="open a connection profile's bastion tunnel and print the local port",
                              description="Open the bastion tunnel of a connection profile on 127.0.0.1, print the "
                                          "local port, and keep it open (reconnecting if it drops) until Ctrl+C.")
    p.add_argument("profile", metavar="PROFILE", help="connection profile name")
    p.add_argument("--backend", choices=("auto", "native", "paramiko"), help="override the profile's tunnel backend")
    p.add_argument("--local-port", type=int, default=0, help="local port to listen on (default: OS-assigned)")
    p.add_argument("--trust-host-key", metavar="FINGERPRINT",
                   help="accept an unknown bastion key if its fingerprint is exactly this (SHA256:...)")
    p.add_argument("--save-host-key", action="store_true",
                   help="with --trust-host-key or the interactive question: remember the key")
    p.add_argument("--profiles-file", help=argparse.SUPPRESS)
    p.set_defaults(func=run_tunnel)
    return p


def _err(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def _load_profile(args):
    from pathlib import Path

    from aurora_console.core.connections.store import ProfileStore
    from aurora_console.core.paths import app_paths

    store = (ProfileStore(Path(args.profiles_file)) if getattr(args, "profiles_file", None)
             else ProfileStore.for_paths(app_paths()))
    return store.get(args.profile)


def _start_sandbox(args):
    """``--sandbox``: start the sandbox's AWS endpoint, PostgreSQL and bastion in this process."""
    from pathlib import Path

    from aurora_console.core.paths import app_paths
    from aurora_console.sandbox.runtime import Sandbox

    folder = getattr(args, "sandbox_dir", None)
    paths = app_paths()
    sandbox = Sandbox(Path(folder) if folder else paths.sandbox_dir, cache_dir=paths.cache_dir,
                      reset=bool(getattr(args, "sandbox_reset", False)))
    _err("Starting the sandbox (local AWS endpoint, PostgreSQL, bastion)…")
    try:
        sandbox.start_aws()
        info = sandbox.start_database()
        sandbox.wait_for_mysql()  # sandbox-shop is one of the profiles a tunnel may be asked for
    except BaseException:
        sandbox.stop()
        raise
    if not info.database_ready:
        sandbox.stop()
        raise RuntimeError(f"the sandbox database is not available: {info.db_error}")
    return sandbox, info


def _sandbox_dir(args):
    """The running sandbox's state folder: ``--sandbox-dir``, or the console's own."""
    from pathlib import Path

    from aurora_console.core.paths import app_paths

    folder = getattr(args, "sandbox_dir", None)
    return Path(folder) if folder else app_paths().sandbox_dir


def _running_sandbox_profile(args, hosts):
    """``(profile, aws factory)`` of ``args.profile`` in a sandbox already running (the window's), or None."""
    from aurora_console.core.errors import ConsoleError
    from aurora_console.sandbox.profiles import (
        sandbox_aws_factory,
        sandbox_profiles,
        trust_running_sandbox_bastion,
    )

    folder = _sandbox_dir(args)
    try:
        profiles = [p for p in sandbox_profiles(folder) if p.name == args.profile]
        if profiles:
            trust_running_sandbox_bastion(hosts, folder)
            return profiles[0], sandbox_aws_factory(folder)
    except ConsoleError:
        return None
    return None


def _started_sandbox_profile(info, name: str, hosts):
    """``name`` among the profiles of a sandbox started by this command; its bastion's key trusted
    for this run only (also under the bastion's EC2 instance id)."""
    from aurora_console.core.errors import ConsoleError
    from aurora_console.sandbox.checks import trust_sandbox_bastion

    every = info.connection_profiles() if hasattr(info, "connection_profiles") else [info.connection_profile()]
    trust_sandbox_bastion(hosts, info)
    for profile in every:
        if profile.name == name:
            return profile
    names = ", ".join(p.name for p in every)
    raise ConsoleError(f"The sandbox has no connection profile named {name!r} (it has: {names}).")


def _aws_factory(args):
    """AWS clients for a saved profile's EC2 bastion (instance lookup, key push, endpoint, Session
    Manager): the standard resolution, ``--endpoint-url`` when given."""
    from aurora_console.core.aws.session import AwsSessionFactory

    return AwsSessionFactory(endpoint_url=getattr(args, "endpoint_url", None))


def _ask_trust(exc, args) -> str | None:
    """'once', 'always' or None (refused)."""
    if args.trust_host_key:
        if args.trust_host_key.strip() == exc.fingerprint:
            return "always" if args.save_host_key else "once"
        _err(f"The bastion's fingerprint {exc.fingerprint} does not match --trust-host-key {args.trust_host_key}.")
        return None
    if not sys.stdin.isatty():
        _err(exc.user_text())
        _err(f"Re-run with --trust-host-key {exc.fingerprint} after checking it (add --save-host-key to keep it).")
        return None
    _err(exc.user_text())
    answer = input("Trust this key? [o]nce / [a]lways / [N]o: ").strip().lower()
    return {"o": "once", "once": "once", "a": "always", "always": "always"}.get(answer)


def run_tunnel(args) -> int:
    from aurora_console.core.connections.passwords import clients_from_factory
    from aurora_console.core.connections.tunnels import passphrase_for, tunnel_spec
    from aurora_console.core.errors import ConsoleError
    from aurora_console.core.paths import app_paths
    from aurora_console.core.ssh.errors import HostKeyError, HostKeyUnknown
    from aurora_console.core.ssh.hostkeys import HostKeyStore
    from aurora_console.core.ssh.manager import TunnelManager

    sandbox = None
    hosts = HostKeyStore(app_paths().known_hosts_file)
    try:
        if getattr(args, "sandbox", False) and args.profile.startswith(SANDBOX_PREFIX):
            running = _running_sandbox_profile(args, hosts)
            if running is not None:  # the window's sandbox: tunnel into it, start nothing
                profile, aws = running
            else:
                sandbox, info = _start_sandbox(args)
                aws = info.aws_factory()
                profile = _started_sandbox_profile(info, args.profile, hosts)
        else:
            profile, aws = _load_profile(args), None
    except ConsoleError as exc:
        _err(exc.user_text())
        if sandbox is not None:
            sandbox.stop()
        return 2
    except Exception as exc:  # noqa: BLE001 - the sandbox could not start
        _err(f"The sandbox could not start: {exc}")
        return 1
    if profile.bastion is None:
        _err(f"Profile {profile.name!r} has no bastion; connect directly to {profile.host}:{profile.port}.")
        if sandbox is not None:
            sandbox.stop()
        return 2
    if args.backend:
        profile.backend = args.backend
    prompt = (lambda text: getpass.getpass(text + ": ")) if sys.stdin.isatty() else None
    manager = TunnelManager(hosts)
    manager.add_listener(lambda s: _err(f"[{s.name}] {s.state.value}" + (f": {s.reason}" if s.reason else "")))
    stop = threading.Event()
    try:
        aws_clients = None
        if profile.bastion.aws is not None:
            aws_clients = clients_from_factory(aws if aws is not None else _aws_factory(args))
        spec = tunnel_spec(profile, passphrase_for(profile.bastion, prompt=prompt), aws_clients=aws_clients)
        for _ in range(3):  # bastion and jump host may both be new
            try:
                status = manager.open_at(spec, args.local_port) if args.local_port else manager.open(spec)
                break
            except HostKeyUnknown as exc:
                choice = _ask_trust(exc, args)
                if choice is None:
                    return EXIT_HOST_KEY
                manager.store.trust_error(exc, always=(choice == "always"))
        else:
            return EXIT_HOST_KEY
        print(status.local_port, flush=True)
        route = getattr(status, "route", "") or f"{profile.bastion.label} → {profile.host}:{profile.port}"
        _err(f"Tunnel {profile.name}: 127.0.0.1:{status.local_port} → {route} ({status.backend}). "
             "Ctrl+C closes it.")
        _err(f"  psql \"host=127.0.0.1 port={status.local_port} dbname={profile.database} user={profile.user}\"")
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
        try:
            while not stop.wait(0.5):
                pass
        except KeyboardInterrupt:
            pass
        return EXIT_OK
    except HostKeyError as exc:  # changed, revoked, or a certificate this backend cannot check
        _err(exc.user_text())
        return EXIT_HOST_KEY
    except ConsoleError as exc:
        _err(exc.user_text())
        return EXIT_FAILED
    finally:
        manager.shutdown()
        _err(f"Tunnel {profile.name} closed.")
        if sandbox is not None:
            sandbox.stop()
