#!/usr/bin/env python3
"""Draws the app's icons for the web app manifest (frontend/icons/): Duet's mark, two
overlapping rings (as in the page's favicon), on the dark theme colour, full bleed, the rings
inside the middle 60% so that a maskable crop (a circle, a squircle) never cuts them. PNG,
since not every system takes an SVG icon for a home screen. Python's standard library only
(zlib for PNG); 4x4 samples a pixel for smooth edges.
Run it again only when the mark changes:  python3 scripts/draw-icons.py
"""
import struct
import zlib
from pathlib import Path

BACKGROUND = (0x10, 0x13, 0x18)
# (centre x, centre y, colour) in the favicon's 32x20 box; radius 8, stroke 3.
RINGS = [(11, 10, (0x7C, 0x9C, 0xFF)), (21, 10, (0xF0, 0xA9, 0x8C))]
RADIUS, STROKE = 8.0, 3.0
SAMPLES = 4


def draw(size):
    # The mark's 32 units span 60% of the icon, centred.
    scale = size * 0.6 / 32
    left = (size - 32 * scale) / 2
    top = (size - 20 * scale) / 2
    rows = []
    for py in range(size):
        row = bytearray([0])  # PNG filter: none
        for px in range(size):
            colour = list(BACKGROUND)
            for cx, cy, ring in RINGS:
                covered = 0
                for sy in range(SAMPLES):
                    for sx in range(SAMPLES):
                        x = (px + (sx + 0.5) / SAMPLES - left) / scale
                        y = (py + (sy + 0.5) / SAMPLES - top) / scale
                        d = ((x - cx) ** 2 + (y - cy) ** 2) ** 0.5
                        covered += abs(d - RADIUS) <= STROKE / 2
                alpha = covered / SAMPLES**2
                colour = [round(c * (1 - alpha) + r * alpha) for c, r in zip(colour, ring)]
            row += bytes(colour)
        rows.append(bytes(row))
    return png(size, b"".join(rows))


def png(size, raw):
    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)  # 8-bit RGB
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))


if __name__ == "__main__":
    out = Path(__file__).resolve().parent.parent / "frontend" / "icons"
    out.mkdir(exist_ok=True)
    for size in (192, 512):
        (out / f"icon-{size}.png").write_bytes(draw(size))
