"""Citation markers: parse `[n]` in generated text and keep only those that name a given passage.

A model may invent `[7]` when only five passages were given, or write `[1, 3]` or `[1][2]`.
Unknown numbers are removed from the text and reported; the answer is grounded only if at least
one valid marker remains.

>>> v = validate_markers("관세가 면제됩니다 [1]. 기한은 30일입니다 [9].", n_passages=3)
>>> v.text
'관세가 면제됩니다 [1]. 기한은 30일입니다.'
>>> v.used, v.invalid
([1], [9])
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# [1]  [1, 2]  [1,2,3]  [１]  (fullwidth digits are NFKC-normalised before parsing)
MARKER = re.compile(r"\s*\[\s*(\d{1,3}(?:\s*[,，、]\s*\d{1,3})*)\s*\]")


@dataclass
class MarkerCheck:
    text: str  # the answer with unknown markers removed
    used: list[int] = field(default_factory=list)  # valid passage numbers, in order of first use
    invalid: list[int] = field(default_factory=list)  # numbers that refer to no passage

    @property
    def has_citation(self) -> bool:
        return bool(self.used)


def validate_markers(text: str, n_passages: int) -> MarkerCheck:
    used: list[int] = []
    invalid: list[int] = []

    def fix(match: re.Match[str]) -> str:
        nums = [int(x) for x in re.split(r"[,，、]", match.group(1))]
        keep = []
        for n in nums:
            if 1 <= n <= n_passages:
                keep.append(n)
                if n not in used:
                    used.append(n)
            elif n not in invalid:
                invalid.append(n)
        return "".join(f" [{n}]" for n in keep)

    cleaned = MARKER.sub(fix, text)
    cleaned = re.sub(r"[ \t]+([.,。])", r"\1", cleaned)  # no space left before punctuation
    return MarkerCheck(text=cleaned.strip(), used=used, invalid=invalid)


def renumber(text: str, used: list[int]) -> tuple[str, dict[int, int]]:
    """Number citations 1, 2, 3… in order of first use, so an answer never shows [1], [3] without [2].

    >>> renumber("가 [3]. 나 [1][3].", [3, 1])
    ('가 [1]. 나 [2][1].', {3: 1, 1: 2})
    """
    mapping = {old: new for new, old in enumerate(used, start=1)}
    out = re.sub(r"\[(\d{1,3})\]", lambda m: f"[{mapping.get(int(m.group(1)), int(m.group(1)))}]", text)
    return out, mapping
