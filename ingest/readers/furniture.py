"""Page furniture (머리말·꼬리말) removed from PDF page texts before splitting.

Two rules, both only on the first/last `EDGE` lines of a page:
- lines that are furniture on their own: page numbers ("- 3 -", "3 / 10", "Page 3 of 10", "3쪽"),
  a browser's print header/footer (Chromium: "11/21/26, 1:55 AM <title>", "26. 11. 21. 오전 1:55
  <title>", "file:///…/notice.html 1/2", "https://… 2/5");
- running headers/footers: a line that (digits ignored) opens or closes most pages of a document
  of 3 pages or more, kept on page 1 where it is usually the title (short, not a sentence, never seen mid-page); a bare number equal to the page number as the first or last line. Statute structure lines (제N조, 제N장, 부칙, 별표, ①) are never removed.

>>> strip_furniture(["제1조(목적) 목적\\n11/21/26, 1:55 AM 전자관보\\nfile:///tmp/a.html 1/2",
...                  "제2조(정의) 정의\\n- 2 -"])
['제1조(목적) 목적', '제2조(정의) 정의']
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter

EDGE = 3  # lines looked at, at the top and the bottom of each page
RUNNING_SHARE = 0.6  # a line on the edge of at least this share of pages is a running header/footer
_PAGE = (r"(?:[-–—]\s*\d{1,4}\s*[-–—]|\d{1,4}\s*/\s*\d{1,4}|(?:page|p\.)\s*\d{1,4}(?:\s*(?:of|/)\s*\d{1,4})?"
         r"|\d{1,4}\s*(?:쪽|페이지|면)(?:\s*/\s*\d{1,4}\s*(?:쪽|페이지|면)?)?|\(\s*\d{1,4}\s*/\s*\d{1,4}\s*\))")
_FURNITURE = re.compile(
    r"^\s*(?:" + _PAGE + r"\s*$"
    r"|\d{1,2}/\d{1,2}/\d{2,4},?\s+\d{1,2}:\d{2}(?::\d{2})?\s*(?:[AaPp][Mm])?(?:\s|$)"  # 11/21/26, 1:55 AM …
    r"|\d{2,4}\.\s*\d{1,2}\.\s*\d{1,2}\.?\s*(?:오전|오후)\s*\d{1,2}:\d{2}(?:\s|$)"  # 26. 11. 21. 오전 1:55 …
    r"|\d{4}-\d{2}-\d{2}[ T]\d{1,2}:\d{2}(?::\d{2})?\s*$"
    r"|(?:file|https?)://\S+(?:\s+" + _PAGE + r")?\s*$"
    r"|about:blank(?:\s+" + _PAGE + r")?\s*$"
    r"|법제처\s*\d{1,4}\s*국가법령정보센터\s*$)",  # law.go.kr printouts
    re.IGNORECASE,
)
_STRUCTURE = re.compile(r"^\s*(?:제\s*\d+\s*(?:조|장|절|관|편)|부\s*칙|[\[【]?\s*별\s*[표지]|[①-⑳])")


def _norm(line: str) -> str:
    return re.sub(r"\d+", "#", re.sub(r"\s+", "", line))


def _could_run(line: str) -> bool:
    """A running header/footer is short, not statute structure and not a sentence of body text."""
    t = line.strip()
    return 0 < len(t) <= 60 and not _STRUCTURE.match(t) and not re.search(r"(?:다|요|음|함|됨)\s*[.。]?$", t)


def is_furniture(line: str) -> bool:
    return bool(_FURNITURE.match(unicodedata.normalize("NFKC", line)))


def strip_furniture(pages: list[str]) -> list[str]:
    """The page texts without page furniture (see the module docstring)."""
    split = [[ln for ln in text.split("\n")] for text in pages]
    edges: Counter[str] = Counter()
    inner: set[str] = set()
    for lines in split:
        filled = [ln for ln in lines if ln.strip()]
        edge_lines = filled[:EDGE] + filled[-EDGE:]
        edges.update({_norm(ln) for ln in edge_lines if _could_run(ln)})
        inner.update(_norm(ln) for ln in filled[EDGE:-EDGE])
    content = sum(1 for lines in split if any(ln.strip() for ln in lines))
    running = {k for k, n in edges.items()
               if content >= 3 and n >= max(3, RUNNING_SHARE * content) and k and k not in inner}
    out: list[str] = []
    for number, lines in enumerate(split, start=1):
        idx = [i for i, ln in enumerate(lines) if ln.strip()]
        edge = set(idx[:EDGE] + idx[-EDGE:])
        # page 1 keeps a running line: it is often the document's own title, printed atop every page
        drop = {i for i in edge if not _STRUCTURE.match(lines[i])
                and (is_furniture(lines[i]) or (number > 1 and _norm(lines[i]) in running))}
        drop |= {i for i in idx[:1] + idx[-1:] if lines[i].strip() == str(number)}  # a bare page number
        out.append("\n".join(ln for i, ln in enumerate(lines) if i not in drop))
    return out
