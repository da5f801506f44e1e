"""Small helpers shared by the document readers."""

from __future__ import annotations

import re
from pathlib import Path

from ingest.document import Block

_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")  # Cc except \t \n
_SPACES = re.compile(r"[ \t\u00a0\u3000]+")
_FILE_NAME = re.compile(r"\.(html?|pdf|hwpx?|docx?|txt|xlsx?)$|^(file|https?)://", re.IGNORECASE)


def clean_line(text: str) -> str:
    """Collapse runs of spaces and drop control characters (keeps newlines)."""
    text = _CONTROLS.sub("", text)
    if "\n" not in text:
        return _SPACES.sub(" ", text).strip()
    return "\n".join(_SPACES.sub(" ", line).strip() for line in text.split("\n")).strip()


def guess_title(blocks: list[Block], path: Path, meta_title: str | None = None) -> str:
    """Metadata title when it looks real, else the first short non-empty line, else the file stem."""
    if meta_title:
        t = meta_title.strip()
        looks_like_file = bool(_FILE_NAME.search(t))
        if t and len(t) <= 120 and not looks_like_file and not t.lower().startswith(("microsoft word", "untitled", "제목 없음")):
            return t
    early = blocks[:20]
    for block in [b for b in early if b.kind != "table_row"] or early:
        for line in block.text.split("\n"):
            line = line.strip().lstrip("#").strip()
            if line:
                return line if len(line) <= 60 else path.stem
    return path.stem
