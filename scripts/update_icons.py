"""Refresh the bundled icon set: the Lucide icons the console uses (ISC licence), from the
``lucide-static`` package on the npm registry, into ``resources/icons/lucide/`` with its licence.

    python3 scripts/update_icons.py [--version 1.87.0]

Needs ``npm`` (only to download the package; nothing from npm runs). The list of icons is
``aurora_console/ui/icon_names.py``'s ``BUNDLED``; add a name there, then run this.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from aurora_console.ui.icon_names import BUNDLED, LUCIDE_VERSION  # noqa: E402

TARGET = ROOT / "resources" / "icons" / "lucide"


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--version", default=LUCIDE_VERSION)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(["npm", "pack", f"lucide-static@{args.version}", "--silent"], cwd=tmp, check=True,
                       stdout=subprocess.DEVNULL)
        tgz = next(Path(tmp).glob("lucide-static-*.tgz"))
        with tarfile.open(tgz) as tar:
            tar.extractall(tmp, filter="data")
        package = Path(tmp) / "package"
        TARGET.mkdir(parents=True, exist_ok=True)
        for old in TARGET.glob("*.svg"):
            old.unlink()
        missing = []
        for name in sorted(set(BUNDLED)):
            src = package / "icons" / f"{name}.svg"
            if not src.is_file():
                missing.append(name)
                continue
            shutil.copyfile(src, TARGET / f"{name}.svg")
        shutil.copyfile(package / "LICENSE", TARGET / "LICENSE.txt")
        (TARGET / "VERSION").write_text(f"lucide-static {args.version}\n", encoding="utf-8")
    if missing:
        print("not in this Lucide version:", ", ".join(missing), file=sys.stderr)
        return 1
    print(f"{len(set(BUNDLED))} icons from lucide-static {args.version} in {TARGET.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
