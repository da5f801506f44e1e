"""Finding question sets point at real finding records, and every set carries a tune/held-out split.

`corpora/audit_findings` and `bench/corpora/audit_findings` are ingested once through the real CLI into a
temporary home. Every line of bench/questions/findings*.jsonl must then name a (source, locator) that
exists, with the same title and year; every line of the finding and unanswerable sets has a split; the
finding split is by whole document, as tabled in SPLIT_findings.md; the second corpus keeps every field
an auditor filters on; and its build script reproduces the committed files.
"""

from __future__ import annotations

import importlib.util
import json
import re
import sqlite3
import subprocess
import sys
from collections import Counter, defaultdict
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
QUESTIONS = ROOT / "bench" / "questions"
NEW = ROOT / "bench" / "corpora" / "audit_findings"
SPLITS = {"tune", "heldout"}
FINDING_SETS = ("findings.jsonl", "findings_v2.jsonl")
UNANSWERABLE_SETS = ("unanswerable.jsonl", "unanswerable_v2.jsonl")
NEW_COUNTS = {"self_audit_cases_2019_2025_sample.csv": 32, "audit_case_cards_2019_2025_sample.xlsx": 30,
              "audit_report_2023_pyeongtaek_sample.pdf": 18, "audit_report_2025_gimhae_airport_sample.txt": 16}
DISPOSITIONS = {"변상", "징계", "문책", "시정", "주의", "개선", "권고", "통보", "고발"}


def lines(name: str) -> list[dict]:
    text = (QUESTIONS / name).read_text(encoding="utf-8")
    return [json.loads(ln) for ln in text.splitlines() if ln.strip()]


@pytest.fixture(scope="module")
def findings(tmp_path_factory) -> dict[tuple[str, str], dict]:
    """(source, locator) -> {"title", "metadata"} of every finding record after ingesting both corpora."""
    home = tmp_path_factory.mktemp("home")
    res = subprocess.run([sys.executable, "-m", "ingest", "--home", str(home), "-q", "--json",
                          str(ROOT / "corpora" / "audit_findings"), str(NEW)],
                         cwd=ROOT, capture_output=True, text=True, timeout=240)
    assert res.returncode == 0, res.stderr[-2000:]
    with sqlite3.connect(home / "index.sqlite") as db:
        rows = db.execute("SELECT source, locator, title, metadata FROM records WHERE kind = 'finding'").fetchall()
    out = {(s, loc): {"title": t, "metadata": json.loads(m)} for s, loc, t, m in rows}
    assert len(out) == len(rows), "two findings share a (source, locator)"
    return out


@pytest.mark.parametrize("name", FINDING_SETS)
def test_every_finding_question_points_at_its_record(findings, name):
    qs = lines(name)
    assert len(qs) >= (90 if name.endswith("_v2.jsonl") else 35)
    bad = []
    for q in qs:
        rec = findings.get((q["source"], q["locator"]))
        if rec is None:
            bad.append(f"{q['id']}: no record {q['source']} {q['locator']}")
        elif rec["title"] != q["finding_title"] or rec["metadata"].get("year") != q["year"]:
            bad.append(f"{q['id']}: {rec['title']!r}/{rec['metadata'].get('year')} != {q['finding_title']!r}/{q['year']}")
        if q["question"] == q["finding_title"]:
            bad.append(f"{q['id']}: the question is the title")
    assert not bad, "\n".join(bad)


@pytest.mark.parametrize("name", FINDING_SETS + UNANSWERABLE_SETS)
def test_every_line_has_a_split_and_a_unique_id(name):
    qs = lines(name)
    assert all(q.get("split") in SPLITS for q in qs), [q["id"] for q in qs if q.get("split") not in SPLITS]
    assert len({q["id"] for q in qs}) == len(qs)
    assert len({q["question"] for q in qs}) == len(qs)


def test_ids_do_not_collide_across_sets():
    ids = Counter(q["id"] for name in FINDING_SETS + UNANSWERABLE_SETS for q in lines(name))
    assert not [i for i, n in ids.items() if n > 1]


def test_finding_split_is_by_whole_document_as_documented():
    table = dict(re.findall(r"^\|\s*`([^`]+)`\s*\|\s*v\d\s*\|\s*(tune|heldout)\s*\|",
                            (QUESTIONS / "SPLIT_findings.md").read_text(encoding="utf-8"), re.M))
    per_source: dict[str, set[str]] = defaultdict(set)
    for name in FINDING_SETS:
        for q in lines(name):
            per_source[q["source"]].add(q["split"])
    assert {s: next(iter(v)) for s, v in per_source.items() if len(v) == 1} == table
    assert all(len(v) == 1 for v in per_source.values())
    v2 = Counter(q["split"] for q in lines("findings_v2.jsonl"))
    assert v2["heldout"] >= 45 and v2["tune"] >= 45
    held_docs = [s for s in NEW_COUNTS if table[s] == "heldout"]
    assert len(held_docs) == len(NEW_COUNTS) // 2


def test_unanswerable_v2_is_big_enough_and_half_held_out():
    qs = lines("unanswerable_v2.jsonl")
    assert len(qs) >= 40 and sum(q["split"] == "heldout" for q in qs) >= 20
    assert all(set(q) == {"id", "question", "split"} for q in qs)


def test_second_corpus_keeps_every_field_an_auditor_filters_on(findings):
    per_file = Counter(src for src, _ in findings if src in NEW_COUNTS)
    assert dict(per_file) == NEW_COUNTS
    for (src, loc), rec in findings.items():
        if src not in NEW_COUNTS:
            continue
        m = rec["metadata"]
        where = f"{src} {loc}"
        assert rec["title"] and isinstance(m.get("year"), int) and 2019 <= m["year"] <= 2025, where
        # office = the customs office plus the department, whatever the file calls them
        assert m.get("agency", "").endswith("세관") and len(m.get("office", "").split()) == 2, where
        assert m.get("disposition") in DISPOSITIONS, where
        assert re.search(r"\(샘플\) 제\d+조", m.get("regulation", "")) and not m["regulation"].endswith("제"), where
        assert m.get("field"), where


def test_build_script_reproduces_the_committed_files(tmp_path, monkeypatch):
    spec = importlib.util.spec_from_file_location("build_findings", ROOT / "bench" / "corpora" / "build_findings.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    monkeypatch.setattr(mod, "OUT", tmp_path)
    monkeypatch.setattr(mod, "QUESTIONS", tmp_path / "findings_v2.jsonl")
    monkeypatch.setattr(mod, "ROOT", tmp_path)  # only used to print a relative path
    assert mod.main(["--no-pdf"]) == 0
    for made in sorted(tmp_path.iterdir()):
        committed = QUESTIONS / made.name if made.suffix == ".jsonl" else NEW / made.name
        assert made.read_bytes() == committed.read_bytes(), made.name
