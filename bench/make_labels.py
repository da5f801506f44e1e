"""Render the label-photo benchmark set (라벨 사진 벤치마크) reproducibly from the sample lists.

    .venv/bin/python bench/make_labels.py [--out bench/labels] [--seed 5] [--count-clean 44]

Reads the sample lists in bench/labels/lists/ (I2715 products, blocked ingredients; written by us,
marked 샘플), draws labels the way phones capture them (perspective, rotation ±15°, EXIF-sideways
files, uneven light, glare, dim light, low resolution, blur, noise, JPEG compression, curved-bottle
warp, dark and coloured backgrounds with light text; Korean/English/Chinese/Japanese/Thai names;
real EAN-13 bars on some) and writes the images plus manifest.json with the ground truth:

- listed     : a listed product (most labels do NOT show the hazardous ingredient) → hazard, that entry
- ingredient : an unlisted product whose ingredient panel shows a blocked ingredient in some language
               or salt form → hazard, that ingredient
- near_miss / clean : unlisted products, some named like a listed one ("Golden Bee Honey"),
               some with released (N) ingredients → no hazard, ideally no_match
"""

from __future__ import annotations

import argparse
import json
import random
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

ROOT = Path(__file__).resolve().parent
LISTS = ROOT / "labels" / "lists"
NOTO = "/usr/share/fonts/opentype/noto/NotoSansCJK-{}.ttc"
NOTO_SERIF = "/usr/share/fonts/opentype/noto/NotoSerifCJK-{}.ttc"
NANUM = "/usr/share/fonts/truetype/nanum/{}.ttf"
THAI = "/usr/share/fonts/opentype/tlwg/Loma{}.otf"
CJK_INDEX = {"ja": 0, "ko": 1, "zh": 2, "zh_tw": 3, "en": 1, "th": 1}

MARKERS = {"en": "Ingredients:", "ko": "원재료명:", "zh": "配料:", "ja": "原材料名:", "zh_tw": "成分:"}
MFR = {"en": "Manufacturer:", "ko": "제조원:", "zh": "制造商:", "ja": "製造者:", "zh_tw": "製造商:"}
WARN = {"en": "Directions: take 2 capsules daily with water.", "ko": "섭취방법: 1일 2회, 1회 1정",
        "zh": "用法: 每日2次, 每次1粒", "ja": "お召し上がり方: 1日2粒を目安に", "zh_tw": "用法: 每日2次"}
