"""The audit log (감사 기록): who asked, searched, checked or changed what, and when.

Append-only: this module only INSERTs and SELECTs, and triggers in `app.sqlite` abort any
UPDATE or DELETE. Entries hold the query text or an uploaded file's sha256 — never file
contents, never passwords.

>>> import tempfile; log = AuditLog(Path(tempfile.mkdtemp()))
>>> log.append("kim", "officer", "ask", query="특송 6병 초과", sources=["관세법.txt 제94조"])
1
>>> log.entries()[0]["action"]
'ask'
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from assistant.auth.db import connect, now_iso

ACTIONS = (
    "login", "login_failed", "ask", "feedback", "view_article", "search_findings", "export_findings",
    "label_check", "upload", "ingest", "prune", "remove_source", "export_audit_log", "denied",
)
COLUMNS = ("seq", "at", "user", "role", "action", "query", "file_sha256", "sources", "verdict", "detail")


class AuditLog:
    def __init__(self, home: Path):
        self.home = Path(home)

    def append(
        self,
        user: str,
        role: str | None,
        action: str,
        *,
        query: str | None = None,
        file_sha256: str | list[str] | None = None,
        sources: list[str] | None = None,
        verdict: str | None = None,
        detail: dict[str, Any] | str | None = None,
    ) -> int:
        """Add one entry; returns its sequence number."""
        if isinstance(file_sha256, list):
            file_sha256 = ",".join(file_sha256)
        if isinstance(detail, dict):
            detail = json.dumps(detail, ensure_ascii=False, sort_keys=True)
        with connect(self.home) as conn:
            cur = conn.execute(
                "INSERT INTO audit_log (at, user, role, action, query, file_sha256, sources, verdict, detail)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    now_iso(), user or "-", role, action, query, file_sha256,
                    json.dumps(sources, ensure_ascii=False) if sources is not None else None, verdict, detail,
                ),
            )
            return int(cur.lastrowid or 0)

    def entries(self, limit: int | None = None, user: str | None = None, action: str | None = None) -> list[dict]:
        """Newest first."""
        sql, params = "SELECT * FROM audit_log WHERE 1=1", []
        if user:
            sql += " AND user = ?"
            params.append(user)
        if action:
            sql += " AND action = ?"
            params.append(action)
        sql += " ORDER BY seq DESC"
        if limit:
            sql += f" LIMIT {int(limit)}"
        with connect(self.home) as conn:
            return [dict(r) for r in conn.execute(sql, params).fetchall()]

    def count(self) -> int:
        with connect(self.home) as conn:
            return int(conn.execute("SELECT COUNT(*) FROM audit_log").fetchone()[0])
