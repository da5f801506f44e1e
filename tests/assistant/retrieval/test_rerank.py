"""The optional cross-encoder path: a tiny BERT cross-encoder built in the test (no download)."""

from __future__ import annotations

import pytest

from assistant.errors import ConfigError
from assistant.retrieval.rerank import CrossEncoderReranker, build_reranker, rerank
from assistant.retrieval.retriever import Retriever, build_retriever
from assistant.settings import Settings


@pytest.fixture(scope="module")
def tiny_cross_encoder(tmp_path_factory):
    torch = pytest.importorskip("torch")
    from tokenizers import Tokenizer, models, normalizers, pre_tokenizers, processors, trainers
    from transformers import BertConfig, BertForSequenceClassification, PreTrainedTokenizerFast

    path = tmp_path_factory.mktemp("tiny-ce")
    texts = ["여행자 휴대품 면세 800달러", "보세구역 반입 신고", "보세사 공백 방치 사례", "주류 2병 궐련 200개비",
             "소액물품 면세 150달러", "수입식품 신고 식품의약품안전처장"] * 5
    tok = Tokenizer(models.WordPiece(unk_token="[UNK]"))
    tok.normalizer = normalizers.NFKC()
    tok.pre_tokenizer = pre_tokenizers.Whitespace()
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    tok.train_from_iterator(texts, trainers.WordPieceTrainer(vocab_size=300, special_tokens=specials))
    tok.post_processor = processors.TemplateProcessing(
        single="[CLS] $A [SEP]", pair="[CLS] $A [SEP] $B:1 [SEP]:1",
        special_tokens=[("[CLS]", tok.token_to_id("[CLS]")), ("[SEP]", tok.token_to_id("[SEP]"))],
    )
    fast = PreTrainedTokenizerFast(tokenizer_object=tok, unk_token="[UNK]", pad_token="[PAD]", cls_token="[CLS]",
                                   sep_token="[SEP]", mask_token="[MASK]")
    fast.save_pretrained(str(path))
    torch.manual_seed(0)
    cfg = BertConfig(vocab_size=tok.get_vocab_size(), hidden_size=16, num_hidden_layers=1, num_attention_heads=2,
                     intermediate_size=32, max_position_embeddings=128, num_labels=1)
    BertForSequenceClassification(cfg).save_pretrained(str(path))
    return path


def test_no_reranker_unless_configured():
    assert build_reranker(Settings()) is None


def test_missing_model_is_a_config_error(tmp_path):
    with pytest.raises(ConfigError) as err:
        CrossEncoderReranker(str(tmp_path / "nope"))
    assert "rerank.model" in str(err.value)


def test_tiny_cross_encoder_scores_pairs(tiny_cross_encoder):
    ce = CrossEncoderReranker(str(tiny_cross_encoder), max_length=64)
    passages = ["여행자 휴대품 면세 800달러", "보세구역 반입 신고", "수입식품 신고"]
    scores = ce.score("면세 한도", passages)
    assert len(scores) == 3 and all(isinstance(s, float) for s in scores)
    assert ce.score("면세 한도", passages) == scores  # deterministic
    assert ce.score("면세 한도", []) == []


def test_retriever_orders_by_cross_encoder(tiny_cross_encoder, fake_index):
    settings = Settings(rerank={"model": str(tiny_cross_encoder), "candidates": 30})
    retriever = build_retriever(settings, fake_index)
    assert retriever.reranker is not None
    hits = retriever.search("보세사 면세 신고", k=5)
    direct = retriever.reranker.score("보세사 면세 신고", [f"{h.title}\n{h.text}" for h in hits])
    assert [h.score for h in hits] == pytest.approx(direct)
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)


def test_rerank_reorders_the_head_only(fake_index):
    class ByLength:
        name = "by-length"

        def score(self, query, passages):
            return [float(len(p)) for p in passages]

    plain = Retriever(fake_index, Settings()).search("관세 면제 신고", k=6)
    head = sorted(plain[:3], key=lambda h: -len(f"{h.title}\n{h.text}"))
    reranked = rerank(ByLength(), "관세 면제 신고", list(plain), top=3)
    assert [h.id for h in reranked[:3]] == [h.id for h in head]
    assert [h.id for h in reranked[3:]] == [h.id for h in plain[3:]]
    # through the retriever: at least k hits are reranked
    via = Retriever(fake_index, Settings(rerank={"candidates": 2}), ByLength()).search("관세 면제 신고", k=3)
    assert [h.score for h in via] == [float(len(f"{h.title}\n{h.text}")) for h in via]
    assert [h.score for h in via] == sorted((h.score for h in via), reverse=True)


def test_cross_encoder_scores_take_the_prior_and_become_relevance(fake_index):
    import math

    from assistant.answer.answerer import NO_BASIS, Answerer

    class Fixed:
        name, kind = "fixed", "cross-encoder"

        def __init__(self, value: float, best: str = ""):
            self.value, self.best = value, best

        def score(self, query, passages):
            return [self.value + (0.5 if p == self.best else 0.0) for p in passages]

    plain = Retriever(fake_index, Settings()).search("관세 면제 신고", k=4)
    last = f"{plain[3].title}\n{plain[3].text}"
    # a cross-encoder's own order by default (prior_weight None → 0) ...
    out = Retriever(fake_index, Settings(rerank={"candidates": 4}), Fixed(1.0, last)).search("관세 면제 신고", k=4)
    assert out[0].id == plain[3].id and [h.relevance for h in out] == [1.5, 1.0, 1.0, 1.0]
    # ... and with a strong prior the fused order wins over a 0.5 margin (0.5 < 1.0 * ln 4)
    settings = Settings(rerank={"candidates": 4, "prior_weight": 1.0})
    out = Retriever(fake_index, settings, Fixed(1.0, last)).search("관세 면제 신고", k=4)
    assert out[0].id == plain[0].id
    assert next(h.score for h in out if h.id == plain[3].id) == pytest.approx(1.5 - math.log(4))
    # the logit is the no-basis floor's scale (rerank.min_support)
    floor = Settings(rerank={"candidates": 4, "min_support": 0.0})
    assert Answerer(Retriever(fake_index, floor, Fixed(2.0))).ask("여행자 휴대품 면세 한도").grounded
    assert Answerer(Retriever(fake_index, floor, Fixed(-2.0))).ask("여행자 휴대품 면세 한도").answer == NO_BASIS
