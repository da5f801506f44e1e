"""Splitters: one read file → Records (규정 조문, 감사지적 사례, 위해식품, 반입차단 성분).

`split_file` is the front door the pipeline uses: it picks the reader, decides the kind when
`--kind` did not (headers first, then the enclosing folder), and hands the Document or Table to
statute.py, findings.py or lists.py.
"""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path
from typing import Any

from assistant.errors import BadInputFile
from assistant.records import Record
from ingest.split.detect import looks_like_findings
from ingest.split.headers import detect_table_kind, is_ingredient_headers, matches_schema
from ingest.split.notes import SplitNotes

MAX_ROWS_PER_FILE = 200_000  # one file's rows; ~3,300 in the real MFDS list, ~4,000 audit case cards


def split_file(path: Path, kind: str | None, hint: str | None, notes: SplitNotes) -> tuple[str, list[Record]]:
    """Read one file and split it into records; returns (kind, records). Raises BadInputFile."""
    from ingest.readers import reader_for
    from ingest.split.findings import finding_records_from_report, finding_records_from_table
    from ingest.split.lists import hazard_records, ingredient_records
    from ingest.split.statute import statute_records

    choice = reader_for(path)
    source = path.name
    if choice.kind == "document":
        given = kind or (hint if hint == "finding" else None)
        kind = given or (hint if hint == "regulation" else None) or "regulation"
        if kind not in ("regulation", "finding"):
            raise BadInputFile(path, f"문서 파일({choice.format})은 목록({kind})으로 읽을 수 없습니다. 표(CSV/XLSX/JSON)를 넣어 주세요.",
                               f"a {choice.format} document cannot be read as a {kind}; use a CSV/XLSX/JSON table")
        doc = choice.read(path, None)
        _reader_warnings(doc.meta, notes)
        if not given and looks_like_findings(doc):  # an audit report outside audit_findings/ (never shown to officers)
            kind = "finding"
            notes.warnings.append("조문(제N조) 없이 지적사항·처분·관련 규정으로 이루어진 감사 보고서로 보여 감사지적(finding)으로 색인했습니다")
        if kind == "finding":
            return kind, unique_locators(finding_records_from_report(doc, source, notes))
        return kind, unique_locators(statute_records(doc, source))
    table = choice.read(path, None)
    _reader_warnings(table.meta, notes)
    if not table.headers:
        raise BadInputFile(path, "표에 머리글도 행도 없습니다(빈 표).", "the table has no headers and no rows")
    _cap_rows(table, path)
    if not kind:  # the headers decide; the folder only breaks ties (a findings CSV misfiled in hazard_lists/ stays a finding)
        if is_ingredient_headers(table.headers):
            kind = "ingredient-list"
        elif hint in ("finding", "hazard-list", "ingredient-list") and matches_schema(table.headers, hint):
            kind = hint
        else:
            kind = detect_table_kind(table.headers) or (hint if hint != "regulation" else None)
        if not kind:
            found = ", ".join(table.headers[:20]) or "(없음)"
            raise BadInputFile(path, f"알 수 없는 표 형식입니다: 머리글이 감사지적·위해식품·반입차단 성분 목록 어느 것과도 맞지 않습니다 "
                                     f"(찾은 머리글: {found}). --kind 로 종류를 지정할 수 있습니다.",
                               f"unknown table: headers match no known schema (found: {found}); use --kind")
    if kind == "regulation":
        raise BadInputFile(path, "표 파일은 규정(regulation)으로 색인할 수 없습니다.", "a table cannot be ingested as a regulation")
    if kind == "finding":
        return kind, unique_locators(finding_records_from_table(table, source, notes))
    if kind == "hazard-list":
        return kind, unique_locators(hazard_records(table, source, notes))
    return kind, unique_locators(ingredient_records(table, source, notes))


def unique_locators(records: list[Record]) -> list[Record]:
    """No two records of one file share a locator: repeats become "p.1-2", "p.1-3" (title follows)."""
    seen: dict[str, int] = {}
    taken = {r.locator for r in records}
    out: list[Record] = []
    for r in records:
        n = seen.get(r.locator, 0) + 1
        seen[r.locator] = n
        if n > 1:
            new = f"{r.locator}-{n}"
            while new in taken:
                n += 1
                new = f"{r.locator}-{n}"
            seen[r.locator] = n
            taken.add(new)
            title = r.title[: -len(r.locator)] + new if r.title.endswith(r.locator) else r.title
            r = replace(r, locator=new, title=title)
        out.append(r)
    return out


def max_rows_per_file() -> int:
    raw = os.environ.get("ASSISTANT_MAX_RECORDS_PER_FILE", "")
    return int(raw) if raw.strip().isdigit() else MAX_ROWS_PER_FILE


def _cap_rows(table: Any, path: Path) -> None:
    """Stop a runaway table (a 1,000,000-row CSV) before it becomes a million records in memory."""
    cap = max_rows_per_file()
    rows = table.iter_rows

    def capped() -> Any:
        for n, row in enumerate(rows(), start=1):
            if n > cap:
                raise BadInputFile(path, f"행이 너무 많습니다({cap:,}행 초과). 파일을 나누거나 ASSISTANT_MAX_RECORDS_PER_FILE을 늘리세요.",
                                   f"too many rows (over {cap:,}); split the file or raise ASSISTANT_MAX_RECORDS_PER_FILE")
            yield row

    table.iter_rows = capped


def _reader_warnings(meta: dict, notes: SplitNotes) -> None:
    """Readers note ragged rows, row caps and the like in meta["warnings"] (semicolon-joined)."""
    text = str((meta or {}).get("warnings") or "")
    notes.warnings.extend(w.strip() for w in text.split(";") if w.strip())
