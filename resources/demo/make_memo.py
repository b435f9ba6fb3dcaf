#!/usr/bin/env python3
"""Render the synthetic "scanned" dispatcher memo for the Evidence Desk demo case.

Usage:  python make_memo.py OUT.png

Deterministic (fixed random seed). Needs Pillow and a monospaced TrueType/OpenType
font (Nimbus Mono PS Bold, the URW Courier clone, or DejaVu Sans Mono as fallback).

The page is an illustrative reconstruction: the CAD remark text is quoted from the
source article; the header wording, layout and event number are illustrative and
the footer says so on the page itself.

Prints the normalised bounding box (x, y, w, h in 0..1 of the final image) of the
CAD remark paragraph, which demo.json uses for its "region" annotation.
"""
import json
import os
import random
import sys

from PIL import Image, ImageChops, ImageDraw, ImageFilter, ImageFont

W, H = 1240, 1754            # A4 at 150 dpi
ANGLE = 0.7                  # degrees, counter-clockwise (as a slightly skewed scan)
SEED = 20251004
QUANT_LEVELS = 16            # grey levels kept in the PNG (keeps the file small)

FONT_CANDIDATES = [
    "/usr/share/fonts/opentype/urw-base35/NimbusMonoPS-Bold.otf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSansMono-Bold.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf",
]

MEMO_TEXT = ("PLEASE CHIEF OF PATROL NO UNITS WILL RESPOND TO THIS AS RELATED FROM "
             "04-Oc5-2025/12:34:44...CALLER IS 1 OF APPROX 30 ARMED PATROL AGENTS (ICE) "
             "WHO ARE BEING SURROUNDED BY A LARGE CROWD OF PEOPLE REQUESTING CPD.")

HEADER = [
    "CHICAGO POLICE DEPARTMENT \u2014",
    "OFFICE OF EMERGENCY MANAGEMENT AND COMMUNICATIONS",
]
FOOTER = [
    "SYNTHETIC DEMO RECONSTRUCTION (EVIDENCE DESK). REMARK TEXT AS QUOTED",
    "IN THE SOURCE ARTICLE; EVENT NO. AND LAYOUT ARE ILLUSTRATIVE.",
]
EVENT_NO = "2510040001"      # illustrative, not a real CAD event number


def load_font(size):
    for path in FONT_CANDIDATES:
        try:
            return ImageFont.truetype(path, size)
        except OSError:
            continue
    sys.exit("no monospaced font found; install fonts-urw-base35 or fonts-dejavu-core")


def gauss_noise(size, sigma, rnd):
    """Approximately Gaussian noise image centred on 128, from the seeded generator
    (average of four uniform images), so the output does not depend on the C library's rand()."""
    w, h = size
    u = [Image.frombytes("L", size, rnd.randbytes(w * h)) for _ in range(4)]
    avg = ImageChops.add(ImageChops.add(u[0], u[1], scale=2), ImageChops.add(u[2], u[3], scale=2), scale=2)
    k = sigma / 36.9                     # s.d. of the mean of four uniform(0..255) is ~36.9
    return avg.point(lambda v: max(0, min(255, int(round(128 + (v - 127.5) * k)))))


def wrap(text, width):
    """Hard-wrap at spaces, falling back to breaking long tokens (as a CAD printout does)."""
    lines, cur = [], ""
    for word in text.split(" "):
        cand = word if not cur else cur + " " + word
        if len(cand) <= width:
            cur = cand
            continue
        if cur:
            lines.append(cur)
        while len(word) > width:
            lines.append(word[:width])
            word = word[width:]
        cur = word
    if cur:
        lines.append(cur)
    return lines


