"""sentence-transformers embedder, loaded from a local path (never downloaded).

`embedding.model` is a directory holding a sentence-transformers model, or a hub name such as
"BAAI/bge-m3" only when a copy already sits in the local Hugging Face cache (HF_HUB_OFFLINE=1 is
forced here, so a missing model fails fast with a Korean ConfigError instead of a network call).

Query/passage prefixes follow the model family when not configured:
e5 ("query: " / "passage: "), bge (English v1.5 query instruction), bge-m3 / KURE / others (none).

The signature is computed without importing torch: model name + prefixes + a hash of the model's
config files, so replacing the files at the same path still triggers a re-embed.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from assistant.errors import ConfigError, MissingExtra

_CONFIG_FILES = ("modules.json", "config.json", "config_sentence_transformers.json", "sentence_bert_config.json")


def default_prefixes(model: str) -> tuple[str, str]:
    """(query_prefix, passage_prefix) the model family expects.

    >>> default_prefixes("intfloat/multilingual-e5-small")
    ('query: ', 'passage: ')
    >>> default_prefixes("/models/KURE-v1")
    ('', '')
    """
    base = model.rstrip("/").lower().rsplit("/", 1)[-1]
    parts = re.split(r"[-_.]", base)
    if "e5" in parts:
        return "query: ", "passage: "
    if parts[0] == "bge" and "en" in parts and "m3" not in parts:
        return "Represent this sentence for searching relevant passages: ", ""
    return "", ""


def _hf_cache_dir(name: str) -> Path | None:
    """Local snapshot directory of a hub model, if it was downloaded before."""
    root = Path(os.environ.get("HF_HUB_CACHE") or Path(os.environ.get("HF_HOME", Path.home() / ".cache" / "huggingface")) / "hub")
    repo = root / ("models--" + name.replace("/", "--"))
    snaps = repo / "snapshots"
    if not snaps.is_dir():
        return None
    candidates = sorted(p for p in snaps.iterdir() if p.is_dir())
    return candidates[-1] if candidates else None


def resolve_model_path(model: str) -> Path:
    """Directory of the model or ConfigError (Korean) saying what to do."""
    p = Path(model).expanduser()
    if p.is_dir():
        return p.resolve()
    if "/" in model and not model.startswith((".", "/", "~")):
        cached = _hf_cache_dir(model)
        if cached is not None:
            return cached
    raise ConfigError(
        f"임베딩 모델을 찾을 수 없습니다: embedding.model = '{model}'. 모델 폴더의 로컬 경로를 지정하거나 "
        "설정에서 embedding.model 을 비워 내장 임베더(hashed)를 사용하세요. 모델은 자동으로 내려받지 않습니다.",
        f"Embedding model not found: embedding.model = '{model}'. Give a local directory, or leave "
        "embedding.model empty to use the built-in hashed embedder. Models are never downloaded automatically.",
    )


class SentenceTransformerEmbedder:
    """Embedder protocol implementation over sentence-transformers (lazy import, CPU)."""

    def __init__(
        self,
        model: str,
        query_prefix: str | None = None,
        passage_prefix: str | None = None,
        batch_size: int = 32,
        device: str = "cpu",
    ):
        self.model_name = model
        self.path = resolve_model_path(model)
        dq, dp = default_prefixes(model)
        self.query_prefix = dq if query_prefix is None else query_prefix
        self.passage_prefix = dp if passage_prefix is None else passage_prefix
        self.batch_size = batch_size
        self.device = device
        self._model: Any = None
        h = hashlib.sha256()
        for fname in _CONFIG_FILES:
            f = self.path / fname
            if f.is_file():
                h.update(fname.encode() + b"\0" + f.read_bytes())
        h.update(b"\0" + self.query_prefix.encode() + b"\0" + self.passage_prefix.encode())
        base = "".join(c if c.isalnum() or c in "-_." else "-" for c in Path(model.rstrip("/")).name)[:40]
        self.signature = f"st-{base}-{h.hexdigest()[:12]}"

    def __repr__(self) -> str:
        return f"SentenceTransformerEmbedder({self.model_name!r})"

    def _load(self) -> Any:
        if self._model is None:
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
            os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
            try:
                from sentence_transformers import SentenceTransformer
            except ImportError as exc:  # pragma: no cover - dependency is in the default install
                raise MissingExtra("sentence-transformers", "dev", "문장 임베딩 모델") from exc
            try:
                self._model = SentenceTransformer(str(self.path), device=self.device, local_files_only=True)
            except Exception as exc:
                raise ConfigError(
                    f"임베딩 모델을 불러올 수 없습니다: {self.path} ({exc})",
                    f"Cannot load the embedding model at {self.path}: {exc}",
                ) from exc
        return self._model

    @property
    def dim(self) -> int:
        model = self._load()
        getter = getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension
        return int(getter())

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode([self.passage_prefix + t for t in texts])

    def embed_query(self, text: str) -> np.ndarray:
        return self._encode([self.query_prefix + text])[0]

    def _encode(self, texts: list[str]) -> np.ndarray:
        model = self._load()
        vecs = model.encode(
            texts,
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return np.asarray(vecs, dtype=np.float32).reshape(len(texts), -1)
