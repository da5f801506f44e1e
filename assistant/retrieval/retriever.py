"""Hybrid retriever (하이브리드 검색): keyword (BM25 over Kiwi tokens) + dense channel, fused by weighted RRF.

One search:
1. analyse the query (`query.py`): tokens + synonyms, explicit articles ("94조"), laws named;
2. the Index's two channels, each with the filters applied inside (`settings.retrieval.candidates` each;
   the built-in hashed embedder's channel is down-weighted, see HASHED_DENSE_SCALE);
3. two small extra rankings over the same candidates, fused with the channels by weighted RRF:
   - article: records whose article is the one the query names (in the law it names, if any),
   - law: candidates from the law the query names;
4. chunks of one article (제5조①, 제5조②) are merged into one article-level hit;
5. optionally a cross-encoder reorders the head (`rerank.model`).

The role filter (officer → no findings) arrives in `filters` from the caller and is applied inside
both channels by the Index; results are checked against the filters once more as a safety net.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from assistant.retrieval.fusion import rrf
from assistant.retrieval.hit import Hit, article_of
from assistant.retrieval.query import LawNames, Query, analyze, load_lexicon
from assistant.text.normalize import CIRCLED

if TYPE_CHECKING:
    from assistant.records import Record
    from assistant.retrieval.filters import Filters
    from assistant.retrieval.rerank import Reranker
    from assistant.settings import Settings
    from assistant.store.index import Index

# Weights of the extra rankings, on the scale of settings.retrieval.weight_keyword/_dense (1.0).
WEIGHT_ARTICLE = 2.0  # the article the officer named outranks everything else
WEIGHT_LAW = 0.5
ARTICLE_CANDIDATES = 20
# The built-in hashed n-gram embedder matches spelling, not meaning. With the query vocabulary expansions it
# hurts at any weight that lets it reorder keyword hits (tuning split: regulations R@1 0.533 keyword-only vs
# 0.500 at 0.1×, findings 0.712 vs 0.671), so it is kept only as a tie-breaker and as the ranking of records the
# keyword channel does not return at all (misspellings, unknown words). A configured model gets full weight.
HASHED_DENSE_SCALE = 0.02

__all__ = ["Hit", "Retriever", "build_retriever"]


class Retriever:
    def __init__(self, index: Index, settings: Settings, reranker: Reranker | None = None):
        self.index = index
        self.settings = settings
        self.reranker = reranker
        self._laws: tuple[int, LawNames] | None = None

    # --- public -----------------------------------------------------------------------------
    def search(self, query: str, k: int | None = None, filters: Filters | None = None) -> list[Hit]:
        """Article-level hits, best first."""
        k = k or self.settings.retrieval.k
        if not query or not query.strip():
            return []
        q = self.analyze(query)
        fused, records = self._fused(q, filters, k)
        hits = self._merge(fused, records)
        if self.reranker is not None and hits:
            from assistant.retrieval.rerank import rerank

            hits = rerank(self.reranker, q.text, hits, max(k, self.settings.rerank.candidates))
        return hits[:k]

    def dense_weight(self) -> float:
        """settings.retrieval.weight_dense, scaled down for the built-in hashed embedder (see HASHED_DENSE_SCALE)."""
        w = self.settings.retrieval.weight_dense
        return w * HASHED_DENSE_SCALE if not self.settings.embedding.model else w

    def analyze(self, query: str) -> Query:
        return analyze(query, self._law_names())

    # --- steps ------------------------------------------------------------------------------
    def _law_names(self) -> LawNames:
        """The law names (regulation file names) of the index, rebuilt when the index changes."""
        gen = self.index.generation()
        cached = self._laws
        if cached is None or cached[0] != gen:
            sources = [row.source for row in self.index.sources() if row.kind == "regulation"]
            cached = (gen, LawNames(sources, load_lexicon().law_aliases))
            self._laws = cached
        return cached[1]

    def _fused(self, q: Query, filters: Filters | None, k: int) -> tuple[list[tuple[str, float]], dict[str, Record]]:
        cfg = self.settings.retrieval
        n = max(cfg.candidates, k)  # per channel, before fusion
        keyword = [i for i, _ in self.index.keyword_search(q.tokens, n, filters, q.weights)] if q.tokens else []
        w_dense = self.dense_weight()
        dense = [i for i, _ in self.index.vector_search(q.text, n, filters)] if w_dense > 0 else []
        named = self._named_articles(q, filters)
        ids = list(dict.fromkeys(keyword + dense + named))
        records = {r.id: r for r in self.index.get(ids)} if ids else {}
        if filters is not None:  # safety net: the channels already filtered
            records = {i: r for i, r in records.items() if filters.matches(r.kind, r.source, r.metadata)}
        keyword = [i for i in keyword if i in records]
        dense = [i for i in dense if i in records]
        base = rrf([keyword, dense], [cfg.weight_keyword, w_dense], cfg.rrf_k)
        base_order = [i for i, _ in base]
        laws = set(q.laws)
        article_rank = [
            i for i in named + base_order
            if i in records
            and records[i].kind == "regulation"
            and str(records[i].metadata.get("article") or article_of(records[i].locator)) in q.articles
            and (not laws or records[i].source in laws)
        ]
        law_rank = [i for i in base_order if records[i].source in laws] if laws else []
        fused = rrf(
            [keyword, dense, list(dict.fromkeys(article_rank)), law_rank],
            [cfg.weight_keyword, w_dense, WEIGHT_ARTICLE, WEIGHT_LAW],
            cfg.rrf_k,
        )
        return fused, records

    def _named_articles(self, q: Query, filters: Filters | None) -> list[str]:
        """Records holding the article tokens the query names, searched inside the named law when there is one
        (many records cite 제5조; the law's own 제5조 must not be crowded out)."""
        if not q.articles:
            return []
        scopes: list[Filters | None] = [filters]
        if q.laws and not (filters is not None and filters.source):
            from dataclasses import replace

            from assistant.retrieval.filters import Filters as _Filters

            scopes = [replace(filters or _Filters(), source=src) for src in q.laws]
        out: list[str] = []
        for scope in scopes:
            out.extend(i for i, _ in self.index.keyword_search(q.articles, ARTICLE_CANDIDATES, scope))
        return list(dict.fromkeys(out))

    @staticmethod
    def _merge(fused: list[tuple[str, float]], records: dict[str, Record]) -> list[Hit]:
        """One hit per article (regulations); other kinds one hit per record."""
        groups: dict[tuple[str, str, str], list[tuple[Record, float]]] = {}
        for rid, score in fused:
            rec = records.get(rid)
            if rec is None:
                continue
            key = (rec.kind, rec.source, article_of(rec.locator)) if rec.kind == "regulation" else (rec.kind, rid, "")
            groups.setdefault(key, []).append((rec, score))
        hits = [_hit(members) for members in groups.values()]
        hits.sort(key=lambda h: -h.score)
        return hits


def _paragraph_order(rec: Record) -> tuple[int, int]:
    para = str(rec.metadata.get("paragraph") or "")
    return (CIRCLED.get(para[:1], 0), rec.ordinal)


def _hit(members: list[tuple[Record, float]]) -> Hit:
    best, score = members[0]
    if len(members) == 1:
        return Hit(best.id, best.source, best.locator, best.title, best.kind, score, best.text,
                   dict(best.metadata), [best.id])
    chunks = sorted((rec for rec, _ in members), key=_paragraph_order)
    texts = []
    for i, rec in enumerate(chunks):
        text = rec.text
        if i and rec.title and text.startswith(rec.title):
            text = text[len(rec.title):].lstrip()
        texts.append(text)
    meta: dict[str, Any] = {k: v for k, v in best.metadata.items() if k != "paragraph"}
    meta["merged_locators"] = ", ".join(rec.locator for rec in chunks)
    return Hit(best.id, best.source, article_of(best.locator), best.title, best.kind, score, "\n".join(texts),
               meta, [rec.id for rec, _ in members])


def build_retriever(settings: Settings, index: Index | None = None) -> Retriever:
    """The retriever for a home: its Index (opened here unless given) and the configured reranker."""
    if index is None:
        from assistant.embed import build_embedder
        from assistant.store.index import Index

        index = Index(settings, build_embedder(settings))
    from assistant.retrieval.rerank import build_reranker

    return Retriever(index, settings, build_reranker(settings))