CLEAN_INGREDIENTS = {
    "en": ["Vitamin C", "Green Tea Extract", "Rice Flour", "Gelatin", "Magnesium Stearate", "Garcinia Cambogia",
           "Inulin", "Zinc Oxide", "Ginseng Root Powder", "Caffeine", "Chromium Picolinate", "Lemon Flavor"],
    "ko": ["비타민C", "녹차추출물", "쌀가루", "젤라틴", "결정셀룰로스", "가르시니아캄보지아추출물", "난소화성말토덱스트린",
           "홍삼농축액", "아연", "스테아린산마그네슘", "자일리톨", "레몬농축과즙"],
    "zh": ["维生素C", "绿茶提取物", "大米粉", "明胶", "菊粉", "蜂蜜", "人参粉", "葡萄糖", "柠檬粉"],
    "ja": ["ビタミンC", "緑茶エキス", "米粉", "ゼラチン", "難消化性デキストリン", "はちみつ", "高麗人参"],
    "zh_tw": ["維生素C", "綠茶萃取物", "米粉", "明膠", "菊苣纖維"],
}
# Blocked substances as printed on labels: (canonical Korean list name, label spelling, language)
BLOCKED_PRINTS = [
    ("시부트라민", "Sibutramine HCl", "en"), ("시부트라민", "sibutramine hydrochloride", "en"),
    ("시부트라민", "시부트라민염산염", "ko"), ("시부트라민", "盐酸西布曲明", "zh"), ("시부트라민", "シブトラミン塩酸塩", "ja"),
    ("실데나필", "Sildenafil Citrate", "en"), ("실데나필", "실데나필시트르산염", "ko"), ("실데나필", "枸橼酸西地那非", "zh"),
    ("실데나필", "シルデナフィル", "ja"), ("타다라필", "Tadalafil", "en"), ("타다라필", "他达拉非", "zh"),
    ("타다라필", "タダラフィル", "ja"), ("1,3-디메틸아밀아민", "1,3-Dimethylamylamine", "en"),
    ("1,3-디메틸아밀아민", "1,3-디메틸아밀아민", "ko"), ("2,4-디니트로페놀", "2,4-Dinitrophenol", "en"),
    ("2,4-디니트로페놀", "2,4-디니트로페놀", "ko"), ("페놀프탈레인", "Phenolphthalein", "en"), ("페놀프탈레인", "酚酞", "zh"),
    ("페놀프탈레인", "フェノールフタレイン", "ja"), ("요힘빈", "Yohimbine HCl", "en"), ("요힘빈", "育亨宾", "zh"),
    ("멜라토닌", "Melatonin", "en"), ("멜라토닌", "褪黑素", "zh"), ("멜라토닌", "멜라토닌", "ko"),
    ("에페드린", "Ephedrine Sulfate", "en"), ("에페드린", "麻黄碱", "zh"), ("비사코딜", "Bisacodyl", "en"),
    ("덱사메타손", "Dexamethasone", "en"), ("펜터민", "Phentermine HCl", "en"), ("오스타린", "Ostarine (MK-2866)", "en"),
    ("글리벤클라미드", "格列苯脲", "zh"), ("디아제팜", "地西泮", "zh"), ("바데나필", "Vardenafil", "en"),
    ("플루옥세틴", "플루옥세틴", "ko"), ("요힘빈", "ヨヒンビン", "ja"),
]
UNLISTED_NAMES = {
    "en": ["Slim Queen Capsule", "Power Jet Man", "Muscle Titan Stack", "Lean Body Shake", "Dream Night Caps",
           "Vital Force Tonic", "Burn Zone Elite", "Shape Up Tea"],
    "ko": ["슬림퀸 캡슐", "파워젯 맨", "바디핏 쉐이크", "숙면 젤리 플러스"],
    "zh": ["纤体之星", "男神动力", "睡得香胶囊", "轻盈花草茶"],
    "ja": ["ヤセル茶", "パワーマックス", "ぐっすり粒"],
}
NEAR_MISS = [  # (unlisted name, language) close to a listed one
    ("Golden Bee Honey", "en"), ("Lipo Balance Omega", "en"), ("Rhino Kids Multivitamin", "en"), ("Deep Sea Omega-3", "en"),
    ("Slim Fit Protein Bar", "en"), ("Tiger Ginseng Tea", "en"), ("Joint Flex Collagen", "en"),
    ("Night Rest Chamomile Tea", "en"), ("Green Coffee Bean Extract", "en"), ("Keto Collagen Powder", "en"),
    ("Sugar Free Vitamin C", "en"), ("Alpha Omega Fish Oil", "en"), ("Quick Energy Chews", "en"),
    ("蜂王浆蜂蜜", "zh"), ("强力维生素", "zh"), ("スリムティー", "ja"), ("快眠ハーブティー", "ja"),
    ("다이어트 유산균", "ko"), ("꿀잠 캐모마일차", "ko"), ("Black Maca Energy", "en"),
]
CLEAN = [
    ("Vitamin C 1000", "en"), ("Omega-3 Fish Oil", "en"), ("Probiotics 50 Billion", "en"), ("Calcium Magnesium Zinc", "en"),
    ("Lutein Eye Care", "en"), ("Collagen Beauty Drink", "en"), ("Biotin Hair Support", "en"), ("Milk Thistle Liver", "en"),
    ("Multivitamin Women", "en"), ("홍삼정 골드", "ko"), ("마그네슘 플러스", "ko"), ("루테인 지아잔틴", "ko"),
    ("维生素C咀嚼片", "zh"), ("益生菌粉", "zh"), ("ビタミンCタブレット", "ja"), ("ローヤルゼリー", "ja"),
    ("Thermo Citrus Synephrine", "en"), ("Focus Hordenine Blend", "en"), ("Iron Plus Folate", "en"), ("葉黃素膠囊", "zh_tw"),
    ("Cranberry Women Care", "en"), ("Zinc Immune Boost", "en"), ("아르기닌 5000", "ko"), ("L-Carnitine 500", "en"),
]
THEMES = [  # (label background, text colour, accent)
    ((250, 250, 245), (20, 20, 20), (180, 30, 30)), ((255, 240, 200), (40, 30, 10), (160, 90, 0)),
    ((220, 240, 255), (10, 30, 70), (0, 90, 160)), ((235, 255, 230), (10, 50, 20), (30, 120, 40)),
    ((25, 25, 30), (245, 245, 240), (250, 200, 60)), ((120, 20, 30), (255, 250, 240), (255, 220, 120)),
    ((20, 60, 40), (240, 255, 240), (250, 230, 150)), ((255, 255, 255), (30, 30, 30), (20, 20, 140)),
]


