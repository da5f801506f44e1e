"""Hybrid retriever (하이브리드 검색): keyword (BM25 over Kiwi tokens) + dense channel, fused by weighted RRF.

One search:
1. analyse the query (`query.py`): tokens + synonyms, explicit articles ("94조"), laws named;
2. the Index's two channels, each with the filters applied inside (`settings.retrieval.candidates` each;
   the built-in hashed embedder's channel is down-weighted, see HASHED_DENSE_SCALE);
3. two small extra rankings over the same candidates, fused with the channels by weighted RRF:
   - article: records whose article is the one the query names (in the law it names, if any),
   - law: candidates from the law the query names;
4. chunks of one article (제5조①, 제5조②) are merged into one article-level hit;
5. optionally a reranker (a cross-encoder or a language model's query likelihood) reorders the head (`rerank.model`).

The role filter (officer → no findings) arrives in `filters` from the caller and is applied inside
both channels by the Index; results are checked against the filters once more as a safety net.
"""

from __future__ import annotations

import re
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
# keyword channel does not return at all (misspellings, unknown words). A packaged model gets its own scale
# (`PackagedModel.dense_scale`, chosen on the tuning split); any other configured model gets full weight.
HASHED_DENSE_SCALE = 0.02

__all__ = ["Hit", "Retriever", "build_retriever"]


def _everyday_admin_words(word: str) -> list[str]:
    """The administrative words an everyday word stands for: `lexicon.yaml` synonyms and `everyday_admin.yaml`."""
    from assistant.retrieval.vocabulary import load_vocabulary

    lex = load_lexicon().synonyms
    return [*lex.get(word, ()), *load_vocabulary().expand(word)]


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
            from assistant.retrieval.rerank import candidates, prior_weight, rerank

            hits = rerank(self.reranker, q.text, hits, max(k, candidates(self.reranker, self.settings)),
                          prior_weight(self.reranker, self.settings))
        return hits[:k]

    def dense_weight(self) -> float:
        """settings.retrieval.weight_dense, scaled for the built-in hashed embedder (HASHED_DENSE_SCALE) and for
        packaged models (their `dense_scale`)."""
        w = self.settings.retrieval.weight_dense
        model = self.settings.embedding.model
        if not model:
            return w * HASHED_DENSE_SCALE
        from assistant.embed.packaged import PACKAGED

        return w * PACKAGED[model].dense_scale if model in PACKAGED else w

    def analyze(self, query: str) -> Query:
        return analyze(query, self._law_names(), known=self._known)

    def _known(self, token: str) -> bool:
        return self.index.doc_freq(token) > 0

    # --- steps ------------------------------------------------------------------------------
    def _law_names(self) -> LawNames:
        """The law names (regulation file names) of the index, rebuilt when the index changes."""
        gen = self.index.generation()
        cached = self._laws
        if cached is None or cached[0] != gen:
            sources = [row.source for row in self.index.sources() if row.kind == "regulation"]
            cached = (gen, LawNames(sources, load_lexicon().law_aliases, expand=_everyday_admin_words))
            self._laws = cached
        return cached[1]

    def _fused(self, q: Query, filters: Filters | None, k: int) -> tuple[list[tuple[str, float]], dict[str, Record]]:
        cfg = self.settings.retrieval
        n = max(cfg.candidates, k)  # per channel, before fusion
        kw_hits = self.index.keyword_search(q.tokens, n, filters, q.weights) if q.tokens else []
        w_dense = self.dense_weight()
        dense = [i for i, _ in self.index.vector_search(q.text, n, filters)] if w_dense > 0 else []
        named = self._named_articles(q, filters)
        ids = list(dict.fromkeys([i for i, _ in kw_hits] + dense + named))
        records = {r.id: r for r in self.index.get(ids)} if ids else {}
        if filters is not None:  # safety net: the channels already filtered
            records = {i: r for i, r in records.items() if filters.matches(r.kind, r.source, r.metadata)}
        keyword = answer_type_order([(i, sc) for i, sc in kw_hits if i in records], records, q.text)
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
            [keyword, dense, list(dict.fromkeys(article_rank)), law_rank, finding_cue_rank(q.text, base_order, records)],
            [cfg.weight_keyword, w_dense, WEIGHT_ARTICLE, WEIGHT_LAW, WEIGHT_FINDING_CUES],
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


