"""The Windows installer (packaging/windows/aurora-console.iss) compiled and run for real under Wine.

Runs packaging/check_windows_installer.py once: the real Inno Setup compiler (ISCC.exe from the
pinned npm package ``innosetup``) builds two Setups from payloads shaped like PyInstaller's
Windows dist folder (MinGW-built stand-in programs), then Setup installs per user, upgrades,
and the uninstaller removes it, all in a throw-away Wine prefix; then the signing path with a
throw-away certificate (osslsigncode standing in for signtool.exe). Without wine, MinGW or ISCC the
test is skipped with the reason, except in CI (``CI`` set), where it fails: the rig never skips
silently there.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "packaging"))
import installers  # noqa: E402

sys.path.remove(str(ROOT / "packaging"))



def _in_ci() -> bool:
    return os.environ.get("CI", "").lower() not in ("", "0", "false", "no")


@pytest.fixture(scope="module")
def result(tmp_path_factory):
    out = tmp_path_factory.mktemp("wine-installer")
    summary = out / "summary.json"
    proc = subprocess.run([sys.executable, str(ROOT / "packaging" / "check_windows_installer.py"),
                           "--work", str(out / "work"), "--json", str(summary)],
                          cwd=ROOT, capture_output=True, text=True, timeout=840, stdin=subprocess.DEVNULL)
    data = json.loads(summary.read_text()) if summary.exists() else None
    shutil.rmtree(out / "work" / "prefix", ignore_errors=True)  # the Wine prefix: about 1 GB
    if proc.returncode == 2 and data and data.get("missing"):
        message = f"Windows installer check cannot run: {data['missing']}"
        unavailable = ROOT / "build" / "os-deps" / "windows-check-unavailable.txt"
        if _in_ci() and not unavailable.exists():
            pytest.fail(message + " (CI must install it: scripts/install-os-deps.sh)")
        if unavailable.exists():  # install-os-deps.sh tried and recorded why it could not
            message += f"; {unavailable.read_text().strip()}"
        pytest.skip(message)
    assert data is not None, f"no summary written:\n{proc.stdout[-4000:]}\n{proc.stderr[-4000:]}"
    return proc, data, out / "work"


def _check(data: dict, what: str) -> dict:
    found = [c for c in data["checks"] if c["check"] == what]
    assert found, f"check {what!r} did not run; ran: {[c['check'] for c in data['checks']]}"
    return found[-1]


@pytest.mark.packaging
@pytest.mark.timeout(900)
def test_every_check_passes(result):
    proc, data, _work = result
    assert data["failures"] == [], proc.stdout[-6000:]
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]


@pytest.mark.packaging
@pytest.mark.timeout(900)
def test_iscc_compiles_the_shipping_script(result):
    _proc, data, work = result
    for name in ("aurora-console-0.9.0-windows-x64-setup.exe", "aurora-console-0.9.1rc1-windows-x64-setup.exe"):
        assert _check(data, f"ISCC wrote {name}")["ok"]
        assert (work / "out" / "shipping" / name).is_file()
    assert _check(data, "Setup's version resource: ProductVersion")["detail"] == "0.9.1rc1"


@pytest.mark.packaging
@pytest.mark.timeout(900)
def test_per_user_install_with_start_menu_shortcuts(result):
    _proc, data, _work = result
    assert _check(data, "Setup log: 'Administrative install mode: No' (per-user install, no elevation)")["ok"]
    assert _check(data, "nothing written to HKLM, 64- or 32-bit view (no admin rights used)")["ok"]
    assert _check(data, "Aurora Console (sandbox).lnk: arguments '--sandbox'")["detail"] == "'--sandbox'"
    launched = _check(data, "opening 'Aurora Console (sandbox).lnk' runs the installed program")
    assert launched["ok"] and launched["detail"] == "aurora-console stub 0.9.1rc1 [--sandbox]"


@pytest.mark.packaging
@pytest.mark.timeout(900)
def test_upgrade_keeps_one_entry_and_replaces_internal(result):
    _proc, data, _work = result
    assert _check(data, "HKCU uninstall entry: DisplayVersion")["detail"] == "0.9.1rc1"
    assert _check(data, "exactly one Aurora Console entry in HKCU's uninstall list")["ok"]
    assert _check(data, "0.9.0's file in _internal removed by the upgrade ([InstallDelete])")["ok"]


@pytest.mark.packaging
@pytest.mark.timeout(900)
def test_uninstall_removes_the_app_and_keeps_user_data(result):
    _proc, data, _work = result
    for what in ("application folder removed", "shortcut 'Aurora Console.lnk' removed",
                 "uninstall entry removed from HKCU", "user data %LOCALAPPDATA%\\aurora-console kept"):
        assert _check(data, what)["ok"], what


@pytest.mark.packaging
@pytest.mark.timeout(900)
def test_shipping_setup_all_users_mode(result):
    _proc, data, _work = result
    for what in ("shipping Setup /ALLUSERS exits 0", "Setup log: 'Install mode root key: HKEY_LOCAL_MACHINE'",
                 "no HKCU entry for an all-users install", "all-users uninstall removes folder, entry, shortcuts"):
        assert _check(data, what)["ok"], what
    entry = [c for c in data["checks"] if c["check"] == "HKLM uninstall entry: DisplayVersion"]
    assert entry and entry[0]["detail"] == "0.9.1rc1"


@pytest.mark.packaging
@pytest.mark.timeout(900)
def test_version_resource_round_trip(result):
    _proc, data, _work = result
    assert _check(data, "version resource: FileVersion")["detail"] == "0.9.1rc1"
    assert _check(data, "version resource: ProductName")["detail"] == "Aurora Console"
    assert _check(data, "version resource: fixed file version")["detail"] == "(0, 9, 1, 0)"


@pytest.mark.packaging
@pytest.mark.timeout(900)
def test_signing_path_signs_setup_uninstaller_and_programs(result):
    _proc, data, _work = result
    for what in ("signing.windows_sign_files signed aurora-console.exe",
                 "aurora-console-0.9.1rc1-windows-x64-setup.exe is signed (SignTool=aurorasign)",
                 "installed unins000.exe carries the signature (SignedUninstaller)",
                 "ISCC's output (it echoes the sign tool command) has the password masked by installers.run_iscc"):
        assert _check(data, what)["ok"], what
    assert _check(data, "ISCC ran the sign tool twice (uninstaller, Setup)")["detail"] == "2"


# --- installers.run_iscc, without Wine: ISCC echoes the sign tool's command line, password included

FAKE_ISCC = ("import sys; print('Preparing Setup program executable'); "
             "print('   Running Sign Tool aurorasign: signtool.exe sign /f c.pfx /p \"s3cret pw\" \"uninst.e32.tmp\"'); "
             "sys.exit(int(sys.argv[1]))")


@pytest.mark.unit
def test_run_iscc_masks_the_signing_password(monkeypatch, capsys):
    monkeypatch.setenv("WINDOWS_SIGN_PASSWORD", "s3cret pw")
    output = installers.run_iscc([sys.executable, "-c", FAKE_ISCC, "0"])
    printed = capsys.readouterr().out
    assert '/p "****" "uninst.e32.tmp"' in output and "s3cret" not in output
    assert "Running Sign Tool aurorasign" in printed and "s3cret" not in printed


@pytest.mark.unit
def test_run_iscc_failure_shows_neither_command_nor_password(monkeypatch, capsys):
    monkeypatch.setenv("WINDOWS_SIGN_PASSWORD", "s3cret pw")
    with pytest.raises(RuntimeError) as info:
        installers.run_iscc([sys.executable, "-c", FAKE_ISCC, "2", "/Saurorasign=$qsigntool$q /p $qs3cret pw$q $f"],
                            echo=False)
    assert "exit code 2" in str(info.value) and "/p \"****\"" in str(info.value)
    assert "s3cret" not in str(info.value) and info.value.__cause__ is None and info.value.__context__ is None
    assert capsys.readouterr().out == ""


@pytest.mark.unit
def test_inno_defines_are_what_the_iss_reads():
    defines = installers.inno_defines(Path("/d/app"), Path("/d/out"), "1.2.0rc1", Path("/d/i.ico"),
                                      path=lambda p: "Z:" + str(p).replace("/", "\\"))
    assert defines == ["/DAppVersion=1.2.0rc1", "/DAppVersionInfo=1.2.0.0", "/DSourceDir=Z:\\d\\app",
                       "/DOutputDir=Z:\\d\\out", "/DIconFile=Z:\\d\\i.ico"]
    iss = installers.ISS_SCRIPT.read_text(encoding="utf-8")
    for name in ("AppVersion", "AppVersionInfo", "SourceDir", "OutputDir", "IconFile"):
        assert "{#" + name + "}" in iss, name
    assert installers.windows_setup_name("1.2.0rc1") == "aurora-console-1.2.0rc1-windows-x64-setup.exe"
    assert "OutputBaseFilename=aurora-console-{#AppVersion}-windows-x64-setup" in iss
