"""`python -m assistant --home H check-label IMAGE... [--json] [--group]` — label photo check (라벨 사진 판정).

One check per image, or one per `--group`ed set (several photos of one product). With `--json`,
one JSON line per check: {"file", "verdict", "matches", "legal_basis", "ocr_text", "barcodes",
"elapsed_ms", ...}. A bad file (not an image, truncated, empty, too large) gets its own line
{"file", "error"} and the rest continue; the exit code is non-zero if any failed.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

VERDICT_KO = {"hazard": "위해 (통관 보류 대상)", "review": "확인 필요", "no_match": "목록에 없음"}


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("check-label", help="라벨 사진을 위해식품·반입차단 목록과 대조 (check a label photo)")
    p.add_argument("images", nargs="+", metavar="IMAGE", help="JPEG/PNG/WebP/HEIC 사진")
    p.add_argument("--json", action="store_true", help="검사마다 JSON 한 줄 (JSONL)")
    p.add_argument("--group", action="store_true", help="모든 사진을 한 제품으로 보고 한 번에 판정")
    p.set_defaults(func=run)


def _print_human(res: dict) -> None:
    print(f"{res['file']}: {VERDICT_KO.get(res['verdict'], res['verdict'])} — {res.get('message', '')}")
    for m in res["matches"]:
        e = m["entry"]
        extra = ""
        if m["kind"] == "product":
            extra = f" [{e.get('manufacturer', '')}, {e.get('country', '')}, 검출성분: {e.get('ingredients', '')}, 등록일: {e.get('registered', '')}]"
        print(f"  - {m['evidence']} → {m['source']} {m['locator']}{extra}")
    for lb in res["legal_basis"]:
        print(f"  근거: {lb['source']} {lb['locator']} {lb.get('title', '')}")
    for note in res.get("notes", []):
        print(f"  참고: {note}")
    if res["barcodes"]:
        print(f"  바코드: {', '.join(res['barcodes'])}")
    print(f"  ({res['elapsed_ms']} ms)")


def run(args: argparse.Namespace) -> int:
    from assistant.errors import BadInputFile
    from assistant.label.checker import build_label_checker
    from assistant.settings import load_settings
    from assistant.store.index import Index

    settings = load_settings(args.home)
    index = Index(settings, auto_sync=False)
    checker = build_label_checker(settings, index)
    checker.legal.warm()  # retriever start-up is paid here, not inside the first check's elapsed_ms
    failed = 0

    def emit(res: dict) -> None:
        if args.json:
            print(json.dumps(res, ensure_ascii=False), flush=True)
        elif "error" in res:
            print(f"{res['file']}: 오류 — {res['error']}", file=sys.stderr)
        else:
            _print_human(res)

    loaded: list = []  # LoadedImage
    for path in args.images:
        try:
            loaded.append(checker.load(Path(path), path))
        except BadInputFile as err:
            failed += 1
            emit({"file": path, "error": err.reason_ko if args.lang == "ko" else err.reason_en})
            continue
        if not args.group:
            emit(checker.check([loaded.pop()]).to_json())
    if args.group and loaded:
        emit(checker.check(loaded).to_json())
    try:
        index.close()
    except Exception:
        pass
    return 1 if failed else 0