TUNE_LISTS = ("I2715_label_bench_sample.json", "blocked_ingredients_label_bench_sample.json")


def load_all_lists(lists_dir: Path = LISTS) -> tuple[list[dict], list[dict]]:
    """Every sample list in the folder (the tuning lists and the held-out split's additions), as the
    benchmark checks against them: what an office that ingested the folder would have."""
    products: list[dict] = []
    ingredients: list[dict] = []
    for prod in sorted(lists_dir.glob("I2715_*.json")):
        ingr = lists_dir / prod.name.replace("I2715_", "blocked_ingredients_")
        p, i = load_lists(lists_dir, (prod.name, ingr.name if ingr.exists() else None))
        products += p
        ingredients += i
    return products, ingredients


def load_lists(lists_dir: Path = LISTS, names: tuple[str, str | None] = TUNE_LISTS) -> tuple[list[dict], list[dict]]:
    """The sample lists as rows with the ARCHITECTURE metadata keys (what Index.products()/ingredients() return)."""
    prod_doc = json.loads((lists_dir / names[0]).read_text(encoding="utf-8"))
    ingr_doc = json.loads((lists_dir / names[1]).read_text(encoding="utf-8")) if names[1] else \
        {"response": {"body": {"items": []}}}
    src_p, src_i = names[0], names[1] or ""
    products = [{
        "seq": r["SELF_IMPORT_SEQ"], "product": r["PRDT_NM"], "manufacturer": r["MUFC_NM"], "country": r["MUFC_CNTRY_NM"],
        "ingredients": " | ".join(x.strip() for x in split_list(r["INGR_NM_LST"])), "barcode": r["BARCD_CTN"],
        "registered": r["CRET_DTM"], "updated": r["LAST_UPDT_DTM"], "source": src_p, "locator": f"SELF_IMPORT_SEQ {r['SELF_IMPORT_SEQ']}",
    } for r in prod_doc["I2715"]["row"]]
    ingredients = [{
        "name_ko": r["RAW_IRDNT_NM"], "name_en": r["RAW_IRDNT_ENG_NM"],
        "other_names": " | ".join(split_list(r["RAW_IRDNT_ETC_NM"])), "status": r["APPN_RELS_DVS"],
        "designated": r["APPN_DT"], "released": r["RELS_DT"], "reason": r["APPN_RSN"], "source": src_i,
        "locator": f"RAW_IRDNT {r['RAW_IRDNT_NM']}",
    } for r in ingr_doc["response"]["body"]["items"]]
    return products, ingredients


def split_list(value: str) -> list[str]:
    """Comma-separated cell; a comma between digits (1,3-…) is not a separator."""
    import re

    return [p.strip() for p in re.split(r"(?<!\d),|,(?!\d)", value or "") if p.strip()]


