"""Is there a basis for an answer at all? Retrieval always returns *something*; this decides
whether the best passages actually talk about the question.

Deliberate simplification: a lexical test on Kiwi morphemes. A passage supports the question when
it shares enough of the question's content words, with words that appear everywhere in customs
texts (세관, 물품, 신고 …) counting for little. It is conservative: when in doubt, say no basis.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache

# Words so common in every customs text that matching them alone proves nothing.
GENERIC = frozenset(
    "세관 관세 관세청 물품 신고 수입 수출 통관 규정 법 법령 조 항 호 경우 것 등 수 때 관련 "
    "하다 되다 있다 없다 알다 어떻다 어떡하다 무엇 뭐 어디 왜 얼마 처리 방법 기준 내용 무슨 사항 대상 여부 가능 "
    "이 그 저 좀 거 건 우리 오늘 지금 들다 오다 가다 보다 주다 받다 같다 이렇다 그렇다 며칠 몇 언제 누구 얼마나 "
    "얘기 구체 구체적 조항 정도 꼭 혹시 그냥 다시".split()
)

# Sino-Korean category suffixes that make a noun the name of an administrative subject: a tax (취득세, 자동차세),
# a fee (수수료), a rate (할인율, 불량률) or an exam (자격시험). Such a word that no indexed document contains
# names a topic the index does not cover, however many other words the passages share ("해외 직구로 산 물건을
# 되팔면 종합소득세 신고를 해야 해?" shares 해외 직구, 물건, 신고). Everyday words a paraphrasing officer uses
# (지갑, 작년, 이탈리아) carry no such suffix. Three syllables at least: 자세, 자료, 비율 are ordinary words.
SUBJECT_SUFFIXES = ("세", "료", "율", "률", "시험")
SUBJECT_MIN_LEN = 3


@dataclass
class Support:
    matched: list[str]
    specific: list[str]
    coverage: float  # share of the question's content tokens found in the passage
    matched_words: float = 0.0  # question words (a compound counts once) found: a noun 1, a predicate ½
    unknown: list[str] = field(default_factory=list)  # topic nouns the whole index has never seen

    @property
    def ok(self) -> bool:
        # At least one specific noun-like word must match: a shared verb alone ("먹다") proves nothing.
        nouns = [t for t in self.specific if not _is_predicate(t)]
        if not nouns or not (self.coverage >= 0.34 or len(nouns) >= 2):
            return False
        # The question's topic is something no indexed document mentions (초봉, 톤세, 개성공단):
        # one incidental shared word is not a basis; an unknown tax, fee, rate or exam is never one.
        if any(len(t) >= SUBJECT_MIN_LEN and t.endswith(SUBJECT_SUFFIXES) for t in self.unknown):
            return False
        return not self.unknown or self.matched_words >= 1.5


def _is_predicate(token: str) -> bool:
    """Kiwi lemmas of verbs and adjectives end in 다 (먹다, 없다); nouns rarely do (바다 aside)."""
    return len(token) >= 2 and token.endswith("다") and token[-2] != "바"


def _tokens(text: str) -> list[str]:
    from assistant.text.korean import tokenize

    return tokenize(text)


_HANGUL_OR_LATIN = re.compile(r"[가-힣A-Za-z]")


@lru_cache(maxsize=4096)
def alternatives(token: str) -> frozenset[str]:
    from assistant.retrieval.query import analyze

    return frozenset(analyze(token).tokens) - {token}


def support(question: str, passage_texts: Iterable[str], known: Callable[[str], bool] | None = None) -> Support:
    """How well the passages cover the question. `known(token)` tells whether the index has the word at all."""
    q = [t for t in dict.fromkeys(_tokens(question)) if len(t) > 0]
    if not q:
        return Support([], [], 0.0)
    seen: set[str] = set()
    for text in passage_texts:
        seen.update(_tokens(text))
    # A colloquial word counts as found when the rules' word for it is (술 → 주류, 청소년 → 미성년자),
    # with the same vocabulary the retriever expands queries with.
    found = {t for t in q if t in seen or not alternatives(t).isdisjoint(seen)}
    matched = [t for t in q if t in found]
    specific = [t for t in matched if t not in GENERIC and not t.isdigit()]
    # Coverage over the question's content words, predicates counting half.
    content = [t for t in q if t not in GENERIC] or q
    weight = {t: 0.5 if _is_predicate(t) else 1.0 for t in content}
    coverage = sum(weight[t] for t in content if t in found) / sum(weight.values())
    words = [set(_tokens(w)) for w in question.split()]
    matched_words = 0.0
    for w in words:
        hit = [t for t in w if t in specific]
        if hit:
            matched_words += 1.0 if any(not _is_predicate(t) for t in hit) else 0.5
    unknown: list[str] = []
    if known is not None:
        for t in content:
            if t in found or _is_predicate(t) or t.isdigit() or len(t) < 2 or not _HANGUL_OR_LATIN.search(t):
                continue
            if not known(t) and not any(known(a) for a in alternatives(t)):
                unknown.append(t)
    return Support(matched, specific, coverage, matched_words, unknown)
