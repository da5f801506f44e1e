"""Text normalisation shared by the tokenizer, the index and the label matcher.

- `normalize_text`: Unicode NFKC (fullwidth → halfwidth, compatibility forms), one space for any run of
  whitespace, trimmed. Circled paragraph numbers (항 markers ①…⑳) are kept as they are, because NFKC
  would turn "①" into a bare "1" and lose the 항 reference.
- `fold_latin`: lowercase and drop hyphens/spaces, so "MK-2866" and "mk 2866" compare equal.

>>> normalize_text("ＵＳ＄８００　이하\\n\\t면세 ①")
'US$800 이하 면세 ①'
>>> fold_latin("MK-2866")
'mk2866'
"""

from __future__ import annotations

import re
import unicodedata

# ①..⑳, ㉑..㉟, ㊱..㊿ — the 항 markers of Korean statutes.
CIRCLED: dict[str, int] = {
    **{chr(0x2460 + i): i + 1 for i in range(20)},
    **{chr(0x3251 + i): i + 21 for i in range(15)},
    **{chr(0x32B1 + i): i + 36 for i in range(15)},
}
_CIRCLED_SPLIT = re.compile("([" + "".join(CIRCLED) + "])")
_WS = re.compile(r"\s+")
_FOLD = re.compile(r"[\s\-‐‑‒–—_·.]+")


def nfkc_keep_circled(text: str) -> str:
    """NFKC everything except the circled paragraph numbers."""
    if not any(c in CIRCLED for c in text):
        return unicodedata.normalize("NFKC", text)
    parts = _CIRCLED_SPLIT.split(text)
    return "".join(p if p in CIRCLED else unicodedata.normalize("NFKC", p) for p in parts)


def normalize_text(text: str) -> str:
    """NFKC (keeping ①…), collapse whitespace, strip."""
    return _WS.sub(" ", nfkc_keep_circled(text or "")).strip()


def fold_latin(text: str) -> str:
    """Case-, hyphen- and space-insensitive key for Latin names and codes."""
    return _FOLD.sub("", normalize_text(text).lower())