# Answer-type matching: a question asking for a period, an amount or a count is answered by an article that
# states one. Tuning split, regulations R@1: 0.595 without, 0.612 at 0.15, 0.620 at 0.3, 0.624 at 0.6 (R@5 0.872–0.876).
ANSWER_TYPE_BOOST = 0.3
PURPOSE_BOOST = 1.0
_ASKS: list[tuple[re.Pattern[str], re.Pattern[str], float]] = [
    (re.compile(r"며칠|몇\s*일|언제까지|몇\s*달|몇\s*개월|몇\s*년|기한|얼마\s*(?:동안|나|만에)|기간"),
     re.compile(r"\d+\s*(?:일|개월|월|년|시간)\s*(?:이내|안|전|후|까지|동안|이상|마다|간)?"), ANSWER_TYPE_BOOST),
    (re.compile(r"얼마(?!\s*(?:동안|나\s*(?:오래|자주)|만에))|금액|몇\s*(?:%|퍼센트|원|달러|만\s*원)|과태료|벌금|보증금"),
     re.compile(r"\d[\d,]*\s*(?:만\s*)?(?:원|달러|%|퍼센트|배)|분의\s*\d"), ANSWER_TYPE_BOOST),
    (re.compile(r"몇\s*(?:병|개|번|회|명|kg|킬로|리터|대|갑|점)"),
     re.compile(r"\d+\s*(?:병|개|회|명|킬로그램|kg|리터|대|갑|점)"), ANSWER_TYPE_BOOST),
    # what a regulation itself is for ("이 고시는 뭘 하려고 만든 거야?"): its purpose article (제1조(목적)). A
    # stronger lift, since only that article answers it (tuning split: 3 of 4 such questions missed it at 0.3; 0.6,
    # 1.0 and 2.0 all find the 4, regulations R@1 0.628 → 0.640, nothing else moved)
    (re.compile(r"(?:규정|고시|법|지침|훈령|규칙|제도)\S*\s.*(?:만든\s*(?:거|것|이유)|만들었|만들어진|목적이\s*뭐|목적은|취지)"),
     re.compile(r"\(목적\)|목적으로\s*한다"), PURPOSE_BOOST),
    # when a notice itself is reviewed ("몇 년마다 다시 손봐?"): its review-period article (재검토기한), which every
    # 고시 and 훈령 carries; only that article answers it
    (re.compile(r"몇\s*년\s*마다.*(?:다시|손보|손봐|검토|고치|고쳐|바꾸|바꿔|살펴)|재검토"),
     re.compile(r"재검토|타당성을\s*검토"), PURPOSE_BOOST),
]


def answer_type_order(hits: list[tuple[str, float]], records: dict[str, Record], question: str) -> list[str]:
    """Keyword hits reordered so that records holding the kind of answer asked for (a period for 며칠/언제까지,
    an amount for 얼마/과태료, a count for 몇 병, a purpose article for what a regulation is for) gain over
    records that cannot answer it."""
    wanted = [(ans, boost) for ask, ans, boost in _ASKS if ask.search(question) and boost > 0]
    if not wanted:
        return [i for i, _ in hits]
    scored = [(i, sc * (1 + max((boost for ans, boost in wanted if ans.search(records[i].text)), default=0.0)))
              for i, sc in hits]
    return [i for i, _ in sorted(scored, key=lambda x: -x[1])]


# Tuning split, findings R@1: 0.726 without, 0.794 at 0.5 and 1.0, 0.781 at 2.0 (regulations unchanged).
WEIGHT_FINDING_CUES = 1.0
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d\d)(?!\d)")


def finding_cue_rank(question: str, order: list[str], records: dict[str, Record]) -> list[str]:
    """Findings whose audit year (감사연도), office (감사대상 세관) or department the question names, most cues
    first, then in `order`: auditors often say "2024년 부산세관 …" without using the filters."""
    years = {int(y) for y in _YEAR.findall(question)}
    squashed = re.sub(r"\s+", "", question)
    scored = []
    for pos, i in enumerate(order):
        rec = records[i]
        if rec.kind != "finding":
            continue
        meta = rec.metadata
        cues = (meta.get("year") in years) + sum(
            1 for key in ("agency", "department") if len(str(meta.get(key) or "")) >= 2 and str(meta[key]) in squashed)
        if cues:
            scored.append((-cues, pos, i))
    return [i for _, _, i in sorted(scored)]


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
