"""Generate the sample hazard lists (위해식품 차단정보 / 반입차단 원료·성분, 샘플) under corpora/hazard_lists/.

  i2715_page1_sample.json, i2715_page2_sample.json   MFDS OpenAPI I2715 shape (two API pages)
  hazard_products_ko_sample.xlsx                      Korean headers 제품명,제조사,제조국,검출성분,바코드,등록일
  hazard_products_ko_sample.csv                       CP949, 제품명,업체명,제조국,위해성분,바코드,등록일
  blocked_ingredients_sample.json                     data.go.kr BlockRawIrdntInfoService shape

Product names, manufacturers, barcodes, dates and URLs are invented (fixed seed, byte-identical output);
ingredient names and synonyms are public facts (scripts/build_hazard_substances.py).

    .venv/bin/python scripts/build_hazard_lists.py
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from build_findings_report import make_zip_deterministic  # noqa: E402
from build_hazard_substances import REASONS, RELEASED, SUBSTANCES, UNLISTED_ANALOGUES  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "corpora" / "hazard_lists"
SEED = 20230717
PAGE_SIZES = (120, 105)
XLSX_COUNT, CSV_COUNT = 24, 22
NOTE = ("샘플(가상) 데이터: 제품명·제조사·바코드·날짜·이미지 주소는 지어낸 것이며, 성분명과 별칭만 공개된 사실에 "
        "근거합니다. 실제 식약처 목록이 아닙니다.")

GROUPS = ["weight", "sexual", "sleep", "muscle", "stimulant", "joint"]
GROUP_WEIGHTS = [40, 26, 12, 12, 5, 5]
NAMES = {  # (first parts, second parts) per script and use group; joined with a space (zh, ja: no space)
    "en": {
        "weight": (["Golden Bee", "Slim Queen", "Lean Body", "Fit Line", "Burn Max", "Keto Fire", "Skinny Wave",
                    "Body Shape", "Pure Slim", "Tropical Fit", "Fit Queen"],
                   ["Slim Tea", "Diet Capsule", "Fat Burner", "Detox Coffee", "Slimming Gummies", "Weight Loss Pills",
                    "Cut Drops", "Detox"]),
        "sexual": (["Night Tiger", "Royal Stallion", "Power Max", "Black Horse", "Red Dragon", "King Kong", "Titan Man",
                    "Rhino"], ["Gold", "9000", "Capsule", "Energy Shot", "Honey", "Coffee for Men", "Extreme"]),
        "sleep": (["Dream Well", "Sleep Easy", "Calm Night", "Moon Drop", "Deep Rest", "Lullaby"],
                  ["Gummies", "Tablets", "Herbal Tea", "Melts", "Drops"]),
        "muscle": (["Iron Mass", "Anabolic Pro", "Beast Mode", "Hyper Gain", "Alpha Bulk", "Titan Muscle"],
                   ["Stack", "Capsules", "Tablets", "Powder", "Formula"]),
        "stimulant": (["Jack Fury", "Pump Storm", "Oxy Blast", "Nitro Rage", "Meso X"],
                      ["Pre-Workout", "Energy Powder", "Pre Workout Shot"]),
        "joint": (["Flex Joint", "Joint Ease", "Bone Guard", "Arthro Plus"], ["Capsules", "Tablets", "Herbal Tea"]),
    },
    "zh": {
        "weight": (["纤体", "瘦身", "轻盈", "燃脂", "美体", "植物"], ["胶囊 极速版", "茶", "咖啡 加强版", "软糖", "片 升级版", "胶囊"]),
        "sexual": (["男士", "强力", "金龙", "虎王", "鹿鞭"], ["胶囊", "片 特效版", "口服液", "蜂蜜 黄金装"]),
        "sleep": (["安睡", "宁神", "好眠"], ["软糖", "片", "胶囊"]),
        "muscle": (["增肌", "力量", "健身"], ["粉", "胶囊", "片"]),
        "stimulant": (["能量", "爆发"], ["粉", "饮"]),
        "joint": (["关节", "骨力", "风湿"], ["胶囊", "片", "宁"]),
    },
    "ja": {
        "weight": (["スリムビューティー", "ダイエットプロ", "燃焼系", "すっきり"], ["カプセル", "ティー", "サプリ", "ゼリー"]),
        "sexual": (["ナイトパワー", "マカ王", "精力"], ["ゴールド", "カプセル", "ドリンク"]),
        "sleep": (["快眠", "ぐっすり", "おやすみ"], ["サプリ", "グミ", "タブレット"]),
        "muscle": (["マッスル", "パワーボディ"], ["プロテイン", "サプリ"]),
        "stimulant": (["エナジー"], ["パウダー"]),
        "joint": (["関節", "ひざ楽"], ["サプリ", "錠"]),
    },
    "th": {
        "weight": (["สลิมมิ่ง", "ลีน", "เฟิร์ม"], ["พลัส", "ดีท็อกซ์", "แคปซูล", "คอฟฟี่"]),
        "sexual": (["ไทเกอร์", "คิง", "แมน"], ["โกลด์", "พาวเวอร์", "แคปซูล"]),
        "sleep": (["สลีป", "หลับสบาย"], ["เจลลี่", "แคปซูล"]),
        "muscle": (["มัสเซิล"], ["แมกซ์", "พลัส"]),
        "stimulant": (["เอนเนอร์จี้"], ["บูสต์"]),
        "joint": (["ข้อเข่า"], ["พลัส", "แคปซูล"]),
    },
    "ko": {
        "weight": (["슬림핏", "쏙빠짐", "바디라인", "날씬"], ["다이어트 차", "캡슐", "젤리", "커피"]),
        "sexual": (["파워 맥스", "킹파워", "정력왕", "블랙마카"], ["캡슐", "골드", "스틱"]),
        "sleep": (["꿀잠", "숙면", "드림"], ["젤리", "정", "캡슐"]),
        "muscle": (["근육왕", "벌크업"], ["부스터", "정"]),
        "stimulant": (["에너지폭발"], ["파우더"]),
        "joint": (["관절팔팔", "무릎튼튼"], ["정", "캡슐"]),
    },
}
SUFFIXES = {
    "en": [" Plus", " 2X", " Pro", " Gold", " 30caps", " Ultra", " Max", " Extra"],
    "zh": [" 30粒", " 60粒", " 礼盒装", " 新款", " 特强"],
    "ja": [" 30粒", " 60粒", " プレミアム", " ネオ", " EX"],
    "th": [" พลัส", " โกลด์", " 2X", " แมกซ์"],
    "ko": [" 플러스", " 골드", " 2X", " 프리미엄", " 30캡슐"],
}
SCRIPT_WEIGHTS = {"en": 45, "zh": 20, "ja": 12, "th": 10, "ko": 13}
COUNTRIES = {
    "en": ["미국", "미국", "미국", "미국", "캐나다", "말레이시아", "인도네시아", "인도", "홍콩", "영국"],
    "zh": ["중국", "중국", "중국", "중국", "홍콩", "대만"],
    "ja": ["일본"], "th": ["태국"], "ko": ["미국", "중국", "베트남", "홍콩"],
}
GS1_PREFIX = {"미국": "0", "캐나다": "0", "말레이시아": "955", "인도네시아": "899", "인도": "890", "홍콩": "489",
              "영국": "50", "중국": "69", "대만": "471", "일본": "49", "태국": "885", "베트남": "893"}
MAKER_WORDS = ["Sunrise", "Evergreen", "Lotus", "Phoenix", "Harmony", "Blue Ocean", "Silver Leaf", "Nova", "Orchid",
               "Golden Bee", "Vital", "Zenith"]
MAKERS = {
    "en": ["{w} Nutrition LLC", "{w} Labs Inc.", "{w} Health Co., Ltd.", "{w} Naturals Corp."],
    "zh": ["广州{c}生物科技有限公司", "深圳{c}健康产业有限公司", "{c}保健品厂"],
    "ja": ["株式会社{k}", "{k}製薬株式会社"],
    "th": ["บริษัท {t} จำกัด"],
    "ko": ["{w} Global Ltd.", "{w} Korea Export Co."],
}
ZH_WORDS = ["美康", "金蜂", "华美", "天和", "荣达"]
JA_WORDS = ["ナチュラルライフ", "サクラヘルス", "ミドリ", "アサヒナ"]
TH_WORDS = ["สลิมเฮลท์", "ไทยเฮิร์บ", "สยามแล็บ"]
SALT_FORMS = {"시부트라민": "시부트라민염산염", "실데나필": "실데나필시트르산염", "요힘빈": "요힘빈염산염"}


def ean13(body12: str) -> str:
    """EAN-13 with its check digit. ean13('880123456789') == '8801234567893'."""
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(body12))
    return body12 + str((10 - total % 10) % 10)


def ymd(d: dt.date) -> str:
    return d.strftime("%Y%m%d")


class ProductMaker:
    def __init__(self, rng: random.Random):
        self.rng = rng
        self.seen_names: set[str] = set()
        self.seen_barcodes: set[str] = set()
        self.by_group = {g: [s[0] for s in SUBSTANCES if s[4] == g] for g in GROUPS}

    def name(self, script: str, group: str) -> str:
        first, second = NAMES[script][group]
        sep = "" if script in ("zh", "ja") else " "
        for attempt in range(400):
            name = f"{self.rng.choice(first)}{sep}{self.rng.choice(second)}"
            if attempt > 20 or self.rng.random() < 0.2:
                name += self.rng.choice(SUFFIXES[script])
            if attempt > 100:
                name += self.rng.choice(SUFFIXES[script])
            if name not in self.seen_names:
                self.seen_names.add(name)
                return name
        raise RuntimeError(f"name space exhausted for {script}/{group}")

    def maker(self, script: str) -> str:
        if self.rng.random() < 0.08:
            return ""
        template = self.rng.choice(MAKERS[script])
        return template.format(w=self.rng.choice(MAKER_WORDS), c=self.rng.choice(ZH_WORDS),
                               k=self.rng.choice(JA_WORDS), t=self.rng.choice(TH_WORDS))

    def barcode(self, country: str) -> str:
        if self.rng.random() >= 0.6:
            return ""
        prefix = GS1_PREFIX[country]
        while True:
            code = ean13(prefix + "".join(self.rng.choice("0123456789") for _ in range(12 - len(prefix))))
            if code not in self.seen_barcodes:
                self.seen_barcodes.add(code)
                return code

    def ingredients(self, group: str) -> list[str]:
        pool = self.by_group[group]
        k = self.rng.choices([1, 2, 3], weights=[55, 35, 10])[0]
        items = self.rng.sample(pool, min(k, len(pool)))
        if group == "weight" and self.rng.random() < 0.15:
            items.append(self.rng.choice(self.by_group["stimulant"]))
        if group in UNLISTED_ANALOGUES and self.rng.random() < 0.12:
            items.append(self.rng.choice(UNLISTED_ANALOGUES[group]))
        items = [SALT_FORMS[i] if i in SALT_FORMS and self.rng.random() < 0.15 else i for i in items]
        return items

    def product(self, scripts: list[str] | None = None) -> dict:
        rng = self.rng
        choices = scripts or list(SCRIPT_WEIGHTS)
        script = rng.choices(choices, weights=[SCRIPT_WEIGHTS[s] for s in choices])[0]
        group = rng.choices(GROUPS, weights=GROUP_WEIGHTS)[0]
        country = rng.choice(COUNTRIES[script])
        registered = dt.date(2016, 1, 4) + dt.timedelta(days=rng.randint(0, 3460))
        return dict(script=script, group=group, name=self.name(script, group), maker=self.maker(script),
                    country=country, ingredients=self.ingredients(group), barcode=self.barcode(country),
                    registered=registered)

    def anchor(self, script: str, name: str, country: str, ingredients: list[str], with_barcode: bool) -> dict:
        """A product with fixed name and ingredients (other tests and the findings corpus refer to these)."""
        self.seen_names.add(name)
        barcode = ""
        if with_barcode:
            while not barcode or barcode in self.seen_barcodes:
                barcode = ean13(GS1_PREFIX[country] + "".join(self.rng.choice("0123456789")
                                                              for _ in range(12 - len(GS1_PREFIX[country]))))
            self.seen_barcodes.add(barcode)
        registered = dt.date(2019, 1, 7) + dt.timedelta(days=self.rng.randint(0, 1800))
        return dict(script=script, group="anchor", name=name, maker=self.maker(script), country=country,
                    ingredients=ingredients, barcode=barcode, registered=registered)


ANCHORS = [  # script, name, country, ingredients, barcode?
    ("en", "Golden Bee Slim Tea", "미국", ["시부트라민", "페놀프탈레인"], True),
    ("zh", "纤体胶囊 极速版", "중국", ["시부트라민"], True),
    ("ja", "スリムビューティー カプセル", "일본", ["시부트라민", "센노사이드"], True),
    ("th", "สลิมมิ่ง พลัส", "태국", ["시부트라민", "비사코딜"], False),
    ("ko", "파워 맥스 캡슐", "미국", ["실데나필", "타다라필"], True),
    ("en", "Power Max Capsule", "미국", ["실데나필"], True),
    ("en", "Night Tiger Gold", "말레이시아", ["타다라필", "요힘빈"], True),
    ("en", "Royal Stallion 9000", "홍콩", ["하이드록시호모실데나필"], False),
    ("en", "Lean Body Burn X", "캐나다", ["1,3-디메틸아밀아민", "2,4-디니트로페놀"], True),
    ("en", "Fit Queen Detox", "인도네시아", ["N,N-디데스메틸시부트라민", "페놀프탈레인"], True),
    ("en", "Slim Beauty Capsule", "인도", ["시부트라민염산염"], False),
]


def join_ingredients(rng: random.Random, items: list[str]) -> str:
    # the API mostly writes ", " but not always; names such as 1,3-디메틸아밀아민 keep their own commas
    return (", " if rng.random() < 0.8 else ",").join(items)


def i2715_rows(rng: random.Random, products: list[dict]) -> list[dict]:
    products.sort(key=lambda p: (p["registered"], p["name"]))
    per_year: dict[int, int] = {}
    rows = []
    for p in products:
        year = p["registered"].year
        per_year[year] = per_year.get(year, 0) + rng.randint(1, 9)
        seq = f"{year}{per_year[year]:06d}"
        updated = min(p["registered"] + dt.timedelta(days=rng.choice([0, 0, 0, rng.randint(1, 400)])),
                      dt.date(2025, 9, 30))
        n_img = rng.choices([0, 1, 2], weights=[25, 55, 20])[0]
        images = ",".join(f"https://images.example.invalid/i2715/{seq}_{i}.jpg" for i in range(1, n_img + 1))
        rows.append({
            "SELF_IMPORT_SEQ": seq, "PRDT_NM": p["name"], "MUFC_NM": p["maker"], "MUFC_CNTRY_NM": p["country"],
            "INGR_NM_LST": join_ingredients(rng, p["ingredients"]), "BARCD_CTN": p["barcode"],
            "CRET_DTM": ymd(p["registered"]), "LAST_UPDT_DTM": ymd(updated), "STT_YMD": ymd(p["registered"]),
            "END_YMD": "", "IMAGE_URL": images,
        })
    return rows


def write_i2715(rows: list[dict]) -> list[str]:
    names = []
    start = 0
    for page, size in enumerate(PAGE_SIZES, 1):
        doc = {"I2715": {"total_count": str(len(rows)),
                         "RESULT": {"MSG": "정상처리되었습니다.", "CODE": "INFO-000"},
                         "row": rows[start:start + size]},
               "_note": NOTE}
        start += size
        name = f"i2715_page{page}_sample.json"
        (OUT / name).write_text(json.dumps(doc, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        names.append(name)
    assert start == len(rows)
    return names


def write_korean_variants(rng: random.Random, maker: ProductMaker) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = "위해식품 차단목록(샘플)"
    ws.append(["제품명", "제조사", "제조국", "검출성분", "바코드", "등록일"])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for _ in range(XLSX_COUNT):
        p = maker.product()
        ws.append([p["name"], p["maker"], p["country"], join_ingredients(rng, p["ingredients"]), p["barcode"],
                   p["registered"]])
        ws.cell(ws.max_row, 5).number_format = "@"  # barcode stays text: a number cell would drop leading zeros
        ws.cell(ws.max_row, 6).number_format = "yyyy-mm-dd"
    for col, width in zip("ABCDEF", [34, 30, 10, 40, 16, 12], strict=True):
        ws.column_dimensions[col].width = width
    wb.properties.title = "위해식품 차단목록(샘플)"
    wb.properties.creator = "customs-assistant sample generator"
    wb.save(OUT / "hazard_products_ko_sample.xlsx")
    make_zip_deterministic(OUT / "hazard_products_ko_sample.xlsx")

    with open(OUT / "hazard_products_ko_sample.csv", "w", encoding="cp949", errors="strict", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["제품명", "업체명", "제조국", "위해성분", "바코드", "등록일"])
        for _ in range(CSV_COUNT):
            p = maker.product(scripts=["en", "ko"])  # CP949 has no simplified Chinese, Thai or many kana
            w.writerow([p["name"], p["maker"], p["country"], join_ingredients(rng, p["ingredients"]), p["barcode"],
                        p["registered"].isoformat()])


def write_blocked(rng: random.Random) -> tuple[int, int]:
    items = []
    for i, (ko, en, other, category, _group) in enumerate(SUBSTANCES):
        # the substances officers meet most were listed first (2015-2018), the rest later
        start = dt.date(2015, 3, 2) if i < 60 else dt.date(2018, 6, 1)
        designated = start + dt.timedelta(days=rng.randint(0, 1800))
        released = RELEASED.get(ko)
        rels_dt = designated + dt.timedelta(days=rng.randint(400, 1500)) if released else None
        items.append({"item": {
            "RAW_IRDNT_NM": ko, "RAW_IRDNT_ENG_NM": en, "RAW_IRDNT_ETC_NM": ", ".join(other),
            "APPN_RELS_DVS": "N" if released else "Y", "APPN_DT": ymd(designated),
            "RELS_DT": ymd(rels_dt) if rels_dt else "", "APPN_RSN": REASONS[category],
            "RELS_RSN": released or "",
        }})
    items.sort(key=lambda it: (it["item"]["APPN_DT"], it["item"]["RAW_IRDNT_NM"]))
    doc = {"header": {"resultCode": "00", "resultMsg": "NORMAL SERVICE."},
           "body": {"pageNo": 1, "numOfRows": len(items), "totalCount": len(items), "items": items},
           "_note": NOTE}
    (OUT / "blocked_ingredients_sample.json").write_text(json.dumps(doc, ensure_ascii=False, indent=1) + "\n",
                                                          encoding="utf-8")
    return len(items), len(RELEASED)


def main() -> int:
    rng = random.Random(SEED)
    OUT.mkdir(parents=True, exist_ok=True)
    maker = ProductMaker(rng)
    products = [maker.anchor(*a) for a in ANCHORS]
    products += [maker.product() for _ in range(sum(PAGE_SIZES) - len(products))]
    rows = i2715_rows(rng, products)
    pages = write_i2715(rows)
    write_korean_variants(rng, maker)
    n_sub, n_rel = write_blocked(rng)
    with_barcode = sum(1 for r in rows if r["BARCD_CTN"])
    print(f"{pages}: {len(rows)} products ({PAGE_SIZES[0]} + {PAGE_SIZES[1]}), {with_barcode} with barcode; "
          f"xlsx {XLSX_COUNT}, csv {CSV_COUNT}; blocked ingredients {n_sub} ({n_rel} released)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
