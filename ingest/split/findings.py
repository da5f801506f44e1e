"""Audit findings (감사지적 사례) → one Record per finding.

Two shapes:
- a table (CSV/XLSX/JSON case cards): one record per data row, locator "행 N" (N = 1-based data row);
- a report (PDF/HWP/HWPX/TXT): a cover block ("감사연도: 2024", "감사기관: …") followed by numbered
  sections "1. <제목>" with "가. 현황", "나. 관련 규정: …", "다. 처분: 주의"; one record per section,
  locator "지적 N", the cover fields inherited by every finding unless the section restates them.

Report labels ("· 위반조항 : …", "○ 관계부서: …") are the Korean header synonyms of headers.py, so a
field an office names one way in a spreadsheet is recognised the same way in its reports. A closing
"- 끝 -" ends the last finding (an 붙임 list after it is not part of it).
Dispositions are normalised to the canonical word (`normalize_disposition`), years to int.
Deliberate simplification: a numbered heading counts as a new finding only when its number is
the next one in sequence, so a numbered list inside a finding ("1. 2. 3." 호) never splits it.

>>> normalize_disposition("징계요구(경징계)"), normalize_disposition("변상명령"), normalize_disposition("주의요구")
('징계', '변상', '주의')
"""

from __future__ import annotations

import re

from assistant.records import Record
from ingest.document import Document, Table
from ingest.split.headers import SCHEMAS, normalize_header, require_schema
from ingest.split.notes import SplitNotes

DISPOSITIONS = ("변상", "징계", "문책", "시정", "주의", "개선", "권고", "통보", "고발")
_DISPOSITION_EN = {
    "reimburse": "변상", "compensat": "변상", "disciplin": "징계", "reprimand": "문책", "correct": "시정",
    "caution": "주의", "warning": "주의", "improv": "개선", "recommend": "권고", "notif": "통보", "notice": "통보",
    "accus": "고발", "prosecut": "고발",
}
# Fields a report states in its cover block or per finding (not title/content, which are the prose itself).
_FIELD_KEYS = ("year", "auditor", "office", "department", "audit_type", "disposition", "regulation", "field",
               "period")
_LOOKUP = SCHEMAS["finding"].lookup()
# Labels recognised in report prose ("감사기관: …", "(업무분야: 특송 / 대상부서: 특송통관과)", "· 위반조항 : …"):
# the Korean header synonyms of the same fields (one table for spreadsheets and reports) plus the report
# spellings below. Korean only, so an English word followed by a colon in a finding's text is never taken
# for a field; a few one-word headers that also open ordinary sentences ("조치: …", "업무: …") are left out.
_PROSE_WORDS = {"업무", "조치", "세관", "관서", "감사원"}
_TEXT_LABELS: dict[str, list[str]] = {
    "year": ["감사연도", "감사년도", "연도", "지적연도", "지적년도", "회계연도", "회계년도"],
    "auditor": ["감사기관", "감사실시기관", "감사주체", "감사단", "감사반"],
    "office": ["감사대상", "감사대상기관", "피감기관", "피감사기관", "수감기관", "대상기관"],
    "department": ["대상부서", "감사대상부서", "부서", "담당부서", "수감부서", "피감부서"], "audit_type": ["감사종류", "감사구분", "감사유형"],
    "disposition": ["처분", "처분요구", "처분요구사항", "처분종류", "처분내용", "조치요구", "조치사항"],
    "regulation": ["관련규정", "관련 규정", "근거법령", "관련법령", "근거규정", "관계법령", "위반법령", "위반규정", "관련법규", "근거"],
    "field": ["분야", "업무분야", "감사분야"], "period": ["감사기간", "감사일자", "실시기간"],
}
for _key in _FIELD_KEYS:
    _TEXT_LABELS.setdefault(_key, []).extend(
        w for w in SCHEMAS["finding"].fields.get(_key, [])
        if re.fullmatch(r"[가-힣 ]+", w) and w not in _PROSE_WORDS and w not in _TEXT_LABELS[_key])
_LABEL_KEY = {re.sub(r"\s+", "", w): k for k, words in _TEXT_LABELS.items() for w in words}
_LABEL = re.compile("(" + "|".join(sorted(
    (r"\s*".join(map(re.escape, w)) for w in _LABEL_KEY), key=len, reverse=True)) + r")\s*[:：]")
