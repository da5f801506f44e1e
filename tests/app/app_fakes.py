"""Small stand-ins for the retriever, answerer, label checker and index, so the app can be tested
before (and independently of) the real ones. The retriever applies the REAL `Filters`, so role
enforcement through the filter is exercised exactly as in production."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from assistant.answer import Answer, Citation
from assistant.retrieval.filters import Filters
from assistant.retrieval.hit import Hit
from assistant.store.index import SourceRow

RECORDS = [
    Hit("r1", "관세법(샘플).txt", "제94조", "관세법(샘플) 제94조(소액물품 등의 면세)", "regulation", 0,
        "① 자가사용 물품으로서 건강기능식품은 6병 이하인 경우 면세한다.",
        {"law": "관세법(샘플)", "article": "제94조", "article_title": "소액물품 등의 면세", "page": 3}),
    Hit("r2", "관세법(샘플).txt", "제94조②", "관세법(샘플) 제94조(소액물품 등의 면세)", "regulation", 0,
        "② 6병을 초과하는 건강기능식품은 특송 통관 시 요건 확인 후 통관한다.",
        {"law": "관세법(샘플)", "article": "제94조", "article_title": "소액물품 등의 면세", "paragraph": "②", "page": 3}),
    Hit("r3", "관세법(샘플).txt", "제157조", "관세법(샘플) 제157조(보세구역 관리)", "regulation", 0,
        "보세구역 운영인은 보세사를 채용하여 물품을 관리하게 하여야 한다.",
        {"law": "관세법(샘플)", "article": "제157조", "article_title": "보세구역 관리", "page": 9}),
    Hit("r4", "수입식품법(샘플).txt", "제25조의3", "수입식품법(샘플) 제25조의3(반입 차단)", "regulation", 0,
        "위해 성분이 들어 있는 식품은 반입을 차단하고 통관을 보류한다.",
        {"law": "수입식품법(샘플)", "article": "제25조의3", "article_title": "반입 차단", "page": 5}),
    Hit("f1", "감사지적(샘플).csv", "지적 1", "보세사 공백 방치", "finding", 0,
        "보세창고에 보세사 공백을 3개월간 방치하고 감독하지 않은 사례 (기밀 감사 내용)",
        {"year": 2022, "auditor": "감사원", "office": "인천세관", "disposition": "주의", "regulation": "관세법 제157조"}),
    Hit("f2", "감사지적(샘플).csv", "지적 2", "=HYPERLINK 특송 건강기능식품 면세 착오", "finding", 0,
        "특송 건강기능식품 6병 초과분을 면세 처리한 사례",
        {"year": 2020, "auditor": "관세청", "office": "부산세관", "disposition": "시정", "regulation": "관세법 제94조"}),
]


def _tokens(text: str) -> set[str]:
    return {w for w in re.findall(r"[\w가-힣]+", text.lower()) if len(w) >= 2}


def _overlap(q: set[str], text: str) -> float:
    words = _tokens(text)
    return float(sum(1 for w in q for x in words if w in x or x in w))


class FakeRetriever:
    def __init__(self, records: list[Hit] | None = None):
        self.records = list(records or RECORDS)
        self.calls: list[Filters | None] = []

    def search(self, query: str, k: int = 5, filters: Filters | None = None) -> list[Hit]:
        self.calls.append(filters)
        q = _tokens(query)
        out = []
        for r in self.records:
            if filters is not None and not filters.matches(r.kind, r.source, r.metadata):
                continue
            score = _overlap(q, r.title + " " + r.text + " " + r.locator)
            if score > 0 or (filters is not None and (filters.kinds or filters.extra)):
                out.append(Hit(**{**r.__dict__, "score": score}))
        out.sort(key=lambda h: -h.score)
        return out[:k]


class FakeAnswerer:
    """Extractive-style: cites the top hits; 'no basis' when nothing matches."""

    def __init__(self, retriever: FakeRetriever):
        self.retriever = retriever

    def ask(self, question: str, filters: Filters | None = None) -> Answer:
        *_, answer = self.stream(question, filters)
        return answer

    def stream(self, question: str, filters: Filters | None = None) -> Iterator[str | Answer]:
        hits = [h for h in self.retriever.search(question, 3, filters) if h.score > 0]
        if not hits:
            text = "근거를 찾지 못했습니다."
            yield text
            yield Answer(question, text, "extractive", False, [], ["관련 조문을 찾지 못했습니다"])
            return
        citations = [Citation(i + 1, h.source, h.locator, h.title, h.kind, h.text) for i, h in enumerate(hits)]
        parts = [f"{h.text} [{i + 1}]\n" for i, h in enumerate(hits)]
        yield from parts
        yield Answer(question, "".join(parts).strip(), "extractive", True, citations, [])


class LabelResult:
    def __init__(self, data: dict[str, Any]):
        self.data = data

    def to_json(self) -> dict[str, Any]:
        return self.data


class FakeLabelChecker:
    """Verdict from the photo's name: 'sibutramine' -> hazard, 'blurry' -> review, else no_match."""

    def __init__(self) -> None:
        self.seen: list[list[str]] = []

    def check(self, images: list[Path | bytes], names: list[str] | None = None, progress: Any = None) -> LabelResult:
        t0 = time.perf_counter()
        names = names or [str(i) for i in images]
        self.seen.append(names)
        joined = " ".join(names).lower()
        if "sibutramine" in joined:
            data = {"verdict": "hazard", "ocr_text": "SLIM FIT capsules\nIngredients: Sibutramine HCl 15mg, green tea",
                    "matches": [{"kind": "ingredient", "name": "Sibutramine", "canonical": "시부트라민", "score": 0.98,
                                 "evidence": "Sibutramine HCl", "source": "반입차단성분(샘플).csv",
                                 "locator": "RAW_IRDNT 시부트라민", "entry": {"name_ko": "시부트라민"}}],
                    "legal_basis": [{"source": "수입식품법(샘플).txt", "locator": "제25조의3",
                                     "title": "수입식품법(샘플) 제25조의3(반입 차단)", "kind": "regulation",
                                     "text": "위해 성분이 들어 있는 식품은 반입을 차단하고 통관을 보류한다."}],
                    "barcodes": ["8801234567890"]}
        elif "blurry" in joined:
            data = {"verdict": "review", "ocr_text": "", "matches": [], "legal_basis": [], "barcodes": []}
        else:
            data = {"verdict": "no_match", "ocr_text": "Golden Bee Honey", "matches": [], "legal_basis": [],
                    "barcodes": []}
        data |= {"file": names[0], "elapsed_ms": (time.perf_counter() - t0) * 1000}
        return LabelResult(data)


