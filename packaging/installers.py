"""The installer step of packaging/build.py, one per system.

* Linux: ``aurora-console-<version>-linux-<arch>.tar.gz`` of the dist folder (no installer tool).
* Windows: Inno Setup (``iscc``) compiles ``windows/aurora-console.iss`` into a per-user Setup.
* macOS: dmgbuild makes a .dmg with the app and an Applications link (``macos/dmg_settings.py``),
  then signing and notarization when configured (see signing.py).
"""

from __future__ import annotations

import os
import platform
import shutil
import subprocess
import tarfile
from pathlib import Path

import signing
from versioninfo import version_tuple

HERE = Path(__file__).resolve().parent


def machine() -> str:
    arch = platform.machine().lower()
    return {"amd64": "x64", "x86_64": "x64", "aarch64": "arm64"}.get(arch, arch)


def linux_tarball(app_dir: Path, out_dir: Path, version: str) -> Path:
    target = out_dir / f"aurora-console-{version}-linux-{machine()}.tar.gz"
    with tarfile.open(target, "w:gz", compresslevel=6) as tar:
        tar.add(app_dir, arcname=f"aurora-console-{version}")
    return target


def find_iscc() -> str | None:
    """ISCC.exe from INNO_SETUP_DIR, the PATH, or the default install folders of Inno Setup 6."""
    if os.environ.get("INNO_SETUP_DIR"):
        candidate = Path(os.environ["INNO_SETUP_DIR"]) / "ISCC.exe"
        if candidate.is_file():
            return str(candidate)
    found = shutil.which("iscc")
    if found:
        return found
    for base in (os.environ.get("ProgramFiles(x86)"), os.environ.get("ProgramFiles"),
                 os.path.join(os.environ.get("LOCALAPPDATA", ""), "Programs")):
        if base:
            candidate = Path(base) / "Inno Setup 6" / "ISCC.exe"
            if candidate.is_file():
                return str(candidate)
    return None


ISS_SCRIPT = HERE / "windows" / "aurora-console.iss"


def windows_setup_name(version: str) -> str:
    """The file ISCC writes (OutputBaseFilename in the .iss, plus .exe)."""
    return f"aurora-console-{version}-windows-x64-setup.exe"


def inno_defines(app_dir, out_dir, version: str, icon, path=str) -> list[str]:
    """ISCC's /D options for the .iss; ``path`` turns a folder into what ISCC reads (a Windows
    path: ``str`` on Windows, a Z:\\ path under Wine in check_windows_installer.py)."""
    numeric = ".".join(map(str, version_tuple(version)))
    return [f"/DAppVersion={version}", f"/DAppVersionInfo={numeric}", f"/DSourceDir={path(app_dir)}",
            f"/DOutputDir={path(out_dir)}", f"/DIconFile={path(icon)}"]


def windows_installer(app_dir: Path, out_dir: Path, version: str, icon: Path) -> Path:
    iscc = find_iscc()
    if iscc is None:
        raise RuntimeError("Inno Setup's ISCC.exe was not found: install Inno Setup 6.3+ "
                           "(choco install innosetup) or set INNO_SETUP_DIR")
    signing.windows_sign_files(sorted(app_dir.glob("*.exe")))
    cmd = [iscc, *inno_defines(app_dir, out_dir, version, icon), *signing.inno_signtool_options(), str(ISS_SCRIPT)]
    print("  $", " ".join(c if not c.startswith("/Saurorasign") else "/Saurorasign=<signtool ...>" for c in cmd))
    run_iscc(cmd)
    return out_dir / windows_setup_name(version)


def run_iscc(cmd: list[str], env: dict | None = None, echo: bool = True) -> str:
    """Run ISCC; print (when ``echo``) and return its output with the signing password masked.

    ISCC prints each sign tool command line it runs, and /Saurorasign holds WINDOWS_SIGN_PASSWORD;
    for the same reason a failure raises RuntimeError, not CalledProcessError (which would show
    the command).
    """
    secret = os.environ.get("WINDOWS_SIGN_PASSWORD") or ""
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            errors="replace", stdin=subprocess.DEVNULL)
    lines = []
    for line in proc.stdout:
        line = line.replace(secret, "****") if secret else line
        lines.append(line)
        if echo:
            print(line, end="", flush=True)
    code = proc.wait()
    output = "".join(lines)
    if code != 0:
        raise RuntimeError(f"ISCC failed with exit code {code}:\n{output[-4000:]}")
    return output


def mac_dmg(app_bundle: Path, out_dir: Path, version: str, icon: Path) -> Path:
    try:
        import dmgbuild
    except ImportError as exc:
        raise RuntimeError("dmgbuild is not installed: pip install '.[packaging]'") from exc
    signing.mac_verify_app(app_bundle)
    target = out_dir / f"aurora-console-{version}-macos-{machine()}.dmg"
    target.unlink(missing_ok=True)
    dmgbuild.build_dmg(str(target), "Aurora Console", settings_file=str(HERE / "macos" / "dmg_settings.py"),
                       defines={"app": str(app_bundle), "volume_icon": str(icon)})
    signing.mac_sign_and_notarize_dmg(target)
    return target
