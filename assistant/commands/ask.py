"""`python -m assistant --home H ask "QUESTION" [--kind K] [--json]` — a cited answer.

QUESTION `-` reads one question per line from standard input; with --json, one JSON object per line.
JSON: {"question", "answer", "mode", "grounded", "citations": [{"n", "source", "locator", "title", "kind", "text"}], ...}
"""

from __future__ import annotations

import argparse
import json
import sys


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("ask", help="규정 질의: 인용과 함께 답변 (cited answer)")
    p.add_argument("question", help='질문 ("-": 표준입력에서 한 줄에 하나씩)')
    p.add_argument("--kind", action="append", choices=["regulation", "finding", "hazard-list", "ingredient-list"],
                   help="이 종류의 자료만 근거로 사용 (여러 번 지정 가능; 기본: regulation)")
    p.add_argument("--json", action="store_true", help="JSON(표준입력이면 JSONL)으로 출력")
    p.set_defaults(func=run)


def _print_answer(ans, as_json: bool) -> None:
    if as_json:
        out = ans.to_json()
        for c in out["citations"] + out["closest"]:
            c.pop("metadata", None)
        print(json.dumps(out, ensure_ascii=False), flush=True)
        return
    print(ans.answer)
    for w in ans.warnings:
        print(f"  ⚠ {w}")
    if ans.citations:
        print("\n출처:")
        for c in ans.citations:
            print(f"  [{c.n}] {c.source} {c.locator} — {c.title}")
    elif ans.closest:
        print("\n가장 가까운 자료 (근거로 보기 어려움):")
        for c in ans.closest:
            print(f"  - {c.source} {c.locator} — {c.title}")
    print(flush=True)


def run(args: argparse.Namespace) -> int:
    from assistant.answer import build_answerer
    from assistant.retrieval.filters import Filters
    from assistant.retrieval.retriever import build_retriever
    from assistant.settings import load_settings

    settings = load_settings(args.home)
    answerer = build_answerer(settings, build_retriever(settings))
    # Chat questions are regulation questions by default; auditors ask about findings with --kind finding.
    filters = Filters.for_role(args.role, Filters(kinds=args.kind or ["regulation"]))
    questions = (line.strip() for line in sys.stdin) if args.question == "-" else iter([args.question])
    for q in questions:
        if q:
            _print_answer(answerer.ask(q, filters), args.json)
    return 0