_PREFIX = re.compile(r"^\s*(?:[-•·*○□]\s*|[가-하]\.\s*|\(?\d{1,2}\)\s*|\(\s*)?")
# A finding heading: "1. 제목", "1) 제목", "[지적사항 1] 제목", "지적 2: 제목", "사례 3. 제목", "제4건 제목".
_HEADINGS = (
    ("num", re.compile(r"^\s*(\d{1,3})\s*([.)])\s*(\S.{0,160})$")),
    ("word", re.compile(r"^\s*[\[【<(〔]?\s*(?:지적\s*사항|지적|사례)\s*(?:번호\s*)?(\d{1,3})\s*([\]】>)〕]?\s*[.:：)]?)\s*(\S.{0,160})$")),
    ("gun", re.compile(r"^\s*[\[【<(〔]?\s*제\s*(\d{1,3})\s*건\s*([\]】>)〕]?\s*[.:：]?)\s*(\S.{0,160})$")),
)
_CONTINUES_CITATION = re.compile(r"^(?![가-하]\.)[^:：]{0,80}?제\s*\d+\s*조")
_SPLIT_ARTICLE = re.compile(r"^\d+\s*조")  # "… 제" | "28조": the article number wrapped onto the next line
# "- 끝 -", "끝.", "<끝>": the report's closing mark, not part of its last finding
_END_MARK = re.compile(r"^\W*끝\W*$")
_YEAR = re.compile(r"(?<!\d)(19[5-9]\d|20\d\d)(?!\d)")


def normalize_disposition(value: str) -> str:
    """The canonical disposition word found first in `value` (주의요구 → 주의); else `value` as printed."""
    text = (value or "").strip()
    hits = [(text.find(w), w) for w in DISPOSITIONS if w in text]
    if hits:
        return min(hits)[1]
    low = text.lower()
    for stem, word in _DISPOSITION_EN.items():
        if stem in low:
            return word
    return text


def parse_year(value: str) -> int | None:
    """2024 from "2024", "2024년", "2024-05-01", "'24"-style strings where a 4-digit year is present."""
    m = _YEAR.search(str(value or ""))
    return int(m.group(1)) if m else None


def _meta(fields: dict[str, str], finding_no: str) -> dict:
    meta: dict = {k: fields.get(k) for k in _FIELD_KEYS}
    # 감사대상 + 대상부서 → "인천공항세관 화물관리과", the way case-card spreadsheets print it
    office, dept = fields.get("office", ""), fields.get("department", "")
    meta["office"] = f"{office} {dept}" if office and dept and dept not in office else (office or dept)
    # The office's first word is the customs office itself (인천공항세관): auditors filter by it.
    if meta["office"]:
        meta["agency"] = meta["office"].split()[0]
    meta["year"] = parse_year(fields.get("year", "")) or parse_year(fields.get("period", ""))
    if fields.get("disposition"):
        meta["disposition"] = normalize_disposition(fields["disposition"])
        meta["disposition_text"] = fields["disposition"]
    meta["finding_no"] = finding_no
    return Record.clean_metadata(meta)


def _header_lines(fields: dict[str, str]) -> list[str]:
    if not fields.get("year") and (year := parse_year(fields.get("period", ""))):
        fields = {**fields, "year": str(year)}  # a report giving only 감사기간: its year is searchable too
    parts = [f"{label}: {fields[key]}" for label, key in (
        ("감사연도", "year"), ("감사기관", "auditor"), ("감사대상", "office"), ("대상부서", "department"),
        ("감사종류", "audit_type"),
        ("분야", "field"), ("처분", "disposition"), ("관련규정", "regulation")) if fields.get(key)]
    return [" · ".join(parts)] if parts else []


def finding_records_from_table(table: Table, source: str, notes: SplitNotes | None = None) -> list[Record]:
    """One record per row of a findings spreadsheet; rows with neither title nor content are skipped."""
    mapping = require_schema(table.path, table.headers, "finding")
    records: list[Record] = []
    skipped: list[int] = []
    for n, raw in enumerate(table.iter_rows(), start=1):
        row = {key: str(raw.get(h) or "").strip() for h, key in mapping.items()}
        title, content = re.sub(r"\s+", " ", row.get("title", "")), row.get("content", "")
        if not title and not content:
            if any(row.values()):
                skipped.append(n)
            continue
        title = title or re.sub(r"\s+", " ", content)[:60]
        text = "\n".join([f"[감사지적] {title}", *_header_lines(row), content]).strip()
        records.append(Record(kind="finding", source=source, locator=f"행 {n}", title=title, text=text,
                              metadata=_meta(row, row.get("finding_no") or str(n)), ordinal=n))
    if notes is not None:
        notes.skip_rows(skipped, "지적사항/내용")
    return records


def _lines(doc: Document) -> list[tuple[str, int | None]]:
    out: list[tuple[str, int | None]] = []
    for block in doc.blocks:
        for line in block.text.splitlines():
            if line.strip():
                out.append((line.rstrip(), block.page))
    return out