def lang_of(name: str) -> str:
    if any("\u0e00" <= c <= "\u0e7f" for c in name):
        return "th"
    if any("\uac00" <= c <= "\ud7a3" for c in name):
        return "ko"
    if any("\u3040" <= c <= "\u30ff" for c in name):
        return "ja"
    if any("\u4e00" <= c <= "\u9fff" for c in name):
        return "zh"
    return "en"


def font(lang: str, size: int, bold: bool, rng: random.Random) -> ImageFont.FreeTypeFont:
    if lang == "th":
        return ImageFont.truetype(THAI.format("-Bold" if bold else ""), size)
    choices = [(NOTO.format("Bold" if bold else "Regular"), CJK_INDEX[lang]),
               (NOTO_SERIF.format("Bold" if bold else "Regular"), CJK_INDEX[lang])]
    if lang in ("ko", "en"):
        choices += [(NANUM.format("NanumGothicBold" if bold else "NanumGothic"), 0),
                    (NANUM.format("NanumSquareB" if bold else "NanumBarunGothic"), 0),
                    (NANUM.format("NanumMyeongjoBold" if bold else "NanumMyeongjo"), 0)]
    path, index = rng.choice(choices)
    return ImageFont.truetype(path, size, index=index)


def wrap(draw: ImageDraw.ImageDraw, text: str, f: ImageFont.FreeTypeFont, width: int) -> list[str]:
    lines, cur = [], ""
    tokens = text.split(" ") if " " in text else list(text)
    joiner = " " if " " in text else ""
    for tok in tokens:
        cand = (cur + joiner + tok) if cur else tok
        if draw.textlength(cand, font=f) <= width or not cur:
            cur = cand
        else:
            lines.append(cur)
            cur = tok
    if cur:
        lines.append(cur)
    return lines


def ean13_image(digits: str, scale: int) -> Image.Image:
    import zxingcpp

    bc = zxingcpp.create_barcode(digits, zxingcpp.BarcodeFormat.EAN13)
    return Image.fromarray(np.array(zxingcpp.write_barcode_to_image(bc, scale=scale, add_hrt=True))).convert("RGB")


def render_label(spec: dict, rng: random.Random) -> Image.Image:
    """Draw a flat, upright label."""
    w = rng.randint(900, 1100)
    h = rng.randint(1150, 1400)
    bg, fg, accent = THEMES[spec["theme"]]
    img = Image.new("RGB", (w, h), bg)
    d = ImageDraw.Draw(img)
    x, y, width = 50, 50, w - 100
    name_lang = lang_of(spec["name"])
    d.text((x, y), spec.get("brand", "Premium Health"), font=font("en", 30, False, rng), fill=accent)
    y += 60
    size = rng.randint(64, 88) if len(spec["name"]) < 16 else rng.randint(54, 66)
    nf = font(name_lang, size, True, rng)
    for line in wrap(d, spec["name"], nf, width):
        d.text((x, y), line, font=nf, fill=fg)
        y += int(size * 1.3)
    if spec.get("subtitle"):
        sf = font(lang_of(spec["subtitle"]), 36, False, rng)
        d.text((x, y), spec["subtitle"], font=sf, fill=accent)
        y += 60
    d.line((x, y, x + width, y), fill=accent, width=4)
    y += 30
    lang = spec["lang"]
    bf = font(lang if lang != "th" else "en", rng.randint(28, 34), False, rng)
    body = [f"{MARKERS[lang]} {', '.join(spec['ingredients'])}", WARN[lang], f"{MFR[lang]} {spec['manufacturer']}"]
    for para in body:
        for line in wrap(d, para, bf, width):
            d.text((x, y), line, font=bf, fill=fg)
            y += int(bf.size * 1.45)
        y += 14
    if spec.get("barcode"):
        bar = ean13_image(spec["barcode"], 3)
        if bar.width > width:
            bar = bar.resize((width, int(bar.height * width / bar.width)))
        pad = Image.new("RGB", (bar.width + 30, bar.height + 30), "white")
        pad.paste(bar, (15, 15))
        img.paste(pad, (w - pad.width - 50, min(h - pad.height - 30, y + 10)))
        y += pad.height + 20
    return img.crop((0, 0, w, min(h, max(y + 60, int(w * 0.75)))))


