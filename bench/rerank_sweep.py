"""Tuning sweep for a reranker (재순위화): a language model's query likelihood or a cross-encoder, TUNING split only.

    .venv/bin/python bench/retrieval.py --home /tmp/h --split tune --no-baselines --no-refusal   # builds the home
    .venv/bin/python bench/rerank_sweep.py --home /tmp/h --model gemma3-270m [--limit 60] [--threads 1]
    .venv/bin/python bench/rerank_sweep.py --home /tmp/h --model OUT --candidates 30 --threads 1 \
        --questions OUT/dev/regulations_dev.jsonl --questions OUT/dev/findings_dev.jsonl     # scripts/train_reranker.py

For every tuning question of the question files (default: bench/questions/regulations*.jsonl; findings files
are asked as an auditor) and the tuning unanswerable ones it takes the fused top `--candidates` hits of the
default retriever and scores each with the reranker `rerank.model` runs (`QueryLikelihoodReranker` for a GGUF
file or packaged model, else `CrossEncoderReranker`). It prints recall@1/3/5 of score - λ·ln(1 + fused rank)
for a grid of λ (`rerank.prior_weight`; score = mean log P(q | passage), or the cross-encoder's logit) and of
reordering only the first N candidates (`rerank.candidates`), plus the no-basis table of `rerank.min_support`
thresholds joined with the lexical test. The scores are computed once; the grids cost nothing. Held-out
questions are never read here: bench/retrieval.py measures the chosen setting on them.
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
CE_LAMBDAS = (0.0, 0.25, 0.5, 1.0, 2.0, 4.0)  # cross-encoder logits span several units


def order(ql: list[float], lam: float, top: int | None = None) -> list[int]:
    """Candidate positions best first: the first `top` reordered by score - λ·ln(1 + rank), the rest as fused."""
    from assistant.retrieval.rerank import with_prior

    top = len(ql) if top is None else min(top, len(ql))
    return sorted(range(top), key=lambda i: -with_prior(ql[i], i, lam)) + list(range(top, len(ql)))


def recalls(rows: list[dict], lam: float, top: int | None = None) -> list[float]:
    return [sum(any(r["ok"][i] for i in order(r["ql"], lam, top)[:k]) for r in rows) / max(1, len(rows))
            for k in (1, 3, 5)]


def main(argv: list[str] | None = None) -> int:
    from assistant.answer.answerer import Answerer
    from assistant.retrieval.evaluate import load_questions, matches, protocol_filters
    from assistant.retrieval.filters import Filters
    from assistant.retrieval.likelihood import QueryLikelihoodReranker
    from assistant.retrieval.rerank import CrossEncoderReranker, language_model_file, passage_text
    from assistant.retrieval.retriever import build_retriever
    from assistant.settings import load_settings

    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--home", type=Path, required=True, help="an ingested home (default settings: no reranker)")
    p.add_argument("--model", default="gemma3-270m", help="GGUF path or packaged model name")
    p.add_argument("--candidates", type=int, default=10)
    p.add_argument("--passage-chars", type=int, default=300)
    p.add_argument("--threads", type=int)
    p.add_argument("--limit", type=int, help="a seeded sample of this many tuning questions")
    p.add_argument("--questions", type=Path, action="append", help="question files (tuning lines only are read)")
    p.add_argument("--prior-weight", type=float, help="λ of the no-basis table (default: the home's setting)")
    p.add_argument("--tops", type=int, nargs="*", default=[], help="also reorder only the first N (rerank.candidates)")
    p.add_argument("--json", type=Path, help="write the per-question scores here")
    args = p.parse_args(argv)

    settings = load_settings(args.home)
    fused_only = settings.model_copy(deep=True)
    fused_only.rerank.model = None  # the fused order is what is reranked here, whatever the home's settings say
    retriever = build_retriever(fused_only)
    path = language_model_file(args.model)
    ql: QueryLikelihoodReranker | CrossEncoderReranker
    if path is not None:
        ql = QueryLikelihoodReranker(path, n_threads=args.threads, passage_chars=args.passage_chars)
        chars: int | None = args.passage_chars
        lambdas, lam = LAMBDAS, settings.rerank.prior_weight if settings.rerank.prior_weight is not None else 0.4
    else:
        if args.threads:
            import torch

            torch.set_num_threads(args.threads)
        ql = CrossEncoderReranker(args.model)
        chars, lambdas, lam = None, CE_LAMBDAS, settings.rerank.prior_weight or 0.0
    if args.prior_weight is not None:
        lam = args.prior_weight
    qdir = ROOT / "bench" / "questions"
    items: list[tuple[str, str, object, object, bool]] = []  # (id, question, filters, question or None, finding)
    for f in args.questions or sorted(qdir.glob("regulations*.jsonl")):
        items += [(q.id, q.question, protocol_filters(f), q, "finding" in f.stem)
                  for q in load_questions(f) if q.split == "tune"]
    chat = Filters.for_role("officer", Filters(kinds=["regulation"]))
    for f in sorted(qdir.glob("unanswerable*.jsonl")):
        for line in f.read_text(encoding="utf-8").splitlines():
            u = json.loads(line) if line.strip() else None
            if u and (u.get("split") or "tune") == "tune":
                items.append((u["id"], u["question"], chat, None, False))
    if args.limit:
        random.Random(3).shuffle(items)
        items = items[: args.limit]
    answerer = Answerer(retriever)  # the lexical no-basis test, as without a reranker
    rows = []
    for n, (qid, text, flt, q, finding) in enumerate(items, 1):
        hits = retriever.search(text, k=args.candidates, filters=flt)
        scores = ql.score(text, [passage_text(h, chars) for h in hits])
        empty = ql.baseline(text) if isinstance(ql, QueryLikelihoodReranker) else 0.0
        rows.append({"id": qid, "answerable": q is not None, "finding": finding, "ql": scores, "empty": empty,
                     "ok": [q is not None and matches(q, h.source, h.locator) for h in hits],
                     "lexical": None if finding else answerer.ask(text, chat).grounded})
        if n % 20 == 0:
            print(f"{n}/{len(items)}", file=sys.stderr, flush=True)
    una = [r for r in rows if not r["answerable"]]
    for group, ans in (("regulations", [r for r in rows if r["answerable"] and not r["finding"]]),
                       ("findings", [r for r in rows if r["finding"]])):
        if not ans:
            continue
        print(f"tune {group}: {len(ans)} answerable; right one in the top {args.candidates}: "
              f"{sum(any(r['ok']) for r in ans) / len(ans):.3f}")
        print(f"{'λ (prior_weight)':<18} {'top':>4} {'R@1':>6} {'R@3':>6} {'R@5':>6}")
        print(f"{'fused (no rerank)':<18} {'-':>4} " + " ".join(f"{x:>6.3f}" for x in recalls(ans, 0.0, 0)))
        for top in [args.candidates, *args.tops]:
            for lam_ in lambdas:
                print(f"{lam_:<18} {top:>4} " + " ".join(f"{x:>6.3f}" for x in recalls(ans, lam_, top)))
    ans = [r for r in rows if r["answerable"] and not r["finding"]]

    def pmi(r: dict) -> float:
        return max(r["ql"][i] - r["empty"] for i in order(r["ql"], lam)[:3])

    if una:
        print(f"no basis (lexical test, or top-3 PMI below the floor; λ = {lam}): unanswerable refused / answerable wrongly refused")
        lex = (sum(not r["lexical"] for r in una) / len(una), sum(not r["lexical"] for r in ans) / len(ans))
        print(f"  lexical only        {lex[0]:.3f} / {lex[1]:.3f}")
        floors = FLOORS if path is not None else sorted({round(pmi(r), 2) for r in una + ans})
        for floor in floors:
            ru = sum(not r["lexical"] or pmi(r) < floor for r in una) / len(una)
            ra = sum(not r["lexical"] or pmi(r) < floor for r in ans) / len(ans)
            if path is not None or ra <= 0.1:
                print(f"  floor {floor:>6}        {ru:.3f} / {ra:.3f}")
    if args.json:
        args.json.write_text(json.dumps(rows, ensure_ascii=False), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
