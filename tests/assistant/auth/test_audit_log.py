from __future__ import annotations

import sqlite3

import pytest

from assistant.auth.audit_log import AuditLog


def test_append_and_read_newest_first(home):
    log = AuditLog(home)
    first = log.append("kim", "officer", "ask", query="6병 초과", sources=["관세법.txt 제94조"], verdict="grounded")
    second = log.append("kim", "officer", "label_check", file_sha256=["ab" * 32], verdict="hazard")
    assert second > first
    entries = log.entries()
    assert [e["action"] for e in entries] == ["label_check", "ask"]
    assert entries[1]["sources"] == '["관세법.txt 제94조"]'
    assert log.entries(action="ask", user="kim")[0]["query"] == "6병 초과"
    assert log.count() == 2


def test_log_cannot_be_updated_or_deleted(home):
    log = AuditLog(home)
    log.append("kim", "officer", "ask", query="q")
    with sqlite3.connect(home / "app.sqlite") as conn:
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            conn.execute("UPDATE audit_log SET user = 'someone-else'")
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            conn.execute("DELETE FROM audit_log")
    assert log.entries()[0]["user"] == "kim"


def test_module_has_no_update_or_delete_paths():
    import inspect

    import assistant.auth.audit_log as module

    source = inspect.getsource(module).upper()
    assert "UPDATE AUDIT_LOG" not in source and "DELETE FROM" not in source
