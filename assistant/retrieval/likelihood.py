"""Query-likelihood reranking with a local GGUF language model (질의 우도 재순위화).

No cross-encoder can be installed from the package index, but a small language model can (the
`gemma3-270m` extra). A language model ranks passages by how likely it finds the officer's question
after reading each one: log P(question | passage), per question token (Sachan et al. 2022, "UPR").
It needs no training and no relevance labels, so nothing in it is fitted to our question sets.

The same model also gives a "does this passage bear on the question at all" signal: the pointwise
mutual information per token, log P(q | passage) - log P(q), where log P(q) is the question read after
an empty context. It is `Hit.relevance`, and the answerer can require it for a basis
(`rerank.min_support`). That floor is off by default: with gemma3-270m, customs passages raise
customs-sounding unanswerable questions as much as answerable ones (docs/BENCHMARKS.md).

Only the tokens that predict the question are given logits (a batch flag per position), so the cost
is one forward pass over each passage prefix: about 150-200 tokens for `passage_chars` = 300.
The model's memory (KV cells) after a passage is kept in an LRU cache (`state_cache_mb`): the next question
over the same passage restores it and runs only its own ~20-40 tokens through the model. An office asks
about the same few hundred articles again and again, so most passages are read once.
"""

from __future__ import annotations

import ctypes
import threading
from collections import OrderedDict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from assistant.errors import ConfigError, MissingExtra

# The passage, then the question as the model should expect it after reading that passage.
PASSAGE_TEMPLATE = "{passage}\n\n위 조문에 관한 질문: "
EMPTY_TEMPLATE = "질문: "  # log P(q): the same question with nothing read before it
MAX_QUERY_TOKENS = 96


