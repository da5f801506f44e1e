"""Chat history (질의 기록) per user and answer feedback (👍/👎/출처가 틀림)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from assistant.auth.db import connect, now_iso

RATINGS = ("up", "down", "wrong_source")


class ChatHistory:
    def __init__(self, home: Path):
        self.home = Path(home)

    def add(self, user: str, question: str, answer: str, grounded: bool, mode: str,
            citations: list[dict[str, Any]]) -> int:
        with connect(self.home) as conn:
            cur = conn.execute(
                "INSERT INTO chat_history (at, user, question, answer, grounded, mode, citations)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                (now_iso(), user, question, answer, int(grounded), mode, json.dumps(citations, ensure_ascii=False)),
            )
            return int(cur.lastrowid or 0)

    def recent(self, user: str, limit: int = 20) -> list[dict[str, Any]]:
        """The user's last exchanges, oldest first (only ever that user's own)."""
        with connect(self.home) as conn:
            rows = conn.execute(
                "SELECT * FROM chat_history WHERE user = ? ORDER BY id DESC LIMIT ?", (user, int(limit))
            ).fetchall()
        out = []
        for r in reversed(rows):
            item = dict(r)
            item["citations"] = json.loads(item["citations"] or "[]")
            item["grounded"] = bool(item["grounded"])
            out.append(item)
        return out

    def add_feedback(self, user: str, rating: str, *, chat_id: int | None = None, question: str | None = None,
                     answer: str | None = None, comment: str | None = None) -> int:
        if rating not in RATINGS:
            raise ValueError(f"unknown rating {rating!r}")
        with connect(self.home) as conn:
            cur = conn.execute(
                "INSERT INTO feedback (at, user, chat_id, rating, question, answer, comment) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (now_iso(), user, chat_id, rating, question, answer, comment),
            )
            return int(cur.lastrowid or 0)

    def feedback(self, user: str | None = None) -> list[dict[str, Any]]:
        sql, params = "SELECT * FROM feedback", []
        if user:
            sql += " WHERE user = ?"
            params.append(user)
        with connect(self.home) as conn:
            return [dict(r) for r in conn.execute(sql + " ORDER BY id", params).fetchall()]
