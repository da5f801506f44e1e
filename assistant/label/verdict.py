"""The verdict (판정) from the matches, in the field app's order: barcode → product name → ingredients.

- `hazard`   (금지/통관 보류): a listed product by barcode or a strong name match, or a blocked
  ingredient read with good OCR confidence;
- `review`   (확인 필요): weak evidence only — a name that merely resembles a listed one, an ingredient
  read with low confidence — or a photo too poor to read ("다시 촬영해 주세요");
- `no_match` (목록에 없음): stated with the lists' date, never as "safe" (안전).

>>> v = decide([], readable_words=12, barcodes=0, as_of="2024-05-01")
>>> v.verdict, v.message
('no_match', '목록에 없음 (기준일 2024-05-01)')
"""

from __future__ import annotations

from dataclasses import dataclass, field

from assistant.label.match import Match

HAZARD, REVIEW, NO_MATCH = "hazard", "review", "no_match"
VERDICTS = (HAZARD, REVIEW, NO_MATCH)
MIN_READABLE_WORDS = 3  # fewer confident words than this and no barcode: ask for a new photo

RESHOOT_MESSAGE = "라벨을 읽을 수 없습니다. 다시 촬영해 주세요"
SELF_USE_NOTE = (
    "자가사용 인정기준: 건강기능식품은 6병까지 자가사용으로 인정됩니다(수입통관 사무처리에 관한 고시 별표). "
    "초과하면 정식 수입 요건 확인 대상입니다."
)


def no_match_message(as_of: str) -> str:
    return f"목록에 없음 (기준일 {as_of})"


@dataclass
class Decision:
    verdict: str
    message: str
    basis: str  # "product" | "ingredient" | "unreadable" | "none": which legal basis applies
    notes: list[str] = field(default_factory=list)


def decide(matches: list[Match], readable_words: int, barcodes: int, as_of: str) -> Decision:
    strong_products = [m for m in matches if m.kind == "product" and m.strength == "strong"]
    strong_ingredients = [m for m in matches if m.kind == "ingredient" and m.strength == "strong"]
    if strong_products:
        m = strong_products[0]
        how = "바코드" if m.via == "barcode" else "제품명"
        return Decision(HAZARD, f"위해식품 목록 등재 제품 ({how} 일치: {m.name}) — 통관 보류 대상", "product")
    if strong_ingredients:
        names = ", ".join(dict.fromkeys(m.canonical for m in strong_ingredients))
        return Decision(HAZARD, f"반입차단·위해 성분 표시 ({names}) — 통관 보류, 성분 확인 필요", "ingredient")
    if matches:
        products = [m for m in matches if m.kind == "product"]
        if products:
            msg = f"목록 제품과 이름이 비슷합니다 ({products[0].name}): 담당자 확인 필요"
        else:
            msg = f"위해 성분으로 보이는 글자를 낮은 신뢰도로 읽었습니다 ({matches[0].canonical}): 확인 또는 다시 촬영"
        return Decision(REVIEW, msg, "product" if products else "ingredient", [SELF_USE_NOTE])
    if readable_words < MIN_READABLE_WORDS and barcodes == 0:
        return Decision(REVIEW, RESHOOT_MESSAGE, "unreadable")
    return Decision(NO_MATCH, no_match_message(as_of), "none", [SELF_USE_NOTE])
