"""Run ``--smoke-test`` of the frozen app (or of the source) in an isolated home and parse it.

The smoke test prints one JSON line (``ok``, ``timings``, ``checks``, ``errors``) and exits 0 or
1. Each run gets its own ``AURORA_CONSOLE_HOME`` and empty AWS config files, so it never reads
the builder's settings or AWS profiles. Afterwards the app's log is searched for what a frozen
app gets wrong (a screen that failed to load, a missing module, a missing botocore model).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

LOG_PROBLEMS = ("failed to load", "ModuleNotFoundError", "ImportError", "UnknownServiceError",
                "DataNotFoundError", "No module named")


@dataclass
class SmokeResult:
    label: str
    returncode: int
    wall: float
    report: dict | None
    problems: list[str] = field(default_factory=list)
    output_tail: str = ""

    @property
    def ok(self) -> bool:
        return self.returncode == 0 and bool(self.report and self.report.get("ok")) and not self.problems

    def summary(self) -> str:
        timings = (self.report or {}).get("timings", {})
        state = "ok" if self.ok else "FAILED"
        extra = ""
        if self.report:
            extra = f" clusters={self.report.get('clusters')} checks={self.report.get('checks')}"
        return f"{self.label}: {state} in {self.wall:.1f} s (app timings {timings}){extra}"


def smoke_env(home: Path, offscreen: bool) -> dict[str, str]:
    env = dict(os.environ)
    for name in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_REGION", "AWS_DEFAULT_REGION", "AWS_ACCESS_KEY_ID",
                 "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL"):
        env.pop(name, None)
    if "aurora_console.testing" in env.get("PYTHON_KEYRING_BACKEND", ""):
        env.pop("PYTHON_KEYRING_BACKEND")  # our test rig's in-memory keyring is not in the frozen app
    aws = home / "aws"
    aws.mkdir(parents=True, exist_ok=True)
    (aws / "config").write_text("")
    (aws / "credentials").write_text("")
    env.update({"AURORA_CONSOLE_HOME": str(home / "app"), "AWS_CONFIG_FILE": str(aws / "config"),
                "AWS_SHARED_CREDENTIALS_FILE": str(aws / "credentials"), "AWS_EC2_METADATA_DISABLED": "true"})
    if offscreen:
        env["QT_QPA_PLATFORM"] = "offscreen"
    return env


def want_offscreen() -> bool:
    """Offscreen on Linux without a display (CI); real windows elsewhere (the runners have a desktop)."""
    if os.environ.get("QT_QPA_PLATFORM"):
        return os.environ["QT_QPA_PLATFORM"] == "offscreen"
    return sys.platform.startswith("linux") and not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def log_problems(home: Path) -> list[str]:
    log = home / "app" / "logs" / "aurora-console.log"
    try:
        lines = log.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return []
    return [ln.strip() for ln in lines if any(p in ln for p in LOG_PROBLEMS)][:10]


def run_smoke(label: str, command: list[str], *, sandbox: bool, offscreen: bool, timeout: float = 420,
              json_output: bool = True) -> SmokeResult:
    """Run ``command --smoke-test`` (``--sandbox`` too when asked) in a fresh temporary home."""
    with tempfile.TemporaryDirectory(prefix="aurora-smoke-") as tmp:
        home = Path(tmp)
        argv = [*command, "--smoke-test"]
        if sandbox:
            argv += ["--sandbox", "--sandbox-dir", str(home / "sandbox")]
        started = time.perf_counter()
        try:
            proc = subprocess.run(argv, env=smoke_env(home, offscreen), capture_output=True, text=True,
                                  timeout=timeout, stdin=subprocess.DEVNULL)
        except subprocess.TimeoutExpired as exc:
            out = (exc.stdout or b"")
            out = out.decode(errors="replace") if isinstance(out, bytes) else out
            return SmokeResult(label, -1, time.perf_counter() - started, None, [f"timed out after {timeout:.0f} s"],
                               out[-2000:])
        wall = time.perf_counter() - started
        report = None
        for line in reversed(proc.stdout.splitlines()):
            if line.startswith("{"):
                try:
                    report = json.loads(line)
                except json.JSONDecodeError:
                    pass
                break
        problems = log_problems(home)
        if json_output and report is None:
            problems.append("no JSON line on stdout")
        if not json_output and proc.returncode == 0:
            report = {"ok": True, "note": "windowed executable: exit status only"}
        tail = "\n".join((proc.stdout + "\n" + proc.stderr).strip().splitlines()[-25:])
        return SmokeResult(label, proc.returncode, wall, report, problems, tail)
