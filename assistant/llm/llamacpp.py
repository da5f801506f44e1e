"""llama-cpp-python in-process: a GGUF file, its own chat template, CPU threads from settings.

The chat template stored in the GGUF (`tokenizer.chat_template`) is used by llama-cpp-python when no
`chat_format` is forced. JSON outputs use llama.cpp's grammar sampling through `response_format`
with a JSON schema, so they always parse.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from assistant.errors import ConfigError, MissingExtra
from assistant.llm.base import Message
from assistant.settings import available_cores


def json_grammar(schema: dict[str, Any]) -> Any:
    """GBNF for `schema`, with control characters excluded from strings.

    llama-cpp-python's converter lets a string contain raw control characters, which strict JSON
    forbids; a random or confused model then produces output `json.loads` rejects.
    """
    from llama_cpp.llama_grammar import LlamaGrammar, json_schema_to_gbnf

    gbnf = json_schema_to_gbnf(json.dumps(schema))
    gbnf = gbnf.replace('char ::= [^"\\\\]', 'char ::= [^"\\\\\\x00-\\x1F\\x7F]')
    return LlamaGrammar.from_string(gbnf, verbose=False)


class LlamaCppLLM:
    mode = "llamacpp"
    # Small base models loop ("…이 된다. …이 된다."); a mild penalty over the last 64 tokens breaks the loop
    # without keeping them from copying the passage's words (tuned with bench/answers.py on the tune split).
    repeat_penalty = 1.1

    def __init__(self, model_path: str | Path, *, n_ctx: int = 4096, n_threads: int | None = None, seed: int = 0):
        path = Path(model_path).expanduser()
        if not path.is_file():
            raise ConfigError(
                f"GGUF 모델 파일을 찾을 수 없습니다: {path} (settings의 llm.model_path를 확인하세요)",
                f"GGUF model file not found: {path} (check llm.model_path)",
            )
        try:
            from llama_cpp import Llama
        except ImportError as exc:
            raise MissingExtra("llama-cpp-python", "llm", "로컬 LLM(llamacpp 모드)") from exc
        self.path = path
        self.n_threads = n_threads or available_cores()
        self._lock = threading.Lock()  # one context: one generation at a time
        self._llm: Any  # llama_cpp.Llama; its typed-dict message types are stricter than our Message
        try:
            self._llm = Llama(model_path=str(path), n_ctx=n_ctx, n_threads=self.n_threads,
                              n_threads_batch=self.n_threads, seed=seed, verbose=False)
        except (ValueError, RuntimeError) as exc:
            raise ConfigError(f"GGUF 모델을 불러올 수 없습니다: {path} ({exc})", f"Cannot load GGUF model {path}: {exc}") from exc

    def close(self, timeout: float = 5.0) -> None:
        """Free the model now. Left to the garbage collector, llama-cpp-python's finaliser can run at interpreter
        exit after its library is unloaded ("Exception ignored in Llama.__del__")."""
        llm = getattr(self, "_llm", None)
        if llm is None or not self._lock.acquire(timeout=timeout):  # a generation still running (exit mid-answer): leave it
            return
        try:
            llm.close()
        finally:
            self._lock.release()

    def stream_chat(self, messages: list[Message], *, max_tokens: int, temperature: float) -> Iterator[str]:
        with self._lock:
            for chunk in self._llm.create_chat_completion(
                messages=messages, max_tokens=max_tokens, temperature=temperature, stream=True
            ):
                delta = chunk["choices"][0].get("delta", {})
                text = delta.get("content")
                if text:
                    yield text

    def stream_complete(self, prompt: str, *, max_tokens: int, temperature: float, grammar: str | None = None,
                        stop: list[str] | None = None) -> Iterator[str]:
        """Continue `prompt`. The longest prefix shared with the previous prompt (the few-shot part) is
        kept in llama.cpp's KV cache by llama-cpp-python, so only the new passages are evaluated."""
        from llama_cpp import LogitsProcessorList

        from assistant.llm.grammar import TopKGrammar

        with self._lock:
            processors = LogitsProcessorList([TopKGrammar(self._llm, grammar)]) if grammar else None
            for chunk in self._llm.create_completion(
                prompt, max_tokens=max_tokens, temperature=temperature, stream=True, stop=stop or [],
                logits_processor=processors, repeat_penalty=self.repeat_penalty,
            ):
                text = chunk["choices"][0].get("text")
                if text:
                    yield text

    def warm_up(self, prompt: str) -> None:
        """Evaluate `prompt` now (first-call allocations, and the shared prefix lands in the KV cache)."""
        with self._lock:
            for _ in self._llm.create_completion(prompt, max_tokens=1, temperature=0.0, stream=True):
                pass

    def complete_json(self, messages: list[Message], schema: dict[str, Any], *, max_tokens: int) -> dict[str, Any]:
        grammar = json_grammar(schema)
        with self._lock:
            out = self._llm.create_chat_completion(
                messages=messages, max_tokens=max_tokens, temperature=0.0, grammar=grammar
            )
        return json.loads(out["choices"][0]["message"]["content"] or "{}", strict=False)

    def describe(self) -> str:
        return f"llamacpp ({self.path.name}, {self.n_threads} threads)"
