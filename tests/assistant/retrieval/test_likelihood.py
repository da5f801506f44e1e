"""The language-model reranker (query likelihood): scores checked against llama-cpp-python's own full-logits
evaluation on a tiny random-weight GGUF written by the test, its wiring into search and the no-basis decision."""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path

import pytest

from assistant.answer import NO_BASIS, Answerer
from assistant.errors import ConfigError
from assistant.retrieval.likelihood import EMPTY_TEMPLATE, PASSAGE_TEMPLATE, QueryLikelihoodReranker
from assistant.retrieval.rerank import build_reranker, candidates, rerank
from assistant.retrieval.retriever import Retriever
from assistant.settings import Settings

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "llm"))
from tiny_gguf import write_tiny_llama  # noqa: E402

PASSAGES = ["관세법 제96조(여행자 휴대품 면세) 여행자 휴대품은 미화 800달러까지 면세한다.",
            "보세구역 반입 신고는 반입한 날부터 3일 안에 한다."]


@pytest.fixture(scope="module")
def gguf(tmp_path_factory) -> Path:
    pytest.importorskip("llama_cpp", reason="llama-cpp-python is installed by `make setup`")
    return write_tiny_llama(tmp_path_factory.mktemp("ql") / "tiny.gguf")


@pytest.fixture(scope="module")
def ql(gguf):
    reranker = QueryLikelihoodReranker(gguf, n_threads=1, n_ctx=512)
    yield reranker
    reranker.close()


def _reference(gguf: Path, prefix: str, query: str) -> float:
    """Mean log P(query tokens | prefix) from llama-cpp-python's high-level API with every position's logits."""
    import numpy as np
    from llama_cpp import Llama

    llm = Llama(model_path=str(gguf), n_ctx=512, logits_all=True, n_threads=1, verbose=False)
    pre = llm.tokenize(prefix.encode(), add_bos=True, special=False)
    target = llm.tokenize(query.encode(), add_bos=False, special=False)
    llm.eval(pre + target)
    logits = np.asarray(llm.scores[: len(pre) + len(target)], dtype=np.float64)
    llm.close()
    rows = logits[len(pre) - 1 : -1]
    logp = rows - rows.max(axis=1, keepdims=True)
    logp -= np.log(np.exp(logp).sum(axis=1, keepdims=True))
    return float(np.mean(logp[np.arange(len(target)), target]))


def test_scores_are_the_mean_log_probability_of_the_question(ql, gguf):
    query = "여행자 면세 한도는?"
    scores = ql.score(query, PASSAGES)
    for passage, got in zip(PASSAGES, scores, strict=True):
        assert got == pytest.approx(_reference(gguf, PASSAGE_TEMPLATE.format(passage=passage), query), abs=1e-3)
        assert got < 0
    assert ql.baseline(query) == pytest.approx(_reference(gguf, EMPTY_TEMPLATE, query), abs=1e-3)
    assert ql.score(query, PASSAGES) == scores  # cached, and deterministic
    assert ql.score(query, []) == []


def test_a_passage_read_once_is_restored_for_the_next_question(gguf):
    reranker = QueryLikelihoodReranker(gguf, n_threads=1, n_ctx=512)
    try:
        first = reranker.score("여행자 면세 한도는?", PASSAGES)
        assert (reranker.state_hits, reranker.state_misses) == (0, 2)
        # new questions over the same passages: the passages' model memory is restored, not recomputed
        for query in ("보세구역 반입 신고 기한은?", "면세 한도"):
            got = reranker.score(query, PASSAGES)
            for passage, value in zip(PASSAGES, got, strict=True):
                assert value == pytest.approx(_reference(gguf, PASSAGE_TEMPLATE.format(passage=passage), query), abs=1e-3)
        assert (reranker.state_hits, reranker.state_misses) == (4, 2)
        assert first != reranker.score("보세구역 반입 신고 기한은?", PASSAGES)
    finally:
        reranker.close()


