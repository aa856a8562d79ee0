"""Command line: the GUI (default) and headless sub-commands (migrate, tunnel)."""

from __future__ import annotations

import time

_T0 = time.perf_counter()  # start of our own code, for the smoke test's timings

import gc  # noqa: E402
import os  # noqa: E402
import sys  # noqa: E402
from typing import TYPE_CHECKING  # noqa: E402

from aurora_console import APP_NAME, __version__  # noqa: E402

if TYPE_CHECKING:
    import argparse

SUBCOMMANDS = (
    ("migrate", "aurora_console.cli_migrate", "add_migrate_parser",
     "versioned SQL migrations: info, migrate, validate, baseline, repair"),
    ("tunnel", "aurora_console.cli_tunnel", "add_tunnel_parser",
     "open a connection profile's bastion tunnel and print the local port"),
)


def build_parser(argv: list[str] | None = None) -> argparse.ArgumentParser:
    import argparse  # here, once main() has paused the garbage collector (see main)

    p = argparse.ArgumentParser(prog="aurora-console", description=f"{APP_NAME}: a desktop admin console for AWS Aurora.")
    p.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    p.add_argument("--sandbox", action="store_true",
                   help="run on the embedded sandbox (local AWS endpoint, PostgreSQL and bastion); no AWS account needed")
    p.add_argument("--sandbox-dir", metavar="DIR", help="sandbox state folder (default: in the user data folder)")
    p.add_argument("--sandbox-reset", action="store_true", help="start the sandbox from a fresh seed")
    p.add_argument("--profile", help="AWS profile to use, named explicitly: its own credentials, never the "
                   "environment's keys (default: AWS_PROFILE with environment keys first, as the AWS CLI)")
    p.add_argument("--region", help="AWS region (default: AWS_REGION, then the profile's region)")
    p.add_argument("--endpoint-url", help="override the AWS endpoint (e.g. a local API endpoint)")
    p.add_argument("--smoke-test", action="store_true",
                   help="show the window, wait for the initial load, print one JSON line and exit (0 ok, 1 failed); "
                   "the saved layout and tabs are left as they were")
    p.add_argument("--smoke-timeout", type=float, default=180.0, help=argparse.SUPPRESS)
    p.add_argument("--theme", choices=("system", "light", "dark"), help="colour theme (default: follow the OS)")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")
    wanted = set(argv or ())
    for name, module, adder, summary in SUBCOMMANDS:
        if name in wanted:  # import a sub-command's module only when it runs (start-up stays fast)
            getattr(__import__(module, fromlist=[adder]), adder)(sub)
        else:
            sub.add_parser(name, help=summary, add_help=False)
    return p


def main(argv: list[str] | None = None) -> int:
    """Runs the GUI, a helper program (askpass, proxies, the sandbox's endpoint) or a sub-command.

    The garbage collector is paused from here: what a GUI start makes before its first paint
    (modules, the parser, Qt's types, the window) lives as long as the app, and collections of it
    (argparse's and the askpass check's imports alone set off two) find nothing. ``run_gui``
    freezes it all after the first paint and turns the collector back on; the helper programs and
    sub-commands get it back before they run, and every way out of here turns it back on.
    """
    gc.disable()
    try:
        return _run(list(sys.argv[1:] if argv is None else argv))
    finally:
        gc.enable()


def _run(argv: list[str]) -> int:
    from aurora_console.core.ssh import askpass  # small: os/sys only; before anything heavy

    prompt = askpass.helper_invocation(argv, os.environ)
    if prompt is not None or argv[:1] in (["eice-proxy"], ["ssm-proxy"], ["sandbox-aws-endpoint"]):
        gc.enable()  # a helper program, some long-running: the collector as usual
    if prompt is not None:  # started by ssh as its SSH_ASKPASS helper (see core/ssh/askpass.py)
        return askpass.run_helper(prompt)
    if argv[:1] == ["eice-proxy"]:  # ssh's ProxyCommand through an Instance Connect Endpoint (frozen app)
        from aurora_console.core.aws.bastion_route import eice_proxy

        return eice_proxy.main(argv[1:])
    if argv[:1] == ["ssm-proxy"]:  # ssh's ProxyCommand for SSH over Session Manager (frozen app)
        from aurora_console.core.aws.bastion_route import ssm_proxy

        return ssm_proxy.main(argv[1:])
    if argv[:1] == ["sandbox-aws-endpoint"]:  # the sandbox's AWS endpoint in its own process (frozen app)
        from aurora_console.sandbox import aws_process

        return aws_process.main(argv[1:])
    parser = build_parser(argv)
    opts, qt_args = parser.parse_known_args(argv)
    if opts.command:
        gc.enable()
        if qt_args:
            parser.error(f"unrecognized arguments: {' '.join(qt_args)}")
        func = getattr(opts, "func", None)
        if func is None:
            mod = __import__(f"aurora_console.cli_{opts.command}", fromlist=["_"])
            func = getattr(mod, f"run_{opts.command}")
        return int(func(opts) or 0)
    from aurora_console.app import run_gui

    return run_gui(opts, qt_args, t0=_T0)


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
