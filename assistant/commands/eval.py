"""`python -m assistant --home H eval [--questions FILE]... [--json] [--unfiltered] [--misses]` — retrieval
quality of this home's index (검색 품질 평가): recall@1, recall@5, MRR at article level, latency p50/p95.

Default questions: bench/questions/*.jsonl. Finding questions are searched as an auditor's findings
search (kind = finding), the others from an officer's view (findings hidden). `bench/retrieval.py`
runs the same code on a fresh home built from corpora/ and adds the LangChain baselines.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("eval", help="검색 품질 평가: recall@1/5, MRR, 지연시간 (retrieval benchmark)")
    p.add_argument("--questions", action="append", type=Path, metavar="FILE",
                   help="질문 JSONL (기본: bench/questions/*.jsonl, 여러 번 지정 가능)")
    p.add_argument("--json", action="store_true", help="JSON으로 출력")
    p.add_argument("--unfiltered", action="store_true", help="필터 없는 검색도 함께 평가")
    p.add_argument("--misses", action="store_true", help="1위를 놓친 질문 표시")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from assistant.errors import NotFound
    from assistant.retrieval.evaluate import default_question_files, format_table, run_suite
    from assistant.retrieval.retriever import build_retriever
    from assistant.settings import load_settings

    files = args.questions or default_question_files()
    if not files:
        raise NotFound("평가 질문 파일이 없습니다 (bench/questions/*.jsonl 또는 --questions).",
                       "No question files (bench/questions/*.jsonl or --questions).")
    for f in files:
        if not Path(f).is_file():
            raise NotFound(f"질문 파일이 없습니다: {f}", f"Question file not found: {f}")
    retriever = build_retriever(load_settings(args.home))
    reports = run_suite(retriever, [Path(f) for f in files], unfiltered=args.unfiltered)
    if args.json:
        print(json.dumps([r.to_json() for r in reports], ensure_ascii=False, indent=2))
    else:
        print(format_table(reports))
    if args.misses:
        for r in reports:
            for qid, question, got in r.misses:
                print(f"[{r.name}] {qid} {question} → {' | '.join(got)}")
    return 0
