"""Write a complete macOS .icns: every size iconutil makes from an .iconset, 16 to 1024 px.

Pillow's ICNS writer leaves out the two smallest 1x entries (16x16 ``icp4`` and 32x32 ``icp5``;
it writes ic07-ic14 only), so Finder and the Dock would downscale a larger image on 1x
displays. icnsutil (PyPI) writes any set of entries; each is given as PNG data (accepted for
every one of these types since macOS 10.7):

    icon_16x16 icp4, icon_16x16@2x ic11, icon_32x32 icp5, icon_32x32@2x ic12,
    icon_128x128 ic07, icon_128x128@2x ic13, icon_256x256 ic08, icon_256x256@2x ic14,
    icon_512x512 ic09, icon_512x512@2x ic10
"""

from __future__ import annotations

import io
from pathlib import Path

# (OSType, pixels, scale) in the order iconutil writes them
ICONSET = [
    ("icp4", 16, 1), ("ic11", 32, 2), ("icp5", 32, 1), ("ic12", 64, 2),
    ("ic07", 128, 1), ("ic13", 256, 2), ("ic08", 256, 1), ("ic14", 512, 2),
    ("ic09", 512, 1), ("ic10", 1024, 2),
]


def write_icns(image, path: Path) -> Path:
    """Write ``image`` (a Pillow image, ideally 1024x1024 RGBA) as a full .icns at ``path``."""
    import icnsutil
    from PIL import Image

    image = image.convert("RGBA")
    icns = icnsutil.IcnsFile()
    for ostype, pixels, _scale in ICONSET:
        buf = io.BytesIO()
        image.resize((pixels, pixels), Image.LANCZOS).save(buf, format="PNG")
        icns.add_media(ostype, data=buf.getvalue())
    icns.write(str(path), toc=False)
    return Path(path)
