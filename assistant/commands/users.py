"""`python -m assistant users add|list|passwd|ensure-admin` — accounts for the web app (사용자 관리).

`ensure-admin` creates a first admin with a random password printed once to the console when
no admin exists (used by `make demo`); it does nothing when one exists.
"""

from __future__ import annotations

import argparse
import getpass
import sys


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("users", help="웹 앱 사용자 관리 (add / list / passwd / ensure-admin)")
    sub = p.add_subparsers(dest="users_command", metavar="ACTION")
    add = sub.add_parser("add", help="사용자 추가")
    add.add_argument("name")
    add.add_argument("--role", required=True, choices=["officer", "auditor", "admin"])
    add.add_argument("--password-stdin", action="store_true", help="표준 입력 첫 줄을 비밀번호로 사용")
    sub.add_parser("list", help="사용자 목록")
    pw = sub.add_parser("passwd", help="비밀번호 변경")
    pw.add_argument("name")
    pw.add_argument("--password-stdin", action="store_true")
    ens = sub.add_parser("ensure-admin", help="관리자가 없으면 만들고 임시 비밀번호를 출력")
    ens.add_argument("--name", default="admin")
    p.set_defaults(func=run, users_parser=p)


def _read_password(args: argparse.Namespace) -> tuple[str, bool]:
    """(password, generated). Generated passwords are printed once by the caller."""
    from assistant.auth.users import generate_password

    if args.password_stdin:
        return sys.stdin.readline().rstrip("\r\n"), False
    if sys.stdin.isatty():
        first = getpass.getpass("비밀번호: ")
        if first != getpass.getpass("비밀번호 확인: "):
            from assistant.auth.users import UserError

            raise UserError("비밀번호가 일치하지 않습니다", "Passwords do not match")
        return first, False
    return generate_password(), True


def run(args: argparse.Namespace) -> int:
    from assistant.auth.users import ROLE_LABELS_KO, UserStore, generate_password
    from assistant.settings import resolve_home

    home = resolve_home(args.home)
    store = UserStore(home)
    action = getattr(args, "users_command", None)
    if action == "add":
        password, generated = _read_password(args)
        user = store.add(args.name, args.role, password)
        print(f"사용자를 추가했습니다: {user.name} ({user.role}, {ROLE_LABELS_KO[user.role]})")
        if generated:
            print(f"임시 비밀번호: {password}")
        return 0
    if action == "list":
        for u in store.list():
            state = " (사용 중지)" if u.disabled else ""
            print(f"{u.name}\t{u.role}\t{u.created_at}{state}")
        return 0
    if action == "passwd":
        password, generated = _read_password(args)
        store.set_password(args.name, password)
        print(f"비밀번호를 바꿨습니다: {args.name}")
        if generated:
            print(f"임시 비밀번호: {password}")
        return 0
    if action == "ensure-admin":
        if store.has_admin():
            print("관리자 계정이 이미 있습니다 (admin account exists)")
            return 0
        password = generate_password()
        name = args.name
        if store.get(name) is not None:
            name = f"{name}-{generate_password(3).lower()}"
        store.add(name, "admin", password)
        print(f"첫 관리자 계정을 만들었습니다 / first admin created: 사용자 {name}  비밀번호 {password}")
        print("로그인 후 `python -m assistant users passwd` 로 비밀번호를 바꾸세요.")
        return 0
    args.users_parser.print_help()
    return 2
