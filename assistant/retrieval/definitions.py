"""Query expansion from the corpus's own definitions (정의 조항): `"X"란 … 을 말한다`.

Statutes define their terms in words closer to everyday speech than the terms themselves: `"목록통관"이란
특송업체가 제출한 통관목록으로 수입신고를 갈음하는 통관 방법을 말한다`. A question that says the definition
("특송업체가 낸 목록으로 신고를 대신하는 것") is about the term, so the term's tokens are added to the
query with a weight. The table is built from whatever regulations are indexed, never written by hand, so it
grows with the office's documents.

Deliberate simplifications: a definition is found by its sentence pattern only (quoted term, then 란/이란/
이라 함은/은/는, then the body up to 말한다/말하며, or an `(이하 "Y"라 한다)` abbreviation); a question
matches a definition when it shares at least two of the body's distinctive words and enough of their IDF
weight; matches are scored, best first, and at most a few are used.

>>> defs = extract_definitions('2. "목록통관"이란 특송업체가 제출한 통관목록으로 수입신고를 갈음하는 통관 방법을 말한다.')
>>> defs[0].term
'목록통관'
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from assistant.text.korean import tokenize_many

_Q = "\"“”'‘’「」『』"
_DEF = re.compile(
    rf"[{_Q}](?P<term>[^{_Q}\n]{{1,40}})[{_Q}]\s*(?:\([^)\n]{{0,40}}\)\s*)?"
    r"(?:이란|란|이라\s*함은|라\s*함은|이라고\s*함은|은|는)\s+"
    r"(?P<body>[^\n]{4,400}?)\s*(?:을|를)?\s*말(?:한다|하며|하고)"
)
_ABBREV = re.compile(rf"(?P<body>[가-힣A-Za-z0-9·\s]{{2,40}}?)\s*\(\s*이하\s*[{_Q}](?P<term>[^{_Q}\n]{{1,20}})[{_Q}]\s*(?:이?라|으로)\s*한다\s*\)")

# Words that say nothing about which term is meant.
_VAGUE = frozenset("말하다 경우 것 등 수 자 사람 물품 다음 각 호 목 해당 관련 포함 이 법 고시 규정 영 조 항 따르다 위하다 "
                   "하다 되다 있다 없다 의하다 대하다 통하다".split())


@dataclass(frozen=True)
class Definition:
    term: str  # the defined term as written ("목록통관")
    body: str  # the definition text


def extract_definitions(text: str) -> list[Definition]:
    """Definitions and abbreviations found in one text, in order."""
    out: list[Definition] = []
    for m in _DEF.finditer(text):
        out.append(Definition(m.group("term").strip(), m.group("body").strip()))
    for m in _ABBREV.finditer(text):
        out.append(Definition(m.group("term").strip(), m.group("body").strip()))
    return [d for d in out if d.term and d.body]


@dataclass
class _Entry:
    term_tokens: tuple[str, ...]
    body_tokens: frozenset[str]
    body_weight: float


class DefinitionTable:
    """Definitions of the indexed regulations, matched against query tokens."""

    def __init__(self, definitions: Iterable[Definition], doc_freq: Callable[[str], int] | None = None, docs: int = 0,
                 min_shared: int = 2, min_share: float = 0.3, max_terms: int = 3):
        self.min_shared = min_shared
        self.min_share = min_share
        self.max_terms = max_terms
        defs = list(dict.fromkeys(definitions))
        terms = tokenize_many([d.term for d in defs]) if defs else []
        bodies = tokenize_many([d.body for d in defs]) if defs else []
        if doc_freq is None:  # no index statistics: the definitions themselves are the corpus
            counts = Counter(t for b in bodies for t in set(b))
            doc_freq, docs = counts.__getitem__, len(defs)
        n = max(docs, 1)
        vocab = {t for toks in (*terms, *bodies) for t in toks}
        self._idf = {t: math.log(1 + n / (1 + doc_freq(t))) for t in vocab}
        common = math.log(1 + 1 / 0.11)  # a term part found in over ~10 % of records is no clue to the term
        self.entries: list[_Entry] = []
        for term_toks, body_toks in zip(terms, bodies, strict=True):
            term_set = set(term_toks)
            body = frozenset(t for t in body_toks if t not in _VAGUE and t not in term_set and not t.isdigit()
                             and len(t) >= 2)
            # the whole compound (last token of the term) always; its parts only when they are distinctive
            keep = tuple(dict.fromkeys(t for i, t in enumerate(term_toks) if i == len(term_toks) - 1 or self.idf(t) > common))
            if keep and len(body) >= 2:
                self.entries.append(_Entry(keep, body, sum(self.idf(t) for t in body)))

    def idf(self, token: str) -> float:
        return self._idf.get(token, max(self._idf.values(), default=1.0))

    def __len__(self) -> int:
        return len(self.entries)

    def expand(self, query_tokens: Iterable[str]) -> list[tuple[str, float]]:
        """(term token, share of the definition's IDF weight the query covers) for the best-matching
        definitions; tokens the query already has are left out."""
        present = set(query_tokens)
        scored: list[tuple[float, _Entry]] = []
        for e in self.entries:
            shared = e.body_tokens & present
            if len(shared) < self.min_shared:
                continue
            share = sum(self.idf(t) for t in shared) / e.body_weight
            if share >= self.min_share:
                scored.append((share, e))
        scored.sort(key=lambda x: -x[0])
        out: dict[str, float] = {}
        for share, e in scored[: self.max_terms]:
            for t in e.term_tokens:
                if t not in present and t not in out:
                    out[t] = min(1.0, share)
        return list(out.items())


def table_from_texts(texts: Iterable[str], doc_freq: Callable[[str], int] | None = None, docs: int = 0) -> DefinitionTable:
    defs = [d for t in texts for d in extract_definitions(t)]
    return DefinitionTable(defs, doc_freq, docs)


__all__ = ["Definition", "DefinitionTable", "extract_definitions", "table_from_texts"]
