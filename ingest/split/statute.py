"""Statute-style documents (법령·고시·지침) → regulation Records, one per article (조).

Structure recognised (Korean statutes, see DOMAIN.md): 편 > 장 > 절 > 관 headings, kept as the
`chapter` metadata ("제1편 총칙 > 제2장 통관"); articles 제N조 / 제N조의M with a title in
parentheses; 항 ①②…; 부칙 (its articles get the locator "부칙 제1조"); 별표 (locator "별표 1",
table rows kept). Articles marked 삭제 are skipped. An article longer than MAX_CHARS is split on
its 항, each record keeping the article number (locator "제5조②"). A document with no article at
all (a memo, a report) is chunked by page/paragraph with the locator "p.N".

Deliberate simplifications: a line is an article heading only when it *starts* with 제N조 and then
has a title in parentheses (not followed directly by a particle: "제5조(정의)에 따라" is a
cross-reference), or "삭제", or — without a title — a body whose article number follows the
previous one; everything else is body text. Headings are recognised per line, so readers must
keep line breaks (every reader here does).

>>> from pathlib import Path
>>> from ingest.document import Block, Document
>>> doc = Document(Path("관세법.txt"), "관세법", [Block("관세법(샘플)"), Block("제1장 총칙"),
...       Block("제1조(목적) 이 법은 관세에 관하여 정한다."), Block("제2조 삭제 <2020. 1. 1.>")])
>>> [(r.locator, r.metadata["chapter"]) for r in statute_records(doc, "관세법.txt")]
[('제1조', '제1장 총칙')]
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from assistant.records import Record
from ingest.document import Document

MAX_CHARS = 1200  # an article longer than this is split on 항 (①②…)

_LEVELS = ("편", "장", "절", "관")
_DIVISION = re.compile(r"^제\s*(\d+)\s*(편|장|절|관)(?:의\s*(\d+))?(?:\s+(\S.{0,60}))?$")
_ARTICLE = re.compile(r"^제\s*(\d+)\s*조(?:\s*의\s*(\d+))?(?=[\s(（]|$)\s*(?:[(（]([^()（）]{1,80})[)）])?(.*)$")
_ADDENDA = re.compile(r"^부\s*칙(?:\s*[<(〈\[].*)?$")
_ANNEX = re.compile(r"^(?:■\s*[^\[【]{0,80}?\s*)?[\[【]?\s*(별표|별지)\s*(?:제\s*)?(\d+)(?:\s*의\s*(\d+))?\s*(?:호\s*(?:서식)?)?\s*[\]】]?(?:\s+(.*))?$")
_ANNEX_REF = re.compile(r"^(?:및|또는|에|의|와|과|부터|내지|에서|를|을|은|는|에\s*따른|참조)(?:\s|$)")
_DELETED = re.compile(r"^\s*삭\s*제\s*(?:[<(〈\[].*)?$")
# words that continue a cross-reference ("제5조 및 제6조", "제5조 제1항", "제5조 각 호의", "제5조 단서")
_CONNECTIVE = re.compile(r"^\s*(?:및|또는|내지|부터|까지|ㆍ|·|,|、|~|제\s*\d|각\s*(?:호|항|목)|본문|단서|전단|후단|제\d+항"
                         r"|규정|위반|관련|에\s|에$|의\s)")
_TOC_LEADER = re.compile(r"[\s.·…‥\-–_]*\d{0,4}\s*")  # "제1조(목적) ········ 3" in a table of contents
_JOINS_REFERENCE = re.compile(r"^\s*(?:및|또는|내지|부터|까지|ㆍ|·|,|、|~)(?:\s|$)")  # "제5조(정의) 및 제6조에 따라"
_PARA = re.compile(r"^\s*([①-⑳㉑-㉟])")
_MD = re.compile(r"^\s*(?:#{1,6}\s+|\*\*)|\*\*\s*$")
_META_LINE = re.compile(r"^\s*(?:\[(?:시행|제정|개정|일부개정|전부개정)|※|<|〈|-\s*\d+\s*-)|국가법령정보센터|법제처")
_AMENDMENT_TAG = re.compile(r"\s*(?:[<〈‹《＜]\s*(?:개정|신설|전문개정|일부개정|본조신설|타법개정|제정|본조개정|제목개정)[^<>〈〉‹›《》＜＞]{0,60}"
                            r"[>〉›》＞]|\[\s*(?:본조신설|전문개정|본조개정|제목개정|신설|개정|종전)[^\[\]]{0,60}\])")
_DATE = re.compile(r"((?:19|20)\d\d)\s*[.\-]\s*(\d{1,2})\s*[.\-]\s*(\d{1,2})")
_DOC_TYPES = (("시행규칙", "시행규칙"), ("시행령", "시행령"), ("고시", "고시"), ("훈령", "훈령"), ("예규", "예규"),
              ("지침", "지침"), ("규칙", "규칙"), ("규정", "규정"), ("조례", "조례"), ("법", "법률"))


@dataclass
class _Unit:
    """An article, 부칙 article, 별표 or page chunk being collected."""

    locator: str
    heading: str  # "제5조(정의)" / "부칙 제1조(시행일)" / "별표 1 자가사용 인정기준"
    article: str = ""
    article_title: str = ""
    chapter: str = ""
    lines: list[tuple[str, int | None]] = field(default_factory=list)
    deleted: bool = False


def _clean(line: str) -> str:
    return _MD.sub("", line).strip()


def doc_type_of(title: str) -> str:
    """법률 | 시행령 | 시행규칙 | 고시 | 지침 … from the document title."""
    t = re.sub(r"[(\[（].*?[)\]）]", "", title).strip()
    for word, kind in _DOC_TYPES:
        if word in t and (word != "법" or t.endswith("법") or "법 " in t):
            return kind
    return ""


_NAMES_DOC = re.compile(r"(?:법|법률|령|규칙|고시|훈령|예규|지침|규정|기준|요령|세칙|조례|매뉴얼|편람)$")
_TRAILING_GROUP = re.compile(r"\s*(?:[(\[（［<〈【][^()\[\]（）［］<>〈〉【】]{0,60}[)\]）］>〉】])\s*$")


def _names_document(line: str) -> bool:
    """"수입통관 사무처리에 관한 고시(샘플)", "관세법 시행령 [시행 2024. 1. 1.]": ends with a document word."""
    core = line.strip("「」『』 ")
    while (shorter := _TRAILING_GROUP.sub("", core)) != core:
        core = shorter.strip("「」『』 ")
    return bool(_NAMES_DOC.search(core)) and len(core) >= 2 and " | " not in line


def _title_candidate(line: str) -> bool:
    return (len(line) <= 60 and " | " not in line and bool(re.search(r"[가-힣A-Za-z]{2}", line)) and not _ARTICLE.match(line)
            and not _DIVISION.match(line) and not _PARA.match(line) and not line.endswith(("다.", "다", ".")))


def law_title(doc: Document) -> str:
    """The document's own title line (e.g. "관세법(샘플)"), else the reader's title, else the file name.

    Among the first lines before the first article, a line that names a document (ends with 법/령/
    규칙/고시/훈령/예규/지침/규정/기준…, perhaps followed by "(샘플)" or a bracketed date) wins over a
    gazette or page header ("관세청 고시 제2024-99호(샘플) | 전자관보"); furniture lines are skipped.
    """
    from ingest.readers.furniture import is_furniture

    first: str | None = None
    seen = 0
    for block in doc.blocks[:8]:
        for raw in block.text.splitlines()[:12]:
            line = _clean(raw).strip("「」『』 ")
            if not line or _META_LINE.match(line) or is_furniture(line):
                continue
            if _ARTICLE.match(line) or _DIVISION.match(line) or _ADDENDA.match(line):
                seen = 99
                break
            seen += 1
            if _title_candidate(line) and _names_document(line):
                return line
            if seen == 1 and _title_candidate(line):
                first = line  # no line names the document: the first line, as printed, when it looks like a title
            if seen >= 6:
                break
        if seen >= 6:
            break
    if first:
        return first
    stem = Path(doc.path).stem
    return (doc.title or "").strip() or stem


def _is_heading(m: re.Match, last: tuple[int, int]) -> bool:
    """An article heading (not a cross-reference that happens to start a line)."""
    number = (int(m.group(1)), int(m.group(2) or 0))
    rest = m.group(4) or ""
    if m.group(3) is not None:  # 제5조(정의) …: a particle glued to ")" means a cross-reference
        return not re.match(r"^[가-힣]", rest) and not _JOINS_REFERENCE.match(rest)
    if _DELETED.match(rest):
        return True
    return number > last and bool(rest.strip()) and not _CONNECTIVE.match(rest)


def strip_amendment_tags(text: str) -> str:
    """"제1장 통칙 <개정 2020. 12. 22.>" → "제1장 통칙" (also 〈신설 …〉, [본조신설 …], [전문개정 …]).

    >>> strip_amendment_tags("제1장 통칙 ‹개정 2020. 12. 22.> [전문개정 2021. 1. 1.]")
    '제1장 통칙'
    """
    return _AMENDMENT_TAG.sub("", text).strip()


def addenda_label(line: str) -> str:
    """"부칙 <제88002호, 2023. 12. 26.>" → "부칙(2023. 12. 26.)"; "부칙" when no date is printed."""
    m = _DATE.search(line)
    return f"부칙({m.group(1)}. {int(m.group(2))}. {int(m.group(3))}.)" if m else "부칙"


def _units(doc: Document) -> tuple[list[_Unit], list[tuple[str, int | None]]]:
    """Walk the lines: articles, 부칙 and 별표 units, plus lines outside any (preamble)."""
    divisions: dict[str, str] = {}
    units: list[_Unit] = []
    loose: list[tuple[str, int | None]] = []
    section = "body"  # body | addenda | annex
    addenda_chapter = "부칙"
    prefix_label = "부칙"
    # several 부칙 blocks (one per amendment) are told apart by their date: "부칙(2024. 1. 1.) 제1조"
    dated = sum(1 for b in doc.blocks for ln in b.text.splitlines() if _ADDENDA.match(_clean(ln))) > 1
    last = (0, 0)
    for block in doc.blocks:
        for raw in block.text.splitlines():
            line = _clean(raw)
            if not line:
                continue
            page = block.page
            if (m := _ANNEX.match(line)) and not _ANNEX_REF.match(m.group(4) or ""):
                number = m.group(2) + (f"의{m.group(3)}" if m.group(3) else "")
                label = f"{m.group(1)} {number}" if m.group(1) == "별표" else f"별지 제{number}호서식"
                units.append(_Unit(label, f"{label} {m.group(4) or ''}".strip()))
                section = "annex"
                continue
            if section == "annex" and not _ADDENDA.match(line):  # a 부칙 heading ends the 별표
                units[-1].lines.append((line, page))
                continue
            if _ADDENDA.match(line):
                section, addenda_chapter, last = "addenda", line, (0, 0)
                prefix_label = addenda_label(line) if dated else "부칙"
                units.append(_Unit(prefix_label, prefix_label, chapter=line))
                continue
            bare = strip_amendment_tags(line)  # "제2장 검사 <개정 2020. 12. 22., 2023. 1. 1.> [전문개정 …]"
            if section == "body" and (m := _DIVISION.match(bare)) and not bare.endswith(("다.", "다")):
                level = _LEVELS.index(m.group(2))
                for lower in _LEVELS[level:]:
                    divisions.pop(lower, None)
                divisions[m.group(2)] = bare
                continue
            m = _ARTICLE.match(line)
            if m and _is_heading(m, last):
                last = (int(m.group(1)), int(m.group(2) or 0))
                article = f"제{m.group(1)}조" + (f"의{m.group(2)}" if m.group(2) else "")
                title = (m.group(3) or "").strip()
                rest = (m.group(4) or "").strip()
                heading = f"{article}({title})" if title else article
                prefix = prefix_label + " " if section == "addenda" else ""
                chapter = addenda_chapter if section == "addenda" else " > ".join(divisions[k] for k in _LEVELS if k in divisions)
                unit = _Unit(prefix + article, prefix + heading, article, title, chapter, deleted=bool(_DELETED.match(rest)))
                if rest:
                    unit.lines.append((rest, page))
                units.append(unit)
                continue
            if units:
                units[-1].lines.append((line, page))
            else:
                loose.append((line, page))
    return units, loose


def _pieces(line: str, limit: int) -> list[str]:
    """A line longer than `limit` cut at the last sentence end or space before it (a 1 MB line of
    prose must not become one record)."""
    out: list[str] = []
    while len(line) > limit:
        cut = max(line.rfind(". ", 0, limit), line.rfind("다. ", 0, limit))
        cut = cut + 1 if cut > limit // 2 else line.rfind(" ", limit // 2, limit)
        cut = cut if cut > 0 else limit
        out.append(line[:cut].strip())
        line = line[cut:].strip()
    return [*out, line] if line else out


def _chunks(lines: list[tuple[str, int | None]], limit: int) -> list[list[tuple[str, int | None]]]:
    """Greedy line groups of at most ~limit characters; an overlong line is cut first."""
    out: list[list[tuple[str, int | None]]] = [[]]
    size = 0
    for line, page in ((piece, pg) for ln, pg in lines for piece in _pieces(ln, limit)):
        if out[-1] and size + len(line) > limit:
            out.append([])
            size = 0
        out[-1].append((line, page))
        size += len(line) + 1
    return [c for c in out if c]


def _paragraphs(lines: list[tuple[str, int | None]]) -> list[tuple[str, list[tuple[str, int | None]]]]:
    """Split an article body on 항 markers at line start: [("②", lines), …]; text before ① goes with ①."""
    groups: list[tuple[str, list[tuple[str, int | None]]]] = []
    for line, page in lines:
        m = _PARA.match(line)
        if m or not groups:
            groups.append((m.group(1) if m else "", []))
        groups[-1][1].append((line, page))
    if len(groups) > 1 and not groups[0][0]:
        first = groups.pop(0)
        groups[0] = (groups[0][0], first[1] + groups[0][1])
    return groups


def _page_meta(lines: list[tuple[str, int | None]]) -> dict:
    pages = sorted({p for _, p in lines if p})
    if not pages:
        return {}
    return {"page": pages[0], "pages": f"{pages[0]}-{pages[-1]}" if len(pages) > 1 else str(pages[0])}


def statute_records(doc: Document, source: str) -> list[Record]:
    """Regulation records for one document (see the module docstring)."""
    law = law_title(doc)
    base = {"law": law, "doc_type": doc_type_of(law)}
    units, loose = _units(doc)
    records: list[Record] = []

    def emit(unit: _Unit, locator: str, lines: list[tuple[str, int | None]], paragraph: str = "") -> None:
        body = "\n".join(line for line, _ in lines).strip()
        if not body:
            return
        meta = dict(base, chapter=unit.chapter, article=unit.article, article_title=unit.article_title,
                    paragraph=paragraph, **_page_meta(lines))
        title = f"{law} {unit.heading}"
        records.append(Record(kind="regulation", source=source, locator=locator, title=title,
                              text=f"{title} {body}", metadata=Record.clean_metadata(meta), ordinal=len(records)))

    for unit in units:
        if unit.deleted or all(_TOC_LEADER.fullmatch(line) for line, _ in unit.lines):  # 삭제, or a 목차 line
            continue
        size = sum(len(line) + 1 for line, _ in unit.lines)
        if size <= MAX_CHARS:
            emit(unit, unit.locator, unit.lines)
            continue
        groups = _paragraphs(unit.lines) if unit.article else [("", unit.lines)]
        if len(groups) == 1:
            groups = [("", c) for c in _chunks(unit.lines, MAX_CHARS)]
        for mark, group in groups:
            for chunk in _chunks(group, MAX_CHARS):
                emit(unit, unit.locator + mark, chunk, mark)
    if not any(u.article for u in units):
        records.extend(_page_records(doc, law, base, source, loose, start=len(records)))
    return records


def _page_records(doc: Document, law: str, base: dict, source: str,
                  lines: list[tuple[str, int | None]], start: int) -> list[Record]:
    """No articles at all: paragraphs grouped per page into ~MAX_CHARS chunks, locator "p.N"."""
    by_page: dict[int, list[tuple[str, int | None]]] = {}
    only_title = all(line.strip("「」『』# ") == law for line, _ in lines)  # a one-line note is its own body
    for line, page in lines:
        by_page.setdefault(page or 1, []).append((line, page or 1))
    out: list[Record] = []
    for page, page_lines in by_page.items():
        body_lines = [pl for pl in page_lines if only_title or pl[0].strip("「」『』# ") != law]
        for chunk in _chunks(body_lines, MAX_CHARS):
            body = "\n".join(line for line, _ in chunk)
            meta = dict(base, page=page, pages=str(page))
            out.append(Record(kind="regulation", source=source, locator=f"p.{page}", title=f"{law} p.{page}",
                              text=f"{law} {body}", metadata=Record.clean_metadata(meta), ordinal=start + len(out)))
    return out
