"""Understanding the OCR text (라벨 해석): product-name candidates, manufacturer, ingredient list.

- name candidates (제품명 후보): the lines with the tallest words, preferring the top of the label;
- manufacturer (제조사): the line after a marker such as 제조원, Manufacturer, 制造商, 製造者;
- ingredients (성분/원재료명): the text after a marker (성분, 원재료명, 원료, Ingredients, Supplement Facts,
  成分, 配料, 原材料, 成分表, Thành phần, ส่วนประกอบ …) up to the next section marker, split into items (a comma between
  digits, as in "1,3-디메틸아밀아민", is not a separator).

>>> p = parse_lines([("Slim Tea", 60), ("Ingredients: green tea, 1,3-dimethylamylamine", 20), ("Warning: keep dry", 20)])
>>> p.ingredients
['green tea', '1,3-dimethylamylamine']
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from assistant.label.normalize import base_normalize, split_names
from assistant.label.ocr import OcrResult, join_words

INGREDIENT_MARKERS = [
    "원재료명및함량", "원재료명", "원료명", "성분명", "주요성분", "성분", "원료", "함유성분",
    "supplement facts", "other ingredients", "ingredients", "ingredient", "composition",
    "成分表", "成分", "配料表", "配料", "原材料名", "原材料", "原料", "全成分",
    "thành phần", "ส่วนประกอบ", "ส่วนผสม",
]
MANUFACTURER_MARKERS = [
    "제조원", "제조사", "제조업체", "제조자", "판매원", "수입원", "manufactured by", "manufacturer", "mfd by",
    "made by", "distributed by", "制造商", "生产商", "生产企业", "製造者", "製造元", "販売者", "製造商",
    "nhà sản xuất", "sản xuất bởi", "ผลิตโดย", "ผู้ผลิต",
]
SECTION_END_MARKERS = [
    "주의사항", "섭취방법", "용법", "보관방법", "유통기한", "directions", "warning", "caution", "suggested use",
    "storage", "注意事项", "用法", "使用方法", "注意", "保存方法", "賞味期限", "内容量", "净含量", "내용량", "net wt",
    "hướng dẫn sử dụng", "cách dùng", "bảo quản", "วิธีใช้", "วิธีรับประทาน", "คำเตือน",
]
_MARK_RE = re.compile("|".join(re.escape(base_normalize(m)) for m in sorted(INGREDIENT_MARKERS, key=len, reverse=True)))
_MFR_RE = re.compile("|".join(re.escape(base_normalize(m)) for m in sorted(MANUFACTURER_MARKERS, key=len, reverse=True)))
_END_RE = re.compile("|".join(re.escape(base_normalize(m)) for m in SECTION_END_MARKERS) + "|" + _MFR_RE.pattern)
_SEP_RE = re.compile(r"^[\s:：\-)\]」』]*")


@dataclass
class ParsedLabel:
    name_candidates: list[str] = field(default_factory=list)
    manufacturer: str | None = None
    ingredient_text: str = ""
    ingredients: list[str] = field(default_factory=list)

    def to_json(self) -> dict:
        return {"name_candidates": self.name_candidates, "manufacturer": self.manufacturer, "ingredients": self.ingredients}


def _strip_sep(s: str) -> str:
    return _SEP_RE.sub("", s).strip()


def parse_lines(lines: Sequence[tuple[str, float]]) -> ParsedLabel:
    """lines: (text, word height) in reading order."""
    out = ParsedLabel()
    usable = [(t.strip(), h) for t, h in lines if sum(ch.isalnum() for ch in t) >= 2]
    if not usable:
        return out
    # Name candidates: tallest lines, ties broken by position (earlier first).
    top = sorted(range(len(usable)), key=lambda i: (-usable[i][1], i))[:3]
    out.name_candidates = [usable[i][0] for i in top]  # tallest first
    collecting = False
    collected: list[str] = []
    for text, _h in usable:
        norm = base_normalize(text)
        compact = norm.replace(" ", "")
        mfr = _MFR_RE.search(norm) or _MFR_RE.search(compact)
        if mfr and out.manufacturer is None:
            rest = _strip_sep(norm[mfr.end():]) if _MFR_RE.search(norm) else ""
            out.manufacturer = rest or None
        mark = _MARK_RE.search(norm) or _MARK_RE.search(compact)
        if mark and not collecting:
            collecting = True
            src = norm if _MARK_RE.search(norm) else compact
            rest = _strip_sep(src[mark.end():])
            if rest:
                collected.append(rest)
            continue
        if collecting:
            end = _END_RE.search(norm)
            if end:
                if end.start() > 0:
                    collected.append(norm[: end.start()])
                collecting = False
                continue
            collected.append(norm)
    out.ingredient_text = " ".join(collected).strip()
    items = split_names(out.ingredient_text.replace("(", ",").replace(")", ",").replace("·", ","))
    out.ingredients = [i for i in items if sum(ch.isalnum() for ch in i) >= 2]
    return out


def parse(ocr: OcrResult) -> ParsedLabel:
    """Parse each OCR pass and merge: the Hangul/Latin pass gives names; every pass may add ingredients."""
    merged = ParsedLabel()
    for i, p in enumerate(ocr.passes):
        lines = [(join_words(ln), max(w.height for w in ln) or 1) for ln in p.lines()]
        parsed = parse_lines(lines)
        if i == 0:
            merged.name_candidates = parsed.name_candidates
        merged.manufacturer = merged.manufacturer or parsed.manufacturer
        if parsed.ingredient_text:
            merged.ingredient_text = (merged.ingredient_text + " " + parsed.ingredient_text).strip()
            merged.ingredients += [x for x in parsed.ingredients if x not in merged.ingredients]
    return merged
