"""Code signing and notarization, each run only when its identity is configured.

Environment variables (a step whose variables are not set is skipped and says so):

* macOS signing: ``APPLE_SIGN_IDENTITY`` (a "Developer ID Application: ..." identity in the
  keychain). The spec hands it to PyInstaller, which signs every binary and the .app with the
  hardened runtime and ``macos/entitlements.plist``; here we verify the .app and sign the .dmg.
* macOS notarization, one of three credential sets (``xcrun notarytool submit --wait``, then
  ``xcrun stapler staple`` and a Gatekeeper check of the .dmg):

  - ``APPLE_NOTARY_PROFILE``: a profile saved with ``xcrun notarytool store-credentials``;
  - ``APPLE_NOTARY_KEY`` (path of the App Store Connect API key, ``AuthKey_<id>.p8``),
    ``APPLE_NOTARY_KEY_ID`` and ``APPLE_NOTARY_ISSUER`` (the issuer UUID of a team key);
  - ``APPLE_ID``, ``APPLE_APP_PASSWORD`` (an app-specific password) and ``APPLE_TEAM_ID``.
* Windows: ``WINDOWS_SIGN_CERT`` (path of a .pfx), optional ``WINDOWS_SIGN_PASSWORD`` and
  ``WINDOWS_SIGN_TIMESTAMP_URL``: signtool signs the executables before Inno Setup packs them,
  and Inno Setup signs Setup and the uninstaller through its ``SignTool`` directive.

Passwords never reach the output: every printed command line has them replaced by ``****``.

Checked against: Apple's "Customizing the notarization workflow" (notarytool submit with
``--keychain-profile``, ``--key/--key-id/--issuer`` or ``--apple-id/--password/--team-id``,
``--wait``; ``stapler staple``), TN2206 / "Resolving common notarization issues" (sign each
item from the inside out with ``--options runtime --timestamp``, never ``--deep`` to sign;
``codesign --verify --deep --strict`` to check; disk images are signed with ``--timestamp``
and no runtime option), TN3127 "Testing a notarised product" (``spctl --assess --type open
--context context:primary-signature`` for a .dmg), PyInstaller's ``osx.sign_binary``
(``codesign -s ID --force --all-architectures --timestamp --options=runtime --entitlements F``),
Microsoft's SignTool docs (``sign /fd SHA256 /tr URL /td SHA256 /f PFX [/p PASSWORD]``; /td
after /tr) and Inno Setup's [Setup] SignTool ($f = quoted file, $q = quote).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Callable, Sequence
from pathlib import Path

DEFAULT_TIMESTAMP_URL = "http://timestamp.digicert.com"


def run_subprocess(cmd: list[str], capture: bool = False) -> str:
    """Run ``cmd`` (raising on a non-zero exit); return its stdout when ``capture``."""
    done = subprocess.run(cmd, check=True, text=True, stdout=subprocess.PIPE if capture else None)
    return done.stdout if capture else ""


# The command runner; tests replace it with a recorder (the tools do not exist on Linux).
runner: Callable[..., str] = run_subprocess


def masked(cmd: Sequence[str], secrets: Sequence[str] = ()) -> str:
    hidden = {s for s in secrets if s}
    return " ".join("****" if part in hidden else part for part in cmd)


def _run(cmd: list[str], secrets: Sequence[str] = (), capture: bool = False) -> str:
    print("  $", masked(cmd, secrets), flush=True)
    try:
        return runner(cmd, capture=capture)
    except subprocess.CalledProcessError as exc:
        code = exc.returncode  # its text is the whole command line, passwords included: say less
    # raised outside the except block, so no exception chain carries the unmasked command
    raise RuntimeError(f"{Path(cmd[0]).name} exited with status {code}: {masked(cmd, secrets)}")


def _env(name: str) -> str | None:
    return os.environ.get(name) or None


# --- macOS -------------------------------------------------------------------------------

def mac_identity() -> str | None:
    return _env("APPLE_SIGN_IDENTITY")


NOTARY_SETS = {
    "keychain profile": ("APPLE_NOTARY_PROFILE",),
    "App Store Connect API key": ("APPLE_NOTARY_KEY", "APPLE_NOTARY_KEY_ID", "APPLE_NOTARY_ISSUER"),
    "Apple ID": ("APPLE_ID", "APPLE_APP_PASSWORD", "APPLE_TEAM_ID"),
}


def notary_credentials() -> tuple[list[str], list[str]] | None:
    """(notarytool credential options, secrets among them) or None when none are configured.

    A set given only in part is an error that names the missing variables (never the values).
    """
    for label, names in NOTARY_SETS.items():
        present = [n for n in names if _env(n)]
        if present and len(present) < len(names):
            missing = ", ".join(n for n in names if n not in present)
            raise RuntimeError(f"notarization with an {label} needs {missing} too")
    if _env("APPLE_NOTARY_PROFILE"):
        return ["--keychain-profile", os.environ["APPLE_NOTARY_PROFILE"]], []
    if _env("APPLE_NOTARY_KEY"):
        return (["--key", os.environ["APPLE_NOTARY_KEY"], "--key-id", os.environ["APPLE_NOTARY_KEY_ID"],
                 "--issuer", os.environ["APPLE_NOTARY_ISSUER"]], [])
    if _env("APPLE_ID"):
        password = os.environ["APPLE_APP_PASSWORD"]
        return (["--apple-id", os.environ["APPLE_ID"], "--password", password,
                 "--team-id", os.environ["APPLE_TEAM_ID"]], [password])
    return None


def notary_result(out: str) -> dict:
    """The JSON object ``notarytool submit --wait --output-format json`` prints last.

    notarytool exits 0 whatever the verdict ("Invalid" included), so the status decides.
    """
    text = (out or "").strip()
    for candidate in [text, *reversed(text.splitlines())]:
        if candidate.strip().startswith("{"):
            try:
                return json.loads(candidate)
            except ValueError:
                continue
    raise RuntimeError(f"notarytool printed no JSON result: {text[-500:]!r}")


def mac_verify_app(app: Path) -> None:
    if not mac_identity():
        print("macOS signing skipped: APPLE_SIGN_IDENTITY is not set (the app has ad-hoc signatures; "
              "Gatekeeper will warn on other Macs)", flush=True)
        return
    _run(["codesign", "--verify", "--deep", "--strict", "--verbose=2", str(app)])


def mac_sign_dmg(dmg: Path) -> None:
    identity = mac_identity()
    if not identity:
        print("disk image signing skipped: APPLE_SIGN_IDENTITY is not set", flush=True)
        return
    _run(["codesign", "--force", "--timestamp", "--sign", identity, str(dmg)])


def mac_notarize_dmg(dmg: Path) -> None:
    creds = notary_credentials()
    if creds is None:
        print("notarization skipped: no notary credentials (APPLE_NOTARY_PROFILE, or APPLE_NOTARY_KEY with "
              "APPLE_NOTARY_KEY_ID and APPLE_NOTARY_ISSUER, or APPLE_ID with APPLE_APP_PASSWORD and "
              "APPLE_TEAM_ID)", flush=True)
        return
    if not mac_identity():
        raise RuntimeError("notary credentials are set but APPLE_SIGN_IDENTITY is not: Apple only notarizes "
                           "software signed with a Developer ID")
    options, secrets = creds
    out = _run(["xcrun", "notarytool", "submit", str(dmg), *options, "--wait", "--output-format", "json"],
               secrets, capture=True)
    result = notary_result(out)
    print(f"  notarization {result.get('id')}: {result.get('status')} ({result.get('message', '')})", flush=True)
    if result.get("status") != "Accepted":
        if result.get("id"):
            _run(["xcrun", "notarytool", "log", result["id"], *options], secrets)
        raise RuntimeError(f"notarization failed: status {result.get('status')!r} (the log is above)")
    _run(["xcrun", "stapler", "staple", str(dmg)])
    _run(["spctl", "--assess", "--type", "open", "--context", "context:primary-signature", "--verbose=2",
          str(dmg)])


def mac_sign_and_notarize_dmg(dmg: Path) -> None:
    mac_sign_dmg(dmg)
    mac_notarize_dmg(dmg)


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
    cert = _env("WINDOWS_SIGN_CERT")
    if not cert:
        return None
    args = ["sign", "/fd", "SHA256", "/tr", _env("WINDOWS_SIGN_TIMESTAMP_URL") or DEFAULT_TIMESTAMP_URL,
            "/td", "SHA256", "/f", cert]
    if _env("WINDOWS_SIGN_PASSWORD"):
        args += ["/p", os.environ["WINDOWS_SIGN_PASSWORD"]]
    return args


def windows_sign_files(files: list[Path]) -> None:
    args = windows_sign_args()
    if args is None:
        print("Windows signing skipped: WINDOWS_SIGN_CERT is not set (SmartScreen will warn)", flush=True)
        return
    tool = find_signtool()
    if tool is None:
        raise RuntimeError("WINDOWS_SIGN_CERT is set but signtool.exe was not found (install the Windows SDK)")
    _run([tool, *args, *map(str, files)], [_env("WINDOWS_SIGN_PASSWORD") or ""])


def inno_signtool_options() -> list[str]:
    """Extra iscc options that make Inno Setup sign Setup and the uninstaller ([] when unsigned)."""
    args = windows_sign_args()
    tool = find_signtool() if args else None
    if not args or not tool:
        return []
    quoted = " ".join(f"$q{a}$q" if " " in a else a for a in args)
    return ["/DSignInstaller", f"/Saurorasign=$q{tool}$q {quoted} $f"]
