"""`python -m assistant --home H doctor [--json] [--check-only]` — check and repair the index (색인 점검·복구).

Compares record ids across SQLite (truth), the BM25 snapshot and the Chroma collection, plus the
manifest's record counts; repairs what disagrees (re-sync; records without a file removed; files
whose count disagrees marked for re-ingest). Exit 0 when consistent (after repair), 1 otherwise.
JSON: {"consistent", "repaired", "actions": [...], "before": {...}, "after": {...}}.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("doctor", help="색인 점검·복구: SQLite, BM25, 벡터 저장소 일치 확인 (check/repair the index)")
    p.add_argument("--json", action="store_true", help="JSON으로 출력")
    p.add_argument("--check-only", action="store_true", help="점검만 하고 고치지 않음 (no repair)")
    p.add_argument("--wait", type=float, default=0.0, help="색인 작업이 진행 중이면 최대 N초 기다림")
    p.set_defaults(func=run)


def _line(report: dict[str, Any], lang: str) -> str:
    bm, ch = report["bm25"], report["chroma"]
    if lang == "en":
        return (f"records {report['records']} (manifest {report['manifest_records']}, files {report['sources']}), "
                f"BM25 {bm.get('count', 0)}, Chroma {ch.get('count', 0)}, generation {report['generation']}")
    return (f"레코드 {report['records']}개 (대장 {report['manifest_records']}개, 파일 {report['sources']}개), "
            f"BM25 {bm.get('count', 0)}개, 벡터 {ch.get('count', 0)}개, 세대 {report['generation']}")


def run(args: argparse.Namespace) -> int:
    from assistant.settings import load_settings
    from assistant.store.index import Index

    lang = getattr(args, "lang", "ko")
    settings = load_settings(args.home)
    index = Index(settings, auto_sync=False)
    with index.lock(args.wait):
        before = index.check()
        result: dict[str, Any] = {"consistent": before["consistent"], "repaired": False, "actions": [],
                                  "before": before, "after": before}
        if not before["consistent"] and not args.check_only:
            rep = index.repair()
            result.update(consistent=rep["after"]["consistent"], repaired=True, actions=rep["actions"],
                          after=rep["after"], sync=rep["sync"])
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=2))
    else:
        out = sys.stdout
        key = "message_en" if lang == "en" else "message"
        print(("index: " if lang == "en" else "색인: ") + _line(before, lang), file=out)
        for p in before["problems"]:
            extra = f" ({p['count']})" if "count" in p else ""
            print(f"  - {p[key]}{extra}", file=out)
        if result["repaired"]:
            print("repaired:" if lang == "en" else "복구한 내용:", file=out)
            for a in result["actions"] or ["(없음)"]:
                print(f"  * {a}", file=out)
            print(("after: " if lang == "en" else "복구 후: ") + _line(result["after"], lang), file=out)
            for p in result["after"]["problems"]:
                print(f"  - {p[key]}", file=out)
        if result["consistent"]:
            print("OK: consistent" if lang == "en" else "정상: SQLite, BM25, 벡터 저장소가 일치합니다", file=out)
        else:
            print("NOT consistent" if lang == "en" else "불일치가 남아 있습니다", file=out)
    return 0 if result["consistent"] else 1
