"""Legal basis for a verdict (법적 근거), retrieved from the regulations in the store.

The searcher is injected (anything with `search(query, k, filters) -> hits` with source/locator/title/
text, i.e. `assistant.retrieval.Retriever`), and results are cached per basis type, so a label check
pays for retrieval once, not per photo. The cache belongs to one index generation: when regulations are
re-ingested (`Index.generation()` moves) the next check searches again, no restart needed. With no
regulations indexed the list is empty and `note` says why.

Each item names its article for people (`article`: "관세법(샘플) 제237조"), so a verdict can say which
article it rests on without opening the text.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, Protocol

QUERIES: dict[str, list[str]] = {
    # listed product: hold at customs (관세법 제237조) and the import block (수입식품안전관리 특별법 제25조의3)
    "product": ["관세법 제237조 통관의 보류 국민 보건 위해", "수입식품안전관리 특별법 제25조의3 위해식품 국내 반입 차단"],
    # blocked ingredient: the import block and its enforcement rule (시행규칙 제44조의3)
    "ingredient": ["수입식품안전관리 특별법 제25조의3 반입 차단 원료 성분", "시행규칙 제44조의3 반입차단 원료 성분",
                   "관세법 제237조 통관의 보류"],
    # the self-use limit (자가사용 인정기준: 건강기능식품 6병)
    "self_use": ["자가사용 인정기준 건강기능식품 6병"],
}
BASIS_QUERIES = {"product": ["product", "self_use"], "ingredient": ["ingredient", "self_use"],
                 "none": ["self_use"], "unreadable": []}
_ARTICLE_RE = re.compile(r"제\d+조(?:의\d+)?")
NO_REGULATIONS_NOTE = "규정이 색인되어 있지 않아 법적 근거를 표시할 수 없습니다 (python -m ingest로 규정 추가)"


class Searcher(Protocol):
    def search(self, query: str, k: int = 5, filters: Any = None) -> list[Any]: ...


def article_name(law: str, locator: str, title: str = "") -> str:
    """'관세법(샘플)', '제237조' -> '관세법(샘플) 제237조'; the title when it already names both."""
    locator = str(locator or "").strip()
    if law and locator:
        return f"{law} {locator}"
    m = _ARTICLE_RE.search(title or "")
    return (title[: m.end()] if m else title or locator).strip()


class LegalBasis:
    def __init__(self, searcher: Searcher | None, k: int = 3, max_chars: int = 300,
                 generation: Callable[[], Any] | None = None):
        """generation: the index generation (`Index.generation`); the cache is dropped when it moves."""
        self.searcher = searcher
        self.k = k
        self.max_chars = max_chars
        self.generation = generation
        self._cache: dict[str, list[dict]] = {}
        self._cache_gen: Any = None

    def _current(self) -> None:
        if self.generation is None:
            return
        try:
            gen = self.generation()
        except Exception:  # an index being rebuilt: keep what we have
            return
        if gen != self._cache_gen:
            self._cache = {}
            self._cache_gen = gen

    def _search(self, group: str) -> list[dict]:
        self._current()
        if group in self._cache:
            return self._cache[group]
        from assistant.retrieval.filters import Filters

        out: list[dict] = []
        for q in QUERIES[group]:
            try:
                hits = self.searcher.search(q, k=self.k, filters=Filters(kinds=["regulation"])) if self.searcher else []
            except Exception:  # an empty or unsynced index must not break the label check
                hits = []
            named = _ARTICLE_RE.findall(q)
            if named:  # the query names its article: keep that article, not neighbours that share words
                hits = [h for h in hits if any(str(h.locator).startswith(a) for a in named)] or hits[:1]
            for h in hits:
                text = str(getattr(h, "text", ""))
                meta = getattr(h, "metadata", None) or {}
                title = str(getattr(h, "title", "") or "")
                out.append({"source": h.source, "locator": h.locator, "title": title,
                            "text": text[: self.max_chars] + ("…" if len(text) > self.max_chars else ""),
                            "topic": group, "query": q,
                            "article": article_name(str(meta.get("law") or ""), str(h.locator), title)})
        self._cache[group] = out
        return out

    def warm(self) -> None:
        """Run every query once (loads the retriever), so the first label check is not the slow one."""
        self._current()
        for group in QUERIES:
            self._search(group)

    def for_basis(self, basis: str) -> tuple[list[dict], str | None]:
        """(legal_basis items, note) for a Decision.basis."""
        groups = BASIS_QUERIES.get(basis, [])
        if not groups:
            return [], None
        items: list[dict] = []
        seen: set[tuple[str, str]] = set()
        for g in groups:
            for item in self._search(g):
                key = (item["source"], item["locator"])
                if key not in seen:
                    seen.add(key)
                    items.append(item)
        return items, (None if items else NO_REGULATIONS_NOTE)
