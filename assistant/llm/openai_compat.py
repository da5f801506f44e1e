"""Any OpenAI-compatible chat server (llama.cpp server, vLLM, Ollama): one GPU box serving an office.

Talks plain HTTP with httpx (streaming via server-sent events), so no vendor SDK is needed. The server
is only ever the one configured in `llm.base_url`; nothing else is contacted.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx

from assistant.errors import ConfigError
from assistant.llm.base import Message


class OpenAICompatLLM:
    mode = "openai"
    repeat_penalty = 1.1  # as LlamaCppLLM, for completion-form prompts

    def __init__(self, base_url: str, *, model: str = "local", api_key: str = "not-needed", timeout_s: float = 120.0):
        if not base_url:
            raise ConfigError(
                "openai 모드에는 llm.base_url(예: http://127.0.0.1:8080/v1)이 필요합니다.",
                "openai mode needs llm.base_url (e.g. http://127.0.0.1:8080/v1)",
            )
        self.base_url = base_url.rstrip("/")
        self.model = model
        self._client = httpx.Client(
            base_url=self.base_url,
            headers={"Authorization": f"Bearer {api_key}"},
            timeout=httpx.Timeout(timeout_s, connect=10.0),
            trust_env=False,  # never route through a proxy from the environment
        )

    def _error(self, exc: Exception) -> ConfigError:
        return ConfigError(
            f"LLM 서버({self.base_url})에 연결할 수 없습니다: {exc}",
            f"Cannot reach the LLM server at {self.base_url}: {exc}",
        )

    def stream_chat(self, messages: list[Message], *, max_tokens: int, temperature: float) -> Iterator[str]:
        body = {"model": self.model, "messages": messages, "max_tokens": max_tokens, "temperature": temperature, "stream": True}
        yield from self._stream("/chat/completions", body, lambda choice: (choice.get("delta") or {}).get("content"))

    def stream_complete(self, prompt: str, *, max_tokens: int, temperature: float, grammar: str | None = None,
                        stop: list[str] | None = None) -> Iterator[str]:
        """`/completions` (no chat template: base models). `grammar` is llama.cpp's GBNF field, understood
        by llama.cpp's server and llama-cpp-python's; other servers ignore it, and the markers are
        validated afterwards either way."""
        body: dict[str, Any] = {"model": self.model, "prompt": prompt, "max_tokens": max_tokens,
                                "temperature": temperature, "stream": True, "stop": stop or [],
                                "repeat_penalty": self.repeat_penalty}  # llama.cpp servers' field; others ignore it
        if grammar:
            body["grammar"] = grammar
        yield from self._stream("/completions", body, lambda choice: choice.get("text"))

    def _stream(self, path: str, body: dict[str, Any], text_of: Any) -> Iterator[str]:
        """Server-sent events of a streamed request: the text of each chunk's first choice."""
        try:
            with self._client.stream("POST", path, json=body) as resp:
                resp.raise_for_status()
                for line in resp.iter_lines():
                    if not line.startswith("data:"):
                        continue
                    data = line[5:].strip()
                    if data == "[DONE]":
                        break
                    try:
                        chunk = json.loads(data)
                    except json.JSONDecodeError:
                        continue
                    choices = chunk.get("choices") or [{}]
                    text = text_of(choices[0])
                    if text:
                        yield text
        except httpx.HTTPError as exc:
            raise self._error(exc) from exc

    def complete_json(self, messages: list[Message], schema: dict[str, Any], *, max_tokens: int) -> dict[str, Any]:
        body = {
            "model": self.model,
            "messages": messages,
            "max_tokens": max_tokens,
            "temperature": 0.0,
            # llama-cpp-python's server and vLLM accept a schema here; others fall back to plain JSON mode.
            "response_format": {"type": "json_object", "schema": schema},
        }
        try:
            resp = self._client.post("/chat/completions", json=body)
            resp.raise_for_status()
        except httpx.HTTPError as exc:
            raise self._error(exc) from exc
        content = resp.json()["choices"][0]["message"]["content"] or "{}"
        # Some servers' JSON grammars let raw control characters into strings: accept them.
        return json.loads(content, strict=False)

    def describe(self) -> str:
        return f"openai-compatible ({self.base_url}, model={self.model})"
