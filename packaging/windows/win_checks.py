"""What packaging/check_windows_installer.py verifies inside the Wine prefix (files, registry,
shortcuts, version resources). Each ``check_*`` records its findings on the report."""

from __future__ import annotations

import struct
import subprocess
from dataclasses import dataclass
from pathlib import Path

from wine_rig import ToolMissing, Wine

APP_NAME = "Aurora Console"
APP_GUID = "{6793CD5A-EFF0-484C-BBA5-9331CE5858EE}"  # AppId in aurora-console.iss
UNINSTALL = r"Software\Microsoft\Windows\CurrentVersion\Uninstall"
ENTRY = f"{UNINSTALL}\\{APP_GUID}_is1"  # Inno Setup's key name: AppId + "_is1"
SHORTCUTS = {f"{APP_NAME}.lnk": "", f"{APP_NAME} (sandbox).lnk": "--sandbox"}


def require_python_modules() -> None:
    for module, package in (("pefile", "pefile"), ("LnkParse3", "LnkParse3"), ("PyInstaller", "pyinstaller")):
        try:
            __import__(module)
        except ImportError as exc:
            raise ToolMissing(f"Python package {package} is missing: pip install -e '.[dev]'") from exc


@dataclass
class UserFolders:
    local: Path     # %LOCALAPPDATA%
    programs: Path  # the user's Start menu Programs folder
    desktop: Path

    @property
    def app(self) -> Path:  # {autopf}\Aurora Console in non-administrative install mode
        return self.local / "Programs" / APP_NAME

    @property
    def data(self) -> Path:  # platformdirs' user data/config folder (aurora_console.core.paths)
        return self.local / "aurora-console"

    @classmethod
    def of(cls, wine: Wine) -> UserFolders:
        appdata = wine.expand("APPDATA")
        return cls(local=wine.unix_path(wine.expand("LOCALAPPDATA")),
                   programs=wine.unix_path(appdata + r"\Microsoft\Windows\Start Menu\Programs"),
                   desktop=wine.unix_path(wine.expand("USERPROFILE") + r"\Desktop"))


def read_lnk(path: Path) -> dict:
    """Target, arguments and working folder of a shell link (.lnk), parsed by LnkParse3."""
    import LnkParse3

    with open(path, "rb") as fh:
        lnk = LnkParse3.lnk_file(fh).get_json()
    data, info = lnk.get("data", {}), lnk.get("link_info", {})
    return {"target": info.get("local_base_path") or data.get("relative_path", ""),
            "arguments": data.get("command_line_arguments", ""),
            "working_dir": data.get("working_directory", ""),
            "description": data.get("description", "")}


def check_installed(report, wine: Wine, user: UserFolders, version: str, log: Path) -> None:
    app = user.app
    report.check(app.is_dir(), "installed in the per-user folder %LOCALAPPDATA%\\Programs\\Aurora Console", app)
    for name in ("aurora-console.exe", "aurora-console-cli.exe", "unins000.exe", "unins000.dat"):
        report.check((app / name).is_file(), f"{name} present")
    found = (app / "_internal" / "version.txt").read_text().strip() if (app / "_internal" / "version.txt").is_file() else None
    report.check(found == version, f"_internal/ holds version {version}", found)
    text = log.read_text(errors="replace") if log.is_file() else ""
    for line in ("Administrative install mode: No", "Install mode root key: HKEY_CURRENT_USER"):
        report.check(line in text, f"Setup log: '{line}' (per-user install, no elevation)")

    values = wine.reg_query(f"HKCU\\{ENTRY}") or {}
    report.check(values.get("DisplayName") == APP_NAME, "HKCU uninstall entry: DisplayName", values.get("DisplayName"))
    report.check(values.get("DisplayVersion") == version, "HKCU uninstall entry: DisplayVersion",
                 values.get("DisplayVersion"))
    report.check("unins000.exe" in values.get("UninstallString", ""), "HKCU uninstall entry: UninstallString",
                 values.get("UninstallString"))
    report.check(values.get("DisplayIcon", "").endswith("aurora-console.exe"), "HKCU uninstall entry: DisplayIcon",
                 values.get("DisplayIcon"))
    report.check(values.get("Publisher") == "Aurora Console contributors", "HKCU uninstall entry: Publisher",
                 values.get("Publisher"))
    report.check(values.get("InstallLocation", "").lower().endswith("\\programs\\aurora console\\"),
                 "HKCU uninstall entry: InstallLocation", values.get("InstallLocation"))
    mine = [k for k in wine.reg_subkeys(f"HKCU\\{UNINSTALL}")
            if (wine.reg_query(f"HKCU\\{UNINSTALL}\\{k}") or {}).get("DisplayName") == APP_NAME]
    report.check(len(mine) == 1, "exactly one Aurora Console entry in HKCU's uninstall list", mine)
    report.check(wine.reg_query(f"HKLM\\{ENTRY}", 64) is None and wine.reg_query(f"HKLM\\{ENTRY}", 32) is None,
                 "nothing written to HKLM, 64- or 32-bit view (no admin rights used)")

    for name, arguments in SHORTCUTS.items():
        lnk = user.programs / name
        if not report.check(lnk.is_file(), f"Start menu shortcut {name!r} in the user's Programs folder", lnk):
            continue
        info = read_lnk(lnk)
        report.check(info["target"].lower().endswith(r"\programs\aurora console\aurora-console.exe"),
                     f"{name}: target", info["target"])
        report.check(info["arguments"] == arguments, f"{name}: arguments {arguments!r}", repr(info["arguments"]))
        if arguments:
            report.check(info["description"].startswith("Try the console on a local sandbox"),
                         f"{name}: comment (tooltip)", info["description"])
    report.check(not (user.desktop / f"{APP_NAME}.lnk").exists(), "no desktop shortcut (task unchecked by default)")


