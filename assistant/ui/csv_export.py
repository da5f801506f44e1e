"""CSV export that a spreadsheet cannot execute: cells starting with = + - @ (or tab/CR) get a
leading apostrophe (OWASP CSV injection). UTF-8 with BOM so Excel shows Korean correctly.

>>> escape_cell("=cmd|' /C calc'!A0")
"'=cmd|' /C calc'!A0"
>>> escape_cell("관세법 제157조"), escape_cell(-3)
('관세법 제157조', -3)
"""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

DANGEROUS_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def escape_cell(value: Any) -> Any:
    if isinstance(value, str) and value.lstrip(" ").startswith(DANGEROUS_PREFIXES):
        return "'" + value
    return value


def to_csv(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerow([escape_cell(h) for h in headers])
    for row in rows:
        writer.writerow(["" if v is None else escape_cell(v) for v in row])
    return buf.getvalue()


def write_csv(headers: Sequence[str], rows: Iterable[Sequence[Any]], name: str, directory: Path | None = None) -> Path:
    """Write to a fresh temporary directory (served once to the requesting user) and return the path."""
    out_dir = Path(tempfile.mkdtemp(prefix="export-", dir=directory))
    path = out_dir / name
    path.write_text("\ufeff" + to_csv(headers, rows), encoding="utf-8")
    return path
