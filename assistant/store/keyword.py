"""Keyword channel (키워드 검색): bm25s over Korean tokens, persisted under `<home>/bm25/`.

Layout: `<home>/bm25/CURRENT` names the live snapshot directory (`g<generation>-<rand>/`), which holds
the bm25s arrays, `docs.json` (ids, kinds, sources, metadata in index order) and `stamp.json`
(the SQLite generation it was built from). A rebuild writes a new directory, then atomically
replaces CURRENT (write temp + os.replace), then removes older snapshots; a crash at any point
leaves the previous snapshot live.

Filters run inside the channel: scores for ALL documents, times a boolean mask computed from the
cached per-document (kind, source, metadata) arrays, then top-k. Masks are cached per filter value.
"""

from __future__ import annotations

import json
import os
import shutil
import uuid
from collections import OrderedDict
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from assistant.retrieval.filters import Filters

class KeywordIndex:
    """One loaded BM25 snapshot (immutable once loaded)."""

    def __init__(self, directory: Path, retriever: Any, docs: dict[str, Any], generation: int):
        self.directory = directory
        self.retriever = retriever
        self.ids: list[str] = docs["ids"]
        self.kinds = np.array(docs["kinds"], dtype=object)
        self.sources = np.array(docs["sources"], dtype=object)
        self.metas: list[dict[str, Any]] = docs["metas"]
        self.generation = generation
        self._masks: OrderedDict[str, np.ndarray] = OrderedDict()

    def __len__(self) -> int:
        return len(self.ids)

    # build / load -------------------------------------------------------------------------
    @staticmethod
    def build(root: Path, generation: int, ids: list[str], tokens: list[list[str]], kinds: list[str],
              sources: list[str], metas: list[dict[str, Any]], tokenizer: str) -> Path:
        """Write a new snapshot and make it current; returns its directory."""
        import bm25s

        root.mkdir(parents=True, exist_ok=True)
        directory = root / f"g{generation}-{uuid.uuid4().hex[:8]}"
        tmp = root / f".tmp-{directory.name}"
        tmp.mkdir()
        if ids:
            retriever = bm25s.BM25(backend="numpy")
            # an empty document still needs a token for bm25s; "" is its reserved empty token
            retriever.index([t if t else [""] for t in tokens], show_progress=False)
            retriever.save(str(tmp), show_progress=False)
        docs = {"ids": ids, "kinds": kinds, "sources": sources, "metas": metas}
        (tmp / "docs.json").write_text(json.dumps(docs, ensure_ascii=False), encoding="utf-8")
        stamp = {"generation": generation, "count": len(ids), "tokenizer": tokenizer}
        (tmp / "stamp.json").write_text(json.dumps(stamp), encoding="utf-8")
        _fsync_dir(tmp)
        os.rename(tmp, directory)
        pointer = root / f".CURRENT-{uuid.uuid4().hex[:8]}"
        pointer.write_text(directory.name, encoding="utf-8")
        os.replace(pointer, root / "CURRENT")
        _fsync_dir(root)
        for old in root.iterdir():  # older snapshots, half-written ones, stale pointer temp files
            if old.name not in (directory.name, "CURRENT"):
                shutil.rmtree(old, ignore_errors=True) if old.is_dir() else old.unlink(missing_ok=True)
        return directory

    @staticmethod
    def current_dir(root: Path) -> Path | None:
        try:
            name = (root / "CURRENT").read_text(encoding="utf-8").strip()
        except OSError:
            return None
        d = root / name
        return d if name and d.is_dir() else None

    @staticmethod
    def read_stamp(root: Path) -> dict[str, Any] | None:
        d = KeywordIndex.current_dir(root)
        if d is None:
            return None
        try:
            return json.loads((d / "stamp.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None

    @classmethod
    def load(cls, root: Path) -> KeywordIndex | None:
        """The current snapshot; retried when a writer swapped and removed it while we were reading."""
        for attempt in range(5):
            d = cls.current_dir(root)
            if d is None:
                return None
            try:
                return cls._load_dir(d)
            except FileNotFoundError:
                if attempt == 4 or cls.current_dir(root) == d:
                    raise
        return None

    @classmethod
    def _load_dir(cls, d: Path) -> KeywordIndex:
        import bm25s

        stamp = json.loads((d / "stamp.json").read_text(encoding="utf-8"))
        docs = json.loads((d / "docs.json").read_text(encoding="utf-8"))
        retriever = bm25s.BM25.load(str(d), show_progress=False) if docs["ids"] else None
        return cls(d, retriever, docs, int(stamp["generation"]))

    # search -------------------------------------------------------------------------------
    def mask(self, filters: Filters | None) -> np.ndarray | None:
        if filters is None or filters.is_empty():
            return None
        key = repr(filters)
        cached = self._masks.get(key)
        if cached is not None:
            self._masks.move_to_end(key)
            return cached
        m = np.ones(len(self.ids), dtype=bool)
        if filters.kinds:
            m &= np.isin(self.kinds, list(filters.kinds))
        if filters.exclude_kinds:
            m &= ~np.isin(self.kinds, list(filters.exclude_kinds))
        if filters.source:
            m &= self.sources == filters.source
        needs_meta = (filters.year_from is not None or filters.year_to is not None or filters.disposition
                      or filters.country or filters.office or filters.extra)
        if needs_meta:
            for i in np.flatnonzero(m):
                if not filters.matches(self.kinds[i], self.sources[i], self.metas[i]):
                    m[i] = False
        self._masks[key] = m
        while len(self._masks) > 32:
            self._masks.popitem(last=False)
        return m

    def search(self, tokens: list[str], k: int, filters: Filters | None = None,
               weights: list[float] | None = None) -> list[tuple[str, float]]:
        """Top-k (id, score) among documents passing the filters; zero scores are not hits.

        `weights` (one per token) scale each token's BM25 contribution: query expansions count less than
        the words the officer typed. None: every token weighs 1.
        """
        if self.retriever is None or k <= 0:
            return []
        scores = self.scores(tokens, weights)
        if scores is None:
            return []
        m = self.mask(filters)
        if m is not None:
            scores = np.where(m, scores, 0.0)
        n = int(min(k, len(scores)))
        top = np.argpartition(-scores, n - 1)[:n] if n < len(scores) else np.arange(len(scores))
        top = top[np.argsort(-scores[top], kind="stable")]
        return [(self.ids[i], float(scores[i])) for i in top if scores[i] > 0]

    def doc_freq(self, token: str) -> int:
        """In how many documents the token occurs (0 when unknown)."""
        if self.retriever is None:
            return 0
        i = self.retriever.vocab_dict.get(token)
        if i is None:
            return 0
        indptr = self.retriever.scores["indptr"]
        return int(indptr[i + 1] - indptr[i])

    def scores(self, tokens: list[str], weights: list[float] | None = None) -> np.ndarray | None:
        """BM25 score of every document (index order) for the weighted query; None when no token is known."""
        if self.retriever is None:
            return None
        if weights is None:
            weights = [1.0] * len(tokens)
        groups: dict[float, list[str]] = {}
        for tok, w in zip(tokens, weights, strict=True):
            if tok and w > 0:
                groups.setdefault(float(w), []).append(tok)
        total: np.ndarray | None = None
        for w, toks in groups.items():
            qids = self.retriever.get_tokens_ids(toks)
            if not qids:
                continue
            part = self.retriever.get_scores_from_ids(qids)
            part = part if w == 1.0 else part * w
            total = part if total is None else total + part
        return total


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
