"""`python -m assistant --home H sources [--json] [--kind K]` — what is indexed (색인된 파일 목록).

JSON: a list of {"file", "kind", "records", "ingested_at", "path", "sha256", "size"}, one per file.
A role that may not see a kind (officer: finding) does not see those files listed either.
"""

from __future__ import annotations

import argparse
import json
import unicodedata

KINDS = ["regulation", "finding", "hazard-list", "ingredient-list"]


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("sources", help="색인된 파일 목록 (what is indexed)")
    p.add_argument("--kind", action="append", choices=KINDS, help="이 종류만 (여러 번 지정 가능)")
    p.add_argument("--json", action="store_true", help="JSON으로 출력")
    p.set_defaults(func=run)


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * max(0, width - _width(text))


def rows_for(index, role: str | None, kinds: list[str] | None) -> list[dict]:
    from assistant.retrieval.filters import Filters

    allowed = set(Filters.for_role(role, Filters(kinds=kinds)).allowed_kinds(KINDS))
    return [
        {"file": r.source, "kind": r.kind, "records": int(r.records), "ingested_at": r.ingested_at, "path": r.path,
         "sha256": r.sha256, "size": int(r.size)}
        for r in index.sources()
        if r.kind in allowed
    ]


def run(args: argparse.Namespace) -> int:
    from assistant.records import KIND_LABELS_KO
    from assistant.settings import load_settings
    from assistant.store.index import Index

    index = Index(load_settings(args.home), auto_sync=False)
    try:
        rows = rows_for(index, args.role, args.kind)
    finally:
        index.close()
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return 0
    ko = args.lang == "ko"
    if not rows:
        print("색인된 파일이 없습니다. `python -m ingest --home <폴더> corpora`로 색인하세요." if ko
              else "Nothing is indexed yet. Run `python -m ingest --home <dir> corpora`.")
        return 0
    header = ["파일", "종류", "레코드", "색인 시각", "경로"] if ko else ["file", "kind", "records", "ingested at", "path"]
    table = [[r["file"], KIND_LABELS_KO.get(r["kind"], r["kind"]) if ko else r["kind"], str(r["records"]),
              r["ingested_at"], r["path"]] for r in rows]
    widths = [max(_width(row[i]) for row in [header, *table]) for i in range(4)]
    for row in [header, *table]:
        print("  ".join(_pad(cell, widths[i]) for i, cell in enumerate(row[:4])) + "  " + row[4])
    total = sum(r["records"] for r in rows)
    print(f"파일 {len(rows)}개, 레코드 {total}개" if ko else f"{len(rows)} files, {total} records")
    return 0
