"""Render a DEV photo split (개발용 분할) of the TUNING products, for tuning without the held-out split.

    .venv/bin/python bench/make_labels_dev.py [--out /tmp/labels_dev] [--seed 21]
    .venv/bin/python bench/labels.py --set /tmp/labels_dev -v
    .venv/bin/python bench/make_labels_dev.py --case small_print --out /tmp/dev_small  # every item in small print
    .venv/bin/python bench/make_labels_dev.py --case near_miss --out /tmp/dev_near    # only clean and near-miss names

The held-out split (bench/labels_heldout) is measured once and never tuned on; the tuning split
(bench/labels) is easy in the ways the held-out split is hard. This split sits between them: only the
tuning lists' products, ingredients and clean/near-miss names (bench/make_labels.py), drawn with the kinds
of difficulty the held-out split showed, in layouts of its own:

- `band`: the name light on a dark (or gradient) band — an inverse line on an otherwise dark-on-light label;
- `deco`: the name in a large decorative style — serif/condensed/oblique bold, wide letter spacing, outlined
  or with a drop shadow, sometimes in capitals;
- `front_back`: a front photo (brand, name, claims) and a back photo (ingredients, manufacturer, barcode),
  checked together like `check-label --group`;
- `wrap`: a wide bottle label, name in the middle, warped round a cylinder with a specular stripe;
- `barcode_curved` / `barcode_glare`: a label with a barcode photographed round a bottle (the bars compress
  towards one side) or with a reflection over part of the bars; a third of the barcode labels not in `wrap`
  get each (drawn from a stream of their own, so the other items of a seed render as before);
- small print (ingredients at 6–7 pt), Thai names without barcodes (each Thai product four times), listed products with no barcode and no
  hazardous ingredient shown (`name_only`), phone distortions (glare, dim, low resolution, tilt, EXIF
  rotation, blur, low JPEG quality, shadow, warm light).

Fonts are the ones the project's setup installs (DejaVu, Nanum, Noto CJK, Loma); the images are written
to `--out` (not committed: regenerate with the same seed for the same files).
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

import numpy as np
from make_labels import (
    BLOCKED_PRINTS,
    CLEAN,
    CLEAN_INGREDIENTS,
    MARKERS,
    MFR,
    NEAR_MISS,
    UNLISTED_NAMES,
    WARN,
    ean13_image,
    lang_of,
    lighting,
    load_lists,
    perspective,
)
from make_labels_heldout import cylinder, glare_on, shadow, warm_cast, write_manifest
from PIL import Image, ImageDraw, ImageFilter, ImageFont

DEJAVU = "/usr/share/fonts/truetype/dejavu/{}.ttf"
NANUM = "/usr/share/fonts/truetype/nanum/{}.ttf"
NOTO = "/usr/share/fonts/opentype/noto/{}.ttc"
LOMA = "/usr/share/fonts/opentype/tlwg/{}.otf"
NAME_FONTS = {  # (path, index) for large names
    "en": [(DEJAVU.format(n), 0) for n in ("DejaVuSerif-Bold", "DejaVuSerif-BoldItalic", "DejaVuSansCondensed-Bold",
                                           "DejaVuSans-BoldOblique", "DejaVuSerifCondensed-Bold")]
    + [(NANUM.format(n), 0) for n in ("NanumSquareRoundB", "NanumMyeongjoBold")],
    "ko": [(NANUM.format(n), 0) for n in ("NanumSquareRoundB", "NanumMyeongjoBold", "NanumSquareB", "NanumBarunGothicBold")],
    "zh": [(NOTO.format("NotoSerifCJK-Bold"), 2), (NOTO.format("NotoSansCJK-Bold"), 2)],
    "ja": [(NOTO.format("NotoSerifCJK-Bold"), 0), (NOTO.format("NotoSansCJK-Bold"), 0)],
    "th": [(LOMA.format(n), 0) for n in ("Loma-Bold", "Loma-BoldOblique", "Loma")],
}
BODY_FONTS = {
    "en": [(DEJAVU.format("DejaVuSans"), 0), (DEJAVU.format("DejaVuSerif"), 0), (NANUM.format("NanumGothic"), 0)],
    "ko": [(NANUM.format("NanumGothic"), 0), (NANUM.format("NanumMyeongjo"), 0)],
    "zh": [(NOTO.format("NotoSansCJK-Regular"), 2)], "ja": [(NOTO.format("NotoSansCJK-Regular"), 0)],
    "zh_tw": [(NOTO.format("NotoSansCJK-Regular"), 3)], "th": [(LOMA.format("Loma"), 0)],
}
PALETTES = [  # (background, text, accent, band) — dev colours, not the other splits' themes
    ((248, 244, 236), (40, 30, 30), (150, 40, 60), (90, 20, 40)),
    ((236, 246, 255), (10, 30, 60), (20, 80, 160), (15, 45, 110)),
    ((244, 255, 240), (20, 50, 20), (40, 130, 50), (25, 80, 35)),
    ((255, 250, 230), (60, 40, 0), (200, 120, 0), (120, 60, 0)),
    ((30, 30, 36), (240, 230, 200), (230, 180, 60), (80, 70, 40)),
    ((250, 250, 250), (20, 20, 20), (200, 30, 30), (30, 30, 30)),
]
BRANDS = ["Herbal Origin", "Vita Source", "Nutri Best", "Pure Garden", "Asia Wellness", "Dr. Natural"]
CLAIMS = {"en": ["Advanced formula", "Natural herbs", "60 capsules"], "ko": ["고농축 포뮬러", "천연 원료", "60캡슐"],
          "zh": ["天然草本", "60粒"], "ja": ["天然ハーブ", "60粒入り"], "zh_tw": ["天然草本"], "th": ["สมุนไพร", "60 แคปซูล"]}
PHONE = ["glare", "dim", "lowres", "tilt", "exif_rotation", "blur", "jpeg_low", "shadow", "warm_cast"]


def fnt(choices: list[tuple[str, int]], size: int, rng: random.Random) -> ImageFont.FreeTypeFont:
    path, index = rng.choice(choices)
    return ImageFont.truetype(path, size, index=index)


def body_lang(lang: str) -> str:
    return lang if lang in BODY_FONTS and lang != "th" else "en"


def fit(d: ImageDraw.ImageDraw, text: str, f: ImageFont.FreeTypeFont, width: int) -> list[str]:
    tokens, joiner = (text.split(" "), " ") if " " in text else (list(text), "")
    lines, cur = [], ""
    for tok in tokens:
        cand = (cur + joiner + tok) if cur else tok
        if d.textlength(cand, font=f) <= width or not cur:
            cur = cand
        else:
            lines.append(cur)
            cur = tok
    return lines + ([cur] if cur else [])


def draw_name(img: Image.Image, spec: dict, box: tuple[int, int, int, int], fill, rng: random.Random,
              style: str) -> None:
    """The name centred in `box`, wrapped, in a decorative style: plain, spaced, outline, shadow."""
    d = ImageDraw.Draw(img)
    x0, y0, x1, y1 = box
    name = spec["name"]
    lang = spec["name_lang"]
    if style == "caps" and lang == "en":
        name = name.upper()
    size = rng.randint(62, 92) if len(name) < 14 else rng.randint(46, 64)
    f = fnt(NAME_FONTS[lang], size, rng)
    if style == "spaced" and lang == "en":
        name = " ".join(name)  # letter spacing: matching compacts spaces away
        name = name.replace("   ", "  ")
    lines = fit(d, name, f, x1 - x0 - 40)
    while len(lines) > 2 and size > 40:
        size -= 8
        f = fnt(NAME_FONTS[lang], size, rng)
        lines = fit(d, name, f, x1 - x0 - 40)
    total = len(lines) * size * 1.25
    y = (y0 + y1) / 2 - total / 2 + size * 0.6
    for line in lines:
        xy = ((x0 + x1) // 2, int(y))
        if style == "shadow":
            d.text((xy[0] + 5, xy[1] + 5), line, font=f, fill=(0, 0, 0) if sum(fill) > 380 else (170, 170, 170), anchor="mm")
        if style == "outline":
            d.text(xy, line, font=f, fill=fill, anchor="mm", stroke_width=3, stroke_fill=spec["pal"][2])
        else:
            d.text(xy, line, font=f, fill=fill, anchor="mm")
        y += size * 1.25


def body(img: Image.Image, spec: dict, y: int, x: int, width: int, rng: random.Random, fg) -> int:
    d = ImageDraw.Draw(img)
    lang = body_lang(spec["lang"])
    size = int(img.width * rng.uniform(0.022, 0.026)) if "small_print" in spec["cases"] else rng.randint(26, 32)
    f = fnt(BODY_FONTS[lang], size, rng)
    for para in (f"{MARKERS[lang]} {', '.join(spec['ingredients'])}", WARN[lang], f"{MFR[lang]} {spec['manufacturer']}"):
        for line in fit(d, para, f, width):
            d.text((x, y), line, font=f, fill=fg)
            y += int(size * 1.4)
        y += 10
    if spec.get("barcode"):
        bar = ean13_image(spec["barcode"], 3)
        pad = Image.new("RGB", (bar.width + 24, bar.height + 24), "white")
        pad.paste(bar, (12, 12))
        img.paste(pad, (x, y + 10))
        spec["_bar_box"] = (x, y + 10, x + pad.width, y + 10 + pad.height)  # for a glare over the bars
        y += pad.height + 20
    return y


def tpl_band(spec: dict, rng: random.Random, front: bool = True, back: bool = True) -> Image.Image:
    bg, fg, accent, band = spec["pal"]
    w = rng.randint(950, 1100)
    img = Image.new("RGB", (w, 1600), bg)
    d = ImageDraw.Draw(img)
    y = 40
    if front:
        d.text((60, y), spec["brand"], font=fnt(NAME_FONTS["en"], 34, rng), fill=accent)
        y += 70
        bh = rng.randint(190, 250)
        if rng.random() < 0.4:  # gradient band
            for k in range(bh):
                t = k / bh
                d.line((0, y + k, w, y + k), fill=tuple(int(band[c] * (1 - 0.5 * t) + accent[c] * 0.5 * t) for c in range(3)))
        else:
            d.rectangle((0, y, w, y + bh), fill=band)
        draw_name(img, spec, (0, y, w, y + bh), bg if sum(bg) > 380 else (255, 255, 255), rng, spec["style"])
        y += bh + 30
        cf = fnt(BODY_FONTS[body_lang(spec["lang"])], 30, rng)
        for claim in CLAIMS.get(spec["lang"], CLAIMS["en"])[:2]:
            d.text((60, y), "- " + claim, font=cf, fill=accent)
            y += 46
        y += 20
    if back:
        y = body(img, spec, y + 10, 60, w - 120, rng, fg)
    return img.crop((0, 0, w, max(y + 40, 500)))


def tpl_deco(spec: dict, rng: random.Random, front: bool = True, back: bool = True) -> Image.Image:
    bg, fg, accent, _ = spec["pal"]
    w = rng.randint(950, 1100)
    img = Image.new("RGB", (w, 1600), bg)
    d = ImageDraw.Draw(img)
    y = 40
    if front:
        d.text((w // 2, y + 20), spec["brand"], font=fnt(NAME_FONTS["en"], 36, rng), fill=accent, anchor="mm")
        y += 70
        nh = rng.randint(200, 280)
        draw_name(img, spec, (0, y, w, y + nh), fg, rng, spec["style"])
        y += nh
        d.line((80, y, w - 80, y), fill=accent, width=5)
        y += 30
        cf = fnt(BODY_FONTS[body_lang(spec["lang"])], 30, rng)
        d.text((w // 2, y + 15), " · ".join(CLAIMS.get(spec["lang"], CLAIMS["en"])[:2]), font=cf, fill=accent, anchor="mm")
        y += 70
    if back:
        y = body(img, spec, y + 10, 60, w - 120, rng, fg)
    return img.crop((0, 0, w, max(y + 40, 500)))


def tpl_wrap(spec: dict, rng: random.Random) -> Image.Image:
    bg, fg, accent, band = spec["pal"]
    w, h = rng.randint(1500, 1700), rng.randint(640, 740)
    img = Image.new("RGB", (w, h), bg)
    d = ImageDraw.Draw(img)
    third = w // 3
    d.text((third // 2, 60), spec["brand"], font=fnt(NAME_FONTS["en"], 30, rng), fill=accent, anchor="mm")
    if rng.random() < 0.5:
        d.rectangle((third, h // 2 - 130, 2 * third, h // 2 + 130), fill=band)
        draw_name(img, spec, (third, h // 2 - 130, 2 * third, h // 2 + 130), (255, 255, 255) if sum(band) < 380 else fg,
                  rng, spec["style"])
    else:
        draw_name(img, spec, (third, h // 2 - 150, 2 * third, h // 2 + 150), fg, rng, spec["style"])
    sub = Image.new("RGB", (third, h), bg)
    body(sub, spec, 30, 20, third - 40, rng, fg)
    img.paste(sub, (2 * third, 0))
    if spec.get("_bar_box"):
        x0, y0, x1, y1 = spec["_bar_box"]
        spec["_bar_box"] = (x0 + 2 * third, y0, x1 + 2 * third, y1)
    return img


def capture(label: Image.Image, spec: dict, rng: random.Random, brng: random.Random) -> tuple[Image.Image, int]:
    """Photograph the label; `brng` draws the barcode cases (a stream apart from `rng`)."""
    dist = spec["distortions"]
    img = label
    if "barcode_glare" in spec["cases"] and spec.get("_bar_box"):
        img = glare_on(img, spec["_bar_box"], brng)
    if "curved" in spec["cases"]:
        img = cylinder(img, rng)
    elif "barcode_curved" in spec["cases"]:
        img = cylinder(img, brng)
    table = tuple(rng.randint(90, 210) for _ in range(3))
    angle = rng.uniform(-16, 16) if "tilt" in dist else rng.uniform(-3, 3)
    img = img.rotate(angle, expand=True, resample=Image.Resampling.BICUBIC, fillcolor=table)
    margin = rng.randint(40, 150)
    canvas = Image.new("RGB", (img.width + 2 * margin, img.height + 2 * margin), table)
    canvas.paste(img, (margin, margin))
    img = perspective(canvas, rng, 0.06)
    for kind in ("glare", "dim"):
        if kind in dist:
            img = lighting(img, rng, kind)
    if "shadow" in dist:
        img = shadow(img, rng)
    if "warm_cast" in dist:
        img = warm_cast(img, rng)
    side = rng.randint(620, 760) if "lowres" in dist else rng.randint(1200, 1750)
    scale = side / max(img.size)
    img = img.resize((max(1, int(img.width * scale)), max(1, int(img.height * scale))), Image.Resampling.LANCZOS)
    if "blur" in dist:
        img = img.filter(ImageFilter.GaussianBlur(rng.uniform(0.9, 1.6)))
    noise = np.random.default_rng(rng.randint(0, 2**31)).normal(0, rng.uniform(2, 5), (img.height, img.width, 3))
    img = Image.fromarray(np.clip(np.asarray(img).astype(np.float32) + noise, 0, 255).astype(np.uint8))
    orientation = 1
    if "exif_rotation" in dist:
        orientation = rng.choice([6, 8, 3])
        img = img.rotate({6: 90, 8: -90, 3: 180}[orientation], expand=True)
    return img, orientation


def render(spec: dict, rng: random.Random, part: str) -> Image.Image:
    spec["_bar_box"] = None
    tpl = spec["template"]
    if tpl == "wrap":
        return tpl_wrap(spec, rng)
    draw = tpl_band if tpl == "band" else tpl_deco
    if part == "front":
        return draw(spec, rng, back=False)
    if part == "back":
        return draw(spec, rng, front=False)
    return draw(spec, rng)


def specs(rng: random.Random) -> list[dict]:
    products, _ = load_lists()
    out: list[dict] = []
    for rep in range(4):
        for p in products:
            name_lang = lang_of(p["product"])
            if rep >= 2 and name_lang != "th":  # Thai names four times: the split's hardest names
                continue
            lang = name_lang if name_lang in ("ko", "zh", "ja") else rng.choice(["en", "en", "ko"])
            ingr = rng.sample(CLEAN_INGREDIENTS[lang], 4)
            shows = rep == 1 and rng.random() < 0.3
            if shows:
                canon = p["ingredients"].split(" | ")[0]
                prints = [b[1] for b in BLOCKED_PRINTS if b[0] == canon and b[2] == lang] or [canon]
                ingr.insert(rng.randint(1, 3), rng.choice(prints))
            barcode = p["barcode"] if p["barcode"] and rep == 1 and name_lang != "th" and rng.random() < 0.4 else None
            cases = ["thai"] if name_lang == "th" else []
            if not barcode and not shows:
                cases.append("name_only")
            out.append({"category": "listed", "name": p["product"], "name_lang": name_lang, "lang": lang,
                        "manufacturer": p["manufacturer"], "ingredients": ingr, "barcode": barcode, "cases": cases,
                        "expect": "hazard", "expect_entry": p["locator"]})
    for canon, printed, lang in BLOCKED_PRINTS[::2]:
        name_lang = lang if lang in UNLISTED_NAMES else "en"
        ingr = rng.sample(CLEAN_INGREDIENTS[lang], 4)
        ingr.insert(rng.randint(0, 4), printed)
        out.append({"category": "ingredient", "name": rng.choice(UNLISTED_NAMES[name_lang]), "name_lang": name_lang,
                    "lang": lang, "manufacturer": "Orient Trade Co., Ltd.", "ingredients": ingr, "barcode": None,
                    "cases": [], "expect": "hazard", "expect_entry": canon})
    for cat, pool in (("near_miss", NEAR_MISS), ("clean", CLEAN)):
        for name, lang in pool:
            ingr = rng.sample(CLEAN_INGREDIENTS[lang], 5)
            body_digits = str(rng.randint(10**11, 10**12 - 1))
            check = (10 - sum(int(c) * (3 if k % 2 else 1) for k, c in enumerate(body_digits)) % 10) % 10
            out.append({"category": cat, "name": name, "name_lang": lang if lang != "zh_tw" else "zh", "lang": lang,
                        "manufacturer": rng.choice(["Good Nature Co.", "Daily Vital Inc.", "Hanbit Bio Co., Ltd."]),
                        "ingredients": ingr, "barcode": body_digits + str(check) if rng.random() < 0.3 else None,
                        "cases": [], "expect": "no_match", "expect_entry": None})
    rng.shuffle(out)
    for i, s in enumerate(out):
        s["pal"] = PALETTES[rng.randrange(len(PALETTES))]
        s["brand"] = rng.choice(BRANDS)
        s["template"] = rng.choice(["band", "band", "deco", "deco", "wrap"])
        s["style"] = rng.choice(["plain", "spaced", "outline", "shadow", "caps"])
        s["distortions"] = sorted(rng.sample(PHONE, rng.choice([0, 1, 1, 2, 2, 3])))
        if "glare" in s["distortions"] and "dim" in s["distortions"]:
            s["distortions"].remove("glare")
        roll = i % 8
        if roll == 0 or s["template"] == "wrap":
            s["template"] = "wrap"
            s["cases"].append("curved")
        elif roll in (1, 5):
            s["cases"].append("group")
        elif roll == 2:
            s["cases"].append("small_print")
        s["cases"].append(s["template"])
    return out


def focus(spec: dict, case: str) -> dict:
    """The item drawn with `case` whatever its roll (a focused split: a case the default split has a dozen of,
    148 times). small_print: a body in small print, one photo; group: a front and a back photo (band or deco)."""
    cases = [c for c in spec["cases"] if c not in ("small_print", "group", "curved", spec["template"])]
    if case == "group" and spec["template"] == "wrap":
        spec["template"] = "band" if len(spec["name"]) % 2 else "deco"  # no rng draw: the photos stay as they were
    extra = ["curved"] if spec["template"] == "wrap" else []
    spec["cases"] = cases + extra + [case, spec["template"]]
    return spec


def near_miss_items(rng: random.Random) -> list[dict]:
    """Only the clean and near-miss products, three times each: as rolled, as a front + back group, and in small
    print (132 items). A near-miss name read exactly must not be a hazard, whatever else the photo holds."""
    items: list[dict] = []
    for case in (None, "group", "small_print"):
        drawn = [s for s in specs(rng) if s["category"] in ("near_miss", "clean")]
        items += [focus(s, case) for s in drawn] if case else drawn
    return items


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", default="/tmp/labels_dev")
    ap.add_argument("--seed", type=int, default=21)
    ap.add_argument("--case", choices=["small_print", "group", "near_miss"],
                    help="draw every item with this case (near_miss: only clean and near-miss items, each three ways)")
    args = ap.parse_args(argv)
    out = Path(args.out)
    (out / "images").mkdir(parents=True, exist_ok=True)
    rng = random.Random(args.seed)
    brng = random.Random(args.seed * 7919 + 1)  # barcode cases: their draws leave the other items' as they were
    manifest = []
    items = near_miss_items(rng) if args.case == "near_miss" else specs(rng)
    if args.case in ("small_print", "group"):
        items = [focus(s, args.case) for s in items]
    for i, spec in enumerate(items):
        if spec.get("barcode") and "curved" not in spec["cases"]:
            case = brng.choice(["barcode_curved", "barcode_glare", None])
            if case:
                spec["cases"].append(case)
        parts = ["front", "back"] if "group" in spec["cases"] else ["whole"]
        files = []
        for part in parts:
            img, orientation = capture(render(spec, rng, part), spec, rng, brng)
            exif = Image.Exif()
            if orientation != 1:
                exif[0x0112] = orientation
            suffix = "" if part == "whole" else f"_{part}"
            path = out / "images" / f"{i:03d}_{spec['category']}{suffix}.jpg"
            quality = rng.randint(40, 55) if "jpeg_low" in spec["distortions"] else rng.randint(65, 85)
            img.save(path, "JPEG", quality=quality, exif=exif.tobytes())
            files.append(path)
        item = {"file": f"images/{files[0].name}", "category": spec["category"], "name": spec["name"], "lang": spec["lang"],
                "expect": spec["expect"], "expect_entry": spec["expect_entry"], "barcode": spec.get("barcode"),
                "ingredients": spec["ingredients"], "template": spec["template"], "style": spec["style"],
                "cases": spec["cases"], "distortions": spec["distortions"]}
        if len(files) > 1:
            item["files"] = [f"images/{f.name}" for f in files]
        manifest.append(item)
    write_manifest(out, args.seed, "dev", manifest)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
