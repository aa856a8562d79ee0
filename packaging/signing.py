"""Code signing and notarization, each run only when its identity is configured.

Environment variables (none set: the step is skipped and says so):

* macOS signing: ``APPLE_SIGN_IDENTITY`` (a "Developer ID Application: ..." identity in the
  keychain). The spec hands it to PyInstaller, which signs every binary and the .app with the
  hardened runtime and ``macos/entitlements.plist``; here we verify the .app and sign the .dmg.
* macOS notarization: ``APPLE_NOTARY_PROFILE`` (a profile saved with
  ``xcrun notarytool store-credentials``): ``xcrun notarytool submit DMG --keychain-profile P
  --wait``, then ``xcrun stapler staple DMG``.
* Windows: ``WINDOWS_SIGN_CERT`` (path of a .pfx), optional ``WINDOWS_SIGN_PASSWORD`` and
  ``WINDOWS_SIGN_TIMESTAMP_URL``: signtool signs the executables before Inno Setup packs them,
  and Inno Setup signs Setup and the uninstaller through its ``SignTool`` directive.

Checked: Apple's notarytool/stapler man pages ("Customizing the notarization workflow"),
PyInstaller's osx.sign_binary (codesign -s ID --force --all-architectures --timestamp
--options=runtime --entitlements F), Microsoft's SignTool docs (sign /fd SHA256 /tr URL
/td SHA256 /f PFX [/p PASSWORD]) and Inno Setup's [Setup] SignTool ($f = quoted file, $q = quote).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

DEFAULT_TIMESTAMP_URL = "http://timestamp.digicert.com"


def _run(cmd: list[str]) -> None:
    print("  $", " ".join(cmd if "/p" not in cmd else _masked(cmd)), flush=True)
    subprocess.run(cmd, check=True)


def _masked(cmd: list[str]) -> list[str]:
    out = list(cmd)
    i = out.index("/p")
    if i + 1 < len(out):
        out[i + 1] = "****"
    return out


# --- macOS -------------------------------------------------------------------------------

def mac_identity() -> str | None:
    return os.environ.get("APPLE_SIGN_IDENTITY") or None


def mac_verify_app(app: Path) -> None:
    if not mac_identity():
        print("macOS signing skipped: APPLE_SIGN_IDENTITY is not set (the app has ad-hoc signatures; "
              "Gatekeeper will warn on other Macs)")
        return
    _run(["codesign", "--verify", "--deep", "--strict", "--verbose=2", str(app)])


def mac_sign_and_notarize_dmg(dmg: Path) -> None:
    identity = mac_identity()
    if identity:
        _run(["codesign", "--force", "--timestamp", "--sign", identity, str(dmg)])
    profile = os.environ.get("APPLE_NOTARY_PROFILE")
    if not profile:
        print("notarization skipped: APPLE_NOTARY_PROFILE is not set")
        return
    if not identity:
        raise RuntimeError("APPLE_NOTARY_PROFILE is set but APPLE_SIGN_IDENTITY is not: Apple only notarizes "
                           "signed apps")
    _run(["xcrun", "notarytool", "submit", str(dmg), "--keychain-profile", profile, "--wait"])
    _run(["xcrun", "stapler", "staple", str(dmg)])
    _run(["xcrun", "stapler", "validate", str(dmg)])


# --- Windows -----------------------------------------------------------------------------

def find_signtool() -> str | None:
    found = shutil.which("signtool")
    if found:
        return found
    kits = Path(os.environ.get("ProgramFiles(x86)", r"C:\Program Files (x86)")) / "Windows Kits" / "10" / "bin"
    candidates = sorted(kits.glob("10.*/x64/signtool.exe"), reverse=True) if kits.is_dir() else []
    return str(candidates[0]) if candidates else None


def windows_sign_args() -> list[str] | None:
    """signtool arguments (without the file) or None when WINDOWS_SIGN_CERT is not set."""
    cert = os.environ.get("WINDOWS_SIGN_CERT")
    if not cert:
        return None
    args = ["sign", "/fd", "SHA256", "/tr", os.environ.get("WINDOWS_SIGN_TIMESTAMP_URL", DEFAULT_TIMESTAMP_URL),
            "/td", "SHA256", "/f", cert]
    if os.environ.get("WINDOWS_SIGN_PASSWORD"):
        args += ["/p", os.environ["WINDOWS_SIGN_PASSWORD"]]
    return args


def windows_sign_files(files: list[Path]) -> None:
    args = windows_sign_args()
    if args is None:
        print("Windows signing skipped: WINDOWS_SIGN_CERT is not set (SmartScreen will warn)")
        return
    tool = find_signtool()
    if tool is None:
        raise RuntimeError("WINDOWS_SIGN_CERT is set but signtool.exe was not found (install the Windows SDK)")
    _run([tool, *args, *map(str, files)])


def inno_signtool_options() -> list[str]:
    """Extra iscc options that make Inno Setup sign Setup and the uninstaller ([] when unsigned)."""
    args = windows_sign_args()
    tool = find_signtool() if args else None
    if not args or not tool:
        return []
    quoted = " ".join(f"$q{a}$q" if " " in a else a for a in args)
    return ["/DSignInstaller", f"/Saurorasign=$q{tool}$q {quoted} $f"]
