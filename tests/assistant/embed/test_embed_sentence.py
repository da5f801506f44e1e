"""The sentence-transformers path with a TINY model built here (WordPiece trained on a few Korean
sentences + a 2-layer BERT of width 32): loaded by path, no download."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from assistant.errors import ConfigError
from assistant.settings import Settings

SENTENCES = [
    "여행자가 휴대하는 물품으로서 과세가격이 미화 800달러 이하인 물품은 관세를 면제한다.",
    "주류는 1병 2리터 이하로서 400달러 이하인 것만 면세한다.",
    "물품을 수입하려면 세관장에게 신고하여야 한다.",
    "신고 기한을 지나 신고한 자에게는 과태료를 부과한다.",
    "시부트라민이 검출된 다이어트 캡슐은 반입이 차단된다.",
]


def _build_tiny_model(target: Path) -> Path:
    import torch
    from sentence_transformers import SentenceTransformer

    try:
        from sentence_transformers.sentence_transformer import modules as models
    except ImportError:  # sentence-transformers < 6
        from sentence_transformers import models
    from tokenizers import Tokenizer, normalizers, pre_tokenizers, processors, trainers
    from tokenizers.models import WordPiece
    from transformers import BertConfig, BertModel, BertTokenizerFast

    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    tok = Tokenizer(WordPiece(unk_token="[UNK]"))
    tok.normalizer = normalizers.BertNormalizer(lowercase=True, strip_accents=False)
    tok.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    tok.train_from_iterator([*SENTENCES, "query: passage:"] * 3, trainers.WordPieceTrainer(vocab_size=300, special_tokens=specials))
    cls, sep = tok.token_to_id("[CLS]"), tok.token_to_id("[SEP]")
    tok.post_processor = processors.TemplateProcessing(
        single="[CLS] $A [SEP]", pair="[CLS] $A [SEP] $B [SEP]", special_tokens=[("[CLS]", cls), ("[SEP]", sep)])
    hf_tok = BertTokenizerFast(tokenizer_object=tok, unk_token="[UNK]", pad_token="[PAD]", cls_token="[CLS]",
                               sep_token="[SEP]", mask_token="[MASK]")
    torch.manual_seed(0)
    cfg = BertConfig(vocab_size=tok.get_vocab_size(), hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
                     intermediate_size=64, max_position_embeddings=128)
    bert_dir = target.parent / "bert"
    BertModel(cfg).save_pretrained(bert_dir)
    hf_tok.save_pretrained(bert_dir)
    word = models.Transformer(str(bert_dir), max_seq_length=64)
    dim = getattr(word, "get_embedding_dimension", None) or word.get_word_embedding_dimension
    pool = models.Pooling(dim(), pooling_mode="mean")
    SentenceTransformer(modules=[word, pool], device="cpu").save(str(target))
    return target


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory) -> Path:
    return _build_tiny_model(tmp_path_factory.mktemp("models") / "tiny-e5-ko")


def test_loads_by_path_and_embeds(tiny_model):
    from assistant.embed.sentence import SentenceTransformerEmbedder

    emb = SentenceTransformerEmbedder(str(tiny_model))
    assert (emb.query_prefix, emb.passage_prefix) == ("query: ", "passage: ")  # chosen from the name (e5)
    docs = emb.embed_documents(SENTENCES)
    assert docs.shape == (5, 32) and emb.dim == 32
    assert np.allclose(np.linalg.norm(docs, axis=1), 1.0, atol=1e-4)
    q = emb.embed_query(SENTENCES[0])
    assert q.shape == (32,)
    assert not np.allclose(q, docs[0])  # the query prefix changes the input
    again = SentenceTransformerEmbedder(str(tiny_model)).embed_documents(SENTENCES)
    assert np.allclose(docs, again, atol=1e-5)  # deterministic
    assert emb.signature.startswith("st-tiny-e5-ko-")


def test_configured_prefixes_and_signature(tiny_model):
    from assistant.embed.sentence import SentenceTransformerEmbedder

    a = SentenceTransformerEmbedder(str(tiny_model), query_prefix="", passage_prefix="")
    b = SentenceTransformerEmbedder(str(tiny_model))
    assert a.signature != b.signature  # different prefixes are different vectors: re-embed
    assert np.allclose(a.embed_query(SENTENCES[1]), a.embed_documents([SENTENCES[1]])[0], atol=1e-5)


def test_build_embedder_and_index_with_the_model(tiny_model, tmp_path):
    from assistant.embed import build_embedder, describe
    from assistant.records import Record
    from assistant.store.index import Index, SourceRow
    from assistant.store.tokens import simple_tokenizer

    settings = Settings(home=tmp_path / "home", embedding={"model": str(tiny_model)})
    emb = build_embedder(settings)
    assert "sentence-transformers" in describe(emb)
    idx = Index(settings, embedder=emb, tokenizer=simple_tokenizer())
    recs = [Record("regulation", "규정.txt", f"제{i}조", f"제{i}조", s, ordinal=i) for i, s in enumerate(SENTENCES)]
    idx.replace_source(SourceRow("/d/규정.txt", "규정.txt", "regulation", "s1", 1, 5, "now", "/d/규정.txt"), recs)
    idx.sync()
    hits = idx.vector_search(SENTENCES[3], 5)
    assert len(hits) == 5 and {h[0] for h in hits} == {r.id for r in recs}
    assert "-st-tiny-e5-ko-" in idx.vectors().name
    assert idx.check()["consistent"]


def test_missing_path_is_a_korean_config_error(tmp_path):
    from assistant.embed import build_embedder

    settings = Settings(home=tmp_path, embedding={"model": str(tmp_path / "no-such-model")})
    with pytest.raises(ConfigError, match="임베딩 모델을 찾을 수 없습니다"):
        build_embedder(settings)
    with pytest.raises(ConfigError, match="자동으로 내려받지 않습니다"):
        build_embedder(Settings(home=tmp_path, embedding={"model": "nobody/not-in-cache-xyz"}))


def test_default_prefixes_by_family():
    from assistant.embed.sentence import default_prefixes

    assert default_prefixes("intfloat/multilingual-e5-small") == ("query: ", "passage: ")
    assert default_prefixes("BAAI/bge-m3") == ("", "")
    assert default_prefixes("/models/nlpai-lab/KURE-v1") == ("", "")
    assert default_prefixes("BAAI/bge-base-en-v1.5")[0].startswith("Represent this sentence")
