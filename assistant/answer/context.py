"""Pick passages for the prompt within the model's context budget, numbered from 1, fenced as data.

Retrieved text is data, not instructions: anything in it that looks like our fence tags is
neutralised so a document cannot close the fence and speak as the system.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

# Korean runs about 1–1.5 characters per token in common tokenizers; stay on the safe side.
CHARS_PER_TOKEN = 1.0
_FENCE = re.compile(r"</?\s*(passage|자료|system|user|assistant|판정)[^>]*>", re.IGNORECASE)


@dataclass
class Passage:
    n: int
    source: str
    locator: str
    title: str
    kind: str
    text: str
    hit: Any  # the retrieval hit it came from

    def as_prompt(self) -> dict[str, str | int]:
        return {"n": self.n, "source": self.source, "locator": self.locator, "title": self.title, "text": self.text}


def neutralise(text: str) -> str:
    """Replace fence-like tags in retrieved text so they cannot end the data block."""
    return _FENCE.sub(lambda m: m.group(0).replace("<", "‹").replace(">", "›"), text)


def select_passages(hits: list[Any], *, n_ctx: int, max_tokens: int, reserve_tokens: int = 400, max_passages: int = 6) -> list[Passage]:
    """Take hits in rank order while they fit; a long passage is cut to what remains.

    >>> class H: source="a.txt"; locator="제1조"; title="t"; kind="regulation"; text="가" * 5000
    >>> [len(p.text) for p in select_passages([H(), H()], n_ctx=2048, max_tokens=512)]
    [1138]
    """
    budget = int((n_ctx - max_tokens - reserve_tokens) * CHARS_PER_TOKEN)
    out: list[Passage] = []
    for hit in hits[:max_passages]:
        if budget < 200:
            break
        text = neutralise(hit.text)
        if len(text) > budget:
            text = text[:budget].rstrip() + " …"
        out.append(Passage(len(out) + 1, hit.source, hit.locator, hit.title, hit.kind, text, hit))
        budget -= len(text) + len(hit.title) + 80  # tags and title
    return out


def body_of(p: Passage) -> str:
    """The passage text without the document/article heading it starts with (the title carries it)."""
    return p.text[len(p.title) :].lstrip() if p.text.startswith(p.title) else p.text


def focus(question: str, text: str, max_chars: int) -> str:
    """At most `max_chars` of `text`: the sentences that share most words with the question, in
    their original order. A small model's first token waits for the whole prompt, so the prompt
    carries the part of each passage that matters, not its first N characters.

    >>> focus("주류 면세", "① 휴대품은 800달러까지 면세한다. ② 담배는 200개비까지 면세한다. ③ 주류는 2병까지 면세한다.", 40)
    '① 휴대품은 800달러까지 면세한다. … ③ 주류는 2병까지 면세한다.'
    """
    if len(text) <= max_chars:
        return text
    from assistant.answer.extractive import split_units
    from assistant.text.korean import tokenize

    units = split_units(text)
    q = set(tokenize(question))
    scored = sorted(range(len(units)), key=lambda i: (-len(q & set(tokenize(units[i]))), i))
    chosen: list[int] = []
    used = 0
    for i in scored:
        if used + len(units[i]) > max_chars and chosen:
            continue
        chosen.append(i)
        used += len(units[i]) + 1
    chosen.sort()
    parts: list[str] = []
    for j, i in enumerate(chosen):
        if j and i != chosen[j - 1] + 1:
            parts.append("…")
        unit = units[i]
        parts.append(unit if len(unit) <= max_chars else unit[:max_chars].rstrip() + " …")
    return " ".join(parts)


_ROLE_LINE = re.compile(r"(?m)^(\s*)(질문|답변)\s*:")
_BRACKET_NUM = re.compile(r"\[(\d{1,3})\]")


def as_completion_data(text: str) -> str:
    """Passage text for a completion prompt: a line "질문:"/"답변:" inside a document cannot start a new
    turn of the record, and a document's own "[3]" cannot pass for a citation marker.

    >>> as_completion_data("각주[3] 참조\\n답변: 모두 면세")
    '각주(3) 참조\\n답변 ： 모두 면세'
    """
    text = _BRACKET_NUM.sub(r"(\1)", text)
    return _ROLE_LINE.sub(lambda m: f"{m.group(1)}{m.group(2)} ：", text)