def check_shortcuts_launch(report, wine: Wine, user: UserFolders, version: str, work: Path) -> None:
    """Opens each Start menu shortcut (``start /wait``); the stand-in program logs its arguments."""
    for name, arguments in SHORTCUTS.items():
        out = work / f"launch-{version}-{arguments or 'plain'}.txt"
        out.unlink(missing_ok=True)
        wine.run("start", "/wait", "/unix", str(user.programs / name), timeout=120, check=False,
                 extra_env={"AURORA_STUB_OUT": Wine.win_path(out)})
        wine.wait()
        line = out.read_text().strip() if out.is_file() else None
        want = f"aurora-console stub {version}" + (f" [{arguments}]" if arguments else "")
        report.check(line == want, f"opening {name!r} runs the installed program", line)


def run_uninstaller(wine: Wine, log: Path) -> None:
    values = wine.reg_query(f"HKCU\\{ENTRY}") or {}
    command = values.get("UninstallString", "").strip('"')
    if not command:
        raise RuntimeError("no UninstallString in the uninstall entry")
    wine.run(str(wine.unix_path(command)), "/VERYSILENT", "/SUPPRESSMSGBOXES", "/NORESTART",
             f"/LOG={Wine.win_path(log)}", timeout=300, check=False)
    wine.wait()  # the uninstaller re-runs itself from %TEMP% and returns at once


def check_uninstalled(report, wine: Wine, user: UserFolders, settings: Path) -> None:
    report.check(not user.app.exists(), "application folder removed", sorted(p.name for p in user.app.glob("*"))
                 if user.app.exists() else "")
    for name in SHORTCUTS:
        report.check(not (user.programs / name).exists(), f"shortcut {name!r} removed")
    report.check(wine.reg_query(f"HKCU\\{ENTRY}") is None, "uninstall entry removed from HKCU")
    report.check(settings.is_file() and '"kept"' in settings.read_text(), "user data %LOCALAPPDATA%\\aurora-console kept",
                 settings)


def pe_version(path: Path) -> dict:
    """StringFileInfo strings and the fixed file version of a PE file, read with pefile."""
    import pefile

    pe = pefile.PE(str(path))
    try:
        strings: dict[str, str] = {}
        for group in getattr(pe, "FileInfo", []):
            for entry in group:
                for table in getattr(entry, "StringTable", []):
                    strings.update({k.decode(): v.decode() for k, v in table.entries.items()})
        fixed = None
        if getattr(pe, "VS_FIXEDFILEINFO", None):
            ffi = pe.VS_FIXEDFILEINFO[0]
            fixed = (ffi.FileVersionMS >> 16, ffi.FileVersionMS & 0xFFFF, ffi.FileVersionLS >> 16,
                     ffi.FileVersionLS & 0xFFFF)
        return {"strings": strings, "fixed": fixed, "machine": hex(pe.FILE_HEADER.Machine)}
    finally:
        pe.close()


def check_setup_exe(report, setup: Path, version: str) -> None:
    from versioninfo import version_tuple

    info = pe_version(setup)
    # Inno Setup writes its strings into fixed-size, space-padded slots: compare them stripped
    strings = {k: v.strip() for k, v in info["strings"].items()}
    report.check(info["machine"] == "0x14c", "Setup is a 32-bit x86 program (runs on every x64 Windows)",
                 info["machine"])
    for key, want in (("ProductName", APP_NAME), ("ProductVersion", version),
                      ("CompanyName", "Aurora Console contributors"),
                      ("LegalCopyright", "MIT licence, Aurora Console contributors")):
        report.check(strings.get(key) == want, f"Setup's version resource: {key}", strings.get(key))
    report.check(info["fixed"] == version_tuple(version), "Setup's version resource: file version (AppVersionInfo)",
                 info["fixed"])


