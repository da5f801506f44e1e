"""The simplest honest baseline (기준선): one BM25 document per article, Kiwi tokens, nothing else.

The records the project's own ingest made (article-split regulations, one record per finding) are ranked
by rank_bm25's Okapi BM25 over `assistant.text.korean.tokenize` of title + text; chunks of one article
(제5조①, 제5조②) count as that article. No synonyms, no fusion, no dense channel, no article boost:
what a careful engineer writes in 40 lines. The hybrid retriever has to beat this on the same split.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path


class ArticleBM25:
    def __init__(self, home: Path, kinds: set[str]):
        from rank_bm25 import BM25Okapi

        from assistant.retrieval.hit import article_of
        from assistant.text.korean import tokenize, tokenize_many

        with sqlite3.connect(Path(home) / "index.sqlite") as db:
            rows = db.execute("select kind, source, locator, title, text from records order by source, ordinal").fetchall()
        rows = [r for r in rows if r[0] in kinds]
        self.keys = [(src, article_of(loc) if kind == "regulation" else loc) for kind, src, loc, _, _ in rows]
        docs = [f"{title}\n{text}" if title and title not in text else text for _, _, _, title, text in rows]
        self.bm25 = BM25Okapi([t or [""] for t in tokenize_many(docs)])
        self._tokenize = tokenize

    def search(self, question: str, k: int = 10) -> list[tuple[str, str]]:
        scores = self.bm25.get_scores(self._tokenize(question))
        out: list[tuple[str, str]] = []
        for i in sorted(range(len(scores)), key=lambda j: -scores[j]):
            if self.keys[i] not in out:
                out.append(self.keys[i])
            if len(out) >= k:
                break
        return out
