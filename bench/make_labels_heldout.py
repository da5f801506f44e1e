"""Render the held-out label-photo split (라벨 사진 held-out 분할) — generated once, never tuned on.

    .venv/bin/python bench/make_labels_heldout.py [--out bench/labels_heldout] [--seed 12]

Nothing here is shared with the tuning set's renderer (bench/make_labels.py) except the low-level
distortions' building blocks (perspective, light, background): new label templates (box front, two-column
supplement-facts panel, wide bottle wrap, sachet, front+back pairs, an online-shop screenshot), fonts the
tuning set never used (DejaVu, Un, NanumSquareRound, WenQuanYi, AR PL UMing, IPA, Garuda/Kinnari/Norasi),
new colour palettes, and products from the held-out lists (bench/labels/lists/*_heldout_sample.json:
English, Thai, Vietnamese, Chinese, Japanese and Korean names, written by us, marked 샘플).

Cases (manifest `cases`): curved (cylinder warp with a specular stripe), small_print (ingredient list at
6–7 pt), group (front and back photo of one product, checked together), heic_iphone (12 MP HEIC with an
EXIF rotation), screenshot (직구 상품 페이지), thai, vietnamese, name_only (no barcode and no hazardous
ingredient on the label: the name must be read), barcode_glare, barcode_curved; and phone distortions:
glare, dim, lowres, tilt, exif_rotation, blur, jpeg_low, shadow, warm_cast.

Fonts (Debian): fonts-dejavu-core fonts-unfonts-core fonts-nanum fonts-wqy-zenhei fonts-arphic-uming
fonts-ipafont-gothic fonts-ipafont-mincho fonts-tlwg-garuda-otf fonts-tlwg-kinnari-otf fonts-tlwg-norasi-otf.
The committed set is what the benchmark uses; regenerating needs these fonts and gives the same files.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from pathlib import Path

import numpy as np
from make_labels import LISTS, ean13_image, lighting, load_lists, perspective
from PIL import Image, ImageDraw, ImageFilter, ImageFont

ROOT = Path(__file__).resolve().parent
HELDOUT_LISTS = ("I2715_label_heldout_sample.json", "blocked_ingredients_label_heldout_sample.json")
F = {
    "latin": ["/usr/share/fonts/truetype/dejavu/DejaVuSans{}.ttf", "/usr/share/fonts/truetype/dejavu/DejaVuSerif{}.ttf",
              "/usr/share/fonts/truetype/dejavu/DejaVuSansCondensed{}.ttf"],
    "ko": ["/usr/share/fonts/truetype/unfonts-core/UnDotum{}.ttf", "/usr/share/fonts/truetype/unfonts-core/UnBatang{}.ttf",
           "/usr/share/fonts/truetype/nanum/NanumSquareRound{}.ttf"],
    "zh": ["/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", "/usr/share/fonts/truetype/arphic/uming.ttc"],
    "ja": ["/usr/share/fonts/opentype/ipafont-gothic/ipag.ttf", "/usr/share/fonts/opentype/ipafont-mincho/ipam.ttf"],
    "th": ["/usr/share/fonts/opentype/tlwg/Garuda{}.otf", "/usr/share/fonts/opentype/tlwg/Kinnari{}.otf",
           "/usr/share/fonts/opentype/tlwg/Norasi{}.otf"],
}
PALETTES = [  # (background, text, accent, band) — none of the tuning set's themes
    ((252, 232, 240), (70, 20, 45), (200, 40, 110), (240, 190, 215)),
    ((236, 230, 250), (35, 20, 70), (110, 60, 190), (205, 190, 240)),
    ((255, 240, 222), (80, 35, 0), (230, 110, 10), (250, 205, 160)),
    ((224, 246, 244), (0, 60, 60), (0, 140, 135), (170, 225, 220)),
    ((18, 18, 18), (235, 200, 110), (250, 215, 120), (60, 50, 25)),
    ((245, 245, 245), (25, 25, 25), (120, 120, 120), (210, 210, 210)),
    ((30, 45, 90), (245, 245, 255), (255, 200, 70), (60, 80, 140)),
    ((250, 250, 210), (40, 60, 0), (110, 150, 0), (225, 235, 150)),
]
MARK = {"en": "Ingredients:", "ko": "원재료명 및 함량:", "zh": "配料表:", "ja": "原材料名:", "th": "ส่วนประกอบ:",
        "vi": "Thành phần:"}
MFR = {"en": "Manufactured by:", "ko": "제조원:", "zh": "生产商:", "ja": "製造者:", "th": "ผลิตโดย:", "vi": "Nhà sản xuất:"}
DIRECTIONS = {"en": "Suggested use: 1 capsule twice a day before meals.", "ko": "섭취방법: 1일 1회 2캡슐을 물과 함께",
              "zh": "食用方法: 每日一次, 每次两粒", "ja": "お召し上がり方: 1日1包を目安に", "th": "วิธีรับประทาน: วันละ 1 เม็ด ก่อนอาหาร",
              "vi": "Hướng dẫn sử dụng: uống 1 viên mỗi ngày sau bữa ăn."}
CLAIMS = {"en": ["Fast acting formula", "100% natural herbs", "Made in GMP facility"],
          "ko": ["빠른 효과 포뮬러", "천연 원료 100%", "GMP 인증 시설"],
          "zh": ["快速见效", "纯天然草本", "GMP认证"], "ja": ["すっきり実感", "天然ハーブ100%", "国内GMP工場"],
          "th": ["สูตรเข้มข้น", "สมุนไพรธรรมชาติ"], "vi": ["Hiệu quả nhanh", "Thảo dược tự nhiên"]}
FILLERS = {
    "en": ["Hydroxypropyl Methylcellulose", "Brown Rice Flour", "Silicon Dioxide", "Cinnamon Bark Powder", "Apple Cider Vinegar",
           "Black Pepper Extract", "Vitamin B6", "Turmeric Root", "Maltodextrin", "Natural Vanilla Flavor", "Stevia Leaf"],
    "ko": ["히비스커스추출분말", "현미가루", "이산화규소", "계피분말", "사과식초분말", "비타민B6", "강황", "말토덱스트린", "효소처리스테비아"],
    "zh": ["魔芋粉", "山楂提取物", "荷叶粉", "决明子", "糙米粉", "麦芽糊精", "维生素B6", "枸杞子"],
    "ja": ["難消化性デキストリン", "還元麦芽糖", "桑の葉エキス", "ごぼう茶", "寒天", "ビタミンB6", "セルロース"],
    "th": ["ใยอาหาร", "ชาเขียว", "มะขามแขก", "กระบองเพชร", "คอลลาเจน", "วิตามินซี"],
    "vi": ["Chiết xuất trà xanh", "Bột gạo lứt", "Lá sen", "Vitamin B6", "Gừng", "Nghệ vàng", "Tinh bột ngô"],
}
# blocked substances as printed (canonical Korean list name, print, language): other spellings than the tuning set's
BLOCKED = [
    ("시부트라민", "Sibutramine Hydrochloride Monohydrate", "en"), ("시부트라민", "Sibutramin", "vi"),
    ("시부트라민", "ไซบูทรามีน", "th"), ("시부트라민", "西布曲明", "zh"), ("시부트라민", "시부트라민", "ko"),
    ("실데나필", "Sildenafil (as citrate) 100 mg", "en"), ("실데나필", "シルデナフィルクエン酸塩", "ja"),
    ("실데나필", "ซิลเดนาฟิล", "th"), ("타다라필", "Tadalafil 20 mg", "en"), ("타다라필", "타다라필", "ko"),
    ("리모나반트", "Rimonabant HCl", "en"), ("리모나반트", "利莫那班", "zh"), ("다폭세틴", "Dapoxetine Hydrochloride", "en"),
    ("다폭세틴", "다폭세틴염산염", "ko"), ("페니부트", "Phenibut", "en"), ("알프라졸람", "阿普唑仑", "zh"),
    ("알프라졸람", "Alprazolam", "en"), ("푸로세미드", "Furosemide", "en"), ("푸로세미드", "フロセミド", "ja"),
    ("안다린", "Andarine (S-4)", "en"), ("아미노타다라필", "Aminotadalafil", "en"), ("페놀프탈레인", "Phenolphtalein", "vi"),
    ("페놀프탈레인", "ฟีนอล์ฟทาลีน", "th"), ("비사코딜", "Bisacodyl 5 mg", "en"), ("덱사메타손", "Dexamethason", "vi"),
    ("로카세린", "Lorcaserin HCl", "en"), ("디아제팜", "디아제팜", "ko"), ("글리벤클라미드", "Glibenclamide", "en"),
    ("펜터민", "Phentermine Hydrochloride", "en"), ("요힘빈", "Yohimbine", "en"),
]
UNLISTED = {"en": ["Vita Burn Ultra", "Night Lion Capsule", "Sculpt Ease", "Peak Form Pre-Train"],
            "ko": ["바디라인 캡슐", "활력충전 골드"], "zh": ["轻体素", "夜猛男"], "ja": ["スリムライン", "元気一番"],
            "th": ["สลิมฟิต", "พาวเวอร์แมน"], "vi": ["Viên Uống Dáng Xinh", "Tăng Lực Vàng"]}
NEAR_MISS = [("Slimzone Protein Bar", "en"), ("Stallion Energy Drink", "en"), ("Iron Wolf Whey Isolate", "en"),
             ("Calm Sleep Herbal Tea", "en"), ("Lean Shred Vegan Protein", "en"), ("Flexi Joint Collagen", "en"),
             ("GlucoFit Fiber Plus", "en"), ("Happy Mood Gummies", "en"), ("Titan Royal Honey", "en"),
             ("Detox Green Smoothie", "en"), ("เพอร์เฟคไวท์ คอลลาเจน", "th"), ("หลับดีชาคาโมมายล์", "th"),
             ("Viên Uống Hoa Sen Trắng Da", "vi"), ("Trà Thảo Mộc Hoa Cúc", "vi"), ("纤姿胶原蛋白", "zh"),
             ("龙虎牌清凉油", "zh"), ("スッキリ青汁", "ja"), ("ねむりのハーブティー", "ja"), ("슬림앤핏 단백질바", "ko"),
             ("맥스파워 비타민", "ko")]
CLEAN = [("Vitamin D3 5000 IU", "en"), ("Fish Oil 1200 mg", "en"), ("Magnesium Glycinate", "en"), ("Zinc Picolinate 50", "en"),
         ("Elderberry Gummies", "en"), ("Ashwagandha Root", "en"), ("วิตามินซี 1000", "th"), ("คอลลาเจนไตรเปปไทด์", "th"),
         ("Viên Uống Vitamin Tổng Hợp", "vi"), ("Dầu Cá Omega 3", "vi"), ("钙镁锌片", "zh"), ("蓝莓叶黄素", "zh"),
         ("青汁スティック", "ja"), ("マルチビタミン", "ja"), ("비타민D 2000IU", "ko"), ("유산균 19종", "ko"),
         ("Raspberry Ketone Lean", "en"), ("Octopamine Focus", "en"), ("Bitter Orange Synephrine", "en"), ("Probiotic 30 Billion", "en")]
RELEASED_PRINT = {"Raspberry Ketone Lean": "Raspberry Ketone", "Octopamine Focus": "Octopamine HCl",
                  "Bitter Orange Synephrine": "Synephrine"}


def lang_of(name: str) -> str:
    if any("\u0e00" <= c <= "\u0e7f" for c in name):
        return "th"
    if any("\uac00" <= c <= "\ud7a3" for c in name):
        return "ko"
    if any("\u3040" <= c <= "\u30ff" for c in name):
        return "ja"
    if any("\u4e00" <= c <= "\u9fff" for c in name):
        return "zh"
    if re.search(r"[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]", name.lower()):
        return "vi"
    return "en"


def font(lang: str, size: int, bold: bool, rng: random.Random) -> ImageFont.FreeTypeFont:
    script = {"en": "latin", "vi": "latin"}.get(lang, lang)
    path = rng.choice(F[script])
    if "{}" in path:
        suffix = {"latin": "-Bold", "ko": "Bold", "th": "-Bold"}[script] if bold else ""
        if "NanumSquareRound" in path:
            suffix = "B" if bold else "R"
        path = path.format(suffix)
    return ImageFont.truetype(path, size, index=0)


def wrap(draw: ImageDraw.ImageDraw, text: str, f: ImageFont.FreeTypeFont, width: int) -> list[str]:
    tokens = text.split(" ") if " " in text else list(text)
    joiner = " " if " " in text else ""
    lines, cur = [], ""
    for tok in tokens:
        cand = (cur + joiner + tok) if cur else tok
        if draw.textlength(cand, font=f) <= width or not cur:
            cur = cand
        else:
            lines.append(cur)
            cur = tok
    return lines + ([cur] if cur else [])


def paragraph(d: ImageDraw.ImageDraw, xy: tuple[int, int], text: str, f: ImageFont.FreeTypeFont, width: int, fill,
              spacing: float = 1.35) -> int:
    x, y = xy
    for line in wrap(d, text, f, width):
        d.text((x, y), line, font=f, fill=fill)
        y += int(f.size * spacing)
    return y


def barcode_block(digits: str) -> Image.Image:
    bar = ean13_image(digits, 3)
    pad = Image.new("RGB", (bar.width + 24, bar.height + 24), "white")
    pad.paste(bar, (12, 12))
    return pad


# --- templates ---------------------------------------------------------------------------------------

def body_size(spec: dict, w: int, rng: random.Random) -> int:
    """Ingredient text size: 6–7 pt on a 9 cm label for small print (about 2.4 % of the width), else larger."""
    return int(w * rng.uniform(0.022, 0.026)) if "small_print" in spec["cases"] else rng.randint(26, 32)


def tpl_box_front(spec: dict, rng: random.Random, pal: tuple, back: bool = True, front: bool = True) -> Image.Image:
    bg, fg, accent, band = pal
    w = rng.randint(900, 1050)
    img = Image.new("RGB", (w, 1500), bg)
    d = ImageDraw.Draw(img)
    y = 0
    lang = spec["lang"]
    if front:
        d.rectangle((0, 0, w, 110), fill=band)
        d.text((w // 2, 55), spec["brand"], font=font("en", 40, True, rng), fill=accent, anchor="mm")
        y = 150
        size = rng.randint(70, 90) if len(spec["name"]) < 14 else rng.randint(52, 64)
        nf = font(spec["name_lang"], size, True, rng)
        for line in wrap(d, spec["name"], nf, w - 120):
            d.text((w // 2, y + size // 2), line, font=nf, fill=fg, anchor="mm")
            y += int(size * 1.3)
        cf = font(lang, 30, False, rng)
        for claim in rng.sample(CLAIMS[lang], min(2, len(CLAIMS[lang]))):
            d.text((w // 2, y + 25), "• " + claim, font=cf, fill=accent, anchor="mm")
            y += 48
        d.ellipse((w // 2 - 90, y + 10, w // 2 + 90, y + 190), outline=accent, width=6)
        d.text((w // 2, y + 100), "60", font=font("en", 56, True, rng), fill=accent, anchor="mm")
        y += 230
    if back:
        bf = font(lang, body_size(spec, w, rng), False, rng)
        d.rectangle((40, y, w - 40, y + 8), fill=accent)
        y += 30
        y = paragraph(d, (60, y), f"{MARK[lang]} {', '.join(spec['ingredients'])}", bf, w - 120, fg)
        y += 12
        y = paragraph(d, (60, y), DIRECTIONS[lang], bf, w - 120, fg)
        y += 12
        y = paragraph(d, (60, y), f"{MFR[lang]} {spec['manufacturer']}", bf, w - 120, fg)
        if spec.get("barcode"):
            bar = barcode_block(spec["barcode"])
            img.paste(bar, (60, y + 20))
            y += bar.height + 40
    return img.crop((0, 0, w, min(1500, max(y + 50, 600))))


def tpl_two_column(spec: dict, rng: random.Random, pal: tuple) -> Image.Image:
    bg, fg, accent, band = pal
    w, h = rng.randint(1250, 1400), rng.randint(780, 900)
    img = Image.new("RGB", (w, h), bg)
    d = ImageDraw.Draw(img)
    lang = spec["lang"]
    left = int(w * 0.48)
    d.text((50, 40), spec["brand"], font=font("en", 34, False, rng), fill=accent)
    size = rng.randint(62, 80) if len(spec["name"]) < 14 else rng.randint(46, 56)
    nf = font(spec["name_lang"], size, True, rng)
    y = 110
    for line in wrap(d, spec["name"], nf, left - 80):
        d.text((50, y), line, font=nf, fill=fg)
        y += int(size * 1.25)
    cf = font(lang, 28, False, rng)
    for claim in CLAIMS[lang][:3]:
        y += 10
        d.text((50, y), "✓ " + claim if lang == "en" else "- " + claim, font=cf, fill=fg)
        y += 40
    # right: a supplement-facts style panel
    x0 = left + 20
    d.rectangle((x0, 40, w - 40, h - 40), outline=fg, width=4)
    d.rectangle((x0, 40, w - 40, 100), fill=band)
    d.text((x0 + 20, 52), {"en": "Supplement Facts"}.get(lang, MARK[lang].rstrip(":")), font=font(lang, 36, True, rng), fill=fg)
    bf = font(lang, body_size(spec, w // 2, rng) + 2, False, rng)
    y = 120
    head = f"{MARK[lang]}" if lang != "en" else "Other Ingredients:"
    y = paragraph(d, (x0 + 20, y), f"{head} {', '.join(spec['ingredients'])}", bf, w - x0 - 80, fg)
    y += 14
    d.line((x0, y, w - 40, y), fill=fg, width=2)
    y = paragraph(d, (x0 + 20, y + 12), f"{MFR[lang]} {spec['manufacturer']}", bf, w - x0 - 80, fg)
    if spec.get("barcode") and y + 160 < h - 40:
        bar = barcode_block(spec["barcode"])
        bar = bar.resize((int(bar.width * 0.8), int(bar.height * 0.8)))
        img.paste(bar, (w - 60 - bar.width, h - 60 - bar.height))
    return img


def tpl_bottle_wrap(spec: dict, rng: random.Random, pal: tuple) -> Image.Image:
    """A wide label meant to go round a bottle: name in the middle third, small ingredients on the right."""
    bg, fg, accent, band = pal
    w, h = rng.randint(1500, 1700), rng.randint(620, 720)
    img = Image.new("RGB", (w, h), bg)
    d = ImageDraw.Draw(img)
    lang = spec["lang"]
    third = w // 3
    d.rectangle((third - 10, 0, third, h), fill=accent)
    d.rectangle((2 * third, 0, 2 * third + 10, h), fill=accent)
    d.text((third // 2, 60), spec["brand"], font=font("en", 30, True, rng), fill=accent, anchor="mm")
    cf = font(lang, 26, False, rng)
    y = 130
    for claim in CLAIMS[lang][:2]:
        y = paragraph(d, (30, y), claim, cf, third - 60, fg) + 10
    size = rng.randint(64, 84) if len(spec["name"]) < 12 else rng.randint(46, 58)
    nf = font(spec["name_lang"], size, True, rng)
    lines = wrap(d, spec["name"], nf, third - 40)
    y = h // 2 - len(lines) * size * 0.65
    for line in lines:
        d.text((third + third // 2, int(y) + size // 2), line, font=nf, fill=fg, anchor="mm")
        y += size * 1.3
    bf = font(lang, body_size(spec, w // 2, rng), False, rng)
    y = paragraph(d, (2 * third + 40, 40), f"{MARK[lang]} {', '.join(spec['ingredients'])}", bf, third - 80, fg)
    y = paragraph(d, (2 * third + 40, y + 10), f"{MFR[lang]} {spec['manufacturer']}", bf, third - 80, fg)
    if spec.get("barcode"):
        bar = barcode_block(spec["barcode"])
        bar = bar.resize((int(bar.width * 0.75), int(bar.height * 0.75)))
        img.paste(bar, (2 * third + 40, min(h - bar.height - 20, y + 15)))
    return img


def tpl_sachet(spec: dict, rng: random.Random, pal: tuple) -> Image.Image:
    bg, fg, accent, band = pal
    w, h = rng.randint(760, 860), rng.randint(1250, 1400)
    img = Image.new("RGB", (w, h), bg)
    d = ImageDraw.Draw(img)
    lang = spec["lang"]
    for i in range(0, w, 24):  # crimped edge
        d.polygon([(i, 0), (i + 12, 22), (i + 24, 0)], fill=band)
    d.rounded_rectangle((40, 60, w - 40, 240), radius=30, fill=accent)
    size = rng.randint(58, 74) if len(spec["name"]) < 12 else rng.randint(40, 50)
    nf = font(spec["name_lang"], size, True, rng)
    lines = wrap(d, spec["name"], nf, w - 120)
    y = 150 - (len(lines) - 1) * size * 0.6
    for line in lines:
        d.text((w // 2, int(y)), line, font=nf, fill=bg, anchor="mm")
        y += size * 1.2
    d.text((w // 2, 290), spec["brand"], font=font("en", 32, False, rng), fill=fg, anchor="mm")
    for _k in range(5):  # leaf pattern
        cx, cy = rng.randint(120, w - 120), rng.randint(360, 560)
        d.ellipse((cx - 40, cy - 20, cx + 40, cy + 20), fill=band)
    bf = font(lang, body_size(spec, w, rng), False, rng)
    y = paragraph(d, (50, 620), f"{MARK[lang]} {', '.join(spec['ingredients'])}", bf, w - 100, fg)
    y = paragraph(d, (50, y + 12), DIRECTIONS[lang], bf, w - 100, fg)
    y = paragraph(d, (50, y + 12), f"{MFR[lang]} {spec['manufacturer']}", bf, w - 100, fg)
    if spec.get("barcode"):
        bar = barcode_block(spec["barcode"])
        img.paste(bar, (w - 50 - bar.width, min(h - bar.height - 30, y + 20)))
        y = max(y, min(h - 30, y + 20 + bar.height))
    return img.crop((0, 0, w, min(h, y + 60)))


def tpl_screenshot(spec: dict, rng: random.Random) -> Image.Image:
    """A phone screenshot of an online shop's product page (직구 상품 페이지): status bar, search bar, a
    product picture, title, price, rating, buttons, then the description with the ingredients."""
    w, h = 828, 1792
    img = Image.new("RGB", (w, h), (255, 255, 255))
    d = ImageDraw.Draw(img)
    lang = spec["lang"]
    ui = font("ko" if lang == "ko" else "zh" if lang == "zh" else "latin", 26, False, rng)
    d.text((40, 18), "9:41", font=font("en", 28, True, rng), fill=(0, 0, 0))
    d.text((w - 150, 18), "5G  87%", font=font("en", 26, False, rng), fill=(0, 0, 0))
    d.rounded_rectangle((30, 70, w - 30, 130), radius=28, fill=(240, 240, 243))
    d.text((60, 86), {"ko": "해외직구 검색", "zh": "搜索商品"}.get(lang, "Search products"), font=ui, fill=(140, 140, 140))
    d.rectangle((0, 150, w, 650), fill=(235, 238, 242))
    d.rounded_rectangle((w // 2 - 130, 220, w // 2 + 130, 600), radius=40, fill=spec["pal"][2])
    d.text((w // 2, 410), spec["brand"][:12], font=font("en", 30, True, rng), fill=(255, 255, 255), anchor="mm")
    tf = font(spec["name_lang"], 40, True, rng)
    y = paragraph(d, (30, 680), f"{spec['brand']} {spec['name']}", tf, w - 60, (20, 20, 20), 1.3)
    d.text((30, y + 10), "$24.99" if lang != "ko" else "₩32,900", font=font("en", 44, True, rng), fill=(220, 40, 40))
    d.text((260, y + 22), "★★★★☆ 4.6 (1,284)", font=font("en", 26, False, rng), fill=(120, 120, 120))
    y += 90
    d.rounded_rectangle((30, y, w // 2 - 10, y + 80), radius=12, fill=(255, 150, 0))
    d.rounded_rectangle((w // 2 + 10, y, w - 30, y + 80), radius=12, fill=(230, 60, 40))
    btn = font("ko" if lang == "ko" else "latin", 30, True, rng)
    d.text((w // 4, y + 40), "장바구니" if lang == "ko" else "Add to Cart", font=btn, fill="white", anchor="mm")
    d.text((3 * w // 4, y + 40), "바로구매" if lang == "ko" else "Buy Now", font=btn, fill="white", anchor="mm")
    y += 120
    d.text((30, y), {"ko": "상품 상세정보", "zh": "商品详情"}.get(lang, "Product details"), font=font(lang, 32, True, rng), fill=(0, 0, 0))
    y += 60
    bf = font(lang, 27, False, rng)
    y = paragraph(d, (30, y), f"{MARK[lang]} {', '.join(spec['ingredients'])}", bf, w - 60, (50, 50, 50))
    y = paragraph(d, (30, y + 14), DIRECTIONS[lang], bf, w - 60, (50, 50, 50))
    paragraph(d, (30, y + 14), f"{MFR[lang]} {spec['manufacturer']}", bf, w - 60, (50, 50, 50))
    d.rectangle((0, h - 110, w, h), fill=(248, 248, 248))
    return img


# --- phone capture ------------------------------------------------------------------------------------

def cylinder(img: Image.Image, rng: random.Random) -> Image.Image:
    """Wrapped round a bottle: the label's sides compress towards the edges and darken; a vertical specular
    stripe where the light hits the curve."""
    import cv2

    a = np.asarray(img).astype(np.float32)
    h, w = a.shape[:2]
    arc = rng.uniform(1.4, 2.2)  # radians of the cylinder visible
    out_w = int(w * np.sin(arc / 2) / (arc / 2))
    xs = (np.arange(out_w) - out_w / 2) / (out_w / 2)  # -1..1 in the photo
    theta = np.arcsin(np.clip(xs * np.sin(arc / 2), -1, 1))
    src_x = ((theta / (arc / 2)) * (w / 2) + w / 2).astype(np.float32)
    map_x = np.tile(src_x, (h, 1))
    map_y = np.tile(np.arange(h, dtype=np.float32)[:, None], (1, out_w))
    out = cv2.remap(a, map_x, map_y, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
    shade = 0.55 + 0.45 * np.cos(theta)
    stripe_x = rng.uniform(-0.5, 0.5)
    stripe = np.exp(-((xs - stripe_x) ** 2) / (2 * rng.uniform(0.03, 0.07) ** 2)) * rng.uniform(90, 150)
    out = out * shade[None, :, None] + stripe[None, :, None]
    return Image.fromarray(np.clip(out, 0, 255).astype(np.uint8))


def glare_on(img: Image.Image, box: tuple[int, int, int, int], rng: random.Random) -> Image.Image:
    """A bright elliptical reflection over part of `box` (a barcode)."""
    a = np.asarray(img).astype(np.float32)
    h, w = a.shape[:2]
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    x0, y0, x1, y1 = box
    cx, cy = rng.uniform(x0, x1), rng.uniform(y0, y1)
    rx, ry = (x1 - x0) * rng.uniform(0.18, 0.3), (y1 - y0) * rng.uniform(0.4, 0.7)
    spot = np.exp(-(((xx - cx) / rx) ** 2 + ((yy - cy) / ry) ** 2))
    return Image.fromarray(np.clip(a + spot[..., None] * rng.uniform(120, 170), 0, 255).astype(np.uint8))


def shadow(img: Image.Image, rng: random.Random) -> Image.Image:
    """The phone's or the hand's shadow: a soft dark region from one side."""
    a = np.asarray(img).astype(np.float32)
    h, w = a.shape[:2]
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    edge = rng.uniform(0.3, 0.6) * w
    dark = 1 - 0.5 / (1 + np.exp((xx + 0.3 * yy - edge) / (0.05 * w)))
    return Image.fromarray(np.clip(a * dark[..., None], 0, 255).astype(np.uint8))


def warm_cast(img: Image.Image, rng: random.Random) -> Image.Image:
    a = np.asarray(img).astype(np.float32) * np.array([1.08, 0.97, 0.78]) * rng.uniform(0.85, 0.95)
    return Image.fromarray(np.clip(a, 0, 255).astype(np.uint8))


def capture(label: Image.Image, spec: dict, rng: random.Random) -> tuple[Image.Image, int, int]:
    """Photograph the label; returns (stored pixels, EXIF orientation, longest side)."""
    dist = spec["distortions"]
    img = label
    if "barcode_glare" in spec["cases"] and spec.get("_bar_box"):
        img = glare_on(img, spec["_bar_box"], rng)
    if "curved" in spec["cases"] or "barcode_curved" in spec["cases"]:
        img = cylinder(img, rng)
    table = tuple(rng.randint(90, 210) for _ in range(3))
    angle = rng.uniform(-18, 18) if "tilt" in dist else rng.uniform(-3, 3)
    img = img.rotate(angle, expand=True, resample=Image.Resampling.BICUBIC, fillcolor=table)
    margin = rng.randint(40, 160)
    canvas = Image.new("RGB", (img.width + 2 * margin, img.height + 2 * margin), table)
    canvas.paste(img, (margin, margin))
    img = perspective(canvas, rng, 0.06)
    if "glare" in dist:
        img = lighting(img, rng, "glare")
    if "dim" in dist:
        img = lighting(img, rng, "dim")
    if "shadow" in dist:
        img = shadow(img, rng)
    if "warm_cast" in dist:
        img = warm_cast(img, rng)
    side = 4032 if "heic_iphone" in spec["cases"] else rng.randint(620, 760) if "lowres" in dist else rng.randint(1200, 1750)
    scale = side / max(img.size)
    img = img.resize((max(1, int(img.width * scale)), max(1, int(img.height * scale))), Image.Resampling.LANCZOS)
    if "blur" in dist:
        img = img.filter(ImageFilter.GaussianBlur(rng.uniform(0.9, 1.6)))
    noise = np.random.default_rng(rng.randint(0, 2**31)).normal(0, rng.uniform(2, 5), (img.height, img.width, 3))
    img = Image.fromarray(np.clip(np.asarray(img).astype(np.float32) + noise, 0, 255).astype(np.uint8))
    orientation = 1
    if "exif_rotation" in dist or "heic_iphone" in spec["cases"]:
        orientation = rng.choice([6, 8, 3])
        img = img.rotate({6: 90, 8: -90, 3: 180}[orientation], expand=True)
    return img, orientation, side


def save(img: Image.Image, stem: Path, orientation: int, spec: dict, rng: random.Random) -> Path:
    exif = Image.Exif()
    if orientation != 1:
        exif[0x0112] = orientation
    if "heic_iphone" in spec["cases"]:
        import pillow_heif

        pillow_heif.register_heif_opener()
        path = stem.with_suffix(".heic")
        img.save(path, "HEIF", quality=rng.randint(45, 55), exif=exif.tobytes())
        return path
    quality = rng.randint(40, 55) if "jpeg_low" in spec["distortions"] else rng.randint(65, 82)
    path = stem.with_suffix(".jpg")
    img.save(path, "JPEG", quality=quality, exif=exif.tobytes())
    return path


def render(spec: dict, rng: random.Random, part: str = "whole") -> Image.Image:
    pal = spec["pal"]
    if "screenshot" in spec["cases"]:
        return tpl_screenshot(spec, rng)
    if part == "front":
        return tpl_box_front(spec, rng, pal, back=False)
    if part == "back":
        return tpl_box_front(spec, rng, pal, front=False)
    tpl = spec["template"]
    if tpl == "two_column":
        return tpl_two_column(spec, rng, pal)
    if tpl == "bottle_wrap":
        return tpl_bottle_wrap(spec, rng, pal)
    if tpl == "sachet":
        return tpl_sachet(spec, rng, pal)
    return tpl_box_front(spec, rng, pal)


def locate_barcode(img: Image.Image) -> tuple[int, int, int, int] | None:
    """Where the barcode landed on the flat label (for a glare over it)."""
    import zxingcpp

    for r in zxingcpp.read_barcodes(img):
        p = r.position
        xs = [p.top_left.x, p.top_right.x, p.bottom_left.x, p.bottom_right.x]
        ys = [p.top_left.y, p.top_right.y, p.bottom_left.y, p.bottom_right.y]
        return min(xs), min(ys) - 10, max(xs), max(ys) + 40
    return None


# --- the set --------------------------------------------------------------------------------------------

PHONE = ["glare", "dim", "lowres", "tilt", "exif_rotation", "blur", "jpeg_low", "shadow", "warm_cast"]


def specs(rng: random.Random) -> list[dict]:
    products, _ = load_lists(LISTS, HELDOUT_LISTS)
    out: list[dict] = []
    for rep in range(2):
        for p in products:
            name_lang = lang_of(p["product"])
            lang = name_lang if name_lang != "en" else rng.choice(["en", "en", "en", "ko"])
            canon = p["ingredients"].split(" | ")[0]
            ingr = rng.sample(FILLERS[lang], 4)
            shows = rep == 1 and rng.random() < 0.35
            if shows:
                prints = [b[1] for b in BLOCKED if b[0] == canon and b[2] == lang] or [canon]
                ingr.insert(rng.randint(1, 3), rng.choice(prints))
            barcode = p["barcode"] if p["barcode"] and (rep == 0 or rng.random() < 0.4) else None
            if name_lang in ("th", "vi") and rep == 0:
                barcode = None  # the name must be read from the photo
            cases = [c for c in (name_lang if name_lang in ("th", "vi") else "",) if c]
            cases = [{"th": "thai", "vi": "vietnamese"}.get(c, c) for c in cases]
            if not barcode and not shows:
                cases.append("name_only")
            out.append({"category": "listed", "name": p["product"], "name_lang": name_lang, "lang": lang,
                        "manufacturer": p["manufacturer"], "ingredients": ingr, "barcode": barcode, "cases": cases,
                        "expect": "hazard", "expect_entry": p["locator"]})
    for canon, printed, lang in BLOCKED:
        name = rng.choice(UNLISTED[lang])
        ingr = rng.sample(FILLERS[lang], 4)
        ingr.insert(rng.randint(0, 4), printed)
        cases = {"th": ["thai"], "vi": ["vietnamese"]}.get(lang, [])
        out.append({"category": "ingredient", "name": name, "name_lang": lang_of(name), "lang": lang,
                    "manufacturer": rng.choice(["Global Wellness Trading", "Asia Health Supply Co.", "Herbal Source Ltd."]),
                    "ingredients": ingr, "barcode": None, "cases": cases, "expect": "hazard", "expect_entry": canon})
    for cat, pool in (("near_miss", NEAR_MISS), ("clean", CLEAN)):
        for name, lang in pool:
            ingr = rng.sample(FILLERS[lang], 5)
            if name in RELEASED_PRINT:
                ingr.insert(1, RELEASED_PRINT[name])
            body = str(rng.randint(10**11, 10**12 - 1))
            check = (10 - sum(int(d) * (3 if k % 2 else 1) for k, d in enumerate(body)) % 10) % 10
            cases = {"th": ["thai"], "vi": ["vietnamese"]}.get(lang, [])
            out.append({"category": cat, "name": name, "name_lang": lang_of(name), "lang": lang,
                        "manufacturer": rng.choice(["Pure Origin Co.", "Daily Health Inc.", "Sunrise Bio Co., Ltd."]),
                        "ingredients": ingr, "barcode": body + str(check) if rng.random() < 0.35 else None, "cases": cases,
                        "expect": "no_match", "expect_entry": None})
    rng.shuffle(out)
    # the special cases, spread over categories
    n = len(out)
    for i, s in enumerate(out):
        s["template"] = rng.choice(["box_front", "two_column", "bottle_wrap", "sachet"])
        s["pal"] = PALETTES[rng.randrange(len(PALETTES))]
        s["brand"] = rng.choice(["Nature's Peak", "Orient Herbs", "VitaPlus Lab", "Golden Lotus", "Dr. Leaf", "Mega Health"])
        s["distortions"] = sorted(rng.sample(PHONE, rng.choice([0, 1, 1, 2, 2, 3])))
        if "glare" in s["distortions"] and "dim" in s["distortions"]:
            s["distortions"].remove("glare")
        roll = i % 12
        if roll == 0:
            s["cases"].append("curved")
            s["template"] = "bottle_wrap"
        elif roll == 1:
            s["cases"].append("small_print")
        elif roll == 2:
            s["cases"].append("group")
        elif roll == 3 and s["barcode"]:
            s["cases"].append("barcode_glare")
        elif roll == 4 and s["barcode"]:
            s["cases"].append("barcode_curved")
            s["template"] = "bottle_wrap"
        if i in (n // 7, 3 * n // 7, 5 * n // 7):
            s["cases"].append("heic_iphone")
        if i % 19 == 7 and s["lang"] in ("en", "ko", "zh"):
            s["cases"] = [c for c in s["cases"] if c not in ("curved", "group", "small_print", "barcode_glare", "barcode_curved")]
            s["cases"].append("screenshot")
            s["distortions"] = []
    return out


def write_manifest(out: Path, seed: int, split: str, manifest: list[dict]) -> None:
    """manifest.json of a rendered split, and one line on what was written."""
    (out / "manifest.json").write_text(json.dumps({"seed": seed, "split": split, "images": manifest},
                                                  ensure_ascii=False, indent=1), encoding="utf-8")
    size = sum(p.stat().st_size for p in (out / "images").iterdir())
    print(f"{len(manifest)} items, {len(list((out / 'images').iterdir()))} files, {size / 1e6:.1f} MB -> {out}")


FONT_PACKAGES = {"dejavu": "fonts-dejavu-core", "unfonts-core": "fonts-unfonts-core", "nanum": "fonts-nanum",
                 "wqy": "fonts-wqy-zenhei", "arphic": "fonts-arphic-uming", "ipafont-gothic": "fonts-ipafont-gothic",
                 "ipafont-mincho": "fonts-ipafont-mincho", "Garuda": "fonts-tlwg-garuda-otf",
                 "Kinnari": "fonts-tlwg-kinnari-otf", "Norasi": "fonts-tlwg-norasi-otf"}


def missing_fonts() -> dict[str, str]:
    """Font files the renderer may pick that are not installed, each with the Debian package that has it
    (a missing one would fail deep inside PIL as "cannot open resource", naming nothing)."""
    out = {}
    for paths in F.values():
        for path in paths:
            variants = {path.format(x) for x in ("", "-Bold", "Bold", "B", "R")} if "{}" in path else {path}
            if not any(Path(v).exists() for v in variants):
                out[path.replace("{}", "")] = next((pkg for key, pkg in FONT_PACKAGES.items() if key in path), "?")
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", default=str(ROOT / "labels_heldout"))
    ap.add_argument("--seed", type=int, default=12)
    args = ap.parse_args(argv)
    missing = missing_fonts()
    if missing:
        packages = " ".join(sorted(set(missing.values())))
        print("글꼴이 설치되어 있지 않아 held-out 사진을 만들 수 없습니다 (fonts missing): "
              + ", ".join(missing) + f"\n  sudo apt-get install {packages}", file=sys.stderr)
        return 2
    out = Path(args.out)
    (out / "images").mkdir(parents=True, exist_ok=True)
    rng = random.Random(args.seed)
    manifest = []
    for i, spec in enumerate(specs(rng)):
        parts = ["front", "back"] if "group" in spec["cases"] else ["whole"]
        files = []
        for part in parts:
            label = render(spec, rng, part)
            suffix = "" if part == "whole" else f"_{part}"
            stem = out / "images" / f"{i:03d}_{spec['category']}{suffix}"
            if "screenshot" in spec["cases"]:  # the pixels of the screen itself, as the phone saves them
                path = stem.with_suffix(".png")
                label.quantize(64, dither=Image.Dither.NONE).save(path, "PNG", optimize=True)
                files.append(path)
                continue
            spec["_bar_box"] = locate_barcode(label) if ("barcode_glare" in spec["cases"] and spec.get("barcode")) else None
            img, orientation, _ = capture(label, spec, rng)
            files.append(save(img, stem, orientation, spec, rng))
        item = {"file": f"images/{files[0].name}", "category": spec["category"], "name": spec["name"], "lang": spec["lang"],
                "expect": spec["expect"], "expect_entry": spec["expect_entry"], "barcode": spec.get("barcode"),
                "ingredients": spec["ingredients"], "template": spec["template"] if "screenshot" not in spec["cases"] else "screenshot",
                "cases": spec["cases"], "distortions": spec["distortions"]}
        if len(files) > 1:
            item["files"] = [f"images/{f.name}" for f in files]
        manifest.append(item)
    write_manifest(out, args.seed, "heldout", manifest)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
