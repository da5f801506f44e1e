"""`python -m ingest --home H [--kind K] [--prune] [--json] PATH...` — index files into a home.  # 색인

Exit codes: 0 everything indexed or unchanged; 2 some file failed (the rest landed); 4 another
ingest holds the home's lock; 3 settings problem.
"""

from __future__ import annotations

import argparse
import json
import sys

from assistant.errors import AssistantError
from assistant.records import KIND_LABELS_KO, KINDS

EXIT_FAILED_FILES = 2


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m ingest",
        description="규정·감사지적 사례·위해식품/반입차단 성분 목록 파일을 색인합니다 (index files into the assistant's home).",
    )
    p.add_argument("paths", nargs="+", metavar="PATH", help="파일 또는 폴더 (폴더는 하위 폴더까지 찾음)")
    p.add_argument("--home", help="데이터 폴더 (기본: $ASSISTANT_HOME 또는 ./data)")
    p.add_argument("--kind", choices=list(KINDS), help="종류 지정 (없으면 폴더 이름·머리글로 판단)")
    p.add_argument("--prune", action="store_true", help="주어진 경로 아래에서 사라진 파일의 레코드를 삭제")
    p.add_argument("--json", action="store_true", help="요약을 JSON으로 출력")
    p.add_argument("--quiet", "-q", action="store_true", help="진행 표시줄 끄기")
    p.add_argument("--wait", type=float, default=5.0, metavar="SECONDS",
                   help="다른 색인 작업이 잠금을 쥐고 있을 때 기다릴 시간 (기본 5초)")
    p.add_argument("--lang", choices=["ko", "en"], default="ko", help="메시지 언어 (message language)")
    return p


def _kinds_line(counts: dict[str, int], lang: str) -> str:
    names = KIND_LABELS_KO if lang == "ko" else {k: k for k in KINDS}
    return " · ".join(f"{names[k]} {int(counts.get(k, 0))}" for k in KINDS)


_SUMMARY = {
    "ko": {
        "head": "파일 {seen}개: 새로 색인 {indexed}, 변경 없음 {unchanged}, 실패 {failed}",
        "records": "이번에 쓴 레코드: {kinds}",
        "pruned": "정리(--prune): 사라진 파일 {pruned}개의 레코드 {pruned_records}개 삭제",
        "skipped_rows": "건너뛴 행: {skipped_rows}개 (필수 항목 없음)",
        "skipped": "건너뛴 파일: {skipped}개 (지원하지 않는 형식)",
        "totals": "색인 전체: {kinds}",
        "repaired": "파일 변경은 없었고, 중단된 이전 작업의 검색 색인(BM25·벡터)을 원장(SQLite)에 맞춰 복구했습니다.",
        "unchanged": "변경 없음: 모든 파일이 이미 색인되어 있어 아무것도 쓰지 않았습니다.",
    },
    "en": {
        "head": "{seen} files: {indexed} indexed, {unchanged} unchanged, {failed} failed",
        "records": "records written: {kinds}",
        "pruned": "pruned: {pruned} vanished files, {pruned_records} records",
        "skipped_rows": "skipped rows: {skipped_rows} (missing key field)",
        "skipped": "skipped files: {skipped} (unsupported format)",
        "totals": "index totals: {kinds}",
        "repaired": "no file changed; the search indexes left behind by an interrupted run were repaired.",
        "unchanged": "nothing changed: every file is already indexed; nothing was written.",
    },
}


def format_summary(s: dict, lang: str = "ko") -> list[str]:
    """Human summary lines from `Summary.to_json()`."""
    m = _SUMMARY["en" if lang == "en" else "ko"]
    lines = [m["head"].format(**s)]
    if s["indexed"]:
        lines.append(m["records"].format(kinds=_kinds_line(s["records"], lang)))
    for key in ("pruned", "skipped_rows", "skipped"):
        if s.get(key):
            lines.append(m[key].format(**s))
    lines.append(m["totals"].format(kinds=_kinds_line(s["totals"], lang)))
    if s.get("repaired"):
        lines.append(m["repaired"])
    elif not s["changed"] and not s["failed"]:
        lines.append(m["unchanged"])
    return lines


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        from assistant.settings import load_settings
        from assistant.store.index import Index
        from ingest.pipeline import ingest_paths

        settings = load_settings(args.home)
        index = Index(settings)
        try:
            summary = ingest_paths(index, args.paths, kind=args.kind, prune=args.prune, progress=not args.quiet,
                                   lang=args.lang, lock_wait_s=args.wait)
        finally:
            index.close()
    except AssistantError as err:
        print(f"오류: {err.message('ko')}" if args.lang == "ko" else f"error: {err.message('en')}", file=sys.stderr)
        return err.exit_code
    except KeyboardInterrupt:
        print("중단되었습니다 (interrupted): 다시 실행하면 이어서 색인합니다.", file=sys.stderr)
        return 130
    data = summary.to_json()
    if args.json:
        print(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        print("\n".join(format_summary(data, args.lang)))
    return EXIT_FAILED_FILES if summary.failed or summary.sync_error else 0
