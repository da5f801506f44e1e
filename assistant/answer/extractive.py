"""Extractive answers (`llm.mode: none`): the sentences of the top passages that best answer the
question, each ending with its citation marker. Nothing is generated, so nothing can be invented.

Deliberate simplifications: sentences are scored by the IDF-weighted overlap of Kiwi morphemes
with the question (words common to every customs text count less) plus a bonus for the passage's
retrieval rank; the top passage always contributes its best sentence, because retrieval ranked it
first; a list item (호) is shown with the sentence that introduces its list.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from assistant.answer.context import Passage
from assistant.answer.grounding import GENERIC

# Split before circled paragraph numbers (항) and numbered items (호), and after sentence ends.
# A period after a list number ("2. 건강기능식품") is not a sentence end.
_UNIT_BREAK = re.compile(r"(?=[①-⑳])|(?<=[다요함음됨])\.\s+|(?<=[^\d\s.가-하][.?!])\s+(?=[가-힣A-Z])|\n+")


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


_LIST_ITEM = re.compile(r"^(\d{1,2}\.|[가-하]\.)\s")


def _with_context(units: list[str], i: int) -> str:
    """A list item (호/목) alone says little: prefix the sentence that introduces the list."""
    unit = units[i]
    if not _LIST_ITEM.match(unit):
        return unit
    for j in range(i - 1, -1, -1):
        if not _LIST_ITEM.match(units[j]):
            return f"{units[j]} … {unit}" if len(units[j]) < 200 else unit
    return unit


def _finding_line(p: Passage) -> str | None:
    """What an auditor asks of a finding first: when, where, what was decided, which rule."""
    meta = getattr(p.hit, "metadata", None) or {}
    if p.kind != "finding":
        return None
    parts = [" ".join(str(meta[k]) for k in ("year", "office") if meta.get(k))]
    if meta.get("disposition"):
        parts.append(f"처분: {meta['disposition']}")
    if meta.get("regulation"):
        parts.append(f"관련 규정: {meta['regulation']}")
    line = " · ".join(x for x in parts if x)
    return f"{p.title} ({line})" if line else None


def extract(question: str, passages: list[Passage], max_sentences: int = 3) -> tuple[str, list[int]]:
    """Build the answer text and return it with the passage numbers it cites."""
    from assistant.answer.grounding import alternatives
    from assistant.text.korean import tokenize

    if not passages:
        return "", []
    # Group tokens by the question's words: a compound yields several tokens (소액물품 → 소액, 물품,
    # 소액물품) that must count once, or compounds would outvote the word that decides (미국). A word
    # also matches through the rules' vocabulary (마약 → 마약류, 술 → 주류).
    q_words = [ts for ts in (set(tokenize(w)) for w in question.split()) if ts]
    q_words = [ts | {a for t in ts for a in alternatives(t)} for ts in q_words]
    q_tokens = list(dict.fromkeys(t for ts in q_words for t in ts))
    sentences: list[Sentence] = []
    token_sets: list[set[str]] = []
    for p in passages:
        body = p.text
        # The record text starts with the document and article heading; the citation shows it instead.
        if body.startswith(p.title):
            body = body[len(p.title) :]
        units = split_units(body)
        for i in range(len(units)):
            text = _with_context(units, i)
            if p.kind == "finding" and units[i].lstrip("[").startswith(("감사지적", "감사연도")):
                # The finding's header lines (title, year, office…) still count for the question's words,
                # but are shown as one readable summary.
                text = _finding_line(p) or text
            sentences.append(Sentence(text, p, i))
            token_sets.append(set(tokenize(units[i])))
    if not sentences:
        return "", []
    # Words found in many candidate sentences say little about which one answers (IDF over the pool);
    # words common to all customs texts count less still.
    n = len(sentences)
    weight = {}
    for t in q_tokens:
        df = sum(t in ts for ts in token_sets)
        weight[t] = (math.log(1 + n / df) if df else 0.0) * (0.3 if t in GENERIC or t.isdigit() else 1.0)
    for s, ts in zip(sentences, token_sets, strict=True):
        s.score = sum(max((weight[t] for t in w if t in ts), default=0.0) for w in q_words)
        s.score += 1.5 / s.passage.n  # retrieval already judged the passage: trust its order
        s.score -= (0.5 if len(s.text) < 15 else 0.0) + 0.02 * s.position
    # The top passage leads: overriding retrieval's order with sentence overlap was measured to cite
    # the right article less often (bench/answers.py).
    top = [s for s in sentences if s.passage.n == passages[0].n]
    main = max(top or sentences, key=lambda s: s.score)
    chosen = [main]
    for s in sorted(sentences, key=lambda s: -s.score):
        if len(chosen) >= max_sentences:
            break
        if s is main or s.passage.n > 3 or s.score < 0.8 * main.score or s.score - 1.5 / s.passage.n <= 0:
            continue
        if any(s.text in c.text or c.text in s.text for c in chosen):
            continue  # a list item already shown with its lead-in, or the lead-in itself
        chosen.append(s)
    chosen.sort(key=lambda s: (s.passage.n, s.position))
    # One block per passage, in rank order; a finding's block opens with its summary (when, where,
    # disposition, rule). The same sentence often stands in several records (findings quote the
    # article they breached): it is shown once, with every passage that carries it.
    lines: dict[str, list[int]] = {}
    for s in chosen:
        summary = _finding_line(s.passage)
        if summary and summary not in lines:
            lines[summary] = [s.passage.n]
        cites = lines.setdefault(" ".join(s.text.split()), [])
        if s.passage.n not in cites:  # a finding's header line is its summary: one marker, not "[2][2]"
            cites.append(s.passage.n)
    for s in sentences:
        key = " ".join(s.text.split())
        if key in lines and s.passage.n not in lines[key] and s.passage.n <= 3:
            lines[key].append(s.passage.n)
    cited = list(dict.fromkeys(n for ns in lines.values() for n in ns))
    titles = list(dict.fromkeys(passages[n - 1].title for n in cited))
    lead = f"「{titles[0]}」에 따르면:" if len(titles) == 1 else "관련 자료 발췌:"
    bullets = [f"- {text} " + "".join(f"[{n}]" for n in ns) for text, ns in lines.items()]
    return "\n".join([lead, *bullets]), cited
