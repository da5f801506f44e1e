"""`python -m ingest` and `python -m assistant sources` as an officer runs them (subprocesses)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

from test_pipeline import make_corpus  # same folder (pytest puts it on sys.path)

from assistant.settings import load_settings
from assistant.store.index import Index

ROOT = Path(__file__).resolve().parents[2]


def cli(*args: str, cwd: Path | None = None, **popen) -> subprocess.CompletedProcess:
    env = dict(os.environ, HF_HUB_OFFLINE="1", ANONYMIZED_TELEMETRY="False", PYTHONPATH=str(ROOT))
    return subprocess.run([sys.executable, *args], capture_output=True, text=True, cwd=cwd or ROOT, env=env,
                          timeout=300, **popen)


def test_ingest_json_summary_unchanged_rerun_and_sources(tmp_path: Path, home: Path):
    corpus = make_corpus(tmp_path / "corpora")
    first = cli("-m", "ingest", "--home", str(home), "--json", str(corpus))
    assert first.returncode == 0, first.stderr
    data = json.loads(first.stdout)
    assert data["indexed"] == 4 and data["failed"] == 0 and data["changed"] is True
    assert data["records"] == {"regulation": 3, "finding": 3, "hazard-list": 2, "ingredient-list": 2}
    second = cli("-m", "ingest", "--home", str(home), str(corpus))
    assert second.returncode == 0, second.stderr
    assert "변경 없음" in second.stdout and "새로 색인 0" in second.stdout and "변경 없음 4" in second.stdout

    # what is indexed: `python -m assistant sources`
    res = cli("-m", "assistant", "--home", str(home), "sources", "--json")
    assert res.returncode == 0, res.stderr
    rows = {r["file"]: r for r in json.loads(res.stdout)}
    assert set(rows) == {"관세법_샘플.txt", "findings.csv", "i2715.json", "blocked.json"}
    assert rows["findings.csv"]["kind"] == "finding" and rows["findings.csv"]["records"] == 3
    assert rows["i2715.json"]["path"].endswith("hazard_lists/i2715.json") and rows["i2715.json"]["ingested_at"]
    officer = cli("-m", "assistant", "--home", str(home), "--role", "officer", "sources", "--json")
    assert "findings.csv" not in {r["file"] for r in json.loads(officer.stdout)}
    text = cli("-m", "assistant", "--home", str(home), "sources")
    assert "감사지적 사례" in text.stdout and "레코드" in text.stdout


def test_bad_file_exit_code_and_one_line(tmp_path: Path, home: Path):
    corpus = make_corpus(tmp_path / "corpora")
    (corpus / "regulations" / "깨진.pdf").write_bytes(b"%PDF-1.4\ngarbage")
    res = cli("-m", "ingest", "--home", str(home), "--quiet", str(corpus))
    assert res.returncode == 2
    fails = [ln for ln in res.stderr.splitlines() if ln.startswith("실패: ")]
    assert len(fails) == 1 and "깨진.pdf" in fails[0]
    assert "Traceback" not in res.stderr
    assert "새로 색인 4" in res.stdout and "실패 1" in res.stdout


def test_second_ingest_waits_then_refuses_with_korean_message(tmp_path: Path, home: Path):
    corpus = make_corpus(tmp_path / "corpora")
    holder = Index(load_settings(home))
    try:
        with holder.lock():
            started = time.monotonic()
            res = cli("-m", "ingest", "--home", str(home), "--wait", "1", str(corpus))
            waited = time.monotonic() - started
        assert res.returncode == 4
        assert "다른 색인 작업이 진행 중입니다" in res.stderr and str(os.getpid()) in res.stderr
        assert waited >= 1.0  # it waited before refusing
        assert holder.counts()["regulation"] == 0
    finally:
        holder.close()


def test_two_ingests_at_once_never_corrupt(tmp_path: Path, home: Path):
    corpus = make_corpus(tmp_path / "corpora")
    env = dict(os.environ, HF_HUB_OFFLINE="1", PYTHONPATH=str(ROOT))
    cmd = [sys.executable, "-m", "ingest", "--home", str(home), "--json", "--wait", "120", str(corpus)]
    procs = [subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=ROOT)
             for _ in range(2)]
    outs = [p.communicate(timeout=300) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], [o[1] for o in outs]
    summaries = [json.loads(o[0]) for o in outs]
    assert sorted(s["indexed"] for s in summaries) == [0, 4], outs  # the second waited, then found all unchanged
    idx = Index(load_settings(home))
    try:
        assert idx.check()["consistent"]
        assert idx.counts()["regulation"] == 3 and len(idx.sources()) == 4
    finally:
        idx.close()


def test_help_and_bad_kind():
    assert cli("-m", "ingest", "--help").returncode == 0
    res = cli("-m", "ingest", "--kind", "nonsense", "x")
    assert res.returncode == 2 and "invalid choice" in res.stderr