def pyinstaller_version_raw(version_file: Path) -> bytes:
    """The RT_VERSION bytes PyInstaller writes for ``EXE(version=version_file)`` on Windows.

    Two things only differ off Windows: PyInstaller.utils.win32.versioninfo imports
    ``PyInstaller.compat.win32api``, which exists only on Windows (None is enough: the loader and
    toRaw do not use it); and FixedFileInfo.toRaw packs ``'13L'`` with native sizes, 4 bytes each
    on Windows but 8 on 64-bit Linux, so its 52-byte block is packed here with Windows' sizes.
    """
    import PyInstaller.compat as compat

    if not hasattr(compat, "win32api"):
        compat.win32api = None
    from PyInstaller.utils.win32 import versioninfo as pyi_versioninfo

    info = pyi_versioninfo.load_version_info_from_text_file(str(version_file))
    ffi = info.ffi
    fields = (ffi.sig, ffi.strucVersion, ffi.fileVersionMS, ffi.fileVersionLS, ffi.productVersionMS,
              ffi.productVersionLS, ffi.fileFlagsMask, ffi.fileFlags, ffi.fileOS, ffi.fileType, ffi.fileSubtype,
              ffi.fileDateMS, ffi.fileDateLS)
    ffi.toRaw = lambda: struct.pack("<13L", *fields)
    return info.toRaw()


def check_version_resource(report, wine: Wine, gcc: str, work: Path, version: str) -> None:
    from versioninfo import PRODUCT, version_tuple, write_version_file

    folder = work / "versioninfo"
    folder.mkdir(exist_ok=True)
    tool, exe = folder / "set_version_resource.exe", folder / "aurora-console.exe"
    here = Path(__file__).resolve().parent
    subprocess.run([gcc, "-O2", "-s", "-municode", "-o", str(tool), str(here / "set_version_resource.c")], check=True)
    subprocess.run([gcc, "-O2", "-s", f'-DSTUB_VERSION="{version}"', "-o", str(exe), str(here / "stub_app.c")],
                   check=True)
    version_file = write_version_file(folder / "version_info.txt", version, "aurora-console")
    raw = pyinstaller_version_raw(version_file)
    (folder / "version.bin").write_bytes(raw)
    wine.run(str(tool), Wine.win_path(exe), Wine.win_path(folder / "version.bin"), timeout=120)
    info = pe_version(exe)
    strings = info["strings"]
    report.check(strings.get("FileVersion") == version, "version resource: FileVersion", strings.get("FileVersion"))
    report.check(strings.get("ProductName") == PRODUCT, "version resource: ProductName", strings.get("ProductName"))
    report.check(strings.get("OriginalFilename") == "aurora-console.exe", "version resource: OriginalFilename",
                 strings.get("OriginalFilename"))
    report.check(info["fixed"] == version_tuple(version), "version resource: fixed file version", info["fixed"])
    proc = wine.run(str(exe), "--version-check", timeout=60, check=False)
    report.check(proc.stdout.strip() == f"aurora-console stub {version} [--version-check]",
                 "the program still runs after the resource update", proc.stdout.strip())


def check_all_users(report, wine: Wine, setup: Path, version: str, log: Path) -> None:
    """The shipping Setup with /ALLUSERS (PrivilegesRequiredOverridesAllowed): Program Files, HKLM,
    the common Start menu; then its uninstaller. Wine's user is an administrator, as this needs."""
    app = wine.unix_path(wine.expand("ProgramW6432") + "\\" + APP_NAME)  # 64-bit install mode
    programs = wine.unix_path(wine.expand("ProgramData") + r"\Microsoft\Windows\Start Menu\Programs")
    proc = wine.run(str(setup), "/VERYSILENT", "/SUPPRESSMSGBOXES", "/ALLUSERS", "/NORESTART",
                    f"/LOG={Wine.win_path(log)}", timeout=300, check=False)
    wine.wait()
    text = log.read_text(errors="replace") if log.is_file() else ""
    report.check(proc.returncode == 0, "shipping Setup /ALLUSERS exits 0", proc.returncode)
    for line in ("Administrative install mode: Yes", "Install mode root key: HKEY_LOCAL_MACHINE"):
        report.check(line in text, f"Setup log: '{line}'")
    report.check((app / "aurora-console.exe").is_file(), "installed in the 64-bit %ProgramFiles%\\Aurora Console", app)
    values = wine.reg_query(f"HKLM\\{ENTRY}") or {}
    report.check(values.get("DisplayVersion") == version, "HKLM uninstall entry: DisplayVersion",
                 values.get("DisplayVersion"))
    report.check(wine.reg_query(f"HKCU\\{ENTRY}") is None, "no HKCU entry for an all-users install")
    for name, arguments in SHORTCUTS.items():
        lnk = programs / name
        ok = lnk.is_file() and read_lnk(lnk)["arguments"] == arguments
        report.check(ok, f"common Start menu shortcut {name!r}", lnk)
    command = values.get("UninstallString", "").strip('"')
    if command:
        wine.run(str(wine.unix_path(command)), "/VERYSILENT", "/SUPPRESSMSGBOXES", "/NORESTART", timeout=300,
                 check=False)
        wine.wait()
    report.check(not app.exists() and wine.reg_query(f"HKLM\\{ENTRY}") is None
                 and not (programs / f"{APP_NAME}.lnk").exists(), "all-users uninstall removes folder, entry, shortcuts")
