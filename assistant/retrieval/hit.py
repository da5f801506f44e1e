"""A search result (검색 결과) and the article-level key used to merge and score results.

>>> article_of("제5조②"), article_of("부칙 제1조"), article_of("별표 1"), article_of("지적 3")
('제5조', '부칙 제1조', '별표 1', '지적 3')
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from typing import Any

_ARTICLE_PART = re.compile(r"^\s*((?:부칙\s*)?제\s*\d+\s*조(?:\s*의\s*\d+)?|별[표지]\s*\d+(?:\s*의\s*\d+)?)")


def article_of(locator: str) -> str:
    """The article part of a regulation locator (제5조② → 제5조); other locators unchanged."""
    m = _ARTICLE_PART.match(locator or "")
    if not m:
        return (locator or "").strip()
    return re.sub(r"\s+", " ", m.group(1)).replace("제 ", "제").replace(" 조", "조").strip()


@dataclass
class Hit:
    """One result: a record, or several chunks of one article merged (locator then names the article)."""

    id: str
    source: str  # file name
    locator: str  # 제5조, 제5조②, p.3, 지적 3, SELF_IMPORT_SEQ …
    title: str
    kind: str
    score: float
    text: str
    metadata: dict[str, Any] = field(default_factory=dict)
    ids: list[str] = field(default_factory=list)  # every record merged into this hit (first = best)
    # A reranker's judgement of the passage: how much it makes the question more likely, per question token
    # (a language model's PMI, assistant/retrieval/likelihood.py), or a cross-encoder's score; None without one.
    relevance: float | None = None

    @property
    def article(self) -> str:
        return article_of(self.locator)

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["score"] = round(float(self.score), 6)
        if self.relevance is None:
            del data["relevance"]  # the fields without a reranker stay as they were
        else:
            data["relevance"] = round(float(self.relevance), 4)
        return data
