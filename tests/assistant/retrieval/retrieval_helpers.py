"""A small in-memory Index with the real channel contract (keyword_search / vector_search / get /
generation / sources), so retriever tests run before and independently of the store."""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass

import pytest

from assistant.records import Record
from assistant.text.korean import tokenize


@dataclass
class Row:
    source: str
    kind: str


class FakeIndex:
    def __init__(self, records: list[Record]):
        self.records = {r.id: r for r in records}
        self.tokens = {r.id: Counter(tokenize(r.text)) for r in records}
        n = len(records)
        df: Counter[str] = Counter()
        for c in self.tokens.values():
            df.update(set(c))
        self.idf = {t: math.log(1 + (n - d + 0.5) / (d + 0.5)) for t, d in df.items()}
        self.calls: list[tuple[str, object]] = []

    def _allowed(self, rid, filters):
        r = self.records[rid]
        return filters is None or filters.matches(r.kind, r.source, r.metadata)

    def keyword_search(self, tokens, k, filters=None, weights=None):
        self.calls.append(("keyword", filters))
        weight = dict(zip(tokens, weights or [1.0] * len(tokens), strict=True))
        scores = []
        for rid, c in self.tokens.items():
            if not self._allowed(rid, filters):
                continue
            s = sum(weight[t] * self.idf.get(t, 0.0) * c[t] / (c[t] + 1.2) for t in tokens if t in c)
            if s > 0:
                scores.append((rid, s))
        return sorted(scores, key=lambda x: -x[1])[:k]

    def vector_search(self, query, k, filters=None):
        self.calls.append(("vector", filters))
        q = {query[i:i + 2] for i in range(len(query) - 1)}
        scores = []
        for rid, r in self.records.items():
            if not self._allowed(rid, filters):
                continue
            d = {r.text[i:i + 2] for i in range(len(r.text) - 1)}
            scores.append((rid, len(q & d) / math.sqrt(len(q) * len(d) or 1)))
        return sorted(scores, key=lambda x: -x[1])[:k]

    def get(self, ids):
        return [self.records[i] for i in ids if i in self.records]

    def doc_freq(self, token):
        return sum(1 for c in self.tokens.values() if token in c)

    def generation(self):
        return 1

    def sources(self):
        return [Row(s, k) for s, k in {(r.source, r.kind) for r in self.records.values()}]


def reg(source, law, article, title, body, paragraph="", ordinal=0):
    locator = article + paragraph
    head = f"{law} {article}({title})"
    meta = {"law": law, "article": article, "article_title": title}
    if paragraph:
        meta["paragraph"] = paragraph
    return Record("regulation", source, locator, head, f"{head} {body}", meta, ordinal=ordinal)


def finding(n, title, body, year, disposition, office="인천세관"):
    meta = {"year": year, "disposition": disposition, "office": office, "regulation": "관세법 제157조"}
    return Record("finding", "감사사례_샘플.csv", f"지적 {n}", title, f"{title} {body}", meta, ordinal=n)


@pytest.fixture
def sample_records() -> list[Record]:
    law = "관세법(샘플)"
    src = "관세법_샘플.txt"
    return [
        reg(src, law, "제94조", "소액물품 등의 면세", "우리나라 거주자에게 수여된 물품과 자가사용 소액물품은 관세를 면제할 수 있다. 물품가격 미화 150달러 이하."),
        reg(src, law, "제96조", "여행자 휴대품 등의 면세", "여행자의 휴대품으로서 미화 800달러 이하는 관세를 면제한다.", "①", 1),
        reg(src, law, "제96조", "여행자 휴대품 등의 면세", "주류는 2병 2리터 이하이고 400달러 이하인 것, 궐련 200개비는 면제한다. 미성년자는 주류와 궐련을 면제받지 못한다.", "②", 2),
        reg(src, law, "제157조", "보세구역 반입·반출의 신고", "보세구역에 물품을 반입하거나 반출하려는 자는 세관장에게 신고하여야 한다."),
        reg(src, law, "제241조", "수출·수입 또는 반송의 신고", "물품을 수입하려면 품명·규격·수량 및 가격을 세관장에게 신고하여야 한다. 제94조에 따른 소액물품은 신고를 생략할 수 있다."),
        reg("보세화물_관리에_관한_고시_샘플.md", "보세화물 관리에 관한 고시(샘플)", "제5조", "보세사의 직무", "보세사는 보세구역 반출입 물품을 확인하고 보세사가 없을 때에는 운영인은 지체 없이 새 보세사를 채용하여야 한다."),
        reg("수입식품안전관리_특별법_샘플.txt", "수입식품안전관리 특별법(샘플)", "제20조", "수입신고", "수입식품등을 수입하려는 자는 식품의약품안전처장에게 신고하여야 한다."),
        finding(1, "보세사 공백 장기 방치", "운영인이 보세사 퇴사 후 6개월간 보세사를 채용하지 않았으나 세관은 이를 방치하였다.", 2022, "주의"),
        finding(2, "특송물품 목록통관 한도 초과 통관", "해외직접구매 건강기능식품 6병을 초과하였는데도 목록통관하였다.", 2023, "시정", "김포세관"),
    ]


@pytest.fixture
def fake_index(sample_records) -> FakeIndex:
    return FakeIndex(sample_records)


@pytest.fixture
def indexed_home(home, sample_records):
    """A real home (SQLite + bm25s + local Chroma, hashed embedder) holding the sample records."""
    from assistant.settings import load_settings
    from assistant.store.index import Index, SourceRow

    index = Index(load_settings(home))
    by_source: dict[str, list[Record]] = {}
    for r in sample_records:
        by_source.setdefault(r.source, []).append(r)
    with index.lock(10):
        for source, recs in by_source.items():
            kind = recs[0].kind
            row = SourceRow(f"/test/{source}", source, kind, f"sha-{source}", 1, len(recs), "2025-01-01T00:00:00", f"/test/{source}")
            index.replace_source(row, recs)
    index.sync()
    index.close()
    return home
