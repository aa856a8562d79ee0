"""Draw the source icon ``resources/icons/aurora-console.png`` (1024 x 1024) with Pillow.

Run by hand when the design changes (``python packaging/icon_source.py``); the build derives
every platform icon (.ico, .icns, window PNGs) from the committed PNG (see ``icons.py``).
The picture: a night-blue rounded square, three aurora ribbons and a database cylinder.
"""

from __future__ import annotations

import math
import sys
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter

SIZE = 1024
OUT = Path(__file__).resolve().parent.parent / "resources" / "icons" / "aurora-console.png"


def _background() -> Image.Image:
    top, bottom = (14, 24, 56), (6, 10, 28)
    grad = Image.new("RGB", (1, SIZE))
    for y in range(SIZE):
        t = y / (SIZE - 1)
        grad.putpixel((0, y), tuple(round(a + (b - a) * t) for a, b in zip(top, bottom, strict=True)))
    grad = grad.resize((SIZE, SIZE))
    mask = Image.new("L", (SIZE, SIZE), 0)
    ImageDraw.Draw(mask).rounded_rectangle((40, 40, SIZE - 40, SIZE - 40), radius=200, fill=255)
    out = Image.new("RGBA", (SIZE, SIZE), (0, 0, 0, 0))
    out.paste(grad, (0, 0), mask)
    return out


def _ribbon(colour: tuple[int, int, int], phase: float, base_y: float, amp: float) -> Image.Image:
    layer = Image.new("RGBA", (SIZE, SIZE), (0, 0, 0, 0))
    draw = ImageDraw.Draw(layer)
    for x in range(120, SIZE - 120, 4):
        t = (x - 120) / (SIZE - 240)
        y = base_y + amp * math.sin(2 * math.pi * (0.8 * t + phase))
        height = 150 + 90 * math.sin(math.pi * t)
        for k in range(0, int(height), 6):
            alpha = int(255 * (1 - k / height) ** 1.3 * math.sin(math.pi * t) ** 0.6)
            draw.rectangle((x, y - k, x + 4, y - k + 6), fill=(*colour, alpha))
    return layer.filter(ImageFilter.GaussianBlur(8))


def _cylinder(img: Image.Image) -> None:
    draw = ImageDraw.Draw(img)
    left, right, top, bottom, rim = 332, 692, 560, 860, 60
    body = (226, 236, 250, 255)
    edge = (150, 170, 205, 255)
    draw.rectangle((left, top, right, bottom), fill=body)
    draw.ellipse((left, bottom - rim, right, bottom + rim), fill=body)
    for y in (top + 100, top + 200):  # the disk bands
        draw.arc((left, y - rim, right, y + rim), 0, 180, fill=edge, width=12)
    draw.ellipse((left, top - rim, right, top + rim), fill=(245, 249, 255, 255), outline=edge, width=12)


def main() -> int:
    img = _background()
    mask = img.getchannel("A")
    for colour, phase, base_y, amp in (((70, 240, 170), 0.0, 440, 60),
                                       ((50, 210, 240), 0.25, 370, 50),
                                       ((170, 120, 255), 0.55, 300, 40)):
        ribbon = _ribbon(colour, phase, base_y, amp)
        clipped = Image.new("RGBA", (SIZE, SIZE), (0, 0, 0, 0))
        clipped.paste(ribbon, (0, 0), Image.composite(ribbon.getchannel("A"), mask, mask))
        img = Image.alpha_composite(img, clipped)
    _cylinder(img)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    img.save(OUT, optimize=True)
    print(OUT)
    return 0


if __name__ == "__main__":
    sys.exit(main())
