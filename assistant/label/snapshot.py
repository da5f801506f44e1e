"""The lists a label is checked against, frozen for one check (목록 스냅샷).

A `ListSnapshot` is two plain lists of dicts with the ARCHITECTURE metadata keys:

- products (위해식품, I2715): seq, product, manufacturer, country, ingredients (" | "-joined), barcode,
  registered, updated, source, locator, id
- ingredients (반입차단 원료·성분): name_ko, name_en, other_names (" | "-joined), status ("Y" | "N"),
  designated, released, reason, source, locator

It is built from the Index (`from_index`) or straight from rows (tests, benchmark), and carries the
"as of" date (기준일) shown with every `no_match`.

>>> s = ListSnapshot.from_rows([{"seq": "1", "product": "A", "registered": "20230105"}], [])
>>> s.as_of
'2023-01-05'
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import Any

_DATE_RE = re.compile(r"(\d{4})[-./]?(\d{2})[-./]?(\d{2})")
_DATE_KEYS = ("registered", "updated", "designated", "released")


def iso_date(value: Any) -> str | None:
    """'20230105' / '2023-01-05' / '2023.01.05 10:00' -> '2023-01-05'; None when not a date."""
    m = _DATE_RE.search(str(value or ""))
    if not m:
        return None
    y, mo, d = (int(x) for x in m.groups())
    if not (1990 <= y <= 2100 and 1 <= mo <= 12 and 1 <= d <= 31):
        return None
    return f"{y:04d}-{mo:02d}-{d:02d}"


@dataclass
class ListSnapshot:
    products: list[dict[str, Any]] = field(default_factory=list)
    ingredients: list[dict[str, Any]] = field(default_factory=list)
    generation: int = 0  # Index.generation() it was read at; the matcher cache key
    ingest_date: str | None = None  # fallback 기준일 when no row carries a date

    @property
    def as_of(self) -> str:
        """Newest registration/update date in the lists, else the ingest date, else today."""
        return self._newest_row_date or iso_date(self.ingest_date) or date.today().isoformat()

    @cached_property
    def _newest_row_date(self) -> str | None:
        """Read once per snapshot (every verdict asks; the rows do not change once read)."""
        dates = [d for row in self.products + self.ingredients for k in _DATE_KEYS if (d := iso_date(row.get(k)))]
        return max(dates) if dates else None

    @property
    def empty(self) -> bool:
        return not self.products and not self.ingredients

    @classmethod
    def from_rows(cls, products: list[dict[str, Any]], ingredients: list[dict[str, Any]], generation: int = 0,
                  ingest_date: str | None = None) -> ListSnapshot:
        """Copy the rows, filling the ARCHITECTURE locator when the row has none."""
        prods = [{**r, "locator": r.get("locator") or f"SELF_IMPORT_SEQ {r.get('seq') or '?'}"} for r in products]
        ingrs = [{**r, "locator": r.get("locator") or f"RAW_IRDNT {r.get('name_ko') or r.get('name_en') or '?'}"}
                 for r in ingredients]
        return cls(prods, ingrs, generation, ingest_date)

    @classmethod
    def from_index(cls, index: Any) -> ListSnapshot:
        """Read the structured list rows from an `assistant.store.index.Index`."""
        ingest_date = None
        try:
            stamps = [s.ingested_at for s in index.sources() if s.kind in ("hazard-list", "ingredient-list")]
            ingest_date = max(stamps) if stamps else None
        except Exception:  # older Index without sources(): the date falls back to rows/today
            ingest_date = None
        return cls.from_rows(list(index.products()), list(index.ingredients()), int(index.generation()), ingest_date)
