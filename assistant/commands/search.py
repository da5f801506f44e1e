"""`python -m assistant --home H search "QUERY" [--kind K] [--k N] [--json] [filters]` — hybrid search (검색).

QUERY `-` reads one query per line from standard input and answers each in order; with --json the
output is JSONL, one object per query: {"query": ..., "results": [{"source", "locator", "title", "kind",
"score", "text", "metadata", "id", "ids"}]}. Without --json, a readable table per query.
The global --role applies its permissions (officer: audit findings are never searched).
"""

from __future__ import annotations

import argparse
import json
import sys

KINDS = ["regulation", "finding", "hazard-list", "ingredient-list"]


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("search", help="규정·감사 사례·목록 검색 (hybrid search)")
    p.add_argument("query", metavar="QUERY", help="검색어 ('-'이면 표준입력에서 한 줄에 하나씩)")
    p.add_argument("--kind", action="append", choices=KINDS, help="이 종류만 (여러 번 지정 가능)")
    p.add_argument("--k", type=int, default=None, metavar="N", help="결과 수 (기본: 설정 retrieval.k)")
    p.add_argument("--json", action="store_true", help="JSON으로 출력 (QUERY가 '-'이면 JSONL)")
    p.add_argument("--source", help="이 파일만 (파일 이름)")
    p.add_argument("--year-from", type=int, help="감사연도 이후 (포함)")
    p.add_argument("--year-to", type=int, help="감사연도 이전 (포함)")
    p.add_argument("--disposition", help="처분 (예: 주의, 시정, 징계)")
    p.add_argument("--country", help="제조국 (예: 미국)")
    p.add_argument("--office", help="감사대상 부서·세관")
    p.set_defaults(func=run)


def filters_from_args(args: argparse.Namespace):
    """Filters from the options, with the role's hidden kinds added (officer → no findings)."""
    from assistant.retrieval.filters import Filters

    base = Filters(
        kinds=list(args.kind) if args.kind else None,
        source=args.source,
        year_from=args.year_from,
        year_to=args.year_to,
        disposition=args.disposition,
        country=args.country,
        office=args.office,
    )
    return Filters.for_role(getattr(args, "role", None), base)


def _queries(arg: str):
    if arg != "-":
        yield arg
        return
    for line in sys.stdin:
        line = line.strip()
        if line:
            yield line


def _snippet(text: str, width: int = 90) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"


def _print_table(query: str, hits, lang: str) -> None:
    from assistant.records import KIND_LABELS_KO

    ko = lang == "ko"
    print(f"■ {query}")
    if not hits:
        print("  결과 없음" if ko else "  no results")
        return
    for n, h in enumerate(hits, 1):
        kind = KIND_LABELS_KO.get(h.kind, h.kind) if ko else h.kind
        print(f"{n:>3}. [{kind}] {h.source} {h.locator}  (score {h.score:.4f})")
        print(f"     {h.title}")
        print(f"     {_snippet(h.text)}")


def run(args: argparse.Namespace) -> int:
    from assistant.errors import ConfigError
    from assistant.retrieval.retriever import build_retriever
    from assistant.settings import load_settings

    if args.k is not None and args.k <= 0:
        raise ConfigError("--k는 1 이상이어야 합니다.", "--k must be at least 1.")
    settings = load_settings(args.home)
    filters = filters_from_args(args)
    retriever = build_retriever(settings)
    try:
        for query in _queries(args.query):
            hits = retriever.search(query, k=args.k, filters=filters)
            if args.json:
                out = {"query": query, "results": [h.to_json() for h in hits]}
                print(json.dumps(out, ensure_ascii=False), flush=True)
            else:
                _print_table(query, hits, args.lang)
    finally:
        close = getattr(retriever.index, "close", None)
        if close:
            close()
    return 0