# --- phone-photo distortions -------------------------------------------------------------------------

def perspective(img: Image.Image, rng: random.Random, strength: float) -> Image.Image:
    import cv2

    a = np.asarray(img)
    h, w = a.shape[:2]
    j = lambda m: rng.uniform(0, strength * m)  # noqa: E731
    src = np.float32([[0, 0], [w, 0], [w, h], [0, h]])
    dst = np.float32([[j(w), j(h)], [w - j(w), j(h)], [w - j(w), h - j(h)], [j(w), h - j(h)]])
    m = cv2.getPerspectiveTransform(src, dst)
    return Image.fromarray(cv2.warpPerspective(a, m, (w, h), borderMode=cv2.BORDER_REPLICATE))


def curved(img: Image.Image, rng: random.Random) -> Image.Image:
    """Cylinder (bottle) warp: text compresses toward the edges, edges darken."""
    import cv2

    a = np.asarray(img).astype(np.float32)
    h, w = a.shape[:2]
    r = w / rng.uniform(2.2, 3.0)
    xs = np.arange(w, dtype=np.float32) - w / 2
    theta = np.clip(xs / (w / 2), -1, 1) * np.arcsin(min(1.0, (w / 2) / r))
    src_x = (w / 2 + r * theta).astype(np.float32)
    src_x = (src_x - src_x.min()) / (src_x.max() - src_x.min()) * (w - 1)
    src_y = np.arange(h, dtype=np.float32)
    bulge = (np.cos(np.clip(xs / (w / 2), -1, 1) * np.pi / 2) * rng.uniform(6, 16)).astype(np.float32)
    map_x = np.tile(src_x, (h, 1))
    map_y = src_y[:, None] - bulge[None, :] + (bulge.max() / 2)
    out = cv2.remap(a, map_x, map_y.astype(np.float32), cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
    shade = 0.65 + 0.35 * np.cos(np.clip(xs / (w / 2), -1, 1) * np.pi / 2.4)
    return Image.fromarray(np.clip(out * shade[None, :, None], 0, 255).astype(np.uint8))


def lighting(img: Image.Image, rng: random.Random, kind: str) -> Image.Image:
    a = np.asarray(img).astype(np.float32)
    h, w = a.shape[:2]
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    if kind == "uneven":
        gx, gy = rng.uniform(-1, 1), rng.uniform(-1, 1)
        grad = 1.0 + 0.45 * (gx * (xx / w - 0.5) + gy * (yy / h - 0.5))
        a = a * grad[..., None]
    elif kind == "glare":
        cx, cy, rad = rng.uniform(0.2, 0.8) * w, rng.uniform(0.2, 0.8) * h, rng.uniform(0.12, 0.25) * w
        spot = np.exp(-(((xx - cx) ** 2 + (yy - cy) ** 2) / (2 * rad**2)))
        a = a + spot[..., None] * rng.uniform(110, 170)
    elif kind == "dim":
        a = a * rng.uniform(0.35, 0.5) + 5
    return Image.fromarray(np.clip(a, 0, 255).astype(np.uint8))


def place_on_background(img: Image.Image, rng: random.Random, angle: float) -> Image.Image:
    bg_color = tuple(rng.randint(60, 200) for _ in range(3))
    rotated = img.rotate(angle, expand=True, resample=Image.Resampling.BICUBIC, fillcolor=bg_color)
    margin = rng.randint(30, 120)
    canvas = Image.new("RGB", (rotated.width + 2 * margin, rotated.height + 2 * margin), bg_color)
    canvas.paste(rotated, (margin, margin))
    return canvas


def photograph(label: Image.Image, rng: random.Random, distortions: list[str]) -> tuple[Image.Image, int]:
    """Apply the distortions; returns (stored image, EXIF orientation to write)."""
    img = label
    if "curved" in distortions:
        img = curved(img, rng)
    angle = rng.uniform(-15, 15) if "rotation" in distortions else rng.uniform(-2, 2)
    img = place_on_background(img, rng, angle)
    if "perspective" in distortions:
        img = perspective(img, rng, 0.08)
    for kind in ("uneven", "glare", "dim"):
        if kind in distortions:
            img = lighting(img, rng, kind)
    side = rng.randint(560, 720) if "lowres" in distortions else rng.randint(1200, 1700)
    scale = side / max(img.size)
    img = img.resize((int(img.width * scale), int(img.height * scale)), Image.Resampling.LANCZOS)
    if "blur" in distortions:
        img = img.filter(ImageFilter.GaussianBlur(rng.uniform(1.0, 1.8)))
    if "noise" in distortions:
        a = np.asarray(img).astype(np.float32) + np.random.default_rng(rng.randint(0, 2**31)).normal(0, 12, (img.height, img.width, 3))
        img = Image.fromarray(np.clip(a, 0, 255).astype(np.uint8))
    orientation = 1
    if "exif_sideways" in distortions:
        # Stored rotated, with the tag telling viewers how to turn it upright (6: rotate 90° CW to view).
        orientation = rng.choice([6, 8])
        img = img.rotate(90 if orientation == 6 else -90, expand=True)
    return img, orientation


DISTORTIONS = ["rotation", "perspective", "exif_sideways", "uneven", "glare", "dim", "lowres", "blur", "noise",
               "jpeg_low", "curved"]


def pick_distortions(rng: random.Random) -> list[str]:
    n = rng.choice([1, 1, 2, 2, 3])
    picked = set(rng.sample(DISTORTIONS, n))
    if "dim" in picked and "glare" in picked:
        picked.discard("glare")
    return sorted(picked)


def save(img: Image.Image, path_stem: Path, orientation: int, rng: random.Random, distortions: list[str]) -> Path:
    fmt = rng.choices(["jpg", "png", "webp", "heic"], weights=[82, 6, 6, 6])[0]
    exif = Image.Exif()
    if orientation != 1:
        exif[0x0112] = orientation
        fmt = "jpg"
    path = path_stem.with_suffix("." + fmt)
    quality = rng.randint(35, 55) if "jpeg_low" in distortions else rng.randint(72, 88)
    if fmt == "jpg":
        img.save(path, "JPEG", quality=quality, exif=exif.tobytes())
    elif fmt == "png":
        img.save(path, "PNG", optimize=True)
    elif fmt == "webp":
        img.save(path, "WEBP", quality=quality)
    else:
        import pillow_heif

        pillow_heif.register_heif_opener()
        img.save(path, "HEIF", quality=quality)
    return path


def build_specs(products: list[dict], ingredients: list[dict], rng: random.Random, n_clean: int) -> list[dict]:
    specs: list[dict] = []
    # 1. listed products: every product twice (different photos), the hazardous ingredient shown on ~25%.
    for rep in range(2):
        for p in products:
            lang = {"ko": "ko", "zh": "zh", "ja": "ja"}.get(lang_of(p["product"]), rng.choice(["en", "en", "ko"]))
            ingr = rng.sample(CLEAN_INGREDIENTS[lang], 4)
            shows = rng.random() < 0.25
            if shows:
                canon = p["ingredients"].split(" | ")[0]
                prints = [b for b in BLOCKED_PRINTS if b[0] == canon and b[2] == lang] or [(canon, canon, "ko")]
                ingr.insert(rng.randint(1, 3), rng.choice(prints)[1])
            subtitle = None
            if lang_of(p["product"]) == "th":
                subtitle = "Dietary Supplement / Made in Thailand"
            specs.append({
                "category": "listed", "name": p["product"], "manufacturer": p["manufacturer"], "lang": lang if lang != "th" else "en",
                "ingredients": ingr, "barcode": p["barcode"] if (p["barcode"] and (rep == 0 or rng.random() < 0.5)) else None,
                "subtitle": subtitle, "expect": "hazard", "expect_entry": p["locator"], "shows_ingredient": shows,
            })
    # 2. unlisted products showing a blocked ingredient (every printed form once)
    for canon, printed, lang in BLOCKED_PRINTS:
        name_lang = lang if lang in UNLISTED_NAMES else "en"
        ingr = rng.sample(CLEAN_INGREDIENTS[lang], 4)
        ingr.insert(rng.randint(0, 4), printed)
        specs.append({
            "category": "ingredient", "name": rng.choice(UNLISTED_NAMES[name_lang]), "manufacturer": "Wellness Trading Co., Ltd.",
            "lang": lang, "ingredients": ingr, "barcode": None, "expect": "hazard", "expect_entry": canon,
        })
    # 3. near-miss and clean products (no hazard expected)
    pool = [("near_miss", n, lang) for n, lang in NEAR_MISS] + [("clean", n, lang) for n, lang in CLEAN]
    for i in range(n_clean):
        cat, name, lang = pool[i % len(pool)]
        ingr = rng.sample(CLEAN_INGREDIENTS[lang], 5)
        if "Synephrine" in name:
            ingr.insert(1, "Synephrine HCl")
        if "Hordenine" in name:
            ingr.insert(1, "Hordenine")
        body = rng.randint(10**11, 10**12 - 1)
        digits = str(body)
        check = (10 - sum(int(d) * (3 if k % 2 else 1) for k, d in enumerate(digits)) % 10) % 10
        specs.append({
            "category": cat, "name": name, "manufacturer": rng.choice(["Nature Way Co.", "Healthy Life Inc.", "Seoul Bio Co., Ltd."]),
            "lang": lang, "ingredients": ingr, "barcode": digits + str(check) if rng.random() < 0.3 else None,
            "expect": "no_match", "expect_entry": None,
        })
    return specs


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", default=str(ROOT / "labels"))
    ap.add_argument("--seed", type=int, default=5)
    ap.add_argument("--count-clean", type=int, default=44)
    args = ap.parse_args(argv)
    out = Path(args.out)
    (out / "images").mkdir(parents=True, exist_ok=True)
    rng = random.Random(args.seed)
    products, ingredients = load_lists()
    specs = build_specs(products, ingredients, rng, args.count_clean)
    manifest = []
    for i, spec in enumerate(specs):
        spec["theme"] = rng.randrange(len(THEMES))
        spec["brand"] = rng.choice(["Premium Health", "Natural Choice", "Vital Lab", "Best Nutrition", "Pure Life"])
        distortions = pick_distortions(rng)
        label = render_label(spec, rng)
        img, orientation = photograph(label, rng, distortions)
        path = save(img, out / "images" / f"{i:03d}_{spec['category']}", orientation, rng, distortions)
        manifest.append({
            "file": f"images/{path.name}", "category": spec["category"], "name": spec["name"], "lang": spec["lang"],
            "expect": spec["expect"], "expect_entry": spec["expect_entry"], "barcode": spec.get("barcode"),
            "shows_ingredient": spec.get("shows_ingredient", spec["category"] == "ingredient"),
            "ingredients": spec["ingredients"], "distortions": distortions + (["dark_theme"] if spec["theme"] in (4, 5, 6) else []),
        })
    (out / "manifest.json").write_text(json.dumps({"seed": args.seed, "images": manifest}, ensure_ascii=False, indent=1),
                                       encoding="utf-8")
    size = sum(p.stat().st_size for p in (out / "images").iterdir())
    print(f"{len(manifest)} images, {size / 1e6:.1f} MB -> {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
