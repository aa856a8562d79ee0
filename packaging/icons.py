"""Derive the platform icons from the one source image ``resources/icons/aurora-console.png``.

Windows wants an ``.ico`` (16 to 256 px in one file), macOS an ``.icns``, Linux a PNG. Pillow
writes the .ico (IcoImagePlugin ``sizes=``), icnsutil the .icns with every iconset size
(macos/icns.py), on every system, so any runner can build any icon. Used by ``aurora-console.spec``; runnable alone:
``python packaging/icons.py OUT_DIR``.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from macos.icns import write_icns  # noqa: E402 - packaging/macos/icns.py

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "resources" / "icons" / "aurora-console.png"
ICO_SIZES = [(16, 16), (24, 24), (32, 32), (48, 48), (64, 64), (128, 128), (256, 256)]
#: the window icon's sizes, kept beside the source (resources/icons/aurora-console-<n>.png, see
#: ui/icons.py window_icon): a window system asks for these, and decoding and scaling the 1024 px
#: source instead cost ~25 ms of the UI thread before an X11 window's first paint
WINDOW_SIZES = (16, 24, 32, 48, 64, 128, 256)


def make_icons(out_dir: Path, source: Path = SOURCE) -> dict[str, Path]:
    """Write ``aurora-console.{ico,icns,png}`` into ``out_dir``; return them by suffix."""
    from PIL import Image

    out_dir.mkdir(parents=True, exist_ok=True)
    with Image.open(source) as img:
        img = img.convert("RGBA")
        if img.size != (1024, 1024):
            img = img.resize((1024, 1024), Image.LANCZOS)
        paths = {
            "ico": out_dir / "aurora-console.ico",
            "icns": out_dir / "aurora-console.icns",
            "png": out_dir / "aurora-console.png",
        }
        img.save(paths["ico"], format="ICO", sizes=ICO_SIZES)
        write_icns(img, paths["icns"])
        img.resize((256, 256), Image.LANCZOS).save(paths["png"], format="PNG")
    return paths


def make_window_icons(source: Path = SOURCE) -> list[Path]:
    """Write ``aurora-console-<n>.png`` for each of ``WINDOW_SIZES`` beside ``source`` (run again
    whenever the source changes: ``python packaging/icons.py --window-sizes``)."""
    from PIL import Image

    written = []
    with Image.open(source) as img:
        img = img.convert("RGBA")
        for n in WINDOW_SIZES:
            path = source.with_name(f"{source.stem}-{n}.png")
            img.resize((n, n), Image.LANCZOS).save(path, format="PNG", optimize=True)
            written.append(path)
    return written


if __name__ == "__main__" and sys.argv[1:] == ["--window-sizes"]:
    for path in make_window_icons():
        print(path, path.stat().st_size)
elif __name__ == "__main__":
    for kind, path in make_icons(Path(sys.argv[1] if len(sys.argv) > 1 else "build/icons")).items():
        print(kind, path, path.stat().st_size)
