"""`<home>/app.sqlite`: one short-lived connection per operation (thread-safe under Gradio's
worker threads), WAL journal so readers never block the audit writer.

The audit log is append-only *in the database itself*: triggers abort any UPDATE or DELETE,
so no code path (ours or a bug) can rewrite history through this connection.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

APP_DB = "app.sqlite"

SCHEMA = """
CREATE TABLE IF NOT EXISTS users (
    name TEXT PRIMARY KEY,
    role TEXT NOT NULL CHECK (role IN ('officer', 'auditor', 'admin')),
    password_hash TEXT NOT NULL,
    created_at TEXT NOT NULL,
    disabled INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS audit_log (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    user TEXT NOT NULL,
    role TEXT,
    action TEXT NOT NULL,
    query TEXT,
    file_sha256 TEXT,
    sources TEXT,
    verdict TEXT,
    detail TEXT
);
CREATE TRIGGER IF NOT EXISTS audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER IF NOT EXISTS audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TABLE IF NOT EXISTS chat_history (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    user TEXT NOT NULL,
    question TEXT NOT NULL,
    answer TEXT NOT NULL,
    grounded INTEGER NOT NULL,
    mode TEXT,
    citations TEXT
);
CREATE INDEX IF NOT EXISTS chat_history_user ON chat_history (user, id);
CREATE TABLE IF NOT EXISTS feedback (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    user TEXT NOT NULL,
    chat_id INTEGER,
    rating TEXT NOT NULL CHECK (rating IN ('up', 'down', 'wrong_source')),
    question TEXT,
    answer TEXT,
    comment TEXT
);
"""

_initialised: set[Path] = set()


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def app_db_path(home: Path) -> Path:
    return Path(home) / APP_DB


@contextmanager
def connect(home: Path) -> Iterator[sqlite3.Connection]:
    """A connection to `<home>/app.sqlite` that commits on success (schema created on first use)."""
    path = app_db_path(home)
    path.parent.mkdir(parents=True, exist_ok=True)
    fresh = path not in _initialised or not path.exists()
    conn = sqlite3.connect(path, timeout=10.0)
    try:
        conn.execute("PRAGMA busy_timeout = 10000")
        if fresh:
            conn.execute("PRAGMA journal_mode = WAL")
            conn.executescript(SCHEMA)
            _initialised.add(path)
        conn.row_factory = sqlite3.Row
        yield conn
        conn.commit()
    finally:
        conn.close()