class FakeIndex:
    def __init__(self, rows: list[SourceRow] | None = None):
        self.rows = rows if rows is not None else [
            SourceRow("/c/관세법(샘플).txt", "관세법(샘플).txt", "regulation", "a" * 64, 2048, 3, "2026-11-20T10:00:00", "/c/관세법(샘플).txt"),
            SourceRow("/gone/old.txt", "old.txt", "regulation", "b" * 64, 10, 1, "2026-11-01T10:00:00", "/gone/old.txt"),
            SourceRow("/c/위해식품(샘플).json", "위해식품(샘플).json", "hazard-list", "c" * 64, 999, 20, "2026-11-19T09:00:00", "/c/위해식품(샘플).json"),
        ]

    def sources(self) -> list[SourceRow]:
        return list(self.rows)

    def counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for r in self.rows:
            out[r.kind] = out.get(r.kind, 0) + r.records
        return out

    @contextmanager
    def lock(self, wait_s: float = 0):
        yield

    def remove_source(self, key: str) -> int:
        before = len(self.rows)
        self.rows = [r for r in self.rows if r.key != key]
        return before - len(self.rows)

    def embedder_signature(self) -> str:
        return "hashed-512"


def make_services(home: Path, **overrides: Any) -> Any:
    from assistant.services import Services
    from assistant.settings import load_settings

    retriever = overrides.pop("retriever", None) or FakeRetriever()
    settings = load_settings(home)
    return Services(settings, index=overrides.pop("index", None) or FakeIndex(), retriever=retriever,
                    answerer=overrides.pop("answerer", None) or FakeAnswerer(retriever),
                    label_checker=overrides.pop("label_checker", None) or FakeLabelChecker())


class Req:
    """What handlers read from gr.Request."""

    def __init__(self, username: str | None):
        self.username = username
