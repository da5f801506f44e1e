"""Does each generated sentence say what the passage it cites says? A cheap check for small models.

A valid marker only proves the model *named* a passage. A 270M model readily writes "1000달러 [1]"
over a passage that says 800달러. Each cited sentence is kept only when
- every number in it, with its unit (amounts, days, percentages, article numbers), appears in a passage
  it cites, and
- most of its content words (Kiwi morphemes, customs-generic words aside) appear in those passages.
Sentences that fail are removed, so the answer keeps only what the cited text supports; text after
the last marker cites nothing and is removed too.

Deliberate simplification: lexical, not semantic. It catches invented numbers and off-topic
sentences, not a wrong claim made of the passage's own words ("면제한다" → "면제하지 않는다" passes
the word test; negation is one of its blind spots).

>>> r = check_sentences("한도는 800달러입니다 [1]. 한도는 1000달러입니다 [1].", ["여행자 휴대품은 미화 800달러까지 면세한다."])
>>> r.text, r.removed
('한도는 800달러입니다 [1].', 1)
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from assistant.answer.citations import MARKER
from assistant.answer.grounding import GENERIC

# A cited unit: text up to and including its run of markers and the punctuation after them.
_UNIT = re.compile(r"(.*?(?:\s*\[\d{1,3}\])+[.。!?]?)", re.S)
# A number with the unit right after it ("800달러", "2년", "30 일", "5%"): "1년" is not supported by a
# passage that only numbers its items "1.".
_NUMBER = re.compile(r"(\d+(?:[.,]\d+)*)\s*([가-힣A-Za-z%]?)")
MIN_WORD_SHARE = 0.5  # share of a sentence's content words that its cited passages must contain


@dataclass
class FaithCheck:
    text: str  # the supported sentences, markers kept
    removed: int  # cited sentences dropped as unsupported
    uncited_tail: bool  # text after the last marker was dropped


def _numbers(text: str, with_units: bool = True) -> set[str]:
    return {n.replace(",", "") + (unit if with_units else "") for n, unit in _NUMBER.findall(text)}


def _content_words(text: str) -> set[str]:
    from assistant.text.korean import tokenize

    return {t for t in tokenize(text) if t not in GENERIC and not t.isdigit() and len(t) > 1}


def supported(sentence: str, cited_texts: list[str]) -> bool:
    # Both sides in NFKC: the reply was normalised ("①" → "1"), so a paragraph mark quoted from the
    # passage must read the same there, or "① 다음 물품은…" would carry an unsupported number "1다".
    body = MARKER.sub(" ", unicodedata.normalize("NFKC", sentence))
    source = unicodedata.normalize("NFKC", "\n".join(cited_texts))
    plain = _numbers(source, with_units=False)
    if not all(n in _numbers(source) or (not n[-1:].isalpha() and n.rstrip("%") in plain) for n in _numbers(body)):
        return False
    words = _content_words(body)
    if not words:
        return True  # nothing to check ("다음과 같습니다 [1].")
    found = _content_words(source)
    return len(words & found) / len(words) >= MIN_WORD_SHARE


def check_sentences(text: str, passage_texts: list[str]) -> FaithCheck:
    """Keep the cited sentences of `text` (markers already validated: 1-based into `passage_texts`)."""
    units = _UNIT.findall(text)
    tail = text[sum(len(u) for u in units) :].strip()
    kept: list[str] = []
    removed = 0
    for unit in units:
        nums = {int(n) for m in MARKER.finditer(unit) for n in re.split(r"[,，、]", m.group(1))}
        cited = [passage_texts[n - 1] for n in sorted(nums) if 1 <= n <= len(passage_texts)]
        if cited and supported(unit, cited):
            kept.append(unit.strip())
        else:
            removed += 1
    return FaithCheck(" ".join(kept), removed, len(tail) >= 2)
