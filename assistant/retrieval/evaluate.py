"""Retrieval evaluation at article level (조 단위 평가): recall@1, recall@5, MRR and query latency.

A question line: {"id", "question", "source", "locator", ...}. A result counts when its `source`
equals the expected file and its article (`article_of(locator)`: 제5조② → 제5조) equals the expected
article; for findings and list entries the locator is compared whole ("행 56", "지적 3").
Ranks beyond `depth` count as misses (reciprocal rank 0).

Used by `python -m assistant eval` and `bench/retrieval.py` (which adds the LangChain baselines).
"""

from __future__ import annotations

import json
import statistics
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assistant.errors import BadInputFile
from assistant.retrieval.hit import article_of

DEPTH = 10


@dataclass
class Question:
    id: str
    question: str
    source: str
    locator: str
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def article(self) -> str:
        return article_of(self.locator)

    @property
    def split(self) -> str:
        """"tune" or "heldout" (whole documents are held out; a question without the field is tuning material)."""
        return str(self.extra.get("split") or "tune")


def load_questions(path: Path) -> list[Question]:
    """Questions from a JSONL file; a bad line is a BadInputFile naming the line."""
    out: list[Question] = []
    for n, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            q = Question(str(row["id"]), str(row["question"]), str(row["source"]), str(row["locator"]),
                         {k: v for k, v in row.items() if k not in {"id", "question", "source", "locator"}})
        except (ValueError, KeyError, TypeError) as exc:
            raise BadInputFile(str(path), f"{n}번째 줄을 읽을 수 없습니다 ({exc})", f"line {n} is invalid ({exc})") from exc
        out.append(q)
    return out


def by_split(questions: list[Question]) -> dict[str, list[Question]]:
    """{"tune": [...], "heldout": [...]} in file order (empty splits left out)."""
    out: dict[str, list[Question]] = {}
    for q in questions:
        out.setdefault(q.split, []).append(q)
    return out


def matches(q: Question, source: str, locator: str) -> bool:
    return source == q.source and article_of(locator) == q.article


def first_rank(q: Question, results: Iterable[tuple[str, str]]) -> int | None:
    """1-based rank of the first (source, locator) that answers the question."""
    for rank, (source, locator) in enumerate(results, 1):
        if rank > DEPTH:
            break
        if matches(q, source, locator):
            return rank
    return None


@dataclass
class Report:
    name: str
    ranks: list[int | None]
    latencies_ms: list[float] = field(default_factory=list)
    misses: list[tuple[str, str, list[str]]] = field(default_factory=list)  # (id, question, top-3 got)

    def recall(self, k: int) -> float:
        return sum(1 for r in self.ranks if r is not None and r <= k) / max(1, len(self.ranks))

    @property
    def mrr(self) -> float:
        return sum(1.0 / r for r in self.ranks if r) / max(1, len(self.ranks))

    def latency(self, pct: float) -> float | None:
        if not self.latencies_ms:
            return None
        data = sorted(self.latencies_ms)
        if len(data) == 1:
            return data[0]
        return statistics.quantiles(data, n=100, method="inclusive")[int(pct) - 1]

    def to_json(self) -> dict[str, Any]:
        p50, p95 = self.latency(50), self.latency(95)
        return {
            "name": self.name,
            "questions": len(self.ranks),
            "recall@1": round(self.recall(1), 4),
            "recall@5": round(self.recall(5), 4),
            "mrr": round(self.mrr, 4),
            "p50_ms": None if p50 is None else round(p50, 2),
            "p95_ms": None if p95 is None else round(p95, 2),
        }


SearchFn = Callable[[str], list[tuple[str, str]]]  # question -> [(source, locator)] best first


def evaluate(name: str, questions: list[Question], search: SearchFn, timed: bool = True) -> Report:
    """Run every question once (warm: call `search` once beforehand to load models/indexes)."""
    report = Report(name, [])
    for q in questions:
        t0 = time.perf_counter()
        got = search(q.question)
        if timed:
            report.latencies_ms.append((time.perf_counter() - t0) * 1000)
        rank = first_rank(q, got)
        report.ranks.append(rank)
        if rank != 1:
            report.misses.append((q.id, q.question, [f"{s} {loc}" for s, loc in got[:3]]))
    return report


def retriever_search(retriever, filters=None) -> SearchFn:
    def search(question: str) -> list[tuple[str, str]]:
        return [(h.source, h.locator) for h in retriever.search(question, k=DEPTH, filters=filters)]

    return search


def format_table(reports: list[Report]) -> str:
    head = f"{'method':<56} {'n':>4} {'R@1':>6} {'R@5':>6} {'MRR':>6} {'p50 ms':>8} {'p95 ms':>8}"
    lines = [head, "-" * len(head)]
    for r in reports:
        j = r.to_json()
        p50 = "-" if j["p50_ms"] is None else f"{j['p50_ms']:.1f}"
        p95 = "-" if j["p95_ms"] is None else f"{j['p95_ms']:.1f}"
        lines.append(f"{r.name:<56} {j['questions']:>4} {j['recall@1']:>6.3f} {j['recall@5']:>6.3f} "
                     f"{j['mrr']:>6.3f} {p50:>8} {p95:>8}")
    return "\n".join(lines)


def protocol_filters(path: Path):
    """The view each question set is asked from: finding questions are an auditor's findings search
    (kind = finding); every other set is an officer's question (findings hidden, as for that role)."""
    from assistant.retrieval.filters import Filters

    if "finding" in Path(path).stem:
        return Filters(kinds=["finding"])
    return Filters.for_role("officer")


def default_question_files() -> list[Path]:
    """bench/questions/regulations*.jsonl and findings*.jsonl (other sets there belong to other benchmarks)."""
    for root in (Path.cwd(), Path(__file__).resolve().parents[2]):
        d = root / "bench" / "questions"
        files = sorted([*d.glob("regulations*.jsonl"), *d.glob("findings*.jsonl")]) if d.is_dir() else []
        if files:
            return files
    return []


def run_suite(retriever, files: list[Path], unfiltered: bool = False) -> list[Report]:
    """Evaluate the retriever on each question file (one warm-up query first)."""
    retriever.search("워밍업 질의 (warm-up)", k=1)
    reports = []
    for f in files:
        questions = load_questions(f)
        reports.append(evaluate(f"hybrid · {Path(f).stem}", questions, retriever_search(retriever, protocol_filters(f))))
        if unfiltered:
            reports.append(evaluate(f"hybrid · {Path(f).stem} · no filter", questions, retriever_search(retriever)))
    return reports
