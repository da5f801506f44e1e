"""The index facade (색인): SQLite truth + derived BM25 and Chroma, reconciled by `sync()`.

Writers (`python -m ingest`) hold `lock()`, call `sync()` first (repairs whatever a killed run left),
then `replace_source()` per file (one SQLite transaction each) and `sync()` again at the end.
Readers (app, CLI search) call `keyword_search()` / `vector_search()`: results are only ids that
exist in SQLite *now*, so a query during an ingest sees the old or the new state of a file, never
a mix; derived indexes are reloaded when another process moved the generation.

>>> from assistant.settings import Settings
>>> # idx = Index(Settings(home=Path("/tmp/h"))); idx.replace_source(row, records); idx.sync()
"""

from __future__ import annotations

import shutil
import threading
import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from assistant.records import KINDS, Record
from assistant.store.db import Database, SourceRow
from assistant.store.dense import EXACT_MAX, FilteredDense
from assistant.store.keyword import KeywordIndex
from assistant.store.lock import FileLock
from assistant.store.tokens import Tokenizer, resolve_tokenizer

if TYPE_CHECKING:
    from assistant.embed import Embedder
    from assistant.retrieval.filters import Filters
    from assistant.settings import Settings
    from assistant.store.vectors import VectorStore

_T = TypeVar("_T")

__all__ = ["Index", "SourceRow"]

Progress = Callable[[int, int], None]


def doc_text(title: str, text: str) -> str:
    """What both channels index: the title carries the law and article names."""
    return f"{title}\n{text}" if title and title not in text else text


