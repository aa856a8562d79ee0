"""Checks the Windows installer on Linux, under Wine: compile, install, upgrade, uninstall.

    .venv/bin/python packaging/check_windows_installer.py [--work DIR] [--json FILE] [--keep]

1. Stages two payloads shaped like PyInstaller's Windows dist folder (``aurora-console.exe``,
   ``aurora-console-cli.exe``, ``_internal/``) with MinGW-built stand-in programs
   (``windows/stub_app.c``), and compiles ``windows/aurora-console.iss`` for both versions with
   the real Inno Setup compiler (ISCC.exe under Wine), the /D options of
   ``installers.windows_installer`` and the icon of ``icons.make_icons``.
2. Runs Setup silently as a per-user install (/VERYSILENT /SUPPRESSMSGBOXES /CURRENTUSER) in a
   throw-away Wine prefix and checks the folder (%LOCALAPPDATA%\\Programs\\Aurora Console), the
   Start menu shortcuts (target and arguments, and launches them), the HKCU uninstall entry and the
   uninstaller; installs the next version over it (one entry, new version, old files gone); runs
   the uninstaller silently (folder, shortcuts and entry gone, %LOCALAPPDATA%\\aurora-console kept).
   The shipping Setup also installs and uninstalls in all-users mode (/ALLUSERS: HKLM, Program Files).
3. Writes the version resource of ``versioninfo.py`` into a MinGW program: PyInstaller's own
   loader parses the file, Wine's UpdateResource writes it (``windows/set_version_resource.c``,
   the calls PyInstaller makes on Windows), pefile reads it back.
4. Signing (``windows/sign_check.py``): signing.py with a throw-away certificate signs the
   programs, and Inno Setup's SignTool signs Setup and the uninstaller; osslsigncode stands in
   for signtool.exe. The signed Setup installs and its uninstaller runs.

Wine 8 does not implement FOLDERID_UserProgramFiles, so {autopf} cannot be expanded in
non-administrative mode: the check shows the shipping Setup stops exactly there, then installs
Setups compiled with /DWineUserProgramFiles (DefaultDirName={localappdata}\\Programs\\...,
Windows' default for that folder); a Wine that has it installs the shipping Setup itself.

Needs wine with 32-bit support (ISCC and Setup are 32-bit), Xvfb, x86_64-w64-mingw32-gcc,
openssl, osslsigncode, pefile and LnkParse3, and ISCC.exe (INNO_SETUP_DIR, or npm installs the
pinned ``innosetup`` package into build/innosetup). Exit status 0 when every check passed, 1 when
one failed, 2 when a tool is missing.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path[:0] = [str(HERE), str(HERE / "windows")]

import icons  # noqa: E402
import installers  # noqa: E402
import sign_check  # noqa: E402
import win_checks  # noqa: E402
from wine_rig import ToolMissing, Wine, find_iscc_for_wine, find_mingw, find_wine  # noqa: E402

OLD, NEW = "0.9.0", "0.9.1rc1"  # an upgrade to a pre-release: exercises AppVersionInfo's numeric form


class Report:
    def __init__(self) -> None:
        self.checks: list[dict] = []
        self.timings: dict[str, float] = {}

    def check(self, ok: bool, what: str, detail: object = "") -> bool:
        self.checks.append({"ok": bool(ok), "check": what, "detail": str(detail)})
        print(f"  [{'ok' if ok else 'FAIL'}] {what}" + (f": {detail}" if detail != "" else ""), flush=True)
        return bool(ok)

    def timed(self, label: str, fn, *args, **kwargs):
        start = time.monotonic()
        try:
            return fn(*args, **kwargs)
        finally:
            self.timings[label] = round(time.monotonic() - start, 1)

    @property
    def failures(self) -> list[dict]:
        return [c for c in self.checks if not c["ok"]]


def stage_payload(gcc: str, dest: Path, version: str, extra_file: str | None = None) -> Path:
    """A folder shaped like dist/aurora-console on Windows, with runnable stand-in programs."""
    internal = dest / "_internal"
    internal.mkdir(parents=True, exist_ok=True)
    for exe in ("aurora-console.exe", "aurora-console-cli.exe"):
        subprocess.run([gcc, "-O2", "-s", f'-DSTUB_VERSION="{version}"', "-o", str(dest / exe),
                        str(HERE / "windows" / "stub_app.c")], check=True)
    (internal / "version.txt").write_text(version + "\n")
    (internal / "base_library.zip").write_bytes(b"PK\x05\x06" + bytes(18))  # an empty zip
    (internal / "PySide6").mkdir(exist_ok=True)
    (internal / "PySide6" / "qt.conf").write_text("[Paths]\nPrefix = .\n")
    if extra_file:
        (internal / extra_file).write_text("only in this version\n")
    return dest


WINE_USERPF_GAP = 'Failed to expand shell folder constant "autopf"'


def compile_setup(wine: Wine, iscc: Path, payload: Path, out: Path, version: str, icon: Path,
                  wine_userpf: bool = False, extra: list[str] | None = None) -> tuple[Path, str]:
    """ISCC with installers.windows_installer's /D options (plus the Wine-only define when asked)."""
    out.mkdir(parents=True, exist_ok=True)
    defines = installers.inno_defines(payload, out, version, icon, path=Wine.win_path) + list(extra or [])
    if wine_userpf:
        defines.append("/DWineUserProgramFiles")
    log = installers.run_iscc([wine.wine, str(iscc), *defines, Wine.win_path(installers.ISS_SCRIPT)], env=wine.env,
                              echo=False)
    return out / installers.windows_setup_name(version), log