def test_the_passage_memory_cache_stays_within_its_size(gguf):
    reranker = QueryLikelihoodReranker(gguf, n_threads=1, n_ctx=512, state_cache_mb=0.0)
    try:
        reranker.score("여행자 면세 한도는?", PASSAGES)
        reranker.score("면세 한도", PASSAGES)
        assert reranker.state_hits == 0 and reranker._state_bytes == 0  # nothing kept at size 0, scores still made
    finally:
        reranker.close()


def test_a_gguf_path_builds_the_language_model_reranker(gguf):
    reranker = build_reranker(Settings(rerank={"model": str(gguf), "passage_chars": 50}))
    assert isinstance(reranker, QueryLikelihoodReranker) and reranker.passage_chars == 50
    assert candidates(reranker, Settings()) == 10
    assert candidates(reranker, Settings(rerank={"candidates": 4})) == 4
    reranker.close()


def test_a_missing_gguf_is_a_config_error_naming_the_setting(tmp_path):
    with pytest.raises(ConfigError) as err:
        build_reranker(Settings(rerank={"model": str(tmp_path / "없는모델.gguf")}))
    assert "rerank.model" in str(err.value) and "없는모델.gguf" in str(err.value)


class Scripted:
    """A query-likelihood-shaped reranker with fixed scores per passage (-9 for any other)."""

    kind = "query-likelihood"
    passage_chars = 1000

    def __init__(self, scores: dict[str, float], empty: float):
        self.scores, self.empty, self.seen = scores, empty, []

    def score(self, query, passages):
        self.seen.extend(passages)
        return [self.scores.get(p, -9.0) for p in passages]

    def baseline(self, query):
        return self.empty


def test_the_fused_rank_is_a_prior_and_relevance_is_the_gain_over_no_passage(fake_index):
    plain = Retriever(fake_index, Settings()).search("관세 면제 신고", k=4)
    assert len(plain) == 4
    text = [f"{h.title}\n{h.text}" for h in plain]
    # the 4th hit reads slightly better than the 1st: ahead without a prior, behind with a strong one
    scores = {text[0]: -3.0, text[3]: -2.9}
    out = rerank(Scripted(scores, empty=-3.5), "관세 면제 신고", [*plain], top=4, prior_weight=0.0)
    assert out[0].id == plain[3].id
    assert out[0].relevance == pytest.approx(0.6) and out[1].relevance == pytest.approx(0.5)
    out = rerank(Scripted(scores, empty=-3.5), "관세 면제 신고", [*plain], top=4, prior_weight=0.5)
    assert out[0].id == plain[0].id
    assert out[1].score == pytest.approx(-2.9 - 0.5 * math.log(4))


def test_a_passage_that_does_not_raise_the_question_likelihood_is_no_basis(fake_index):
    question = "여행자 휴대품 면세 한도"
    settings = Settings(rerank={"min_support": 0.0})
    grounded = Retriever(fake_index, settings, reranker=Scripted({}, empty=-12.0))  # every passage: PMI +3
    assert Answerer(grounded).ask(question).grounded
    unrelated = Retriever(fake_index, settings, reranker=Scripted({}, empty=-8.0))  # every passage: PMI -1
    ans = Answerer(unrelated).ask(question)
    assert not ans.grounded and ans.answer == NO_BASIS
    off = Retriever(fake_index, Settings(rerank={"min_support": None}), reranker=Scripted({}, empty=-8.0))
    assert Answerer(off).ask(question).grounded


def test_relevance_is_in_search_json_only_with_a_language_model(fake_index):
    hit = Retriever(fake_index, Settings()).search("관세 면제 신고", k=1)[0]
    assert "relevance" not in hit.to_json()
    hit.relevance = 0.123456
    assert json.loads(json.dumps(hit.to_json()))["relevance"] == 0.1235


def test_status_names_the_query_likelihood_reranker(tmp_path, gguf):
    from assistant.commands.status import reranker_info

    info = reranker_info(Settings(home=tmp_path, rerank={"model": str(gguf)}))
    assert info == {"type": "query-likelihood", "configured": True, "model": str(gguf), "exists": True}
    assert reranker_info(Settings(home=tmp_path))["type"] == "none"