def _fields(line: str) -> list[tuple[str, str]]:
    """[("regulation", "관세법 제157조")] from "나. 관련 규정: 관세법 제157조"; several labels on one line
    ("(업무분야: 특송 / 대상부서: 특송통관과)", or cover lines a PDF glued together); "감사연도 | 2024" rows."""
    if " | " in line:
        cells = [c.strip() for c in line.split(" | ")]
        pairs = [(_LOOKUP.get(normalize_header(cells[i])), cells[i + 1]) for i in range(0, len(cells) - 1, 2)]
        return [(k, v) for k, v in pairs if k in _FIELD_KEYS and v] if len(cells) % 2 == 0 else []
    prefix = _PREFIX.match(line)
    start = prefix.end() if prefix else 0
    matches = list(_LABEL.finditer(line, start))
    if not matches or matches[0].start() != start:
        return []
    out: list[tuple[str, str]] = []
    for m, nxt in zip(matches, [*matches[1:], None], strict=True):
        value = line[m.end(): nxt.start() if nxt else len(line)].strip().strip("/,·|").strip()
        if value.endswith(")") and value.count("(") < value.count(")"):
            value = value[:-1].strip()
        if value:
            out.append((_LABEL_KEY[re.sub(r"\s+", "", m.group(1))], value))
    return out


def _field(line: str) -> tuple[str, str] | None:
    found = _fields(line)
    return found[0] if found else None


def _is_title(text: str) -> bool:
    """A finding title is a short noun phrase; a numbered sentence ("2. …하였다.") is a list item (호)."""
    t = text.strip()
    return len(t) <= 100 and not re.search(r"(다|요|음|함|됨|임)\s*[.。]?$", t)


def _heading(line: str, expected: int, style: tuple[str, str] | None) -> tuple[str, tuple[str, str]] | None:
    """(title, style) when `line` opens finding number `expected` in the report's heading style."""
    for name, pattern in _HEADINGS:
        m = pattern.match(line)
        if not m or int(m.group(1)) != expected:
            continue
        form = (name, re.sub(r"\s+", "", m.group(2)))
        if (style is None or form == style) and _is_title(m.group(3)) and not _fields(line):
            return m.group(3).strip(), form
    return None


def finding_records_from_report(doc: Document, source: str, notes: SplitNotes | None = None) -> list[Record]:
    """One record per numbered finding section of a report; cover fields inherited by each finding."""
    lines = _lines(doc)
    cover: dict[str, str] = {}
    sections: list[tuple[int, str, list[tuple[str, int | None]]]] = []
    expected = 1
    style: tuple[str, str] | None = None  # the first heading's form; later findings must use the same
    ended = False  # after a closing "- 끝 -" nothing belongs to the finding before it
    for line, page in lines:
        head = _heading(line, expected, style)
        if head:
            style, ended = head[1], False
            sections.append((expected, head[0], [(line, page)]))
            expected += 1
        elif sections:
            if _END_MARK.match(line):
                ended = True
            elif not ended:
                sections[-1][2].append((line, page))
        else:
            for key, value in _fields(line):
                cover.setdefault(key, value)
    records: list[Record] = []
    if not sections:  # a report without numbered findings: one record per page, cover fields kept
        by_page: dict[int | None, list[str]] = {}
        for line, page in lines:
            by_page.setdefault(page, []).append(line)
        for i, (page, page_lines) in enumerate(by_page.items(), start=1):
            locator = f"p.{page}" if page else "전체"
            title = f"{doc.title} {locator}".strip()
            text = "\n".join([f"[감사지적] {title}", *page_lines])
            meta = _meta(cover, str(i))
            if page:
                meta["page"] = page
            records.append(Record(kind="finding", source=source, locator=locator, title=title, text=text,
                                  metadata=meta, ordinal=i))
        return records
    for no, title, body in sections:
        fields = dict(cover)
        last = ""
        for line, _page in body[1:]:
            found = _fields(line)
            for key, value in found:
                fields[key] = value
            if found:
                last = found[-1][0]
            elif last == "regulation" and (_CONTINUES_CITATION.match(line) or (
                    fields["regulation"].endswith("제") and _SPLIT_ARTICLE.match(line.strip()))):
                # a citation wrapped onto the next line; "특별법" | "(샘플) 제25조" and "제" | "28조" rejoin unspaced
                glue = "" if fields["regulation"].endswith("제") or line.strip().startswith("(") else " "
                fields["regulation"] += glue + line.strip()
            else:
                last = ""
        pages = sorted({p for _, p in body if p})
        text = "\n".join([f"[감사지적] {title}", *_header_lines(fields), *(ln for ln, _ in body[1:])])
        meta = _meta(fields, str(no))
        if pages:
            meta["page"] = pages[0]
            meta["pages"] = f"{pages[0]}-{pages[-1]}" if len(pages) > 1 else str(pages[0])
        records.append(Record(kind="finding", source=source, locator=f"지적 {no}", title=title, text=text,
                              metadata=meta, ordinal=no))
    return records
