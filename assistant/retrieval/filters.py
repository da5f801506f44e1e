"""Filters applied *inside* both retrieval channels (never after truncation).

The same Filters object becomes a Chroma `where` clause for the dense channel and a
predicate over record metadata for the keyword channel's candidate mask. Role enforcement
uses it too: an `officer` gets `exclude_kinds=["finding"]` (감사 사례 비공개) from the caller.

>>> f = Filters(kinds=["finding"], year_from=2021, disposition="주의")
>>> f.matches("finding", "a.csv", {"year": 2022, "disposition": "주의"})
True
>>> f.matches("finding", "a.csv", {"year": 2019, "disposition": "주의"})
False
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

ROLE_HIDDEN_KINDS = {"officer": ["finding"], "auditor": [], "admin": []}


@dataclass(frozen=True)
class Filters:
    kinds: list[str] | None = None  # only these kinds
    exclude_kinds: list[str] | None = None  # never these kinds (role enforcement)
    source: str | None = None  # file name
    year_from: int | None = None  # findings: 감사연도
    year_to: int | None = None
    disposition: str | None = None  # findings: 처분
    country: str | None = None  # hazard list: 제조국
    office: str | None = None  # findings: 감사대상 — the full "인천공항세관 화물관리과" or the office alone (agency)
    extra: dict[str, Any] = field(default_factory=dict)  # exact-match metadata equality, e.g. {"law": "관세법(샘플)"}

    @staticmethod
    def for_role(role: str | None, base: Filters | None = None) -> Filters:
        """Add the kinds a role may not see; unknown roles see least (officer)."""
        hidden = ROLE_HIDDEN_KINDS.get(role or "admin", ROLE_HIDDEN_KINDS["officer"])
        base = base or Filters()
        if not hidden:
            return base
        merged = sorted(set(base.exclude_kinds or []) | set(hidden))
        return replace(base, exclude_kinds=merged)

    def allowed_kinds(self, all_kinds: tuple[str, ...] | list[str]) -> list[str]:
        kinds = list(self.kinds) if self.kinds else list(all_kinds)
        return [k for k in kinds if k not in (self.exclude_kinds or [])]

    def is_empty(self) -> bool:
        return self == Filters()

    def matches(self, kind: str, source: str, meta: dict[str, Any]) -> bool:
        """Predicate over one record (keyword channel)."""
        if self.kinds and kind not in self.kinds:
            return False
        if self.exclude_kinds and kind in self.exclude_kinds:
            return False
        if self.source and source != self.source:
            return False
        if self.year_from is not None or self.year_to is not None:
            year = meta.get("year")
            if not isinstance(year, int):
                return False
            if self.year_from is not None and year < self.year_from:
                return False
            if self.year_to is not None and year > self.year_to:
                return False
        if self.disposition and meta.get("disposition") != self.disposition:
            return False
        if self.country and meta.get("country") != self.country:
            return False
        if self.office and self.office not in (meta.get("office"), meta.get("agency")):
            return False
        return all(meta.get(k) == v for k, v in self.extra.items())

    def where(self) -> dict[str, Any] | None:
        """Chroma `where` clause (records carry `kind` and `source` in their Chroma metadata)."""
        clauses: list[dict[str, Any]] = []
        if self.kinds:
            clauses.append({"kind": {"$in": list(self.kinds)}})
        if self.exclude_kinds:
            clauses.append({"kind": {"$nin": list(self.exclude_kinds)}})
        if self.source:
            clauses.append({"source": self.source})
        if self.year_from is not None:
            clauses.append({"year": {"$gte": self.year_from}})
        if self.year_to is not None:
            clauses.append({"year": {"$lte": self.year_to}})
        if self.disposition:
            clauses.append({"disposition": self.disposition})
        if self.country:
            clauses.append({"country": self.country})
        if self.office:
            clauses.append({"$or": [{"office": self.office}, {"agency": self.office}]})
        clauses.extend({k: v} for k, v in self.extra.items())
        if not clauses:
            return None
        return clauses[0] if len(clauses) == 1 else {"$and": clauses}