def main(out):
    rnd = random.Random(SEED)
    S = 2                                   # render text at 2x, then downsample (anti-aliasing)
    ink = Image.new("L", (W * S, H * S), 0)   # 255 = full ink
    d = ImageDraw.Draw(ink)
    f_head = load_font(30 * S)
    f_body = load_font(27 * S)
    f_small = load_font(19 * S)
    cw = f_body.getlength("M")              # monospaced character width
    left = 110 * S
    cols = int((W * S - 2 * left) // cw)
    lh = int(27 * S * 1.45)

    y = 120 * S
    for line in HEADER:
        tw = f_head.getlength(line)
        d.text(((W * S - tw) / 2, y), line, font=f_head, fill=255)
        y += int(30 * S * 1.4)
    y += lh // 2
    rule = "=" * cols
    d.text((left, y), rule, font=f_body, fill=255); y += lh
    d.text((left, y), "EVENT QUERY".ljust(cols - 11) + "PAGE 1 OF 1", font=f_body, fill=255); y += lh
    d.text((left, y), f"EVENT NO: {EVENT_NO}", font=f_body, fill=255); y += lh
    d.text((left, y), rule, font=f_body, fill=255); y += 2 * lh
    d.text((left, y), "CAD REMARKS:", font=f_body, fill=255); y += lh + lh // 3

    region_top = y
    body = wrap(MEMO_TEXT, cols)
    for line in body:
        d.text((left, y), line, font=f_body, fill=255)
        y += lh
    region_bottom = y
    region_right = left + max(f_body.getlength(l) for l in body)

    y += lh // 2
    d.text((left, y), "-" * cols, font=f_body, fill=255); y += lh
    d.text((left, y), "** END OF REMARKS **", font=f_body, fill=255)

    fy = H * S - 150 * S
    for line in FOOTER:
        d.text((left, fy), line, font=f_small, fill=255)
        fy += int(19 * S * 1.5)

    ink = ink.resize((W, H), Image.LANCZOS)

    # toner unevenness: modulate ink density with a smooth random field (0.78..1.0)
    field = gauss_noise((W // 16, H // 16), 60, rnd).resize((W, H), Image.BICUBIC)
    field = field.point(lambda v: int(200 + 55 * min(max(v, 0), 255) / 255))
    ink = ImageChops.multiply(ink, field)

    # paper: off-white with an uneven illumination gradient (darker toward the spine side)
    paper = Image.linear_gradient("L").rotate(90, expand=True).resize((W, H))
    paper = paper.point(lambda v: int(214 + 16 * v / 255))
    grain = gauss_noise((W, H), 10, rnd).point(lambda v: v - 128)
    paper = ImageChops.add(paper, grain, scale=1.0, offset=0)

    ink_colour = Image.new("L", (W, H), 38)
    page = Image.composite(ink_colour, paper, ink)
    page = page.filter(ImageFilter.GaussianBlur(0.55))   # scanner optics

    # speckle: dust and toner specks
    # (kept off the lettering itself so OCR stays reliable)
    near_ink = ink.filter(ImageFilter.MaxFilter(9))
    sd = ImageDraw.Draw(page)
    for _ in range(420):
        x, y0 = rnd.randrange(W), rnd.randrange(H)
        r = rnd.choice([0, 0, 0, 0, 1, 1])
        g = rnd.randrange(100, 190)
        if near_ink.getpixel((x, y0)) > 0:
            continue
        sd.ellipse((x - r, y0 - r, x + r, y0 + r), fill=g)

    # skewed placement on the scanner bed; the exposed bed shows as a darker wedge
    page = page.rotate(ANGLE, resample=Image.BICUBIC, expand=False, fillcolor=150)

    # region of the CAD remark paragraph, after the same rotation
    mask = Image.new("L", (W, H), 0)
    pad = 10
    ImageDraw.Draw(mask).rectangle(
        (left / S - pad, region_top / S - pad, region_right / S + pad, region_bottom / S + pad), fill=255)
    bx0, by0, bx1, by1 = mask.rotate(ANGLE, resample=Image.NEAREST, expand=False).getbbox()

    # light sensor noise, then quantise to a small grey palette
    noise = gauss_noise((W, H), 6, rnd).point(lambda v: v - 128)
    page = ImageChops.add(page, noise, scale=1.0, offset=0)
    step = 256 // QUANT_LEVELS
    page = page.point(lambda v: min(255, (v // step) * step + step // 2))
    # write beside the target and rename, so nobody ever sees a half-written file
    tmp = os.path.join(os.path.dirname(os.path.abspath(out)), "." + os.path.basename(out) + ".tmp")
    page.save(tmp, format="PNG", optimize=True, dpi=(150, 150))
    os.replace(tmp, out)

    region = {"page": 1, "x": round(bx0 / W, 3), "y": round(by0 / H, 3),
              "w": round((bx1 - bx0) / W, 3), "h": round((by1 - by0) / H, 3)}
    print(json.dumps({"file": out, "size": [W, H], "angle_deg": ANGLE,
                      "memo_region": region, "memo_lines": body}, indent=1))


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "dispatcher-memo.png")
