"""Retrieval benchmark (검색 벤치마크): the hybrid retriever vs. LangChain-tutorial baselines.

    .venv/bin/python bench/retrieval.py                      # fresh temp home from corpora/, all question sets
    .venv/bin/python bench/retrieval.py --home /tmp/h        # reuse (or build) that home
    .venv/bin/python bench/retrieval.py --synthetic 100000   # + query latency on a synthetic 100k-record index

Protocol (same for every method):
- Questions: bench/questions/*.jsonl ({"id","question","source","locator",...}). Finding questions are an
  auditor's findings search (kind = finding); the others are asked from an officer's view (findings hidden).
  Baselines search the same subset of files (by the kind the ingest pipeline gave each file).
- Hybrid: `build_retriever(settings)` on the home (default settings: built-in hashed embedder, no reranker),
  top 10, scored at article level: a hit counts when its source is the expected file and its locator's
  article equals the expected article (제5조② counts for 제5조); findings: source + locator.
- Baselines: every file read with the project's readers (documents: block texts joined by newlines; tables:
  one line per row "header: value | …"), split by RecursiveCharacterTextSplitter(chunk_size=1000,
  chunk_overlap=100), ranked by langchain_community BM25Retriever (rank_bm25 Okapi) with whitespace tokens
  or with the Kiwi tokens of assistant.text.korean. A chunk counts for a regulation question when it comes
  from the expected file and contains the expected article's heading (a line starting "제N조(" / "제N조 "),
  for a finding question when it contains the finding's title. This is generous to the baselines: one
  1,000-character chunk often holds several headings and then counts for each of those articles. The
  "strict" rows count a chunk only for its first heading (the article a citation from it would name).
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


# --- main ------------------------------------------------------------------------------------
def main(argv: list[str] | None = None) -> int:
    global _SENTENCE_HOME
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--home", type=Path, help="home to use (built from --corpora when empty); default: a temp dir")
    p.add_argument("--corpora", type=Path, default=ROOT / "corpora")
    p.add_argument("--questions", type=Path, action="append", help="question files (default bench/questions/*.jsonl)")
    p.add_argument("--no-baselines", action="store_true")
    p.add_argument("--synthetic", type=int, default=0, metavar="N", help="also time queries on N synthetic records")
    p.add_argument("--synthetic-home", type=Path, help="keep/reuse the synthetic index here")
    p.add_argument("--json", type=Path, help="write the results as JSON here")
    p.add_argument("--misses", action="store_true", help="print the questions each method missed at rank 1")
    args = p.parse_args(argv)

    from assistant.retrieval.retriever import build_retriever
    from assistant.settings import load_settings
    from assistant.text.korean import tokenize

    tmp = None
    home = args.home
    if home is None:
        tmp = Path(tempfile.mkdtemp(prefix="bench-retrieval-"))
        home = tmp / "home"
    if not (home / "index.sqlite").exists():
        ingest(home, args.corpora)
    _SENTENCE_HOME = home
    files = args.questions or sorted((ROOT / "bench" / "questions").glob("*.jsonl"))
    files = [f for f in files if f.stem in ("regulations", "findings") or args.questions]
    settings = load_settings(home)
    retriever = build_retriever(settings)
    retriever.search("워밍업 질의", k=1)
    sources = retriever.index.sources()
    reports: list[Report] = []
    for f in files:
        questions = load_questions(f)
        flt = protocol_filters(f)
        reports.append(evaluate(f"hybrid (Kiwi BM25 + hashed dense, RRF) · {f.stem}", questions,
                                retriever_search(retriever, flt)))
        if not args.no_baselines:
            subset = [s for s in sources if flt.matches(s.kind, s.source, {})]
            chunks = baseline_chunks(subset)
            reports.append(evaluate_baseline(f"LC split+BM25 whitespace · {f.stem}", questions, chunks, str.split))
            reports.append(evaluate_baseline(f"LC split+BM25 Kiwi tokens · {f.stem}", questions, chunks, tokenize))
            if "finding" not in f.stem:
                reports.append(evaluate_baseline(f"LC split+BM25 whitespace · {f.stem} · strict", questions, chunks,
                                                 str.split, strict=True))
                reports.append(evaluate_baseline(f"LC split+BM25 Kiwi tokens · {f.stem} · strict", questions, chunks,
                                                 tokenize, strict=True))
    if args.synthetic:
        regs = [q for f in files if "finding" not in f.stem for q in load_questions(f)]
        reports.append(synthetic_latency(args.synthetic, regs, args.synthetic_home))
    print(format_table(reports))
    if args.misses:
        for r in reports:
            for qid, question, got in r.misses:
                print(f"[{r.name}] {qid} {question} → {' | '.join(got)}")
    if args.json:
        args.json.write_text(json.dumps([r.to_json() for r in reports], ensure_ascii=False, indent=2), encoding="utf-8")
    if tmp is not None:
        retriever.index.close()
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
