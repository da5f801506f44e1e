"""Tuning sweep for the language-model reranker (질의 우도 재순위화), on the TUNING split only.

    .venv/bin/python bench/retrieval.py --home /tmp/h --split tune --no-baselines --no-refusal   # builds the home
    .venv/bin/python bench/rerank_sweep.py --home /tmp/h --model gemma3-270m [--limit 60] [--threads 1]

For every tuning regulation question (and the tuning unanswerable ones) it takes the fused top
`--candidates` hits of the default retriever, scores each with `QueryLikelihoodReranker` (the code
`rerank.model` runs), and prints recall@1/3/5 of score = mean log P(q | passage) - λ·ln(1 + fused rank)
for a grid of λ (`rerank.prior_weight`), plus the no-basis table of `rerank.min_support` thresholds
joined with the lexical test. The scores are computed once; the grid costs nothing. Held-out questions
are never read here: bench/retrieval.py measures the chosen setting on them.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

LAMBDAS = (0.0, 0.1, 0.2, 0.4, 0.8, 1.6)
FLOORS = (-0.3, -0.2, -0.1, -0.05, 0.0, 0.1)


def order(ql: list[float], lam: float) -> list[int]:
    from assistant.retrieval.rerank import with_prior

    return sorted(range(len(ql)), key=lambda i: -with_prior(ql[i], i, lam))


def main(argv: list[str] | None = None) -> int:
    from assistant.answer.answerer import Answerer
    from assistant.retrieval.evaluate import load_questions, matches, protocol_filters
    from assistant.retrieval.filters import Filters
    from assistant.retrieval.likelihood import QueryLikelihoodReranker
    from assistant.retrieval.rerank import language_model_file, passage_text
    from assistant.retrieval.retriever import build_retriever
    from assistant.settings import load_settings

    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--home", type=Path, required=True, help="an ingested home (default settings: no reranker)")
    p.add_argument("--model", default="gemma3-270m", help="GGUF path or packaged model name")
    p.add_argument("--candidates", type=int, default=10)
    p.add_argument("--passage-chars", type=int, default=300)
    p.add_argument("--threads", type=int)
    p.add_argument("--limit", type=int, help="a seeded sample of this many tuning questions")
    p.add_argument("--json", type=Path, help="write the per-question scores here")
    args = p.parse_args(argv)

    settings = load_settings(args.home)
    fused_only = settings.model_copy(deep=True)
    fused_only.rerank.model = None  # the fused order is what is reranked here, whatever the home's settings say
    retriever = build_retriever(fused_only)
    path = language_model_file(args.model)
    assert path is not None, f"{args.model}: not a GGUF file or packaged model"
    ql = QueryLikelihoodReranker(path, n_threads=args.threads, passage_chars=args.passage_chars)
    qdir = ROOT / "bench" / "questions"
    items: list[tuple[str, str, object, object]] = []  # (id, question, filters, question or None)
    for f in sorted(qdir.glob("regulations*.jsonl")):
        items += [(q.id, q.question, protocol_filters(f), q) for q in load_questions(f) if q.split == "tune"]
    chat = Filters.for_role("officer", Filters(kinds=["regulation"]))
    for f in sorted(qdir.glob("unanswerable*.jsonl")):
        for line in f.read_text(encoding="utf-8").splitlines():
            u = json.loads(line) if line.strip() else None
            if u and (u.get("split") or "tune") == "tune":
                items.append((u["id"], u["question"], chat, None))
    if args.limit:
        random.Random(3).shuffle(items)
        items = items[: args.limit]
    answerer = Answerer(retriever)  # the lexical no-basis test, as without a reranker
    rows = []
    for n, (qid, text, flt, q) in enumerate(items, 1):
        hits = retriever.search(text, k=args.candidates, filters=flt)
        scores = ql.score(text, [passage_text(h, args.passage_chars) for h in hits])
        rows.append({"id": qid, "answerable": q is not None, "ql": scores, "empty": ql.baseline(text),
                     "ok": [q is not None and matches(q, h.source, h.locator) for h in hits],
                     "lexical": answerer.ask(text, chat).grounded})
        if n % 20 == 0:
            print(f"{n}/{len(items)}", file=sys.stderr, flush=True)
    ans = [r for r in rows if r["answerable"]]
    una = [r for r in rows if not r["answerable"]]
    print(f"tune: {len(ans)} answerable, {len(una)} unanswerable; right article in the top {args.candidates}: "
          f"{sum(any(r['ok']) for r in ans) / max(1, len(ans)):.3f}")
    print(f"{'λ (prior_weight)':<18} {'R@1':>6} {'R@3':>6} {'R@5':>6}")
    print(f"{'fused (no rerank)':<18} " + " ".join(f"{sum(any(r['ok'][:k]) for r in ans) / len(ans):>6.3f}" for k in (1, 3, 5)))
    for lam in LAMBDAS:
        rec = [sum(any(r["ok"][i] for i in order(r["ql"], lam)[:k]) for r in ans) / len(ans) for k in (1, 3, 5)]
        print(f"{lam:<18} " + " ".join(f"{x:>6.3f}" for x in rec))
    lam = settings.rerank.prior_weight

    def pmi(r: dict) -> float:
        return max(r["ql"][i] - r["empty"] for i in order(r["ql"], lam)[:3])

    if una:
        print(f"no basis (lexical test, or top-3 PMI below the floor; λ = {lam}): unanswerable refused / answerable wrongly refused")
        lex = (sum(not r["lexical"] for r in una) / len(una), sum(not r["lexical"] for r in ans) / len(ans))
        print(f"  lexical only        {lex[0]:.3f} / {lex[1]:.3f}")
        for floor in FLOORS:
            ru = sum(not r["lexical"] or pmi(r) < floor for r in una) / len(una)
            ra = sum(not r["lexical"] or pmi(r) < floor for r in ans) / len(ans)
            print(f"  floor {floor:>6}        {ru:.3f} / {ra:.3f}")
    if args.json:
        args.json.write_text(json.dumps(rows, ensure_ascii=False), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
