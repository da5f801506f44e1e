"""Dense channel store (벡터 저장소): Chroma, local (`<home>/chroma/`) or a `chroma run` server.

Collection names carry the home id and the embedder signature (`rec-<home id>-<signature>.<kind>`), so vectors of two
embedders never mix; a changed signature means a new collection (re-embedded by sync) and the
old one dropped. Embeddings are always passed in: no Chroma embedding function is ever attached
(the default one would try to download a model). Telemetry is off.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from assistant.errors import ConfigError

PREFIX = "rec-"


def collection_name(signature: str, index_id: str = "") -> str:
    """Chroma-legal name: 3-512 chars of [a-zA-Z0-9._-], alphanumeric at both ends.

    `index_id` (random, per home) keeps two homes apart on one Chroma server.

    >>> collection_name("hashed-ngram-v1-d512", "ab12cd34")
    'rec-ab12cd34-hashed-ngram-v1-d512'
    """
    clean = re.sub(r"[^a-zA-Z0-9._-]+", "-", signature).strip("-._")
    if len(clean) > 80 or clean != signature:
        clean = clean[:60].strip("-._") + "-" + hashlib.sha256(signature.encode()).hexdigest()[:12]
    return f"{PREFIX}{index_id}-{clean}" if index_id else PREFIX + clean


def _client(home: Path, url: str | None) -> Any:
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    settings = ChromaSettings(anonymized_telemetry=False, allow_reset=False)
    if url:
        parsed = urlparse(url)
        if parsed.scheme not in ("http", "https") or not parsed.hostname:
            raise ConfigError(
                f"store.chroma_url 형식이 잘못되었습니다: '{url}' (예: http://127.0.0.1:8000)",
                f"store.chroma_url is not a valid URL: '{url}' (e.g. http://127.0.0.1:8000)",
            )
        try:
            return chromadb.HttpClient(
                host=parsed.hostname,
                port=parsed.port or (443 if parsed.scheme == "https" else 8000),
                ssl=parsed.scheme == "https",
                settings=settings,
            )
        except Exception as exc:
            raise ConfigError(
                f"Chroma 서버에 연결할 수 없습니다: {url} ({exc})", f"Cannot reach the Chroma server at {url}: {exc}"
            ) from exc
    path = home / "chroma"
    path.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(path), settings=settings)


def forget_local_client(home: Path) -> None:
    """Make the next PersistentClient for this home read the disk afresh.

    Chroma shares one in-memory "system" per path inside a process and never notices another
    process's writes; dropping it from the cache (not stopping it: other objects may still use it)
    gives the next client a fresh view.
    """
    from chromadb.api.shared_system_client import SharedSystemClient

    ident = str(home / "chroma")
    SharedSystemClient._identifier_to_system.pop(ident, None)
    SharedSystemClient._identifier_to_refcount.pop(ident, None)


def kind_slug(kind: str) -> str:
    return re.sub(r"[^a-zA-Z0-9-]+", "-", kind).strip("-") or "other"


class VectorStore:
    """The vectors of one embedder signature, one Chroma collection per record kind.

    Partitioning by kind makes the most common filters (the officer role's "no findings", `--kind`)
    exact and fast: only the allowed kinds' collections are searched, no `where` clause needed.
    Collections are named `<name>.<kind>` (`name` = `rec-<home id>-<signature>`).
    """

    def __init__(self, home: Path, signature: str, url: str | None = None, index_id: str = ""):
        self.home = Path(home)
        self.url = url
        self.signature = signature
        self.index_id = index_id
        self.name = collection_name(signature, index_id)
        self.client = _client(self.home, url)
        self._collections: dict[str, Any] = {}
        for name in self._existing_names():
            if name.startswith(self.name + "."):
                self._collection(name[len(self.name) + 1 :])
        try:
            self.batch = max(1, min(int(self.client.get_max_batch_size()), 4000))
        except Exception:
            self.batch = 1000

    def _existing_names(self) -> list[str]:
        return [getattr(c, "name", c) for c in self.client.list_collections()]

    def _collection(self, kind: str) -> Any:
        slug = kind_slug(kind)
        col = self._collections.get(slug)
        if col is None:
            col = self.client.get_or_create_collection(
                f"{self.name}.{slug}",
                configuration={"hnsw": {"space": "cosine"}},
                metadata={"signature": self.signature[:500], "kind": kind, "owner": "customs-assistant"},
                embedding_function=None,
            )
            self._collections[slug] = col
        return col

    @property
    def location(self) -> str:
        return self.url or str(self.home / "chroma")

    @property
    def kinds(self) -> list[str]:
        return sorted(self._collections)

    def count(self) -> int:
        return sum(int(c.count()) for c in self._collections.values())

    def ids(self) -> list[str]:
        """All ids across the kind collections (an id in two collections appears twice)."""
        return [i for ids in self.ids_by_kind().values() for i in ids]

    def ids_by_kind(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        page = 20000
        for slug, col in self._collections.items():
            ids = out.setdefault(slug, [])
            offset = 0
            while True:
                got = col.get(include=[], limit=page, offset=offset)["ids"]
                ids.extend(got)
                if len(got) < page:
                    break
                offset += page
        return out

    def delete_from(self, slug: str, ids: Sequence[str]) -> None:
        col = self._collections.get(slug)
        if col is None:
            return
        for i in range(0, len(ids), self.batch):
            col.delete(ids=list(ids[i : i + self.batch]))

    def add(self, ids: Sequence[str], embeddings: Any, metadatas: Sequence[dict[str, Any]]) -> None:
        groups: dict[str, list[int]] = {}
        for n, meta in enumerate(metadatas):
            groups.setdefault(str(meta.get("kind", "other")), []).append(n)
        for kind, rows in groups.items():
            col = self._collection(kind)
            for i in range(0, len(rows), self.batch):
                part = rows[i : i + self.batch]
                col.upsert(ids=[ids[r] for r in part], embeddings=embeddings[part] if hasattr(embeddings, "shape")
                           else [embeddings[r] for r in part], metadatas=[metadatas[r] for r in part])

    def embeddings(self, ids: Sequence[str], kinds: Sequence[str] | None = None) -> tuple[list[str], Any]:
        """(ids found, float32 matrix) for the given ids, in the order given."""
        import numpy as np

        found: dict[str, Any] = {}
        for col in self._cols(kinds):
            for i in range(0, len(ids), self.batch):
                got = col.get(ids=list(ids[i : i + self.batch]), include=["embeddings"])
                found.update(zip(got["ids"], got["embeddings"], strict=True))
        order = [i for i in ids if i in found]
        if not order:
            return [], np.zeros((0, 0), dtype=np.float32)
        return order, np.asarray([found[i] for i in order], dtype=np.float32)

    def delete(self, ids: Sequence[str]) -> None:
        for col in self._collections.values():
            for i in range(0, len(ids), self.batch):
                col.delete(ids=list(ids[i : i + self.batch]))

    def _cols(self, kinds: Sequence[str] | None) -> list[Any]:
        if kinds is None:
            return list(self._collections.values())
        slugs = {kind_slug(k) for k in kinds}
        return [c for slug, c in self._collections.items() if slug in slugs]

    def query(self, embedding: Any, k: int, where: dict[str, Any] | None,
              kinds: Sequence[str] | None = None) -> list[tuple[str, float]]:
        """(id, cosine similarity) best first, over the given kinds' collections (all when None)."""
        if k <= 0:
            return []
        merged: list[tuple[str, float]] = []
        for col in self._cols(kinds):
            res = col.query(query_embeddings=[embedding], n_results=k, where=where, include=["distances"])
            ids = res["ids"][0] if res["ids"] else []
            dists = res["distances"][0] if res.get("distances") else [0.0] * len(ids)
            merged.extend((i, 1.0 - float(d)) for i, d in zip(ids, dists, strict=False))
        merged.sort(key=lambda h: -h[1])
        return merged[:k]

    def other_collections(self) -> list[str]:
        """This home's collections for other (older) embedder signatures or layouts (never another home's)."""
        mine = f"{PREFIX}{self.index_id}-" if self.index_id else PREFIX
        return [n for n in self._existing_names() if n.startswith(mine) and not n.startswith(self.name + ".")]

    def drop(self, name: str) -> None:
        self.client.delete_collection(name)


def iter_batches(items: Sequence[Any], n: int) -> Iterator[Sequence[Any]]:
    for i in range(0, len(items), n):
        yield items[i : i + n]
