"""The Windows signing path of packaging/signing.py, run under Wine with a stand-in for signtool.exe.

With WINDOWS_SIGN_CERT / WINDOWS_SIGN_PASSWORD set to a throw-away self-signed certificate,
``signing.windows_sign_files`` signs the payload's programs and ``signing.inno_signtool_options``
makes Inno Setup sign Setup and the uninstaller (SignTool / SignedUninstaller in the .iss).
``signtool_standin.sh`` does the signing with osslsigncode, as signtool's "sign" would (without
the timestamp, offline). Proves the wiring and the quoting; not signtool.exe itself, a trusted
certificate, timestamping or SmartScreen reputation.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from contextlib import contextmanager
from pathlib import Path

from wine_rig import ToolMissing, Wine

HERE = Path(__file__).resolve().parent
STANDIN = HERE / "signtool_standin.sh"  # signs with osslsigncode
STANDIN_EXE = HERE / "signtool_standin.c"  # signtool.exe for Inno Setup: runs the script, waits for it
SUBJECT = "Aurora Console test signing"
PASSWORD = "test pass word"  # a space: signing.py must quote it for Inno Setup ($q)


def require_tools() -> None:
    for tool in ("openssl", "osslsigncode"):
        if shutil.which(tool) is None:
            raise ToolMissing(f"{tool} is not installed (Debian: apt-get install {tool})")


def make_certificate(folder: Path) -> Path:
    """A self-signed code-signing certificate and key in a password-protected .pfx."""
    folder.mkdir(parents=True, exist_ok=True)
    key, cert, pfx = folder / "key.pem", folder / "cert.pem", folder / "test.pfx"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out", str(cert),
                    "-subj", f"/CN={SUBJECT}", "-days", "2", "-addext", "extendedKeyUsage=codeSigning"],
                   check=True, capture_output=True)
    subprocess.run(["openssl", "pkcs12", "-export", "-out", str(pfx), "-inkey", str(key), "-in", str(cert),
                    "-passout", f"pass:{PASSWORD}"], check=True, capture_output=True)
    return pfx


@contextmanager
def signing_configured(signing, pfx: Path, tool: str):
    """signing.py configured for the test certificate, with ``tool`` as its signtool."""
    saved_env = {k: os.environ.get(k) for k in ("WINDOWS_SIGN_CERT", "WINDOWS_SIGN_PASSWORD")}
    saved_find = signing.find_signtool
    os.environ["WINDOWS_SIGN_CERT"] = Wine.win_path(pfx)
    os.environ["WINDOWS_SIGN_PASSWORD"] = PASSWORD
    signing.find_signtool = lambda: tool
    try:
        yield
    finally:
        signing.find_signtool = saved_find
        for key, value in saved_env.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def signed_by(path: Path) -> bool:
    """An Authenticode signature (PE security directory) holding the test certificate."""
    import pefile

    pe = pefile.PE(str(path), fast_load=True)
    try:
        entry = pe.OPTIONAL_HEADER.DATA_DIRECTORY[pefile.DIRECTORY_ENTRY["IMAGE_DIRECTORY_ENTRY_SECURITY"]]
        offset, size = entry.VirtualAddress, entry.Size  # a file offset for this directory
    finally:
        pe.close()
    if not size:
        return False
    blob = path.read_bytes()[offset:offset + size]
    return SUBJECT.encode() in blob


def check_signing(report, wine: Wine, gcc: str, iscc: Path, payload: Path, work: Path, version: str, icon: Path,
                  compile_setup, run_setup, uninstall, user, wine_userpf: bool) -> None:
    import signing

    folder = work / "signing"
    pfx = make_certificate(folder / "cert")
    tool = folder / STANDIN.name
    shutil.copy(STANDIN, tool)
    tool.chmod(0o755)
    tool_exe = folder / "signtool.exe"
    subprocess.run([gcc, "-O2", "-s", "-municode", "-o", str(tool_exe), str(STANDIN_EXE)], check=True)
    signed_payload = folder / "payload"
    shutil.copytree(payload, signed_payload)
    exes = sorted(signed_payload.glob("*.exe"))
    with signing_configured(signing, pfx, str(tool)):
        signing.windows_sign_files(exes)
    for exe in exes:
        report.check(signed_by(exe), f"signing.windows_sign_files signed {exe.name}")
    with signing_configured(signing, pfx, Wine.win_path(tool_exe)):
        options = signing.inno_signtool_options()
    report.check(options[:1] == ["/DSignInstaller"] and "$q" + PASSWORD + "$q" in options[1],
                 "inno_signtool_options: SignInstaller define, password quoted with $q",
                 options[1].replace(PASSWORD, "****") if len(options) > 1 else options)
    with signing_configured(signing, pfx, Wine.win_path(tool_exe)):  # run_iscc masks WINDOWS_SIGN_PASSWORD
        setup, log = compile_setup(wine, iscc, signed_payload, folder / "out", version, icon,
                                   wine_userpf=wine_userpf, extra=options)
    shown = [ln.strip() for ln in log.splitlines() if "Running Sign Tool" in ln][:1]
    report.check(PASSWORD not in log and any("/p \"****\"" in ln for ln in shown),
                 "ISCC's output (it echoes the sign tool command) has the password masked by installers.run_iscc",
                 shown[0].replace(str(folder), "...") if shown else "no sign tool line")
    runs = [ln.strip() for ln in log.splitlines() if "Running Sign Tool aurorasign" in ln]
    report.check(len(runs) == 2, "ISCC ran the sign tool twice (uninstaller, Setup)", len(runs))
    report.check(signed_by(setup), f"{setup.name} is signed (SignTool=aurorasign)")
    rc = run_setup(wine, setup, folder / "install-signed.log")
    report.check(rc == 0, "signed Setup installs", rc)
    for name in ("unins000.exe", "aurora-console.exe"):
        report.check(signed_by(user.app / name), f"installed {name} carries the signature (SignedUninstaller)"
                     if name.startswith("unins") else f"installed {name} carries the signature")
    calls = (folder / "signtool-calls.log").read_text() if (folder / "signtool-calls.log").is_file() else ""
    report.check("option /tr" in calls and "password given: yes" in calls and PASSWORD not in calls,
                 "the sign tool got the timestamp URL and the password", "; ".join(calls.splitlines()[-2:]))
    uninstall(wine, folder / "uninstall-signed.log")
    report.check(not user.app.exists(), "the signed uninstaller removes the application")