def run_setup(wine: Wine, setup: Path, log: Path) -> int:
    proc = wine.run(str(setup), "/VERYSILENT", "/SUPPRESSMSGBOXES", "/CURRENTUSER", "/NORESTART",
                    f"/LOG={Wine.win_path(log)}", timeout=300, check=False)
    wine.wait()
    return proc.returncode


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--work", type=Path, help="work folder (default: a temporary folder, removed unless --keep)")
    parser.add_argument("--keep", action="store_true", help="keep the work folder and Wine prefix")
    parser.add_argument("--json", type=Path, help="write the checks and timings here")
    parser.add_argument("--no-npm", action="store_true", help="do not npm-install Inno Setup when ISCC.exe is missing")
    args = parser.parse_args(argv)

    report = Report()
    try:
        wine_bin, gcc = find_wine(), find_mingw()
        iscc = report.timed("find or npm-install ISCC", find_iscc_for_wine, ROOT, allow_npm=not args.no_npm)
        win_checks.require_python_modules()
        sign_check.require_tools()
    except ToolMissing as exc:
        print(f"missing tool: {exc}", file=sys.stderr)
        _write_json(args.json, report, missing=str(exc))
        return 2

    work = args.work or Path(tempfile.mkdtemp(prefix="aurora-wine-"))
    work.mkdir(parents=True, exist_ok=True)
    wine = Wine(work / "prefix", wine_bin)
    print(f"work folder {work}; ISCC {iscc}")
    try:
        _run_checks(report, wine, iscc, gcc, work)
    except ToolMissing as exc:
        print(f"missing tool: {exc}", file=sys.stderr)
        _write_json(args.json, report, missing=str(exc))
        return 2
    except Exception as exc:  # a step that could not run at all is a failed check, with its output
        report.check(False, "check run completed", f"{type(exc).__name__}: {exc}")
    finally:
        wine.kill()
        if not args.keep and args.work is None:
            shutil.rmtree(work, ignore_errors=True)
    print(f"timings (s): {report.timings}")
    print(f"{len(report.checks) - len(report.failures)}/{len(report.checks)} checks passed")
    _write_json(args.json, report)
    return 1 if report.failures else 0