class Index:
    def __init__(self, settings: Settings, embedder: Embedder | None = None, tokenizer: Tokenizer | None = None,
                 auto_sync: bool = True):
        self.settings = settings
        self.home = Path(settings.home)
        self.home.mkdir(parents=True, exist_ok=True)
        self.db = Database(self.home / "index.sqlite")
        self.bm25_root = self.home / "bm25"
        self.auto_sync = auto_sync  # a query on a stale index syncs first when no ingest holds the lock
        self._embedder = embedder
        self._tokenizer = tokenizer
        self._lock = FileLock(self.home / "ingest.lock")
        self._mutex = threading.RLock()
        self._kw: KeywordIndex | None = None
        self._vs: VectorStore | None = None
        self._index_id: str | None = None
        self._dense = FilteredDense()
        self._seen: tuple | None = None  # (generation, vector stamp, BM25 snapshot) last served

    # parts, lazily ---------------------------------------------------------------------------
    @property
    def embedder(self) -> Embedder:
        if self._embedder is None:
            from assistant.embed import build_embedder

            self._embedder = build_embedder(self.settings)
        return self._embedder

    @property
    def tokenizer(self) -> Tokenizer:
        if self._tokenizer is None:
            self._tokenizer = resolve_tokenizer()
        return self._tokenizer

    def embedder_signature(self) -> str:
        return self.embedder.signature

    def vectors(self, reopen: bool = False) -> VectorStore:
        """The Chroma collection for the current embedder (a corrupt local store is moved aside).

        `reopen`: drop this process's cached Chroma state, e.g. after another process wrote vectors
        (a local PersistentClient does not see another process's writes otherwise).
        """
        with self._mutex:
            if self._vs is None or reopen:
                from assistant.store.vectors import VectorStore, forget_local_client

                url = self.settings.store.chroma_url
                if reopen and not url:
                    forget_local_client(self.home)
                try:
                    self._vs = VectorStore(self.home, self.embedder_signature(), url, self.db.index_id())
                except Exception as exc:
                    if url or type(exc).__name__ == "ConfigError":
                        raise
                    self._reset_local_chroma()
                    self._vs = VectorStore(self.home, self.embedder_signature(), None, self.db.index_id())
            return self._vs

    def _reset_local_chroma(self) -> None:
        import chromadb

        broken = self.home / f"chroma.broken-{time.strftime('%Y%m%d-%H%M%S')}"
        if (self.home / "chroma").exists():
            shutil.move(str(self.home / "chroma"), str(broken))
        chromadb.api.client.SharedSystemClient.clear_system_cache()
        self.db.set_meta("chroma_reset", str(broken))

    # writing ---------------------------------------------------------------------------------
    def lock(self, wait_s: float = 0) -> AbstractContextManager[Any]:
        """Exclusive ingest lock; raises IndexBusy (Korean message) after wait_s seconds."""
        self._lock.acquire(wait_s)
        return self._lock

    def source(self, key: str) -> SourceRow | None:
        return self.db.source(key)

    def sources(self) -> list[SourceRow]:
        return self.db.sources()

    def replace_source(self, row: SourceRow, records: list[Record]) -> int:
        """Replace a file's records in one transaction; 0 (nothing written) when sha, kind and embedder are unchanged.

        Records are stored as given (their `id` is kept); `row.key` ties them to the file for deletion.
        """
        from dataclasses import replace

        signature = self.embedder_signature()
        old = self.db.source(row.key)
        if (old is not None and row.sha256 and old.sha256 == row.sha256 and old.embedder == signature
                and old.kind == row.kind):
            return 0
        return self.db.replace_source(replace(row, embedder=signature), records)

    def remove_source(self, key: str) -> int:
        return self.db.remove_source(key)

    def generation(self) -> int:
        return self.db.generation()

    def counts(self) -> dict[str, int]:
        got = self.db.counts()
        return {k: got.get(k, 0) for k in (*KINDS, *sorted(set(got) - set(KINDS)))}

    def get(self, ids: list[str]) -> list[Record]:
        return self.db.get(ids)

    def products(self) -> list[dict]:
        return self.db.products()

    def products_by_barcode(self, barcode: str) -> list[dict]:
        return self.db.products_by_barcode(barcode)

    def ingredients(self) -> list[dict]:
        return self.db.ingredients()

    def disk_usage(self) -> dict[str, int]:
        """Bytes on disk per part (for `assistant status`)."""
        def size(p: Path) -> int:
            if p.is_file():
                return p.stat().st_size
            return sum(f.stat().st_size for f in p.rglob("*") if f.is_file()) if p.is_dir() else 0

        sqlite = sum(size(self.home / n) for n in ("index.sqlite", "index.sqlite-wal", "index.sqlite-shm"))
        return {"sqlite": sqlite, "bm25": size(self.bm25_root), "chroma": size(self.home / "chroma")}

    # reconciling -----------------------------------------------------------------------------
    def sync(self, progress: Progress | None = None, force: bool = False, wait_s: float = 60.0) -> dict:
        """Make BM25 and Chroma agree with SQLite (tokenise/embed only what is missing)."""
        from assistant.store.syncer import sync

        with self.lock(wait_s), self._mutex:
            report = sync(self, progress=progress, force=force)
            self._kw = None  # reload BM25 on next query; our own Chroma client already sees our writes
            self._seen = self._state()
            return report

    def is_stale(self) -> bool:
        """True when BM25 or Chroma was built from another generation (or tokenizer) than SQLite's."""
        gen = self.db.generation()
        stamp = KeywordIndex.read_stamp(self.bm25_root)
        if stamp is None:
            return gen > 0
        if stamp.get("generation") != gen or stamp.get("tokenizer") != self.tokenizer.signature:
            return True
        return self.db.meta(self.vector_stamp_key()) != str(gen)

    def vector_stamp_key(self) -> str:
        from assistant.store.vectors import collection_name

        where = self.settings.store.chroma_url or "local"
        if self._index_id is None:
            self._index_id = self.db.index_id()
        return f"chroma:{where}:{collection_name(self.embedder_signature(), self._index_id)}"

    def _state(self) -> tuple:
        return (self.db.generation(), self.db.meta(self.vector_stamp_key()),
                KeywordIndex.current_dir(self.bm25_root))

    def _refresh(self) -> None:
        """Reload derived indexes another process changed; sync first if stale and nobody holds the lock."""
        state = self._state()
        if state == self._seen and self._kw is not None:
            return
        with self._mutex:
            if self.auto_sync and self.is_stale():
                from assistant.errors import IndexBusy

                try:
                    self.sync(wait_s=0)
                except IndexBusy:
                    pass  # an ingest is running: serve the last snapshot, filtered by what SQLite holds
            seen, state = self._seen, self._state()
            if self._kw is None or self._kw.directory != state[2]:
                self._kw = KeywordIndex.load(self.bm25_root)
            if self._vs is not None and seen is not None and seen[1] != state[1]:
                self.vectors(reopen=True)  # another process wrote vectors
            self._seen = state

    # the two channels ------------------------------------------------------------------------
    def keyword_search(self, tokens: list[str], k: int, filters: Filters | None = None,
                       weights: list[float] | None = None) -> list[tuple[str, float]]:
        self._refresh()
        kw = self._kw
        if kw is None or k <= 0:
            return []
        hits = kw.search(tokens, k + max(10, k), filters, weights)
        return self._existing(hits, k)

    def doc_freq(self, token: str) -> int:
        """Keyword-channel document frequency of a token (0: no indexed record has it)."""
        self._refresh()
        return self._kw.doc_freq(token) if self._kw is not None else 0

    def keyword_size(self) -> int:
        self._refresh()
        return len(self._kw) if self._kw is not None else 0

    def vector_search(self, query: str, k: int, filters: Filters | None = None) -> list[tuple[str, float]]:
        self._refresh()
        if k <= 0:
            return []
        vec = self.embedder.embed_query(query)
        if filters is None or filters.is_empty():
            if self._kw is None or len(self._kw) > EXACT_MAX:
                return self._existing(self._chroma_query(vec, k + 10, None), k)
            from assistant.retrieval.filters import Filters as _Filters

            filters = _Filters()  # a small index: scored exactly (dense.py)
        return self._dense.search(vec, k, filters, self._chroma_query, self.db, self._kw, self.vectors(),
                                  self._chroma_embeddings)

    def _chroma_query(self, vec: Any, n: int, where: dict | None, kinds: list[str] | None = None
                      ) -> list[tuple[str, float]]:
        return self._chroma(lambda vs: vs.query(vec, n, where, kinds))

    def _chroma_embeddings(self, ids: list[str], kinds: list[str] | None) -> tuple[list[str], Any]:
        return self._chroma(lambda vs: vs.embeddings(ids, kinds))

    def _chroma(self, call: Callable[[VectorStore], _T]) -> _T:
        try:
            return call(self.vectors())
        except Exception as exc:
            if type(exc).__name__ == "ConfigError":
                raise
            # another process is writing the local store right now: reopen and ask once more
            return call(self.vectors(reopen=True))

    def _existing(self, hits: list[tuple[str, float]], k: int) -> list[tuple[str, float]]:
        if not hits:
            return []
        alive = self.db.existing([h[0] for h in hits])
        return [h for h in hits if h[0] in alive][:k]

    # doctor ------------------------------------------------------------------------------------
    def check(self) -> dict:
        from assistant.store.consistency import check

        return check(self)

    def repair(self, progress: Progress | None = None) -> dict:
        from assistant.store.consistency import repair

        return repair(self, progress=progress)

    def close(self) -> None:
        self.db.close()