class QueryLikelihoodReranker:
    """Scores (question, passage) pairs by the mean log-probability of the question's tokens."""

    kind = "query-likelihood"

    def __init__(self, model_path: str | Path, *, name: str | None = None, n_threads: int | None = None,
                 n_ctx: int = 1024, passage_chars: int = 300, cache_size: int = 4096, state_cache_mb: float = 256):
        path = Path(model_path).expanduser()
        if not path.is_file():
            raise ConfigError(
                f"재순위화 GGUF 모델 파일을 찾을 수 없습니다: {path} (settings의 rerank.model을 확인하세요)",
                f"Reranker GGUF file not found: {path} (check rerank.model)",
            )
        try:
            import llama_cpp
            import numpy as np
        except ImportError as exc:
            raise MissingExtra("llama-cpp-python", "llm", "언어 모델 재순위화") from exc
        from assistant.settings import available_cores

        self.name = name or path.name
        self.path = path
        self.passage_chars = passage_chars
        self._lib, self._np = llama_cpp, np
        threads = n_threads or available_cores()
        try:
            self._llm = llama_cpp.Llama(model_path=str(path), n_ctx=n_ctx, n_batch=n_ctx, n_ubatch=min(512, n_ctx),
                                        n_threads=threads, n_threads_batch=threads, verbose=False)
        except (ValueError, RuntimeError) as exc:
            raise ConfigError(f"재순위화 모델을 불러올 수 없습니다: {path} ({exc})",
                              f"Cannot load the reranker model {path}: {exc}") from exc
        self._ctx = self._llm._ctx.ctx  # llama-cpp-python 0.3.x keeps the raw context here
        self._n_ctx = n_ctx
        self._n_vocab = self._llm.n_vocab()
        self._batch = llama_cpp.llama_batch_init(n_ctx, 0, 1)
        self._lock = threading.Lock()  # one llama.cpp context: one evaluation at a time
        self._cache: OrderedDict[tuple[str, str], float] = OrderedDict()
        self._cache_size = cache_size
        # prefix text -> (the model's memory after all prefix tokens but the last, as bytes; the prefix tokens)
        self._states: OrderedDict[str, tuple[bytes, list[int]]] = OrderedDict()
        self._state_bytes = 0
        self._state_limit = int(state_cache_mb * 1024 * 1024)
        self.state_hits = self.state_misses = 0

    # --- public -----------------------------------------------------------------------------
    def score(self, query: str, passages: Sequence[str]) -> list[float]:
        """Mean log P(query token | passage, earlier query tokens) for each passage (higher = better). The caller
        cuts the passages (`rerank()` reads `passage_chars` of each body); the model's window is the only limit here."""
        return [self._cached(query, PASSAGE_TEMPLATE.format(passage=p)) for p in passages]

    def baseline(self, query: str) -> float:
        """Mean log P(query token | earlier query tokens): the question with no passage read."""
        return self._cached(query, EMPTY_TEMPLATE)

    def close(self) -> None:
        """Free the batch and the model now (at interpreter exit llama-cpp-python's own finaliser may find
        its library already unloaded)."""
        batch, self._batch = getattr(self, "_batch", None), None
        if batch is not None:
            self._lib.llama_batch_free(batch)
        llm = getattr(self, "_llm", None)
        if llm is not None:
            llm.close()

    # --- internals --------------------------------------------------------------------------
    def _cached(self, query: str, prefix: str) -> float:
        key = (query, prefix)
        with self._lock:
            if key in self._cache:
                self._cache.move_to_end(key)
                return self._cache[key]
            value = self._mean_logprob(prefix, query)
            self._cache[key] = value
            if len(self._cache) > self._cache_size:
                self._cache.popitem(last=False)
            return value

    def _tokens(self, text: str, bos: bool) -> list[int]:
        return self._llm.tokenize(text.encode("utf-8"), add_bos=bos, special=False)

    def _mean_logprob(self, prefix_text: str, query: str) -> float:
        lib, np = self._lib, self._np
        target = self._tokens(query, bos=False)[:MAX_QUERY_TOKENS]
        if not target:
            return 0.0
        prefix = self._prefix_state(prefix_text, len(target))
        # the last prefix token is decoded with the question: its logits predict the question's first token
        tail = [prefix[-1], *target]
        start = len(prefix) - 1
        self._decode(tail, start, logits_from=0)
        total = 0.0
        for i in range(len(target)):
            row: Any = np.ctypeslib.as_array(ctypes.cast(lib.llama_get_logits_ith(self._ctx, i),
                                                         ctypes.POINTER(ctypes.c_float)), shape=(self._n_vocab,))
            top = float(row.max())
            total += float(row[tail[i + 1]]) - top - float(np.log(np.exp(row - top).sum()))
        return total / len(target)

    def _prefix_state(self, prefix_text: str, n_target: int) -> list[int]:
        """Leave the model's memory holding every prefix token but the last (restored from the cache, or
        decoded and then cached); returns the prefix tokens."""
        lib = self._lib
        memory = lib.llama_get_memory(self._ctx)
        lib.llama_memory_clear(memory, True)
        cached = self._states.get(prefix_text)
        if cached is not None:
            data, prefix = cached
            if len(prefix) + n_target <= self._n_ctx:
                buf = (ctypes.c_uint8 * len(data)).from_buffer_copy(data)
                if lib.llama_state_seq_set_data(self._ctx, buf, len(data), 0) == len(data):
                    self._states.move_to_end(prefix_text)
                    self.state_hits += 1
                    return prefix
                lib.llama_memory_clear(memory, True)
        self.state_misses += 1
        full = self._tokens(prefix_text, bos=True)
        prefix = full[: self._n_ctx - n_target]
        if len(prefix) > 1:
            self._decode(prefix[:-1], 0, logits_from=None)
        if len(prefix) == len(full):  # a prefix cut to fit this question is not the passage for the next one
            self._remember(prefix_text, prefix)
        return prefix

    def _remember(self, prefix_text: str, prefix: list[int]) -> None:
        lib = self._lib
        size = int(lib.llama_state_seq_get_size(self._ctx, 0))
        if size <= 0 or size > self._state_limit:
            return
        buf = (ctypes.c_uint8 * size)()
        if lib.llama_state_seq_get_data(self._ctx, buf, size, 0) != size:
            return
        old = self._states.pop(prefix_text, None)
        if old is not None:
            self._state_bytes -= len(old[0])
        self._states[prefix_text] = (bytes(buf), prefix)
        self._state_bytes += size
        while self._state_bytes > self._state_limit and self._states:
            _, (data, _) = self._states.popitem(last=False)
            self._state_bytes -= len(data)

    def _decode(self, tokens: list[int], pos0: int, logits_from: int | None) -> None:
        """Run `tokens` at positions pos0... through the model (sequence 0); logits from index `logits_from` on,
        except the last token's (it predicts nothing we score)."""
        lib, batch = self._lib, self._batch
        n = len(tokens)
        batch.n_tokens = n
        for i, tok in enumerate(tokens):
            batch.token[i], batch.pos[i], batch.n_seq_id[i] = tok, pos0 + i, 1
            batch.seq_id[i][0] = 0
            batch.logits[i] = logits_from is not None and logits_from <= i < n - 1
        if logits_from is None:  # llama.cpp wants at least one output per batch
            batch.logits[n - 1] = True
        rc = lib.llama_decode(self._ctx, batch)
        if rc != 0:
            raise RuntimeError(f"llama_decode failed ({rc})")
