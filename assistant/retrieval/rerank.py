"""Optional reranker (재순위화), used only when `rerank.model` names a local model.

Two kinds, both slower than the two channels, so they only reorder the first `rerank.candidates` fused hits:
- a cross-encoder (sentence-transformers) that reads (query, passage) together and scores relevance (its logit,
  which also becomes each hit's `relevance`; scripts/train_reranker.py makes one from the packaged e5 weights);
- a language model in GGUF form (a path ending in .gguf, or a packaged model's name such as `gemma3-270m`)
  that ranks by query likelihood (assistant/retrieval/likelihood.py). Its score is combined with the fused
  order (`rerank.prior_weight`) and it also sets each hit's `relevance` (PMI per question token), which the
  answerer's no-basis decision reads (`rerank.min_support`).
Models are loaded from a local path (or an already-cached hub copy: HF_HUB_OFFLINE stays on), never downloaded.
"""

from __future__ import annotations

import math
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
    """sentence-transformers CrossEncoder loaded from `model` (a directory, normally). Pairs are cut at the
    model's own length limit (a trained model saves the one it was trained with), at most `max_length` tokens."""

    kind = "cross-encoder"

    def __init__(self, model: str, max_length: int = 512, batch_size: int = 16, device: str = "cpu"):
        self.name = model
        self.batch_size = batch_size
        try:
            from sentence_transformers import CrossEncoder
        except ImportError as exc:  # pragma: no cover - the package is a core dependency
            raise MissingExtra("sentence-transformers", "dev", "재순위화(cross-encoder)") from exc
        local = Path(model).expanduser()
        try:
            self._model = CrossEncoder(str(local) if local.exists() else model, device=device, local_files_only=True)
            own = self._model.max_seq_length
            self._model.max_seq_length = min(own, max_length) if own else max_length
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
    cfg = settings.rerank
    if not cfg.model:
        return None
    gguf = language_model_file(cfg.model)
    if gguf is not None:
        from assistant.retrieval.likelihood import QueryLikelihoodReranker

        return QueryLikelihoodReranker(gguf, name=cfg.model, n_threads=cfg.n_threads, passage_chars=cfg.passage_chars,
                                       state_cache_mb=cfg.state_cache_mb)
    return CrossEncoderReranker(cfg.model)


def language_model_file(model: str) -> Path | None:
    """The GGUF file when `rerank.model` names a language model (a .gguf path or a packaged model), else None."""
    from assistant.llm.packaged import model_file, packaged

    pm = packaged(model)
    if pm is not None:
        return model_file(pm)  # a clear Korean error when the extra is not installed
    return Path(model).expanduser() if model.lower().endswith(".gguf") else None


def candidates(reranker: Reranker, settings: Settings) -> int:
    """How many fused hits the reranker reorders: `rerank.candidates`, else its kind's default."""
    if settings.rerank.candidates:
        return settings.rerank.candidates
    return 10 if getattr(reranker, "kind", "") == "query-likelihood" else 30


def passage_text(hit: Hit, limit: int | None = None) -> str:
    """What a reranker reads of a hit: its title, then its body (the first `limit` characters)."""
    return f"{hit.title}\n{hit.text if limit is None else hit.text[:limit]}"


def prior_weight(reranker: Reranker, settings: Settings) -> float:
    """`rerank.prior_weight`, else its kind's default: 0.4 for a language model (chosen on the tuning split),
    0 for a cross-encoder (its own score alone, as such models are meant to be used)."""
    if settings.rerank.prior_weight is not None:
        return settings.rerank.prior_weight
    return 0.4 if getattr(reranker, "kind", "") == "query-likelihood" else 0.0


def with_prior(score: float, rank: int, prior_weight: float) -> float:
    """A reranker's score with the fused order as a prior: score - prior_weight * ln(1 + fused rank)."""
    return score - prior_weight * math.log1p(rank)


def rerank(reranker: Reranker, query: str, hits: list[Hit], top: int, prior_weight: float = 0.0) -> list[Hit]:
    """Reorder the first `top` hits by the reranker's score minus `prior_weight` * ln(1 + fused rank), which
    becomes the hit's score (hits past `top` keep their fused order and score). Each reordered hit gets
    `relevance`: a query-likelihood reranker's PMI per token (mean log P(query | passage) minus the same without
    a passage), a cross-encoder's own score."""
    head, tail = hits[:top], hits[top:]
    if not head:
        return hits
    limit = getattr(reranker, "passage_chars", None)
    scores = reranker.score(query, [passage_text(h, limit) for h in head])
    baseline = getattr(reranker, "baseline", None)
    if baseline is not None:
        empty = baseline(query)
        for rank, (hit, s) in enumerate(zip(head, scores, strict=True)):
            hit.relevance = s - empty
            hit.score = with_prior(s, rank, prior_weight)
    else:
        for rank, (hit, s) in enumerate(zip(head, scores, strict=True)):
            hit.relevance = s
            hit.score = with_prior(s, rank, prior_weight)
    head.sort(key=lambda h: -h.score)
    return head + tail
