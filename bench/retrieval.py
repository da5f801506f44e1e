"""Retrieval benchmark (검색 벤치마크): the hybrid retriever vs. the article-split Kiwi BM25 baseline,
on a tuning split and a held-out split of the question sets.

    .venv/bin/python bench/retrieval.py                      # fresh temp home: corpora/ + bench/corpora/
    .venv/bin/python bench/retrieval.py --home /tmp/h        # reuse (or build) that home
    .venv/bin/python bench/retrieval.py --split tune --misses   # while tuning: tuning split only, its misses
    .venv/bin/python bench/retrieval.py --lc-baselines       # + LangChain 1000-char chunk baselines
    .venv/bin/python bench/retrieval.py --synthetic 100000   # + query latency on a synthetic 100k-record index

Protocol (same for every method):
- Index: the shipped sample corpora (corpora/) AND the benchmark's own documents (bench/corpora/), as a real
  office indexes thousands of documents beside any one.
- Questions: bench/questions/regulations*.jsonl and findings*.jsonl ({"id","question","source","locator",
  "split",...}). `split` is "tune" or "heldout", assigned by whole source document (bench/questions/SPLIT*.md);
  only the held-out figures count, tuning figures are printed beside them. Finding questions are an auditor's
  findings search (kind = finding); the others are asked from an officer's view (findings hidden).
- Hybrid: `build_retriever(settings)` on the home (default settings unless the home's settings.yaml says
  otherwise), top 10, scored strictly at article level: a hit counts when its source is the expected file and
  its locator's article equals the expected article (제5조② counts for 제5조); findings: source + locator.
- Baseline (bench/baseline_bm25.py): the same article-split records ranked by plain Okapi BM25 over Kiwi tokens,
  no expansion, no fusion; printed on the same split with the difference and ratio at recall@1.
- No-basis decision: the chat's extractive `Answerer` over regulations as an officer; unanswerable questions
  (bench/questions/unanswerable*.jsonl) should be refused, answerable regulation questions should not.
- LangChain baselines (--lc-baselines): files read with the project's readers, RecursiveCharacterTextSplitter
  (1000/100), langchain_community BM25Retriever; a chunk counts when it holds the expected article's heading
  (generous) or when that heading is its first (strict).
- Latency: wall time of each search call after one warm-up query (same process, warm caches).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

from assistant.retrieval.evaluate import (  # noqa: E402
    DEPTH,
    Question,
    Report,
    evaluate,
    format_table,
    load_questions,
    protocol_filters,
    retriever_search,
)
from bench.baseline_bm25 import ArticleBM25  # noqa: E402


def with_typos(questions: list[Question], seed: int = 7) -> list[Question]:
    """The same questions with one typo each (bench/typos.py), the same answers expected."""
    import dataclasses

    from bench.typos import add_typo

    rng = random.Random(seed)
    return [dataclasses.replace(q, question=add_typo(q.question, rng)) for q in questions]


def ingest(home: Path, corpora: Path) -> None:
    cmd = [sys.executable, "-m", "ingest", "--home", str(home), "-q", str(corpora)]
    print("$", " ".join(cmd), flush=True)
    subprocess.run(cmd, check=False, cwd=ROOT)


# --- baselines -------------------------------------------------------------------------------
def _file_text(path: Path) -> str:
    from ingest.readers import read_document, read_table, reader_for

    if reader_for(path).kind == "document":
        return "\n".join(b.text for b in read_document(path).blocks)
    table = read_table(path)
    return "\n".join(" | ".join(f"{h}: {v}" for h, v in row.items() if v) for row in table.rows)


def baseline_chunks(sources) -> list:
    from langchain_core.documents import Document
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    splitter = RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=100)
    chunks = []
    for row in sources:
        text = _file_text(Path(row.path))
        chunks.extend(splitter.split_documents([Document(page_content=text, metadata={"source": row.source,
                                                                                      "kind": row.kind})]))
    return chunks


def heading_pattern(article: str) -> re.Pattern[str] | None:
    m = re.fullmatch(r"(부칙\s*)?제(\d+)조(?:의(\d+))?", article)
    if m:
        branch = rf"\s*의\s*{m.group(3)}" if m.group(3) else r"(?!\s*의\s*\d)"
        return re.compile(rf"(?m)^[\s#*\[]*제\s*{m.group(2)}\s*조{branch}\s*(?:[(（]|\s|$)")
    m = re.fullmatch(r"별표\s*(\d+)", article)
    if m:
        return re.compile(rf"(?m)^[\s#*\[【]*별표\s*{m.group(1)}(?!\d)")
    return None


_ANY_HEADING = re.compile(r"(?m)^[\s#*\[]*(?:제\s*\d+\s*조(?:\s*의\s*\d+)?\s*(?:[(（]|\s|$)|별표\s*\d+)")


def chunk_counts(q: Question, chunk, strict: bool = False) -> bool:
    """Generous: the chunk holds the expected heading. Strict: it is the chunk's first heading (the one a
    citation built from the chunk would most likely name)."""
    if chunk.metadata["source"] != q.source:
        return False
    title = q.extra.get("finding_title")
    if title:
        return str(title) in chunk.page_content
    pattern = heading_pattern(q.article)
    if pattern is None:
        return q.locator in chunk.page_content
    m = pattern.search(chunk.page_content)
    if not m or not strict:
        return bool(m)
    first = _ANY_HEADING.search(chunk.page_content)
    return first is not None and first.start() == m.start()


def evaluate_baseline(name: str, questions: list[Question], chunks: list, preprocess, strict: bool = False) -> Report:
    from langchain_community.retrievers import BM25Retriever

    retriever = BM25Retriever.from_documents(chunks, preprocess_func=preprocess, k=DEPTH)
    retriever.invoke("워밍업")
    report = Report(name, [])
    for q in questions:
        t0 = time.perf_counter()
        got = retriever.invoke(q.question)
        report.latencies_ms.append((time.perf_counter() - t0) * 1000)
        rank = next((i for i, c in enumerate(got[:DEPTH], 1) if chunk_counts(q, c, strict)), None)
        report.ranks.append(rank)
        if rank != 1:
            report.misses.append((q.id, q.question, [c.metadata["source"] for c in got[:3]]))
    return report


# --- synthetic scale -------------------------------------------------------------------------
_PIECES = re.compile(r"\n|(?<=[.다])\s+")


def sentence_cached_tokenizer():
    """The real Kiwi tokenizer, applied sentence by sentence with a cache.

    Synthetic records are recombined corpus sentences, so their tokens are exactly the concatenated tokens
    of their sentences (Kiwi's analysis does not cross a sentence end); caching makes a 100k build take
    minutes on this machine instead of most of an hour. Queries still go through `tokenize` itself.
    """
    from assistant.store.tokens import Tokenizer
    from assistant.text.korean import tokenize, tokenize_many

    cache: dict[str, list[str]] = {}

    def many(texts: list[str]) -> list[list[str]]:
        pieces = [[p for p in _PIECES.split(t) if p.strip()] for t in texts]
        todo = sorted({p for ps in pieces for p in ps if p not in cache})
        for piece, toks in zip(todo, tokenize_many(todo), strict=True):
            cache[piece] = toks
        return [[tok for p in ps for tok in cache[p]] for ps in pieces]

    return Tokenizer("bench-synthetic-sentence-cache-v1", tokenize, many)


def synthetic_latency(n: int, questions: list[Question], home: Path | None, seed: int = 7) -> Report:
    """Query latency on an index of `n` synthetic records (sentences of the sample corpora recombined)."""
    import hashlib

    from assistant.records import Record
    from assistant.retrieval.filters import Filters
    from assistant.retrieval.rerank import build_reranker
    from assistant.retrieval.retriever import Retriever
    from assistant.settings import load_settings
    from assistant.store.index import Index, SourceRow

    rng = random.Random(seed)
    home = home or Path(tempfile.mkdtemp(prefix="bench-scale-"))
    settings = load_settings(home)
    index = Index(settings, tokenizer=sentence_cached_tokenizer())
    if index.counts().get("regulation", 0) < n:
        base = Index(load_settings(bench_home_for_sentences()), auto_sync=False)
        sentences = sorted({s for r in base.get(_all_ids(base)) for s in _PIECES.split(r.text) if len(s) > 15})
        per_source = 1000
        t0 = time.perf_counter()
        for s in range(0, n, per_source):
            recs = []
            for j in range(min(per_source, n - s)):
                art = f"제{j + 1}조"
                body = " ".join(rng.sample(sentences, 3)) + f" {rng.randint(1, 999)}일 이내"
                recs.append(Record("regulation", f"synthetic_{s // per_source:04d}.txt", art,
                                   f"합성 규정 {s // per_source}", body,
                                   {"law": f"합성 규정 {s // per_source}", "article": art}, ordinal=j))
            key = f"/synthetic/{s // per_source:04d}"
            row = SourceRow(key, f"synthetic_{s // per_source:04d}.txt", "regulation",
                            hashlib.sha256(key.encode()).hexdigest(), 0, len(recs), "", key)
            with index.lock(60):
                index.replace_source(row, recs)
        print(f"synthetic: wrote {n} records in {time.perf_counter() - t0:.0f}s; syncing BM25 + Chroma…", flush=True)
        t0 = time.perf_counter()
        index.sync(progress=lambda done, total: print(f"  sync {done}/{total}", flush=True) if done % 20000 == 0 else None)
        print(f"synthetic: sync {time.perf_counter() - t0:.0f}s", flush=True)
    retriever = Retriever(index, settings, build_reranker(settings))
    retriever.search("워밍업", k=5)
    return evaluate(f"hybrid · synthetic {n:,} records (latency only)", questions,
                    retriever_search(retriever, Filters.for_role("officer")))


_SENTENCE_HOME: Path | None = None


def bench_home_for_sentences() -> Path:
    assert _SENTENCE_HOME is not None
    return _SENTENCE_HOME


def _all_ids(index) -> list[str]:
    import sqlite3

    with sqlite3.connect(Path(index.settings.home) / "index.sqlite") as db:
        return [r[0] for r in db.execute("select id from records where kind = 'regulation'")]


# --- refusal (no-basis decision) ------------------------------------------------------------
def refusal_reports(retriever, answerable: list[Question], unanswerable: list[dict], split: str) -> dict:
    """The chat's no-basis decision (`Answerer`, extractive): share of unanswerable questions refused and
    share of answerable regulation questions wrongly refused, on one split."""
    from assistant.answer.answerer import Answerer
    from assistant.retrieval.filters import Filters

    answerer = Answerer(retriever)
    chat = Filters.for_role("officer", Filters(kinds=["regulation"]))  # what the chat tab and `ask` search
    refused_u = [u["id"] for u in unanswerable if not answerer.ask(u["question"], chat).grounded]
    wrongly = [q.id for q in answerable if not answerer.ask(q.question, chat).grounded]
    return {
        "split": split,
        "unanswerable": len(unanswerable),
        "unanswerable_refused": len(refused_u) / max(1, len(unanswerable)),
        "answerable": len(answerable),
        "answerable_wrongly_refused": len(wrongly) / max(1, len(answerable)),
        "not_refused_ids": [u["id"] for u in unanswerable if u["id"] not in refused_u],
        "wrongly_refused_ids": wrongly,
    }


def load_unanswerable(paths: list[Path]) -> list[dict]:
    rows = []
    for p in paths:
        rows.extend(json.loads(line) for line in p.read_text(encoding="utf-8").splitlines() if line.strip())
    return rows


# --- main ------------------------------------------------------------------------------------
def group_of(path: Path) -> str:
    return "findings" if "finding" in path.stem else "regulations"


def corpus_dirs(args) -> list[Path]:
    dirs = [args.corpora]
    extra = ROOT / "bench" / "corpora"
    if not args.no_bench_corpora and extra.is_dir():
        dirs += [d for d in sorted(extra.iterdir()) if d.is_dir() and d.name in ("regulations", "audit_findings")]
    return dirs


def main(argv: list[str] | None = None) -> int:
    global _SENTENCE_HOME
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--home", type=Path, help="home to use (built from the corpora when empty); default: a temp dir")
    p.add_argument("--corpora", type=Path, default=ROOT / "corpora")
    p.add_argument("--no-bench-corpora", action="store_true", help="do not add bench/corpora/ (the held-out documents)")
    p.add_argument("--questions", type=Path, action="append",
                   help="question files (default bench/questions/regulations*.jsonl, findings*.jsonl)")
    p.add_argument("--split", choices=["tune", "heldout", "all"], default="all", help="which split to report")
    p.add_argument("--per-file", action="store_true", help="also one row per question file")
    p.add_argument("--no-baselines", action="store_true", help="skip the article-split Kiwi BM25 baseline")
    p.add_argument("--lc-baselines", action="store_true", help="also the LangChain 1000-char chunk baselines")
    p.add_argument("--no-refusal", action="store_true", help="skip the no-basis (refusal) measurement")
    p.add_argument("--synthetic", type=int, default=0, metavar="N", help="also time queries on N synthetic records")
    p.add_argument("--synthetic-home", type=Path, help="keep/reuse the synthetic index here")
    p.add_argument("--json", type=Path, help="write the results as JSON here")
    p.add_argument("--typos", action="store_true",
                   help="also each set with one typo per question (bench/typos.py, seed 7): robustness rows")
    p.add_argument("--no-typo-correction", action="store_true", help="do not correct typo'd nouns in queries")
    p.add_argument("--misses", action="store_true", help="print the TUNING questions the hybrid missed at rank 1")
    p.add_argument("--heldout-misses", action="store_true",
                   help="print held-out misses too (for the final note only: looking at them while tuning spoils the split)")
    args = p.parse_args(argv)

    from assistant.retrieval.evaluate import by_split
    from assistant.retrieval.retriever import build_retriever
    from assistant.settings import load_settings
    from assistant.text.korean import tokenize

    if args.no_typo_correction:
        from assistant.retrieval import query

        query.CORRECT_TYPOS = False
    tmp = None
    home = args.home
    if home is None:
        tmp = Path(tempfile.mkdtemp(prefix="bench-retrieval-"))
        home = tmp / "home"
    if not (home / "index.sqlite").exists():
        for d in corpus_dirs(args):
            ingest(home, d)
    _SENTENCE_HOME = home
    qdir = ROOT / "bench" / "questions"
    files = args.questions or sorted([*qdir.glob("regulations*.jsonl"), *qdir.glob("findings*.jsonl")])
    splits = ["tune", "heldout"] if args.split == "all" else [args.split]
    settings = load_settings(home)
    retriever = build_retriever(settings)
    retriever.search("워밍업 질의", k=1)
    sources = retriever.index.sources()
    reports: list[Report] = []
    summary: dict[str, dict] = {}
    by_group: dict[tuple[str, str], list[Question]] = {}
    for f in files:
        for split, qs in by_split(load_questions(f)).items():
            by_group.setdefault((group_of(f), split), []).extend(qs)
            if args.per_file and split in splits:
                reports.append(evaluate(f"hybrid · {f.stem} · {split}", qs, retriever_search(retriever, protocol_filters(f))))
    baselines: dict[str, ArticleBM25] = {}
    for (group, split), qs in sorted(by_group.items(), key=lambda kv: (kv[0][1] != "heldout", kv[0][0])):
        if split not in splits:
            continue
        flt = protocol_filters(Path(group))
        hybrid = evaluate(f"hybrid · {group} · {split}", qs, retriever_search(retriever, flt))
        reports.append(hybrid)
        row = {"questions": len(qs), "hybrid": hybrid.to_json()}
        if args.typos:
            typo = evaluate(f"hybrid · {group} · {split} · typos", with_typos(qs), retriever_search(retriever, flt))
            reports.append(typo)
            row["hybrid_typos"] = typo.to_json()
        if not args.no_baselines:
            kinds = {"finding"} if group == "findings" else {"regulation", "product", "ingredient"}
            base = baselines.setdefault(group, ArticleBM25(home, kinds))
            b = evaluate(f"article-split Kiwi BM25 (baseline) · {group} · {split}", qs, base.search)
            reports.append(b)
            row["baseline"] = b.to_json()
            row["delta_r1"] = round(hybrid.recall(1) - b.recall(1), 4)
            row["ratio_r1"] = round(hybrid.recall(1) / b.recall(1), 3) if b.recall(1) else None
        if args.lc_baselines:
            subset = [s for s in sources if flt.matches(s.kind, s.source, {})]
            chunks = baseline_chunks(subset)
            for tok_name, tok in (("whitespace", str.split), ("Kiwi tokens", tokenize)):
                reports.append(evaluate_baseline(f"LC split+BM25 {tok_name} · {group} · {split}", qs, chunks, tok))
                if group == "regulations":
                    reports.append(evaluate_baseline(f"LC split+BM25 {tok_name} · {group} · {split} · strict", qs,
                                                     chunks, tok, strict=True))
        summary[f"{group}/{split}"] = row
    refusals = []
    if not args.no_refusal:
        unans = load_unanswerable(sorted(qdir.glob("unanswerable*.jsonl")))
        for split in splits:
            refusals.append(refusal_reports(retriever, by_group.get(("regulations", split), []),
                                            [u for u in unans if (u.get("split") or "tune") == split], split))
    if args.synthetic:
        regs = [q for (g, _), qs in by_group.items() if g == "regulations" for q in qs]
        reports.append(synthetic_latency(args.synthetic, regs, args.synthetic_home))
    print(format_table(reports))
    for key, row in summary.items():
        if "baseline" in row:
            print(f"{key}: hybrid R@1 {row['hybrid']['recall@1']:.3f} vs baseline {row['baseline']['recall@1']:.3f} "
                  f"(Δ {row['delta_r1']:+.3f}, ratio {row['ratio_r1']})")
    for r in refusals:
        print(f"no-basis · {r['split']}: unanswerable refused {r['unanswerable_refused']:.3f} ({r['unanswerable']}), "
              f"answerable wrongly refused {r['answerable_wrongly_refused']:.3f} ({r['answerable']})")
    if args.misses or args.heldout_misses:
        for r in reports:
            if r.name.startswith("hybrid") and ("· tune" in r.name or args.heldout_misses):
                for qid, question, got in r.misses:
                    print(f"[{r.name}] {qid} {question} → {' | '.join(got)}")
        for r in refusals:
            if r["split"] == "tune" or args.heldout_misses:
                print(f"[no-basis · {r['split']}] not refused: {r['not_refused_ids']}; wrongly refused: {r['wrongly_refused_ids']}")
    if args.json:
        out = {"reports": [r.to_json() for r in reports], "summary": summary, "refusal": refusals}
        args.json.write_text(json.dumps(out, ensure_ascii=False, indent=2), encoding="utf-8")
    if tmp is not None:
        retriever.index.close()
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
