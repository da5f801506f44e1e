"""`python -m assistant` — the command line. Each subcommand lives in `assistant/commands/<name>.py`
and exposes `register(subparsers)`; the parser sets `func(args) -> int`.

Command modules import only the standard library at module level, so the CLI starts fast;
heavy libraries (torch, chromadb, gradio, llama_cpp) are imported inside the command that needs them.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from assistant.errors import AssistantError

# Order here is the order in --help.
COMMANDS = ["search", "ask", "check_label", "sources", "status", "doctor", "users", "models", "eval"]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m assistant",
        description="세관 업무 도우미: 규정 질의, 라벨 판정, 감사 사례 검색 (Customs officers' assistant)",
    )
    parser.add_argument("--home", help="데이터 폴더 (기본: $ASSISTANT_HOME 또는 ./data)")
    parser.add_argument("--lang", choices=["ko", "en"], default="ko", help="메시지 언어 (message language)")
    parser.add_argument(
        "--role",
        choices=["officer", "auditor", "admin"],
        default=None,
        help="이 역할의 권한으로 실행 (officer는 감사 사례를 볼 수 없음) / run with this role's permissions",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMANDS:
        try:
            module = importlib.import_module(f"assistant.commands.{name}")
        except ModuleNotFoundError as exc:
            if exc.name == f"assistant.commands.{name}":
                continue  # command not built yet
            raise
        module.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return int(args.func(args) or 0)
    except AssistantError as err:
        print(f"오류: {err.message(args.lang)}" if args.lang == "ko" else f"error: {err.message('en')}", file=sys.stderr)
        return err.exit_code
    except KeyboardInterrupt:
        print("중단되었습니다 (interrupted)", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
