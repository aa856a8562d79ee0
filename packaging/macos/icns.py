"""Write a complete macOS .icns: every size iconutil makes from an .iconset, 16 to 1024 px.

Pillow's ICNS writer leaves out the two smallest 1x entries (16x16 ``icp4`` and 32x32 ``icp5``;
it writes ic07-ic14 only), so Finder and the Dock downscale a larger image on 1x displays.
This writes all ten entries of an iconset, each as PNG data (accepted for every one of these
types since macOS 10.7):

    icon_16x16 icp4, icon_16x16@2x ic11, icon_32x32 icp5, icon_32x32@2x ic12,
    icon_128x128 ic07, icon_128x128@2x ic13, icon_256x256 ic08, icon_256x256@2x ic14,
    icon_512x512 ic09, icon_512x512@2x ic10

The container: b"icns", the total length (big-endian uint32), then per entry the 4-byte type,
the entry length (header included) and the data (Apple's icns format as documented with
iconutil, and Pillow's IcnsImagePlugin, which reads it back).
"""

from __future__ import annotations

import io
import struct
from pathlib import Path

# (OSType, pixels, scale) in the order iconutil writes them
ICONSET = [
    (b"icp4", 16, 1), (b"ic11", 32, 2), (b"icp5", 32, 1), (b"ic12", 64, 2),
    (b"ic07", 128, 1), (b"ic13", 256, 2), (b"ic08", 256, 1), (b"ic14", 512, 2),
    (b"ic09", 512, 1), (b"ic10", 1024, 2),
]


def write_icns(image, path: Path) -> Path:
    """Write ``image`` (a Pillow image, ideally 1024x1024 RGBA) as a full .icns at ``path``."""
    from PIL import Image

    image = image.convert("RGBA")
    body = b""
    for ostype, pixels, _scale in ICONSET:
        buf = io.BytesIO()
        image.resize((pixels, pixels), Image.LANCZOS).save(buf, format="PNG")
        data = buf.getvalue()
        body += ostype + struct.pack(">I", 8 + len(data)) + data
    path.write_bytes(b"icns" + struct.pack(">I", 8 + len(body)) + body)
    return path
