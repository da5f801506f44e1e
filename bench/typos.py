"""Typed-question noise for the retrieval benchmark (오타 섞인 질문): one typo per question, seeded.

Two kinds, as officers and travellers make them on a phone or a counter keyboard:
- vowel confusions of spoken Korean (ㅐ↔ㅔ, ㅒ↔ㅖ, ㅚ/ㅙ/ㅞ, ㅢ→ㅣ): 세관 → 새관, 면세 → 면새;
- a slip to a neighbouring key of the 두벌식 layout on one jamo (ㅂ↔ㅈ, ㅗ↔ㅓ …): 통관 → 통곤.
Kiwi's typo model (what the retriever uses) covers the first kind and not the second, so the set measures
both what correction fixes and what it cannot. The typo lands in a syllable of a word of two or more
Hangul syllables, never in a number, an article reference or Latin text.

>>> add_typo("세관에 신고했어요", random.Random(1)) != "세관에 신고했어요"
True
"""

from __future__ import annotations

import random
import re

_BASE, _CHO, _JUNG, _JONG = 0xAC00, 19, 21, 28
JUNG = "ㅏㅐㅑㅒㅓㅔㅕㅖㅗㅘㅙㅚㅛㅜㅝㅞㅟㅠㅡㅢㅣ"
CHO = "ㄱㄲㄴㄷㄸㄹㅁㅂㅃㅅㅆㅇㅈㅉㅊㅋㅌㅍㅎ"
VOWEL_CONFUSIONS = {"ㅐ": "ㅔ", "ㅔ": "ㅐ", "ㅒ": "ㅖ", "ㅖ": "ㅒ", "ㅚ": "ㅙ", "ㅙ": "ㅚ", "ㅞ": "ㅚ", "ㅢ": "ㅣ"}
# 두벌식 rows: ㅂㅈㄷㄱㅅ ㅛㅕㅑㅐㅔ / ㅁㄴㅇㄹㅎ ㅗㅓㅏㅣ / ㅋㅌㅊㅍ ㅠㅜㅡ
_ROWS = ["ㅂㅈㄷㄱㅅㅛㅕㅑㅐㅔ", "ㅁㄴㅇㄹㅎㅗㅓㅏㅣ", "ㅋㅌㅊㅍㅠㅜㅡ"]
NEIGHBOURS = {ch: [row[j] for j in (i - 1, i + 1) if 0 <= j < len(row)] for row in _ROWS for i, ch in enumerate(row)}
_WORD = re.compile(r"[가-힣]{2,}")


def _split(ch: str) -> tuple[int, int, int]:
    code = ord(ch) - _BASE
    return code // (_JUNG * _JONG), (code // _JONG) % _JUNG, code % _JONG


def _join(cho: int, jung: int, jong: int) -> str:
    return chr(_BASE + (cho * _JUNG + jung) * _JONG + jong)


def _variants(ch: str) -> tuple[list[str], list[str]]:
    """(vowel-confusion variants, neighbouring-key variants) of one syllable."""
    cho, jung, jong = _split(ch)
    vowel = [_join(cho, JUNG.index(VOWEL_CONFUSIONS[JUNG[jung]]), jong)] if JUNG[jung] in VOWEL_CONFUSIONS else []
    keys = [_join(CHO.index(n), jung, jong) for n in NEIGHBOURS.get(CHO[cho], []) if n in CHO]
    keys += [_join(cho, JUNG.index(n), jong) for n in NEIGHBOURS.get(JUNG[jung], []) if n in JUNG]
    return vowel, keys


def add_typo(question: str, rng: random.Random, vowel_share: float = 0.6) -> str:
    """The question with one typo (the question itself when no word can take one)."""
    slots = [(m.start() + i, ch) for m in _WORD.finditer(question) for i, ch in enumerate(m.group())]
    rng.shuffle(slots)
    want_vowel = rng.random() < vowel_share
    for prefer in (want_vowel, not want_vowel):
        for pos, ch in slots:
            vowel, keys = _variants(ch)
            pool = vowel if prefer else keys
            if pool:
                return question[:pos] + rng.choice(pool) + question[pos + 1:]
    return question
