"""Generate the sample publication's placeholder photos with Pillow."""

from __future__ import annotations

import random
from math import cos, sin
from pathlib import Path
from typing import Callable

from PIL import Image, ImageDraw, ImageFilter, ImageFont

ROOT = Path(__file__).resolve().parent.parent / "issues"
LANDSCAPE = (1600, 1067)
PORTRAIT = (1067, 1600)

RGB = tuple[int, int, int]


# --------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------


def gradient(size: tuple[int, int], top: RGB, bottom: RGB) -> Image.Image:
    """Vertical gradient from ``top`` to ``bottom``."""
    mask = Image.linear_gradient("L").resize(size)
    return Image.composite(Image.new("RGB", size, bottom), Image.new("RGB", size, top), mask)


def add_grain(img: Image.Image, rng: random.Random, amount: float = 0.06, blur: float = 0.7) -> Image.Image:
    """Blend in deterministic film grain, then soften slightly."""
    w, h = img.size
    noise = Image.frombytes("L", (w // 2, h // 2), rng.randbytes((w // 2) * (h // 2)))
    noise = noise.resize((w, h), Image.BILINEAR).convert("RGB")
    out = Image.blend(img, noise, amount)
    return out.filter(ImageFilter.GaussianBlur(blur))


def vignette(img: Image.Image, strength: int = 90) -> Image.Image:
    w, h = img.size
    mask = Image.radial_gradient("L").resize((w, h))
    dark = Image.new("RGB", (w, h), (0, 0, 0))
    mask = mask.point(lambda v: max(0, v - 128) * strength // 127)
    return Image.composite(dark, img, mask)


def skyline(draw: ImageDraw.ImageDraw, rng: random.Random, base_y: int, width: int,
            colour: RGB, lit: RGB | None, min_h: int, max_h: int) -> None:
    """Row of building silhouettes with optional lit windows."""
    x = -20
    while x < width:
        bw = rng.randint(60, 180)
        bh = rng.randint(min_h, max_h)
        top = base_y - bh
        draw.rectangle([x, top, x + bw, base_y], fill=colour)
        if rng.random() < 0.3:  # pitched roof
            draw.polygon([(x, top), (x + bw // 2, top - bw // 3), (x + bw, top)], fill=colour)
        if lit is not None:
            for wy in range(top + 14, base_y - 20, 26):
                for wx in range(x + 10, x + bw - 14, 22):
                    if rng.random() < 0.35:
                        draw.rectangle([wx, wy, wx + 9, wy + 13], fill=lit)
        x += bw + rng.randint(-10, 8)


def crowd(draw: ImageDraw.ImageDraw, rng: random.Random, y0: int, y1: int, width: int,
          palette: list[RGB], placards: bool = True) -> None:
    """Rows of simple people shapes, back rows smaller."""
    rows = 6
    for r in range(rows):
        scale = 0.45 + 0.55 * r / (rows - 1)
        y = int(y0 + (y1 - y0) * r / (rows - 1))
        x = rng.randint(-30, 0)
        while x < width + 30:
            head = int(26 * scale)
            body_w = int(70 * scale)
            col = rng.choice(palette)
            skin = rng.choice([(224, 180, 150), (180, 130, 95), (120, 80, 55), (240, 205, 180)])
            draw.rounded_rectangle([x, y, x + body_w, y + int(240 * scale)], radius=int(22 * scale), fill=col)
            cx = x + body_w // 2
            draw.ellipse([cx - head, y - 2 * head + 4, cx + head, y + 4], fill=skin)
            if placards and rng.random() < 0.18:
                pw, ph = int(120 * scale), int(80 * scale)
                py = y - int(190 * scale)
                draw.line([cx, py + ph, cx, y], fill=(90, 70, 50), width=max(2, int(6 * scale)))
                colour = rng.choice([(250, 250, 240), (230, 40, 40), (250, 210, 40)])
                draw.rectangle([cx - pw // 2, py, cx + pw // 2, py + ph], fill=colour)
                for ly in range(py + ph // 4, py + ph - 5, max(6, ph // 4)):
                    draw.line([cx - pw // 3, ly, cx + pw // 3, ly], fill=(40, 40, 40), width=max(2, int(5 * scale)))
            x += body_w + rng.randint(-int(20 * scale), int(10 * scale))


def tram(draw: ImageDraw.ImageDraw, x: int, y: int, length: int, height: int,
         body: RGB, stripe: RGB, window: RGB) -> None:
    """Side view of a tram with pantograph."""
    draw.rounded_rectangle([x, y, x + length, y + height], radius=height // 5, fill=body)
    draw.rectangle([x, y + int(height * 0.72), x + length, y + int(height * 0.8)], fill=stripe)
    n = max(3, length // 130)
    gap = length / n
    for i in range(n):
        wx = int(x + i * gap + gap * 0.15)
        draw.rounded_rectangle([wx, y + int(height * 0.18), int(wx + gap * 0.7), y + int(height * 0.55)],
                               radius=8, fill=window)
    for wx in (x + length // 3, x + 2 * length // 3):  # doors
        draw.rectangle([wx - 28, y + int(height * 0.15), wx + 28, y + height - 6], fill=(60, 60, 64))
    for wx in range(x + 60, x + length - 40, length // 4):  # wheels / bogies
        draw.rectangle([wx, y + height, wx + 90, y + height + 22], fill=(30, 30, 32))
    px = x + length // 2
    draw.line([px - 40, y, px, y - 70, px + 40, y - 110], fill=(40, 40, 40), width=5)


def font(size: int) -> ImageFont.ImageFont | ImageFont.FreeTypeFont:
    try:
        return ImageFont.load_default(size=size)
    except TypeError:  # very old Pillow
        return ImageFont.load_default()


# --------------------------------------------------------------------------
# Scenes
# --------------------------------------------------------------------------


def tram_depot(rng: random.Random, size: tuple[int, int]) -> Image.Image:
    w, h = size
    img = gradient(size, (150, 180, 210), (232, 222, 205))
    d = ImageDraw.Draw(img)
    skyline(d, rng, int(h * 0.55), w, (150, 160, 175), None, 80, 220)
    # depot shed with arched doors
    d.rectangle([80, int(h * 0.28), w - 80, int(h * 0.78)], fill=(140, 70, 55))
    d.polygon([(60, int(h * 0.28)), (w // 2, int(h * 0.14)), (w - 60, int(h * 0.28))], fill=(90, 50, 45))
    for i in range(4):
        ax = 160 + i * (w - 320) // 4
        d.rectangle([ax, int(h * 0.45), ax + 240, int(h * 0.78)], fill=(35, 32, 34))
        d.pieslice([ax, int(h * 0.37), ax + 240, int(h * 0.53)], 180, 360, fill=(35, 32, 34))
    d.rectangle([0, int(h * 0.78), w, h], fill=(95, 92, 88))
    for ry in (int(h * 0.84), int(h * 0.92)):
        d.line([0, ry, w, ry + 30], fill=(60, 58, 55), width=8)
    tram(d, 240, int(h * 0.58), 900, 190, (210, 40, 45), (245, 245, 245), (180, 210, 230))
    d.line([0, int(h * 0.41), w, int(h * 0.40)], fill=(40, 40, 40), width=3)
    return vignette(add_grain(img, rng), 60)


def picket_line(rng: random.Random, size: tuple[int, int]) -> Image.Image:
    w, h = size
    img = gradient(size, (170, 175, 185), (210, 205, 200))
    d = ImageDraw.Draw(img)
    d.rectangle([0, int(h * 0.12), w, int(h * 0.55)], fill=(130, 70, 58))  # brick wall
    for by in range(int(h * 0.12), int(h * 0.55), 24):
        d.line([0, by, w, by], fill=(110, 60, 50), width=2)
    d.rectangle([w // 2 - 200, int(h * 0.2), w // 2 + 200, int(h * 0.55)], fill=(45, 50, 55))  # gate
    for gx in range(w // 2 - 190, w // 2 + 200, 30):
        d.line([gx, int(h * 0.2), gx, int(h * 0.55)], fill=(90, 95, 100), width=4)
    d.rectangle([0, int(h * 0.55), w, h], fill=(120, 118, 115))
    # brazier
    d.rectangle([120, int(h * 0.62), 200, int(h * 0.75)], fill=(50, 45, 40))
    d.ellipse([110, int(h * 0.55), 210, int(h * 0.64)], fill=(250, 150, 40))
    crowd(d, rng, int(h * 0.45), int(h * 0.8), w,
          [(40, 50, 90), (200, 60, 40), (60, 60, 60), (240, 200, 40), (30, 90, 60), (90, 40, 70)])
    return vignette(add_grain(img, rng, 0.07), 70)


def depot_night(rng: random.Random, size: tuple[int, int]) -> Image.Image:
    w, h = size
    img = gradient(size, (10, 14, 35), (55, 45, 70))
    d = ImageDraw.Draw(img)
    for _ in range(120):
        sx, sy = rng.randrange(w), rng.randrange(int(h * 0.4))
        d.point((sx, sy), fill=(230, 230, 255))
    skyline(d, rng, int(h * 0.7), w, (18, 18, 26), (250, 210, 120), 200, 700)
    d.rectangle([0, int(h * 0.7), w, h], fill=(25, 25, 30))
    # lamp post glow
    for lx in (w // 4, 3 * w // 4):
        glow = Image.new("L", size, 0)
        ImageDraw.Draw(glow).ellipse([lx - 160, int(h * 0.42) - 160, lx + 160, int(h * 0.42) + 160], fill=120)
        glow = glow.filter(ImageFilter.GaussianBlur(70))
        img = Image.composite(Image.new("RGB", size, (255, 200, 120)), img, glow)
        d = ImageDraw.Draw(img)
        d.line([lx, int(h * 0.42), lx, int(h * 0.72)], fill=(10, 10, 10), width=10)
    tram(d, w // 8, int(h * 0.74), int(w * 0.75), 150, (120, 25, 30), (150, 150, 150), (255, 220, 150))
    return add_grain(img, rng, 0.08, 0.9)


def library_exterior(rng: random.Random, size: tuple[int, int]) -> Image.Image:
    w, h = size
    img = gradient(size, (120, 160, 205), (215, 225, 235))
    d = ImageDraw.Draw(img)
    for _ in range(6):  # clouds
        cx, cy = rng.randrange(w), rng.randrange(int(h * 0.3))
        for _ in range(6):
            r = rng.randint(40, 90)
            ox = cx + rng.randint(-120, 120)
            d.ellipse([ox - r, cy - r // 2, ox + r, cy + r // 2], fill=(245, 245, 248))
    stone = (205, 190, 160)
    d.rectangle([200, int(h * 0.35), w - 200, int(h * 0.82)], fill=stone)
    d.polygon([(170, int(h * 0.35)), (w // 2, int(h * 0.18)), (w - 170, int(h * 0.35))], fill=(190, 175, 145))
    for i in range(6):  # columns
        cx = 300 + i * (w - 600) // 5
        d.rectangle([cx - 22, int(h * 0.40), cx + 22, int(h * 0.78)], fill=(230, 220, 200))
    d.rectangle([w // 2 - 70, int(h * 0.55), w // 2 + 70, int(h * 0.78)], fill=(70, 50, 40))
    for s in range(5):  # steps
        d.rectangle([180 - s * 20, int(h * 0.78) + s * 16, w - 180 + s * 20, int(h * 0.78) + (s + 1) * 16],
                    fill=(180 - s * 8, 170 - s * 8, 150 - s * 8))
    d.rectangle([0, int(h * 0.78) + 80, w, h], fill=(110, 120, 100))
    d.rectangle([w // 2 - 300, int(h * 0.37), w // 2 + 300, int(h * 0.40)], fill=(120, 100, 80))
    crowd(d, rng, int(h * 0.9), int(h * 1.05), w, [(60, 60, 110), (150, 40, 50), (40, 80, 60)], placards=False)
    return add_grain(img, rng, 0.05)


def ballot_chart(rng: random.Random, size: tuple[int, int]) -> Image.Image:
    w, h = size
    img = Image.new("RGB", size, (250, 248, 242))
    d = ImageDraw.Draw(img)
    bars = [("Yes to strike", 87, (200, 40, 45)), ("No", 13, (90, 100, 110)),
            ("Yes to action short of strike", 94, (230, 140, 30)), ("No", 6, (90, 100, 110))]
    left, top, right = 120, 170, w - 80
    bottom = h - 190
    d.text((left, 50), "Depot ballot results (% of votes cast)", fill=(30, 30, 30), font=font(44))
    for pct in range(0, 101, 25):
        y = bottom - (bottom - top) * pct / 100
        d.line([left, y, right, y], fill=(215, 212, 205), width=2)
        d.text((left - 90, y - 16), f"{pct}%", fill=(90, 90, 90), font=font(28))
    slot = (right - left) / len(bars)
    for i, (label, pct, colour) in enumerate(bars):
        x0 = left + i * slot + slot * 0.18
        x1 = left + (i + 1) * slot - slot * 0.18
        y = bottom - (bottom - top) * pct / 100
        d.rectangle([x0, y, x1, bottom], fill=colour)
        d.text((x0, y - 44), f"{pct}%", fill=(30, 30, 30), font=font(34))
        d.text((x0 - 10, bottom + 20), label if len(label) < 14 else "Yes to action", fill=(30, 30, 30), font=font(28))
        if len(label) >= 14:
            d.text((x0 - 10, bottom + 54), "short of strike", fill=(30, 30, 30), font=font(28))
    d.line([left, bottom, right, bottom], fill=(30, 30, 30), width=3)
    d.text((left, h - 70), "Turnout 78%. Source: union ballot notice.", fill=(90, 90, 90), font=font(28))
    return img


def river_flood(rng: random.Random, size: tuple[int, int]) -> Image.Image:
    w, h = size
    img = gradient(size, (140, 150, 160), (190, 195, 195))
    d = ImageDraw.Draw(img)
    for i in range(14):  # trees on far bank
        tx = i * w // 13 + rng.randint(-30, 30)
        r = rng.randint(50, 100)
        d.ellipse([tx - r, int(h * 0.38) - r, tx + r, int(h * 0.38) + r], fill=(60 + rng.randint(0, 30), 85, 55))
    d.rectangle([0, int(h * 0.42), w, h], fill=(110, 105, 85))  # muddy water
    for _ in range(160):
        y = rng.randint(int(h * 0.44), h)
        x = rng.randrange(w)
        d.line([x, y, x + rng.randint(30, 140), y], fill=(140, 135, 115), width=2)
    # submerged path railings and a sign
    for px in range(0, w, 70):
        d.line([px, int(h * 0.6), px + 10, int(h * 0.72)], fill=(40, 40, 40), width=6)
    d.line([0, int(h * 0.6), w, int(h * 0.62)], fill=(40, 40, 40), width=6)
    d.rectangle([w - 420, int(h * 0.25), w - 160, int(h * 0.42)], fill=(245, 200, 30))
    d.polygon([(w - 290, int(h * 0.27)), (w - 360, int(h * 0.39)), (w - 220, int(h * 0.39))], fill=(20, 20, 20))
    d.line([w - 290, int(h * 0.42), w - 290, int(h * 0.75)], fill=(80, 80, 80), width=10)
    return add_grain(img, rng, 0.06)


def harbour_cranes(rng: random.Random, size: tuple[int, int]) -> Image.Image:
    w, h = size
    img = gradient(size, (235, 150, 90), (250, 215, 170))
    d = ImageDraw.Draw(img)
    d.ellipse([w * 0.62, h * 0.3, w * 0.62 + 150, h * 0.3 + 150], fill=(255, 235, 180))
    d.rectangle([0, int(h * 0.66), w, h], fill=(60, 70, 90))
    for _ in range(90):
        y = rng.randint(int(h * 0.67), h)
        x = rng.randrange(w)
        d.line([x, y, x + rng.randint(20, 90), y], fill=(230, 170, 110), width=2)
    steel = (35, 30, 40)
    for cx in (200, 620, 1080):
        base = int(h * 0.62)
        d.line([cx, base, cx + 40, int(h * 0.2)], fill=steel, width=14)
        d.line([cx + 120, base, cx + 80, int(h * 0.2)], fill=steel, width=14)
        d.line([cx - 160, int(h * 0.22), cx + 330, int(h * 0.22)], fill=steel, width=16)
        d.line([cx + 60, int(h * 0.08), cx - 150, int(h * 0.22)], fill=steel, width=4)
        d.line([cx + 60, int(h * 0.08), cx + 320, int(h * 0.22)], fill=steel, width=4)
        d.line([cx + 250, int(h * 0.22), cx + 250, int(h * 0.45)], fill=steel, width=3)
    d.rectangle([0, int(h * 0.6), w, int(h * 0.66)], fill=steel)
    x = 40
    while x < w - 100:  # containers
        cw = rng.randint(120, 200)
        col = rng.choice([(170, 50, 40), (40, 90, 140), (60, 120, 70), (200, 140, 40)])
        d.rectangle([x, int(h * 0.52), x + cw, int(h * 0.6)], fill=col)
        x += cw + 6
    return add_grain(img, rng, 0.05)


def choir_portrait(rng: random.Random, size: tuple[int, int]) -> Image.Image:
    w, h = size
    img = gradient(size, (60, 35, 30), (120, 80, 50))
    d = ImageDraw.Draw(img)
    # gothic window
    d.rectangle([w // 2 - 220, 180, w // 2 + 220, 820], fill=(180, 200, 230))
    d.pieslice([w // 2 - 220, -40, w // 2 + 220, 400], 180, 360, fill=(180, 200, 230))
    for i in range(1, 4):
        x = w // 2 - 220 + i * 110
        d.line([x, 160, x, 820], fill=(50, 35, 30), width=10)
    for y in range(300, 820, 130):
        d.line([w // 2 - 220, y, w // 2 + 220, y], fill=(50, 35, 30), width=10)
    # choir in robes, tiered
    crowd(d, rng, 900, 1400, w, [(40, 40, 80), (45, 45, 90), (35, 35, 70)], placards=False)
    d.rectangle([0, 1450, w, h], fill=(70, 45, 30))
    light = Image.new("L", size, 0)
    ImageDraw.Draw(light).polygon([(w // 2 - 200, 500), (w // 2 + 200, 500), (w, h), (0, h)], fill=70)
    light = light.filter(ImageFilter.GaussianBlur(60))
    img = Image.composite(Image.new("RGB", size, (255, 230, 180)), img, light)
    return vignette(add_grain(img, rng, 0.07), 110)


def gallery_interior(rng: random.Random, size: tuple[int, int]) -> Image.Image:
    w, h = size
    img = gradient(size, (238, 236, 230), (200, 196, 188))
    d = ImageDraw.Draw(img)
    d.polygon([(0, int(h * 0.78)), (w, int(h * 0.78)), (w, h), (0, h)], fill=(150, 110, 75))
    for i in range(0, w, 90):
        d.line([i, int(h * 0.78), i - 200, h], fill=(130, 95, 65), width=3)
    for i in range(4):  # framed canvases
        fx = 110 + i * 370
        fw, fh = rng.randint(240, 300), rng.randint(240, 380)
        fy = int(h * 0.45) - fh // 2
        d.rectangle([fx - 12, fy - 12, fx + fw + 12, fy + fh + 12], fill=(60, 45, 30))
        canvas = gradient((fw, fh), tuple(rng.randint(40, 230) for _ in range(3)),
                          tuple(rng.randint(40, 230) for _ in range(3)))
        cd = ImageDraw.Draw(canvas)
        for _ in range(5):
            x0, y0 = rng.randrange(fw), rng.randrange(fh)
            cd.ellipse([x0 - 40, y0 - 40, x0 + 40, y0 + 40], fill=tuple(rng.randint(20, 250) for _ in range(3)))
        img.paste(canvas, (fx, fy))
        d.ellipse([fx + fw // 2 - 40, fy - 60, fx + fw // 2 + 40, fy - 30], fill=(255, 250, 225))
    crowd(d, rng, int(h * 0.72), int(h * 0.85), w // 3, [(30, 30, 30), (150, 60, 60)], placards=False)
    return add_grain(img, rng, 0.04)


def bridge_works(rng: random.Random, size: tuple[int, int]) -> Image.Image:
    w, h = size
    img = gradient(size, (170, 190, 210), (225, 225, 220))
    d = ImageDraw.Draw(img)
    skyline(d, rng, int(h * 0.5), w, (160, 165, 175), None, 60, 180)
    d.rectangle([0, int(h * 0.62), w, h], fill=(80, 100, 110))
    for i in range(3):  # arches
        ax = 50 + i * 520
        d.rectangle([ax, int(h * 0.42), ax + 520, int(h * 0.5)], fill=(150, 140, 125))
        d.pieslice([ax + 60, int(h * 0.5) - 10, ax + 460, int(h * 0.85)], 180, 360, fill=(80, 100, 110))
        d.rectangle([ax + 470, int(h * 0.5), ax + 560, int(h * 0.7)], fill=(150, 140, 125))
    # scaffolding
    for sx in range(560, 1100, 60):
        d.line([sx, int(h * 0.25), sx, int(h * 0.66)], fill=(120, 120, 125), width=5)
    for sy in range(int(h * 0.25), int(h * 0.66), 70):
        d.line([560, sy, 1080, sy], fill=(120, 120, 125), width=5)
    d.rectangle([600, int(h * 0.3), 1040, int(h * 0.4)], fill=(240, 120, 30))
    for bx in range(100, w, 240):  # barriers
        d.rectangle([bx, int(h * 0.39), bx + 120, int(h * 0.42)], fill=(230, 40, 40))
        d.rectangle([bx + 40, int(h * 0.39), bx + 80, int(h * 0.42)], fill=(250, 250, 250))
    return add_grain(img, rng, 0.05)


def allotments(rng: random.Random, size: tuple[int, int]) -> Image.Image:
    w, h = size
    img = gradient(size, (160, 195, 225), (230, 235, 225))
    d = ImageDraw.Draw(img)
    d.rectangle([0, int(h * 0.4), w, h], fill=(95, 125, 60))
    for row in range(6):  # beds in perspective
        y0 = int(h * 0.42 + row * row * 12 + row * 40)
        for col in range(-2, 9):
            bw = 140 + row * 40
            x0 = col * (bw + 30) + (row % 2) * 50
            d.rectangle([x0, y0, x0 + bw, y0 + 20 + row * 10], fill=(90, 65, 40))
            for k in range(x0 + 10, x0 + bw - 10, 28 + row * 4):
                r = 6 + row * 2
                d.ellipse([k - r, y0 - r // 2, k + r, y0 + r], fill=(50 + rng.randint(0, 60), 140, 60))
    # shed and water butt
    d.rectangle([1150, int(h * 0.22), 1420, int(h * 0.45)], fill=(110, 80, 55))
    d.polygon([(1130, int(h * 0.22)), (1285, int(h * 0.12)), (1440, int(h * 0.22))], fill=(70, 55, 45))
    d.rectangle([1220, int(h * 0.3), 1290, int(h * 0.45)], fill=(60, 45, 35))
    d.rectangle([1080, int(h * 0.33), 1130, int(h * 0.45)], fill=(40, 90, 50))
    for i in range(5):  # bean poles
        x = 200 + i * 60
        d.line([x, int(h * 0.2), x + 30, int(h * 0.45)], fill=(130, 100, 60), width=5)
    return add_grain(img, rng, 0.05)


def school_roof(rng: random.Random, size: tuple[int, int]) -> Image.Image:
    w, h = size
    img = gradient(size, (100, 130, 170), (205, 210, 215))
    d = ImageDraw.Draw(img)
    d.rectangle([80, 620, w - 80, 1400], fill=(170, 80, 60))
    d.polygon([(40, 620), (w // 2, 330), (w - 40, 620)], fill=(70, 70, 80))
    for i in range(6):  # missing tiles / tarpaulin
        tx, ty = rng.randint(250, w - 350), rng.randint(480, 580)
        d.rectangle([tx, ty, tx + 90, ty + 30], fill=(40, 90, 170))
    for r in range(3):
        for c in range(4):
            x = 140 + c * 220
            y = 700 + r * 220
            d.rectangle([x, y, x + 140, y + 150], fill=(210, 225, 235))
            d.line([x + 70, y, x + 70, y + 150], fill=(240, 240, 240), width=6)
    d.rectangle([w // 2 - 80, 1200, w // 2 + 80, 1400], fill=(40, 60, 100))
    for sx in range(100, w - 60, 90):  # scaffold
        d.line([sx, 360, sx, 1400], fill=(140, 140, 145), width=6)
    for sy in range(400, 1400, 160):
        d.line([90, sy, w - 90, sy], fill=(140, 140, 145), width=6)
    d.rectangle([0, 1400, w, h], fill=(120, 120, 115))
    d.rectangle([0, 1480, w, 1500], fill=(240, 240, 240))
    return add_grain(img, rng, 0.05)


def night_bus(rng: random.Random, size: tuple[int, int]) -> Image.Image:
    w, h = size
    img = gradient(size, (15, 20, 45), (60, 50, 70))
    d = ImageDraw.Draw(img)
    skyline(d, rng, int(h * 0.62), w, (20, 20, 30), (240, 200, 110), 150, 500)
    d.rectangle([0, int(h * 0.62), w, h], fill=(30, 30, 35))
    for x in range(0, w, 160):
        d.rectangle([x, int(h * 0.83), x + 80, int(h * 0.84)], fill=(220, 220, 200))
    # double-decker bus
    bx, by, bw, bh = 300, int(h * 0.34), 900, 360
    d.rounded_rectangle([bx, by, bx + bw, by + bh], radius=30, fill=(40, 110, 160))
    for row in (by + 30, by + 190):
        for i in range(7):
            wx = bx + 40 + i * 122
            d.rectangle([wx, row, wx + 100, row + 100], fill=(255, 230, 160))
    d.rectangle([bx + bw - 120, by + 20, bx + bw - 20, by + 70], fill=(255, 140, 0))
    for wx in (bx + 120, bx + bw - 220):
        d.ellipse([wx, by + bh - 40, wx + 100, by + bh + 60], fill=(15, 15, 15))
    glow = Image.new("L", size, 0)
    ImageDraw.Draw(glow).ellipse([bx + bw - 40, by + bh - 90, bx + bw + 200, by + bh + 30], fill=200)
    glow = glow.filter(ImageFilter.GaussianBlur(40))
    img = Image.composite(Image.new("RGB", size, (255, 245, 200)), img, glow)
    return add_grain(img, rng, 0.08, 0.8)


def fireworks(rng: random.Random, size: tuple[int, int]) -> Image.Image:
    w, h = size
    img = gradient(size, (5, 8, 25), (30, 25, 50))
    d = ImageDraw.Draw(img)
    for _ in range(7):
        cx, cy = rng.randint(150, w - 150), rng.randint(100, int(h * 0.45))
        col = rng.choice([(255, 90, 90), (255, 220, 90), (120, 200, 255), (200, 120, 255), (120, 255, 160)])
        n = rng.randint(24, 40)
        rad = rng.randint(90, 220)
        for k in range(n):
            ang = 6.2832 * k / n
            x1, y1 = cx + cos(ang) * rad, cy + sin(ang) * rad
            d.line([cx + cos(ang) * rad * 0.3, cy + sin(ang) * rad * 0.3, x1, y1], fill=col, width=3)
            d.ellipse([x1 - 4, y1 - 4, x1 + 4, y1 + 4], fill=(255, 255, 230))
    img = img.filter(ImageFilter.GaussianBlur(1.5))
    d = ImageDraw.Draw(img)
    d.rectangle([0, int(h * 0.62), w, h], fill=(20, 25, 45))  # river
    for _ in range(200):
        y = rng.randint(int(h * 0.63), int(h * 0.8))
        x = rng.randrange(w)
        d.line([x, y, x + rng.randint(10, 60), y], fill=(rng.randint(120, 255), 150, 120), width=2)
    crowd(d, rng, int(h * 0.8), int(h * 0.98), w, [(10, 10, 15), (20, 18, 25)], placards=False)
    return add_grain(img, rng, 0.04, 0.9)


# --------------------------------------------------------------------------
# Output list: (path relative to issues/, scene, size, seed)
# --------------------------------------------------------------------------

PHOTOS: list[tuple[str, Callable[[random.Random, tuple[int, int]], Image.Image], tuple[int, int], int]] = [
    ("issue-1140/photos/school-roof.jpg", school_roof, PORTRAIT, 1140_1),
    ("issue-1140/photos/night-bus.jpg", night_bus, LANDSCAPE, 1140_2),
    ("issue-1140/photos/fireworks-river.jpg", fireworks, LANDSCAPE, 1140_3),
    ("issue-1141/photos/bridge-works.jpg", bridge_works, LANDSCAPE, 1141_1),
    ("issue-1141/photos/allotments.jpg", allotments, LANDSCAPE, 1141_2),
    ("issue-1142/photos/tram-depot.jpg", tram_depot, LANDSCAPE, 1142_1),
    ("issue-1142/photos/picket-line.jpg", picket_line, LANDSCAPE, 1142_2),
    ("issue-1142/photos/depot-night.jpg", depot_night, LANDSCAPE, 1142_3),
    ("issue-1142/photos/library-exterior.jpg", library_exterior, LANDSCAPE, 1142_4),
    ("issue-1142/photos/ballot-chart.png", ballot_chart, LANDSCAPE, 1142_5),
    ("issue-1142/photos/river-path-flood.jpg", river_flood, LANDSCAPE, 1142_6),
    ("issue-1142/photos/harbour-cranes.jpg", harbour_cranes, LANDSCAPE, 1142_7),
    ("issue-1142/photos/choir-portrait.jpg", choir_portrait, PORTRAIT, 1142_8),
    ("issue-1142/photos/gallery-interior.jpg", gallery_interior, LANDSCAPE, 1142_9),
]


def main() -> None:
    for rel, scene, size, seed in PHOTOS:
        out = ROOT / rel
        out.parent.mkdir(parents=True, exist_ok=True)
        img = scene(random.Random(seed), size).convert("RGB")
        if out.suffix == ".png":
            img = img.quantize(colors=32, dither=Image.Dither.NONE)
            img.save(out, format="PNG", optimize=True)
        else:
            img.save(out, format="JPEG", quality=82, optimize=True, progressive=False)
        print(f"{out.relative_to(ROOT.parent)}  {out.stat().st_size // 1024} KB")


if __name__ == "__main__":
    main()