def _run_checks(report: Report, wine: Wine, iscc: Path, gcc: str, work: Path) -> None:
    print("== payloads and icon")
    icon = icons.make_icons(work / "icons")["ico"]
    old_payload = report.timed("stage payloads", stage_payload, gcc, work / "payload-old", OLD, "only-in-old.txt")
    new_payload = stage_payload(gcc, work / "payload-new", NEW)
    out = work / "out"
    out.mkdir(exist_ok=True)

    print("== Wine prefix")
    report.timed("create Wine prefix", wine.boot)

    print("== compile the .iss with ISCC (Inno Setup under Wine), as packaging/build.py does")
    shipping = out / "shipping"
    old_setup, log = report.timed("ISCC compile (1st)", compile_setup, wine, iscc, old_payload, shipping, OLD, icon)
    report.check(old_setup.is_file(), f"ISCC wrote {old_setup.name}", _iscc_summary(log))
    new_setup, log = report.timed("ISCC compile (2nd)", compile_setup, wine, iscc, new_payload, shipping, NEW, icon)
    report.check(new_setup.is_file(), f"ISCC wrote {new_setup.name}", _iscc_summary(log))
    win_checks.check_setup_exe(report, new_setup, NEW)
    new_setup_shipping = new_setup

    print("== can this Wine resolve {autopf} in non-administrative mode ({userpf})?")
    probe_log = work / "install-probe.log"
    rc = run_setup(wine, old_setup, probe_log)
    probe = probe_log.read_text(errors="replace") if probe_log.is_file() else ""
    wine_userpf = rc != 0 and WINE_USERPF_GAP in probe
    if wine_userpf:
        report.check(True, "Setup from the shipping script starts and stops only at Wine's known gap",
                     "SHGetKnownFolderPath(FOLDERID_UserProgramFiles) is not implemented by this Wine; "
                     "recompiling with /DWineUserProgramFiles ({localappdata}\\Programs, Windows' default for it)")
        wine_out = out / "wine"
        old_setup, _ = compile_setup(wine, iscc, old_payload, wine_out, OLD, icon, wine_userpf=True)
        new_setup, _ = compile_setup(wine, iscc, new_payload, wine_out, NEW, icon, wine_userpf=True)
    else:
        report.check(rc == 0, "Setup from the shipping script installs under this Wine", _log_tail(probe))
        win_checks.run_uninstaller(wine, probe_log.parent / "uninstall-probe.log")

    user = win_checks.UserFolders.of(wine)
    print(f"== install {OLD} per user (Setup /VERYSILENT /CURRENTUSER)")
    rc = report.timed(f"install {OLD}", run_setup, wine, old_setup, work / "install-old.log")
    report.check(rc == 0, "Setup exited 0", rc if rc == 0 else _log_tail((work / "install-old.log").read_text()))
    win_checks.check_installed(report, wine, user, OLD, work / "install-old.log")
    report.check((user.app / "_internal" / "only-in-old.txt").is_file(), f"{OLD}'s own file installed")
    win_checks.check_shortcuts_launch(report, wine, user, OLD, work)

    print(f"== upgrade to {NEW} over {OLD}")
    rc = report.timed(f"install {NEW} over {OLD}", run_setup, wine, new_setup, work / "install-new.log")
    report.check(rc == 0, "Setup exited 0", rc if rc == 0 else _log_tail((work / "install-new.log").read_text()))
    win_checks.check_installed(report, wine, user, NEW, work / "install-new.log")
    report.check(not (user.app / "_internal" / "only-in-old.txt").exists(),
                 f"{OLD}'s file in _internal removed by the upgrade ([InstallDelete])")
    report.check(sorted(p.name for p in user.app.glob("unins*.exe")) == ["unins000.exe"], "one uninstaller",
                 sorted(p.name for p in user.app.glob("unins*")))
    win_checks.check_shortcuts_launch(report, wine, user, NEW, work)

    print("== uninstall (user data in %LOCALAPPDATA%\\aurora-console must stay)")
    settings = user.data / "settings.json"
    settings.parent.mkdir(parents=True, exist_ok=True)
    settings.write_text('{"kept": true}\n')
    report.timed("uninstall", win_checks.run_uninstaller, wine, work / "uninstall.log")
    win_checks.check_uninstalled(report, wine, user, settings)

    print("== the shipping Setup, all users (/ALLUSERS: Program Files, HKLM; needs the administrator Wine has)")
    report.timed("all-users install and uninstall", win_checks.check_all_users, report, wine, new_setup_shipping, NEW,
                 work / "install-allusers.log")

    print("== version resource (versioninfo.py -> PyInstaller's loader -> UpdateResource under Wine -> pefile)")
    report.timed("version resource", win_checks.check_version_resource, report, wine, gcc, work, NEW)

    print("== signing (signing.py, SignTool/SignedUninstaller; osslsigncode stands in for signtool.exe)")
    report.timed("signing", sign_check.check_signing, report, wine, gcc, iscc, new_payload, work, NEW, icon,
                 compile_setup, run_setup, win_checks.run_uninstaller, user, wine_userpf)


def _iscc_summary(log: str) -> str:
    lines = [ln.strip() for ln in log.splitlines() if ln.strip()]
    warnings = [ln for ln in lines if "warning" in ln.lower()]
    tail = next((ln for ln in reversed(lines) if ln.startswith("Successful compile")), lines[-1] if lines else "")
    return tail + (f"; warnings: {warnings}" if warnings else "; no warnings")


def _log_tail(text: str) -> str:
    return " | ".join(ln.strip() for ln in text.splitlines()[-4:])


def _write_json(path: Path | None, report: Report, missing: str | None = None) -> None:
    if path:
        path.write_text(json.dumps({"missing": missing, "checks": report.checks, "failures": report.failures,
                                    "timings": report.timings}, indent=2))


if __name__ == "__main__":
    raise SystemExit(main())
