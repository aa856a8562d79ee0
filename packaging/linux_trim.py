"""Linux-only trimming of the PyInstaller binaries list (used by aurora-console.spec).

* :func:`drop_with_deps` removes Qt plugins/libraries the console does not need and then the
  shared libraries that only they needed (found through DT_NEEDED, as ``readelf -d`` shows it).
  The GTK3 platform theme alone drags in cairo, pango, gdk-pixbuf, gio and friends (~9 MB), and
  bundled copies of those next to the system's GTK are a known source of crashes; without it Qt
  uses the XDG desktop portal theme where the desktop offers one, else its generic theme (the
  console applies its own light/dark palette either way).
* :func:`strip_safe` strips symbols from binaries without an ``$ORIGIN`` RPATH/RUNPATH. Wheels
  repaired by auditwheel have their libraries rewritten by patchelf and an RPATH pointing at the
  grafted ``*.libs`` folder; stripping those breaks them ("ELF load command address/offset not
  page-aligned", seen with numpy's OpenBLAS), so they are left alone.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path


def _dynamic(path: str) -> str:
    try:
        return subprocess.run(["readelf", "-d", path], capture_output=True, text=True, check=False).stdout
    except OSError:
        return ""


def needed(path: str) -> set[str]:
    return {line.split("[", 1)[1].split("]", 1)[0] for line in _dynamic(path).splitlines() if "(NEEDED)" in line}


def origin_rpath(path: str) -> bool:
    """Whether the binary's RPATH/RUNPATH is relative to itself ($ORIGIN): what auditwheel's
    patchelf writes (and Qt's libraries carry). An absolute RUNPATH (pyenv's libpython and
    lib-dynload modules) comes from the linker and is no reason to keep the symbols."""
    return any(("(RPATH)" in line or "(RUNPATH)" in line) and "$ORIGIN" in line
               for line in _dynamic(path).splitlines())


def drop_with_deps(binaries: list, drop) -> tuple[list, list[str]]:
    """Remove entries whose destination matches ``drop(dest)``, then top-level libraries no
    remaining entry needs that were needed (directly or not) by a removed one."""
    kept = [b for b in binaries if not drop(b[0])]
    removed = [b for b in binaries if drop(b[0])]
    candidates: set[str] = set()
    for _dest, src, _kind in removed:
        candidates |= needed(src)
    names: list[str] = [b[0] for b in removed]
    while candidates:
        still_needed: set[str] = set()
        for _dest, src, _kind in kept:
            still_needed |= needed(src)
        gone = [b for b in kept if "/" not in b[0] and "\\" not in b[0] and b[0] in candidates
                and b[0] not in still_needed]
        if not gone:
            break
        candidates = set()
        for b in gone:
            kept.remove(b)
            names.append(b[0])
            candidates |= needed(b[1])
    return kept, names


def strip_safe(binaries: list, cache: Path) -> list:
    """Entries with stripped copies (kept in ``cache`` between builds) where stripping is safe."""
    if shutil.which("strip") is None or shutil.which("readelf") is None:
        return binaries
    out = []
    for dest, src, kind in binaries:
        if not origin_rpath(src):
            dst = cache / dest
            if not dst.exists() or dst.stat().st_mtime < Path(src).stat().st_mtime:
                dst.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(src, dst)
                if subprocess.run(["strip", "--strip-unneeded", str(dst)], capture_output=True).returncode != 0:
                    dst.unlink()
                    out.append((dest, src, kind))
                    continue
            src = str(dst)
        out.append((dest, src, kind))
    return out
