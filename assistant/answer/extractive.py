"""Extractive answers (`llm.mode: none`): the sentences of the top passages that best answer the
question, each ending with its citation marker. Nothing is generated, so nothing can be invented.

Deliberate simplifications: sentences are scored by overlap of Kiwi morphemes with the question
(specific words count more than words common to every customs text) plus a bonus for the
passage's retrieval rank; the top passage always contributes its best sentence, because retrieval
ranked it first.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.answer.context import Passage
from assistant.answer.grounding import GENERIC

# Split before circled paragraph numbers (항) and numbered items (호), and after sentence ends.
_UNIT_BREAK = re.compile(r"(?=[①-⑳])|(?<=[다요함음됨])\.\s+|(?<=[.?!])\s+(?=[가-힣A-Z])|\n+")


@dataclass
class Sentence:
    text: str
    passage: Passage
    position: int
    score: float = 0.0


def split_units(text: str) -> list[str]:
    """Sentences / paragraphs of a passage, without empty or heading-only bits.

    >>> split_units("① 물품은 면세한다. 다만 예외가 있다.\\n② 세관장은 확인한다.")
    ['① 물품은 면세한다.', '다만 예외가 있다.', '② 세관장은 확인한다.']
    """
    parts = [p.strip() for p in _UNIT_BREAK.split(text) if p and p.strip()]
    # A unit split after "…한다." loses its period to the split: put it back.
    return [p + "." if p.endswith("다") else p for p in parts if len(p) >= 6]


def _score(tokens: set[str], q_tokens: list[str]) -> float:
    return sum((0.3 if t in GENERIC or t.isdigit() else 1.0) for t in q_tokens if t in tokens)


def extract(question: str, passages: list[Passage], max_sentences: int = 3) -> tuple[str, list[int]]:
    """Build the answer text and return it with the passage numbers it cites."""
    from assistant.text.korean import tokenize

    if not passages:
        return "", []
    q_tokens = list(dict.fromkeys(tokenize(question)))
    sentences: list[Sentence] = []
    for p in passages:
        body = p.text
        # The record text starts with the document and article heading; it is shown in the lead line instead.
        if body.startswith(p.title):
            body = body[len(p.title) :]
        for i, unit in enumerate(split_units(body)):
            s = Sentence(unit, p, i)
            rank_bonus = 1.0 / p.n
            length_penalty = 0.5 if len(unit) < 15 else 0.0
            s.score = _score(set(tokenize(unit)), q_tokens) + rank_bonus - length_penalty - 0.01 * i
            sentences.append(s)
    if not sentences:
        return "", []
    first = max((s for s in sentences if s.passage.n == passages[0].n), key=lambda s: s.score, default=None)
    chosen: list[Sentence] = [first] if first else []
    best = max(s.score for s in sentences)
    for s in sorted(sentences, key=lambda s: -s.score):
        if len(chosen) >= max_sentences:
            break
        if s in chosen or s.score < 0.6 * best or s.score <= 1.0:
            continue
        chosen.append(s)
    chosen.sort(key=lambda s: (s.passage.n, s.position))
    cited = list(dict.fromkeys(s.passage.n for s in chosen))
    titles = "」, 「".join(dict.fromkeys(passages[n - 1].title for n in cited))
    lines = [f"「{titles}」에 따르면:"]
    lines += [f"- {s.text} [{s.passage.n}]" for s in chosen]
    return "\n".join(lines), cited
