"""The LLM protocol: what the answerer needs from any model backend.

Backends: `llamacpp` (a GGUF file in-process), `openai` (any OpenAI-compatible server: llama.cpp's
server, vLLM, Ollama), and a queue-driven fake for tests. `none` means no LLM: extractive answers.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Protocol

Message = dict[str, str]  # {"role": "system"|"user"|"assistant", "content": "..."}


class LLM(Protocol):
    mode: str  # "llamacpp" | "openai" | "fake"

    def stream_chat(self, messages: list[Message], *, max_tokens: int, temperature: float) -> Iterator[str]:
        """Yield text deltas of the assistant's reply."""
        ...

    def stream_complete(self, prompt: str, *, max_tokens: int, temperature: float, grammar: str | None = None,
                        stop: list[str] | None = None) -> Iterator[str]:
        """Yield text deltas continuing `prompt` (no chat template: for base models), optionally
        constrained by a GBNF `grammar`; generation ends at any of `stop` (not included)."""
        ...

    def complete_json(self, messages: list[Message], schema: dict[str, Any], *, max_tokens: int) -> dict[str, Any]:
        """A reply constrained to JSON matching `schema` (grammar-constrained where the backend can)."""
        ...

    def describe(self) -> str:
        """One line for `status`: backend and model."""
        ...
