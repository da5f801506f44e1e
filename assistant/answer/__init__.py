"""Answers with citations: extractive by default, a local or served LLM when configured."""

from assistant.answer.answerer import NO_BASIS, Answer, Answerer, Citation, build_answerer

__all__ = ["NO_BASIS", "Answer", "Answerer", "Citation", "build_answerer"]
