"""A fake LLM that replays queued replies: exact tests of the validator and refusal logic.

>>> llm = FakeLLM(["답입니다 [1]"])
>>> "".join(llm.stream_chat([], max_tokens=10, temperature=0))
'답입니다 [1]'
"""

from __future__ import annotations

import json
from collections import deque
from collections.abc import Iterable, Iterator
from typing import Any

from assistant.llm.base import Message


class FakeLLM:
    mode = "fake"

    def __init__(self, replies: Iterable[str] = ()):
        self.replies: deque[str] = deque(replies)
        self.calls: list[list[Message] | str] = []  # chat messages, or the prompt of a completion
        self.grammars: list[str | None] = []  # the grammar each completion was asked to follow

    def queue(self, *replies: str) -> None:
        self.replies.extend(replies)

    def _next(self, messages: list[Message] | str) -> str:
        self.calls.append(messages)
        return self.replies.popleft() if self.replies else ""

    def stream_chat(self, messages: list[Message], *, max_tokens: int, temperature: float) -> Iterator[str]:
        reply = self._next(messages)
        for i in range(0, len(reply), 4):  # several deltas, like a real stream
            yield reply[i : i + 4]

    def stream_complete(self, prompt: str, *, max_tokens: int, temperature: float, grammar: str | None = None,
                        stop: list[str] | None = None) -> Iterator[str]:
        self.grammars.append(grammar)
        reply = self._next(prompt)
        for marker in stop or []:
            reply = reply.split(marker)[0]
        for i in range(0, len(reply), 4):
            yield reply[i : i + 4]

    def complete_json(self, messages: list[Message], schema: dict[str, Any], *, max_tokens: int) -> dict[str, Any]:
        return json.loads(self._next(messages))

    def describe(self) -> str:
        return "fake (테스트용)"
