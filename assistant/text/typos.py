"""Common typos in typed nouns (오타 교정): 새관 → 세관, 면새 → 면세, 휴대픔 → 휴대품.

Kiwi's typo model (`typos="basic"`: ㅐ/ㅔ, ㅚ/ㅙ/ㅞ, ㅢ/ㅣ and similar confusions) reads the text; the noun spans
it corrected are returned for the caller to check against its own index (`assistant.retrieval.query`
corrects a word only when the index knows the corrected word and not the typed one). Only same-length
noun spans: endings and verbs are dropped or matched loosely by the tokenizer anyway.
Kept apart from `korean.py`, whose source hash is the BM25 tokenizer's signature (an edit there rebuilds
every keyword index).

>>> typo_corrections("새관에 신고")
[(0, 2, '세관')]
"""

from __future__ import annotations

from assistant.text.korean import get_kiwi

_TYPO_TAGS = {"NNG", "NNP", "XR"}


def typo_corrections(text: str) -> list[tuple[int, int, str]]:
    """(start, end, corrected form) of every noun span of `text` Kiwi reads as a typo."""
    if not text.strip():
        return []
    from assistant.text import korean

    kiwi = get_kiwi()
    with korean._kiwi_lock:
        morphemes = kiwi.tokenize(text, typos="basic")
    return [(m.start, m.start + m.len, m.form) for m in morphemes
            if m.typo_cost > 0 and m.tag.split("-", 1)[0] in _TYPO_TAGS and m.len == len(m.form)
            and text[m.start:m.start + m.len] != m.form]
