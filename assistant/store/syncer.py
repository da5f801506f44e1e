"""Reconcile the derived indexes with SQLite (동기화): the step that makes a killed ingest recoverable.

Order, each step idempotent:
1. tokenizer changed → clear the token cache; tokenise records that have no tokens yet;
2. Chroma: diff ids of the current collection against SQLite (only when its stamp or count
   disagrees, or `force`): embed + add the missing, delete the orphans, then stamp the generation;
   collections of other embedder signatures are dropped (never mixed);
3. BM25: rebuild from the token cache when its snapshot's generation/tokenizer differs, published
   atomically.
A SIGKILL between any two steps leaves a stale stamp, so the next sync redoes that step.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np

from assistant.store.keyword import KeywordIndex
from assistant.store.vectors import kind_slug

if TYPE_CHECKING:
    from assistant.store.index import Index

TOKEN_BATCH = 1000
EMBED_BATCH = 256
ADD_BATCH = 2048  # vectors per Chroma call (fewer, larger writes)


def vector_metadata(kind: str, source: str, meta: dict[str, Any]) -> dict[str, Any]:
    """Record metadata + kind + source, scalars only (what `Filters.where()` filters on)."""
    out = {k: v for k, v in meta.items() if isinstance(v, (str, int, float, bool))}
    out["kind"] = kind
    out["source"] = source
    return out


def sync(index: Index, progress: Callable[[int, int], None] | None = None, force: bool = False) -> dict:
    from assistant.store.index import doc_text

    db = index.db
    report: dict[str, Any] = {"tokenized": 0, "embedded": 0, "vectors_deleted": 0, "bm25_rebuilt": False,
                              "collections_dropped": []}
    tok = index.tokenizer
    if db.meta("tokenizer") != tok.signature:
        db.clear_tokens()
        db.set_meta("tokenizer", tok.signature)
    gen = db.generation()
    need_tokens = db.ids_without_tokens()

    vs = index.vectors()
    stamp_key = index.vector_stamp_key()
    to_embed: list[str] = []
    misplaced: dict[str, list[str]] = {}  # kind collection -> ids to delete there (orphans, wrong kind)
    n_records = sum(db.counts().values())
    if force or db.meta(stamp_key) != str(gen) or vs.count() != n_records:
        kind_of = db.kinds_by_id()
        placed: set[str] = set()
        for slug, ids in vs.ids_by_kind().items():
            for rid in ids:
                kind = kind_of.get(rid)
                if kind is not None and kind_slug(kind) == slug and rid not in placed:
                    placed.add(rid)
                else:
                    misplaced.setdefault(slug, []).append(rid)
        to_embed = [rid for rid in kind_of if rid not in placed]
    total = len(need_tokens) + len(to_embed)
    done = 0
    if progress:
        progress(0, total)

    for i in range(0, len(need_tokens), TOKEN_BATCH):
        batch = need_tokens[i : i + TOKEN_BATCH]
        texts = db.texts(batch)
        alive = [rid for rid in batch if rid in texts]
        toks = tok.tokenize_many([doc_text(texts[r][2], texts[r][3]) for r in alive])
        db.put_tokens(list(zip(alive, toks, strict=True)))
        report["tokenized"] += len(alive)
        done += len(batch)
        if progress:
            progress(done, total)

    emb = index.embedder
    pending: list[tuple[list[str], Any, list[dict[str, Any]]]] = []

    def flush() -> None:
        if pending:
            ids = [i for p in pending for i in p[0]]
            vecs = np.concatenate([p[1] for p in pending])
            vs.add(ids, vecs, [m for p in pending for m in p[2]])
            pending.clear()

    for i in range(0, len(to_embed), EMBED_BATCH):
        batch = to_embed[i : i + EMBED_BATCH]
        texts = db.texts(batch)
        alive = [rid for rid in batch if rid in texts]
        if alive:
            vecs = np.asarray(emb.embed_documents([doc_text(texts[r][2], texts[r][3]) for r in alive]),
                              dtype=np.float32)
            pending.append((alive, vecs, [vector_metadata(texts[r][0], texts[r][1], texts[r][4]) for r in alive]))
            report["embedded"] += len(alive)
            if sum(len(p[0]) for p in pending) >= ADD_BATCH:
                flush()
        done += len(batch)
        if progress:
            progress(done, total)
    flush()
    for slug, ids in misplaced.items():
        vs.delete_from(slug, ids)
        report["vectors_deleted"] += len(ids)
    db.set_meta(stamp_key, str(gen))
    for name in vs.other_collections():
        vs.drop(name)
        report["collections_dropped"].append(name)

    stamp = KeywordIndex.read_stamp(index.bm25_root)
    if force or stamp is None or stamp.get("generation") != db.generation() or stamp.get("tokenizer") != tok.signature:
        snap_gen, ids, maybe_tokens, kinds, sources, metas = db.corpus_tokens()
        if any(t is None for t in maybe_tokens):  # a writer added records meanwhile: build, but stay stale
            snap_gen = -1
        tokens = [t or [] for t in maybe_tokens]
        KeywordIndex.build(index.bm25_root, snap_gen, ids, tokens, kinds, sources, metas, tok.signature)
        report["bm25_rebuilt"] = True
    report["generation"] = db.generation()
    report["records"] = n_records
    return report
