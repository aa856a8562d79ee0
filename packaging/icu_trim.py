"""Linux only: a smaller ICU data library for the frozen app (used by aurora-console.spec).

PySide6's Linux wheels carry ICU (``libicudata.so.NN``, 32 MB of data, plus libicuuc/libicui18n)
because QtCore links it. QtCore calls ICU for four things only (``nm -D --undefined-only
libQt6Core.so.6``): converters for non-Unicode encodings (``ucnv_*``: QStringDecoder/Encoder),
collation (``ucol_*``: QCollator), locale-aware case mapping (``u_strToUpper/Lower``) and
time-zone display names (``ucal_getTimeZoneDisplayName``). ICU's data is a package of
separate items (one per locale and category), and ICU looks items up by name and falls back
to the parent locale or an error code when one is missing, so a package without the
categories nobody asks for is a normal, supported ICU configuration (the ICU user guide's
"ICU Data" chapter; ``icupkg`` is ICU's tool for it).

Removed here: break-iterator rules and dictionaries (``brkitr``), currency, language, unit
and rule-based-number-format display data (``curr``, ``lang``, ``unit``, ``rbnf``) and
transliterators (``translit``): about 14 MB. Kept: converters (``cnv``), collation
(``coll``), zone and region names (``zone``, ``region``), the locale, calendar and
normalisation data. The frozen smoke test checks each kept service
(aurora_console/app.py ``_check_text``).

Steps, with ICU's own tools from Debian's ``icu-devtools`` (any recent version: the package
format, "CmnD", is the same across versions; items are copied unchanged):

1. read the data blob out of the shipped library (the ``icudtNN_dat`` symbol);
2. ``icupkg -r list`` writes a package without the removed items (the output must be named
   ``icudtNNl.dat``: icupkg names the items after the package file);
3. ``genccode -a gcc -e icudtNN`` turns it into assembly defining ``icudtNN_dat``;
4. ``cc -shared`` links ``libicudata.so.NN`` with the same soname.

Without the tools the data is left whole and the build says so.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
from pathlib import Path

DROP_CATEGORIES = ("brkitr", "curr", "lang", "rbnf", "translit", "unit")
TOOLS = ("icupkg", "genccode", "cc", "readelf")
_NAME = re.compile(r"libicudata\.so\.(\d+)$")


def missing_tools() -> list[str]:
    return [t for t in TOOLS if shutil.which(t) is None]


def data_blob(library: Path) -> tuple[str, bytes]:
    """(ICU major version, the common-data package stored in ``library``)."""
    major = _NAME.search(library.name)
    if major is None:
        raise ValueError(f"not an ICU data library: {library}")
    symbol = f"icudt{major.group(1)}_dat"
    syms = subprocess.run(["readelf", "--dyn-syms", "-W", str(library)], capture_output=True, text=True,
                          check=True).stdout
    found = [line.split() for line in syms.splitlines() if line.split()[-1:] == [symbol]]
    if not found:
        raise ValueError(f"{library} has no {symbol} symbol")
    value, size = int(found[0][1], 16), int(found[0][2], 0)
    sections = subprocess.run(["readelf", "-S", "-W", str(library)], capture_output=True, text=True,
                              check=True).stdout
    for line in sections.splitlines():
        m = re.match(r"\s*\[\s*\d+\]\s+\S+\s+\S+\s+([0-9a-f]+)\s+([0-9a-f]+)\s+([0-9a-f]+)", line)
        if m:
            addr, offset, length = (int(g, 16) for g in m.groups())
            if addr and addr <= value < addr + length:
                with library.open("rb") as fh:
                    fh.seek(value - addr + offset)
                    blob = fh.read(size)
                if blob[2:4] != b"\xda\x27" or len(blob) != size:
                    raise ValueError(f"{library}: {symbol} does not hold an ICU data package")
                return major.group(1), blob
    raise ValueError(f"{library}: no section holds {symbol}")


def package_items(package: Path) -> list[str]:
    out = subprocess.run(["icupkg", "-l", str(package)], capture_output=True, text=True, check=True).stdout
    return [line.strip() for line in out.splitlines() if line.strip()]


def build_trimmed(library: Path, work: Path) -> tuple[Path, int]:
    """Write a trimmed copy of ``library`` under ``work`` (reused while the input is unchanged).
    Returns (path, number of items removed)."""
    major, blob = data_blob(library)
    digest = hashlib.sha256(blob + ",".join(DROP_CATEGORIES).encode()).hexdigest()[:16]
    folder = work / f"icu-{major}-{digest}"
    target = folder / library.name
    stamp = folder / "removed.txt"
    if target.is_file() and stamp.is_file():
        return target, len(stamp.read_text().split())
    shutil.rmtree(folder, ignore_errors=True)
    (folder / "in").mkdir(parents=True)
    (folder / "out").mkdir()
    pkg_name = f"icudt{major}l.dat"  # icupkg prefixes item names with the package file's name
    source = folder / "in" / pkg_name
    source.write_bytes(blob)
    removed = [item for item in package_items(source) if item.split("/", 1)[0] in DROP_CATEGORIES]
    listing = folder / "remove-list.txt"
    listing.write_text("\n".join(removed) + "\n")
    trimmed = folder / "out" / pkg_name
    subprocess.run(["icupkg", "-r", str(listing), str(source), str(trimmed)], check=True, capture_output=True)
    left = package_items(trimmed)
    if not left or any(item.split("/", 1)[0] in DROP_CATEGORIES for item in left):
        raise RuntimeError(f"icupkg did not remove the items as asked ({len(left)} left)")
    subprocess.run(["genccode", "-q", "-a", "gcc", "-e", f"icudt{major}", "-d", str(folder), str(trimmed)],
                   check=True, capture_output=True)
    (asm,) = folder.glob("*.S")
    tmp = folder / (library.name + ".tmp")
    subprocess.run(["cc", "-shared", "-nostdlib", f"-Wl,-soname,{library.name}", "-Wl,-z,noexecstack",
                    "-o", str(tmp), str(asm)], check=True, capture_output=True)
    asm.unlink()  # ~40 MB of text
    source.unlink()
    tmp.replace(target)
    stamp.write_text("\n".join(removed))
    return target, len(removed)


def trim_icu_data(binaries: list, work: Path) -> tuple[list, str]:
    """Replace the ICU data library in PyInstaller's binaries list by a trimmed build.
    Returns (binaries, a line for the build log)."""
    entries = [b for b in binaries if _NAME.search(b[0].replace("\\", "/").rsplit("/", 1)[-1])]
    if not entries:
        return binaries, "icu_trim: no ICU data library in the bundle"
    missing = missing_tools()
    if missing:
        return binaries, (f"icu_trim: ICU data left whole ({', '.join(missing)} not found; "
                          "install Debian/Ubuntu's icu-devtools and a C compiler)")
    out = []
    notes = []
    for dest, src, kind in binaries:
        if (dest, src, kind) in entries:
            trimmed, count = build_trimmed(Path(src), work)
            before, after = Path(src).stat().st_size, trimmed.stat().st_size
            notes.append(f"{dest}: {before / 1e6:.1f} -> {after / 1e6:.1f} MB ({count} items removed)")
            out.append((dest, str(trimmed), kind))
        else:
            out.append((dest, src, kind))
    return out, "icu_trim: " + "; ".join(notes)
