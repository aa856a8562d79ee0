"""packaging/icu_trim.py: the frozen Linux app's smaller ICU data library still serves what Qt
asks ICU for (collation, case mapping, converters, time-zone names), and lacks what was cut.

The trimmed library is built from the venv's PySide6 copy with ICU's own tools (Debian's
icu-devtools), then preloaded into a fresh Python (LD_PRELOAD: the dynamic linker then satisfies
QtCore's libicudata.so.NN with it) that runs Qt's text services.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "packaging"))

import icu_trim  # noqa: E402

PROBE = r"""
import json
from PySide6.QtCore import QCollator, QLocale, QStringDecoder, QTimeZone
maps = [line.split()[-1] for line in open("/proc/self/maps") if "libicudata" in line]
print(json.dumps({
    "loaded": sorted(set(maps)),
    "collation_de": QCollator(QLocale("de_DE")).compare("\u00e4", "b"),
    "collation_sv": QCollator(QLocale("sv_SE")).compare("\u00e4", "z"),
    "upper_tr": QLocale("tr_TR").toUpper("i"),
    "converters": {n: QStringDecoder(n).isValid() for n in ("Shift_JIS", "windows-1251", "GB18030", "EUC-KR")},
    "zone_en": QTimeZone(b"Europe/Berlin").displayName(QTimeZone.TimeType.StandardTime,
                                                       QTimeZone.NameType.LongName, QLocale("en_US")),
    "zone_de": QTimeZone(b"Europe/Berlin").displayName(QTimeZone.TimeType.StandardTime,
                                                       QTimeZone.NameType.LongName, QLocale("de_DE")),
}))
"""


def _wheel_icu_data() -> Path | None:
    import PySide6

    found = sorted((Path(PySide6.__file__).parent / "Qt" / "lib").glob("libicudata.so.*"))
    return found[0] if found else None


@pytest.fixture(scope="module")
def trimmed(tmp_path_factory):
    if not sys.platform.startswith("linux"):
        pytest.skip("the ICU data trim is for the Linux build only (Windows and macOS Qt use the system's ICU)")
    source = _wheel_icu_data()
    if source is None:
        pytest.skip("this PySide6 wheel carries no ICU data library")
    missing = icu_trim.missing_tools()
    if missing:
        message = f"ICU tools missing: {missing} (scripts/install-os-deps.sh installs icu-devtools)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    lib, removed = icu_trim.build_trimmed(source, tmp_path_factory.mktemp("icu"))
    return source, lib, removed


def _probe(preload: Path | None) -> dict:
    import json

    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    if preload is not None:
        env["LD_PRELOAD"] = str(preload)
    out = subprocess.run([sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, timeout=60,
                         check=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def test_trimmed_package_drops_only_the_unused_categories(trimmed, tmp_path):
    source, lib, removed = trimmed
    assert removed > 1000
    assert lib.stat().st_size < source.stat().st_size * 0.65
    major, blob = icu_trim.data_blob(lib)
    assert source.name.endswith(major)
    package = tmp_path / f"icudt{major}l.dat"
    package.write_bytes(blob)
    items = icu_trim.package_items(package)
    categories = {item.split("/", 1)[0] for item in items if "/" in item}
    assert not categories & set(icu_trim.DROP_CATEGORIES)
    assert {"coll", "zone", "region"} <= categories
    assert any(item.endswith(".cnv") for item in items)  # converters stay
    assert "root.res" in items and "cnvalias.icu" in items


def test_qt_text_services_work_on_the_trimmed_data(trimmed):
    _source, lib, _removed = trimmed
    whole, cut = _probe(None), _probe(lib)
    assert cut["loaded"] == [str(lib)]  # the probe really ran on the trimmed library
    assert whole["loaded"] != cut["loaded"]
    for result in (whole, cut):
        assert result["collation_de"] < 0 < result["collation_sv"]  # ä: before b in German, after z in Swedish
        assert result["upper_tr"] == "\u0130"
        assert all(result["converters"].values()), result["converters"]
        assert result["zone_en"] == "Central European Standard Time"
        assert result["zone_de"] == "Mitteleurop\u00e4ische Normalzeit"


def test_data_blob_rejects_other_libraries():
    with pytest.raises(ValueError):
        icu_trim.data_blob(Path(sys.executable))
