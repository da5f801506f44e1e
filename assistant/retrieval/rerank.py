"""Optional cross-encoder reranker (재순위화), used only when `rerank.model` names a local model.

A cross-encoder reads (query, passage) together and scores relevance; it is slower than the two
channels, so it only reorders the first `rerank.candidates` fused hits. The model is loaded from a
local path (or an already-cached hub copy: HF_HUB_OFFLINE stays on), never downloaded.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from assistant.errors import ConfigError, MissingExtra

if TYPE_CHECKING:
    from assistant.retrieval.hit import Hit
    from assistant.settings import Settings


class Reranker(Protocol):
    name: str

    def score(self, query: str, passages: Sequence[str]) -> list[float]: ...


class CrossEncoderReranker:
    """sentence-transformers CrossEncoder loaded from `model` (a directory, normally)."""

    def __init__(self, model: str, max_length: int = 512, batch_size: int = 16, device: str = "cpu"):
        self.name = model
        self.batch_size = batch_size
        try:
            from sentence_transformers import CrossEncoder
        except ImportError as exc:  # pragma: no cover - the package is a core dependency
            raise MissingExtra("sentence-transformers", "dev", "재순위화(cross-encoder)") from exc
        local = Path(model).expanduser()
        try:
            self._model = CrossEncoder(
                str(local) if local.exists() else model,
                max_length=max_length,
                device=device,
                local_files_only=True,
            )
        except Exception as exc:
            raise ConfigError(
                f"재순위화 모델을 불러올 수 없습니다: rerank.model={model} ({exc}). 로컬 경로를 지정하세요.",
                f"Cannot load the reranker rerank.model={model} ({exc}); give a local path.",
            ) from exc
        self._lock = threading.Lock()  # torch modules are not guaranteed re-entrant

    def score(self, query: str, passages: Sequence[str]) -> list[float]:
        if not passages:
            return []
        pairs = [(query, p) for p in passages]
        with self._lock:
            scores = self._model.predict(pairs, batch_size=self.batch_size, show_progress_bar=False)
        return [float(s) for s in scores]


def build_reranker(settings: Settings) -> Reranker | None:
    """The configured reranker, or None (the default: no reranking)."""
    if not settings.rerank.model:
        return None
    return CrossEncoderReranker(settings.rerank.model)


def rerank(reranker: Reranker, query: str, hits: list[Hit], top: int) -> list[Hit]:
    """Reorder the first `top` hits by cross-encoder score (the score becomes the hit's score;
    hits past `top` keep their fused order and score)."""
    head, tail = hits[:top], hits[top:]
    if not head:
        return hits
    scores = reranker.score(query, [f"{h.title}\n{h.text}" for h in head])
    for hit, s in zip(head, scores, strict=True):
        hit.score = s
    head.sort(key=lambda h: -h.score)
    return head + tail
