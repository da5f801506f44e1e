"""Filtered dense search (필터 적용 벡터 검색) that stays fast at 100k records.

Chroma's `where` clauses cost time in proportion to the records they match (30-80 ms at 10k on
this machine, ~10x that at 100k), while an unfiltered HNSW query costs 1-5 ms even for 1,000
neighbours. Vectors live in one collection per kind (see vectors.py), so a filter on kinds only (the officer
role, `--kind`) just searches the allowed kinds' collections, no `where`. Other filters:
1. estimate the allowed fraction p from the keyword snapshot's cached filter mask; when
   1.5*(k+10)/p neighbours are few enough (<= OVERSAMPLE_CAP), ask Chroma for that many unfiltered
   and keep the first k that pass `Filters.matches` on their SQLite rows (widening 4x, up to the
   cap, when the filter correlates with the query's topic and too few pass). The filtered top-k is by
   definition the first k allowed items of the unfiltered ranking, so when k survive this is the
   same answer as a filtered query, not a post-filter after truncation;
2. otherwise (a selective filter), score the allowed subset exactly: its vectors are fetched from
   Chroma once per (filter, generation) and cached (numpy, at most BRUTE_MAX rows, a few entries);
3. otherwise Chroma's own `where` (exact, slower).

Whatever the filter, a search whose allowed records number at most EXACT_MAX is scored exactly (path 2): HNSW is
approximate, and on the built-in hashed embedder's flat similarities (0.22-0.29 for most records) it drops true
neighbours, a different one in each process (the cause inside Chroma was not looked into). The
same question then got other results after a restart (two processes on the bench home of 1,036 records: 15 of 60
questions with another dense top 40, 2 with another final top 5; in one run a tuning question changed rank 1). At a
few thousand records the exact scores cost about a millisecond.
"""

from __future__ import annotations

import math
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING, Any

import numpy as np

from assistant.records import KINDS

if TYPE_CHECKING:
    from assistant.retrieval.filters import Filters
    from assistant.store.db import Database
    from assistant.store.keyword import KeywordIndex
    from assistant.store.vectors import VectorStore

OVERSAMPLE_CAP = 2000
BRUTE_MAX = 20000
EXACT_MAX = 5000  # allowed records up to this many: always scored exactly (deterministic, no ANN misses)
CACHE_ENTRIES = 4

Query = Callable[[Any, int, "dict[str, Any] | None", "list[str] | None"], "list[tuple[str, float]]"]
Fetch = Callable[[list[str], "list[str] | None"], "tuple[list[str], np.ndarray]"]


class FilteredDense:
    def __init__(self) -> None:
        self._subsets: OrderedDict[tuple, tuple[list[str], np.ndarray]] = OrderedDict()

    def clear(self) -> None:
        self._subsets.clear()

    def search(self, vec: np.ndarray, k: int, filters: Filters, query: Query, db: Database,
               kw: KeywordIndex | None, vs: VectorStore, fetch: Fetch | None = None) -> list[tuple[str, float]]:
        """`fetch(ids, kinds)` gives stored vectors (vs.embeddings when None); when it fails (another process is
        rewriting those records right now) the search falls back to the approximate paths below."""
        fetch = fetch or vs.embeddings
        kinds = filters.allowed_kinds(KINDS) if (filters.kinds or filters.exclude_kinds) else None
        mask = kw.mask(filters) if kw is not None and len(kw) else None
        if mask is None and kw is not None and len(kw) and filters.is_empty():
            mask = np.ones(len(kw), dtype=bool)
        if kw is not None and mask is not None and 0 < int(mask.sum()) <= EXACT_MAX:
            exact = self._exact(vec, k, filters, db, kw, vs.name, fetch, mask, kinds)
            if exact is not None:
                return exact
        if replace(filters, kinds=None, exclude_kinds=None).is_empty():
            # kinds only (role, --kind): the allowed kinds' collections answer, no `where` needed
            return self._passing(query(vec, k + 10, None, kinds), filters, db, k)
        p = 1.0
        if mask is not None and kw is not None:
            share = float(np.isin(kw.kinds, kinds).mean()) if kinds is not None else 1.0
            p = float(mask.mean()) / share if share else 0.0
            if p == 0.0:
                p = 1.0 / len(mask)  # the snapshot may lag behind: still look
        want = math.ceil(1.5 * (k + 10) / p)
        while want <= OVERSAMPLE_CAP:
            hits = query(vec, want, None, kinds)
            out = self._passing(hits, filters, db, k)
            if len(out) >= k or len(hits) < want:  # enough, or we saw the whole collection
                return out
            if want >= OVERSAMPLE_CAP:
                break
            # the query's neighbourhood is mostly filtered out (filter and topic correlate): widen
            want = min(want * 4, OVERSAMPLE_CAP)
        if kw is not None and mask is not None and int(mask.sum()) <= BRUTE_MAX:
            exact = self._exact(vec, k, filters, db, kw, vs.name, fetch, mask, kinds)
            if exact is not None:
                return exact
        hits = query(vec, k + 10, filters.where(), kinds)
        return self._passing(hits, filters, db, k)

    @staticmethod
    def _passing(hits: list[tuple[str, float]], filters: Filters, db: Database, k: int) -> list[tuple[str, float]]:
        if not hits:
            return []
        rows = db.filter_rows([h[0] for h in hits])
        return [h for h in hits if h[0] in rows and filters.matches(*rows[h[0]])][:k]

    def _exact(self, vec: np.ndarray, k: int, filters: Filters, db: Database, kw: KeywordIndex, store_name: str,
               fetch: Fetch, mask: np.ndarray, kinds: list[str] | None) -> list[tuple[str, float]] | None:
        """Exact cosine over the allowed records; None when their vectors cannot be fetched now."""
        key = (str(kw.directory), store_name, repr(filters))
        cached = self._subsets.get(key)
        if cached is None:
            ids = [kw.ids[i] for i in np.flatnonzero(mask)]
            try:
                cached = fetch(ids, kinds)
            except Exception as exc:
                if type(exc).__name__ == "ConfigError":
                    raise
                # Chroma's get() fails outright ("Error finding id") when a listed record is deleted mid-read
                return None
            self._subsets[key] = cached
            while len(self._subsets) > CACHE_ENTRIES:
                self._subsets.popitem(last=False)
        else:
            self._subsets.move_to_end(key)
        ids, matrix = cached
        if not ids:
            return []
        sims = matrix @ np.asarray(vec, dtype=np.float32)
        n = min(len(ids), k + 10)
        top = np.argpartition(-sims, n - 1)[:n] if n < len(ids) else np.arange(len(ids))
        top = top[np.argsort(-sims[top], kind="stable")]
        return self._passing([(ids[i], float(sims[i])) for i in top], filters, db, k)
