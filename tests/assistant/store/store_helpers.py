"""Small real data for the store tests (built here, not read from another engineer's module)."""

from __future__ import annotations

from pathlib import Path

from assistant.records import Record
from assistant.settings import Settings
from assistant.store.index import Index, SourceRow
from assistant.store.tokens import simple_tokenizer

ARTICLES = [
    ("제94조", "소액물품 등의 면세", "여행자가 휴대하는 물품으로서 과세가격이 미화 800달러 이하인 물품은 관세를 면제한다."),
    ("제96조", "여행자 휴대품 및 이사물품 등의 감면", "주류는 1병 2리터 이하로서 400달러 이하인 것만 면세한다. 미성년자는 제외한다."),
    ("제241조", "수출·수입 또는 반송의 신고", "물품을 수입하려면 세관장에게 신고하여야 한다."),
    ("제276조", "허위신고죄 등", "세관장에게 신고하지 아니하거나 거짓으로 신고한 자는 벌금에 처한다."),
    ("제277조", "과태료", "신고 기한을 지나 신고한 자에게는 과태료를 부과한다."),
]


def make_settings(home: Path, **over) -> Settings:
    s = Settings(home=home)
    return s.model_copy(update=over) if over else s


def make_index(home: Path, **kw) -> Index:
    kw.setdefault("tokenizer", simple_tokenizer())
    return Index(make_settings(home), **kw)


def row(key: str, kind: str = "regulation", sha: str = "sha-1", n: int = 0) -> SourceRow:
    return SourceRow(key=key, source=Path(key).name, kind=kind, sha256=sha, size=100, records=n,
                     ingested_at="2026-01-01T00:00:00+00:00", path=key)


def regulation_records(source: str = "관세법_샘플.txt", law: str = "관세법(샘플)", suffix: str = "") -> list[Record]:
    return [
        Record("regulation", source, art, f"{law} {art}({title})", text + suffix,
               {"law": law, "article": art, "article_title": title, "doc_type": "법률"}, ordinal=i)
        for i, (art, title, text) in enumerate(ARTICLES)
    ]


def finding_records(n: int = 3, source: str = "감사사례.csv") -> list[Record]:
    out = []
    for i in range(n):
        out.append(Record("finding", source, f"지적 {i + 1}", f"여행자 휴대품 면세 처리 부적정 {i + 1}",
                          f"여행자 휴대품 면세 한도를 초과한 물품을 면세 처리하였다 사례 {i + 1}",
                          {"year": 2019 + i, "disposition": "주의" if i % 2 else "시정", "auditor": "감사원"},
                          ordinal=i))
    return out


def hazard_records(source: str = "위해식품.csv") -> list[Record]:
    return [
        Record("hazard-list", source, "SELF_IMPORT_SEQ 2023000123", "슬림앤핏 다이어트 캡슐",
               "슬림앤핏 다이어트 캡슐 미국 시부트라민 검출",
               {"seq": "2023000123", "product": "슬림앤핏 다이어트 캡슐", "manufacturer": "ABC Labs",
                "country": "미국", "ingredients": "시부트라민 | 페놀프탈레인", "barcode": "8801234567890, 0012345678905"},
               ordinal=0),
        Record("hazard-list", source, "SELF_IMPORT_SEQ 2023000124", "킹파워 허브",
               "킹파워 허브 중국 타다라필 검출",
               {"seq": "2023000124", "product": "킹파워 허브", "country": "중국", "ingredients": "타다라필"},
               ordinal=1),
    ]


def ingredient_records(source: str = "반입차단성분.csv") -> list[Record]:
    return [
        Record("ingredient-list", source, "RAW_IRDNT 시부트라민", "시부트라민", "시부트라민 Sibutramine 식욕억제제",
               {"name_ko": "시부트라민", "name_en": "Sibutramine", "status": "Y", "category": "의약품성분"}, ordinal=0),
    ]
