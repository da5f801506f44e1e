"""The record: the one unit that flows from `ingest` into the index and out of retrieval.

A record is a retrievable piece of one source file: a statute article or paragraph
(조/항), one audit finding (감사지적 사례), one hazardous product (위해식품) or one blocked
ingredient (반입차단 원료·성분). Ids are content hashes, so re-ingesting an unchanged file
yields the same ids and writes nothing.

>>> r = Record(kind="regulation", source="관세법.txt", locator="제94조", title="관세법 제94조(소액물품 등의 면세)", text="...")
>>> len(r.id)
24
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any, Literal

Kind = Literal["regulation", "finding", "hazard-list", "ingredient-list"]
KINDS: tuple[str, ...] = ("regulation", "finding", "hazard-list", "ingredient-list")

# Korean names for the UI and messages.
KIND_LABELS_KO = {
    "regulation": "규정",  # laws, decrees, notices
    "finding": "감사지적 사례",
    "hazard-list": "위해식품 목록",
    "ingredient-list": "반입차단 성분 목록",
}

MetaValue = str | int | float | bool


def content_id(*parts: str) -> str:
    """Stable 24-hex-digit id from the given parts (sha256)."""
    h = hashlib.sha256()
    for p in parts:
        h.update(p.encode("utf-8"))
        h.update(b"\x1f")
    return h.hexdigest()[:24]


@dataclass(frozen=True)
class Record:
    """One retrievable unit.

    kind     -- one of KINDS
    source   -- file name shown to the user (e.g. "관세법_샘플.pdf")
    locator  -- where in the source: "제5조", "제5조②", "p.3", or a list record id ("SELF_IMPORT_SEQ 2023001")
    title    -- document + article title, finding title, or product/substance name
    text     -- the text that is searched and cited
    metadata -- flat JSON scalars only (Chroma and SQLite filters need scalars)
    """

    kind: str
    source: str
    locator: str
    title: str
    text: str
    metadata: dict[str, MetaValue] = field(default_factory=dict)
    source_key: str = ""  # manifest key of the file (absolute path); set by the pipeline
    ordinal: int = 0  # position within the file, keeps ids unique for repeated text

    @property
    def id(self) -> str:
        return content_id(self.kind, self.source_key or self.source, self.locator, self.text, str(self.ordinal))

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "source": self.source,
            "locator": self.locator,
            "title": self.title,
            "text": self.text,
            "metadata": dict(self.metadata),
        }

    @staticmethod
    def clean_metadata(meta: dict[str, Any]) -> dict[str, MetaValue]:
        """Drop None/empty values and serialise anything non-scalar, so every store accepts it."""
        out: dict[str, MetaValue] = {}
        for k, v in meta.items():
            if v is None or v == "":
                continue
            if isinstance(v, (str, int, float, bool)):
                out[k] = v
            else:
                out[k] = json.dumps(v, ensure_ascii=False)
        return out
