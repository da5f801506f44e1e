"""The cited-answer grammar on a real llama.cpp model (the random-weight GGUF built in the test):
whatever garbage the weights produce, the output has the shape "문장 [n]." with a passage number
that exists, and checking only the top-k tokens gives the same text as llama.cpp's full grammar."""

from __future__ import annotations

import re

import pytest

from assistant.llm.grammar import REFUSAL, TopKGrammar, cited_answer_gbnf
from assistant.llm.llamacpp import LlamaCppLLM

PROMPT = "<자료>\n[1] 관세법 제96조\n여행자 휴대품은 면세한다.\n[2] 관세법 제94조\n소액물품은 면세한다.\n</자료>\n질문: 면세?\n답변:"


def shape(n_passages: int, max_sentences: int, max_chars: int) -> re.Pattern[str]:
    sentence = rf"[^\[\]<>\n ][^\[\]<>\n]{{1,{max_chars - 1}}} \[[1-{n_passages}]\]\."
    return re.compile(rf"^ ?(?:{re.escape(REFUSAL)}|{sentence}(?: {sentence}){{0,{max_sentences - 1}}})\n?$")


@pytest.fixture(scope="module")
def llm(tiny_gguf):
    model = LlamaCppLLM(tiny_gguf, n_ctx=512, n_threads=1)
    yield model
    model.close()


@pytest.mark.parametrize("n_passages,temperature", [(1, 0.0), (2, 0.0), (3, 0.9), (2, 1.5)])
def test_random_weights_still_produce_a_cited_answer_shape(llm, n_passages, temperature):
    gbnf = cited_answer_gbnf(n_passages, max_sentences=2, max_chars=24)
    text = "".join(llm.stream_complete(PROMPT, max_tokens=240, temperature=temperature, grammar=gbnf, stop=["\n"]))
    assert shape(n_passages, 2, 24).match(text), text


def test_without_the_grammar_random_weights_do_not_cite(llm):
    # the reason the grammar exists: unconstrained, the same model writes no valid "[n]." sentence
    text = "".join(llm.stream_complete(PROMPT, max_tokens=60, temperature=0.0, stop=["\n"]))
    assert not shape(2, 2, 24).match(text)


def test_top_k_check_gives_the_same_text_as_the_full_vocabulary_grammar(llm):
    from llama_cpp import LlamaGrammar, LogitsProcessorList

    gbnf = cited_answer_gbnf(2, max_sentences=2, max_chars=24)
    raw = llm._llm
    fast = TopKGrammar(raw, gbnf, k=8)
    a = raw.create_completion(PROMPT, max_tokens=240, temperature=0.0, logits_processor=LogitsProcessorList([fast]))
    b = raw.create_completion(PROMPT, max_tokens=240, temperature=0.0, grammar=LlamaGrammar.from_string(gbnf, verbose=False))
    assert a["choices"][0]["text"] == b["choices"][0]["text"]
    assert shape(2, 2, 24).match(a["choices"][0]["text"])


def test_grammar_numbers_only_the_given_passages():
    gbnf = cited_answer_gbnf(4, max_sentences=1)
    assert 'num ::= "1" | "2" | "3" | "4"' in gbnf
    assert "(\" \" sentence)?" not in gbnf  # one sentence only
