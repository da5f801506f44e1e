"""Benchmark question sets point at real records, and the tune/held-out split is by whole document.

`corpora/` and `bench/corpora/` are ingested once through the real CLI into a temporary home; every
question in bench/questions/*.jsonl that names a source must then be answerable by some record under the
benchmark's own matching rule (`assistant.retrieval.evaluate.matches`: same file, same article; 제5조②
counts for 제5조). The regulation sets must carry a split, one per source file, as listed in SPLIT.md.
"""

from __future__ import annotations

import json
import re
import sqlite3
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import pytest

from assistant.retrieval.evaluate import Question, load_questions, matches

ROOT = Path(__file__).resolve().parents[2]
QUESTIONS = ROOT / "bench" / "questions"
SPLIT_MD = QUESTIONS / "SPLIT.md"
NEW_DOCS = ROOT / "bench" / "corpora" / "regulations"
SPLIT_REQUIRED = ("regulations.jsonl", "regulations_v2.jsonl")  # findings get theirs separately
SPLITS = {"tune", "heldout"}


@pytest.fixture(scope="module")
def records(tmp_path_factory) -> list[tuple[str, str, str, dict]]:
    """(kind, source, locator, metadata) of every record after ingesting both corpora."""
    home = tmp_path_factory.mktemp("home")
    res = subprocess.run([sys.executable, "-m", "ingest", "--home", str(home), "-q", "--json",
                          str(ROOT / "corpora"), str(ROOT / "bench" / "corpora")],
                         cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stderr[-2000:]
    with sqlite3.connect(home / "index.sqlite") as db:
        rows = db.execute("SELECT kind, source, locator, metadata FROM records").fetchall()
    return [(k, s, loc, json.loads(m)) for k, s, loc, m in rows]


def _sets() -> dict[str, list[Question]]:
    """Question sets whose lines name an expected source (unanswerable.jsonl has none)."""
    out = {}
    for p in sorted(QUESTIONS.glob("*.jsonl")):
        first = next((ln for ln in p.read_text(encoding="utf-8").splitlines() if ln.strip()), "{}")
        if "source" in json.loads(first):
            out[p.name] = load_questions(p)
    return out


def _split_table() -> dict[str, str]:
    """file -> split from the tables in SPLIT.md ("| `file` | set | split |")."""
    rows = re.findall(r"^\|\s*`([^`]+)`\s*\|\s*v\d\s*\|\s*(\w+)\s*\|", SPLIT_MD.read_text(encoding="utf-8"), re.M)
    table = dict(rows)
    assert len(table) == len(rows), "a file is listed twice in SPLIT.md"
    return table


def test_every_question_points_at_an_ingested_record(records):
    by_source: dict[str, list[tuple[str, dict]]] = defaultdict(list)
    for _kind, source, locator, meta in records:
        by_source[source].append((locator, meta))
    missing = []
    for name, questions in _sets().items():
        for q in questions:
            hits = [meta for loc, meta in by_source.get(q.source, []) if matches(q, q.source, loc)]
            if not hits:
                missing.append(f"{name} {q.id}: {q.source} {q.locator}")
            elif "law" in q.extra:
                assert {m.get("law") for m in hits} == {q.extra["law"]}, (name, q.id, q.extra["law"])
    assert not missing, "questions without a record:\n" + "\n".join(missing)


def test_ids_are_unique_across_all_sets():
    ids = [q.id for qs in _sets().values() for q in qs]
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    assert not dupes, dupes


def test_split_is_present_and_by_whole_document():
    sets = _sets()
    split_of: dict[str, set[str]] = defaultdict(set)
    for name, questions in sets.items():
        for q in questions:
            split = q.extra.get("split")
            if name in SPLIT_REQUIRED:
                assert split in SPLITS, (name, q.id, split)
            elif split is not None:
                assert split in SPLITS, (name, q.id, split)
            if split is not None and q.source:
                split_of[q.source].add(split)
    mixed = {s: v for s, v in split_of.items() if len(v) > 1}
    assert not mixed, f"a document is partly tune, partly held out: {mixed}"
    table = _split_table()
    regulation_sources = {q.source for n in SPLIT_REQUIRED for q in sets[n]}
    assert set(table) == regulation_sources, set(table) ^ regulation_sources
    assert {s: v.pop() for s, v in split_of.items() if s in table} == table


def test_new_documents_are_separate_from_the_shipped_corpus_and_half_held_out():
    new = {p.name for p in NEW_DOCS.iterdir() if p.name != "README.md"}
    shipped = {p.name for p in (ROOT / "corpora").rglob("*") if p.is_file()}
    assert not new & shipped, "a record's source is its file name: names must not repeat across corpora"
    v2 = load_questions(QUESTIONS / "regulations_v2.jsonl")
    assert {q.source for q in v2} == new, "every new document has questions, and only those"
    held_docs = {q.source for q in v2 if q.extra["split"] == "heldout"}
    assert len(held_docs) >= 5 and sum(q.extra["split"] == "heldout" for q in v2) >= 110
    assert len({q.source for q in v2} - held_docs) >= 5
