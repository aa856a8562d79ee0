"""packaging/signing.py: each step skips with a message when its identity is not configured and
builds the documented command lines when it is.

codesign, notarytool, stapler, spctl and signtool do not exist on Linux, so the module's command
runner is replaced by a recorder (the one thing replaced); everything else runs for real.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.unit

PACKAGING = Path(__file__).resolve().parents[2] / "packaging"
sys.path.insert(0, str(PACKAGING))
import signing  # noqa: E402

sys.path.remove(str(PACKAGING))

ALL_VARS = ["APPLE_SIGN_IDENTITY", "APPLE_NOTARY_PROFILE", "APPLE_NOTARY_KEY", "APPLE_NOTARY_KEY_ID",
            "APPLE_NOTARY_ISSUER", "APPLE_ID", "APPLE_APP_PASSWORD", "APPLE_TEAM_ID", "WINDOWS_SIGN_CERT",
            "WINDOWS_SIGN_PASSWORD", "WINDOWS_SIGN_TIMESTAMP_URL"]
IDENTITY = "Developer ID Application: Example Corp (AB12CD34EF)"
DMG = Path("dist/aurora-console-0.1.0-macos-arm64.dmg")
APP = Path("dist/Aurora Console.app")


class Recorder:
    """Stands in for the real tools: records each argv, answers notarytool like notarytool."""

    def __init__(self, notary_status: str = "Accepted"):
        self.calls: list[list[str]] = []
        self.notary_status = notary_status

    def __call__(self, cmd: list[str], capture: bool = False) -> str:
        self.calls.append(list(cmd))
        if cmd[:3] == ["xcrun", "notarytool", "submit"]:
            # what `notarytool submit --wait --output-format json` prints (exit status 0 either way)
            return json.dumps({"id": "2efe2717-52ef-43a5-96dc-0797e4ca1041", "status": self.notary_status,
                               "message": "Processing complete"}) + "\n"
        return ""


@pytest.fixture
def recorder(monkeypatch):
    for name in ALL_VARS:
        monkeypatch.delenv(name, raising=False)
    rec = Recorder()
    monkeypatch.setattr(signing, "runner", rec)
    return rec


# --- nothing configured ----------------------------------------------------------------------

def test_without_identities_every_step_says_it_skips_and_runs_nothing(recorder, capsys):
    signing.mac_verify_app(APP)
    signing.mac_sign_and_notarize_dmg(DMG)
    signing.windows_sign_files([Path("dist/aurora-console/aurora-console.exe")])
    out = capsys.readouterr().out
    assert recorder.calls == []
    assert "macOS signing skipped: APPLE_SIGN_IDENTITY is not set" in out
    assert "disk image signing skipped: APPLE_SIGN_IDENTITY is not set" in out
    assert "notarization skipped: no notary credentials" in out
    assert "Windows signing skipped: WINDOWS_SIGN_CERT is not set" in out
    assert signing.inno_signtool_options() == []
    assert signing.notary_credentials() is None


def test_empty_variables_count_as_not_set(recorder, monkeypatch, capsys):
    # a GitHub secret that does not exist expands to ""
    for name in ALL_VARS:
        monkeypatch.setenv(name, "")
    signing.mac_sign_and_notarize_dmg(DMG)
    assert recorder.calls == []
    assert "skipped" in capsys.readouterr().out


# --- macOS -----------------------------------------------------------------------------------

def test_app_verification_uses_deep_strict_codesign_verify(recorder, monkeypatch):
    monkeypatch.setenv("APPLE_SIGN_IDENTITY", IDENTITY)
    signing.mac_verify_app(APP)
    assert recorder.calls == [["codesign", "--verify", "--deep", "--strict", "--verbose=2", str(APP)]]


def test_signing_only_signs_the_dmg_with_a_timestamp(recorder, monkeypatch, capsys):
    monkeypatch.setenv("APPLE_SIGN_IDENTITY", IDENTITY)
    signing.mac_sign_and_notarize_dmg(DMG)
    assert recorder.calls == [["codesign", "--force", "--timestamp", "--sign", IDENTITY, str(DMG)]]
    assert "notarization skipped" in capsys.readouterr().out


def _notarized_calls(creds: list[str]) -> list[list[str]]:
    return [
        ["codesign", "--force", "--timestamp", "--sign", IDENTITY, str(DMG)],
        ["xcrun", "notarytool", "submit", str(DMG), *creds, "--wait", "--output-format", "json"],
        ["xcrun", "stapler", "staple", str(DMG)],
        ["spctl", "--assess", "--type", "open", "--context", "context:primary-signature", "--verbose=2", str(DMG)],
    ]


def test_notarization_with_a_keychain_profile(recorder, monkeypatch):
    monkeypatch.setenv("APPLE_SIGN_IDENTITY", IDENTITY)
    monkeypatch.setenv("APPLE_NOTARY_PROFILE", "aurora-notary")
    signing.mac_sign_and_notarize_dmg(DMG)
    assert recorder.calls == _notarized_calls(["--keychain-profile", "aurora-notary"])


def test_notarization_with_an_app_store_connect_api_key(recorder, monkeypatch):
    monkeypatch.setenv("APPLE_SIGN_IDENTITY", IDENTITY)
    monkeypatch.setenv("APPLE_NOTARY_KEY", "/tmp/AuthKey_ABC123DEFG.p8")
    monkeypatch.setenv("APPLE_NOTARY_KEY_ID", "ABC123DEFG")
    monkeypatch.setenv("APPLE_NOTARY_ISSUER", "69a6de7e-0000-47e3-e053-5b8c7c11a4d1")
    signing.mac_sign_and_notarize_dmg(DMG)
    assert recorder.calls == _notarized_calls(["--key", "/tmp/AuthKey_ABC123DEFG.p8", "--key-id", "ABC123DEFG",
                                               "--issuer", "69a6de7e-0000-47e3-e053-5b8c7c11a4d1"])


def test_notarization_with_an_apple_id_never_prints_the_password(recorder, monkeypatch, capsys):
    password = "abcd-efgh-ijkl-mnop"
    monkeypatch.setenv("APPLE_SIGN_IDENTITY", IDENTITY)
    monkeypatch.setenv("APPLE_ID", "dev@example.com")
    monkeypatch.setenv("APPLE_APP_PASSWORD", password)
    monkeypatch.setenv("APPLE_TEAM_ID", "AB12CD34EF")
    signing.mac_sign_and_notarize_dmg(DMG)
    assert recorder.calls == _notarized_calls(["--apple-id", "dev@example.com", "--password", password,
                                               "--team-id", "AB12CD34EF"])
    out = capsys.readouterr().out
    assert password not in out
    assert "--password ****" in out
    assert "Accepted" in out


def test_a_rejected_submission_prints_the_log_and_fails_before_stapling(monkeypatch, capsys):
    for name in ALL_VARS:
        monkeypatch.delenv(name, raising=False)
    rec = Recorder(notary_status="Invalid")
    monkeypatch.setattr(signing, "runner", rec)
    password = "abcd-efgh-ijkl-mnop"
    monkeypatch.setenv("APPLE_SIGN_IDENTITY", IDENTITY)
    monkeypatch.setenv("APPLE_ID", "dev@example.com")
    monkeypatch.setenv("APPLE_APP_PASSWORD", password)
    monkeypatch.setenv("APPLE_TEAM_ID", "AB12CD34EF")
    with pytest.raises(RuntimeError, match="'Invalid'"):
        signing.mac_sign_and_notarize_dmg(DMG)
    assert rec.calls[-1] == ["xcrun", "notarytool", "log", "2efe2717-52ef-43a5-96dc-0797e4ca1041",
                             "--apple-id", "dev@example.com", "--password", password, "--team-id", "AB12CD34EF"]
    assert not any(c[:2] == ["xcrun", "stapler"] for c in rec.calls)
    assert password not in capsys.readouterr().out


def test_notarization_without_a_signing_identity_is_an_error(recorder, monkeypatch):
    monkeypatch.setenv("APPLE_NOTARY_PROFILE", "aurora-notary")
    with pytest.raises(RuntimeError, match="APPLE_SIGN_IDENTITY"):
        signing.mac_notarize_dmg(DMG)
    assert recorder.calls == []


def test_a_partial_credential_set_names_what_is_missing_not_the_values(recorder, monkeypatch):
    monkeypatch.setenv("APPLE_SIGN_IDENTITY", IDENTITY)
    monkeypatch.setenv("APPLE_ID", "dev@example.com")
    monkeypatch.setenv("APPLE_APP_PASSWORD", "abcd-efgh-ijkl-mnop")
    with pytest.raises(RuntimeError) as err:
        signing.mac_notarize_dmg(DMG)
    assert "APPLE_TEAM_ID" in str(err.value)
    assert "abcd-efgh" not in str(err.value) and "dev@example.com" not in str(err.value)
    assert recorder.calls == []


def test_notary_result_reads_the_last_json_line():
    out = 'Conducting pre-submission checks...\n{"id": "x", "status": "Accepted", "message": "ok"}\n'
    assert signing.notary_result(out)["status"] == "Accepted"
    with pytest.raises(RuntimeError, match="no JSON"):
        signing.notary_result("Error: HTTP status code: 401. Unable to authenticate.\n")


# --- Windows ---------------------------------------------------------------------------------

def test_signtool_command_line_and_the_password_is_masked(recorder, monkeypatch, capsys, tmp_path):
    tool = tmp_path / "signtool"
    tool.write_text("#!/bin/sh\n")
    tool.chmod(0o755)
    monkeypatch.setenv("PATH", str(tmp_path))  # find_signtool looks on the PATH first
    monkeypatch.setenv("WINDOWS_SIGN_CERT", r"C:\a\sign.pfx")
    monkeypatch.setenv("WINDOWS_SIGN_PASSWORD", "pfx-secret-1")
    exes = [Path("dist/aurora-console/aurora-console.exe"), Path("dist/aurora-console/aurora-console-cli.exe")]
    signing.windows_sign_files(exes)
    assert recorder.calls == [[str(tool), "sign", "/fd", "SHA256", "/tr", "http://timestamp.digicert.com",
                               "/td", "SHA256", "/f", r"C:\a\sign.pfx", "/p", "pfx-secret-1", *map(str, exes)]]
    out = capsys.readouterr().out
    assert "pfx-secret-1" not in out and "/p ****" in out


def test_signtool_without_password_and_with_another_timestamp_server(monkeypatch):
    for name in ALL_VARS:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("WINDOWS_SIGN_CERT", "sign.pfx")
    monkeypatch.setenv("WINDOWS_SIGN_TIMESTAMP_URL", "http://timestamp.sectigo.com")
    assert signing.windows_sign_args() == ["sign", "/fd", "SHA256", "/tr", "http://timestamp.sectigo.com",
                                           "/td", "SHA256", "/f", "sign.pfx"]


def test_a_configured_certificate_without_signtool_is_an_error(recorder, monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setenv("ProgramFiles(x86)", str(tmp_path))
    monkeypatch.setenv("WINDOWS_SIGN_CERT", "sign.pfx")
    with pytest.raises(RuntimeError, match="signtool"):
        signing.windows_sign_files([Path("a.exe")])
    assert recorder.calls == []


def test_a_failing_sign_tool_never_shows_the_password(monkeypatch, tmp_path):
    """signtool exits non-zero (say, a wrong password): the error names the tool and the masked
    command, not the CalledProcessError text with the password in it."""
    import subprocess

    def failing(cmd, capture=False):
        raise subprocess.CalledProcessError(1, cmd)

    monkeypatch.setattr(signing, "runner", failing)
    monkeypatch.setattr(signing, "find_signtool", lambda: r"C:\SDK\signtool.exe")
    monkeypatch.setenv("WINDOWS_SIGN_CERT", str(tmp_path / "cert.pfx"))
    monkeypatch.setenv("WINDOWS_SIGN_PASSWORD", "pfx secret 42")
    with pytest.raises(RuntimeError) as info:
        signing.windows_sign_files([tmp_path / "aurora-console.exe"])
    text = str(info.value) + repr(info.value.__cause__) + repr(info.value.__context__)
    assert "exited with status 1" in text and "pfx secret 42" not in text and "/p ****" in text
