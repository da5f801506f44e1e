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
