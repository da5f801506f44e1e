"""Structured list rows (목록 표) derived from hazard-list / ingredient-list records, for the label checker.

`products` (위해식품: one row per product, barcodes split into `product_barcodes` for exact lookup) and
`ingredients` (반입차단 원료·성분) are written in the same transaction as the records they come from.
"""

from __future__ import annotations

import re
from typing import Any

from assistant.records import Record

PRODUCT_FIELDS = ("seq", "product", "manufacturer", "country", "ingredients", "barcode", "registered",
                  "updated", "valid_from", "valid_to", "image_url")
INGREDIENT_FIELDS = ("name_ko", "name_en", "other_names", "status", "designated", "released", "reason",
                     "release_reason", "category")
_BARCODE_SPLIT = re.compile(r"[^0-9]+")


def barcodes_of(value: Any) -> list[str]:
    """Digit runs of 8+ digits in a barcode field (BARCD_CTN may hold several).

    >>> barcodes_of("8801234567890, 0012345678905")
    ['8801234567890', '0012345678905']
    """
    if value is None:
        return []
    return [c for c in _BARCODE_SPLIT.split(str(value)) if len(c) >= 8]


def insert_structured(c: Any, key: str, records: list[Record]) -> None:
    """Rows of products / product_barcodes / ingredients for a file's list records (same transaction)."""
    prods: list[tuple] = []
    codes: list[tuple[str, str, str]] = []
    ingrs: list[tuple] = []
    for r in records:
        m = r.metadata
        if r.kind == "hazard-list":
            prods.append((r.id, key, r.source, *[_s(m.get(f)) for f in PRODUCT_FIELDS]))
            codes.extend((code, r.id, key) for code in barcodes_of(m.get("barcode")))
        elif r.kind == "ingredient-list":
            ingrs.append((r.id, key, r.source, *[_s(m.get(f)) for f in INGREDIENT_FIELDS]))
    if prods:
        c.executemany(f"INSERT INTO products VALUES ({','.join('?' * (3 + len(PRODUCT_FIELDS)))})", prods)
    if codes:
        c.executemany("INSERT INTO product_barcodes VALUES (?,?,?)", codes)
    if ingrs:
        c.executemany(f"INSERT INTO ingredients VALUES ({','.join('?' * (3 + len(INGREDIENT_FIELDS)))})", ingrs)


def _s(v: Any) -> str | None:
    return None if v is None else str(v)
