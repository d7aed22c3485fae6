"""Draws media/shopfloor.png (128x128): a conveyor line with three parts under a sawtooth
factory roof, in flat colours. Pure stdlib (zlib + struct) so it needs no image library."""
import struct, zlib

W = H = 128
BG, ROOF, BELT, PART = (0x1F, 0x4E, 0x79), (0xF2, 0xF2, 0xF2), (0x9C, 0xC3, 0xE6), (0xF5, 0xB7, 0x00)

def pixel(x, y):
    r = 18  # rounded corners
    for cx, cy in ((r, r), (W - r - 1, r), (r, H - r - 1), (W - r - 1, H - r - 1)):
        if (x < r or x > W - r - 1) and (y < r or y > H - r - 1) and (x - cx) ** 2 + (y - cy) ** 2 > r * r:
            return (0, 0, 0, 0)
    # sawtooth roof: three teeth between y=28 and y=60
    if 20 <= x < 108 and 28 <= y < 64:
        tooth = (x - 20) % 30
        if y >= 64 - tooth * 36 // 30 or y >= 58:
            return ROOF + (255,)
    if 20 <= x < 108 and 64 <= y < 76:
        return ROOF + (255,)
    # conveyor belt with parts on it
    if 16 <= x < 112 and 96 <= y < 104:
        return BELT + (255,)
    for px in (28, 58, 88):
        if px <= x < px + 14 and 82 <= y < 96:
            return PART + (255,)
    return BG + (255,)

raw = b''.join(b'\x00' + b''.join(bytes(pixel(x, y)) for x in range(W)) for y in range(H))
def chunk(t, d):
    return struct.pack('>I', len(d)) + t + d + struct.pack('>I', zlib.crc32(t + d) & 0xFFFFFFFF)
png = b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', struct.pack('>IIBBBBB', W, H, 8, 6, 0, 0, 0)) + chunk(b'IDAT', zlib.compress(raw, 9)) + chunk(b'IEND', b'')
open('media/shopfloor.png', 'wb').write(png)
