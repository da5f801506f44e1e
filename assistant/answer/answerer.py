"""The answering pipeline: retrieve → pick passages → (extract | render prompt and generate) →
validate citation markers → Answer. Streaming yields text deltas, then the final Answer.

An answer is `grounded` only when it carries at least one valid citation and retrieval found a
passage that actually supports the question; otherwise it says no basis was found and shows the
closest passages instead of guessing.

With an LLM, the reply's markers are validated and each cited sentence checked against its passage
(faithfulness.py); a reply left with no valid citation is replaced by the extractive answer
(`mode: "none"`, with a warning), so an uncited LLM text is never shown as an answer. Base models get
the completion-form prompt (prompts/answer_completion.yaml) and a grammar holding them to "문장 [n].".
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from typing import Any

from assistant.answer.citations import renumber, validate_markers
from assistant.answer.context import Passage, as_completion_data, body_of, focus, select_passages
from assistant.answer.extractive import extract
from assistant.answer.faithfulness import check_sentences
from assistant.answer.grounding import support
from assistant.llm.grammar import cited_answer_gbnf
from assistant.prompts import Prompt, load_prompt

NO_BASIS = "근거를 찾지 못했습니다."
NO_BASIS_EN = "No basis was found in the indexed material."
_WIDE_MARKER = re.compile(r"[\[［]\s*[0-9０-９]{1,3}(?:\s*[,，、]\s*[0-9０-９]{1,3})*\s*[\]］]")
_MARKUP = re.compile(r"</?[A-Za-z][A-Za-z0-9]*(?:\s[^<>]*)?/?>")  # HTML-like tags a model imitates
_STRAY_STOP = re.compile(r"[.。]\s*((?:\[\d{1,3}\]\s*)+)[.。]")
WARN_INVALID = "존재하지 않는 출처 번호 {nums}를 답변에서 제거했습니다."
WARN_UNSUPPORTED = "인용한 자료에 없는 내용(숫자·용어)이 들어 있는 문장 {n}개를 답변에서 뺐습니다."
WARN_TAIL = "인용 표시가 없는 문장을 답변에서 뺐습니다."
WARN_FALLBACK = "LLM 답변에 확인된 인용이 없어 자료 발췌(추출형) 답변으로 대신합니다."


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
                 temperature: float = 0.1, prompt: Prompt | None = None, prompt_style: str = "chat",
                 grammar: bool = True, completion_prompt: Prompt | None = None):
        self.retriever = retriever
        self.llm = llm
        self.k = k
        self.n_ctx = n_ctx
        self.max_tokens = max_tokens
        self.temperature = temperature
        self.prompt = prompt or load_prompt("answer")
        self.prompt_style = prompt_style  # "chat" (instruction-tuned models) | "completion" (base models)
        self.grammar = grammar
        self.completion_prompt = completion_prompt or load_prompt("answer_completion")

    def warm_up(self) -> None:
        """Load the model's caches now: the completion prompt's fixed few-shot part is evaluated once
        and then shared by every question (llama.cpp keeps the common prefix)."""
        warm = getattr(self.llm, "warm_up", None)
        if warm is not None and self.prompt_style == "completion":
            warm(self.completion_prompt.render("prompt", question="", passages=[]).split("<자료>\n</자료>")[0])

    def _known(self, token: str) -> bool:
        """Does any indexed record contain this word? (Keyword channel, no filters.)"""
        index = getattr(self.retriever, "index", None)
        if index is None or not hasattr(index, "keyword_search"):
            return True  # cannot tell: do not penalise
        return bool(index.keyword_search([token], 1))

    def _relevant(self, passages: list[Passage]) -> bool:
        """A reranker's verdict (`Hit.relevance`: a language model's PMI per token, a cross-encoder's score): does
        one of the best 3 passages reach `rerank.min_support`? Without a reranker or a floor, always yes."""
        settings = getattr(self.retriever, "settings", None)
        floor = settings.rerank.min_support if settings is not None else None
        scores = [r for p in passages[:3] if (r := getattr(p.hit, "relevance", None)) is not None]
        return floor is None or not scores or max(scores) >= floor

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
        if basis is None or not basis.ok or not self._relevant(passages):
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
        if self.prompt_style == "completion":
            shown = self._completion_passages(question, passages)
            prompt = self.completion_prompt.render("prompt", question=question, passages=[p.as_prompt() for p in shown])
            gbnf = cited_answer_gbnf(len(shown), self.completion_prompt.option("max_sentences", 3)) if self.grammar else None
            deltas = self.llm.stream_complete(prompt, max_tokens=self.max_tokens, temperature=self.temperature,
                                              grammar=gbnf, stop=["\n"])
        else:
            shown = passages
            messages = self.prompt.messages(question=question, passages=[p.as_prompt() for p in shown])
            deltas = self.llm.stream_chat(messages, max_tokens=self.max_tokens, temperature=self.temperature)
        parts: list[str] = []
        for delta in deltas:
            parts.append(delta)
            yield delta
        yield self._checked(question, "".join(parts), shown, passages)

    def _completion_passages(self, question: str, passages: list[Passage]) -> list[Passage]:
        """The top passages, each cut to the sentences nearest the question: a small model's first token
        waits for its whole prompt."""
        limit = self.completion_prompt.option("passage_chars", 320)
        out = []
        for p in passages[: self.completion_prompt.option("max_passages", 3)]:
            text = as_completion_data(focus(question, body_of(p), limit))
            out.append(Passage(p.n, p.source, p.locator, p.title, p.kind, text, p.hit))
        return out

    def _checked(self, question: str, reply: str, shown: list[Passage], passages: list[Passage]) -> Answer:
        """Validate the reply's markers and sentences; an answer with no valid, supported citation is
        replaced by the extractive one, with a warning, never shown as a grounded LLM answer."""
        # only the markers are normalised ("［１］" → "[1]"); the officer sees the model's own text ("①" stays)
        raw = _WIDE_MARKER.sub(lambda m: unicodedata.normalize("NFKC", m.group(0)), reply)
        raw = _MARKUP.sub("", raw).strip()  # a server without the grammar: "…한다.</blockquote> [1]" → "…한다. [1]"
        raw = _STRAY_STOP.sub(r" \1.", raw)  # "…한다. [1]." → "…한다 [1]."
        check = validate_markers(raw, len(shown))
        warnings: list[str] = []
        if check.invalid:
            warnings.append(WARN_INVALID.format(nums=", ".join(f"[{n}]" for n in check.invalid)))
        if not check.has_citation and NO_BASIS.rstrip(".") in check.text:
            return Answer(question, NO_BASIS, self.mode, False, [], warnings, closest=[_citation(p) for p in passages[:3]])
        faith = check_sentences(check.text, [p.title + "\n" + p.hit.text for p in shown])
        final = validate_markers(faith.text, len(shown))
        if not final.has_citation:
            text, used = extract(question, passages)
            text, cited = _cited(text, used, passages)
            return Answer(question, text, "none", bool(cited), cited, [*warnings, WARN_FALLBACK])
        if faith.removed:
            warnings.append(WARN_UNSUPPORTED.format(n=faith.removed))
        if faith.uncited_tail:
            warnings.append(WARN_TAIL)
        text, cited = _cited(final.text, final.used, shown)
        return Answer(question, text, self.mode, True, cited, warnings)


def build_answerer(settings: Any, retriever: Any) -> Answerer:
    from assistant.llm import build_llm, prompt_style

    cfg = settings.llm
    return Answerer(retriever, build_llm(settings), k=settings.retrieval.k, n_ctx=cfg.n_ctx, max_tokens=cfg.max_tokens,
                    temperature=cfg.temperature, prompt_style=prompt_style(cfg), grammar=cfg.grammar)
