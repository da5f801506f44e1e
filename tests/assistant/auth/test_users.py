from __future__ import annotations

import sqlite3

import pytest

from assistant.auth.users import UserError, UserStore, hash_password, verify_password


def test_hash_is_salted_and_verifies(home):
    a, b = hash_password("same password"), hash_password("same password")
    assert a != b and a.startswith("scrypt$")
    assert verify_password("same password", a) and verify_password("same password", b)
    assert not verify_password("same passwore", a)
    assert not verify_password("x", "garbage") and not verify_password("x", "scrypt$1$2$3$@@$@@")


def test_store_roles_and_wrong_password(home):
    store = UserStore(home)
    store.add("kim", "officer", "officer-pass")
    store.add("감사관", "auditor", "auditor-pass")
    assert store.verify("kim", "officer-pass").role == "officer"
    assert store.verify("kim", "officer-pasS") is None
    assert store.verify("nobody", "officer-pass") is None
    assert store.role("감사관") == "auditor" and store.role("nobody") is None and store.role(None) is None
    assert not store.has_admin()
    store.add("root", "admin", "admin-pass!")
    assert store.has_admin()
    store.set_password("kim", "new-password")
    assert store.verify("kim", "officer-pass") is None and store.verify("kim", "new-password")


def test_password_never_stored_in_clear(home):
    UserStore(home).add("kim", "officer", "very-secret-pw")
    raw = (home / "app.sqlite").read_bytes()
    assert b"very-secret-pw" not in raw
    with sqlite3.connect(home / "app.sqlite") as conn:
        (stored,) = conn.execute("SELECT password_hash FROM users").fetchone()
    assert "very-secret-pw" not in stored


@pytest.mark.parametrize(
    ("name", "role", "password"),
    [("kim", "boss", "long-enough"), ("../x", "officer", "long-enough"), ("", "officer", "long-enough"),
     ("kim", "officer", "short")],
)
def test_invalid_users_rejected(home, name, role, password):
    with pytest.raises(UserError):
        UserStore(home).add(name, role, password)


def test_duplicate_rejected(home):
    store = UserStore(home)
    store.add("kim", "officer", "long-enough")
    with pytest.raises(UserError, match="이미 있는 사용자"):
        store.add("kim", "admin", "long-enough")


def test_cli_ensure_admin_prints_password_once(home, capsys):
    from assistant.cli import main

    assert main(["--home", str(home), "users", "ensure-admin"]) == 0
    out = capsys.readouterr().out
    password = out.split("비밀번호")[1].split()[0]
    assert UserStore(home).verify("admin", password).role == "admin"
    assert main(["--home", str(home), "users", "ensure-admin"]) == 0
    assert "이미" in capsys.readouterr().out


def test_cli_add_with_password_stdin(home, monkeypatch, capsys):
    import io

    from assistant.cli import main

    monkeypatch.setattr("sys.stdin", io.StringIO("pw-from-stdin\n"))
    assert main(["--home", str(home), "users", "add", "lee", "--role", "auditor", "--password-stdin"]) == 0
    assert UserStore(home).verify("lee", "pw-from-stdin").role == "auditor"
    assert main(["--home", str(home), "users", "list"]) == 0
    assert "lee\tauditor" in capsys.readouterr().out
