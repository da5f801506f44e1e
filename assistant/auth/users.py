"""Users and roles (사용자·역할) with salted, slow password hashes (scrypt, stdlib).

Roles: `officer` (세관 직원: 규정 질의, 라벨 판정), `auditor` (감사담당: + 감사 사례),
`admin` (관리자: + 자료 관리, 감사 기록 내보내기). Passwords are never stored or logged;
only `scrypt$N$r$p$salt$hash` strings are.

>>> h = hash_password("correct horse", n=2**10)
>>> verify_password("correct horse", h), verify_password("wrong", h)
(True, False)
"""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from pathlib import Path

from assistant.auth.db import connect, now_iso
from assistant.errors import AssistantError, NotFound

ROLES: tuple[str, ...] = ("officer", "auditor", "admin")
ROLE_LABELS_KO = {"officer": "세관 직원", "auditor": "감사 담당", "admin": "관리자"}
NAME_RE = re.compile(r"^[A-Za-z0-9가-힣._-]{1,32}$")
MIN_PASSWORD = 8
# N=2^15, r=8: ~32 MiB and ~0.1 s per check on one core; parameters are stored per hash.
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**15, 8, 1


class UserError(AssistantError):
    """Invalid user name, role or password, or a duplicate user."""

    exit_code = 2


@dataclass(frozen=True)
class User:
    name: str
    role: str
    created_at: str = ""
    disabled: bool = False


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def hash_password(password: str, *, n: int = SCRYPT_N, r: int = SCRYPT_R, p: int = SCRYPT_P) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=n, r=r, p=p, maxmem=256 * 1024 * 1024, dklen=32)
    return f"scrypt${n}${r}${p}${_b64(salt)}${_b64(digest)}"


def verify_password(password: str, stored: str) -> bool:
    """Constant-time check of `password` against a stored `scrypt$...` string."""
    try:
        scheme, n, r, p, salt_b64, digest_b64 = stored.split("$")
        if scheme != "scrypt":
            return False
        salt, expected = base64.b64decode(salt_b64), base64.b64decode(digest_b64)
        digest = hashlib.scrypt(
            password.encode("utf-8"), salt=salt, n=int(n), r=int(r), p=int(p),
            maxmem=256 * 1024 * 1024, dklen=len(expected),
        )
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(digest, expected)


@functools.cache
def _dummy_hash() -> str:
    """Checked against when the user does not exist, so timing does not reveal valid names."""
    return hash_password(secrets.token_hex(8))


def generate_password(nbytes: int = 12) -> str:
    return secrets.token_urlsafe(nbytes)


def check_role(role: str) -> str:
    if role not in ROLES:
        raise UserError(f"역할이 잘못되었습니다: '{role}' (officer, auditor, admin 중 하나)",
                        f"Invalid role '{role}' (one of officer, auditor, admin)")
    return role


def check_name(name: str) -> str:
    if not NAME_RE.match(name or ""):
        raise UserError(f"사용자 이름이 잘못되었습니다: '{name}' (영문·한글·숫자·._- 1~32자)",
                        f"Invalid user name '{name}' (letters, digits, ._- ; 1-32 characters)")
    return name


def check_password(password: str) -> str:
    if len(password or "") < MIN_PASSWORD:
        raise UserError(f"비밀번호는 {MIN_PASSWORD}자 이상이어야 합니다", f"Password must be at least {MIN_PASSWORD} characters")
    return password


class UserStore:
    """The `users` table of `<home>/app.sqlite`."""

    def __init__(self, home: Path):
        self.home = Path(home)

    def add(self, name: str, role: str, password: str) -> User:
        check_name(name), check_role(role), check_password(password)
        with connect(self.home) as conn:
            if conn.execute("SELECT 1 FROM users WHERE name = ?", (name,)).fetchone():
                raise UserError(f"이미 있는 사용자입니다: {name}", f"User already exists: {name}")
            created = now_iso()
            conn.execute(
                "INSERT INTO users (name, role, password_hash, created_at) VALUES (?, ?, ?, ?)",
                (name, role, hash_password(password), created),
            )
        return User(name, role, created)

    def set_password(self, name: str, password: str) -> None:
        check_password(password)
        with connect(self.home) as conn:
            cur = conn.execute("UPDATE users SET password_hash = ? WHERE name = ?", (hash_password(password), name))
            if cur.rowcount == 0:
                raise NotFound(f"사용자가 없습니다: {name}", f"No such user: {name}")

    def get(self, name: str) -> User | None:
        with connect(self.home) as conn:
            row = conn.execute("SELECT name, role, created_at, disabled FROM users WHERE name = ?", (name,)).fetchone()
        return User(row["name"], row["role"], row["created_at"], bool(row["disabled"])) if row else None

    def role(self, name: str | None) -> str | None:
        """The role of an active user, else None (callers treat None as 'no access')."""
        user = self.get(name) if name else None
        return user.role if user and not user.disabled else None

    def list(self) -> list[User]:
        with connect(self.home) as conn:
            rows = conn.execute("SELECT name, role, created_at, disabled FROM users ORDER BY name").fetchall()
        return [User(r["name"], r["role"], r["created_at"], bool(r["disabled"])) for r in rows]

    def has_admin(self) -> bool:
        with connect(self.home) as conn:
            return conn.execute("SELECT 1 FROM users WHERE role = 'admin' AND disabled = 0").fetchone() is not None

    def verify(self, name: str, password: str) -> User | None:
        """The user when the password matches (and the account is active), else None."""
        with connect(self.home) as conn:
            row = conn.execute(
                "SELECT name, role, created_at, disabled, password_hash FROM users WHERE name = ?", (name or "",)
            ).fetchone()
        if row is None:
            verify_password(password or "", _dummy_hash())
            return None
        if not verify_password(password or "", row["password_hash"]) or row["disabled"]:
            return None
        return User(row["name"], row["role"], row["created_at"], False)
