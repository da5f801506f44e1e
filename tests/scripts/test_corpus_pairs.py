"""scripts/corpus_pairs.py on a tiny real index: one shipped notice (with a definitions article) and one
findings CSV, ingested by `python -m ingest`. The synthetic pairs are deterministic, pair the record they were
made from, and never contain a benchmark question.

Skipped when the ingest dependencies are missing (kiwipiepy, PyYAML); needs no torch (`--dry-run`).
"""

from __future__ import annotations

import importlib.util
import json
import random
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))

pytestmark = [
    pytest.mark.skipif(importlib.util.find_spec("kiwipiepy") is None, reason="kiwipiepy missing (ingest)"),
    pytest.mark.skipif(importlib.util.find_spec("yaml") is None, reason="PyYAML missing"),
]

FILES = [ROOT / "corpora" / "regulations" / "보세화물_관리에_관한_고시_샘플.md",
         ROOT / "corpora" / "audit_findings" / "findings_sample_2018_2025.csv"]


@pytest.fixture(scope="module")
def home(tmp_path_factory) -> Path:
    home = tmp_path_factory.mktemp("home")
    src = tmp_path_factory.mktemp("docs")
    for f in FILES:
        (src / f.name).write_bytes(f.read_bytes())
    subprocess.run([sys.executable, "-m", "ingest", "--home", str(home), "-q", str(src)], check=True, cwd=ROOT)
    return home


def benchmark_questions() -> set[str]:
    """Every question text of the benchmark (both splits), only to assert that none is used."""
    out = set()
    for f in (ROOT / "bench" / "questions").glob("*.jsonl"):
        for line in f.read_text(encoding="utf-8").splitlines():
            if line.strip():
                out.add(" ".join(str(json.loads(line).get("question", "")).split()))
    return out


def test_pairs_are_deterministic_and_cover_both_kinds(home):
    import corpus_pairs

    a = corpus_pairs.corpus_pairs(home, seed=7)
    assert a == corpus_pairs.corpus_pairs(home, seed=7)
    assert a != corpus_pairs.corpus_pairs(home, seed=8)  # the seed drives the rewriting
    kinds = {p.how for p in a}
    assert {"title", "sentence", "definition", "finding"} <= kinds
    assert {p.source for p in a} == {f.name for f in FILES}


def test_no_benchmark_question_is_a_query(home):
    import corpus_pairs

    questions = benchmark_questions()
    assert len(questions) > 500
    assert not [p.query for p in corpus_pairs.corpus_pairs(home) if " ".join(p.query.split()) in questions]


def test_each_query_pairs_the_record_it_was_made_from(home):
    import corpus_pairs

    from assistant.store.index import doc_text

    with sqlite3.connect(home / "index.sqlite") as db:
        rows = db.execute("select source, locator, title, text, metadata from records").fetchall()
    passage = {(s, loc): doc_text(t, x) for s, loc, t, x, _ in rows}
    article_title = {(s, loc): json.loads(m).get("article_title", "") for s, loc, _, _, m in rows}
    pairs = corpus_pairs.corpus_pairs(home)
    for p in pairs:
        assert p.passage == passage[(p.source, p.locator)]
    # a definition question names a term defined in its own article: "X이 뭐야?" with "X"란 in the passage
    defined = [p for p in pairs if p.how == "definition" and p.query.endswith("뭐야?")]
    assert defined
    for p in defined:
        term = p.query[: -len(" 뭐야?") - 1]
        assert f'"{term}"' in p.passage and article_title[(p.source, p.locator)] == "정의"
    # a finding's first query is its title (rewritten) + 사례, from that finding
    assert all(p.query.endswith("사례") for p in pairs if p.how == "finding")


def test_everyday_rewrite_conjugates_and_respects_word_starts():
    import corpus_pairs

    inv = {"체납": ["밀리다", "밀린 세금"], "관세": ["관부가세"], "독촉장": ["재촉하는 편지"]}
    rng = random.Random(1)
    assert corpus_pairs.everyday_rewrite("체납되면 독촉장", inv, rng, p=1.0) == "밀리면 재촉하는 편지"
    assert corpus_pairs.everyday_rewrite("관세청장이 정한다", inv, rng, p=1.0) == "관세청장이 정한다"  # inside a word


def test_finetune_dry_run_uses_no_question(home, tmp_path):
    out = tmp_path / "e5-dry"
    run = subprocess.run([sys.executable, str(ROOT / "scripts" / "finetune_embedder.py"), "--base", "unused",
                          "--home", str(home), "--out", str(out), "--source", "corpus", "--dry-run"],
                         check=True, cwd=ROOT, capture_output=True, text=True)
    sizes = json.loads(run.stdout)
    assert sizes["source"] == "corpus" and sizes["corpus_pairs"] > 50
    assert not any(k.startswith("question") for k in sizes)


def test_hard_negatives_are_wrong_articles_and_never_share_a_batch_with_their_gold(home):
    """finetune_embedder --hard-negatives: each question's negative is an article the retriever ranks high that is
    not its gold one, and no batch holds a passage as one pair's gold and another's negative."""
    from finetune_embedder import batches, hard_negatives, records_of

    from assistant.retrieval.evaluate import Question

    source = FILES[0].name
    recs = records_of(home, {source})[source]
    arts = [loc for loc, _ in recs if loc.startswith("제")][:6]
    questions = {"regulations_t": [Question(f"q{i}", text[:60], source, loc, {})
                                   for i, (loc, text) in enumerate(recs) if loc in arts]}
    negative = hard_negatives(home, questions, {source})
    gold = {q.question: dict(recs)[q.locator] for q in questions["regulations_t"]}
    assert set(negative) == set(gold) and all(negative[q] != gold[q] for q in gold)
    assert any(negative[q] in gold.values() for q in gold)  # some negative is another question's gold: a conflict
    pairs = list(gold.items())
    for batch in batches(pairs, 4, random.Random(1), negative=negative):
        assert not {p for _, p in batch} & {negative[q] for q, _ in batch}
