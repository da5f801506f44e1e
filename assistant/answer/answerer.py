"""The answering pipeline: retrieve → pick passages → (extract | render prompt and generate) →
validate citation markers → Answer. Streaming yields text deltas, then the final Answer.

An answer is `grounded` only when it carries at least one valid citation and retrieval found a
passage that actually supports the question; otherwise it says no basis was found and shows the
closest passages instead of guessing.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from typing import Any

from assistant.answer.citations import renumber, validate_markers
from assistant.answer.context import Passage, select_passages
from assistant.answer.extractive import extract
from assistant.answer.grounding import support
from assistant.prompts import Prompt, load_prompt

NO_BASIS = "근거를 찾지 못했습니다."
NO_BASIS_EN = "No basis was found in the indexed material."
WARN_UNCITED = "인용 표시가 없는 답변입니다. 근거가 확인되지 않았으니 원문을 직접 확인하세요."
WARN_INVALID = "존재하지 않는 출처 번호 {nums}를 답변에서 제거했습니다."


@dataclass
class Citation:
    n: int
    source: str
    locator: str
    title: str
    kind: str
    text: str  # the cited passage
    metadata: dict[str, Any] = field(default_factory=dict)


@dataclass
class Answer:
    question: str
    answer: str
    mode: str  # "none" (extractive) | "llamacpp" | "openai" | "fake"
    grounded: bool
    citations: list[Citation]
    warnings: list[str] = field(default_factory=list)
    closest: list[Citation] = field(default_factory=list)  # shown when no basis was found

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def _citation(p: Passage, n: int | None = None) -> Citation:
    meta = dict(getattr(p.hit, "metadata", {}) or {})
    return Citation(n or p.n, p.source, p.locator, p.title, p.kind, p.hit.text, meta)


def _cited(text: str, used: list[int], passages: list[Passage]) -> tuple[str, list[Citation]]:
    """Renumber markers 1..k in order of first use and build the matching citations."""
    text, mapping = renumber(text, used)
    return text, [_citation(passages[old - 1], new) for old, new in mapping.items()]


class Answerer:
    """Answers questions from a Retriever, with an optional LLM (None: extractive)."""

    def __init__(self, retriever: Any, llm: Any = None, *, k: int = 5, n_ctx: int = 4096, max_tokens: int = 512,
                 temperature: float = 0.1, prompt: Prompt | None = None):
        self.retriever = retriever
        self.llm = llm
        self.k = k
        self.n_ctx = n_ctx
        self.max_tokens = max_tokens
        self.temperature = temperature
        self.prompt = prompt or load_prompt("answer")

    def _known(self, token: str) -> bool:
        """Does any indexed record contain this word? (Keyword channel, no filters.)"""
        index = getattr(self.retriever, "index", None)
        if index is None or not hasattr(index, "keyword_search"):
            return True  # cannot tell: do not penalise
        return bool(index.keyword_search([token], 1))

    @property
    def mode(self) -> str:
        return "none" if self.llm is None else self.llm.mode

    def ask(self, question: str, filters: Any = None) -> Answer:
        final: Answer | None = None
        for item in self.stream(question, filters):
            if isinstance(item, Answer):
                final = item
        assert final is not None
        return final

    def stream(self, question: str, filters: Any = None) -> Iterator[str | Answer]:
        question = unicodedata.normalize("NFKC", question).strip()
        hits = self.retriever.search(question, k=self.k, filters=filters) if question else []
        passages = select_passages(hits, n_ctx=self.n_ctx, max_tokens=self.max_tokens)
        basis = support(question, [p.title + "\n" + p.hit.text for p in passages[:3]], known=self._known) if passages else None
        if basis is None or not basis.ok:
            yield NO_BASIS
            yield Answer(question, NO_BASIS, self.mode, False, [], closest=[_citation(p) for p in passages[:3]])
            return
        if self.llm is None:
            text, used = extract(question, passages)
            text, cited = _cited(text, used, passages)
            yield text
            yield Answer(question, text, self.mode, bool(cited), cited)
            return
        yield from self._generate(question, passages)

    def _generate(self, question: str, passages: list[Passage]) -> Iterator[str | Answer]:
        messages = self.prompt.messages(question=question, passages=[p.as_prompt() for p in passages])
        parts: list[str] = []
        for delta in self.llm.stream_chat(messages, max_tokens=self.max_tokens, temperature=self.temperature):
            parts.append(delta)
            yield delta
        raw = unicodedata.normalize("NFKC", "".join(parts)).strip()
        check = validate_markers(raw, len(passages))
        warnings: list[str] = []
        if check.invalid:
            warnings.append(WARN_INVALID.format(nums=", ".join(f"[{n}]" for n in check.invalid)))
        if not check.text or NO_BASIS.rstrip(".") in check.text and not check.has_citation:
            yield Answer(question, NO_BASIS, self.mode, False, [], warnings, closest=[_citation(p) for p in passages[:3]])
            return
        if not check.has_citation:
            warnings.append(WARN_UNCITED)
        text, cited = _cited(check.text, check.used, passages)
        yield Answer(question, text, self.mode, check.has_citation, cited, warnings)


def build_answerer(settings: Any, retriever: Any) -> Answerer:
    from assistant.llm import build_llm

    cfg = settings.llm
    return Answerer(retriever, build_llm(settings), k=settings.retrieval.k, n_ctx=cfg.n_ctx, max_tokens=cfg.max_tokens,
                    temperature=cfg.temperature)
