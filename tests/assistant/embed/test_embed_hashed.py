"""The built-in hashed n-gram embedder: deterministic across processes, normalised, sensible neighbours."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np

from assistant.embed import HashedEmbedder, build_embedder, describe
from assistant.settings import Settings

ROOT = Path(__file__).resolve().parents[3]
TEXTS = ["청소년이 들고 온 술도 면세돼?", "주류 면세 한도 미성년자 제외", "과태료 부과 기준", ""]


def test_same_vectors_in_another_process_with_another_hash_seed():
    here = HashedEmbedder(dim=128).embed_documents(TEXTS)
    code = ("import json, sys; from assistant.embed import HashedEmbedder; "
            f"print(json.dumps(HashedEmbedder(dim=128).embed_documents({TEXTS!r}).tolist()))")
    env = dict(os.environ, PYTHONHASHSEED="12345")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert np.array_equal(here, np.array(json.loads(out.stdout), dtype=np.float32))


def test_unit_norm_and_empty_text():
    vecs = HashedEmbedder(dim=64).embed_documents(TEXTS)
    assert vecs.shape == (4, 64) and vecs.dtype == np.float32
    assert np.allclose(np.linalg.norm(vecs[:3], axis=1), 1.0, atol=1e-5)
    assert not vecs[3].any()
    assert HashedEmbedder(dim=64).embed_documents([]).shape == (0, 64)


def test_batch_equals_one_by_one():
    e = HashedEmbedder(dim=256)
    batch = e.embed_documents(TEXTS)
    single = np.stack([e.embed_query(t) for t in TEXTS])
    assert np.allclose(batch, single, atol=1e-6)


def test_related_texts_are_closer_than_unrelated():
    e = HashedEmbedder(dim=512)
    q = e.embed_query("청소년이 들고 온 술도 면세돼?")
    related = e.embed_query("주류는 미성년자에게 면세하지 아니한다")
    unrelated = e.embed_query("수입신고 기한 경과 과태료")
    assert float(q @ related) > float(q @ unrelated)


def test_nfkc_and_case_are_normalised():
    e = HashedEmbedder(dim=128)
    assert np.allclose(e.embed_query("ＡＢＣ 관세법 제５조"), e.embed_query("abc 관세법 제5조"))


def test_signature_names_dim_and_build_embedder_default():
    assert HashedEmbedder(dim=64).signature != HashedEmbedder(dim=128).signature
    emb = build_embedder(Settings(home=Path("/tmp/unused"), embedding={"dim": 96}))
    assert isinstance(emb, HashedEmbedder) and emb.dim == 96 and emb.signature.endswith("d96")
    assert "hashed" in describe(emb)


def test_odd_text_does_not_crash():
    e = HashedEmbedder(dim=32)
    vecs = e.embed_documents(["\ud800 lone surrogate", "\x00 NUL", "😀 이모지 ㄱㄴㄷ", "a" * 100_000, "   "])
    assert vecs.shape == (5, 32) and np.isfinite(vecs).all()
