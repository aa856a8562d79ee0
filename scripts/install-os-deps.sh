#!/usr/bin/env bash
# Installs the OS packages Aurora Console's tests and sandbox need on Debian/Ubuntu:
# Qt runtime libraries, OpenSSH client and server, PostgreSQL (if no server binaries are found), MariaDB,
# Xvfb (to look at the real window headless). Safe to run twice; does nothing it need not.
set -euo pipefail

packages=(
  # Qt 6 (PySide6) runtime: xcb and offscreen platforms, fonts, EGL/GL
  libegl1 libgl1 libxkbcommon0 libxkbcommon-x11-0 libfontconfig1 fonts-dejavu-core libdbus-1-3 libglib2.0-0
  libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 libxcb-randr0 libxcb-render-util0
  libxcb-shape0 libxcb-xinerama0 libxcb-xfixes0 libxcb-xkb1 libx11-xcb1
  # the tunnels' native backend and the test rig's real sshd
  openssh-client openssh-server
  # a screen for the GUI on headless machines, and screenshots
  xvfb xauth
  # python venv
  python3-venv
  # the MySQL-compatible server of the test rig and the sandbox (tests/rig/mysql.py, sandbox/mysql.py)
  # and the client the driver benchmark compares with (benchmarks/mysql_drivers.py)
  mariadb-server mariadb-client
  # tests/packaging/test_release_workflow.py: actionlint checks the workflow's run: scripts with it
  shellcheck
  # the frozen Linux build (tests/packaging): ICU's icupkg/genccode, readelf and a C compiler
  # make the smaller ICU data library (packaging/icu_trim.py); readelf and strip for linux_trim.py
  icu-devtools binutils gcc
)

have_pg() {
  command -v pg_config >/dev/null 2>&1 && [ -x "$(pg_config --bindir)/initdb" ] && return 0
  ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 && return 0
  command -v initdb >/dev/null 2>&1
}
have_pg || packages+=(postgresql)

# The Windows installer check (tests/packaging/test_windows_installer.py): Wine runs Inno Setup's
# 32-bit compiler and Setup (so Debian needs wine32 from the i386 architecture), MinGW builds the
# stand-in programs, osslsigncode stands in for signtool.exe; the check itself npm-installs the
# pinned Inno Setup into build/innosetup.
# About 1.3 GB. Installed in CI (CI set) or when asked (AURORA_WINDOWS_CHECK=1); elsewhere that
# test skips and says why. A failure here is reported and the script goes on: the test then fails
# in CI with the reason.
windows_check_tools() {
  local want=(wine wine64 wine32:i386 gcc-mingw-w64-x86-64 osslsigncode) need=() p sudo=""
  for p in "${want[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || need+=("$p")
  done
  [ ${#need[@]} -eq 0 ] && return 0
  command -v apt-get >/dev/null 2>&1 || { echo "Windows installer check needs: ${need[*]}" >&2; return 1; }
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null 2>&1 || { echo "as root run: apt-get install ${need[*]}" >&2; return 1; }
    sudo="sudo"
  fi
  echo "Installing the Windows installer check's tools: ${need[*]}"
  local added=no
  if ! dpkg --print-foreign-architectures | grep -qx i386; then
    $sudo dpkg --add-architecture i386 && added=yes
  fi
  # a mirror without (current) i386 indexes must not break the apt-get update below: undo
  if $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
      $sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null; then
    return 0
  fi
  if [ "$added" = yes ] && ! dpkg-query -W -f='${Architecture}\n' 2>/dev/null | grep -qx i386; then
    echo "removing the i386 architecture again" >&2
    $sudo dpkg --remove-architecture i386 && $sudo apt-get update -qq || true
  fi
  return 1
}
if [ -n "${CI:-}" ] || [ "${AURORA_WINDOWS_CHECK:-}" = 1 ]; then
  # The outcome is recorded for tests/packaging/test_windows_installer.py: when the package
  # mirror cannot provide the tools (seen: a stale bookworm-security i386 index), CI reports that
  # test as skipped with this reason instead of failing the whole run on the mirror's state.
  record="$(cd "$(dirname "$0")/.." && pwd)/build/os-deps/windows-check-unavailable.txt"
  mkdir -p "$(dirname "$record")"
  if windows_check_tools; then
    rm -f "$record"
  else
    echo "the OS packages for the Wine check (wine32:i386, MinGW, osslsigncode) could not be installed" \
      "from this machine's package mirror on $(date -u +%Y-%m-%dT%H:%MZ); see the .ci/run log" > "$record"
    echo "WARNING: Wine/MinGW not installed: tests/packaging/test_windows_installer.py will be skipped" >&2
  fi
fi

missing=()
for p in "${packages[@]}"; do
  # Debian 13 / Ubuntu 24.04 renamed some libraries with a t64 suffix: either name will do
  installed=no
  for name in "$p" "${p}t64"; do
    dpkg-query -W -f='${Status}' "$name" 2>/dev/null | grep -q "install ok installed" && installed=yes
  done
  [ "$installed" = yes ] || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "OS packages: all present"
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "Missing OS packages (install them with your package manager): ${missing[*]}" >&2
  exit 1
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
    echo "Missing OS packages; as root run: apt-get install -y ${missing[*]}" >&2; exit 1; fi
fi
echo "Installing OS packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
# a packaged PostgreSQL starts a cluster of its own; the console and the tests run their own
if [[ " ${missing[*]} " == *" postgresql "* ]] && command -v service >/dev/null 2>&1; then
  $SUDO service postgresql stop >/dev/null 2>&1 || true
fi
if [[ " ${missing[*]} " == *" mariadb-server "* ]] && command -v service >/dev/null 2>&1; then
  $SUDO service mariadb stop >/dev/null 2>&1 || true
fi
echo "OS packages installed"
