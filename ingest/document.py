"""Reader output: what every file reader hands to the splitters.

`Document` — a prose document (law, notice, report) as an ordered list of `Block`s.  # 문서
`Table`    — a tabular file (CSV/TSV/XLSX/JSON open data) as header + row dicts.     # 표
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

BLOCK_KINDS = ("paragraph", "table_row", "heading")


@dataclass
class Block:
    """One paragraph / table row / heading of a document.  # 문단

    `page` is the 1-based page number where the reader knows it (PDF), else None.
    `kind` is "paragraph" | "table_row" (cells joined with " | ") | "heading".
    """

    text: str
    page: int | None = None
    kind: str = "paragraph"


@dataclass
class Document:
    """A prose document: `meta` carries at least "format" (pdf/hwp/hwpx/txt/md) and, for PDFs, "pages"."""

    path: Path
    title: str
    blocks: list[Block]
    meta: dict[str, str] = field(default_factory=dict)

    @property
    def text(self) -> str:
        """All block texts joined with blank lines (convenience for splitters and tests)."""
        return "\n\n".join(b.text for b in self.blocks)


@dataclass
class Table:
    """A table: `headers` as printed in the file (original spelling), `rows` keyed by those headers.

    `meta` carries "format" (csv/tsv/xlsx/json), "encoding" where relevant, "shape" for JSON
    ("service_rows" | "data_go_kr" | "list"), "service" (e.g. "I2715"), "sheet"/"sheets" for XLSX,
    and "warnings" (semicolon-joined) when rows were ragged or the row cap was hit.
    """

    path: Path
    headers: list[str]
    rows: list[dict[str, str]]
    meta: dict[str, str] = field(default_factory=dict)

    def iter_rows(self) -> Iterator[dict[str, str]]:
        """Rows one at a time. Readers may set a lazy source so huge files stream (see readers.tables)."""
        source = getattr(self, "_row_source", None)
        if source is not None:
            yield from source()
        else:
            yield from self.rows
