"""Benchmark of `ask` in extractive mode (issue 4): does every answer carry a valid citation whose
locator is the right article (or finding), and how fast is it warm?

Usage:
    .venv/bin/python bench/answers.py [--home DIR] [--questions bench/questions/regulations.jsonl ...]
    .venv/bin/python bench/answers.py --llm [...]     # per mode: extractive, llamacpp, openai (bench/answers_llm.py)

With no --home, the sample corpora are ingested into a temporary home first. Regulation questions
are asked as an `officer` over regulations (what the chat tab and `ask` search); finding questions as an `auditor`
restricted to findings (the audit-search use); unanswerable questions (off-topic or outside the
corpora) as an officer, where "right" means the answer said no basis was found. Prints the share
answered with the right article cited, the share grounded, the share refused, and warm latency p50/p95.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

ARTICLE = re.compile(r"^(부칙\s*)?(제\d+조(?:의\d+)?|별표\s*\d+|지적\s*\d+|행\s*\d+)")


def article_of(locator: str) -> str:
    """'제5조②' → '제5조'; '지적 3' → '지적 3'; other locators unchanged."""
    m = ARTICLE.match(locator.strip())
    return m.group(0).replace(" ", "") if m else locator.strip()


def percentile(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


def run(home: Path, question_files: list[Path]) -> dict:
    from assistant.answer import build_answerer
    from assistant.retrieval.filters import Filters
    from assistant.retrieval.retriever import build_retriever
    from assistant.settings import load_settings

    settings = load_settings(home, llm={"mode": "none"})
    answerer = build_answerer(settings, build_retriever(settings))
    answerer.ask("여행자 휴대품 면세 한도", Filters())  # warm-up: Kiwi, BM25, Chroma loaded
    report = {}
    for qfile in question_files:
        rows = [json.loads(line) for line in qfile.read_text(encoding="utf-8").splitlines() if line.strip()]
        is_finding = "finding" in qfile.name
        # As the product asks: the chat tab and `ask` search regulations for an officer; the audit tab findings.
        filters = Filters(kinds=["finding"]) if is_finding else Filters.for_role("officer", Filters(kinds=["regulation"]))
        right = grounded = refused = 0
        times: list[float] = []
        misses = []
        for row in rows:
            t0 = time.perf_counter()
            ans = answerer.ask(row["question"], filters)
            times.append((time.perf_counter() - t0) * 1000)
            grounded += ans.grounded
            refused += not ans.grounded
            if "source" not in row:  # unanswerable: the right outcome is "no basis found"
                right += not ans.grounded
                continue
            want = (row["source"], article_of(row["locator"]))
            if ans.grounded and any((c.source, article_of(c.locator)) == want for c in ans.citations):
                right += 1
            else:
                misses.append((row["id"], row["question"], want, [(c.source, c.locator) for c in ans.citations]))
        n = len(rows)
        report[qfile.name] = {
            "questions": n,
            "right_article_cited": right / n,
            "grounded": grounded / n,
            "refused": refused / n,
            "p50_ms": statistics.median(times),
            "p95_ms": percentile(times, 0.95),
            "misses": misses,
        }
    return report


def main() -> int:
    if "--llm" in sys.argv[1:] or "--worker" in sys.argv[1:]:
        from answers_llm import main as llm_main

        return llm_main(sys.argv[1:])
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--home", type=Path)
    ap.add_argument("--questions", type=Path, nargs="+",
                    default=[ROOT / "bench/questions/regulations.jsonl", ROOT / "bench/questions/findings.jsonl",
                             ROOT / "bench/questions/unanswerable.jsonl"])
    ap.add_argument("--show-misses", action="store_true")
    args = ap.parse_args()
    home = args.home
    if home is None:
        home = Path(tempfile.mkdtemp(prefix="bench-answers-"))
        subprocess.run([sys.executable, "-m", "ingest", "--home", str(home), "--quiet", str(ROOT / "corpora")], check=True)
    report = run(home, args.questions)
    print(f"{'question set':28} {'n':>4} {'right cited':>11} {'grounded':>9} {'refused':>8} {'p50 ms':>7} {'p95 ms':>7}")
    for name, r in report.items():
        print(f"{name:28} {r['questions']:4d} {r['right_article_cited']:11.3f} {r['grounded']:9.3f} {r['refused']:8.3f} "
              f"{r['p50_ms']:7.1f} {r['p95_ms']:7.1f}")
        if args.show_misses:
            for m in r["misses"]:
                print("   miss:", m)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
